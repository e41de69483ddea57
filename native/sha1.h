/* SHA-1: sizes, constants and the scalar compression function (from sha1_compress.h). */
#ifndef FASTPBKDF2_SHA1_H
#define FASTPBKDF2_SHA1_H

#include "common.h"

#define SHA1_BLOCK_BYTES 64
#define SHA1_DIGEST_BYTES 20
#define SHA1_STATE_WORDS 5

static const uint32_t SHA1_IV[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

#define COMPRESS_FN sha1_compress
#define COMPRESS_WORD uint32_t
#define COMPRESS_ATTR FP_INLINE
#include "sha1_compress.h"

#endif
