/* SHA-512's parameters for the per-digest templates (pbkdf2_template.h, iterate_template.h,
 * wide_template.h); template_names_end.h undefines them after each instantiation. */
#define HASH sha512
#define HASH_IV SHA512_IV
#define WORD uint64_t
#define STATE_WORDS 8
#define BLOCK_BYTES 128
#define LOAD_WORD load_be64
#define STORE_WORD store_be64
#define COMPRESS_HEADER "sha512_compress.h"
