/* SHA-256's parameters for the per-digest templates (pbkdf2_template.h, iterate_template.h,
 * wide_template.h); template_names_end.h undefines them after each instantiation. */
#define HASH sha256
#define HASH_IV SHA256_IV
#define WORD uint32_t
#define STATE_WORDS 8
#define BLOCK_BYTES 64
#define LOAD_WORD load_be32
#define STORE_WORD store_be32
#define COMPRESS_HEADER "sha256_compress.h"
