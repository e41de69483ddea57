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
#else
#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#endif
#define SHANI_INLINE static inline __attribute__((always_inline)) SHANI_TARGET

/* ---- SHA-256 ----
 * The SHA-256 instructions keep the state as two registers, ABEF and CDGH (A in the top lane),
 * and take message words with W[t] in lane t. The digest A..H is the next block's W[0..7]. */

SHANI_INLINE void sha256_rounds(__m128i *abef, __m128i *cdgh, __m128i m0, __m128i m1, __m128i m2, __m128i m3) {
  __m128i s0 = *abef, s1 = *cdgh;
  __m128i m[4] = {m0, m1, m2, m3};
  FP_UNROLL
  for (int g = 0; g < 16; g++) {
    if (g >= 4) { /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
      __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]),
                                      _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
      m[g & 3] = _mm_sha256msg2_epu32(partial, m[(g + 3) & 3]);
    }
    __m128i wk = _mm_add_epi32(m[g & 3], _mm_loadu_si128((const __m128i *)&SHA256_K[4 * g]));
    s1 = _mm_sha256rnds2_epu32(s1, s0, wk);
    s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(wk, 0x0e));
  }
  *abef = _mm_add_epi32(s0, *abef);
  *cdgh = _mm_add_epi32(s1, *cdgh);
}

/* ABEF/CDGH -> message order [A B C D], [E F G H]. */
SHANI_INLINE void sha256_state_to_words(__m128i abef, __m128i cdgh, __m128i *abcd, __m128i *efgh) {
  *abcd = _mm_shuffle_epi32(_mm_unpackhi_epi64(abef, cdgh), 0xb1);
  *efgh = _mm_shuffle_epi32(_mm_unpacklo_epi64(abef, cdgh), 0xb1);
}

SHANI_TARGET void fp_sha256_iterate_shani(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count) {
  const uint32_t *in = keys->inner, *out = keys->outer;
  const __m128i inner_abef = _mm_set_epi32((int)in[0], (int)in[1], (int)in[4], (int)in[5]);
  const __m128i inner_cdgh = _mm_set_epi32((int)in[2], (int)in[3], (int)in[6], (int)in[7]);
  const __m128i outer_abef = _mm_set_epi32((int)out[0], (int)out[1], (int)out[4], (int)out[5]);
  const __m128i outer_cdgh = _mm_set_epi32((int)out[2], (int)out[3], (int)out[6], (int)out[7]);
  /* W[8..15] of a block holding one digest after the key block: 0x80 marker, zeros, 768 bits. */
  const __m128i pad_lo = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
  const __m128i pad_hi = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
  __m128i u0 = _mm_loadu_si128((const __m128i *)u), u1 = _mm_loadu_si128((const __m128i *)(u + 4));
  __m128i t0 = _mm_loadu_si128((const __m128i *)t), t1 = _mm_loadu_si128((const __m128i *)(t + 4));

  while (count--) {
    __m128i abef = inner_abef, cdgh = inner_cdgh, x0, x1;
    sha256_rounds(&abef, &cdgh, u0, u1, pad_lo, pad_hi);
    sha256_state_to_words(abef, cdgh, &x0, &x1);
    abef = outer_abef;
    cdgh = outer_cdgh;
    sha256_rounds(&abef, &cdgh, x0, x1, pad_lo, pad_hi);
    sha256_state_to_words(abef, cdgh, &u0, &u1);
    t0 = _mm_xor_si128(t0, u0);
    t1 = _mm_xor_si128(t1, u1);
  }
  _mm_storeu_si128((__m128i *)u, u0);
  _mm_storeu_si128((__m128i *)(u + 4), u1);
  _mm_storeu_si128((__m128i *)t, t0);
  _mm_storeu_si128((__m128i *)(t + 4), t1);
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

SHANI_TARGET void fp_sha1_iterate_shani(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count) {
  const uint32_t *in = keys->inner, *out = keys->outer;
  const __m128i inner_abcd = _mm_set_epi32((int)in[0], (int)in[1], (int)in[2], (int)in[3]);
  const __m128i inner_e = _mm_set_epi32((int)in[4], 0, 0, 0);
  const __m128i outer_abcd = _mm_set_epi32((int)out[0], (int)out[1], (int)out[2], (int)out[3]);
  const __m128i outer_e = _mm_set_epi32((int)out[4], 0, 0, 0);
  /* W[5] = 0x80 marker (OR-ed next to E), W[6..14] = 0, W[15] = (64 + 20) * 8 bits. */
  const __m128i marker = _mm_set_epi32(0, (int)0x80000000u, 0, 0);
  const __m128i zero = _mm_setzero_si128();
  const __m128i length = _mm_set_epi32(0, 0, 0, (64 + 20) * 8);
  __m128i u_abcd = _mm_set_epi32((int)u[0], (int)u[1], (int)u[2], (int)u[3]);
  __m128i u_e = _mm_set_epi32((int)u[4], 0, 0, 0);
  __m128i t_abcd = _mm_set_epi32((int)t[0], (int)t[1], (int)t[2], (int)t[3]);
  __m128i t_e = _mm_set_epi32((int)t[4], 0, 0, 0);

  while (count--) {
    __m128i abcd = inner_abcd, e = inner_e;
    sha1_rounds(&abcd, &e, u_abcd, _mm_or_si128(u_e, marker), zero, length);
    u_abcd = outer_abcd;
    u_e = outer_e;
    sha1_rounds(&u_abcd, &u_e, abcd, _mm_or_si128(e, marker), zero, length);
    t_abcd = _mm_xor_si128(t_abcd, u_abcd);
    t_e = _mm_xor_si128(t_e, u_e);
  }
  uint32_t lanes[4];
  _mm_storeu_si128((__m128i *)lanes, u_abcd);
  u[0] = lanes[3], u[1] = lanes[2], u[2] = lanes[1], u[3] = lanes[0];
  u[4] = (uint32_t)_mm_extract_epi32(u_e, 3);
  _mm_storeu_si128((__m128i *)lanes, t_abcd);
  t[0] = lanes[3], t[1] = lanes[2], t[2] = lanes[1], t[3] = lanes[0];
  t[4] = (uint32_t)_mm_extract_epi32(t_e, 3);
}

static int shani_available(void) { return fp_cpu_x86_has(FP_CPU_X86_SHANI); }

/* SHA-NI without BMI2 (Intel Goldmont/Tremont Atoms): SHA-512 stays portable. */
const fp_backend fp_backend_shani = {"shani", shani_available, fp_sha1_iterate_shani, fp_sha256_iterate_shani, NULL};

#else
typedef int fp_shani_unused; /* ISO C forbids an empty translation unit */
#endif
