/* fastpbkdf2's C interface: PBKDF2-HMAC-SHA1/SHA256/SHA512 with a choice of CPU backend. */
#ifndef FASTPBKDF2_PBKDF2_H
#define FASTPBKDF2_PBKDF2_H

#include "digests.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FP_SHA1 = 0, FP_SHA256 = 1, FP_SHA512 = 2, FP_DIGEST_COUNT = 3 } fp_digest;

/* The most chains any loop takes at once (AVX-512: 16 lanes of 32-bit words). */
#define FP_MAX_LANES 16

typedef struct {
  unsigned lanes;      /* chains per wide loop; 0: none */
  unsigned min_chains; /* fewest chains for which it beats the one- and two-chain loops (measured) */
} fp_wide_use;

/* One way of running the inner loop, per digest: for one chain, two side by side, and many in SIMD
 * lanes. A NULL entry means the backend has no such loop: the portable one (or several runs of
 * the narrower loops) is used instead. */
typedef struct {
  const char *name;
  int (*available)(void);
  sha1_iterate_fn sha1;
  sha256_iterate_fn sha256;
  sha512_iterate_fn sha512;
  sha1_iterate2_fn sha1_x2;
  sha256_iterate2_fn sha256_x2;
  sha512_iterate2_fn sha512_x2;
  sha1_iterate_wide_fn sha1_wide;
  sha256_iterate_wide_fn sha256_wide;
  sha512_iterate_wide_fn sha512_wide;
  fp_wide_use wide[FP_DIGEST_COUNT];
  /* A narrower wide loop (e.g. AVX-512 on 256-bit vectors: fewer lanes, more work per lane) for
   * groups too small to fill the wide one. */
  sha1_iterate_wide_fn sha1_half;
  sha256_iterate_wide_fn sha256_half;
  sha512_iterate_wide_fn sha512_half;
  fp_wide_use half[FP_DIGEST_COUNT];
  /* Up to four chains interleaved in one loop (SHA-NI: the SHA unit works on one while another
   * waits on its results), for groups between the two-chain and the wide loops. */
  sha256_iterate_wide_fn sha256_x4;
  fp_wide_use x4[FP_DIGEST_COUNT];
} fp_backend;

typedef union {
  sha1_hmac_keys sha1;
  sha256_hmac_keys sha256;
  sha512_hmac_keys sha512;
} fp_hmac_keys;

/* One output block of PBKDF2 (RFC 8018's F): T = U_1 ^ ... ^ U_c, advanced in steps. */
typedef struct {
  const fp_hmac_keys *keys;
  fp_digest digest;
  uint32_t remaining; /* iterations still to run */
  union {
    uint32_t w32[8];
    uint64_t w64[8];
  } u, t;
} fp_chain;

/* Digest size in bytes. */
size_t fp_digest_bytes(fp_digest digest);

/* The HMAC midstates for password `pw`. Wipe `keys` when done with them. */
void fp_hmac_keys_init(fp_digest digest, fp_hmac_keys *keys, const uint8_t *pw, size_t pwlen);

/* Starts block `block_index` (1-based): computes U_1 from the salt. iterations must be >= 1. */
void fp_chain_start(fp_chain *chain, fp_digest digest, const fp_hmac_keys *keys, const uint8_t *salt, size_t saltlen,
                    uint32_t block_index, uint32_t iterations);

/* The most chains of this digest worth advancing together: the lanes of the widest loop that pays
 * (min_chains <= lanes), at least 2. The pool gives each thread's step no more, so that with many
 * calls each runs at the best rate and finishes as early as it can. */
unsigned fp_chains_max(const fp_backend *backend, fp_digest digest);

/* Advances n chains of one digest (1 <= n <= fp_chains_max) by the same number of iterations, at
 * most `max_iterations`: stops when that many ran or any of them finished. Takes them in turn with
 * the widest loop whose min_chains the rest reaches: wide, half, four-chain, two-chain, one-chain. */
void fp_chains_advance(const fp_backend *backend, fp_chain *const *chains, unsigned n, uint32_t max_iterations);

/* The first n bytes (n <= digest size) of a finished chain's T, big-endian as the standard says. */
void fp_chain_output(const fp_chain *chain, uint8_t *out, size_t n);

/* Derives `outlen` bytes into `out`, two blocks at a time. iterations must be >= 1. Never
 * allocates; wipes its key material. */
void fp_pbkdf2(const fp_backend *backend, fp_digest digest, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
               size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen);

/* Backends in order of preference, ending with the portable one (always available). */
const fp_backend *const *fp_backends(void);
/* The first available backend in preference order. */
const fp_backend *fp_backend_best(void);
/* The backend with this name if it exists and this CPU can run it, else NULL. */
const fp_backend *fp_backend_find(const char *name);

#ifdef __cplusplus
}
#endif

#endif
