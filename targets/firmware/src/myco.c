/*
 * The kernel's lifecycle in a firmware image: instantiate, guard every call against traps,
 * restart after one. The HAL imports of the module are answered here from the myco_hal_t the
 * firmware passed to myco_init.
 */
#include <string.h>

#include "myco_internal.h"
#include "wasm-rt-static.h"

Z_kernel_instance_t myco_slots[MYCO_SLOTS];
Z_kernel_instance_t* myco_active = &myco_slots[0];

struct Z_hal_instance_t {
  const myco_hal_t* hal;
};

static struct Z_hal_instance_t hal_instance;
static bool module_initialized;
typedef struct {
  bool instantiated; /* memory and table are allocated (even if the instance then trapped) */
  bool running;      /* instantiated and not trapped */
  uint8_t* io;
  uint32_t io_capacity;
} slot_t;
static slot_t slots[MYCO_SLOTS];
static uint32_t active;
#define instantiated (slots[active].instantiated)
#define running (slots[active].running)
#define io (slots[active].io)
#define io_capacity (slots[active].io_capacity)
static myco_trap_t last_trap;
#if WASM_RT_USE_STACK_DEPTH_COUNT
static uint32_t saved_stack_depth;
#endif

/* ---- the trap guard ------------------------------------------------------------------------ */

bool myco_guard_enter(void) {
  return running;
}

void myco_guard_arm(jmp_buf* target) {
#if WASM_RT_USE_STACK_DEPTH_COUNT
  saved_stack_depth = wasm_rt_call_stack_depth;
#endif
  wasm_rt_set_unwind_target(target);
}

void myco_guard_end(void) {
  wasm_rt_set_unwind_target(NULL);
}

int32_t myco_guard_trapped(void) {
#if WASM_RT_USE_STACK_DEPTH_COUNT
  wasm_rt_call_stack_depth = saved_stack_depth;
#endif
  wasm_rt_set_unwind_target(NULL);
  running = false;
  last_trap.kind = (int)myco_rt_last_trap();
  last_trap.kind_name = wasm_rt_strerror(myco_rt_last_trap());
  return MYCO_E_TRAPPED;
}

/* ---- HAL imports ---------------------------------------------------------------------------- */

u64 Z_halZ_now_ms(struct Z_hal_instance_t* instance) {
  return instance->hal->now_ms(instance->hal->context);
}

u32 Z_halZ_random_u32(struct Z_hal_instance_t* instance) {
  return instance->hal->random_u32(instance->hal->context);
}

u32 Z_halZ_sleep_ms(struct Z_hal_instance_t* instance, u32 ms) {
  return instance->hal->sleep_ms(instance->hal->context, ms);
}

/* An AssemblyScript string (UTF-16, byte length at ptr - 4) as ASCII, bounds-checked. */
static void copy_string(char* out, uint32_t ptr) {
  const wasm_rt_memory_t* memory = &myco_kernel.w2c_memory;
  out[0] = '\0';
  if (ptr < 4 || (uint64_t)ptr > memory->size) return;
  uint32_t bytes;
  memcpy(&bytes, memory->data + ptr - 4, sizeof bytes);
  if ((uint64_t)ptr + bytes > memory->size) return;
  uint32_t units = bytes / 2;
  if (units > MYCO_TRAP_TEXT_BYTES - 1) units = MYCO_TRAP_TEXT_BYTES - 1;
  for (uint32_t i = 0; i < units; i++) {
    uint16_t unit;
    memcpy(&unit, memory->data + ptr + 2 * i, sizeof unit);
    out[i] = unit >= 0x20 && unit < 0x7f ? (char)unit : '?';
  }
  out[units] = '\0';
}

/* The kernel reports why it is about to trap; the trap itself follows (`unreachable`). */
void Z_halZ_abort(struct Z_hal_instance_t* instance, u32 message, u32 file, u32 line, u32 column) {
  (void)instance;
  copy_string(last_trap.message, message);
  copy_string(last_trap.file, file);
  last_trap.line = line;
  last_trap.column = column;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

static int32_t instantiate(void) {
  jmp_buf target;
  if (!wasm_rt_is_initialized()) wasm_rt_init();
  memset(&myco_kernel, 0, sizeof myco_kernel);
  memset(&last_trap, 0, sizeof last_trap); /* a fresh instance has no trap (and no stale abort text) */
  last_trap.kind_name = "none";
  switch (setjmp(target)) {
    case 0: break;
    default: return myco_guard_trapped();
  }
  myco_guard_arm(&target);
  if (!module_initialized) {
    Z_kernel_init_module();
    module_initialized = true;
  }
  instantiated = true;
  Z_kernel_instantiate(&myco_kernel, &hal_instance); /* runs the module's start function */
  uint32_t io_offset = Z_kernelZ_ioBuffer(&myco_kernel);
  io_capacity = Z_kernelZ_ioCapacity(&myco_kernel);
  myco_guard_end();
  if ((uint64_t)io_offset + io_capacity > myco_kernel.w2c_memory.size) return MYCO_E_IO_LENGTH;
  io = myco_kernel.w2c_memory.data + io_offset;
  running = true;
  return MYCO_OK;
}

static void discard(void) {
  running = false;
  if (instantiated) Z_kernel_free(&myco_kernel);
  instantiated = false;
  io = NULL;
  io_capacity = 0;
}

void myco_slot_select(uint32_t k) {
  active = k < MYCO_SLOTS ? k : 0;
  myco_active = &myco_slots[active];
}

uint32_t myco_slot_active(void) {
  return active;
}

int32_t myco_slot_instantiate(void) {
  if (hal_instance.hal == NULL) return MYCO_E_NOT_RUNNING;
  discard();
  return instantiate();
}

void myco_slot_discard(void) {
  discard();
}

int32_t myco_init(const myco_hal_t* hal) {
  if (hal == NULL || hal->now_ms == NULL || hal->random_u32 == NULL || hal->sleep_ms == NULL) return MYCO_E_INVALID_ARGUMENT;
  if (instantiated) return MYCO_E_INVALID_ARGUMENT; /* myco_shutdown first */
  hal_instance.hal = hal;
  return instantiate();
}

int32_t myco_restart(void) {
  if (hal_instance.hal == NULL) return MYCO_E_NOT_RUNNING;
  discard();
  return instantiate();
}

void myco_shutdown(void) {
  discard();
  hal_instance.hal = NULL;
}

bool myco_running(void) {
  return running;
}

const myco_trap_t* myco_last_trap(void) {
  return &last_trap;
}

const uint8_t* myco_io(void) {
  return io;
}

uint8_t* myco_io_mut(void) {
  return io;
}

uint32_t myco_io_bytes(void) {
  return io_capacity;
}

uint8_t* myco_memory(uint32_t* size) {
  if (size != NULL) *size = instantiated ? myco_kernel.w2c_memory.size : 0;
  return instantiated ? myco_kernel.w2c_memory.data : NULL;
}
