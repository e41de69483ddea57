#include "hash_pool.h"

#include "thread_priority.h"

#include <chrono>
#include <cmath>
#include <new>

namespace fastpbkdf2 {

namespace {
// Iterations per step: short enough (about 1-5 ms) that chains are re-paired as work arrives and a
// stopping pool exits promptly; long enough that the lock is noise.
constexpr uint32_t kStepIterations = 1u << 14;
// The first step of new chains that found too few others to fill the widest loop (RunStep).
constexpr uint32_t kFirstStepIterations = 1u << 9;
// The measured rates weigh the last second or so of full steps: long enough that a dip of a few
// steps (a burst on the event loop, a neighbour) does not refuse a wave of calls, short enough to
// follow a lasting change.
constexpr double kRateWindowSeconds = 1.0;

// The most chains one thread's step takes: the lanes of the widest loop that pays (fp_chains_max).
size_t GroupSize(const fp_backend *backend, fp_digest digest) {
  return std::min<size_t>(FP_MAX_LANES, fp_chains_max(backend, digest));
}

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

void WipeBytes(void *p, size_t n) {
  volatile uint8_t *bytes = static_cast<volatile uint8_t *>(p);
  for (size_t i = 0; i < n; i++) bytes[i] = 0;
}
}  // namespace

Job::~Job() {
  WipeBytes(&hmac_keys, sizeof hmac_keys);
  for (size_t i = 0; i < slot_count; i++) WipeBytes(&slots[i].state, sizeof slots[i].state);
}

HashPool::HashPool(unsigned threads, unsigned min_threads, size_t max_queue, double max_wait_ms,
                   std::function<void(std::unique_ptr<Job>)> done, ThreadPriority priority)
    : priority_(priority), done_(std::move(done)), max_queue_(max_queue), max_wait_ms_(max_wait_ms) {
  threads = std::max(1u, threads);
  min_threads = std::min(std::max(1u, min_threads), threads);
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; i++) {
    try {
      threads_.emplace_back([this] { WorkerLoop(); });
    } catch (...) {  // std::system_error: the system has no more threads (or memory for stacks)
      if (threads_.size() >= min_threads) break;
      Stop();
      throw;
    }
  }
  std::unique_lock<std::mutex> lock(mutex_);
  thread_count_ = threads_.size();
  idle_threads_ = static_cast<unsigned>(thread_count_);
  // Stats() tells the truth from the start: every thread has tried its priority.
  ready_.wait(lock, [this] { return ready_threads_ == thread_count_; });
}

HashPool::~HashPool() {
  Stop();
  while (owned_) {
    Job *job = owned_;
    owned_ = job->next_owned;
    delete job;
  }
}

void HashPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto &t : threads_) t.join();
}

HashPool::Submitted HashPool::Submit(std::unique_ptr<Job> job) {
  const size_t block_bytes = fp_digest_bytes(job->digest);
  job->blocks = (job->key.length() + block_bytes - 1) / block_bytes;
  // Enough slots for every thread's widest loop; more would only hold blocks that wait.
  const size_t lanes = GroupSize(job->backend, job->digest);
  job->slot_count = std::min(job->blocks, lanes * thread_count_);
  if (job->slot_count > 0) {
    job->slots.reset(new (std::nothrow) Chain[job->slot_count]);
    if (!job->slots) {
      job->slot_count = 0;
      return Submitted::kNoMemory;
    }
  }
  for (size_t i = job->slot_count; i-- > 0;) {
    job->slots[i].job = job.get();
    job->slots[i].next = job->free_slots;
    job->free_slots = &job->slots[i];
  }
  job->free_count = job->slot_count;
  job->work_left = static_cast<double>(job->blocks) * job->iterations;
  if (std::isfinite(max_wait_ms_)) Calibrate(job->backend, job->digest);

  std::unique_lock<std::mutex> lock(mutex_);
  queues_[job->digest].lanes = lanes;
  // A call for which a thread is idle does not wait, so it counts against neither bound.
  if (stats_.queued >= idle_threads_) {
    if (stats_.queued - idle_threads_ >= max_queue_) {
      stats_.rejected++;
      return Submitted::kQueueFull;
    }
    if (EstimateWaitMs(job->digest, lanes, job->blocks) > max_wait_ms_) {
      stats_.rejected_wait++;
      return Submitted::kWaitTooLong;
    }
  }
  Job *raw = job.release();
  Own(raw);
  if (raw->blocks == 0) {  // keylen 0: nothing to hash
    raw->started = true;
    stats_.running++;
    Finish(raw, lock);
    return Submitted::kAccepted;
  }
  stats_.queued++;
  queues_[raw->digest].work += raw->work_left;
  Enqueue(raw);
  lock.unlock();
  wake_.notify_one();
  return Submitted::kAccepted;
}

PoolStats HashPool::Stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  PoolStats stats = stats_;
  for (int d = 0; d < FP_DIGEST_COUNT && stats_.queued >= idle_threads_; d++) {  // for a one-block call
    const double wait = EstimateWaitMs(static_cast<fp_digest>(d), queues_[d].lanes, 1);
    stats.estimated_wait_ms = std::max(stats.estimated_wait_ms, wait);
  }
  for (int d = 0; d < FP_DIGEST_COUNT; d++) {
    const Queue &q = queues_[d];
    stats.rate[d] = Rate(q);
  }
  return stats;
}

// A call of `blocks` chains starts at the next step while its digest's loops have room for it
// (`lanes` chains per thread). Otherwise: the time for the pool to run all the work it holds, at
// each digest's measured rate on every thread -- an upper bound of the wait (part of that work runs
// alongside the call), which keeps accepted calls within the budget. Digests not measured yet count
// as no work.
double HashPool::EstimateWaitMs(fp_digest digest, size_t lanes, size_t blocks) const {
  const Queue &own = queues_[digest];
  if (own.waiting + own.in_steps + blocks <= lanes * thread_count_) return 0;
  double seconds = 0;
  for (const Queue &q : queues_)
    if (q.measured_work > 0) seconds += q.work / Rate(q);
  return seconds * 1000;
}

// The pool's rate for a digest once its loops are full (the only time a call waits): one thread's
// rate in full steps, times the threads, times the share of the threads' time that went into steps
// while work was waiting. Time between steps (preempted, waiting for the lock) is time the queue
// waits too: without it the rate came out ~20% high next to a busy event loop, and accepted calls
// waited longer than their budget.
double HashPool::Rate(const Queue &q) const {
  if (q.measured_seconds == 0) return 0;
  const double in_steps = step_seconds_ > 0 ? step_seconds_ / (step_seconds_ + gap_seconds_) : 1.0;
  return q.measured_work / q.measured_seconds * thread_count_ * in_steps;
}

// A first rate for a digest, before any step has been measured: one thread's widest loop for a
// moment (well under a millisecond), on the submitting thread.
void HashPool::Calibrate(const fp_backend *backend, fp_digest digest) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queues_[digest].measured_seconds > 0) return;
  }
  constexpr uint32_t kIterations = 1024;
  const unsigned lanes = static_cast<unsigned>(GroupSize(backend, digest));
  fp_hmac_keys keys;
  fp_hmac_keys_init(digest, &keys, nullptr, 0);
  fp_chain chains[FP_MAX_LANES];
  fp_chain *pointers[FP_MAX_LANES];
  for (unsigned i = 0; i < lanes; i++) {
    fp_chain_start(&chains[i], digest, &keys, nullptr, 0, i + 1, kIterations + 1);
    pointers[i] = &chains[i];
  }
  const auto started = std::chrono::steady_clock::now();
  fp_chains_advance(backend, pointers, lanes, kIterations);
  const double seconds = Seconds(std::chrono::steady_clock::now() - started);
  std::lock_guard<std::mutex> lock(mutex_);
  Queue &q = queues_[digest];
  if (q.measured_seconds == 0) {
    q.measured_work = static_cast<double>(lanes) * kIterations;
    q.measured_seconds = std::max(seconds, 1e-9);
  }
}

bool HashPool::Cancel(Job *job) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (job->finished || job->cancelled) return false;
  job->cancelled = true;
  stats_.aborted++;
  if (job->started)
    stats_.running--;
  else
    stats_.queued--;
  Queue &q = queues_[job->digest];
  if (job->in_queue) {
    q.jobs.Remove(job);
    job->in_queue = false;
    q.waiting -= job->Startable();
  }
  job->next_block = job->blocks;  // starts no more blocks
  q.work -= job->work_left;
  job->work_left = 0;
  for (Chain *chain = q.chains.head; chain;) {  // its chains waiting for a step go back to its slots
    Chain *next = chain->next;
    if (chain->job == job) {
      q.chains.Remove(chain);
      q.waiting--;
      chain->next = job->free_slots;
      job->free_slots = chain;
      job->free_count++;
    }
    chain = next;
  }
  if (job->in_steps == 0) Drop(job, lock);  // else the step holding its chains drops it
  return true;
}

void HashPool::Drop(Job *job, std::unique_lock<std::mutex> &lock) {
  Disown(job);
  queues_[job->digest].work -= job->work_left;
  lock.unlock();
  delete job;
  lock.lock();
}

void HashPool::Own(Job *job) {
  job->next_owned = owned_;
  if (owned_) owned_->prev_owned = job;
  owned_ = job;
}

void HashPool::Disown(Job *job) {
  (job->prev_owned ? job->prev_owned->next_owned : owned_) = job->next_owned;
  if (job->next_owned) job->next_owned->prev_owned = job->prev_owned;
}

bool HashPool::HasWork() const {
  for (const Queue &q : queues_)
    if (q.waiting > 0) return true;
  return false;
}

// Digests take turns, so a flood of one never holds up another.
int HashPool::PickDigest() {
  for (int i = 0; i < FP_DIGEST_COUNT; i++) {
    const int d = (next_digest_ + i) % FP_DIGEST_COUNT;
    if (queues_[d].waiting > 0) {
      next_digest_ = (d + 1) % FP_DIGEST_COUNT;
      return d;
    }
  }
  return -1;
}

// A job being set up belongs to the thread doing it; other jobs queue while they have blocks to start.
void HashPool::Enqueue(Job *job) {
  if (job->in_queue || (job->started && !job->set_up) || job->Startable() == 0) return;
  Queue &q = queues_[job->digest];
  q.jobs.PushBack(job);
  job->in_queue = true;
  q.waiting += job->Startable();
}

void HashPool::WorkerLoop() {
  const bool lowered = LowerThisThreadPriority(priority_);
  std::unique_lock<std::mutex> lock(mutex_);
  if (lowered) stats_.lowered_threads++;
  ready_threads_++;
  ready_.notify_all();
  Clock::time_point last_end{};  // of this thread's previous step, if work was waiting since
  for (;;) {
    if (!HasWork()) last_end = {};
    wake_.wait(lock, [this] { return stopping_ || HasWork(); });
    if (stopping_) return;
    idle_threads_--;
    last_end = RunStep(lock, last_end);
    idle_threads_++;
  }
}

// Takes chains of one digest and backend -- those waiting first, then new blocks from jobs in turn
// -- up to what the backend's widest loop takes, but no more than this thread's fair share of all
// such chains, waiting or in other threads' steps: several chains on one core beat one, but not
// one on each core. Runs them one step. Called with the lock held.
HashPool::Clock::time_point HashPool::RunStep(std::unique_lock<std::mutex> &lock, Clock::time_point previous_end) {
  const int digest_index = PickDigest();
  Queue &q = queues_[digest_index];
  const fp_digest digest = static_cast<fp_digest>(digest_index);
  const fp_backend *backend = q.chains.head ? q.chains.head->job->backend : q.jobs.head->backend;
  const size_t fair_share = std::max<size_t>(1, (q.waiting + q.in_steps + thread_count_ - 1) / thread_count_);
  const size_t full_group = GroupSize(backend, digest);
  const size_t want = std::min<size_t>({full_group, q.waiting, fair_share});

  Chain *group[FP_MAX_LANES];
  Job *new_jobs[FP_MAX_LANES];
  size_t n = 0, new_count = 0;
  while (n < want && q.chains.head && q.chains.head->job->backend == backend) {
    group[n++] = q.chains.PopFront();
    q.waiting--;
  }
  while (n < want && q.jobs.head && q.jobs.head->backend == backend) {
    Job *job = q.jobs.PopFront();
    job->in_queue = false;
    q.waiting -= job->Startable();
    if (!job->started) {
      job->started = true;
      stats_.queued--;
      stats_.running++;
      new_jobs[new_count++] = job;
    }
    for (size_t take = std::min(want - n, job->Startable()); take > 0; take--) {
      Chain *chain = job->free_slots;
      job->free_slots = chain->next;
      job->free_count--;
      chain->block = static_cast<uint32_t>(++job->next_block);
      chain->fresh = true;
      chain->state.remaining = job->iterations;  // counting U_1, which the start computes
      group[n++] = chain;
    }
    Enqueue(job);  // to the back: the next step serves the next job
  }
  uint32_t remaining_before[FP_MAX_LANES];
  for (size_t i = 0; i < n; i++) {
    group[i]->job->in_steps++;
    remaining_before[i] = group[i]->state.remaining;
  }
  q.in_steps += n;
  if (HasWork()) wake_.notify_one();
  lock.unlock();
  const auto started = std::chrono::steady_clock::now();

  for (size_t i = 0; i < new_count; i++) {
    Job *job = new_jobs[i];
    fp_hmac_keys_init(digest, &job->hmac_keys, job->password.data(), job->password.length());
    job->password.Reset();
  }
  fp_chain *advancing[FP_MAX_LANES];
  size_t advancing_count = 0;
  // New chains in a group smaller than the widest loop take a short first step: in a burst of
  // calls, the first ones arrive alone and would otherwise run a whole step on a narrow loop, then
  // stay out of step with the rest; after it they join the groups of those that came next.
  uint32_t step_iterations = kStepIterations;
  for (size_t i = 0; i < n; i++) {
    Chain *chain = group[i];
    const Job *job = chain->job;
    if (chain->fresh && n < full_group) step_iterations = kFirstStepIterations;
    if (chain->fresh) {  // computes U_1: a one-iteration chain is then done
      fp_chain_start(&chain->state, digest, &job->hmac_keys, job->salt.data(), job->salt.length(), chain->block,
                     job->iterations);
      chain->fresh = false;
    }
    if (chain->state.remaining > 0) advancing[advancing_count++] = &chain->state;
  }
  if (advancing_count > 0)
    fp_chains_advance(backend, advancing, static_cast<unsigned>(advancing_count), step_iterations);
  const size_t block_bytes = fp_digest_bytes(digest);
  for (size_t i = 0; i < n; i++) {
    const Chain *chain = group[i];
    if (chain->state.remaining > 0) continue;
    const SecretBuffer &key = chain->job->key;
    const size_t offset = (chain->block - 1) * block_bytes;
    fp_chain_output(&chain->state, key.data() + offset, std::min(block_bytes, key.length() - offset));
  }

  const auto ended = Clock::now();
  const double seconds = Seconds(ended - started);

  lock.lock();
  q.in_steps -= n;
  if (advancing_count > 1) stats_.paired_steps++;
  double work = 0;
  for (size_t i = 0; i < n; i++) {
    const double done = remaining_before[i] - group[i]->state.remaining;
    work += done;
    if (group[i]->job->cancelled) continue;  // its work left the estimate when it was cancelled
    group[i]->job->work_left -= done;
    q.work -= done;
  }
  if (n == full_group) {  // the rate when calls wait: see Rate()
    const double gap = previous_end == Clock::time_point{} ? 0 : std::max(0.0, Seconds(started - previous_end));
    const double decay = std::exp(-(seconds + gap) / (kRateWindowSeconds * thread_count_));
    q.measured_work = q.measured_work * decay + work;
    q.measured_seconds = q.measured_seconds * decay + seconds;
    step_seconds_ = step_seconds_ * decay + seconds;
    gap_seconds_ = gap_seconds_ * decay + gap;
  }
  for (size_t i = 0; i < new_count; i++) {
    new_jobs[i]->set_up = true;
    Enqueue(new_jobs[i]);
  }
  // In reverse, so unfinished chains go back to the front in their original order.
  for (size_t i = n; i-- > 0;) {
    Job *job = group[i]->job;
    job->in_steps--;
    if (job->cancelled) {
      group[i]->next = job->free_slots;
      job->free_slots = group[i];
      job->free_count++;
      if (job->in_steps == 0) Drop(job, lock);
    } else if (group[i]->state.remaining > 0) {
      q.chains.PushFront(group[i]);
      q.waiting++;
    } else {
      Release(group[i], lock);
    }
  }
  if (HasWork()) wake_.notify_one();
  return ended;
}

// A finished block's slot goes back to its job, which may then start another block.
void HashPool::Release(Chain *chain, std::unique_lock<std::mutex> &lock) {
  Job *job = chain->job;
  const size_t startable_before = job->Startable();
  chain->next = job->free_slots;
  job->free_slots = chain;
  job->free_count++;
  if (++job->blocks_done == job->blocks) {
    Finish(job, lock);
  } else if (job->in_queue) {
    queues_[job->digest].waiting += job->Startable() - startable_before;
  } else {
    Enqueue(job);
  }
}

void HashPool::Finish(Job *job, std::unique_lock<std::mutex> &lock) {
  Disown(job);
  job->finished = true;
  queues_[job->digest].work -= job->work_left;  // zero but for rounding
  stats_.running--;
  stats_.completed++;
  lock.unlock();
  done_(std::unique_ptr<Job>(job));
  lock.lock();
}

}  // namespace fastpbkdf2
