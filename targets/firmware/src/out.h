/*
 * Line output for the firmware host, over POSIX write(1, ...): a terminal natively, semihosting
 * on the board (newlib's rdimon). No printf: nothing here allocates.
 */
#ifndef OUT_H
#define OUT_H

#include <stdbool.h>
#include <stdint.h>

/* Each returns false when the output failed (the caller stops: output is how results leave). */
bool out_text(const char* text);
bool out_int(int64_t value);
bool out_hex64(uint64_t value);
bool out_end_line(void);

#endif
