/* x86-64 CPU feature detection with CPUID (and XGETBV: the OS must save the AVX registers too),
 * done once: the answer cannot change while we run. */
#include "backends.h"

#if defined(FP_HAVE_X86_SHANI)

#if defined(_MSC_VER) && !defined(__clang__)
#include <immintrin.h>
#include <intrin.h>
static void cpuid(int leaf, int subleaf, unsigned regs[4]) { __cpuidex((int *)regs, leaf, subleaf); }
static unsigned long long xgetbv0(void) { return _xgetbv(0); }
#else
#include <cpuid.h>
static void cpuid(int leaf, int subleaf, unsigned regs[4]) {
  __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
}
static unsigned long long xgetbv0(void) {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}
#endif

#define BIT(reg, n) (((reg) >> (n)) & 1u)

static int detect(void) {
  unsigned r[4];
  cpuid(0, 0, r);
  if (r[0] < 7) return 0;
  /* Vendor string in EBX, EDX, ECX: "AuthenticAMD" (and Hygon's Zen-based "HygonGenuine"). */
  const int amd = (r[1] == 0x68747541u && r[3] == 0x69746e65u && r[2] == 0x444d4163u) ||
                  (r[1] == 0x6f677948u && r[3] == 0x6e65476eu && r[2] == 0x656e6975u);
  cpuid(1, 0, r);
  const unsigned ssse3 = BIT(r[2], 9), sse41 = BIT(r[2], 19), osxsave = BIT(r[2], 27), avx = BIT(r[2], 28);
  cpuid(7, 0, r);
  const unsigned sha = BIT(r[1], 29), bmi1 = BIT(r[1], 3), bmi2 = BIT(r[1], 8), avx2 = BIT(r[1], 5), avx512f = BIT(r[1], 16),
                 avx512vl = BIT(r[1], 31);
  /* XCR0: bits 1-2 = the OS saves XMM/YMM state, bits 5-7 = opmask and ZMM state. */
  const unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
  const int os_avx = (xcr0 & 0x6) == 0x6, os_avx512 = (xcr0 & 0xe6) == 0xe6;
  int features = amd ? FP_CPU_X86_AMD : 0;
  if (ssse3 && sse41 && sha) features |= FP_CPU_X86_SHANI;
  if (bmi1 && bmi2) features |= FP_CPU_X86_BMI2; /* ANDN (BMI1) goes with RORX everywhere */
  if (avx && avx2 && os_avx) features |= FP_CPU_X86_AVX2;
  if (avx && avx2 && avx512f && avx512vl && os_avx512) features |= FP_CPU_X86_AVX512;
  return features;
}

int fp_cpu_x86_has(int mask) {
  /* A benign race: every thread computes the same value. */
  static volatile int cached = -1;
  if (cached < 0) cached = detect();
  return (cached & mask) == mask;
}

#else
typedef int fp_cpu_x86_unused;
#endif
