/* Windows only (the release build, tools/prebuild-all.mjs): the napi_* functions are bound at load
 * time from the process's own executable, GetProcAddress(GetModuleHandle(NULL), name), instead of an
 * import library. An import library names the DLL (node.exe), so the addon would fail to load in a
 * renamed or embedding host; the running executable always exports N-API, whatever its file name.
 *
 * Each napi_* symbol the addon calls is a one-instruction stub jumping through a pointer filled in
 * by the constructor below. NAPI_NAMES (napi_names.h, generated from node-api-headers' symbol list
 * for NAPI_VERSION) is an X-macro list of every N-API function. A name the host lacks jumps to a
 * function returning napi_generic_failure, so the addon reports an error rather than crashing. */
#include <windows.h>

#include "napi_names.h"

static int fp_napi_missing(void) { return 9; /* napi_generic_failure */ }

#define FP_STUB(name)                                                 \
  void *fp_ptr_##name = (void *)fp_napi_missing;                      \
  __asm__(".text\n.globl " #name "\n.p2align 4\n" #name ":\n"         \
          "  jmp *fp_ptr_" #name "(%rip)\n");
NAPI_NAMES(FP_STUB)

#define FP_BIND(name)                                                 \
  {                                                                   \
    FARPROC p = GetProcAddress(host, #name);                          \
    if (p) fp_ptr_##name = (void *)p;                                 \
  }

__attribute__((constructor)) static void fp_bind_napi(void) {
  HMODULE host = GetModuleHandleW(NULL);
  NAPI_NAMES(FP_BIND)
}
