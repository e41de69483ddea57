/* Measures, per CPU path and digest, each kind of loop on its own, straight on the C core: one
 * chain, two and four chains, and the half and wide SIMD-lane loops with every lane busy. From these come
 * the min_chains thresholds in native/backends_x86.c. Build and run: bash bench/native-lanes.sh */
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

/* The backend with only the chosen loops enabled, so each loop kind is timed on its own. */
static fp_backend only(const fp_backend *b, int keep_wide, int keep_half, int keep_x4) {
  fp_backend copy = *b;
  for (int d = 0; d < FP_DIGEST_COUNT; d++) {
    if (keep_wide) copy.wide[d].min_chains = 2; else copy.wide[d].lanes = 0;
    if (keep_half) copy.half[d].min_chains = 2; else copy.half[d].lanes = 0;
    if (keep_x4) copy.x4[d].min_chains = 2; else copy.x4[d].lanes = 0;
  }
  return copy;
}

int main(int argc, char **argv) {
  const char *names[] = {"sha1", "sha256", "sha512"};
  uint32_t iterations[] = {200000, 150000, 50000};
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  /* On a busy machine, many short runs (e.g. 25 rounds, iterations / 10) find the quiet moments. */
  const uint32_t divisor = argc > 2 && atoi(argv[2]) > 0 ? (uint32_t)atoi(argv[2]) : 1;
  for (int d = 0; d < 3; d++) iterations[d] /= divisor;
  printf("M iterations/s in total, one core, with N chains in one loop (per chain in brackets)\n");
  printf("%-13s %-7s %8s %8s %8s %22s %22s\n", "path", "digest", "1 chain", "2 chains", "4 chains", "half loop (N lanes)",
         "wide loop (N lanes)");
  for (const fp_backend *const *b = fp_backends(); *b; b++) {
    if (!(*b)->available()) continue;
    const fp_backend narrow = only(*b, 0, 0, 0), half = only(*b, 0, 1, 0), wide = only(*b, 1, 0, 0), x4 = only(*b, 0, 0, 1);
    for (int d = 0; d < 3; d++) {
      printf("%-13s %-7s %8.2f %8.2f", (*b)->name, names[d], rate(&narrow, (fp_digest)d, 1, iterations[d], rounds),
             rate(&narrow, (fp_digest)d, 2, iterations[d], rounds));
      if ((*b)->x4[d].lanes == 4)
        printf(" %8.2f", rate(&x4, (fp_digest)d, 4, iterations[d] / 2, rounds));
      else
        printf(" %8s", "");
      const unsigned half_lanes = (*b)->half[d].lanes, wide_lanes = (*b)->wide[d].lanes;
      if (half_lanes > 2) {
        double r = rate(&half, (fp_digest)d, half_lanes, iterations[d] / 4, rounds);
        printf("   %2u: %6.2f (%5.2f)", half_lanes, r, r / half_lanes);
      } else {
        printf("%23s", "");
      }
      if (wide_lanes > 2) {
        double r = rate(&wide, (fp_digest)d, wide_lanes, iterations[d] / 4, rounds);
        printf("   %2u: %6.2f (%5.2f)", wide_lanes, r, r / wide_lanes);
      }
      printf("\n");
    }
  }
  return 0;
}
