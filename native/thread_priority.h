// The hashing threads' optional low priority: they then run only on CPU time that no other thread
// wants, so the event loop (health checks, refusals, answers) never waits behind a hash.
#ifndef FASTPBKDF2_THREAD_PRIORITY_H
#define FASTPBKDF2_THREAD_PRIORITY_H

namespace fastpbkdf2 {

// Lowers the calling thread's priority for good. Linux: SCHED_IDLE (a thread of any other policy
// that becomes runnable preempts it at once; lowering needs no privilege). Windows:
// THREAD_PRIORITY_LOWEST. False where the system refuses it or has no such priority (macOS: its
// lower QoS classes may move the thread to efficiency cores, so it is left alone).
bool LowerThisThreadPriority();

}  // namespace fastpbkdf2

#endif
