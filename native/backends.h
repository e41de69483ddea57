/* Which CPU-specific backends this compiler and target can build. Each backend's source file is
 * compiled on every platform and is empty where its macro is not defined. */
#ifndef FASTPBKDF2_BACKENDS_H
#define FASTPBKDF2_BACKENDS_H

#include "digests.h"

#if (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5) || (defined(_MSC_VER) && _MSC_VER >= 1900))
#define FP_HAVE_X86_SHANI 1

/* cpu_x86.c: feature groups, checked with CPUID once. */
#define FP_CPU_X86_SHANI 1 /* SHA extensions, with the SSSE3 and SSE4.1 used alongside them */
#define FP_CPU_X86_BMI2 2 /* BMI1 and BMI2 */
#define FP_CPU_X86_AVX2 4
#define FP_CPU_X86_AVX512 8 /* AVX-512 Foundation and Vector Length (256-bit forms) */
#define FP_CPU_X86_AMD 16   /* an AMD (or Hygon) CPU: which tuning table to use, not a feature */
/* True if the CPU has every feature in `mask`. */
int fp_cpu_x86_has(int mask);

/* The loops that backends_x86.c combines into backends: pbkdf2_x86_shani.c, pbkdf2_x86_bmi2.c. */
void sha1_iterate_bmi2(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count);
void sha256_iterate_bmi2(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count);
void sha512_iterate_bmi2(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8], uint32_t count);
void fp_sha1_iterate_shani(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count);
void fp_sha1_iterate2_shani(const sha1_hmac_keys *ka, uint32_t ua[5], uint32_t ta[5], const sha1_hmac_keys *kb,
                            uint32_t ub[5], uint32_t tb[5], uint32_t count);
void fp_sha256_iterate_shani(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count);
void fp_sha256_iterate2_shani(const sha256_hmac_keys *ka, uint32_t ua[8], uint32_t ta[8], const sha256_hmac_keys *kb,
                              uint32_t ub[8], uint32_t tb[8], uint32_t count);
void fp_sha256_iterate4_shani(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u, uint32_t *const *t,
                              uint32_t count);
void fp_sha256_iterate4_shani512(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                 uint32_t *const *t, uint32_t count);
#endif

/* The word-sliced loops of pbkdf2_x86_wide.c use GCC vector extensions (GCC, clang; not MSVC). */
#if defined(FP_HAVE_X86_SHANI) && defined(__GNUC__)
#define FP_HAVE_X86_WIDE 1
void fp_sha1_iterate_avx512(unsigned n, const sha1_hmac_keys *const *keys, uint32_t *const *u, uint32_t *const *t,
                            uint32_t count);
void fp_sha1_iterate_avx2(unsigned n, const sha1_hmac_keys *const *keys, uint32_t *const *u, uint32_t *const *t,
                          uint32_t count);
void fp_sha256_iterate_avx512(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                              uint32_t *const *t, uint32_t count);
void fp_sha256_iterate_avx2(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u, uint32_t *const *t,
                            uint32_t count);
void fp_sha512_iterate_avx512(unsigned n, const sha512_hmac_keys *const *keys, uint64_t *const *u,
                              uint64_t *const *t, uint32_t count);
void fp_sha1_iterate_avx512y(unsigned n, const sha1_hmac_keys *const *keys, uint32_t *const *u, uint32_t *const *t,
                             uint32_t count);
void fp_sha256_iterate_avx512y(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                               uint32_t *const *t, uint32_t count);
void fp_sha512_iterate_avx512y(unsigned n, const sha512_hmac_keys *const *keys, uint64_t *const *u,
                               uint64_t *const *t, uint32_t count);
void fp_sha512_iterate_avx2(unsigned n, const sha512_hmac_keys *const *keys, uint64_t *const *u, uint64_t *const *t,
                            uint32_t count);
/* pbkdf2_x86_hybrid512.c: 8 AVX-512 lanes and a ninth chain on the scalar ALUs (BMI2). */
void fp_sha512_iterate_hybrid(unsigned n, const sha512_hmac_keys *const *keys, uint64_t *const *u, uint64_t *const *t,
                              uint32_t count);
#endif

/* The vector-schedule one-chain loops of pbkdf2_x86_vsched.c (GCC, clang: inline asm). */
#if defined(FP_HAVE_X86_SHANI) && defined(__GNUC__)
#define FP_HAVE_X86_VSCHED 1
void fp_sha512_iterate_vsched512(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8], uint32_t count);
void fp_sha512_iterate_vsched2(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8], uint32_t count);
void fp_sha256_iterate_vsched512(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count);
void fp_sha256_iterate_vsched2(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count);
void fp_sha1_iterate_vsched512(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count);
void fp_sha1_iterate_vsched2(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count);
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define FP_HAVE_ARM_SHA 1
#endif

#endif
