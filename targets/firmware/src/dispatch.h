/*
 * Every kernel export by number (generated from the ABI into build/gen/myco_dispatch.c by
 * tools/gen-dispatch.ts): what lets the conformance replay call any export a program names
 * without code per export. Arguments and results travel as 64-bit slots (program.ts: i32
 * sign-extended, i64 as is, f64 by its bits).
 */
#ifndef DISPATCH_H
#define DISPATCH_H

#include <stdint.h>

typedef struct {
  const char* name;
  const char* signature; /* the program's letters: parameters, '>', result */
} myco_export_t;

extern const myco_export_t MYCO_EXPORTS[];
extern const uint32_t MYCO_EXPORT_COUNT;

/*
 * Calls export `index` of MYCO_EXPORTS inside the trap guard. Returns MYCO_OK (the result slot
 * in *result), MYCO_E_TRAPPED, MYCO_E_NOT_RUNNING, or MYCO_E_INVALID_ARGUMENT for an index past
 * the table.
 */
int32_t myco_call_export(uint32_t index, const int64_t* args, int64_t* result);

/* Copies `length` bytes to the start of the kernel's I/O buffer; MYCO_E_IO_LENGTH when they do not fit. */
int32_t myco_io_write(const uint8_t* bytes, uint32_t length);

#endif
