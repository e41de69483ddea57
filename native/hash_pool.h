// A pool of hashing threads, separate from libuv's (which fs, dns and zlib need), that runs PBKDF2
// jobs in short steps and groups waiting chains of the same digest into the backend's two-lane or
// SIMD-lane loops when there are more chains than idle threads. Pure C++: addon.cc connects it to
// JavaScript.
//
// A job's output blocks are started from a cursor, a few at a time, into a small fixed set of chain
// slots (enough to fill every thread's widest loop), and each finished block is written straight
// into the key: a job needs its key plus a constant, however long the key. Hashing threads never
// allocate, so nothing on them can fail.
#ifndef FASTPBKDF2_HASH_POOL_H
#define FASTPBKDF2_HASH_POOL_H

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pbkdf2.h"
#include "secret_buffer.h"
#include "thread_priority.h"

namespace fastpbkdf2 {

struct PoolStats {
  uint64_t queued = 0;     // submitted, no thread has started them
  uint64_t running = 0;    // started, not finished
  uint64_t completed = 0;  // finished and handed to the completion callback
  uint64_t rejected = 0;   // refused because the queue was full
  uint64_t rejected_wait = 0;  // refused because the estimated wait was over max_wait_ms
  uint64_t aborted = 0;    // cancelled before they finished
  uint64_t paired_steps = 0;  // steps that ran several chains together (two-lane or wide loops)
  unsigned lowered_threads = 0;  // threads that run at the lower priority asked for (LowerThisThreadPriority)
  double estimated_wait_ms = 0;  // what a call submitted now would wait (see EstimateWaitMs)
  double rate[FP_DIGEST_COUNT] = {0, 0, 0};  // measured iterations per second, all threads; 0: not yet
};

struct Job;

// One output block being computed: a slot of its job, reused for the job's later blocks.
struct Chain {
  fp_chain state;
  Job *job = nullptr;
  Chain *next = nullptr;  // in the digest's list of chains waiting for a step, or the job's free slots
  uint32_t block = 0;     // 1-based block index
  bool fresh = false;     // reserved for a step, not started yet
};

struct Job {
  // Set by the caller before Submit.
  const fp_backend *backend = nullptr;
  fp_digest digest = FP_SHA256;
  uint32_t iterations = 1;
  SecretBuffer password;  // wiped once the HMAC keys are set up
  SecretBuffer salt;
  SecretBuffer key;       // the derived key, complete when the job is handed back
  uint64_t id = 0;        // the binding's handle for the job's callback
  ~Job();

  // The pool's bookkeeping, under its lock.
  fp_hmac_keys hmac_keys;
  std::unique_ptr<Chain[]> slots;
  size_t slot_count = 0;
  Chain *free_slots = nullptr;
  size_t free_count = 0;
  size_t blocks = 0, next_block = 0, blocks_done = 0;  // next_block: blocks started so far
  bool set_up = false;    // HMAC keys ready; until then one thread owns the job
  bool started = false;   // counted as running rather than queued
  bool in_queue = false;  // in its digest's queue of jobs with blocks to start
  bool cancelled = false; // dropped once no step holds its chains
  bool finished = false;  // handed back through `done`
  size_t in_steps = 0;    // its chains being advanced right now
  double work_left = 0;   // iterations still to run over all its blocks
  Job *next_queued = nullptr;
  Job *prev_owned = nullptr, *next_owned = nullptr;  // every job the pool holds
  // Blocks that could be started now.
  size_t Startable() const { return std::min(blocks - next_block, free_count); }
};

class HashPool {
 public:
  enum class Submitted { kAccepted, kQueueFull, kWaitTooLong, kNoMemory };

  // `done` runs on a pool thread (or in Submit for an empty key) when a job has finished; it takes
  // ownership of the job. Starts `threads` threads, or as many as the system allows if that is at
  // least `min_threads`; otherwise throws what std::thread threw, after joining those started.
  // A call is refused when max_queue calls wait already, or when its estimated wait is over
  // max_wait_ms (infinity: no bound). With a priority below normal the threads try to lower theirs
  // (thread_priority.h); Stats() says how many did.
  HashPool(unsigned threads, unsigned min_threads, size_t max_queue, double max_wait_ms,
           std::function<void(std::unique_ptr<Job>)> done, ThreadPriority priority = ThreadPriority::kNormal);
  ~HashPool();  // stops: threads finish their current step and exit; unfinished jobs are dropped
  HashPool(const HashPool &) = delete;
  HashPool &operator=(const HashPool &) = delete;

  // Queues a job; on refusal the job is destroyed. Never throws.
  Submitted Submit(std::unique_ptr<Job> job);
  // Drops a job that has not been handed back yet: at once if no step holds its chains, else when
  // that step ends. `done` is never called for it. False if it has been handed back already.
  bool Cancel(Job *job);
  PoolStats Stats();
  unsigned threads() const { return static_cast<unsigned>(thread_count_); }

 private:
  // Singly linked FIFO lists threaded through the items themselves: no allocation under the lock.
  template <typename T, T *T::*Next>
  struct List {
    T *head = nullptr, *tail = nullptr;
    void PushBack(T *item) {
      item->*Next = nullptr;
      (tail ? tail->*Next : head) = item;
      tail = item;
    }
    void Remove(T *item) {  // linear: for cancellations only
      T *prev = nullptr;
      for (T *at = head; at != item; at = at->*Next) prev = at;
      (prev ? prev->*Next : head) = item->*Next;
      if (tail == item) tail = prev;
    }
    void PushFront(T *item) {
      item->*Next = head;
      head = item;
      if (!tail) tail = item;
    }
    T *PopFront() {
      T *item = head;
      head = item->*Next;
      if (!head) tail = nullptr;
      return item;
    }
  };
  struct Queue {
    List<Chain, &Chain::next> chains;  // started, waiting for their next step
    List<Job, &Job::next_queued> jobs;  // with blocks to start, taken in turn
    size_t waiting = 0;  // chains that a step could take: waiting ones plus startable blocks
    size_t in_steps = 0;  // chains being advanced right now
    double work = 0;      // iterations left in all its jobs, queued or running
    size_t lanes = FP_MAX_LANES;  // chains per thread in the widest loop of the last job's backend
    // Iterations run and seconds taken by one thread's steps, both decaying: their ratio is the
    // measured rate of one thread.
    double measured_work = 0, measured_seconds = 0;
  };

  void WorkerLoop();
  using Clock = std::chrono::steady_clock;
  // Runs one step; returns when it ended. previous_end: this thread's last step, if work was waiting
  // since (else a default time point).
  Clock::time_point RunStep(std::unique_lock<std::mutex> &lock, Clock::time_point previous_end);
  int PickDigest();
  void Enqueue(Job *job);  // if it has blocks to start and is not queued yet
  void Release(Chain *chain, std::unique_lock<std::mutex> &lock);
  void Finish(Job *job, std::unique_lock<std::mutex> &lock);
  void Drop(Job *job, std::unique_lock<std::mutex> &lock);
  void Calibrate(const fp_backend *backend, fp_digest digest);
  double EstimateWaitMs(fp_digest digest, size_t lanes, size_t blocks) const;
  double Rate(const Queue &q) const;  // iterations per second, all threads
  void Stop();
  bool HasWork() const;
  void Own(Job *job);
  void Disown(Job *job);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable ready_;  // a thread has set its priority
  unsigned ready_threads_ = 0;
  ThreadPriority priority_;
  Queue queues_[FP_DIGEST_COUNT];
  int next_digest_ = 0;  // digests take turns
  Job *owned_ = nullptr;
  std::vector<std::thread> threads_;
  size_t thread_count_ = 0;  // threads_.size() once all are started
  std::function<void(std::unique_ptr<Job>)> done_;
  size_t max_queue_;
  double max_wait_ms_;
  unsigned idle_threads_ = 0;
  bool stopping_ = false;
  PoolStats stats_;
  // Decaying sums over full steps: their time, and the time their threads spent between steps
  // while work was waiting (see Rate()).
  double step_seconds_ = 0, gap_seconds_ = 0;
};

}  // namespace fastpbkdf2

#endif
