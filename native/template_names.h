/* Name helpers for the per-digest templates (no include guard: used by each instantiation). */
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(HASH, name)
#define WORD_BYTES ((int)sizeof(WORD))
#define DIGEST_BYTES (STATE_WORDS * WORD_BYTES)
