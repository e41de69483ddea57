/* ARMv8 Cryptography Extensions backend: the PBKDF2 inner loop for SHA-1 and SHA-256 (FEAT_SHA1,
 * FEAT_SHA256) and SHA-512 (FEAT_SHA512, ARMv8.2).
 *
 * Two backend objects, both always defined on AArch64:
 *   fp_backend_armv8_sha512  "armv8-sha512"  SHA-1, SHA-256 and SHA-512 accelerated; available when the
 *                                            CPU has SHA1, SHA2 and SHA512 (list it first)
 *   fp_backend_armv8         "armv8"         SHA-1 and SHA-256 accelerated, SHA-512 portable; available
 *                                            when the CPU has SHA1 and SHA2
 *
 * The file does not need the whole build to target the crypto extensions: only the functions below
 * carry a target attribute (GCC "+crypto" / "arch=armv8.2-a+sha3", clang "crypto,sha2" /
 * "crypto,sha2,sha3"), and they are reached only through a backend whose available() checked the
 * CPU at run time. MSVC exposes the intrinsics without any attribute.
 *
 * Each iterate function keeps both HMAC midstates, the running U and T, the padding words and as many
 * round constants as fit in NEON registers for the whole loop: one iteration is exactly two
 * compressions (inner over U || padding, outer over the inner digest || padding) and an XOR into T;
 * U and T are loaded and stored only at the ends. Measured with test/native/inspect-asm.mjs (GCC 12 /
 * clang 14-16, -O3): the SHA-1 loop touches no memory; the SHA-256 loop reloads 3-8 of its 16
 * round-constant vectors; the SHA-512 loop must load its 40 round-constant vectors every compression
 * and the compilers add 10-35 stack spills per iteration (32 registers cannot hold 16 live vectors
 * plus a compression's working set). */

#if defined(__aarch64__) || defined(_M_ARM64)

/* clang before 16 hides the crypto intrinsics in arm_neon.h behind these feature macros unless the
 * whole file is compiled with -march=...+crypto. Defining them here only makes the declarations
 * visible; the builtins they wrap are still compiled only inside the target-attributed functions
 * (clang 16 and later guard the intrinsics by target attributes instead and ignore the macros). */
#if defined(__clang__)
#ifndef __ARM_FEATURE_SHA2
#define __ARM_FEATURE_SHA2 1
#endif
#ifndef __ARM_FEATURE_SHA3
#define __ARM_FEATURE_SHA3 1
#endif
#ifndef __ARM_FEATURE_SHA512
#define __ARM_FEATURE_SHA512 1
#endif
#endif

#include <arm_neon.h>

#include "pbkdf2.h"
#include "sha256.h"
#include "sha512.h"

#if defined(__linux__) || defined(__ANDROID__) || defined(__FreeBSD__)
#include <sys/auxv.h>
#elif defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#elif defined(_WIN32)
#include <windows.h>
#endif

/* ---- target attributes ---------------------------------------------------------------------- */

#if defined(__clang__)
#define FP_TARGET_SHA2 __attribute__((target("crypto,sha2")))
#define FP_TARGET_SHA512 __attribute__((target("crypto,sha2,sha3")))
#define FP_ARMV8_SHA512 1
#elif defined(__GNUC__)
#define FP_TARGET_SHA2 __attribute__((target("+crypto")))
#define FP_TARGET_SHA512 __attribute__((target("arch=armv8.2-a+sha3")))
#if __GNUC__ >= 8 /* GCC 8 introduced the SHA-512 intrinsics */
#define FP_ARMV8_SHA512 1
#endif
#else /* MSVC: SHA-1/SHA-256 intrinsics need no attribute; it has no SHA-512 intrinsics */
#define FP_TARGET_SHA2
#define FP_TARGET_SHA512
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define FP_ARMV8_INLINE static __forceinline
#else
#define FP_ARMV8_INLINE static inline __attribute__((always_inline))
#endif

/* Hide a loop-invariant value (a vector, or a general register) from the optimiser inside the loop.
 * Without it GCC hoists the schedule steps that involve only padding words, and the round-constant
 * loads, out of the loop and, short of registers, keeps the results on the stack: a spill and reload
 * where an ALU op or a single load would do. */
#if defined(__GNUC__) || defined(__clang__)
#define FP_OPAQUE(v) __asm__("" : "+w"(v))
#define FP_OPAQUE_GPR(p) __asm__("" : "+r"(p))
#else
#define FP_OPAQUE(v) ((void)0)
#define FP_OPAQUE_GPR(p) ((void)0)
#endif

/* ---- run-time CPU detection ------------------------------------------------------------------ */

#define FP_CPU_SHA1 1
#define FP_CPU_SHA2 2
#define FP_CPU_SHA512 4

static int detect_cpu(void) {
  int f = 0;
#if defined(__linux__) || defined(__ANDROID__) || defined(__FreeBSD__)
#ifndef HWCAP_SHA1
#define HWCAP_SHA1 (1UL << 5)
#endif
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1UL << 6)
#endif
#ifndef HWCAP_SHA512
#define HWCAP_SHA512 (1UL << 21)
#endif
  unsigned long hw = 0;
#if defined(__FreeBSD__)
  if (elf_aux_info(AT_HWCAP, &hw, sizeof hw) != 0) hw = 0;
#else
  hw = getauxval(AT_HWCAP);
#endif
  if (hw & HWCAP_SHA1) f |= FP_CPU_SHA1;
  if (hw & HWCAP_SHA2) f |= FP_CPU_SHA2;
  if (hw & HWCAP_SHA512) f |= FP_CPU_SHA512;
#elif defined(__APPLE__)
  /* Every Apple arm64 CPU (A7 onwards, all Macs) has SHA-1 and SHA-256. */
  int v = 0;
  size_t len = sizeof v;
  f = FP_CPU_SHA1 | FP_CPU_SHA2;
  if (sysctlbyname("hw.optional.arm.FEAT_SHA512", &v, &len, NULL, 0) != 0) { /* macOS 12+ name */
    v = 0;
    len = sizeof v;
    if (sysctlbyname("hw.optional.armv8_2_sha512", &v, &len, NULL, 0) != 0) v = 0; /* macOS 11 */
  }
  if (v) f |= FP_CPU_SHA512;
#elif defined(_WIN32)
#ifndef PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE 30
#endif
  if (IsProcessorFeaturePresent(PF_ARM_V8_CRYPTO_INSTRUCTIONS_AVAILABLE)) f = FP_CPU_SHA1 | FP_CPU_SHA2;
#endif
  return f;
}

/* Detection runs once; racing first callers compute the same value. */
static int cpu_features(void) {
#if defined(__GNUC__) || defined(__clang__)
  static int cached = -1;
  int f = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (f < 0) {
    f = detect_cpu();
    __atomic_store_n(&cached, f, __ATOMIC_RELAXED);
  }
  return f;
#else
  static volatile long cached = -1;
  long f = cached;
  if (f < 0) cached = f = detect_cpu();
  return (int)f;
#endif
}

static int armv8_available(void) {
  const int need = FP_CPU_SHA1 | FP_CPU_SHA2;
  return (cpu_features() & need) == need;
}

static int armv8_sha512_available(void) {
#if defined(FP_ARMV8_SHA512)
  const int need = FP_CPU_SHA1 | FP_CPU_SHA2 | FP_CPU_SHA512;
  return (cpu_features() & need) == need;
#else
  return 0;
#endif
}

/* ---- SHA-1 ----------------------------------------------------------------------------------- */

/* The inner/outer block after a 64-byte key block: words 0..4 the 20-byte digest, word 5 the 0x80
 * marker, word 15 the length 84 bytes = 672 bits. As vectors: {d0..d3}, {d4, 0x80000000, 0, 0}, 0,
 * {0, 0, 0, 672}. */
static const uint32_t sha1_pad1[4] = {0, 0x80000000u, 0, 0};
static const uint32_t sha1_pad3[4] = {0, 0, 0, (64 + 20) * 8};
static const uint32_t sha1_k[4] = {0x5a827999u, 0x6ed9eba1u, 0x8f1bbcdcu, 0xca62c1d6u};

/* Four rounds: W[4g..4g+3] is in m##j; sha1h gives the E for the next four rounds (ROL30 of A). */
#define SHA1_QROUND(op, j, kv)                         \
  do {                                                 \
    uint32x4_t wk_ = vaddq_u32(m##j, kv);              \
    uint32_t e_next_ = vsha1h_u32(vgetq_lane_u32(abcd, 0)); \
    abcd = op(abcd, e, wk_);                           \
    e = e_next_;                                       \
  } while (0)
/* W[t] = ROL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]) for four words, in place over m##a (W[t-16..]). */
#define SHA1_SCHED(a, b, c, d) m##a = vsha1su1q_u32(vsha1su0q_u32(m##a, m##b, m##c), m##d)

/* One compression of state (abcd0, e0) over the message (m0, m1, m2, m3); returns ABCD, E in *e_out. */
FP_ARMV8_INLINE FP_TARGET_SHA2 uint32x4_t sha1_compress_neon(uint32x4_t abcd0, uint32_t e0, uint32x4_t m0, uint32x4_t m1,
                                                             uint32x4_t m2, uint32x4_t m3, uint32x4_t k0, uint32x4_t k1,
                                                             uint32x4_t k2, uint32x4_t k3, uint32_t *e_out) {
  uint32x4_t abcd = abcd0;
  uint32_t e = e0;
  SHA1_QROUND(vsha1cq_u32, 0, k0); /* rounds 0..3 */
  SHA1_QROUND(vsha1cq_u32, 1, k0);
  SHA1_QROUND(vsha1cq_u32, 2, k0);
  SHA1_QROUND(vsha1cq_u32, 3, k0);
  SHA1_SCHED(0, 1, 2, 3);
  SHA1_QROUND(vsha1cq_u32, 0, k0); /* rounds 16..19 */
  SHA1_SCHED(1, 2, 3, 0);
  SHA1_QROUND(vsha1pq_u32, 1, k1);
  SHA1_SCHED(2, 3, 0, 1);
  SHA1_QROUND(vsha1pq_u32, 2, k1);
  SHA1_SCHED(3, 0, 1, 2);
  SHA1_QROUND(vsha1pq_u32, 3, k1);
  SHA1_SCHED(0, 1, 2, 3);
  SHA1_QROUND(vsha1pq_u32, 0, k1);
  SHA1_SCHED(1, 2, 3, 0);
  SHA1_QROUND(vsha1pq_u32, 1, k1); /* rounds 36..39 */
  SHA1_SCHED(2, 3, 0, 1);
  SHA1_QROUND(vsha1mq_u32, 2, k2);
  SHA1_SCHED(3, 0, 1, 2);
  SHA1_QROUND(vsha1mq_u32, 3, k2);
  SHA1_SCHED(0, 1, 2, 3);
  SHA1_QROUND(vsha1mq_u32, 0, k2);
  SHA1_SCHED(1, 2, 3, 0);
  SHA1_QROUND(vsha1mq_u32, 1, k2);
  SHA1_SCHED(2, 3, 0, 1);
  SHA1_QROUND(vsha1mq_u32, 2, k2); /* rounds 56..59 */
  SHA1_SCHED(3, 0, 1, 2);
  SHA1_QROUND(vsha1pq_u32, 3, k3);
  SHA1_SCHED(0, 1, 2, 3);
  SHA1_QROUND(vsha1pq_u32, 0, k3);
  SHA1_SCHED(1, 2, 3, 0);
  SHA1_QROUND(vsha1pq_u32, 1, k3);
  SHA1_SCHED(2, 3, 0, 1);
  SHA1_QROUND(vsha1pq_u32, 2, k3);
  SHA1_SCHED(3, 0, 1, 2);
  SHA1_QROUND(vsha1pq_u32, 3, k3); /* rounds 76..79 */
  *e_out = e0 + e;
  return vaddq_u32(abcd0, abcd);
}

#undef SHA1_QROUND
#undef SHA1_SCHED

static FP_TARGET_SHA2 void sha1_iterate_armv8(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count) {
  const uint32x4_t k0 = vdupq_n_u32(sha1_k[0]), k1 = vdupq_n_u32(sha1_k[1]), k2 = vdupq_n_u32(sha1_k[2]),
                   k3 = vdupq_n_u32(sha1_k[3]);
  uint32x4_t pad1 = vld1q_u32(sha1_pad1), pad2 = vdupq_n_u32(0), pad3 = vld1q_u32(sha1_pad3);
  const uint32x4_t inner = vld1q_u32(keys->inner), outer = vld1q_u32(keys->outer);
  const uint32_t inner_e = keys->inner[4], outer_e = keys->outer[4];
  uint32x4_t u_abcd = vld1q_u32(u), t_abcd = vld1q_u32(t);
  uint32_t u_e = u[4], t_e = t[4];
  while (count--) {
    uint32_t x_e;
    FP_OPAQUE(pad1);
    FP_OPAQUE(pad2);
    FP_OPAQUE(pad3);
    uint32x4_t x_abcd = sha1_compress_neon(inner, inner_e, u_abcd, vsetq_lane_u32(u_e, pad1, 0), pad2, pad3, k0, k1, k2,
                                           k3, &x_e);
    u_abcd = sha1_compress_neon(outer, outer_e, x_abcd, vsetq_lane_u32(x_e, pad1, 0), pad2, pad3, k0, k1, k2, k3, &u_e);
    t_abcd = veorq_u32(t_abcd, u_abcd);
    t_e ^= u_e;
  }
  vst1q_u32(u, u_abcd);
  u[4] = u_e;
  vst1q_u32(t, t_abcd);
  t[4] = t_e;
}

/* ---- SHA-256 --------------------------------------------------------------------------------- */

/* Block after a 64-byte key block: words 0..7 the digest, word 8 = 0x80000000, word 15 = 96*8. */
static const uint32_t sha256_pad2[4] = {0x80000000u, 0, 0, 0};
static const uint32_t sha256_pad3[4] = {0, 0, 0, (64 + 32) * 8};

/* Four rounds over W[4i..4i+3] (in m##j) with constants K[4i..4i+3]. */
#define SHA256_QROUND(j, i)                              \
  do {                                                   \
    uint32x4_t wk_ = vaddq_u32(m##j, k[i]);              \
    uint32x4_t abcd_ = abcd;                             \
    abcd = vsha256hq_u32(abcd, efgh, wk_);               \
    efgh = vsha256h2q_u32(efgh, abcd_, wk_);             \
  } while (0)
/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] for four words, in place over m##a. */
#define SHA256_SCHED(a, b, c, d) m##a = vsha256su1q_u32(vsha256su0q_u32(m##a, m##b), m##c, m##d)

FP_ARMV8_INLINE FP_TARGET_SHA2 void sha256_compress_neon(uint32x4_t *s0, uint32x4_t *s1, uint32x4_t m0, uint32x4_t m1,
                                                         uint32x4_t m2, uint32x4_t m3, const uint32x4_t k[16]) {
  uint32x4_t abcd = *s0, efgh = *s1;
  SHA256_QROUND(0, 0);
  SHA256_QROUND(1, 1);
  SHA256_QROUND(2, 2);
  SHA256_QROUND(3, 3);
  SHA256_SCHED(0, 1, 2, 3);
  SHA256_QROUND(0, 4);
  SHA256_SCHED(1, 2, 3, 0);
  SHA256_QROUND(1, 5);
  SHA256_SCHED(2, 3, 0, 1);
  SHA256_QROUND(2, 6);
  SHA256_SCHED(3, 0, 1, 2);
  SHA256_QROUND(3, 7);
  SHA256_SCHED(0, 1, 2, 3);
  SHA256_QROUND(0, 8);
  SHA256_SCHED(1, 2, 3, 0);
  SHA256_QROUND(1, 9);
  SHA256_SCHED(2, 3, 0, 1);
  SHA256_QROUND(2, 10);
  SHA256_SCHED(3, 0, 1, 2);
  SHA256_QROUND(3, 11);
  SHA256_SCHED(0, 1, 2, 3);
  SHA256_QROUND(0, 12);
  SHA256_SCHED(1, 2, 3, 0);
  SHA256_QROUND(1, 13);
  SHA256_SCHED(2, 3, 0, 1);
  SHA256_QROUND(2, 14);
  SHA256_SCHED(3, 0, 1, 2);
  SHA256_QROUND(3, 15);
  *s0 = vaddq_u32(*s0, abcd);
  *s1 = vaddq_u32(*s1, efgh);
}

#undef SHA256_QROUND
#undef SHA256_SCHED

static FP_TARGET_SHA2 void sha256_iterate_armv8(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8],
                                                uint32_t count) {
  uint32x4_t k[16];
  for (int i = 0; i < 16; i++) k[i] = vld1q_u32(SHA256_K + 4 * i);
  uint32x4_t pad2 = vld1q_u32(sha256_pad2), pad3 = vld1q_u32(sha256_pad3);
  const uint32x4_t in0 = vld1q_u32(keys->inner), in1 = vld1q_u32(keys->inner + 4);
  const uint32x4_t out0 = vld1q_u32(keys->outer), out1 = vld1q_u32(keys->outer + 4);
  uint32x4_t u0 = vld1q_u32(u), u1 = vld1q_u32(u + 4), t0 = vld1q_u32(t), t1 = vld1q_u32(t + 4);
  while (count--) {
    uint32x4_t x0 = in0, x1 = in1;
    FP_OPAQUE(pad2);
    FP_OPAQUE(pad3);
    sha256_compress_neon(&x0, &x1, u0, u1, pad2, pad3, k);
    u0 = out0;
    u1 = out1;
    sha256_compress_neon(&u0, &u1, x0, x1, pad2, pad3, k);
    t0 = veorq_u32(t0, u0);
    t1 = veorq_u32(t1, u1);
  }
  vst1q_u32(u, u0);
  vst1q_u32(u + 4, u1);
  vst1q_u32(t, t0);
  vst1q_u32(t + 4, t1);
}

/* ---- SHA-512 --------------------------------------------------------------------------------- */

#if defined(FP_ARMV8_SHA512)

/* Block after a 128-byte key block: words 0..7 the digest, word 8 = 0x80 << 56, word 15 = 192*8.
 * As vectors: m0..m3 the digest, {0x8000000000000000, 0}, 0, 0, {0, 1536}. */
static const uint64_t sha512_pad4[2] = {0x8000000000000000ULL, 0};
static const uint64_t sha512_pad7[2] = {0, (128 + 64) * 8};

/* Two rounds over W[2i], W[2i+1] (in m##j). The state lives in four vectors {a,b} {c,d} {e,f} {g,h}; the
 * round pair yields the new {a,b} and {e,f}, and the other two are the old {a,b} and {e,f}. */
#define SHA512_DROUND(j, i)                                                          \
  do {                                                                               \
    uint64x2_t wk_ = vaddq_u64(m##j, vld1q_u64(k + 2 * (i)));                 \
    uint64x2_t x_ = vaddq_u64(vextq_u64(wk_, wk_, 1), gh);                           \
    uint64x2_t y_ = vsha512hq_u64(x_, vextq_u64(ef, gh, 1), vextq_u64(cd, ef, 1));   \
    uint64x2_t ab_ = vsha512h2q_u64(y_, cd, ab);                                     \
    gh = ef;                                                                         \
    ef = vaddq_u64(cd, y_);                                                          \
    cd = ab;                                                                         \
    ab = ab_;                                                                        \
  } while (0)
/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] for two words, in place over m##a. */
#define SHA512_SCHED(a, b, e, f, h) m##a = vsha512su1q_u64(vsha512su0q_u64(m##a, m##b), m##h, vextq_u64(m##e, m##f, 1))
#define SHA512_DROUND_SCHED(i, j0, j1, j4, j5, j7) \
  SHA512_DROUND(j0, i);                            \
  SHA512_SCHED(j0, j1, j4, j5, j7)
#define SHA512_8DROUNDS_SCHED(i)                  \
  SHA512_DROUND_SCHED((i) + 0, 0, 1, 4, 5, 7);    \
  SHA512_DROUND_SCHED((i) + 1, 1, 2, 5, 6, 0);    \
  SHA512_DROUND_SCHED((i) + 2, 2, 3, 6, 7, 1);    \
  SHA512_DROUND_SCHED((i) + 3, 3, 4, 7, 0, 2);    \
  SHA512_DROUND_SCHED((i) + 4, 4, 5, 0, 1, 3);    \
  SHA512_DROUND_SCHED((i) + 5, 5, 6, 1, 2, 4);    \
  SHA512_DROUND_SCHED((i) + 6, 6, 7, 2, 3, 5);    \
  SHA512_DROUND_SCHED((i) + 7, 7, 0, 3, 4, 6)

FP_ARMV8_INLINE FP_TARGET_SHA512 void sha512_compress_neon(uint64x2_t *s0, uint64x2_t *s1, uint64x2_t *s2, uint64x2_t *s3,
                                                           uint64x2_t m0, uint64x2_t m1, uint64x2_t m2, uint64x2_t m3,
                                                           uint64x2_t m4, uint64x2_t m5, uint64x2_t m6, uint64x2_t m7,
                                                           const uint64_t *k) {
  uint64x2_t ab = *s0, cd = *s1, ef = *s2, gh = *s3;
  SHA512_8DROUNDS_SCHED(0); /* rounds 0..15; W[16..31] */
  SHA512_8DROUNDS_SCHED(8);
  SHA512_8DROUNDS_SCHED(16);
  SHA512_8DROUNDS_SCHED(24); /* rounds 48..63; W[64..79] */
  SHA512_DROUND(0, 32);
  SHA512_DROUND(1, 33);
  SHA512_DROUND(2, 34);
  SHA512_DROUND(3, 35);
  SHA512_DROUND(4, 36);
  SHA512_DROUND(5, 37);
  SHA512_DROUND(6, 38);
  SHA512_DROUND(7, 39);
  *s0 = vaddq_u64(*s0, ab);
  *s1 = vaddq_u64(*s1, cd);
  *s2 = vaddq_u64(*s2, ef);
  *s3 = vaddq_u64(*s3, gh);
}

#undef SHA512_DROUND
#undef SHA512_SCHED
#undef SHA512_DROUND_SCHED
#undef SHA512_8DROUNDS_SCHED

/* The padding vectors {0x80 << 56, 0} and {0, 1536} are rebuilt from two general registers for each
 * compression (one or two moves, off the critical path): with both midstates, U and T resident the
 * NEON register file has no room left to hold them as vectors. */
#define SHA512_PAD_LO(mark) vcombine_u64(vcreate_u64(mark), vcreate_u64(0))
#define SHA512_PAD_HI(bits) vcombine_u64(vcreate_u64(0), vcreate_u64(bits))

static FP_TARGET_SHA512 void sha512_iterate_armv8(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8],
                                                  uint32_t count) {
  const uint64_t *k = SHA512_K;
  uint64_t mark = sha512_pad4[0], bits = sha512_pad7[1];
  const uint64x2_t in0 = vld1q_u64(keys->inner), in1 = vld1q_u64(keys->inner + 2), in2 = vld1q_u64(keys->inner + 4),
                   in3 = vld1q_u64(keys->inner + 6);
  const uint64x2_t out0 = vld1q_u64(keys->outer), out1 = vld1q_u64(keys->outer + 2),
                   out2 = vld1q_u64(keys->outer + 4), out3 = vld1q_u64(keys->outer + 6);
  uint64x2_t u0 = vld1q_u64(u), u1 = vld1q_u64(u + 2), u2 = vld1q_u64(u + 4), u3 = vld1q_u64(u + 6);
  uint64x2_t t0 = vld1q_u64(t), t1 = vld1q_u64(t + 2), t2 = vld1q_u64(t + 4), t3 = vld1q_u64(t + 6);
  while (count--) {
    uint64x2_t x0 = in0, x1 = in1, x2 = in2, x3 = in3;
    /* Opaque per iteration so the compiler neither hoists the K loads (and spills them) nor the
     * padding-only schedule steps. */
    FP_OPAQUE_GPR(k);
    FP_OPAQUE_GPR(mark);
    FP_OPAQUE_GPR(bits);
    sha512_compress_neon(&x0, &x1, &x2, &x3, u0, u1, u2, u3, SHA512_PAD_LO(mark), vdupq_n_u64(0), vdupq_n_u64(0),
                         SHA512_PAD_HI(bits), k);
    FP_OPAQUE_GPR(mark);
    FP_OPAQUE_GPR(bits);
    u0 = out0;
    u1 = out1;
    u2 = out2;
    u3 = out3;
    sha512_compress_neon(&u0, &u1, &u2, &u3, x0, x1, x2, x3, SHA512_PAD_LO(mark), vdupq_n_u64(0), vdupq_n_u64(0),
                         SHA512_PAD_HI(bits), k);
    t0 = veorq_u64(t0, u0);
    t1 = veorq_u64(t1, u1);
    t2 = veorq_u64(t2, u2);
    t3 = veorq_u64(t3, u3);
  }
  vst1q_u64(u, u0);
  vst1q_u64(u + 2, u1);
  vst1q_u64(u + 4, u2);
  vst1q_u64(u + 6, u3);
  vst1q_u64(t, t0);
  vst1q_u64(t + 2, t1);
  vst1q_u64(t + 4, t2);
  vst1q_u64(t + 6, t3);
}

#undef SHA512_PAD_LO
#undef SHA512_PAD_HI

#define FP_ARMV8_SHA512_FN sha512_iterate_armv8
#else
#define FP_ARMV8_SHA512_FN NULL
#endif

/* ---- backends -------------------------------------------------------------------------------- */

const fp_backend fp_backend_armv8_sha512 = {
    "armv8-sha512", armv8_sha512_available, sha1_iterate_armv8, sha256_iterate_armv8, FP_ARMV8_SHA512_FN,
};

const fp_backend fp_backend_armv8 = {
    "armv8", armv8_available, sha1_iterate_armv8, sha256_iterate_armv8, NULL,
};

#else
/* Not AArch64: nothing to compile (ISO C wants a translation unit to declare something). */
typedef int fp_pbkdf2_armv8_unused;
#endif
