/* Which CPU-specific backends this compiler and target can build. Each backend's source file is
 * compiled on every platform and is empty where its macro is not defined. */
#ifndef FASTPBKDF2_BACKENDS_H
#define FASTPBKDF2_BACKENDS_H

#if (defined(__x86_64__) || defined(_M_X64)) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5) || (defined(_MSC_VER) && _MSC_VER >= 1900))
#define FP_HAVE_X86_SHANI 1
/* cpu_x86.c: the CPU has SHA, SSSE3 and SSE4.1 (checked once, cached). */
int fp_cpu_x86_has_shani(void);
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define FP_HAVE_ARM_SHA 1
#endif

#endif
