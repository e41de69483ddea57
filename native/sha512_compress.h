/* SHA-512's compression function: sha2_compress.h with SHA-512's parameters (FIPS 180-4 4.1.3).
 * Include with COMPRESS_FN, COMPRESS_WORD (uint64_t or a vector of it) and COMPRESS_ATTR set. */
#define SHA2_ROUNDS 80
#define SHA2_K SHA512_K
#define SHA2_S0(x) (ROTR64(x, 28) ^ ROTR64(x, 34) ^ ROTR64(x, 39))
#define SHA2_S1(x) (ROTR64(x, 14) ^ ROTR64(x, 18) ^ ROTR64(x, 41))
#define SHA2_s0(x) (ROTR64(x, 1) ^ ROTR64(x, 8) ^ ((x) >> 7))
#define SHA2_s1(x) (ROTR64(x, 19) ^ ROTR64(x, 61) ^ ((x) >> 6))
#include "sha2_compress.h"
