#include "thread_priority.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#elif defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
#endif

namespace fastpbkdf2 {

bool LowerThisThreadPriority(ThreadPriority priority) {
  if (priority == ThreadPriority::kNormal) return false;
#if defined(__linux__)
  if (priority == ThreadPriority::kBelowNormal) {
    // On Linux the nice value belongs to each thread, and PRIO_PROCESS with a thread id sets it.
    const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);  // -1 is a valid nice value: errno tells
    if (errno != 0) return false;
    return setpriority(PRIO_PROCESS, tid, std::min(19, nice + 5)) == 0;
  }
#if defined(SCHED_IDLE)
  sched_param param{};  // SCHED_IDLE takes priority 0
  return pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0;
#else
  return false;
#endif
#elif defined(_WIN32)
  const int level = priority == ThreadPriority::kLow ? THREAD_PRIORITY_LOWEST : THREAD_PRIORITY_BELOW_NORMAL;
  return SetThreadPriority(GetCurrentThread(), level) != 0;
#else
  return false;
#endif
}

}  // namespace fastpbkdf2
