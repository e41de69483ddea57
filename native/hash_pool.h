// A pool of hashing threads, separate from libuv's (which fs, dns and zlib need), that runs PBKDF2
// jobs in short steps and groups waiting chains of the same digest into the backend's two-lane or
// SIMD-lane loops when there are more chains than idle threads. Pure C++: addon.cc connects it to
// JavaScript.
#ifndef FASTPBKDF2_HASH_POOL_H
#define FASTPBKDF2_HASH_POOL_H

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "pbkdf2.h"
#include "secret_buffer.h"

namespace fastpbkdf2 {

struct PoolStats {
  uint64_t queued = 0;     // submitted, no thread has started them
  uint64_t running = 0;    // started, not finished
  uint64_t completed = 0;  // finished and handed to the completion callback
  uint64_t rejected = 0;   // refused because the queue was full
  uint64_t paired_steps = 0;  // steps that ran several chains together (two-lane or wide loops)
};

struct Job {
  const fp_backend *backend = nullptr;
  fp_digest digest = FP_SHA256;
  uint32_t iterations = 1;
  SecretBuffer password, salt;  // wiped once the chains are set up
  SecretBuffer key;             // the derived key, filled when the job finishes
  fp_hmac_keys hmac_keys;       // wiped when the job finishes
  std::vector<fp_chain> chains; // one per output block
  size_t chains_left = 0;
  uint64_t id = 0;              // the binding's handle for the job's callback
  ~Job();
};

class HashPool {
 public:
  // `done` runs on a pool thread when a job has finished; it takes ownership of the job.
  HashPool(unsigned threads, size_t max_queue, std::function<void(std::unique_ptr<Job>)> done);
  ~HashPool();  // stops: threads finish their current step and exit; unfinished jobs are dropped
  HashPool(const HashPool &) = delete;
  HashPool &operator=(const HashPool &) = delete;

  // Queues a job; false (and the job is destroyed) when max_queue jobs are already waiting.
  bool Submit(std::unique_ptr<Job> job);
  PoolStats Stats();
  unsigned threads() const { return static_cast<unsigned>(threads_.size()); }

 private:
  // A unit of work: set a job up (chain == nullptr), or run one of its chains.
  struct Task {
    Job *job;
    fp_chain *chain;
  };
  void WorkerLoop();
  void RunStep(std::unique_lock<std::mutex> &lock);
  // These are called with the lock held; they release it around hashing and callbacks.
  void Start(const std::vector<Job *> &jobs, std::vector<Task> *group, std::unique_lock<std::mutex> &lock);
  void AfterStep(const Task &task, std::unique_lock<std::mutex> &lock);
  void Finish(Job *job, std::unique_lock<std::mutex> &lock);
  void SetUp(Job *job);  // HMAC keys and U_1 of every block; called without the lock
  void Gather(const Task &first, std::vector<Task> *group, std::vector<Job *> *starting);
  static size_t Blocks(const Job *job);  // output blocks, i.e. chains, of a job

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> ready_;
  std::vector<std::unique_ptr<Job>> jobs_;  // owned while in the pool
  std::vector<std::thread> threads_;
  std::function<void(std::unique_ptr<Job>)> done_;
  size_t max_queue_;
  unsigned idle_threads_ = 0;
  size_t chains_in_steps_[FP_DIGEST_COUNT] = {0, 0, 0};  // chains being advanced right now, per digest
  bool stopping_ = false;
  PoolStats stats_;
};

}  // namespace fastpbkdf2

#endif
