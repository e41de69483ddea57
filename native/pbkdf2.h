/* fastpbkdf2's C interface: PBKDF2-HMAC-SHA1/SHA256/SHA512 with a choice of CPU backend. */
#ifndef FASTPBKDF2_PBKDF2_H
#define FASTPBKDF2_PBKDF2_H

#include "digests.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FP_SHA1 = 0, FP_SHA256 = 1, FP_SHA512 = 2, FP_DIGEST_COUNT = 3 } fp_digest;

/* One way of running the inner loop, per digest. A NULL entry means the backend cannot do that
 * digest and the portable loop is used for it. */
typedef struct {
  const char *name;
  int (*available)(void);
  sha1_iterate_fn sha1;
  sha256_iterate_fn sha256;
  sha512_iterate_fn sha512;
} fp_backend;

/* Derives `outlen` bytes into `out`. iterations must be >= 1. Never allocates. */
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
