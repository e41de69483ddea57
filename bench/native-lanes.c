/* Measures, per CPU path and digest, one chain alone against two chains side by side (the multi-lane
 * loop), straight on the C core. Build and run: bash bench/native-lanes.sh */
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

/* Best of `rounds` runs of n iterations on one chain (lanes = 1) or two (lanes = 2); M iterations/s in total. */
static double rate(const fp_backend *backend, fp_digest digest, int lanes, uint32_t n, int rounds) {
  fp_hmac_keys keys[2];
  fp_chain chains[2];
  double best = 1e30;
  fp_hmac_keys_init(digest, &keys[0], (const uint8_t *)"password-a", 10);
  fp_hmac_keys_init(digest, &keys[1], (const uint8_t *)"password-b", 10);
  for (int r = 0; r < rounds; r++) {
    fp_chain_start(&chains[0], digest, &keys[0], (const uint8_t *)"salt", 4, 1, n + 1);
    fp_chain_start(&chains[1], digest, &keys[1], (const uint8_t *)"salt", 4, 1, n + 1);
    double t0 = now_ms();
    fp_chains_advance(backend, &chains[0], lanes == 2 ? &chains[1] : NULL, n);
    double ms = now_ms() - t0;
    if (ms < best) best = ms;
  }
  return lanes * (double)n / best / 1e3;
}

int main(int argc, char **argv) {
  const char *names[] = {"sha1", "sha256", "sha512"};
  const uint32_t iterations[] = {400000, 300000, 100000};
  int rounds = argc > 1 ? atoi(argv[1]) : 5;
  printf("%-12s %-7s %12s %16s %8s\n", "path", "digest", "1 chain", "2 chains (sum)", "gain");
  for (const fp_backend *const *b = fp_backends(); *b; b++) {
    if (!(*b)->available()) continue;
    for (int d = 0; d < 3; d++) {
      double one = rate(*b, (fp_digest)d, 1, iterations[d], rounds);
      double two = rate(*b, (fp_digest)d, 2, iterations[d], rounds);
      printf("%-12s %-7s %8.2f M/s %12.2f M/s %7.2fx\n", (*b)->name, names[d], one, two, two / one);
    }
  }
  return 0;
}
