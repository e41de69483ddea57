/* SHA-256's compression function: sha2_compress.h with SHA-256's parameters (sha256.h).
 * Include with COMPRESS_FN, COMPRESS_WORD (uint32_t or a vector of it) and COMPRESS_ATTR set. */
#define SHA2_ROUNDS 64
#define SHA2_K SHA256_K
#define SHA2_S0 SHA256_S0
#define SHA2_S1 SHA256_S1
#define SHA2_s0 SHA256_s0
#define SHA2_s1 SHA256_s1
#include "sha2_compress.h"
