/* Undoes template_names.h and the instantiation parameters after the last template of a digest. */
#undef CAT2
#undef CAT
#undef FN
#undef WORD_BYTES
#undef DIGEST_BYTES
#undef HASH
#undef HASH_IV
#undef WORD
#undef STATE_WORDS
#undef BLOCK_BYTES
#undef LOAD_WORD
#undef STORE_WORD
#undef COMPRESS_HEADER
