/* The portable C inner loops compiled for BMI2, whose RORX rotates without touching flags or its
 * source register: SHA-512's six rotations per round are most of its work, and this alone runs it
 * about 1.25x faster on x86-64 (measured: 2.25 -> 2.8 M iterations/s on the project's Xeon).
 * Called only once cpu_x86.c has seen the BMI2 bit (backends_x86.c). */
#include "backends.h"

#if defined(FP_HAVE_X86_SHANI)

#include "sha1.h"
#include "sha256.h"
#include "sha512.h"

#if defined(_MSC_VER) && !defined(__clang__)
#define BMI2_TARGET
#else
#define BMI2_TARGET __attribute__((target("bmi2")))
#endif

#include "params_sha1.h"
#define ITERATE_SUFFIX iterate_bmi2
#define ITERATE_TARGET BMI2_TARGET
#define ITERATE_LINKAGE
#include "iterate_template.h"
#include "template_names_end.h"

#include "params_sha256.h"
#define ITERATE_SUFFIX iterate_bmi2
#define ITERATE_TARGET BMI2_TARGET
#define ITERATE_LINKAGE
#include "iterate_template.h"
#include "template_names_end.h"

#include "params_sha512.h"
#define ITERATE_SUFFIX iterate_bmi2
#define ITERATE_TARGET BMI2_TARGET
#define ITERATE_LINKAGE
#include "iterate_template.h"
#include "template_names_end.h"

#else
typedef int fp_bmi2_unused; /* ISO C forbids an empty translation unit */
#endif
