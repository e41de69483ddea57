/* The per-digest types that the PBKDF2 driver shares with the CPU-specific inner loops.
 * A backend is one set of `iterate` functions; everything else (keying, first block, output) is
 * common portable code that runs once per output block, not per iteration. */
#ifndef FASTPBKDF2_DIGESTS_H
#define FASTPBKDF2_DIGESTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* HMAC midstates: the hash state after one block of key^ipad (inner) and key^opad (outer). */
typedef struct { uint32_t inner[5], outer[5]; } sha1_hmac_keys;
typedef struct { uint32_t inner[8], outer[8]; } sha256_hmac_keys;
typedef struct { uint64_t inner[8], outer[8]; } sha512_hmac_keys;

/* Runs `count` more PBKDF2 iterations: u = HMAC(P, u); t ^= u. u and t are digest words in native
 * order (u holds U_j on entry and on return). */
typedef void (*sha1_iterate_fn)(const sha1_hmac_keys *keys, uint32_t u[5], uint32_t t[5], uint32_t count);
typedef void (*sha256_iterate_fn)(const sha256_hmac_keys *keys, uint32_t u[8], uint32_t t[8], uint32_t count);
typedef void (*sha512_iterate_fn)(const sha512_hmac_keys *keys, uint64_t u[8], uint64_t t[8], uint32_t count);

/* The same for two independent chains at once (two passwords, or two blocks of one key): their
 * instructions interleave, filling execution units that one dependent chain leaves idle. */
typedef void (*sha1_iterate2_fn)(const sha1_hmac_keys *ka, uint32_t ua[5], uint32_t ta[5], const sha1_hmac_keys *kb,
                                 uint32_t ub[5], uint32_t tb[5], uint32_t count);
typedef void (*sha256_iterate2_fn)(const sha256_hmac_keys *ka, uint32_t ua[8], uint32_t ta[8],
                                   const sha256_hmac_keys *kb, uint32_t ub[8], uint32_t tb[8], uint32_t count);
typedef void (*sha512_iterate2_fn)(const sha512_hmac_keys *ka, uint64_t ua[8], uint64_t ta[8],
                                   const sha512_hmac_keys *kb, uint64_t ub[8], uint64_t tb[8], uint32_t count);

/* n chains at once (1..the loop's lane count), one per SIMD lane. */
typedef void (*sha1_iterate_wide_fn)(unsigned n, const sha1_hmac_keys *const *keys, uint32_t *const *u,
                                     uint32_t *const *t, uint32_t count);
typedef void (*sha256_iterate_wide_fn)(unsigned n, const sha256_hmac_keys *const *keys, uint32_t *const *u,
                                       uint32_t *const *t, uint32_t count);
typedef void (*sha512_iterate_wide_fn)(unsigned n, const sha512_hmac_keys *const *keys, uint64_t *const *u,
                                       uint64_t *const *t, uint32_t count);

#ifdef __cplusplus
}
#endif

#endif
