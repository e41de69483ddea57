/* SHA-1 compression function, portable C (FIPS 180-4 section 6.1.2).
 * State and message are 32-bit words in native order: the caller converts bytes once, outside the
 * PBKDF2 loop. `out` may alias the first words of `m` (the message is read before out is written). */
#ifndef FASTPBKDF2_SHA1_H
#define FASTPBKDF2_SHA1_H

#include "common.h"

#define SHA1_BLOCK_BYTES 64
#define SHA1_DIGEST_BYTES 20
#define SHA1_STATE_WORDS 5

static const uint32_t SHA1_IV[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

FP_INLINE void sha1_compress(const uint32_t in[5], const uint32_t m[16], uint32_t out[5]) {
  uint32_t w[16];
  uint32_t a = in[0], b = in[1], c = in[2], d = in[3], e = in[4];
  for (int i = 0; i < 16; i++) w[i] = m[i];

/* Message schedule kept as a 16-word ring: W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]). */
#define SHA1_W(t) \
  ((t) < 16 ? w[(t)] \
            : (w[(t)&15] = rotl32(w[((t)-3) & 15] ^ w[((t)-8) & 15] ^ w[((t)-14) & 15] ^ w[(t)&15], 1)))
#define SHA1_ROUND(t, f, k)                                    \
  do {                                                         \
    uint32_t tmp = rotl32(a, 5) + (f) + e + (k) + SHA1_W(t);   \
    e = d;                                                     \
    d = c;                                                     \
    c = rotl32(b, 30);                                         \
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

#endif
