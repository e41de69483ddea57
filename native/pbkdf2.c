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

static const fp_backend portable_backend = {
    "portable", always_available, sha1_iterate_portable, sha256_iterate_portable, sha512_iterate_portable,
};

#if defined(FP_HAVE_X86_SHANI)
extern const fp_backend fp_backend_shani_bmi2, fp_backend_shani, fp_backend_bmi2;
#endif
#if defined(FP_HAVE_ARM_SHA)
extern const fp_backend fp_backend_armv8;
#endif

static const fp_backend *const backends[] = {
#if defined(FP_HAVE_X86_SHANI)
    &fp_backend_shani_bmi2,
    &fp_backend_shani,
    &fp_backend_bmi2,
#endif
#if defined(FP_HAVE_ARM_SHA)
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

void fp_pbkdf2(const fp_backend *backend, fp_digest digest, const uint8_t *pw, size_t pwlen, const uint8_t *salt,
               size_t saltlen, uint32_t iterations, uint8_t *out, size_t outlen) {
  if (iterations == 0) iterations = 1; /* callers validate; never run 2^32-1 iterations by accident */
  switch (digest) {
    case FP_SHA1:
      sha1_pbkdf2(backend->sha1 ? backend->sha1 : sha1_iterate_portable, pw, pwlen, salt, saltlen, iterations, out,
                  outlen);
      break;
    case FP_SHA256:
      sha256_pbkdf2(backend->sha256 ? backend->sha256 : sha256_iterate_portable, pw, pwlen, salt, saltlen, iterations,
                    out, outlen);
      break;
    case FP_SHA512:
      sha512_pbkdf2(backend->sha512 ? backend->sha512 : sha512_iterate_portable, pw, pwlen, salt, saltlen, iterations,
                    out, outlen);
      break;
    default:
      break;
  }
}
