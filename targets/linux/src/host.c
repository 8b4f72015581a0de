/* What every part of the Linux host shares (host.h): the monotonic clock since start, the error
 * line on stderr, and the kernel's sentence for an error. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host.h"

static uint64_t started_ns;
static char detail[512];

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

uint64_t host_now_ms(void) {
  return (monotonic_ns() - started_ns) / 1000000ull;
}

int32_t host_log(int32_t status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  fputs("myco-linux: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  return status;
}

const char* host_kernel_detail(int32_t status) {
  int32_t length = myco_error_detail();
  if (length <= 0) length = myco_error_message_of(status);
  if (length <= 0 || myco_io() == NULL) return "no detail";
  size_t n = (size_t)length < sizeof detail - 1 ? (size_t)length : sizeof detail - 1;
  memcpy(detail, myco_io(), n);
  detail[n] = '\0';
  return detail;
}

void host_clock_start(void) {
  started_ns = monotonic_ns();
}
