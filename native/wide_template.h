/* The PBKDF2 inner loop for up to LANES chains at once, one chain per SIMD lane ("word-sliced":
 * vector i holds word i of every lane's state). A chain's output words are already the lanes of the
 * next block's message vectors, so nothing is shuffled inside the loop; lanes are gathered and
 * scattered only at the start and end of a step. Instantiated by pbkdf2_x86_wide.c with:
 *   the digest's parameters (params_<digest>.h: HASH, WORD, STATE_WORDS, BLOCK_BYTES, and
 *   COMPRESS_HEADER, the hash's compression template)
 *   LANES         lanes per vector (vector size = LANES * sizeof(WORD))
 *   WIDE_NAME     the iterate function's name
 *   WIDE_TARGET   the target attribute (e.g. "avx512f") */
#include "template_names.h"

#define VEC CAT(WIDE_NAME, vec)
#define WIDE_COMPRESS CAT(WIDE_NAME, compress)

typedef WORD VEC __attribute__((vector_size(LANES * sizeof(WORD))));

#define COMPRESS_FN WIDE_COMPRESS
#define COMPRESS_WORD VEC
#define COMPRESS_ATTR static inline __attribute__((always_inline, target(WIDE_TARGET)))
#include COMPRESS_HEADER

/* n (1..LANES) chains; lanes past n repeat chain 0 and their results are dropped. */
__attribute__((target(WIDE_TARGET))) void WIDE_NAME(unsigned n, const FN(hmac_keys) *const *keys,
                                                            WORD *const *u, WORD *const *t, uint32_t count) {
  VEC inner[STATE_WORDS], outer[STATE_WORDS], t_vec[STATE_WORDS], block[16], hash_block[16];
  for (int i = 0; i < STATE_WORDS; i++) {
    for (unsigned l = 0; l < LANES; l++) {
      const unsigned src = l < n ? l : 0;
      inner[i][l] = keys[src]->inner[i];
      outer[i][l] = keys[src]->outer[i];
      block[i][l] = u[src][i];
      t_vec[i][l] = t[src][i];
    }
  }
  /* Padding after one digest that follows the key block: marker, zeros, length in bits. */
  for (int i = STATE_WORDS; i < 16; i++) block[i] = hash_block[i] = (VEC){0};
  block[STATE_WORDS] = hash_block[STATE_WORDS] = (VEC){0} + ((WORD)0x80 << (8 * sizeof(WORD) - 8));
  block[15] = hash_block[15] = (VEC){0} + (WORD)((BLOCK_BYTES + DIGEST_BYTES) * 8);

  while (count--) {
    WIDE_COMPRESS(inner, block, hash_block);
    WIDE_COMPRESS(outer, hash_block, block);
    for (int i = 0; i < STATE_WORDS; i++) t_vec[i] ^= block[i];
  }
  for (unsigned l = 0; l < n; l++) {
    for (int i = 0; i < STATE_WORDS; i++) {
      u[l][i] = block[i][l];
      t[l][i] = t_vec[i][l];
    }
  }
  secure_wipe(inner, sizeof inner);
  secure_wipe(outer, sizeof outer);
  secure_wipe(block, sizeof block);
  secure_wipe(hash_block, sizeof hash_block);
  secure_wipe(t_vec, sizeof t_vec);
}

#undef VEC
#undef WIDE_COMPRESS
#undef COMPRESS_HEADER
#undef LANES
#undef WIDE_NAME
#undef WIDE_TARGET
#include "template_names_end.h"
