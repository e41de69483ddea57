/* Instantiates the PBKDF2 driver for each digest and routes a call to the chosen backend. */
#include "pbkdf2.h"

#include "backends.h"

#include <string.h>

#include "sha1.h"
#include "sha256.h"
#include "sha512.h"

#include "params_sha1.h"
#include "pbkdf2_template.h"

#include "params_sha256.h"
#include "pbkdf2_template.h"

#include "params_sha512.h"
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
extern const fp_backend fp_backend_shani_avx512, fp_backend_shani_avx512_amd, fp_backend_shani_avx2,
    fp_backend_shani_avx2_amd, fp_backend_avx512, fp_backend_avx2, fp_backend_shani;
#endif
#if defined(FP_HAVE_ARM_SHA)
extern const fp_backend fp_backend_armv8_sha512, fp_backend_armv8;
#endif

static const fp_backend *const backends[] = {
#if defined(FP_HAVE_X86_SHANI)
    &fp_backend_shani_avx512, /* the Intel and AMD tables of a path: never both available */
    &fp_backend_shani_avx512_amd,
    &fp_backend_shani_avx2,
    &fp_backend_shani_avx2_amd,
    &fp_backend_avx512,
    &fp_backend_avx2,
    &fp_backend_shani,
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

/* A loop whose min_chains is above its lanes never pays, so it does not count: more chains than
 * the widest loop that does would only share the same rate, each finishing later. */
static unsigned lanes_if_used(fp_wide_use use) { return use.min_chains <= use.lanes ? use.lanes : 0; }

unsigned fp_chains_max(const fp_backend *backend, fp_digest digest) {
  unsigned most = 2;
  if (lanes_if_used(backend->wide[digest]) > most) most = backend->wide[digest].lanes;
  if (lanes_if_used(backend->half[digest]) > most) most = backend->half[digest].lanes;
  if (lanes_if_used(backend->x4[digest]) > most) most = backend->x4[digest].lanes;
  return most;
}

static int use_wide(fp_wide_use use, int have_loop, unsigned rest) {
  return have_loop && use.lanes >= 2 && rest >= 2 && rest >= use.min_chains;
}

/* The four-chain loops that exist (SHA-256 only). */
#define X4_LOOP(HASH) X4_LOOP_##HASH
#define X4_LOOP_sha1 ((sha1_iterate_wide_fn)NULL)
#define X4_LOOP_sha256 backend->sha256_x4
#define X4_LOOP_sha512 ((sha512_iterate_wide_fn)NULL)

/* Runs n iterations on `count` chains of one digest, each group with the widest loop that pays. */
#define ADVANCE(HASH, WORD, MEMBER)                                                                               \
  do {                                                                                                           \
    const HASH##_hmac_keys *keys[FP_MAX_LANES];                                                                  \
    WORD *u[FP_MAX_LANES], *t[FP_MAX_LANES];                                                                     \
    for (unsigned i = 0; i < count; i++) {                                                                       \
      keys[i] = &chains[i]->keys->HASH;                                                                          \
      u[i] = chains[i]->u.MEMBER;                                                                                \
      t[i] = chains[i]->t.MEMBER;                                                                                \
    }                                                                                                            \
    const fp_wide_use wide = backend->wide[chains[0]->digest], half = backend->half[chains[0]->digest];          \
    HASH##_iterate_fn one = backend->HASH ? backend->HASH : HASH##_iterate_portable;                            \
    for (unsigned i = 0, rest = count, take; i < count; i += take, rest -= take) {                               \
      if (use_wide(wide, backend->HASH##_wide != NULL, rest)) {                                                  \
        take = rest < wide.lanes ? rest : wide.lanes;                                                            \
        backend->HASH##_wide(take, keys + i, u + i, t + i, n);                                                   \
      } else if (use_wide(half, backend->HASH##_half != NULL, rest)) {                                           \
        take = rest < half.lanes ? rest : half.lanes;                                                            \
        backend->HASH##_half(take, keys + i, u + i, t + i, n);                                                   \
      } else if (X4_LOOP(HASH) != NULL && use_wide(backend->x4[chains[0]->digest], 1, rest)) {                   \
        take = rest < 4 ? rest : 4;                                                                              \
        X4_LOOP(HASH)(take, keys + i, u + i, t + i, n);                                                          \
      } else if (backend->HASH##_x2 && rest >= 2) {                                                              \
        take = 2;                                                                                                \
        backend->HASH##_x2(keys[i], u[i], t[i], keys[i + 1], u[i + 1], t[i + 1], n);                             \
      } else {                                                                                                   \
        take = 1;                                                                                                \
        one(keys[i], u[i], t[i], n);                                                                             \
      }                                                                                                          \
    }                                                                                                            \
  } while (0)

void fp_chains_advance(const fp_backend *backend, fp_chain *const *chains, unsigned count, uint32_t max_iterations) {
  uint32_t n = max_iterations;
  if (count == 0) return;
  if (count > FP_MAX_LANES) count = FP_MAX_LANES;
  for (unsigned i = 0; i < count; i++)
    if (chains[i]->remaining < n) n = chains[i]->remaining;
  if (n == 0) return;
  switch (chains[0]->digest) {
    case FP_SHA1: ADVANCE(sha1, uint32_t, w32); break;
    case FP_SHA256: ADVANCE(sha256, uint32_t, w32); break;
    default: ADVANCE(sha512, uint64_t, w64); break;
  }
  for (unsigned i = 0; i < count; i++) chains[i]->remaining -= n;
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
  const unsigned group = fp_chains_max(backend, digest);
  fp_hmac_keys keys;
  fp_chain chains[FP_MAX_LANES];
  fp_chain *group_chains[FP_MAX_LANES];
  fp_hmac_keys_init(digest, &keys, pw, pwlen);
  /* Output blocks are independent chains: run as many together as the backend's loops take. */
  for (uint32_t block_index = 1; outlen > 0;) {
    unsigned n = 0;
    for (size_t left = outlen; n < group && left > 0; n++, left -= left < block_bytes ? left : block_bytes) {
      fp_chain_start(&chains[n], digest, &keys, salt, saltlen, block_index + n, iterations);
      group_chains[n] = &chains[n];
    }
    while (chains[0].remaining) fp_chains_advance(backend, group_chains, n, UINT32_MAX);
    for (unsigned i = 0; i < n; i++) {
      size_t take = outlen < block_bytes ? outlen : block_bytes;
      fp_chain_output(&chains[i], out, take);
      out += take;
      outlen -= take;
    }
    block_index += n;
  }
  secure_wipe(&keys, sizeof keys);
  secure_wipe(chains, sizeof chains);
}
