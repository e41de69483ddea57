/* SHA-512 compression function (FIPS 180-4 section 6.4.2).
 * A template, included with these set:
 *   COMPRESS_FN    the function's name
 *   COMPRESS_WORD  uint64_t, or a GCC vector of uint64_t holding one independent chain per lane
 *   COMPRESS_ATTR  its storage class and attributes (inline, target instruction set)
 * Words are in native order; `out` may alias the first words of `m` (m is read before out is written). */

COMPRESS_ATTR void COMPRESS_FN(const COMPRESS_WORD in[8], const COMPRESS_WORD m[16], COMPRESS_WORD out[8]) {
  COMPRESS_WORD w[16];
  COMPRESS_WORD a = in[0], b = in[1], c = in[2], d = in[3], e = in[4], f = in[5], g = in[6], h = in[7];
  for (int i = 0; i < 16; i++) w[i] = m[i];

#define SHA512_S0(x) (ROTR64(x, 28) ^ ROTR64(x, 34) ^ ROTR64(x, 39))
#define SHA512_S1(x) (ROTR64(x, 14) ^ ROTR64(x, 18) ^ ROTR64(x, 41))
#define SHA512_s0(x) (ROTR64(x, 1) ^ ROTR64(x, 8) ^ ((x) >> 7))
#define SHA512_s1(x) (ROTR64(x, 19) ^ ROTR64(x, 61) ^ ((x) >> 6))
#define SHA512_W(t)                                                                      \
  ((t) < 16 ? w[(t)]                                                                     \
            : (w[(t)&15] += SHA512_s1(w[((t)-2) & 15]) + w[((t)-7) & 15] + SHA512_s0(w[((t)-15) & 15])))

FP_UNROLL
  for (int t = 0; t < 80; t++) {
    COMPRESS_WORD t1 = h + SHA512_S1(e) + (g ^ (e & (f ^ g))) + SHA512_K[t] + SHA512_W(t);
    COMPRESS_WORD t2 = SHA512_S0(a) + ((a & b) | (c & (a | b)));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }

#undef SHA512_S0
#undef SHA512_S1
#undef SHA512_s0
#undef SHA512_s1
#undef SHA512_W

  out[0] = in[0] + a;
  out[1] = in[1] + b;
  out[2] = in[2] + c;
  out[3] = in[3] + d;
  out[4] = in[4] + e;
  out[5] = in[5] + f;
  out[6] = in[6] + g;
  out[7] = in[7] + h;
}

#undef COMPRESS_FN
#undef COMPRESS_WORD
#undef COMPRESS_ATTR
