/* The one-chain PBKDF2-HMAC-SHA1 loop for CPUs without SHA-NI: message schedule in XMM registers
 * (four words per vector, 16 rounds ahead, K added there), rounds on the scalar ALUs with BMI2,
 * each reading its W+K from an aligned stack array as a memory operand. vsched_sha512.h says why.
 * A template: pbkdf2_x86_vsched.c includes it once per instruction set with
 *   VS_NAME            the iterate function's name
 *   VS_TARGET          its target attribute string
 *   VS_XOR4(a,b,c,d)   a ^ b ^ c ^ d on vectors
 *   VS_ROTL(x,n)       each 32-bit word rotated left by n */

#define VS_ATTR __attribute__((target(VS_TARGET)))
#define VS_INLINE static inline __attribute__((always_inline)) VS_ATTR
#define VS_COMPRESS CAT(VS_NAME, compress)

/* One SHA-1 round t (FIPS 180-4 6.1.2) after e += W[t] + K[t]: e += ROTL5(a) + f_t(b,c,d),
 * b = ROTL30(b); the caller rotates the names. In asm so that the ops keep this order (the
 * critical path is a -> ROTL5 -> e, two ops a round); the choice of f is made at compile time.
 * ROTL30(b) goes to a new register and b's own is then f's scratch, so Ch and parity need no
 * register copy and Maj one. Ch and Maj add two parts with no bit in common (so + is |), each
 * part one or two ops from b (docs/performance.md has the variants measured). */
#ifndef VS_SHA1_ROUND
#define VS_SHA1_ROUND
static inline __attribute__((always_inline)) void vs_sha1_round(int t, uint32_t a, uint32_t *b, uint32_t c,
                                                                uint32_t d, uint32_t *e) {
  uint32_t s, r, n, f = *b;
  if (t < 20) /* Ch(b,c,d) = (b & c) + (~b & d) */
    __asm__ volatile("rorxl $27, %[a], %[r]\n\t"
                     "andnl %[d], %[f], %[s]\n\t"
                     "rorxl $2, %[f], %[n]\n\t"
                     "andl %[c], %[f]\n\t"
                     "addl %[s], %[e]\n\t"
                     "addl %[f], %[e]\n\t"
                     "addl %[r], %[e]"
                     : [e] "+r"(*e), [f] "+r"(f), [n] "=&r"(n), [s] "=&r"(s), [r] "=&r"(r)
                     : [a] "r"(a), [c] "r"(c), [d] "r"(d));
  else if (t >= 40 && t < 60) /* Maj(b,c,d) = (b & c) + (d & (b ^ c)) */
    __asm__ volatile("rorxl $27, %[a], %[r]\n\t"
                     "rorxl $2, %[f], %[n]\n\t"
                     "movl %[f], %[s]\n\t"
                     "andl %[c], %[s]\n\t"
                     "xorl %[c], %[f]\n\t"
                     "andl %[d], %[f]\n\t"
                     "addl %[s], %[e]\n\t"
                     "addl %[f], %[e]\n\t"
                     "addl %[r], %[e]"
                     : [e] "+r"(*e), [f] "+r"(f), [n] "=&r"(n), [s] "=&r"(s), [r] "=&r"(r)
                     : [a] "r"(a), [c] "r"(c), [d] "r"(d));
  else /* Parity(b,c,d) = b ^ c ^ d */
    __asm__ volatile("rorxl $27, %[a], %[r]\n\t"
                     "rorxl $2, %[f], %[n]\n\t"
                     "xorl %[c], %[f]\n\t"
                     "xorl %[d], %[f]\n\t"
                     "addl %[f], %[e]\n\t"
                     "addl %[r], %[e]"
                     : [e] "+r"(*e), [f] "+r"(f), [n] "=&r"(n), [r] "=&r"(r)
                     : [a] "r"(a), [c] "r"(c), [d] "r"(d));
  (void)s;
  *b = n;
}

/* What the first two rounds compute from the key alone: with the state in[] of a midstate,
 * round 0 makes a = pre[0] + W[0] and round 1 a = pre[1] + W[1] + ROTL5(round 0's a), leaving
 * ROTL30(in[0]), ROTL30(in[1]) as later rounds' words. PBKDF2 compresses with two fixed midstates,
 * so this is done once per call. */
typedef struct {
  uint32_t in[5], pre[2], rotl30[2];
} vs_sha1_key;

static inline uint32_t vs_rotl32(uint32_t x, int n) { return x << n | x >> (32 - n); }

static inline void vs_sha1_key_init(vs_sha1_key *key, const uint32_t in[5]) {
  const uint32_t a = in[0], b = in[1], c = in[2], d = in[3], e = in[4], k = 0x5a827999u;
  memcpy(key->in, in, sizeof key->in);
  key->rotl30[0] = vs_rotl32(a, 30);
  key->rotl30[1] = vs_rotl32(b, 30);
  key->pre[0] = e + k + vs_rotl32(a, 5) + ((b & c) | (~b & d));
  key->pre[1] = d + k + ((a & key->rotl30[1]) | (~a & c));
}
#endif

/* W[t..t+3] for t >= 16, from the previous 32 words in x[(t/4 - 8) .. (t/4 - 1)] (mod 8).
 * t < 32: W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]). W[t+3] needs W[t], computed in the same
 * step: it is taken as zero first, then ROTL1(W[t]) is XOR-ed into that word (ROTL1 distributes
 * over XOR).
 * t >= 32: W[t] = ROTL2(W[t-6] ^ W[t-16] ^ W[t-28] ^ W[t-32]) (the recurrence applied to itself
 * once), which needs no word of its own step: fewer ops, and a shorter chain from step to step. */
VS_INLINE __m128i CAT(VS_NAME, next_four)(const __m128i x[8], int t) {
  const int g = t / 4;
  __m128i w4 = x[(g - 1) & 7], w8 = x[(g - 2) & 7];
  /* Keeps this step between the rounds where it is written (vsched_sha512.h). */
  __asm__ volatile("" : "+x"(w4), "+x"(w8));
  if (t < 32) {
    const __m128i w16 = x[(g - 4) & 7], w12 = x[(g - 3) & 7];
    const __m128i w14 = _mm_alignr_epi8(w12, w16, 8), w3 = _mm_srli_si128(w4, 4); /* W[t-14..], W[t-3..t-1], 0 */
    const __m128i w = VS_ROTL(VS_XOR4(w16, w14, w8, w3), 1);
    return _mm_xor_si128(w, VS_ROTL(_mm_slli_si128(w, 12), 1));
  }
  const __m128i w6 = _mm_alignr_epi8(w4, w8, 8); /* W[t-6..t-3] */
  return VS_ROTL(VS_XOR4(w6, x[(g - 4) & 7], x[(g - 7) & 7], x[(g - 8) & 7]), 2);
}

/* s = the compression from state in of the block whose first 5 words are s (the previous digest,
 * in general registers: the first rounds need not wait for the vector unit, nor the next
 * compression for this one's result to pass through vector registers) and whose other words are
 * PBKDF2's fixed padding. */
VS_INLINE void VS_COMPRESS(const vs_sha1_key *key, uint32_t s[5], uint32_t wk[80]) {
  const uint32_t *const in = key->in;
  /* rounds 0 and 1 (vs_sha1_key); the names are then those after round 1 */
  uint32_t e = key->pre[0] + s[0], a = key->rotl30[0], b = key->rotl30[1], c = in[2];
  uint32_t d = key->pre[1] + s[1] + (e << 5 | e >> 27);
  const __m128i k0 = _mm_set1_epi32(0x5a827999), k1 = _mm_set1_epi32(0x6ed9eba1), k2 = _mm_set1_epi32((int)0x8f1bbcdc),
                k3 = _mm_set1_epi32((int)0xca62c1d6);
  /* words 5..15: the 0x80 marker, zeros and the length in bits (64 + 20) * 8 */
  static const uint32_t pad[16] = {[5] = 0x80000000u, [15] = (64 + 20) * 8};
  __m128i x[8];
  x[0] = _mm_set_epi32((int)s[3], (int)s[2], (int)s[1], (int)s[0]);
  x[1] = _mm_set_epi32(0, 0, (int)0x80000000u, (int)s[4]);
  x[2] = _mm_setzero_si128();
  x[3] = _mm_set_epi32((64 + 20) * 8, 0, 0, 0);
  /* Each round adds into e's variable the new a and rotates b: the names rotate by one. */
  FP_UNROLL
  for (int t = 0; t < 80; t += 20) {
    FP_UNROLL
    for (int r = 0; r < 20; r += 5) {
      const int i = t + r;
#define VS_WK(i, e) ((i) < 5 ? e + s[i] + 0x5a827999u : (i) < 16 ? e + (pad[i] + 0x5a827999u) : vs_add_mem32(e, &wk[i]))
      if (i > 0) {
        e = VS_WK(i, e);
        vs_sha1_round(t, a, &b, c, d, &e);
        d = VS_WK(i + 1, d);
        vs_sha1_round(t, e, &a, b, c, &d);
      }
      c = VS_WK(i + 2, c);
      vs_sha1_round(t, d, &e, a, b, &c);
      b = VS_WK(i + 3, b);
      vs_sha1_round(t, c, &d, e, a, &b);
      a = VS_WK(i + 4, a);
      vs_sha1_round(t, b, &c, d, e, &a);
#undef VS_WK
      /* the four words 16 rounds ahead, once per four rounds */
      for (int next = (i + 16 + 3) & ~3; next < i + 21 && next < 80; next += 4) {
        const __m128i k = next < 20 ? k0 : next < 40 ? k1 : next < 60 ? k2 : k3;
        x[(next / 4) & 7] = CAT(VS_NAME, next_four)(x, next);
        _mm_store_si128((__m128i *)&wk[next], _mm_add_epi32(x[(next / 4) & 7], k));
      }
    }
  }
  /* The digest stays in general registers for the next compression's first rounds: in asm, since
   * compilers otherwise add it as one vector and extract the words again (~20 cycles on the path
   * from one compression to the next). */
  s[0] = vs_add_mem32_keep(a, &in[0]);
  s[1] = vs_add_mem32_keep(b, &in[1]);
  s[2] = vs_add_mem32_keep(c, &in[2]);
  s[3] = vs_add_mem32_keep(d, &in[3]);
  s[4] = vs_add_mem32_keep(e, &in[4]);
}

VS_ATTR void VS_NAME(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count) {
  /* Copied word by word, never by address, so that the compiler keeps them in registers (none of
   * them in memory, nothing to wipe). */
  uint32_t s[5], acc[5];
  for (int i = 0; i < 5; i++) s[i] = u[i], acc[i] = t[i];
  _Alignas(16) uint32_t wk[80]; /* W[t] + K[t], written by the vector unit, read by the rounds */
  vs_sha1_key key[2];
  vs_sha1_key_init(&key[0], keys->inner);
  vs_sha1_key_init(&key[1], keys->outer);
  /* One copy of the compression, run for the inner then the outer key (vsched_sha512.h). */
  for (uint64_t half = 0; half < 2 * (uint64_t)count; half++) {
    VS_COMPRESS(&key[half & 1], s, wk);
    if (half & 1)
      for (int i = 0; i < 5; i++) acc[i] ^= s[i];
  }
  for (int i = 0; i < 5; i++) u[i] = s[i], t[i] = acc[i];
  secure_wipe(wk, sizeof wk);
  secure_wipe(key, sizeof key);
}

#undef VS_ATTR
#undef VS_INLINE
#undef VS_COMPRESS
#undef VS_NAME
#undef VS_TARGET
#undef VS_XOR4
#undef VS_ROTL
