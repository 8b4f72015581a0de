/*
 * The conformance program built into the image (generated into build/gen/conformance_program.c
 * by tools/gen-scenario.ts from targets/conformance: the all-layer scenario). A test links the
 * same objects with another program file to show every host's hash follows the program.
 */
#ifndef PROGRAM_H
#define PROGRAM_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t CONFORMANCE_PROGRAM[];
extern const size_t CONFORMANCE_PROGRAM_BYTES;

#endif
