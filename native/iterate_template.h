/* The PBKDF2 inner loop for one hash, in portable C: u = HMAC(P, u); t ^= u, `count` times.
 * Included by pbkdf2_template.h (as FN(iterate_portable)) and by pbkdf2_x86_bmi2.c (the same C
 * compiled for BMI2). Expects the digest's parameters (params_<digest>.h) and:
 *   ITERATE_SUFFIX  the function's name after the hash prefix
 *   ITERATE_TARGET  a function attribute selecting the instruction set, or nothing
 *   ITERATE_LINKAGE optional; `static` unless set */
#ifndef FN
#include "template_names.h"
#endif

/* Lays out a block holding one digest (words 0..STATE_WORDS-1, filled by the caller) that follows
 * a full key block: the 0x80 marker, zeros, and the length (BLOCK_BYTES + DIGEST_BYTES) in bits. */
static void FN(pad_digest_block)(WORD block[16]) {
  for (int i = STATE_WORDS; i < 16; i++) block[i] = 0;
  block[STATE_WORDS] = (WORD)0x80 << (8 * WORD_BYTES - 8);
  block[15] = (WORD)(BLOCK_BYTES + DIGEST_BYTES) * 8;
}

/* The inner hash's output lands directly in the outer block and the outer hash's output directly
 * in the next inner block, so nothing is copied between compressions. */
#ifndef ITERATE_LINKAGE
#define ITERATE_LINKAGE static
#endif
ITERATE_TARGET ITERATE_LINKAGE void FN(ITERATE_SUFFIX)(const FN(hmac_keys) *keys, WORD u[STATE_WORDS], WORD t[STATE_WORDS],
                                              uint32_t count) {
  WORD inner_block[16], outer_block[16];
  memcpy(inner_block, u, DIGEST_BYTES);
  FN(pad_digest_block)(inner_block);
  FN(pad_digest_block)(outer_block);
  while (count--) {
    FN(compress)(keys->inner, inner_block, outer_block);
    FN(compress)(keys->outer, outer_block, inner_block);
    for (int i = 0; i < STATE_WORDS; i++) t[i] ^= inner_block[i];
  }
  memcpy(u, inner_block, DIGEST_BYTES);
  secure_wipe(inner_block, sizeof inner_block);
  secure_wipe(outer_block, sizeof outer_block);
}

#undef ITERATE_SUFFIX
#undef ITERATE_LINKAGE
#undef ITERATE_TARGET
