/* SHA-1 compression function (FIPS 180-4 section 6.1.2).
 * A template, included with these set:
 *   COMPRESS_FN    the function's name
 *   COMPRESS_WORD  uint32_t, or a GCC vector of uint32_t holding one independent chain per lane
 *   COMPRESS_ATTR  its storage class and attributes (inline, target instruction set)
 * Words are in native order; `out` may alias the first words of `m` (m is read before out is written). */

COMPRESS_ATTR void COMPRESS_FN(const COMPRESS_WORD in[5], const COMPRESS_WORD m[16], COMPRESS_WORD out[5]) {
  COMPRESS_WORD w[16];
  COMPRESS_WORD a = in[0], b = in[1], c = in[2], d = in[3], e = in[4];
  for (int i = 0; i < 16; i++) w[i] = m[i];

/* Message schedule kept as a 16-word ring: W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]). */
#define SHA1_W(t) \
  ((t) < 16 ? w[(t)] \
            : (w[(t)&15] = ROTL32(w[((t)-3) & 15] ^ w[((t)-8) & 15] ^ w[((t)-14) & 15] ^ w[(t)&15], 1)))
#define SHA1_ROUND(t, f, k)                                    \
  do {                                                         \
    COMPRESS_WORD tmp = ROTL32(a, 5) + (f) + e + (k) + SHA1_W(t);   \
    e = d;                                                     \
    d = c;                                                     \
    c = ROTL32(b, 30);                                         \
    b = a;                                                     \
    a = tmp;                                                   \
  } while (0)
#define SHA1_CH (d ^ (b & (c ^ d)))
#define SHA1_PARITY (b ^ c ^ d)
#define SHA1_MAJ ((b & c) | (d & (b | c)))

  FP_UNROLL
  for (int t = 0; t < 20; t++) SHA1_ROUND(t, SHA1_CH, 0x5a827999u);
  FP_UNROLL
  for (int t = 20; t < 40; t++) SHA1_ROUND(t, SHA1_PARITY, 0x6ed9eba1u);
  FP_UNROLL
  for (int t = 40; t < 60; t++) SHA1_ROUND(t, SHA1_MAJ, 0x8f1bbcdcu);
  FP_UNROLL
  for (int t = 60; t < 80; t++) SHA1_ROUND(t, SHA1_PARITY, 0xca62c1d6u);

#undef SHA1_W
#undef SHA1_ROUND
#undef SHA1_CH
#undef SHA1_PARITY
#undef SHA1_MAJ

  out[0] = in[0] + a;
  out[1] = in[1] + b;
  out[2] = in[2] + c;
  out[3] = in[3] + d;
  out[4] = in[4] + e;
}

#undef COMPRESS_FN
#undef COMPRESS_WORD
#undef COMPRESS_ATTR
