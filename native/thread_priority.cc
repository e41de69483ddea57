#include "thread_priority.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#elif defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
#endif

namespace fastpbkdf2 {

bool LowerThisThreadPriority() {
#if defined(__linux__) && defined(SCHED_IDLE)
  sched_param param{};  // SCHED_IDLE takes priority 0
  return pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0;
#elif defined(_WIN32)
  return SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_LOWEST) != 0;
#else
  return false;
#endif
}

}  // namespace fastpbkdf2
