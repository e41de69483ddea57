/* Known-answer harness for the native core: runs every case of a vectors file (see gen-vectors.mjs)
 * through fp_pbkdf2 with every backend this CPU can run, and compares with node:crypto's answers.
 * Generic: it only goes through the fp_backend list, so it serves every architecture; build with
 *   cc -O2 -Inative test/native/harness.c native/pbkdf2.c native/cpu_x86.c native/pbkdf2_<backend>.c ...
 * (every backend file can be given: each is empty off its target architecture)
 * Usage: harness [vectors.txt]   (default test/native/vectors.txt)
 * Last line: "N passed, M failed"; exit status 1 on any failure or if nothing ran. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pbkdf2.h" /* -I native */

/* Backends that a backend file defines but pbkdf2.c's list may not (yet) hold: tested as well. */
#if defined(__aarch64__) || defined(_M_ARM64)
extern const fp_backend fp_backend_armv8_sha512;
extern const fp_backend fp_backend_armv8;
static const fp_backend *const extra_backends[] = {&fp_backend_armv8_sha512, &fp_backend_armv8, NULL};
#else
static const fp_backend *const extra_backends[] = {NULL};
#endif

typedef struct {
  int line;
  fp_digest digest;
  uint8_t *pw, *salt, *dk;
  size_t pwlen, saltlen, dklen;
  uint32_t iterations;
} test_case;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes a hex field ("-" = empty) into a fresh buffer; returns 0 on malformed input. */
static int unhex(const char *s, uint8_t **out, size_t *outlen) {
  size_t n = strlen(s);
  if (strcmp(s, "-") == 0) n = 0;
  if (n % 2) return 0;
  *out = malloc(n / 2 + 1); /* +1: never malloc(0) */
  if (!*out) return 0;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    (*out)[i] = (uint8_t)(hi << 4 | lo);
  }
  *outlen = n / 2;
  return 1;
}

static test_case *load(const char *path, size_t *count) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    return NULL;
  }
  size_t cap = 256, n = 0;
  test_case *cases = malloc(cap * sizeof *cases);
  static char line[1 << 16];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\r') continue;
    char dg[16], pw[2048], salt[2048], dk[2048];
    unsigned long iters, keylen;
    if (sscanf(line, "%15s %2047s %2047s %lu %lu %2047s", dg, pw, salt, &iters, &keylen, dk) != 6) {
      fprintf(stderr, "%s:%d: malformed line\n", path, lineno);
      exit(2);
    }
    if (n == cap) cases = realloc(cases, (cap *= 2) * sizeof *cases);
    test_case *c = &cases[n++];
    c->line = lineno;
    if (strcmp(dg, "sha1") == 0) c->digest = FP_SHA1;
    else if (strcmp(dg, "sha256") == 0) c->digest = FP_SHA256;
    else if (strcmp(dg, "sha512") == 0) c->digest = FP_SHA512;
    else {
      fprintf(stderr, "%s:%d: unknown digest %s\n", path, lineno, dg);
      exit(2);
    }
    c->iterations = (uint32_t)iters;
    if (!unhex(pw, &c->pw, &c->pwlen) || !unhex(salt, &c->salt, &c->saltlen) || !unhex(dk, &c->dk, &c->dklen) ||
        c->dklen != keylen || iters == 0) {
      fprintf(stderr, "%s:%d: bad field\n", path, lineno);
      exit(2);
    }
  }
  fclose(f);
  *count = n;
  return cases;
}

static double now_ms(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static const char *digest_name(fp_digest d) { return d == FP_SHA1 ? "sha1" : d == FP_SHA256 ? "sha256" : "sha512"; }

/* Runs all cases with one backend; returns the number of failures. */
static size_t run_backend(const fp_backend *b, const test_case *cases, size_t n, size_t *passed) {
  size_t fails = 0;
  double ms[FP_DIGEST_COUNT] = {0};
  unsigned long long iters[FP_DIGEST_COUNT] = {0};
  uint8_t *out = malloc(4096);
  for (size_t i = 0; i < n; i++) {
    const test_case *c = &cases[i];
    memset(out, 0xa5, 4096);
    double t0 = now_ms();
    fp_pbkdf2(b, c->digest, c->pw, c->pwlen, c->salt, c->saltlen, c->iterations, out, c->dklen);
    ms[c->digest] += now_ms() - t0;
    iters[c->digest] += (unsigned long long)c->iterations * (c->dklen ? c->dklen : 1);
    int ok = memcmp(out, c->dk, c->dklen) == 0 && out[c->dklen] == 0xa5; /* right bytes, nothing past the end */
    if (ok) {
      (*passed)++;
    } else {
      if (fails < 10)
        fprintf(stderr, "FAIL backend=%s line %d: %s pwlen=%zu saltlen=%zu iterations=%u keylen=%zu\n", b->name, c->line,
                digest_name(c->digest), c->pwlen, c->saltlen, (unsigned)c->iterations, c->dklen);
      fails++;
    }
  }
  free(out);
  printf("backend %-14s %zu/%zu ok   time sha1 %.0f ms, sha256 %.0f ms, sha512 %.0f ms\n", b->name, n - fails, n,
         ms[FP_SHA1], ms[FP_SHA256], ms[FP_SHA512]);
  (void)iters;
  return fails;
}

/* Every multi-chain loop at every chain count it takes: n chains advanced together (in steps, with
 * different iteration counts, so the group shrinks as chains finish, as in the pool) must end where
 * each ends alone on the portable loop. Returns the number of failures. */
static size_t check_groups(const fp_backend *b) {
  const fp_backend *ref = fp_backend_find("portable");
  size_t fails = 0;
  for (int d = 0; d < FP_DIGEST_COUNT; d++) {
    const fp_digest digest = (fp_digest)d;
    const unsigned most = fp_chains_max(b, digest);
    for (unsigned n = 1; n <= most; n++) {
      fp_hmac_keys keys[FP_MAX_LANES];
      fp_chain got[FP_MAX_LANES], want[FP_MAX_LANES];
      fp_chain *group[FP_MAX_LANES];
      for (unsigned i = 0; i < n; i++) {
        const uint8_t pw[3] = {'k', (uint8_t)i, (uint8_t)n};
        fp_hmac_keys_init(digest, &keys[i], pw, sizeof pw);
        fp_chain_start(&got[i], digest, &keys[i], (const uint8_t *)"salt", 4, i + 1, 700 + 37 * i);
        want[i] = got[i];
      }
      for (;;) {
        unsigned count = 0;
        for (unsigned i = 0; i < n; i++)
          if (got[i].remaining) group[count++] = &got[i];
        if (!count) break;
        fp_chains_advance(b, group, count, 300);
      }
      for (unsigned i = 0; i < n; i++) {
        fp_chain *one = &want[i];
        while (want[i].remaining) fp_chains_advance(ref, &one, 1, UINT32_MAX);
        uint8_t x[64], y[64];
        fp_chain_output(&got[i], x, fp_digest_bytes(digest));
        fp_chain_output(&want[i], y, fp_digest_bytes(digest));
        if (memcmp(x, y, fp_digest_bytes(digest)) != 0) {
          if (fails < 10)
            fprintf(stderr, "FAIL backend=%s %s: chain %u of a group of %u\n", b->name, digest_name(digest), i, n);
          fails++;
        }
      }
    }
  }
  printf("backend %-14s groups of every size up to the widest loop: %s\n", b->name, fails ? "FAILED" : "ok");
  return fails;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "test/native/vectors.txt";
  size_t n = 0;
  test_case *cases = load(path, &n);
  if (!cases) return 2;

  const fp_backend *list[64];
  size_t nb = 0;
  for (const fp_backend *const *b = fp_backends(); *b && nb < 60; b++) list[nb++] = *b;
  for (const fp_backend *const *e = extra_backends; *e; e++) {
    int seen = 0;
    for (size_t i = 0; i < nb; i++) seen |= list[i] == *e;
    if (!seen) list[nb++] = *e;
  }

  printf("%zu cases from %s; best backend on this CPU: %s\n", n, path, fp_backend_best()->name);
  size_t passed = 0, failed = 0, ran = 0;
  for (size_t i = 0; i < nb; i++) {
    if (!list[i]->available()) {
      printf("backend %-14s not available on this CPU, skipped\n", list[i]->name);
      continue;
    }
    failed += run_backend(list[i], cases, n, &passed);
    failed += check_groups(list[i]);
    ran++;
  }
  for (size_t i = 0; i < n; i++) {
    free(cases[i].pw);
    free(cases[i].salt);
    free(cases[i].dk);
  }
  free(cases);
  printf("%zu passed, %zu failed\n", passed, failed);
  return failed || !ran || !n ? 1 : 0;
}
