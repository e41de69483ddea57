/* PBKDF2-HMAC-SHA512 for nine chains in one loop: eight in AVX-512 lanes and a ninth on the scalar
 * ALUs, their rounds interleaved one by one. Why: on AMD Zen 4 the 8-lane loop keeps the vector
 * pipes busy but dispatches only ~2 of the 6 ops per cycle the core can take, and leaves the four
 * integer ALUs idle; a scalar chain (rounds and message schedule in general registers, BMI2
 * rotates) fits in that room: 9 chains at ~12.5 M iterations/s on one core against 8 at ~11.4
 * (docs/performance.md). A second scalar chain does not fit (15 general registers): it ran at
 * half the speed. GCC/clang only (vector extensions), like pbkdf2_x86_wide.c. */
#include "backends.h"

#if defined(FP_HAVE_X86_WIDE)

#include "pbkdf2.h"
#include "sha512.h"

#define HY_LANES 8
#define HY_TARGET "avx512f,bmi,bmi2"
#define HY_INLINE static inline __attribute__((always_inline, target(HY_TARGET)))

#if defined(__clang__)
#define HY_NO_UNROLL _Pragma("clang loop unroll(disable)")
#else
#define HY_NO_UNROLL _Pragma("GCC unroll 1")
#endif

typedef uint64_t hy_vec __attribute__((vector_size(HY_LANES * sizeof(uint64_t))));

/* Round t (0..15 within a block of 16; k points at the block's constants) of one chain of word type
 * W; with `schedule`, W[t] is first made from the 16 words before it (ring of 16 in ww). Leaves the
 * new a in h and the new e in d: the caller passes the names shifted by one per round. */
#define HY_ROUND1(W, ww, t, schedule, a, b, c, d, e, f, g, h)                                              \
  do {                                                                                                     \
    if (schedule)                                                                                          \
      ww[(t) & 15] += SHA512_s1(ww[((t) - 2) & 15]) + ww[((t) - 7) & 15] + SHA512_s0(ww[((t) - 15) & 15]); \
    const W t1 = h + SHA512_S1(e) + (g ^ (e & (f ^ g))) + k[t] + ww[(t) & 15];                             \
    d += t1;                                                                                               \
    h = t1 + SHA512_S0(a) + ((a & b) | (c & (a | b)));                                                     \
  } while (0)

/* Round t of the vector chains (v_a..v_h), then of the scalar one (s_a..s_h). The empty asm pins
 * each round's results in place: without it clang hoists the scalar work in long runs, spills, and
 * the loop ran at 0.65x of the vector lanes alone. */
#define HY_ROUND(t, sc, a, b, c, d, e, f, g, h)                                              \
  do {                                                                                     \
    HY_ROUND1(hy_vec, w, t, sc, v_##a, v_##b, v_##c, v_##d, v_##e, v_##f, v_##g, v_##h);   \
    HY_ROUND1(uint64_t, sw, t, sc, s_##a, s_##b, s_##c, s_##d, s_##e, s_##f, s_##g, s_##h); \
    __asm__ volatile("" : "+v"(v_##h), "+v"(v_##d), "+r"(s_##h), "+r"(s_##d));             \
  } while (0)

#define HY_ROUNDS_8(t, sc)                         \
  do {                                             \
    HY_ROUND((t) + 0, sc, a, b, c, d, e, f, g, h); \
    HY_ROUND((t) + 1, sc, h, a, b, c, d, e, f, g); \
    HY_ROUND((t) + 2, sc, g, h, a, b, c, d, e, f); \
    HY_ROUND((t) + 3, sc, f, g, h, a, b, c, d, e); \
    HY_ROUND((t) + 4, sc, e, f, g, h, a, b, c, d); \
    HY_ROUND((t) + 5, sc, d, e, f, g, h, a, b, c); \
    HY_ROUND((t) + 6, sc, c, d, e, f, g, h, a, b); \
    HY_ROUND((t) + 7, sc, b, c, d, e, f, g, h, a); \
  } while (0)

#define HY_LOAD(P, in)                                                                                  \
  P##a = (in)[0], P##b = (in)[1], P##c = (in)[2], P##d = (in)[3], P##e = (in)[4], P##f = (in)[5], \
  P##g = (in)[6], P##h = (in)[7]
#define HY_ADD(out, in, P)                                                                                      \
  (out)[0] = (in)[0] + P##a, (out)[1] = (in)[1] + P##b, (out)[2] = (in)[2] + P##c, (out)[3] = (in)[3] + P##d, \
  (out)[4] = (in)[4] + P##e, (out)[5] = (in)[5] + P##f, (out)[6] = (in)[6] + P##g, (out)[7] = (in)[7] + P##h

/* Compresses block vm (vector chains, from state vin) and block sm (scalar chain, from sin); each
 * result replaces its block's first 8 words. Rounds 16..79 run as a loop over blocks of 16: one
 * compression unrolled is more code than Zen 4's op cache holds, and the decoders alone cannot feed
 * the loop (measured at 0.4-0.6x of the vector lanes alone). */
HY_INLINE void hy_compress(const hy_vec vin[8], hy_vec vm[16], const uint64_t sin[8], uint64_t sm[16]) {
  hy_vec w[16], HY_LOAD(v_, vin);
  uint64_t sw[16], HY_LOAD(s_, sin);
  for (int i = 0; i < 16; i++) w[i] = vm[i], sw[i] = sm[i];
  const uint64_t *k = SHA512_K;
  HY_ROUNDS_8(0, 0);
  HY_ROUNDS_8(8, 0);
  HY_NO_UNROLL
  for (int j = 16; j < 80; j += 16) {
    k += 16;
    HY_ROUNDS_8(0, 1);
    HY_ROUNDS_8(8, 1);
  }
  HY_ADD(vm, vin, v_);
  HY_ADD(sm, sin, s_);
}

/* n (1..9) chains. Up to 8 go to the 8-lane loop alone; a ninth runs on the scalar ALUs. */
__attribute__((target(HY_TARGET))) void fp_sha512_iterate_hybrid(unsigned n, const sha512_hmac_keys *const *keys,
                                                                 uint64_t *const *u, uint64_t *const *t, uint32_t count) {
  if (n <= HY_LANES) {
    fp_sha512_iterate_avx512(n, keys, u, t, count);
    return;
  }
  hy_vec mid[2][8], t_vec[8], block[16];
  uint64_t sblock[16], st[8];
  const uint64_t *const smid[2] = {keys[HY_LANES]->inner, keys[HY_LANES]->outer};
  for (int i = 0; i < 8; i++) {
    for (unsigned l = 0; l < HY_LANES; l++) {
      mid[0][i][l] = keys[l]->inner[i];
      mid[1][i][l] = keys[l]->outer[i];
      block[i][l] = u[l][i];
      t_vec[i][l] = t[l][i];
    }
    sblock[i] = u[HY_LANES][i];
    st[i] = t[HY_LANES][i];
  }
  /* Padding after one digest that follows the key block: marker, zeros, length in bits. */
  for (int i = 8; i < 16; i++) block[i] = (hy_vec){0}, sblock[i] = 0;
  block[8] = (hy_vec){0} + 0x8000000000000000ULL, sblock[8] = 0x8000000000000000ULL;
  block[15] = (hy_vec){0} + (uint64_t)((128 + 64) * 8), sblock[15] = (128 + 64) * 8;
  /* One copy of the compression, run for the inner then the outer key (code size, as above). */
  for (uint64_t half = 0; half < 2 * (uint64_t)count; half++) {
    const unsigned outer = half & 1;
    hy_compress(mid[outer], block, smid[outer], sblock);
    if (outer) {
      for (int i = 0; i < 8; i++) t_vec[i] ^= block[i], st[i] ^= sblock[i];
    }
  }
  for (int i = 0; i < 8; i++) {
    for (unsigned l = 0; l < HY_LANES; l++) {
      u[l][i] = block[i][l];
      t[l][i] = t_vec[i][l];
    }
    u[HY_LANES][i] = sblock[i];
    t[HY_LANES][i] = st[i];
  }
  secure_wipe(mid, sizeof mid);
  secure_wipe(block, sizeof block);
  secure_wipe(t_vec, sizeof t_vec);
  secure_wipe(sblock, sizeof sblock);
  secure_wipe(st, sizeof st);
}

#else
typedef int fp_x86_hybrid512_unused; /* ISO C forbids an empty translation unit */
#endif
