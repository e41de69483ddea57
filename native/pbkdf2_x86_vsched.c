/* One-chain loops with the message schedule in vector registers and scalar BMI2 rounds
 * (vsched_<digest>.h says why), for AVX-512VL (rotates and three-way XOR in one op each) and for
 * AVX2. GCC/clang only (inline asm below); MSVC builds keep the plain C loops of pbkdf2_x86_bmi2.c,
 * which are also the reference these are tested against. */
#include "backends.h"

#if defined(FP_HAVE_X86_VSCHED)

#include <immintrin.h>

#include "sha1.h"
#include "sha256.h"
#include "sha512.h"
#include "template_names.h"

/* x + *p with *p as a memory operand: left to itself the compiler keeps the W+K words in vector
 * registers and extracts each one (one op per word, on a port the rounds need). Volatile, like the
 * rounds, so that the compiler keeps the schedule steps between the rounds where they are written. */
static inline __attribute__((always_inline)) uint64_t vs_add_mem64(uint64_t x, const uint64_t *p) {
  __asm__ volatile("addq %1, %0" : "+r"(x) : "m"(*p));
  return x;
}
static inline __attribute__((always_inline)) uint32_t vs_add_mem32(uint32_t x, const uint32_t *p) {
  __asm__ volatile("addl %1, %0" : "+r"(x) : "m"(*p));
  return x;
}
/* The same, free to move (not volatile). */
static inline __attribute__((always_inline)) uint32_t vs_add_mem32_keep(uint32_t x, const uint32_t *p) {
  __asm__("addl %1, %0" : "+r"(x) : "m"(*p));
  return x;
}

/* One SHA-2 round after h += W[t] + K[t]: T1 = h + S1(e) + Ch(e,f,g); d += T1; h = T1 + S0(a) +
 * Maj(a,b,c), so the new a is left in h and the new e in d (the caller rotates the names). In asm
 * so that the 21 ops keep this order. The C of sha2_compress.h is the reference these loops are
 * tested against. SUFFIX: the operand size (q, l); S1, S0: the rotations. */
#define VS_SHA2_ROUND(NAME, WORD, SUFFIX, S1a, S1b, S1c, S0a, S0b, S0c)                                         \
  static inline __attribute__((always_inline)) void NAME(WORD a, WORD b, WORD *d, WORD e, WORD f, WORD g, WORD *h, \
                                                         WORD *bc, WORD *ab) {                                   \
    WORD s, t;                                                                                                 \
    __asm__ volatile("rorx" SUFFIX " $" #S1a ", %[e], %[s]\n\t"                                                \
                     "rorx" SUFFIX " $" #S1b ", %[e], %[t]\n\t"                                                \
                     "xor" SUFFIX " %[t], %[s]\n\t"                                                            \
                     "andn" SUFFIX " %[g], %[e], %[t]\n\t" /* Ch = (~e & g) + (e & f): no bit in both */      \
                     "add" SUFFIX " %[t], %[h]\n\t"                                                            \
                     "rorx" SUFFIX " $" #S1c ", %[e], %[t]\n\t"                                                \
                     "xor" SUFFIX " %[t], %[s]\n\t" /* S1(e) */                                                \
                     "mov" SUFFIX " %[f], %[t]\n\t"                                                            \
                     "and" SUFFIX " %[e], %[t]\n\t"                                                            \
                     "add" SUFFIX " %[t], %[h]\n\t"                                                            \
                     "add" SUFFIX " %[s], %[h]\n\t" /* T1 */                                                   \
                     "rorx" SUFFIX " $" #S0a ", %[a], %[s]\n\t"                                                \
                     "rorx" SUFFIX " $" #S0b ", %[a], %[t]\n\t"                                                \
                     "add" SUFFIX " %[h], %[d]\n\t" /* d + T1: the next e */                                   \
                     "xor" SUFFIX " %[t], %[s]\n\t"                                                            \
                     "rorx" SUFFIX " $" #S0c ", %[a], %[t]\n\t"                                                \
                     "xor" SUFFIX " %[t], %[s]\n\t" /* S0(a) */                                                \
                     "mov" SUFFIX " %[a], %[ab]\n\t"                                                           \
                     "xor" SUFFIX " %[b], %[ab]\n\t"                                                           \
                     "and" SUFFIX " %[ab], %[bc]\n\t"                                                          \
                     "xor" SUFFIX " %[b], %[bc]\n\t" /* Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)) */                \
                     "add" SUFFIX " %[s], %[h]\n\t"                                                            \
                     "add" SUFFIX " %[bc], %[h]" /* T1 + S0(a) + Maj: the next a */                            \
                     : [h] "+r"(*h), [d] "+r"(*d), [bc] "+r"(*bc), [ab] "=&r"(*ab), [s] "=&r"(s), [t] "=&r"(t)  \
                     : [a] "r"(a), [b] "r"(b), [e] "r"(e), [f] "r"(f), [g] "r"(g));                             \
  }
VS_SHA2_ROUND(vs_sha256_round, uint32_t, "l", 6, 11, 25, 2, 13, 22)

/* One SHA-512 round: h += W[t] + K[t] (from memory: *wk), then as above. The same instructions in
 * another order, the fastest of ~250 orders measured in the loop on AMD Zen 4 (150 -> 141 ns per
 * compression with AVX-512VL against the order above; AVX2 about the same; clang 14 and gcc 12
 * agree). Zen 4 hands the ops to its 4 ALUs as they arrive, RORX only to 2 of them, so the order
 * decides how often an op waits behind another on its ALU. What won: h + W+K + Ch first (it does
 * not wait for S1), the rotates spread among other ops, and S0 + Maj summed before T1 comes. */
static inline __attribute__((always_inline)) void vs_sha512_round(uint64_t a, uint64_t b, uint64_t *d, uint64_t e,
                                                                  uint64_t f, uint64_t g, uint64_t *h, uint64_t *bc,
                                                                  uint64_t *ab, const uint64_t *wk) {
  uint64_t s, t, u;
  __asm__ volatile("rorxq $18, %[e], %[s]\n\t"
                   "addq %[wk], %[h]\n\t"
                   "andnq %[g], %[e], %[t]\n\t" /* Ch = (~e & g) + (e & f): no bit in both */
                   "movq %[f], %[u]\n\t"
                   "addq %[t], %[h]\n\t"
                   "andq %[e], %[u]\n\t"
                   "rorxq $14, %[e], %[t]\n\t"
                   "xorq %[s], %[t]\n\t"
                   "addq %[u], %[h]\n\t"
                   "rorxq $41, %[e], %[s]\n\t"
                   "movq %[a], %[ab]\n\t"
                   "xorq %[s], %[t]\n\t" /* S1(e) */
                   "rorxq $34, %[a], %[u]\n\t"
                   "xorq %[b], %[ab]\n\t"
                   "addq %[t], %[h]\n\t" /* T1 */
                   "rorxq $28, %[a], %[s]\n\t"
                   "rorxq $39, %[a], %[t]\n\t"
                   "xorq %[u], %[s]\n\t"
                   "andq %[ab], %[bc]\n\t"
                   "addq %[h], %[d]\n\t" /* d + T1: the next e */
                   "xorq %[b], %[bc]\n\t" /* Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)) */
                   "xorq %[t], %[s]\n\t"  /* S0(a) */
                   "addq %[s], %[bc]\n\t"
                   "addq %[bc], %[h]" /* T1 + S0(a) + Maj: the next a */
                   : [h] "+r"(*h), [d] "+r"(*d), [bc] "+r"(*bc), [ab] "=&r"(*ab), [s] "=&r"(s), [t] "=&r"(t), [u] "=&r"(u)
                   : [a] "r"(a), [b] "r"(b), [e] "r"(e), [f] "r"(f), [g] "r"(g), [wk] "m"(*wk));
}

#define VS_NAME fp_sha512_iterate_vsched512
#define VS_TARGET "avx512f,avx512vl,bmi,bmi2"
#define VS_SIGMA0(x) _mm256_ternarylogic_epi64(_mm256_ror_epi64(x, 1), _mm256_ror_epi64(x, 8), _mm256_srli_epi64(x, 7), 0x96)
#define VS_SIGMA1(x) _mm256_ternarylogic_epi64(_mm256_ror_epi64(x, 19), _mm256_ror_epi64(x, 61), _mm256_srli_epi64(x, 6), 0x96)
#define VS_ALIGN1(hi, lo) _mm256_alignr_epi64(hi, lo, 1)
#include "vsched_sha512.h"

/* Without vector rotates: ROTR(x, n) = x >> n | x << (64 - n), the shifted-right and shifted-left
 * parts XOR-ed together. */
#define VS_NAME fp_sha512_iterate_vsched2
#define VS_TARGET "avx2,bmi,bmi2"
/* ROTR 8 is a byte shuffle: one op instead of three. */
#define VS_ROTR8_64(x)                                                                                             \
  _mm256_shuffle_epi8(x, _mm256_set_epi8(8, 15, 14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1, 8, 15, 14, 13, 12, 11, \
                                         10, 9, 0, 7, 6, 5, 4, 3, 2, 1))
#define VS_SIGMA0(x)                                                                         \
  _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(x, 1), _mm256_slli_epi64(x, 63)), \
                   _mm256_xor_si256(VS_ROTR8_64(x), _mm256_srli_epi64(x, 7)))
#define VS_SIGMA1(x)                                                                                                  \
  _mm256_xor_si256(                                                                                                   \
      _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(x, 19), _mm256_srli_epi64(x, 61)), _mm256_srli_epi64(x, 6)), \
      _mm256_xor_si256(_mm256_slli_epi64(x, 45), _mm256_slli_epi64(x, 3)))
/* AVX2's byte align works within 128-bit halves: first the middle words (3, 4, 5, 6 of lo, hi). */
#define VS_ALIGN1(hi, lo) _mm256_alignr_epi8(_mm256_permute2x128_si256(lo, hi, 0x21), lo, 8)
#include "vsched_sha512.h"
#undef VS_ROTR8_64

#define VS_NAME fp_sha256_iterate_vsched512
#define VS_TARGET "avx512f,avx512vl,bmi,bmi2"
#define VS_SIGMA0(x) _mm_ternarylogic_epi32(_mm_ror_epi32(x, 7), _mm_ror_epi32(x, 18), _mm_srli_epi32(x, 3), 0x96)
#define VS_SIGMA1(x) _mm_ternarylogic_epi32(_mm_ror_epi32(x, 17), _mm_ror_epi32(x, 19), _mm_srli_epi32(x, 10), 0x96)
#include "vsched_sha256.h"

#define VS_NAME fp_sha256_iterate_vsched2
#define VS_TARGET "avx2,bmi,bmi2"
#define VS_SIGMA0(x)                                                                                           \
  _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(x, 7), _mm_srli_epi32(x, 18)), _mm_srli_epi32(x, 3)), \
                _mm_xor_si128(_mm_slli_epi32(x, 25), _mm_slli_epi32(x, 14)))
#define VS_SIGMA1(x)                                                                                             \
  _mm_xor_si128(_mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(x, 17), _mm_srli_epi32(x, 19)), _mm_srli_epi32(x, 10)), \
                _mm_xor_si128(_mm_slli_epi32(x, 15), _mm_slli_epi32(x, 13)))
#include "vsched_sha256.h"

#define VS_NAME fp_sha1_iterate_vsched512
#define VS_TARGET "avx512f,avx512vl,bmi,bmi2"
#define VS_XOR4(a, b, c, d) _mm_ternarylogic_epi32(_mm_xor_si128(a, b), c, d, 0x96)
#define VS_ROTL(x, n) _mm_rol_epi32(x, n)
#include "vsched_sha1.h"

#define VS_NAME fp_sha1_iterate_vsched2
#define VS_TARGET "avx2,bmi,bmi2"
#define VS_XOR4(a, b, c, d) _mm_xor_si128(_mm_xor_si128(a, b), _mm_xor_si128(c, d))
#define VS_ROTL(x, n) _mm_or_si128(_mm_slli_epi32(x, n), _mm_srli_epi32(x, 32 - (n)))
#include "vsched_sha1.h"

#else
typedef int fp_x86_vsched_unused; /* ISO C forbids an empty translation unit */
#endif
