/* SHA-512's compression function: sha2_compress.h with SHA-512's parameters (sha512.h).
 * Include with COMPRESS_FN, COMPRESS_WORD (uint64_t or a vector of it) and COMPRESS_ATTR set. */
#define SHA2_ROUNDS 80
#define SHA2_K SHA512_K
#define SHA2_S0 SHA512_S0
#define SHA2_S1 SHA512_S1
#define SHA2_s0 SHA512_s0
#define SHA2_s1 SHA512_s1
#include "sha2_compress.h"
