#include "out.h"

#include <string.h>
#include <unistd.h>

static bool out_bytes(const char* bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(1, bytes, length);
    if (written <= 0) return false;
    bytes += written;
    length -= (size_t)written;
  }
  return true;
}

bool out_text(const char* text) {
  return out_bytes(text, strlen(text));
}

bool out_int(int64_t value) {
  char digits[24];
  size_t at = sizeof digits;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    digits[--at] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0);
  if (value < 0) digits[--at] = '-';
  return out_bytes(digits + at, sizeof digits - at);
}

bool out_hex64(uint64_t value) {
  char digits[16];
  for (int i = 15; i >= 0; i--) {
    digits[i] = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  }
  return out_bytes(digits, sizeof digits);
}

bool out_end_line(void) {
  return out_bytes("\n", 1);
}
