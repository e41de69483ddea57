/* Instantiates the PBKDF2 driver for each digest and routes a call to the chosen backend. */
#include "pbkdf2.h"

#include "backends.h"

#include <string.h>

#include "sha1.h"
#include "sha256.h"
#include "sha512.h"

#define HASH sha1
#define HASH_IV SHA1_IV
#define WORD uint32_t
#define STATE_WORDS 5
#define BLOCK_BYTES 64
#define LOAD_WORD load_be32
#define STORE_WORD store_be32
#include "pbkdf2_template.h"

#define HASH sha256
#define HASH_IV SHA256_IV
#define WORD uint32_t
#define STATE_WORDS 8
#define BLOCK_BYTES 64
#define LOAD_WORD load_be32
#define STORE_WORD store_be32
#include "pbkdf2_template.h"

#define HASH sha512
#define HASH_IV SHA512_IV
#define WORD uint64_t
#define STATE_WORDS 8
#define BLOCK_BYTES 128
#define LOAD_WORD load_be64
#define STORE_WORD store_be64
#include "pbkdf2_template.h"

static int always_available(void) { return 1; }

/* No two-chain loops: two scalar chains side by side measured no faster than one after the other
 * (bench/native-lanes.sh), the scalar rounds already keep the execution units busy. */
static const fp_backend portable_backend = {
    .name = "portable",
    .available = always_available,
    .sha1 = sha1_iterate_portable,
    .sha256 = sha256_iterate_portable,
    .sha512 = sha512_iterate_portable,
};

#if defined(FP_HAVE_X86_SHANI)
extern const fp_backend fp_backend_shani_bmi2, fp_backend_shani, fp_backend_bmi2;
#endif
#if defined(FP_HAVE_ARM_SHA)
extern const fp_backend fp_backend_armv8_sha512, fp_backend_armv8;
#endif

static const fp_backend *const backends[] = {
#if defined(FP_HAVE_X86_SHANI)
    &fp_backend_shani_bmi2,
    &fp_backend_shani,
    &fp_backend_bmi2,
#endif
#if defined(FP_HAVE_ARM_SHA)
    &fp_backend_armv8_sha512,
    &fp_backend_armv8,
#endif
    &portable_backend,
    NULL,
};

const fp_backend *const *fp_backends(void) { return backends; }

const fp_backend *fp_backend_best(void) {
  for (const fp_backend *const *b = backends; *b; b++)
    if ((*b)->available()) return *b;
  return &portable_backend;
}

const fp_backend *fp_backend_find(const char *name) {
  for (const fp_backend *const *b = backends; *b; b++)
    if (strcmp((*b)->name, name) == 0 && (*b)->available()) return *b;
  return NULL;
}

size_t fp_digest_bytes(fp_digest digest) {
  switch (digest) {
    case FP_SHA1: return 20;
    case FP_SHA256: return 32;
    default: return 64;
  }
}

void fp_hmac_keys_init(fp_digest digest, fp_hmac_keys *keys, const uint8_t *pw, size_t pwlen) {
  switch (digest) {
    case FP_SHA1: sha1_derive_hmac_keys(&keys->sha1, pw, pwlen); break;
    case FP_SHA256: sha256_derive_hmac_keys(&keys->sha256, pw, pwlen); break;
    default: sha512_derive_hmac_keys(&keys->sha512, pw, pwlen); break;
  }
}

void fp_chain_start(fp_chain *chain, fp_digest digest, const fp_hmac_keys *keys, const uint8_t *salt, size_t saltlen,
                    uint32_t block_index, uint32_t iterations) {
  memset(chain, 0, sizeof *chain);
  chain->keys = keys;
  chain->digest = digest;
  chain->remaining = iterations > 0 ? iterations - 1 : 0; /* U_1 is computed here */
  switch (digest) {
    case FP_SHA1: sha1_first_u(&keys->sha1, salt, saltlen, block_index, chain->u.w32); break;
    case FP_SHA256: sha256_first_u(&keys->sha256, salt, saltlen, block_index, chain->u.w32); break;
    default: sha512_first_u(&keys->sha512, salt, saltlen, block_index, chain->u.w64); break;
  }
  chain->t = chain->u;
}

/* Runs n iterations of one chain, or of two side by side when the backend has such a loop. */
#define ADVANCE(HASH, W, a, b, n)                                                                                   \
  do {                                                                                                             \
    HASH##_iterate_fn one = backend->HASH ? backend->HASH : HASH##_iterate_portable;                              \
    if (b && backend->HASH##_x2)                                                                                   \
      backend->HASH##_x2(&a->keys->HASH, a->u.W, a->t.W, &b->keys->HASH, b->u.W, b->t.W, n);                        \
    else {                                                                                                         \
      one(&a->keys->HASH, a->u.W, a->t.W, n);                                                                      \
      if (b) one(&b->keys->HASH, b->u.W, b->t.W, n);                                                               \
    }                                                                                                              \
  } while (0)

void fp_chains_advance(const fp_backend *backend, fp_chain *a, fp_chain *b, uint32_t max_iterations) {
  uint32_t n = a->remaining < max_iterations ? a->remaining : max_iterations;
  if (b && b->remaining < n) n = b->remaining;
  if (n == 0) return;
  switch (a->digest) {
    case FP_SHA1: ADVANCE(sha1, w32, a, b, n); break;
    case FP_SHA256: ADVANCE(sha256, w32, a, b, n); break;
    default: ADVANCE(sha512, w64, a, b, n); break;
  }
  a->remaining -= n;
  if (b) b->remaining -= n;
}

void fp_chain_output(const fp_chain *chain, uint8_t *out, size_t n) {
  uint8_t bytes[64];
  size_t words = chain->digest == FP_SHA1 ? 5 : 8;
  for (size_t i = 0; i < words; i++) {
    if (chain->digest == FP_SHA512)
      store_be64(bytes + 8 * i, chain->t.w64[i]);
    else
      store_be32(bytes + 4 * i, chain->t.w32[i]);
  }
  memcpy(out, bytes, n);
  secure_wipe(bytes, sizeof bytes);
}

void fp_pbkdf2(const fp_backend *backend, fp_digest digest, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
               size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen) {
  const size_t block_bytes = fp_digest_bytes(digest);
  fp_hmac_keys keys;
  fp_chain pair[2];
  fp_hmac_keys_init(digest, &keys, pw, pwlen);
  /* Output blocks are independent chains: run them two at a time. */
  for (uint32_t block_index = 1; outlen > 0; block_index += 2) {
    size_t take0 = outlen < block_bytes ? outlen : block_bytes;
    size_t take1 = outlen - take0 < block_bytes ? outlen - take0 : block_bytes;
    fp_chain_start(&pair[0], digest, &keys, salt, saltlen, block_index, iterations);
    if (take1) fp_chain_start(&pair[1], digest, &keys, salt, saltlen, block_index + 1, iterations);
    while (pair[0].remaining) fp_chains_advance(backend, &pair[0], take1 ? &pair[1] : NULL, UINT32_MAX);
    fp_chain_output(&pair[0], out, take0);
    if (take1) fp_chain_output(&pair[1], out + take0, take1);
    out += take0 + take1;
    outlen -= take0 + take1;
  }
  secure_wipe(&keys, sizeof keys);
  secure_wipe(pair, sizeof pair);
}
