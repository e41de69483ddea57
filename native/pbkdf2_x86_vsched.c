/* One-chain loops with the message schedule in vector registers and scalar BMI2 rounds
 * (vsched_<digest>.h says why), for AVX-512VL (rotates and three-way XOR in one op each) and for
 * AVX2. GCC/clang only (inline asm below); MSVC builds keep the plain C loops of pbkdf2_x86_bmi2.c,
 * which are also the reference these are tested against. */
#include "backends.h"

#if defined(FP_HAVE_X86_VSCHED)

#include <immintrin.h>

#include "sha512.h"
#include "template_names.h"

/* x + *p with *p as a memory operand: left to itself the compiler keeps the W+K words in vector
 * registers and extracts each one (one op per word on a port the rounds need). */
static inline __attribute__((always_inline)) uint64_t vs_add_mem(uint64_t x, const uint64_t *p) {
  __asm__("addq %1, %0" : "+r"(x) : "m"(*p));
  return x;
}

#define VS_NAME fp_sha512_iterate_vsched512
#define VS_TARGET "avx512f,avx512vl,bmi,bmi2"
#define VS_SIGMA0(x) _mm_ternarylogic_epi64(_mm_ror_epi64(x, 1), _mm_ror_epi64(x, 8), _mm_srli_epi64(x, 7), 0x96)
#define VS_SIGMA1(x) _mm_ternarylogic_epi64(_mm_ror_epi64(x, 19), _mm_ror_epi64(x, 61), _mm_srli_epi64(x, 6), 0x96)
#include "vsched_sha512.h"

/* Without vector rotates: ROTR(x, n) = x >> n | x << (64 - n), the shifted-right and shifted-left
 * parts XOR-ed together. */
#define VS_NAME fp_sha512_iterate_vsched2
#define VS_TARGET "avx2,bmi,bmi2"
#define VS_SIGMA0(x)                                                                                         \
  _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(x, 1), _mm_srli_epi64(x, 7)), _mm_srli_epi64(x, 8)), \
                _mm_xor_si128(_mm_slli_epi64(x, 63), _mm_slli_epi64(x, 56)))
#define VS_SIGMA1(x)                                                                                           \
  _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(x, 19), _mm_srli_epi64(x, 61)), _mm_srli_epi64(x, 6)), \
                _mm_xor_si128(_mm_slli_epi64(x, 45), _mm_slli_epi64(x, 3)))
#include "vsched_sha512.h"

#else
typedef int fp_x86_vsched_unused; /* ISO C forbids an empty translation unit */
#endif
