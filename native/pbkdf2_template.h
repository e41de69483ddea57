/* PBKDF2-HMAC (RFC 8018 section 5.2 over RFC 2104 HMAC) for one hash function. Included once per
 * digest by pbkdf2.c after params_<digest>.h, which sets:
 *   HASH_IV     the initial hash value
 *   HASH        name prefix: sha1, sha256 or sha512 (selects HASH_compress, HASH_hmac_keys, ...)
 *   WORD        uint32_t or uint64_t
 *   STATE_WORDS words of chaining state (5, 8, 8); the digest is exactly these words
 *   BLOCK_BYTES message block size (64, 64, 128)
 *   LOAD_WORD / STORE_WORD  big-endian word access
 * It provides the per-digest pieces that pbkdf2.c's chain functions dispatch to. The fast design:
 * the key is hashed with ipad and opad once, giving two midstates; every iteration is then exactly
 * two compressions over blocks whose padding was written once. */

#include "template_names.h"

#define ITERATE_SUFFIX iterate_portable
#define ITERATE_TARGET
#include "iterate_template.h"

#define HMAC_KEYS FN(hmac_keys)

/* A streaming hash, used only outside the iteration loop (long keys, the salt block). */
typedef struct {
  WORD h[STATE_WORDS];
  uint8_t buf[BLOCK_BYTES];
  size_t buffered;
  uint64_t total_bytes;
} FN(stream);

static void FN(compress_bytes)(WORD h[STATE_WORDS], const uint8_t *block) {
  WORD m[16];
  for (int i = 0; i < 16; i++) m[i] = LOAD_WORD(block + i * WORD_BYTES);
  FN(compress)(h, m, h);
  secure_wipe(m, sizeof m);
}

static void FN(stream_update)(FN(stream) *s, const uint8_t *p, size_t n) {
  s->total_bytes += n;
  if (s->buffered) {
    size_t take = BLOCK_BYTES - s->buffered < n ? BLOCK_BYTES - s->buffered : n;
    memcpy(s->buf + s->buffered, p, take);
    s->buffered += take;
    p += take;
    n -= take;
    if (s->buffered < BLOCK_BYTES) return;
    FN(compress_bytes)(s->h, s->buf);
    s->buffered = 0;
  }
  for (; n >= BLOCK_BYTES; p += BLOCK_BYTES, n -= BLOCK_BYTES) FN(compress_bytes)(s->h, p);
  if (n) memcpy(s->buf, p, n);
  s->buffered = n;
}

/* Pads (0x80, zeros, big-endian bit length in the last 8 bytes; SHA-512's 16-byte length field has
 * its upper half zero for any input that fits in memory) and leaves the digest words in s->h. */
static void FN(stream_finish)(FN(stream) *s) {
  uint64_t bits = s->total_bytes * 8;
  s->buf[s->buffered++] = 0x80;
  if (s->buffered > BLOCK_BYTES - 2 * WORD_BYTES) {
    memset(s->buf + s->buffered, 0, BLOCK_BYTES - s->buffered);
    FN(compress_bytes)(s->h, s->buf);
    s->buffered = 0;
  }
  memset(s->buf + s->buffered, 0, BLOCK_BYTES - 8 - s->buffered);
  store_be64(s->buf + BLOCK_BYTES - 8, bits);
  FN(compress_bytes)(s->h, s->buf);
}

static void FN(derive_hmac_keys)(HMAC_KEYS *keys, const uint8_t *pw, size_t pwlen) {
  uint8_t key_block[BLOCK_BYTES] = {0};
  WORD m[16];
  if (pwlen > BLOCK_BYTES) { /* RFC 2104: keys longer than a block are hashed first */
    FN(stream) s = {{0}, {0}, 0, 0};
    memcpy(s.h, HASH_IV, sizeof s.h);
    FN(stream_update)(&s, pw, pwlen);
    FN(stream_finish)(&s);
    for (int i = 0; i < STATE_WORDS; i++) STORE_WORD(key_block + i * WORD_BYTES, s.h[i]);
    secure_wipe(&s, sizeof s);
  } else if (pwlen) {
    memcpy(key_block, pw, pwlen);
  }
  const WORD ipad = (WORD)0x3636363636363636ULL, opad = (WORD)0x5c5c5c5c5c5c5c5cULL;
  for (int i = 0; i < 16; i++) m[i] = LOAD_WORD(key_block + i * WORD_BYTES) ^ ipad;
  FN(compress)(HASH_IV, m, keys->inner);
  for (int i = 0; i < 16; i++) m[i] ^= ipad ^ opad;
  FN(compress)(HASH_IV, m, keys->outer);
  secure_wipe(key_block, sizeof key_block);
  secure_wipe(m, sizeof m);
}

/* U_1 = HMAC(P, S || INT(block_index)). */
static void FN(first_u)(const HMAC_KEYS *keys, const uint8_t *salt, size_t saltlen, uint32_t block_index,
                        WORD u[STATE_WORDS]) {
  FN(stream) s = {{0}, {0}, 0, BLOCK_BYTES};
  uint8_t index_be[4];
  WORD outer_block[16];
  memcpy(s.h, keys->inner, sizeof s.h);
  store_be32(index_be, block_index);
  FN(stream_update)(&s, salt, saltlen);
  FN(stream_update)(&s, index_be, sizeof index_be);
  FN(stream_finish)(&s);
  memcpy(outer_block, s.h, sizeof s.h);
  FN(pad_digest_block)(outer_block);
  FN(compress)(keys->outer, outer_block, u);
  secure_wipe(&s, sizeof s);
  secure_wipe(outer_block, sizeof outer_block);
}

#undef HMAC_KEYS
#include "template_names_end.h"
