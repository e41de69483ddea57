/* The one-chain PBKDF2-HMAC-SHA256 loop for CPUs without SHA-NI: message schedule in XMM registers
 * (four words per vector, 16 rounds ahead, K added there), rounds on the scalar ALUs with BMI2,
 * each reading its W+K from an aligned stack array as a memory operand. vsched_sha512.h says why.
 * A template: pbkdf2_x86_vsched.c includes it once per instruction set with
 *   VS_NAME            the iterate function's name
 *   VS_TARGET          its target attribute string
 *   VS_SIGMA0/1(x)     FIPS 180-4's sigma0/sigma1 on a vector of four 32-bit words */

#define VS_ATTR __attribute__((target(VS_TARGET)))
#define VS_INLINE static inline __attribute__((always_inline)) VS_ATTR
#define VS_COMPRESS CAT(VS_NAME, compress)

/* W[t..t+3] for t >= 16 from the previous 16 words, held as x[(t/4 - 4) .. (t/4 - 1)] (mod 4).
 * W[t+2] and W[t+3] need sigma1 of W[t] and W[t+1], so sigma1 runs twice, on two words each. */
VS_INLINE __m128i CAT(VS_NAME, next_four)(const __m128i x[4], int t) {
  __m128i w16 = x[(t / 4) & 3], w12 = x[(t / 4 + 1) & 3], w8 = x[(t / 4 + 2) & 3], w4 = x[(t / 4 + 3) & 3];
  /* Keeps this step between the rounds where it is written (vsched_sha512.h). */
  __asm__ volatile("" : "+x"(w16), "+x"(w12), "+x"(w8), "+x"(w4));
  const __m128i w15 = _mm_alignr_epi8(w12, w16, 4), w7 = _mm_alignr_epi8(w4, w8, 4); /* W[t-15..], W[t-7..] */
  __m128i w = _mm_add_epi32(_mm_add_epi32(w16, VS_SIGMA0(w15)), w7);
  /* W[t..t+1] += sigma1(W[t-2..t-1]) (upper lanes get zero) */
  w = _mm_add_epi32(w, _mm_move_epi64(VS_SIGMA1(_mm_unpackhi_epi64(w4, w4))));
  /* W[t+2..t+3] += sigma1(W[t..t+1]) */
  return _mm_add_epi32(w, _mm_slli_si128(VS_SIGMA1(w), 8));
}

/* x gets W[t..t+3] (next_four) and wk[t..t+3] gets W+K: one schedule step, 16 rounds ahead. */
VS_INLINE void CAT(VS_NAME, schedule_four)(__m128i x[4], uint32_t wk[64], int t) {
  x[(t / 4) & 3] = CAT(VS_NAME, next_four)(x, t);
  _mm_store_si128((__m128i *)&wk[t], _mm_add_epi32(x[(t / 4) & 3], _mm_loadu_si128((const __m128i *)&SHA256_K[t])));
}

/* out = the compression from state in of the block whose first 8 words are m (in registers, see
 * vsched_sha512.h) and whose 16 words are x (as 4 vectors, native order). */
VS_INLINE void VS_COMPRESS(const uint32_t in[8], const uint32_t m[8], __m128i x[4], uint32_t out[8], uint32_t wk[64]) {
  uint32_t a = in[0], b = in[1], c = in[2], d = in[3], e = in[4], f = in[5], g = in[6], h = in[7];
  FP_UNROLL
  for (int i = 2; i < 4; i++)
    _mm_store_si128((__m128i *)&wk[4 * i], _mm_add_epi32(x[i], _mm_loadu_si128((const __m128i *)&SHA256_K[4 * i])));
  uint32_t bc = b ^ c, ab; /* Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)); one round's a ^ b is the next one's b ^ c */
  /* Each round leaves the new a in h's variable and the new e in d's: the names rotate. */
  FP_UNROLL
  for (int t = 0; t < 64; t += 8) {
    h = t < 8 ? h + m[t] + SHA256_K[t] : vs_add_mem32(h, &wk[t]);
    vs_sha256_round(a, b, &d, e, f, g, &h, &bc, &ab);
    g = t < 8 ? g + m[t + 1] + SHA256_K[t + 1] : vs_add_mem32(g, &wk[t + 1]);
    vs_sha256_round(h, a, &c, d, e, f, &g, &ab, &bc);
    f = t < 8 ? f + m[t + 2] + SHA256_K[t + 2] : vs_add_mem32(f, &wk[t + 2]);
    vs_sha256_round(g, h, &b, c, d, e, &f, &bc, &ab);
    e = t < 8 ? e + m[t + 3] + SHA256_K[t + 3] : vs_add_mem32(e, &wk[t + 3]);
    vs_sha256_round(f, g, &a, b, c, d, &e, &ab, &bc);
    if (t + 16 < 64) CAT(VS_NAME, schedule_four)(x, wk, t + 16);
    d = t < 8 ? d + m[t + 4] + SHA256_K[t + 4] : vs_add_mem32(d, &wk[t + 4]);
    vs_sha256_round(e, f, &h, a, b, c, &d, &bc, &ab);
    c = t < 8 ? c + m[t + 5] + SHA256_K[t + 5] : vs_add_mem32(c, &wk[t + 5]);
    vs_sha256_round(d, e, &g, h, a, b, &c, &ab, &bc);
    b = t < 8 ? b + m[t + 6] + SHA256_K[t + 6] : vs_add_mem32(b, &wk[t + 6]);
    vs_sha256_round(c, d, &f, g, h, a, &b, &bc, &ab);
    a = t < 8 ? a + m[t + 7] + SHA256_K[t + 7] : vs_add_mem32(a, &wk[t + 7]);
    vs_sha256_round(b, c, &e, f, g, h, &a, &ab, &bc);
    if (t + 20 < 64) CAT(VS_NAME, schedule_four)(x, wk, t + 20);
  }
  out[0] = in[0] + a;
  out[1] = in[1] + b;
  out[2] = in[2] + c;
  out[3] = in[3] + d;
  out[4] = in[4] + e;
  out[5] = in[5] + f;
  out[6] = in[6] + g;
  out[7] = in[7] + h;
}

VS_ATTR void VS_NAME(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count) {
  /* The block after the key block: the digest in words 0..7, then the 0x80 marker, zeros and the
   * length in bits (64 + 32) * 8. */
  const __m128i pad_lo = _mm_set_epi32(0, 0, 0, (int)0x80000000u), pad_hi = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
  __m128i acc[2];
  uint32_t state[8];
  _Alignas(16) uint32_t wk[64]; /* W[t] + K[t], written by the vector unit, read by the rounds */
  memcpy(state, u, sizeof state);
  for (int i = 0; i < 2; i++) acc[i] = _mm_loadu_si128((const __m128i *)&t[4 * i]);
  /* One copy of the compression, run for the inner then the outer key (vsched_sha512.h). */
  const uint32_t *const midstate[2] = {keys->inner, keys->outer};
  for (uint64_t half = 0; half < 2 * (uint64_t)count; half++) {
    __m128i x[4];
    for (int i = 0; i < 2; i++)
      x[i] = _mm_set_epi32((int)state[4 * i + 3], (int)state[4 * i + 2], (int)state[4 * i + 1], (int)state[4 * i]);
    x[2] = pad_lo, x[3] = pad_hi;
    VS_COMPRESS(midstate[half & 1], state, x, state, wk);
    if (half & 1)
      for (int i = 0; i < 2; i++)
        acc[i] = _mm_xor_si128(acc[i], _mm_set_epi32((int)state[4 * i + 3], (int)state[4 * i + 2],
                                                     (int)state[4 * i + 1], (int)state[4 * i]));
  }
  memcpy(u, state, sizeof state);
  for (int i = 0; i < 2; i++) _mm_storeu_si128((__m128i *)&t[4 * i], acc[i]);
  secure_wipe(state, sizeof state);
  secure_wipe(wk, sizeof wk);
}

#undef VS_ATTR
#undef VS_INLINE
#undef VS_COMPRESS
#undef VS_NAME
#undef VS_TARGET
#undef VS_SIGMA0
#undef VS_SIGMA1
