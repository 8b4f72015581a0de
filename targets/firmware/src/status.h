/*
 * How the firmware's programs (main.c, device.c) report a failed call: one line naming the call
 * and its status, and the trap when it trapped. CHECK and EXPECT end the calling function with
 * that status; the first failure ends a run with a non-zero exit.
 */
#ifndef STATUS_H
#define STATUS_H

#include <stdint.h>

/* Prints "myco: <what> failed: <status>" and returns the status (-1 when it was not negative). */
int32_t status_failed(const char* what, int32_t status);

#define CHECK(call)                                          \
  do {                                                       \
    int32_t status_ = (call);                                \
    if (status_ < 0) return status_failed(#call, status_);   \
  } while (0)

#define EXPECT(condition)                                              \
  do {                                                                 \
    if (!(condition)) return status_failed("expected " #condition, -1); \
  } while (0)

#endif
