/* A whole file into malloc'd memory, for the native tools (snapshot-tool.c, slots-tool.c). */
#include "read-file.h"

#include <stdio.h>
#include <stdlib.h>

uint8_t* read_file(const char* path, size_t* length) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) return NULL;
  uint8_t* bytes = NULL;
  if (fseek(file, 0, SEEK_END) == 0) {
    long size = ftell(file);
    if (size >= 0 && fseek(file, 0, SEEK_SET) == 0 && (bytes = malloc((size_t)size + 1)) != NULL) {
      if (fread(bytes, 1, (size_t)size, file) != (size_t)size) {
        free(bytes);
        bytes = NULL;
      }
      *length = (size_t)size;
    }
  }
  fclose(file);
  return bytes;
}
