// The hashing threads' optional lower priority, so that the event loop (health checks, refusals,
// answers) does not wait behind a hash when every core hashes.
#ifndef FASTPBKDF2_THREAD_PRIORITY_H
#define FASTPBKDF2_THREAD_PRIORITY_H

namespace fastpbkdf2 {

enum class ThreadPriority {  // the values are the addon's `priority` argument
  kNormal = 0,
  // Below the event loop but still a share of the CPU next to other busy processes. Linux: nice +5
  // on this thread (weight 335 against 1024: a waking event loop runs first, and next to a busy
  // process at nice 0 the thread still gets about a quarter of a core). Windows:
  // THREAD_PRIORITY_BELOW_NORMAL.
  kBelowNormal = 1,
  // Only CPU time that no other thread wants. Linux: SCHED_IDLE (a thread of any other policy that
  // becomes runnable preempts it at once). Windows: THREAD_PRIORITY_LOWEST.
  kLow = 2,
};

// Lowers the calling thread's priority for good (lowering needs no privilege). False where the
// system refuses it or has no such priority (macOS: its lower QoS classes may move the thread to
// efficiency cores, so it is left alone), and for kNormal.
bool LowerThisThreadPriority(ThreadPriority priority);

}  // namespace fastpbkdf2

#endif
