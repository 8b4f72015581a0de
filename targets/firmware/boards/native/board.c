/* The native board: a Linux process. CLOCK_MONOTONIC is the clock; nanosleep is the sleep. */
#define _POSIX_C_SOURCE 199309L
#include "board.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const char* const BOARD_NAME = "native";

static struct timespec boot;

static uint64_t elapsed_ms(const struct timespec* now) {
  int64_t ms = (int64_t)(now->tv_sec - boot.tv_sec) * 1000 + (now->tv_nsec - boot.tv_nsec) / 1000000;
  return ms < 0 ? 0 : (uint64_t)ms;
}

int32_t board_init(void) {
  return clock_gettime(CLOCK_MONOTONIC, &boot) == 0 ? 0 : -1;
}

uint64_t board_now_ms(void) {
  struct timespec now;
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return 0; /* cannot fail for CLOCK_MONOTONIC */
  return elapsed_ms(&now);
}

void board_sleep_ms(uint32_t ms) {
  struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) != 0) {
    /* interrupted by a signal: sleep the rest */
  }
}

uint32_t board_entropy(void) {
  struct timespec now;
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return 1;
  return (uint32_t)now.tv_nsec ^ (uint32_t)now.tv_sec;
}

void board_exit(int status) {
  exit(status);
}

/* Large enough for a recorded simulator seed of a few thousand steps (~1 MiB per 1,000 steps). */
#define PROGRAM_BYTES_MAX (32u * 1024u * 1024u)
static uint8_t program[PROGRAM_BYTES_MAX];

const uint8_t* board_program(int argc, char** argv, size_t* length) {
  *length = 0;
  if (argc < 2) return NULL;
  FILE* file = fopen(argv[1], "rb");
  if (file == NULL) {
    fprintf(stderr, "myco: cannot open program %s\n", argv[1]);
    return NULL;
  }
  size_t read = fread(program, 1, PROGRAM_BYTES_MAX, file);
  bool whole = feof(file) != 0 && ferror(file) == 0;
  fclose(file);
  if (!whole) {
    fprintf(stderr, "myco: program %s is unreadable or larger than %u bytes\n", argv[1], PROGRAM_BYTES_MAX);
    return NULL;
  }
  *length = read;
  return program;
}
