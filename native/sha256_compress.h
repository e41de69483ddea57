/* SHA-256's compression function: sha2_compress.h with SHA-256's parameters (FIPS 180-4 4.1.2).
 * Include with COMPRESS_FN, COMPRESS_WORD (uint32_t or a vector of it) and COMPRESS_ATTR set. */
#define SHA2_ROUNDS 64
#define SHA2_K SHA256_K
#define SHA2_S0(x) (ROTR32(x, 2) ^ ROTR32(x, 13) ^ ROTR32(x, 22))
#define SHA2_S1(x) (ROTR32(x, 6) ^ ROTR32(x, 11) ^ ROTR32(x, 25))
#define SHA2_s0(x) (ROTR32(x, 7) ^ ROTR32(x, 18) ^ ((x) >> 3))
#define SHA2_s1(x) (ROTR32(x, 17) ^ ROTR32(x, 19) ^ ((x) >> 10))
#include "sha2_compress.h"
