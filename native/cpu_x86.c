/* x86-64 CPU feature detection with CPUID, done once (the answer cannot change while we run). */
#include "backends.h"

#if defined(FP_HAVE_X86_SHANI)

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static void cpuid(int leaf, int subleaf, unsigned regs[4]) { __cpuidex((int *)regs, leaf, subleaf); }
#else
#include <cpuid.h>
static void cpuid(int leaf, int subleaf, unsigned regs[4]) {
  __cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
}
#endif

static int detect(void) {
  unsigned r[4];
  cpuid(0, 0, r);
  if (r[0] < 7) return 0;
  cpuid(1, 0, r);
  int ssse3 = (r[2] >> 9) & 1, sse41 = (r[2] >> 19) & 1;
  cpuid(7, 0, r);
  int sha = (r[1] >> 29) & 1, bmi2 = (r[1] >> 8) & 1;
  return (ssse3 && sse41 && sha ? FP_CPU_X86_SHANI : 0) | (bmi2 ? FP_CPU_X86_BMI2 : 0);
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
