/*
 * memhog - a checkpoint/restore test workload for Stasis CI.
 *
 * Allocates MIB MiB, fills every page (incompressible xorshift data, or text-like data that compresses well),
 * remembers a checksum of the whole buffer and then loops forever:
 *   every 100 ms   write "<iteration> ok|BAD <MiB>\n" to STATUSFILE (atomically: write STATUSFILE.tmp, rename)
 *   every 10th     re-checksum the whole buffer; a mismatch turns "ok" into "BAD" for good
 * so a restore that loses or corrupts memory is visible from outside the process.
 * Once the memory is filled it writes "<MiB> MiB touched, sum <hex>" to the ready file:
 *   STATUSFILE.ready when STATUSFILE was given, else /tmp/ready.
 *
 * usage: memhog [MIB=256] [MODE=0] [STATUSFILE=/tmp/c]    MODE 0 = random, 1 = text-like
 * SIGTERM/SIGINT exit at once (status 0), so `podman stop` / `docker stop` do not wait for the kill timeout.
 *
 * Built statically by ci/provision.sh (gcc -O2 -static) and shipped in the CI images at /usr/local/bin/memhog.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* order-dependent checksum over 64-bit words */
static uint64_t checksum(const uint64_t *words, size_t count) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < count; i++) h = (h ^ words[i]) * 1099511628211ULL + (h >> 29);
  return h;
}

static void fill_random(uint64_t *words, size_t count) {
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (size_t i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    words[i] = x;
  }
}

static void fill_text(char *bytes, size_t size) {
  size_t off = 0;
  unsigned long line = 0;
  char tmp[96];
  while (off < size) {
    int len = snprintf(tmp, sizeof tmp, "memhog line %010lu: the quick brown fox checkpoints the lazy dog\n", line++);
    size_t n = (size_t)len;
    if (n > size - off) n = size - off;
    memcpy(bytes + off, tmp, n);
    off += n;
  }
}

static int write_file_atomic(const char *path, const char *tmp_path, const char *text) {
  FILE *f = fopen(tmp_path, "w");
  if (!f) return -1;
  int bad = fputs(text, f) < 0;
  bad |= fclose(f) != 0;
  if (bad) return -1;
  return rename(tmp_path, path);
}

int main(int argc, char **argv) {
  if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    fprintf(stderr, "usage: %s [MiB=256] [mode 0=random|1=text] [statusfile=/tmp/c]\n", argv[0]);
    return 2;
  }
  char *end = NULL;
  size_t mib = 256;
  if (argc > 1) {
    mib = strtoul(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0') {
      fprintf(stderr, "memhog: bad MiB '%s'\n", argv[1]);
      return 2;
    }
  }
  int mode = argc > 2 ? atoi(argv[2]) : 0;
  const char *status_path = argc > 3 ? argv[3] : "/tmp/c";
  size_t plen = strlen(status_path) + 8;
  char *tmp_path = malloc(plen), *ready_path = malloc(plen);
  if (!tmp_path || !ready_path) return 1;
  snprintf(tmp_path, plen, "%s.tmp", status_path);
  if (argc > 3)
    snprintf(ready_path, plen, "%s.ready", status_path);
  else
    snprintf(ready_path, plen, "/tmp/ready");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  size_t size = mib << 20, count = size / sizeof(uint64_t);
  uint64_t *buf = count ? malloc(size) : NULL;
  if (count && !buf) {
    perror("memhog: malloc");
    return 1;
  }
  if (mode == 0)
    fill_random(buf, count);
  else
    fill_text((char *)buf, size);
  const uint64_t expected = checksum(buf, count);

  char line[128];
  snprintf(line, sizeof line, "%zu MiB touched, sum %016llx\n", mib, (unsigned long long)expected);
  if (write_file_atomic(ready_path, tmp_path, line) != 0) perror("memhog: ready file");

  int ok = 1;
  const struct timespec tick = {0, 100 * 1000 * 1000};
  for (unsigned long it = 1; !stop_requested; it++) {
    if (it % 10 == 0 && ok) ok = checksum(buf, count) == expected;
    snprintf(line, sizeof line, "%lu %s %zu\n", it, ok ? "ok" : "BAD", mib);
    write_file_atomic(status_path, tmp_path, line);
    nanosleep(&tick, NULL);
  }
  return 0;
}
