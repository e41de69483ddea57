/* Word-sliced multi-chain loops for x86-64 (wide_template.h): AVX-512 runs 16 SHA-1/SHA-256 chains
 * or 8 SHA-512 chains per loop, AVX2 8 or 4. They serve concurrent calls (the pool hands them
 * chains from different passwords) and multi-block keys. Measured on the project's Xeon: 16 lanes
 * of SHA-256 do 35 M iterations/s on one core, against 18.9 for two SHA-NI chains.
 * GCC/clang only (vector extensions); elsewhere this file is empty and no wide loop is offered. */
#include "backends.h"

#if defined(FP_HAVE_X86_WIDE)

#include "pbkdf2.h"
#include "sha1.h"
#include "sha256.h"
#include "sha512.h"

#define AVX512 "avx512f"
#define AVX512Y "avx512f,avx512vl" /* AVX-512 instructions on 256-bit vectors: more work per lane */
#define AVX2 "avx2"

#include "params_sha1.h"
#define LANES 16
#define WIDE_NAME fp_sha1_iterate_avx512
#define WIDE_TARGET AVX512
#include "wide_template.h"

#include "params_sha1.h"
#define LANES 8
#define WIDE_NAME fp_sha1_iterate_avx2
#define WIDE_TARGET AVX2
#include "wide_template.h"

#include "params_sha256.h"
#define LANES 16
#define WIDE_NAME fp_sha256_iterate_avx512
#define WIDE_TARGET AVX512
#include "wide_template.h"

#include "params_sha256.h"
#define LANES 8
#define WIDE_NAME fp_sha256_iterate_avx2
#define WIDE_TARGET AVX2
#include "wide_template.h"

#include "params_sha512.h"
#define LANES 8
#define WIDE_NAME fp_sha512_iterate_avx512
#define WIDE_TARGET AVX512
#include "wide_template.h"

#include "params_sha512.h"
#define LANES 4
#define WIDE_NAME fp_sha512_iterate_avx2
#define WIDE_TARGET AVX2
#include "wide_template.h"

#include "params_sha1.h"
#define LANES 8
#define WIDE_NAME fp_sha1_iterate_avx512y
#define WIDE_TARGET AVX512Y
#include "wide_template.h"

#include "params_sha256.h"
#define LANES 8
#define WIDE_NAME fp_sha256_iterate_avx512y
#define WIDE_TARGET AVX512Y
#include "wide_template.h"

#include "params_sha512.h"
#define LANES 4
#define WIDE_NAME fp_sha512_iterate_avx512y
#define WIDE_TARGET AVX512Y
#include "wide_template.h"

#else
typedef int fp_x86_wide_unused; /* ISO C forbids an empty translation unit */
#endif
