/* The SHA-2 compression function (FIPS 180-4 sections 6.2.2 and 6.4.2), shared by SHA-256 and
 * SHA-512, which differ only in word size, round count, constants and rotation amounts.
 * A template, included (through sha256_compress.h or sha512_compress.h) with these set:
 *   COMPRESS_FN    the function's name
 *   COMPRESS_WORD  the word type, or a GCC vector of it holding one independent chain per lane
 *   COMPRESS_ATTR  its storage class and attributes (inline, target instruction set)
 *   SHA2_ROUNDS, SHA2_K, SHA2_S0, SHA2_S1, SHA2_s0, SHA2_s1  the hash's rounds, constants and
 *                  functions (FIPS 180-4 section 4.1.2 / 4.1.3)
 * Words are in native order; `out` may alias the first words of `m` (m is read before out is written). */

COMPRESS_ATTR void COMPRESS_FN(const COMPRESS_WORD in[8], const COMPRESS_WORD m[16], COMPRESS_WORD out[8]) {
  COMPRESS_WORD w[16];
  COMPRESS_WORD a = in[0], b = in[1], c = in[2], d = in[3], e = in[4], f = in[5], g = in[6], h = in[7];
  for (int i = 0; i < 16; i++) w[i] = m[i];

/* 16-word ring schedule: W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]. */
#define SHA2_W(t) \
  ((t) < 16 ? w[(t)] : (w[(t)&15] += SHA2_s1(w[((t)-2) & 15]) + w[((t)-7) & 15] + SHA2_s0(w[((t)-15) & 15])))

  FP_UNROLL
  for (int t = 0; t < SHA2_ROUNDS; t++) {
    COMPRESS_WORD t1 = h + SHA2_S1(e) + (g ^ (e & (f ^ g))) + SHA2_K[t] + SHA2_W(t);
    COMPRESS_WORD t2 = SHA2_S0(a) + ((a & b) | (c & (a | b)));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
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

#undef SHA2_W
#undef SHA2_ROUNDS
#undef SHA2_K
#undef SHA2_S0
#undef SHA2_S1
#undef SHA2_s0
#undef SHA2_s1
#undef COMPRESS_FN
#undef COMPRESS_WORD
#undef COMPRESS_ATTR
