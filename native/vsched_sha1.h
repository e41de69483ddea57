/* The one-chain PBKDF2-HMAC-SHA1 loop for CPUs without SHA-NI: message schedule in XMM registers
 * (four words per vector, 16 rounds ahead, K added there), rounds on the scalar ALUs with BMI2,
 * each reading its W+K from an aligned stack array as a memory operand. vsched_sha512.h says why.
 * A template: pbkdf2_x86_vsched.c includes it once per instruction set with
 *   VS_NAME            the iterate function's name
 *   VS_TARGET          its target attribute string
 *   VS_XOR4(a,b,c,d)   a ^ b ^ c ^ d on vectors
 *   VS_ROTL1(x)        each 32-bit word rotated left by one */

#define VS_ATTR __attribute__((target(VS_TARGET)))
#define VS_INLINE static inline __attribute__((always_inline)) VS_ATTR
#define VS_COMPRESS CAT(VS_NAME, compress)

/* W[t..t+3] = ROTL1(W[t-3..] ^ W[t-8..] ^ W[t-14..] ^ W[t-16..]) for t >= 16, from the previous 16
 * words in x[(t/4 - 4) .. (t/4 - 1)] (mod 4). W[t+3] needs W[t], computed in the same step: it is
 * taken as zero first, then ROTL1(W[t]) is XOR-ed into that word (ROTL1 distributes over XOR). */
VS_INLINE __m128i CAT(VS_NAME, next_four)(const __m128i x[4], int t) {
  __m128i w16 = x[(t / 4) & 3], w12 = x[(t / 4 + 1) & 3], w8 = x[(t / 4 + 2) & 3], w4 = x[(t / 4 + 3) & 3];
  /* Keeps this step between the rounds where it is written (vsched_sha512.h). */
  __asm__ volatile("" : "+x"(w16), "+x"(w12), "+x"(w8), "+x"(w4));
  const __m128i w14 = _mm_alignr_epi8(w12, w16, 8), w3 = _mm_srli_si128(w4, 4); /* W[t-14..], W[t-3..t-1], 0 */
  const __m128i w = VS_ROTL1(VS_XOR4(w16, w14, w8, w3));
  return _mm_xor_si128(w, VS_ROTL1(_mm_slli_si128(w, 12)));
}

/* out = the compression from state in of the block whose first 5 words are m (in registers, see
 * vsched_sha512.h) and whose 16 words are x (as 4 vectors, native order). */
VS_INLINE void VS_COMPRESS(const uint32_t in[5], const uint32_t m[5], __m128i x[4], uint32_t out[5], uint32_t wk[80]) {
  uint32_t a = in[0], b = in[1], c = in[2], d = in[3], e = in[4];
  const __m128i k0 = _mm_set1_epi32(0x5a827999), k1 = _mm_set1_epi32(0x6ed9eba1), k2 = _mm_set1_epi32((int)0x8f1bbcdc),
                k3 = _mm_set1_epi32((int)0xca62c1d6);
  FP_UNROLL
  for (int i = 1; i < 4; i++) _mm_store_si128((__m128i *)&wk[4 * i], _mm_add_epi32(x[i], k0));
  /* Each round adds into e's variable the new a and rotates b: the names rotate by one. */
  FP_UNROLL
  for (int t = 0; t < 80; t += 20) {
    FP_UNROLL
    for (int r = 0; r < 20; r += 5) {
      const int i = t + r;
      e = i < 5 ? e + m[i] + 0x5a827999u : vs_add_mem32(e, &wk[i]);
      vs_sha1_round(t, a, &b, c, d, &e);
      d = i < 5 ? d + m[i + 1] + 0x5a827999u : vs_add_mem32(d, &wk[i + 1]);
      vs_sha1_round(t, e, &a, b, c, &d);
      c = i < 5 ? c + m[i + 2] + 0x5a827999u : vs_add_mem32(c, &wk[i + 2]);
      vs_sha1_round(t, d, &e, a, b, &c);
      b = i < 5 ? b + m[i + 3] + 0x5a827999u : vs_add_mem32(b, &wk[i + 3]);
      vs_sha1_round(t, c, &d, e, a, &b);
      a = i < 5 ? a + m[i + 4] + 0x5a827999u : vs_add_mem32(a, &wk[i + 4]);
      vs_sha1_round(t, b, &c, d, e, &a);
      /* the four words 16 rounds ahead, once per four rounds */
      for (int next = (i + 16 + 3) & ~3; next < i + 21 && next < 80; next += 4) {
        const __m128i k = next < 20 ? k0 : next < 40 ? k1 : next < 60 ? k2 : k3;
        x[(next / 4) & 3] = CAT(VS_NAME, next_four)(x, next);
        _mm_store_si128((__m128i *)&wk[next], _mm_add_epi32(x[(next / 4) & 3], k));
      }
    }
  }
  out[0] = in[0] + a;
  out[1] = in[1] + b;
  out[2] = in[2] + c;
  out[3] = in[3] + d;
  out[4] = in[4] + e;
}

VS_ATTR void VS_NAME(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count) {
  /* The block after the key block: the digest in words 0..4, then the 0x80 marker, zeros and the
   * length in bits (64 + 20) * 8. */
  const __m128i zero = _mm_setzero_si128(), length = _mm_set_epi32((64 + 20) * 8, 0, 0, 0);
  uint32_t state[5], acc[5];
  _Alignas(16) uint32_t wk[80]; /* W[t] + K[t], written by the vector unit, read by the rounds */
  memcpy(state, u, sizeof state);
  memcpy(acc, t, sizeof acc);
  /* One copy of the compression, run for the inner then the outer key (vsched_sha512.h). */
  const uint32_t *const midstate[2] = {keys->inner, keys->outer};
  for (uint64_t half = 0; half < 2 * (uint64_t)count; half++) {
    __m128i x[4];
    x[0] = _mm_set_epi32((int)state[3], (int)state[2], (int)state[1], (int)state[0]);
    x[1] = _mm_set_epi32(0, 0, (int)0x80000000u, (int)state[4]);
    x[2] = zero, x[3] = length;
    VS_COMPRESS(midstate[half & 1], state, x, state, wk);
    if (half & 1)
      for (int i = 0; i < 5; i++) acc[i] ^= state[i];
  }
  memcpy(u, state, sizeof state);
  memcpy(t, acc, sizeof acc);
  secure_wipe(state, sizeof state);
  secure_wipe(wk, sizeof wk);
  secure_wipe(acc, sizeof acc);
}

#undef VS_ATTR
#undef VS_INLINE
#undef VS_COMPRESS
#undef VS_NAME
#undef VS_TARGET
#undef VS_XOR4
#undef VS_ROTL1
