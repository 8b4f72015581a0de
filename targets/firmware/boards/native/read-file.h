/* A whole file into malloc'd memory, for the native tools (snapshot-tool.c, slots-tool.c). */
#ifndef MYCO_READ_FILE_H
#define MYCO_READ_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The file's bytes (free them) and their count in *length; NULL when it cannot be read. */
uint8_t* read_file(const char* path, size_t* length);

#endif
