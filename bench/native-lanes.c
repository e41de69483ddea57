/* Measures, per CPU path and digest, the total iteration rate of 1, 2 and "lanes" chains advanced
 * together (one-chain, two-chain and wide SIMD loops) straight on the C core. From these come the
 * min_chains thresholds in native/backends_x86.c. Build and run: bash bench/native-lanes.sh */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pbkdf2.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Best of `rounds` runs of n iterations on `count` chains; M iterations/s in total. */
static double rate(const fp_backend *backend, fp_digest digest, unsigned count, uint32_t n, int rounds) {
  fp_hmac_keys keys[FP_MAX_LANES];
  fp_chain chains[FP_MAX_LANES];
  fp_chain *group[FP_MAX_LANES];
  double best = 1e30;
  for (unsigned i = 0; i < count; i++) {
    uint8_t pw[2] = {'p', (uint8_t)i};
    fp_hmac_keys_init(digest, &keys[i], pw, sizeof pw);
    group[i] = &chains[i];
  }
  for (int r = 0; r < rounds; r++) {
    for (unsigned i = 0; i < count; i++) fp_chain_start(&chains[i], digest, &keys[i], (const uint8_t *)"salt", 4, 1, n + 1);
    double t0 = now_ms();
    fp_chains_advance(backend, group, count, n);
    double ms = now_ms() - t0;
    if (ms < best) best = ms;
  }
  return count * (double)n / best / 1e3;
}

int main(int argc, char **argv) {
  const char *names[] = {"sha1", "sha256", "sha512"};
  const uint32_t iterations[] = {200000, 150000, 50000};
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  printf("M iterations/s in total (per chain in brackets) with N chains advanced together\n");
  printf("%-13s %-7s %10s %10s %22s\n", "path", "digest", "N=1", "N=2", "N=lanes (wide loop)");
  for (const fp_backend *const *b = fp_backends(); *b; b++) {
    if (!(*b)->available()) continue;
    for (int d = 0; d < 3; d++) {
      unsigned lanes = (*b)->wide[d].lanes;
      double one = rate(*b, (fp_digest)d, 1, iterations[d], rounds);
      double two = rate(*b, (fp_digest)d, 2, iterations[d], rounds);
      printf("%-13s %-7s %10.2f %10.2f", (*b)->name, names[d], one, two);
      if (lanes > 2) {
        double wide = rate(*b, (fp_digest)d, lanes, iterations[d] / 4, rounds);
        printf("   %2u: %6.2f (%5.2f)", lanes, wide, wide / lanes);
      }
      printf("\n");
    }
  }
  return 0;
}
