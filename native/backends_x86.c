/* The x86-64 backends: which loop each CPU class runs for each digest, and from how many chains
 * each multi-chain loop pays (min_chains). The numbers come from bench/native-lanes.sh on the
 * project's Xeon (M iterations/s per core): SHA-256 runs 13.4 on one SHA-NI chain, 18.8 on two,
 * 27.5 on 8 AVX-512 lanes of 256 bits ("half") and 38 on 16 lanes of 512 bits ("wide"); SHA-1
 * 15 / 17.8 / 59 / 85; SHA-512 2.95 (BMI2 C) / 10.8 on 4 lanes / 14.9 on 8. A loop's call costs the
 * same however many of its lanes are busy, so e.g. 9 SHA-256 chains run fastest as half + one,
 * 11 as wide. AMD's figures are with its tables below. Listed best first in pbkdf2.c. */
#include "backends.h"

#if defined(FP_HAVE_X86_SHANI)

#include "pbkdf2.h"

static int has_shani_avx512(void) { return fp_cpu_x86_has(FP_CPU_X86_SHANI | FP_CPU_X86_BMI2 | FP_CPU_X86_AVX512); }
static int has_shani_avx2(void) { return fp_cpu_x86_has(FP_CPU_X86_SHANI | FP_CPU_X86_BMI2 | FP_CPU_X86_AVX2); }
static int amd(void) { return fp_cpu_x86_has(FP_CPU_X86_AMD); }
static int has_shani_avx512_amd(void) { return has_shani_avx512() && amd(); }
static int has_shani_avx512_intel(void) { return has_shani_avx512() && !amd(); }
static int has_shani_avx2_amd(void) { return has_shani_avx2() && amd(); }
static int has_shani_avx2_intel(void) { return has_shani_avx2() && !amd(); }
static int has_avx512(void) { return fp_cpu_x86_has(FP_CPU_X86_BMI2 | FP_CPU_X86_AVX512); }
static int has_avx2(void) { return fp_cpu_x86_has(FP_CPU_X86_BMI2 | FP_CPU_X86_AVX2); }
static int has_shani(void) { return fp_cpu_x86_has(FP_CPU_X86_SHANI); }

#if defined(FP_HAVE_X86_WIDE)
#define WIDE_AVX512                                                                                                \
  .sha1_wide = fp_sha1_iterate_avx512, .sha256_wide = fp_sha256_iterate_avx512, .sha512_wide = fp_sha512_iterate_avx512, \
  .sha1_half = fp_sha1_iterate_avx512y, .sha256_half = fp_sha256_iterate_avx512y, .sha512_half = fp_sha512_iterate_avx512y
#define WIDE_AVX2 \
  .sha1_wide = fp_sha1_iterate_avx2, .sha256_wide = fp_sha256_iterate_avx2, .sha512_wide = fp_sha512_iterate_avx2
/* AMD Zen 4: SHA-512's widest loop adds a ninth chain on the scalar ALUs to the 8 AVX-512 lanes. */
#define WIDE_AVX512_AMD                                                                                           \
  .sha1_wide = fp_sha1_iterate_avx512, .sha256_wide = fp_sha256_iterate_avx512, .sha512_wide = fp_sha512_iterate_hybrid, \
  .sha1_half = fp_sha1_iterate_avx512y, .sha256_half = fp_sha256_iterate_avx512y, .sha512_half = fp_sha512_iterate_avx512y
#define SHA512_WIDE_AMD 9
#else
#define WIDE_AVX512 .sha1_wide = NULL
#define WIDE_AVX512_AMD .sha1_wide = NULL
#define WIDE_AVX2 .sha1_wide = NULL
#define SHA512_WIDE_AMD 8
#endif

/* One chain without SHA-NI (and SHA-512 always): the vector-schedule loops (pbkdf2_x86_vsched.c)
 * where the compiler has them, else the C loops compiled for BMI2. */
#if defined(FP_HAVE_X86_VSCHED)
#define SHA512_AVX512 fp_sha512_iterate_vsched512
#define SHA512_AVX2 fp_sha512_iterate_vsched2
#define SHA256_AVX512 fp_sha256_iterate_vsched512
#define SHA256_AVX2 fp_sha256_iterate_vsched2
#define SHA1_AVX512 fp_sha1_iterate_vsched512
#define SHA1_AVX2 fp_sha1_iterate_vsched2
#else
#define SHA512_AVX512 sha512_iterate_bmi2
#define SHA512_AVX2 sha512_iterate_bmi2
#define SHA256_AVX512 sha256_iterate_bmi2
#define SHA256_AVX2 sha256_iterate_bmi2
#define SHA1_AVX512 sha1_iterate_bmi2
#define SHA1_AVX2 sha1_iterate_bmi2
#endif

/* The SHA-NI paths come as two tables with the same name, one per CPU family (only one of them is
 * available on a given CPU): the loops are the same, the chain counts from which each multi-chain
 * loop pays differ. Every loop gives the same bytes, so the choice only moves speed. */
#define SHANI_LOOPS                                                                                        \
  .sha1 = fp_sha1_iterate_shani, .sha256 = fp_sha256_iterate_shani, .sha1_x2 = fp_sha1_iterate2_shani, \
  .sha256_x2 = fp_sha256_iterate2_shani

/* Intel Ice Lake / Sapphire Rapids servers. Four interleaved SHA-NI chains are not measured on
 * Intel yet, so they are not used there. */
const fp_backend fp_backend_shani_avx512 = {
    .name = "shani-avx512",
    .available = has_shani_avx512_intel,
    SHANI_LOOPS,
    .sha512 = SHA512_AVX512,
    WIDE_AVX512,
    .wide = {[FP_SHA1] = {16, 9}, [FP_SHA256] = {16, 11}, [FP_SHA512] = {8, 5}},
    .half = {[FP_SHA1] = {8, 3}, [FP_SHA256] = {8, 5}, [FP_SHA512] = {4, 2}},
};

/* AMD Zen 4+ (M iterations/s on one core, bench/native-lanes.sh, gcc 12 build): SHA-256 13.9 one
 * chain, 26.8 two, 34.4 four interleaved (34.8 built with zig's clang 19, 26.6 with clang 14), 26.8
 * on 8 AVX-512 lanes and 28.8 on 16: four SHA-NI chains at a time beat the lanes at every count (so
 * the lanes are never used and a thread takes four chains a step). SHA-1: 14.9 / 27.0 / 48.5 / 62.5, so the
 * lanes pay from 5 and 11 chains. SHA-512: 3.29 one chain, 9.06 / 11.4 on 4 / 8 lanes, 12.5 on 8
 * lanes plus a scalar chain (9 chains; fp_sha512_iterate_hybrid runs 5-8 on the lanes alone). */
const fp_backend fp_backend_shani_avx512_amd = {
    .name = "shani-avx512",
    .available = has_shani_avx512_amd,
    SHANI_LOOPS,
    .sha256_x4 = fp_sha256_iterate4_shani512,
    .sha512 = SHA512_AVX512,
    WIDE_AVX512_AMD,
    .x4 = {[FP_SHA256] = {4, 3}},
    .wide = {[FP_SHA1] = {16, 11}, [FP_SHA256] = {16, 17}, [FP_SHA512] = {SHA512_WIDE_AMD, 5}},
    .half = {[FP_SHA1] = {8, 5}, [FP_SHA256] = {8, 17}, [FP_SHA512] = {4, 2}},
};

/* Intel Alder Lake and later clients. 8 AVX2 lanes of SHA-1 or SHA-256 never beat two SHA-NI
 * chains (14.5 vs 18.9 M/s for SHA-256). */
const fp_backend fp_backend_shani_avx2 = {
    .name = "shani-avx2",
    .available = has_shani_avx2_intel,
    SHANI_LOOPS,
    .sha512 = SHA512_AVX2,
    WIDE_AVX2,
    .wide = {[FP_SHA1] = {0, 0}, [FP_SHA256] = {0, 0}, [FP_SHA512] = {4, 3}},
};

/* AMD Zen 1-3 (measured on Zen 4 with this path forced: four SHA-256 chains 31.0 M/s, two 25.0). */
const fp_backend fp_backend_shani_avx2_amd = {
    .name = "shani-avx2",
    .available = has_shani_avx2_amd,
    SHANI_LOOPS,
    .sha256_x4 = fp_sha256_iterate4_shani,
    .sha512 = SHA512_AVX2,
    WIDE_AVX2,
    .x4 = {[FP_SHA256] = {4, 3}},
    .wide = {[FP_SHA1] = {0, 0}, [FP_SHA256] = {0, 0}, [FP_SHA512] = {4, 3}},
};

/* Intel Skylake-SP / Cascade Lake servers: no SHA-NI. */
const fp_backend fp_backend_avx512 = {
    .name = "avx512",
    .available = has_avx512,
    .sha1 = SHA1_AVX512,
    .sha256 = SHA256_AVX512,
    .sha512 = SHA512_AVX512,
    WIDE_AVX512,
    .wide = {[FP_SHA1] = {16, 9}, [FP_SHA256] = {16, 9}, [FP_SHA512] = {8, 5}},
    .half = {[FP_SHA1] = {8, 2}, [FP_SHA256] = {8, 2}, [FP_SHA512] = {4, 2}},
};

/* Intel Haswell to Comet Lake: no SHA-NI, no AVX-512. */
const fp_backend fp_backend_avx2 = {
    .name = "avx2",
    .available = has_avx2,
    .sha1 = SHA1_AVX2,
    .sha256 = SHA256_AVX2,
    .sha512 = SHA512_AVX2,
    WIDE_AVX2,
    .wide = {[FP_SHA1] = {8, 3}, [FP_SHA256] = {8, 3}, [FP_SHA512] = {4, 3}},
};

/* Intel Goldmont / Tremont Atoms: SHA-NI without AVX2 or BMI2. */
const fp_backend fp_backend_shani = {
    .name = "shani",
    .available = has_shani,
    .sha1 = fp_sha1_iterate_shani,
    .sha256 = fp_sha256_iterate_shani,
    .sha1_x2 = fp_sha1_iterate2_shani,
    .sha256_x2 = fp_sha256_iterate2_shani,
};

#else
typedef int fp_backends_x86_unused; /* ISO C forbids an empty translation unit */
#endif
