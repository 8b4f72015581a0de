/* The manifest blob: read from its file, loaded into the kernel, and checked against what this host can execute. */
#ifndef BLOB_H
#define BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "run_spec.h"

/* The whole file, malloc'd. */
int32_t blob_read(const char* path, uint8_t** bytes, size_t* length);

/* Stages the blob through the kernel's I/O buffer and loads it (the kernel validates it). */
int32_t blob_load(const uint8_t* bytes, size_t length);

/*
 * Refuses a service whose manifest could make the kernel emit an action this host does not
 * execute (reboot request, config reload, failover), or whose run: asks for a feature it lacks.
 */
int32_t blob_refuse_unsupported(const run_spec_t* spec, int32_t service);

#endif
