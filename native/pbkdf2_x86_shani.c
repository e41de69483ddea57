/* x86-64 SHA extensions (SHA-NI) inner loops for PBKDF2-HMAC-SHA1 and -SHA256.
 * Compiled into every x86-64 build with per-function target attributes, and selected only after
 * cpu_x86.c has seen the SHA, SSSE3 and SSE4.1 feature bits, so the addon still loads on CPUs
 * without them. Chaining values, message words, the constant padding and the XOR accumulator stay
 * in XMM registers for the whole loop; each iteration is two compressions and nothing else. */
#include "backends.h"

#if defined(FP_HAVE_X86_SHANI)

#include <immintrin.h>

#include "pbkdf2.h"
#include "sha256.h"

#if defined(_MSC_VER) && !defined(__clang__)
#define SHANI_TARGET
#define SHANI512_TARGET
#else
#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define SHANI512_TARGET __attribute__((target("sha,sse4.1,ssse3,avx512f,avx512vl")))
#endif
#define SHANI_INLINE static inline __attribute__((always_inline)) SHANI_TARGET

/* The most chains one loop interleaves. */
#define FP_SHANI_LANES 4

/* ---- SHA-256 ----
 * The SHA-256 instructions keep the state as two registers, ABEF and CDGH (A in the top lane),
 * and take message words with W[t] in lane t. The digest A..H is the next block's W[0..7]. */

/* The 64 rounds of `lanes` independent blocks, interleaved four rounds at a time so that the SHA
 * unit always has another chain's work while one waits on its results. Fully unrolled over groups
 * and lanes (with a nested loop left rolled, gcc spills the state). */
SHANI_INLINE void sha256_rounds(int lanes, __m128i abef[], __m128i cdgh[], __m128i m[][4]) {
  __m128i s0[FP_SHANI_LANES], s1[FP_SHANI_LANES];
  FP_UNROLL
  for (int l = 0; l < lanes; l++) s0[l] = abef[l], s1[l] = cdgh[l];
  FP_UNROLL
  for (int g = 0; g < 16; g++) {
    const __m128i k = _mm_loadu_si128((const __m128i *)&SHA256_K[4 * g]);
    FP_UNROLL
    for (int l = 0; l < lanes; l++) {
      if (g >= 4) { /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
        __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(m[l][g & 3], m[l][(g + 1) & 3]),
                                        _mm_alignr_epi8(m[l][(g + 3) & 3], m[l][(g + 2) & 3], 4));
        m[l][g & 3] = _mm_sha256msg2_epu32(partial, m[l][(g + 3) & 3]);
      }
      __m128i wk = _mm_add_epi32(m[l][g & 3], k);
      s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], wk);
      s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], _mm_shuffle_epi32(wk, 0x0e));
    }
  }
  FP_UNROLL
  for (int l = 0; l < lanes; l++) {
    abef[l] = _mm_add_epi32(s0[l], abef[l]);
    cdgh[l] = _mm_add_epi32(s1[l], cdgh[l]);
  }
}

/* ABEF/CDGH -> message order [A B C D], [E F G H]. */
SHANI_INLINE void sha256_state_to_words(__m128i abef, __m128i cdgh, __m128i *abcd, __m128i *efgh) {
  *abcd = _mm_shuffle_epi32(_mm_unpackhi_epi64(abef, cdgh), 0xb1);
  *efgh = _mm_shuffle_epi32(_mm_unpacklo_epi64(abef, cdgh), 0xb1);
}

/* ---- SHA-1 ----
 * The SHA-1 instructions keep A..D in one register (A in the top lane) and E in the top lane of
 * another, and take message words with W[t] in the top lane. So the digest registers are already
 * the next block's W[0..3] and W[4]; only the 0x80 marker is OR-ed in. */

SHANI_INLINE void sha1_rounds(__m128i *abcd_io, __m128i *e_io, __m128i m0, __m128i m1, __m128i m2, __m128i m3) {
  __m128i abcd = *abcd_io, saved = abcd, e;
  __m128i m[4] = {m0, m1, m2, m3};
  FP_UNROLL
  for (int g = 0; g < 20; g++) {
    if (g >= 4) { /* W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), four at a time */
      __m128i partial = _mm_xor_si128(_mm_sha1msg1_epu32(m[g & 3], m[(g + 1) & 3]), m[(g + 2) & 3]);
      m[g & 3] = _mm_sha1msg2_epu32(partial, m[(g + 3) & 3]);
    }
    /* e for this group: the initial E plus W, then ROTL30 of the A four rounds back plus W */
    e = g == 0 ? _mm_add_epi32(*e_io, m[0]) : _mm_sha1nexte_epu32(saved, m[g & 3]);
    saved = abcd;
    switch (g / 5) { /* the function selector must be an immediate */
      case 0: abcd = _mm_sha1rnds4_epu32(abcd, e, 0); break;
      case 1: abcd = _mm_sha1rnds4_epu32(abcd, e, 1); break;
      case 2: abcd = _mm_sha1rnds4_epu32(abcd, e, 2); break;
      default: abcd = _mm_sha1rnds4_epu32(abcd, e, 3); break;
    }
  }
  *e_io = _mm_sha1nexte_epu32(saved, *e_io);
  *abcd_io = _mm_add_epi32(abcd, *abcd_io);
}

/* LANES chains in one loop (1 or 2); see sha256_iterate_lanes for why two pay. */
SHANI_INLINE void sha1_iterate_lanes(int lanes, const sha1_hmac_keys *const *keys, uint32_t *const *u,
                                     uint32_t *const *t, uint32_t count) {
  __m128i inner_abcd[2], inner_e[2], outer_abcd[2], outer_e[2], u_abcd[2], u_e[2], t_abcd[2], t_e[2];
  /* W[5] = 0x80 marker (OR-ed next to E), W[6..14] = 0, W[15] = (64 + 20) * 8 bits. */
  const __m128i marker = _mm_set_epi32(0, (int)0x80000000u, 0, 0);
  const __m128i zero = _mm_setzero_si128();
  const __m128i length = _mm_set_epi32(0, 0, 0, (64 + 20) * 8);
  for (int l = 0; l < lanes; l++) {
    const uint32_t *in = keys[l]->inner, *out = keys[l]->outer;
    inner_abcd[l] = _mm_set_epi32((int)in[0], (int)in[1], (int)in[2], (int)in[3]);
    inner_e[l] = _mm_set_epi32((int)in[4], 0, 0, 0);
    outer_abcd[l] = _mm_set_epi32((int)out[0], (int)out[1], (int)out[2], (int)out[3]);
    outer_e[l] = _mm_set_epi32((int)out[4], 0, 0, 0);
    u_abcd[l] = _mm_set_epi32((int)u[l][0], (int)u[l][1], (int)u[l][2], (int)u[l][3]);
    u_e[l] = _mm_set_epi32((int)u[l][4], 0, 0, 0);
    t_abcd[l] = _mm_set_epi32((int)t[l][0], (int)t[l][1], (int)t[l][2], (int)t[l][3]);
    t_e[l] = _mm_set_epi32((int)t[l][4], 0, 0, 0);
  }
  while (count--) {
    __m128i abcd[2], e[2];
    for (int l = 0; l < lanes; l++) {
      abcd[l] = inner_abcd[l];
      e[l] = inner_e[l];
      sha1_rounds(&abcd[l], &e[l], u_abcd[l], _mm_or_si128(u_e[l], marker), zero, length);
    }
    for (int l = 0; l < lanes; l++) {
      u_abcd[l] = outer_abcd[l];
      u_e[l] = outer_e[l];
      sha1_rounds(&u_abcd[l], &u_e[l], abcd[l], _mm_or_si128(e[l], marker), zero, length);
      t_abcd[l] = _mm_xor_si128(t_abcd[l], u_abcd[l]);
      t_e[l] = _mm_xor_si128(t_e[l], u_e[l]);
    }
  }
  for (int l = 0; l < lanes; l++) {
    uint32_t lanes_out[4];
    _mm_storeu_si128((__m128i *)lanes_out, u_abcd[l]);
    u[l][0] = lanes_out[3], u[l][1] = lanes_out[2], u[l][2] = lanes_out[1], u[l][3] = lanes_out[0];
    u[l][4] = (uint32_t)_mm_extract_epi32(u_e[l], 3);
    _mm_storeu_si128((__m128i *)lanes_out, t_abcd[l]);
    t[l][0] = lanes_out[3], t[l][1] = lanes_out[2], t[l][2] = lanes_out[1], t[l][3] = lanes_out[0];
    t[l][4] = (uint32_t)_mm_extract_epi32(t_e[l], 3);
  }
}

SHANI_TARGET void fp_sha1_iterate_shani(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count) {
  sha1_iterate_lanes(1, &keys, &u, &t, count);
}

SHANI_TARGET void fp_sha1_iterate2_shani(const sha1_hmac_keys *ka, uint32_t ua[5], uint32_t ta[5],
                                         const sha1_hmac_keys *kb, uint32_t ub[5], uint32_t tb[5], uint32_t count) {
  const sha1_hmac_keys *keys[2] = {ka, kb};
  uint32_t *u[2] = {ua, ub}, *t[2] = {ta, tb};
  sha1_iterate_lanes(2, keys, u, t, count);
}

/* 1, 2 or 4 independent chains in one loop: with more than one, the SHA unit works on one chain
 * while another waits on its results (measured on Zen 4, M iterations/s on one core: 13.7 for one
 * chain, 20.6 for two, ~30 for four). */
SHANI_INLINE void sha256_iterate_lanes(int lanes, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                       uint32_t *const *t, uint32_t count) {
  __m128i inner_abef[FP_SHANI_LANES], inner_cdgh[FP_SHANI_LANES], outer_abef[FP_SHANI_LANES],
      outer_cdgh[FP_SHANI_LANES], t0[FP_SHANI_LANES], t1[FP_SHANI_LANES], m[FP_SHANI_LANES][4];
  const __m128i pad_lo = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
  const __m128i pad_hi = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
  for (int l = 0; l < lanes; l++) {
    const uint32_t *in = keys[l]->inner, *out = keys[l]->outer;
    inner_abef[l] = _mm_set_epi32((int)in[0], (int)in[1], (int)in[4], (int)in[5]);
    inner_cdgh[l] = _mm_set_epi32((int)in[2], (int)in[3], (int)in[6], (int)in[7]);
    outer_abef[l] = _mm_set_epi32((int)out[0], (int)out[1], (int)out[4], (int)out[5]);
    outer_cdgh[l] = _mm_set_epi32((int)out[2], (int)out[3], (int)out[6], (int)out[7]);
    m[l][0] = _mm_loadu_si128((const __m128i *)u[l]);
    m[l][1] = _mm_loadu_si128((const __m128i *)(u[l] + 4));
    t0[l] = _mm_loadu_si128((const __m128i *)t[l]);
    t1[l] = _mm_loadu_si128((const __m128i *)(t[l] + 4));
  }
  while (count--) {
    __m128i abef[FP_SHANI_LANES], cdgh[FP_SHANI_LANES];
    FP_UNROLL
    for (int l = 0; l < lanes; l++) {
      abef[l] = inner_abef[l], cdgh[l] = inner_cdgh[l];
      m[l][2] = pad_lo, m[l][3] = pad_hi;
    }
    sha256_rounds(lanes, abef, cdgh, m);
    FP_UNROLL
    for (int l = 0; l < lanes; l++) {
      sha256_state_to_words(abef[l], cdgh[l], &m[l][0], &m[l][1]);
      abef[l] = outer_abef[l], cdgh[l] = outer_cdgh[l];
      m[l][2] = pad_lo, m[l][3] = pad_hi;
    }
    sha256_rounds(lanes, abef, cdgh, m);
    FP_UNROLL
    for (int l = 0; l < lanes; l++) {
      sha256_state_to_words(abef[l], cdgh[l], &m[l][0], &m[l][1]);
      t0[l] = _mm_xor_si128(t0[l], m[l][0]);
      t1[l] = _mm_xor_si128(t1[l], m[l][1]);
    }
  }
  for (int l = 0; l < lanes; l++) {
    _mm_storeu_si128((__m128i *)u[l], m[l][0]);
    _mm_storeu_si128((__m128i *)(u[l] + 4), m[l][1]);
    _mm_storeu_si128((__m128i *)t[l], t0[l]);
    _mm_storeu_si128((__m128i *)(t[l] + 4), t1[l]);
  }
}

SHANI_TARGET void fp_sha256_iterate_shani(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count) {
  sha256_iterate_lanes(1, &keys, &u, &t, count);
}

SHANI_TARGET void fp_sha256_iterate2_shani(const sha256_hmac_keys *ka, uint32_t ua[8], uint32_t ta[8],
                                           const sha256_hmac_keys *kb, uint32_t ub[8], uint32_t tb[8],
                                           uint32_t count) {
  const sha256_hmac_keys *keys[2] = {ka, kb};
  uint32_t *u[2] = {ua, ub}, *t[2] = {ta, tb};
  sha256_iterate_lanes(2, keys, u, t, count);
}

/* n (1..4) chains, four interleaved; lanes past n repeat chain 0 and their results are dropped. */
SHANI_INLINE void sha256_iterate4(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                  uint32_t *const *t, uint32_t count) {
  const sha256_hmac_keys *k[4];
  uint32_t ub[4][8], tb[4][8], *up[4], *tp[4];
  for (unsigned l = 0; l < 4; l++) {
    const unsigned src = l < n ? l : 0;
    k[l] = keys[src];
    memcpy(ub[l], u[src], sizeof ub[l]);
    memcpy(tb[l], t[src], sizeof tb[l]);
    up[l] = ub[l], tp[l] = tb[l];
  }
  sha256_iterate_lanes(4, k, up, tp, count);
  for (unsigned l = 0; l < n; l++) {
    memcpy(u[l], ub[l], sizeof ub[l]);
    memcpy(t[l], tb[l], sizeof tb[l]);
  }
  secure_wipe(ub, sizeof ub);
  secure_wipe(tb, sizeof tb);
}

SHANI_TARGET void fp_sha256_iterate4_shani(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                           uint32_t *const *t, uint32_t count) {
  sha256_iterate4(n, keys, u, t, count);
}

/* The same where AVX-512 is there: four chains' state and message words need 24 XMM registers,
 * and AVX-512VL's XMM16-31 hold what would otherwise be spilled to the stack (the SHA instructions
 * themselves only reach XMM0-15). gcc 12: 31.1 -> 34.4 M iterations/s on Zen 4. */
SHANI512_TARGET void fp_sha256_iterate4_shani512(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                                 uint32_t *const *t, uint32_t count) {
  sha256_iterate4(n, keys, u, t, count);
}

#else
typedef int fp_shani_unused; /* ISO C forbids an empty translation unit */
#endif
