/*
 * A static wasm-rt for wasm2c output (wabt 1.0.32's wasm-rt.h): no mmap, no signal handlers,
 * no malloc. The module's linear memory and its function table are static arrays sized by the
 * build profile (myco_profile.h, generated from the module); bounds are checked in software
 * (build with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0); a trap longjmps to the unwind target the
 * caller set (myco.c sets one around every call into the kernel) and is never silent: with no
 * target set, it goes to myco_rt_fatal().
 *
 * One module instance exists at a time (firmware embeds one kernel), or MYCO_SLOTS of them in an
 * image built with -DMYCO_SLOTS=2 (src/slots.c: an upgrade restores into the other slot).
 */
#include <stdarg.h>
#include <string.h>

#include "wasm-rt.h"
#include "myco_profile.h"
#include "wasm-rt-static.h"

#define PAGE_BYTES 65536u
#define FUNC_TYPE_VALUES_MAX 16u
#define FUNC_TYPES_MAX 64u

#ifndef MYCO_SLOTS
#define MYCO_SLOTS 1
#endif

/* The linear memory: a fixed size, like the module's (initial = maximum pages), one a slot. */
static uint8_t memory_bytes[MYCO_SLOTS][MYCO_MEMORY_PAGES * PAGE_BYTES] __attribute__((aligned(16)));
static bool memory_in_use[MYCO_SLOTS];

static wasm_rt_funcref_t table_slots[MYCO_SLOTS][MYCO_TABLE_SLOTS];
static bool table_in_use[MYCO_SLOTS];

/* The first free slot of `in_use`, or MYCO_SLOTS. */
static uint32_t free_slot(const bool* in_use) {
  uint32_t k = 0;
  while (k < MYCO_SLOTS && in_use[k]) k++;
  return k;
}

typedef struct {
  uint32_t params;
  uint32_t results;
  uint8_t types[FUNC_TYPE_VALUES_MAX];
} func_type_t;
static func_type_t func_types[FUNC_TYPES_MAX];
static uint32_t func_type_count;

static bool initialized;
static WASM_RT_UNWIND_TARGET* unwind_target;
static wasm_rt_trap_t last_trap;

#if WASM_RT_USE_STACK_DEPTH_COUNT
uint32_t wasm_rt_call_stack_depth;
#endif

void wasm_rt_init(void) {
  initialized = true;
}

bool wasm_rt_is_initialized(void) {
  return initialized;
}

void wasm_rt_free(void) {
  initialized = false;
}

void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET* target) {
  unwind_target = target;
}

WASM_RT_UNWIND_TARGET* wasm_rt_get_unwind_target(void) {
  return unwind_target;
}

void wasm_rt_trap(wasm_rt_trap_t trap) {
  WASM_RT_UNWIND_TARGET* target = unwind_target;
  unwind_target = NULL;
  last_trap = trap;
  if (target == NULL) myco_rt_fatal(trap);
  longjmp(*target, (int)trap);
}

wasm_rt_trap_t myco_rt_last_trap(void) {
  return last_trap;
}

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "none";
    case WASM_RT_TRAP_OOB: return "out-of-bounds";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer-overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "divide-by-zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid-conversion";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable";
    case WASM_RT_TRAP_CALL_INDIRECT: return "call-indirect";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught-exception";
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    case WASM_RT_TRAP_EXHAUSTION: return "stack-exhausted";
#endif
  }
  return "unknown";
}

/*
 * Signatures get small ids; call_indirect compares them. The variadic arguments are enums,
 * which C promotes to int: read them as int (arm-none-eabi's short enums make reading the enum
 * type itself undefined).
 */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  if (params + results > FUNC_TYPE_VALUES_MAX) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  func_type_t wanted = {params, results, {0}};
  va_list args;
  va_start(args, results);
  for (uint32_t i = 0; i < params + results; i++) wanted.types[i] = (uint8_t)va_arg(args, int);
  va_end(args);
  for (uint32_t id = 0; id < func_type_count; id++) {
    if (memcmp(&func_types[id], &wanted, sizeof wanted) == 0) return id + 1;
  }
  if (func_type_count == FUNC_TYPES_MAX) wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  func_types[func_type_count++] = wanted;
  return func_type_count;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint32_t initial_pages, uint32_t max_pages) {
  (void)max_pages;
  uint32_t k = free_slot(memory_in_use);
  if (k == MYCO_SLOTS || initial_pages > MYCO_MEMORY_PAGES) wasm_rt_trap(WASM_RT_TRAP_OOB);
  memory_in_use[k] = true;
  memset(memory_bytes[k], 0, (size_t)initial_pages * PAGE_BYTES);
  memory->data = memory_bytes[k];
  memory->pages = initial_pages;
  memory->max_pages = initial_pages;
  memory->size = initial_pages * PAGE_BYTES;
}

/* The memory is fixed: growing by zero pages reports the size, anything else fails (-1). */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint32_t delta) {
  return delta == 0 ? memory->pages : UINT32_MAX;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) {
  for (uint32_t k = 0; k < MYCO_SLOTS; k++) {
    if (memory->data == memory_bytes[k]) memory_in_use[k] = false;
  }
  memory->data = NULL;
  memory->size = 0;
  memory->pages = 0;
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max_elements) {
  (void)max_elements;
  uint32_t k = free_slot(table_in_use);
  if (k == MYCO_SLOTS || elements > MYCO_TABLE_SLOTS) wasm_rt_trap(WASM_RT_TRAP_OOB);
  table_in_use[k] = true;
  memset(table_slots[k], 0, sizeof table_slots[k]);
  table->data = table_slots[k];
  table->size = elements;
  table->max_size = elements;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) {
  for (uint32_t k = 0; k < MYCO_SLOTS; k++) {
    if (table->data == table_slots[k]) table_in_use[k] = false;
  }
  table->data = NULL;
  table->size = 0;
}

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta, wasm_rt_funcref_t init) {
  (void)init;
  return delta == 0 ? table->size : UINT32_MAX;
}

size_t myco_rt_static_bytes(void) {
  return sizeof memory_bytes + sizeof table_slots + sizeof func_types;
}
