/* The one-chain PBKDF2-HMAC-SHA512 loop with the message schedule in vector registers and the
 * rounds on the scalar ALUs (BMI2 rotates). Why: a SHA-512 round needs ~22 scalar ops on its own;
 * the schedule would add ~10 more per round to the same ALUs, and on Zen 4 (4 ALUs, RORX 2 per
 * cycle) that is what held one chain at ~230 ns per compression. In YMM registers, four words per
 * vector, the schedule runs on otherwise idle vector units 16 rounds ahead of its use, K is added
 * there too, and each round reads its W+K from an aligned stack array as a memory operand (kept
 * out of registers: moving words from XMM to general registers costs one op each, 1 per cycle).
 * A template: pbkdf2_x86_vsched.c includes it once per instruction set with
 *   VS_NAME            the iterate function's name
 *   VS_TARGET          its target attribute string
 *   VS_SIGMA0/1(x)     FIPS 180-4's sigma0/sigma1 on a vector of four 64-bit words
 *   VS_ALIGN1(hi, lo)  words 1..4 of the eight words lo, hi */

#define VS_ATTR __attribute__((target(VS_TARGET)))
#define VS_INLINE static inline __attribute__((always_inline)) VS_ATTR
#define VS_COMPRESS CAT(VS_NAME, compress)

/* W[t..t+3] for t >= 16 (t a multiple of 4) from the previous 16 words, held as four quads
 * y[(t/4 - 4) .. (t/4 - 1)] (mod 4), in two halves placed two rounds apart (measured faster on Zen 4
 * with every compiler than one step of four words or steps of two: 4-6% with AVX2, 1-2% with
 * AVX-512VL; four words per vector take fewer ops, and the ops of a step do not come all at once).
 * First W[t..t+1], and W[t+2..t+3] without sigma1(W[t..t+1]): */
VS_INLINE __m256i CAT(VS_NAME, quad_lo)(const __m256i y[4], int t) {
  __m256i w16 = y[(t / 4) & 3];
  const __m256i w12 = y[(t / 4 + 1) & 3], w8 = y[(t / 4 + 2) & 3], w4 = y[(t / 4 + 3) & 3];
  /* Keeps this step between the rounds where it is written (the rounds are volatile asm): clang
   * otherwise computes the whole schedule first, and the rounds wait behind it. On w16 alone (an
   * input the asm may change is copied first if still live; w16 is not). */
  __asm__ volatile("" : "+x"(w16));
  const __m256i s1 = VS_SIGMA1(w4); /* of W[t-4..t-1]: the high half is needed, moved down */
  const __m256i p = _mm256_add_epi64(_mm256_add_epi64(w16, VS_SIGMA0(VS_ALIGN1(w12, w16))), VS_ALIGN1(w4, w8));
  return _mm256_add_epi64(p, _mm256_permute2x128_si256(s1, s1, 0x81));
}
/* then the sigma1 of W[t..t+1] (the low half of lo), moved up. */
VS_INLINE __m256i CAT(VS_NAME, quad_hi)(__m256i lo) {
  __asm__ volatile("" : "+x"(lo));
  const __m256i s1 = VS_SIGMA1(lo);
  return _mm256_add_epi64(lo, _mm256_permute2x128_si256(s1, s1, 0x08));
}

#ifndef FASTPBKDF2_VSCHED_SHA512_PRE
#define FASTPBKDF2_VSCHED_SHA512_PRE
/* What a compression from a fixed midstate (an HMAC key) does before its message comes in: round 0
 * is T1 = H + S1(E) + Ch(E,F,G) + K[0] + W[0], so the new e and a are constants + W[0]; rounds 1-3
 * still have the midstate's words as h. Computed once per call and key; saves ~25 ops per compression. */
typedef struct {
  uint64_t e1, a1; /* the new e and a of round 0, less W[0] */
  uint64_t ab1;    /* round 0's a ^ b: round 1's b ^ c */
  uint64_t hk[3];  /* h + K[t] of rounds 1..3 */
} vs_sha512_pre;

static inline void vs_sha512_pre_init(vs_sha512_pre *p, const uint64_t s[8]) {
  const uint64_t a = s[0], b = s[1], c = s[2], e = s[4], f = s[5], g = s[6];
  const uint64_t t1 = s[7] + (ROTR64(e, 14) ^ ROTR64(e, 18) ^ ROTR64(e, 41)) + (g ^ (e & (f ^ g))) + SHA512_K[0];
  p->e1 = s[3] + t1;
  p->a1 = t1 + (ROTR64(a, 28) ^ ROTR64(a, 34) ^ ROTR64(a, 39)) + ((a & b) | (c & (a | b)));
  p->ab1 = a ^ b;
  p->hk[0] = g + SHA512_K[1];
  p->hk[1] = f + SHA512_K[2];
  p->hk[2] = e + SHA512_K[3];
}
#endif

/* out = the compression from state in (with pre from it) of the block whose first 8 words are m (a
 * digest in memory: rounds 0-7 add them straight to h, so a compression does not wait for the
 * vector unit) and whose 16 words are y (as 4 quads, native order). wk[8..15] hold the padding's
 * W+K already. */
VS_INLINE void VS_COMPRESS(const uint64_t in[8], const vs_sha512_pre *pre, const uint64_t m[8], __m256i y[4],
                           uint64_t out[8], uint64_t wk[80]) {
  uint64_t a = in[0], b = in[1], c = in[2], d = in[3], e = in[4], f = in[5], g = in[6], h = in[7];
  uint64_t bc = 0, ab; /* Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)); one round's a ^ b is the next one's b ^ c */
  __m256i lo = _mm256_setzero_si256(); /* the first half of the next quad */
  /* Round t's h + K[t] before the round adds W[t] + (t < 8 ? 0 : K[t]) from memory. */
#define VS_H_PLUS_K(t, h) \
  (t) < 4 ? pre->hk[(t) > 0 ? (t) - 1 : 0] : (t) < 8 ? vs_add_mem64(h, &SHA512_K[t]) : h
  /* Each round leaves the new a in h's variable and the new e in d's: the names rotate. */
#define VS_ROUNDS_2(t, a, b, c, d, e, f, g, h)                                                    \
  do {                                                                                             \
    if ((t) == 0) { /* round 0, precomputed */                                                     \
      h = pre->a1 + m[0];                                                                          \
      d = pre->e1 + m[0];                                                                          \
      ab = pre->ab1;                                                                               \
    } else {                                                                                       \
      h = VS_H_PLUS_K(t, h);                                                                       \
      vs_sha512_round(a, b, &d, e, f, g, &h, &bc, &ab, (t) < 8 ? &m[t] : &wk[t]);                  \
    }                                                                                              \
    g = VS_H_PLUS_K((t) + 1, g);                                                                   \
    vs_sha512_round(h, a, &c, d, e, f, &g, &ab, &bc, (t) + 1 < 8 ? &m[(t) + 1] : &wk[(t) + 1]);   \
    if ((t) % 4 == 0 && (t) + 16 < 80) /* the next quad, 16 rounds ahead */                      \
      lo = CAT(VS_NAME, quad_lo)(y, (t) + 16);                                                     \
    if ((t) % 4 == 2 && (t) + 14 < 80) {                                                           \
      const int next = (t) + 14;                                                                   \
      y[(next / 4) & 3] = CAT(VS_NAME, quad_hi)(lo);                                               \
      _mm256_store_si256((__m256i *)&wk[next], _mm256_add_epi64(y[(next / 4) & 3],                 \
                                                                _mm256_loadu_si256((const __m256i *)&SHA512_K[next]))); \
    }                                                                                              \
  } while (0)
  FP_UNROLL
  for (int t = 0; t < 80; t += 8) {
    VS_ROUNDS_2(t, a, b, c, d, e, f, g, h);
    VS_ROUNDS_2(t + 2, g, h, a, b, c, d, e, f);
    VS_ROUNDS_2(t + 4, e, f, g, h, a, b, c, d);
    VS_ROUNDS_2(t + 6, c, d, e, f, g, h, a, b);
  }
#undef VS_ROUNDS_2
#undef VS_H_PLUS_K
  out[0] = in[0] + a;
  out[1] = in[1] + b;
  out[2] = in[2] + c;
  out[3] = in[3] + d;
  out[4] = in[4] + e;
  out[5] = in[5] + f;
  out[6] = in[6] + g;
  out[7] = in[7] + h;
}

VS_ATTR void VS_NAME(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8], uint32_t count) {
  /* The block after the key block: the digest in words 0..7, then the 0x80 marker, zeros and the
   * length in bits (128 + 64) * 8. */
  const __m256i marker = _mm256_set_epi64x(0, 0, 0, (long long)0x8000000000000000ULL),
                length = _mm256_set_epi64x((128 + 64) * 8, 0, 0, 0);
  __m128i acc[4];
  uint64_t state[8];
  _Alignas(32) uint64_t wk[80]; /* W[t] + K[t], written by the vector unit, read by the rounds */
  vs_sha512_pre pre[2];
  memcpy(state, u, sizeof state);
  for (int i = 0; i < 4; i++) acc[i] = _mm_loadu_si128((const __m128i *)&t[2 * i]);
  for (int i = 8; i < 16; i++) wk[i] = (i == 8 ? 0x8000000000000000ULL : i == 15 ? (128 + 64) * 8 : 0) + SHA512_K[i];
  vs_sha512_pre_init(&pre[0], keys->inner);
  vs_sha512_pre_init(&pre[1], keys->outer);
  /* One copy of the compression, run for the inner then the outer key: two inlined copies measured
   * up to 30% slower or faster by code placement alone. */
  const uint64_t *const midstate[2] = {keys->inner, keys->outer};
  for (uint64_t half = 0; half < 2 * (uint64_t)count; half++) {
    __m256i y[4];
    for (int i = 0; i < 2; i++) y[i] = _mm256_loadu_si256((const __m256i *)&state[4 * i]);
    y[2] = marker, y[3] = length;
    VS_COMPRESS(midstate[half & 1], &pre[half & 1], state, y, state, wk);
    if (half & 1)
      for (int i = 0; i < 4; i++)
        acc[i] = _mm_xor_si128(acc[i], _mm_set_epi64x((long long)state[2 * i + 1], (long long)state[2 * i]));
  }
  memcpy(u, state, sizeof state);
  for (int i = 0; i < 4; i++) _mm_storeu_si128((__m128i *)&t[2 * i], acc[i]);
  secure_wipe(state, sizeof state);
  secure_wipe(wk, sizeof wk);
  secure_wipe(pre, sizeof pre);
}

#undef VS_ATTR
#undef VS_INLINE
#undef VS_COMPRESS
#undef VS_NAME
#undef VS_TARGET
#undef VS_SIGMA0
#undef VS_SIGMA1
#undef VS_ALIGN1
