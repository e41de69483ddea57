/* Small helpers shared by the hash and PBKDF2 code: big-endian word access, rotations, wiping. */
#ifndef FASTPBKDF2_COMMON_H
#define FASTPBKDF2_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(_MSC_VER)
#define FP_INLINE static __forceinline
#else
#define FP_INLINE static inline __attribute__((always_inline))
#endif

/* Asks the compiler to unroll a fixed-count loop fully: the round functions are only fast when every
 * round's constants and rotations are immediates. */
#if defined(__clang__)
#define FP_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define FP_UNROLL _Pragma("GCC unroll 80")
#else
#define FP_UNROLL
#endif

/* Rotations as expressions, so the compression templates work on plain words and on GCC vectors of
 * words alike; compilers turn them into rotate instructions. n is a constant in 1..width-1. */
#define ROTR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define ROTL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define ROTR64(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

FP_INLINE uint32_t load_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

FP_INLINE uint64_t load_be64(const uint8_t *p) {
  return ((uint64_t)load_be32(p) << 32) | (uint64_t)load_be32(p + 4);
}

FP_INLINE void store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

FP_INLINE void store_be64(uint8_t *p, uint64_t v) {
  store_be32(p, (uint32_t)(v >> 32));
  store_be32(p + 4, (uint32_t)v);
}

/* Zeroes memory that held key material. Calling memset through a volatile pointer keeps the
 * compiler from proving the store dead and removing it. */
static void *(*const volatile fp_memset)(void *, int, size_t) = memset;
static inline void secure_wipe(void *p, size_t n) {
  if (n) fp_memset(p, 0, n);
}

#endif
