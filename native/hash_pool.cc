#include "hash_pool.h"

#include <algorithm>

namespace fastpbkdf2 {

namespace {
// Iterations per step: short enough (about 1-5 ms) that chains are re-paired as work arrives and a
// stopping pool exits promptly; long enough that the lock is noise.
constexpr uint32_t kStepIterations = 1u << 14;

void WipeBytes(void *p, size_t n) {
  volatile uint8_t *bytes = static_cast<volatile uint8_t *>(p);
  for (size_t i = 0; i < n; i++) bytes[i] = 0;
}
}  // namespace

Job::~Job() {
  WipeBytes(&hmac_keys, sizeof hmac_keys);
  if (!chains.empty()) WipeBytes(chains.data(), chains.size() * sizeof(fp_chain));
}

HashPool::HashPool(unsigned threads, size_t max_queue, std::function<void(std::unique_ptr<Job>)> done)
    : done_(std::move(done)), max_queue_(max_queue) {
  threads = std::max(1u, threads);
  idle_threads_ = threads;  // each is idle until it takes a task
  for (unsigned i = 0; i < threads; i++) threads_.emplace_back([this] { WorkerLoop(); });
}

HashPool::~HashPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto &t : threads_) t.join();
}

bool HashPool::Submit(std::unique_ptr<Job> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // A call for which a thread is idle does not wait, so it does not count against the bound.
    if (stats_.queued >= idle_threads_ && stats_.queued - idle_threads_ >= max_queue_) {
      stats_.rejected++;
      return false;
    }
    stats_.queued++;
    ready_.push_back(Task{job.get(), nullptr});
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

PoolStats HashPool::Stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void HashPool::SetUp(Job *job) {
  const size_t block_bytes = fp_digest_bytes(job->digest);
  const size_t blocks = (job->key.length() + block_bytes - 1) / block_bytes;
  fp_hmac_keys_init(job->digest, &job->hmac_keys, job->password.data(), job->password.length());
  job->chains.resize(blocks);
  for (size_t i = 0; i < blocks; i++) {
    fp_chain_start(&job->chains[i], job->digest, &job->hmac_keys, job->salt.data(), job->salt.length(),
                   static_cast<uint32_t>(i + 1), job->iterations);
  }
  job->chains_left = blocks;
  job->password.Reset();
  job->salt.Reset();
}

size_t HashPool::Blocks(const Job *job) {
  const size_t block_bytes = fp_digest_bytes(job->digest);
  return (job->key.length() + block_bytes - 1) / block_bytes;
}

// Fills one step's work with chains of the same digest and backend as the first task: chains that
// are waiting, then jobs not yet started (to be set up by this thread), up to what the backend's
// widest loop takes -- but no more than this thread's fair share of all such chains, waiting or in
// other threads' steps: several chains on one core beat one, but not one on each core.
void HashPool::Gather(const Task &first, std::vector<Task> *group, std::vector<Job *> *starting) {
  auto same_kind = [&first](const Task &t) {
    return t.job->digest == first.job->digest && t.job->backend == first.job->backend;
  };
  size_t available = group->size() + (starting->empty() ? 0 : Blocks(first.job));
  for (const Task &t : ready_)
    if (same_kind(t)) available += t.chain ? 1 : Blocks(t.job);
  const size_t all = available + chains_in_steps_[first.job->digest], threads = threads_.size();
  const size_t fair_share = std::max<size_t>(1, (all + threads - 1) / threads);
  size_t want = std::min<size_t>({fp_chains_max(first.job->backend, first.job->digest), available, fair_share});
  size_t planned = group->size() + (starting->empty() ? 0 : Blocks(first.job));  // chains in this step
  for (auto it = ready_.begin(); it != ready_.end() && planned < want;) {
    if (it->chain && same_kind(*it)) {
      group->push_back(*it);
      planned++;
      it = ready_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = ready_.begin(); it != ready_.end() && planned < want;) {
    if (!it->chain && same_kind(*it) && Blocks(it->job) > 0) {
      starting->push_back(it->job);
      planned += Blocks(it->job);
      it = ready_.erase(it);
    } else {
      ++it;
    }
  }
}

void HashPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    idle_threads_--;
    RunStep(lock);
    idle_threads_++;
  }
}

// Takes the next task and what can run with it, and runs one step. Called with the lock held.
void HashPool::RunStep(std::unique_lock<std::mutex> &lock) {
  const Task first = ready_.front();
  ready_.pop_front();
  std::vector<Task> group;
  std::vector<Job *> starting;
  if (first.chain)
    group.push_back(first);
  else
    starting.push_back(first.job);
  Gather(first, &group, &starting);
  if (!starting.empty()) Start(starting, &group, lock);
  if (group.empty()) return;

  if (group.size() > 1) stats_.paired_steps++;
  fp_chain *chains[FP_MAX_LANES];
  for (size_t i = 0; i < group.size(); i++) chains[i] = group[i].chain;
  // group[0], not first: a keylen-0 first job is already finished and freed by Start.
  const fp_digest digest = group[0].job->digest;
  chains_in_steps_[digest] += group.size();
  lock.unlock();
  fp_chains_advance(group[0].job->backend, chains, static_cast<unsigned>(group.size()), kStepIterations);
  lock.lock();
  chains_in_steps_[digest] -= group.size();
  // In reverse, so unfinished chains go back to the front in their original order.
  for (size_t i = group.size(); i-- > 0;) AfterStep(group[i], lock);
  if (!ready_.empty()) wake_.notify_one();
}

// Sets up new jobs outside the lock, then adds their chains to this step's group as far as it
// has room; the rest wait at the front of the queue, in order.
void HashPool::Start(const std::vector<Job *> &jobs, std::vector<Task> *group, std::unique_lock<std::mutex> &lock) {
  stats_.queued -= jobs.size();
  stats_.running += jobs.size();
  lock.unlock();
  for (Job *job : jobs) SetUp(job);
  lock.lock();
  const size_t room = std::min<size_t>(FP_MAX_LANES, fp_chains_max(jobs[0]->backend, jobs[0]->digest));
  std::vector<Task> overflow, done;
  for (Job *job : jobs) {
    if (job->chains.empty()) {  // keylen 0
      Finish(job, lock);
      continue;
    }
    for (fp_chain &chain : job->chains) {
      // One iteration is all done by SetUp; such a chain would only hold the others back.
      std::vector<Task> &to = chain.remaining == 0 ? done : group->size() < room ? *group : overflow;
      to.push_back(Task{job, &chain});
    }
  }
  for (auto it = overflow.rbegin(); it != overflow.rend(); ++it) ready_.push_front(*it);
  if (!overflow.empty()) wake_.notify_all();
  for (const Task &task : done) AfterStep(task, lock);
}

void HashPool::AfterStep(const Task &task, std::unique_lock<std::mutex> &lock) {
  if (task.chain->remaining > 0) {
    ready_.push_front(task);
  } else if (--task.job->chains_left == 0) {
    Finish(task.job, lock);
  }
}

void HashPool::Finish(Job *job, std::unique_lock<std::mutex> &lock) {
  auto owned = std::find_if(jobs_.begin(), jobs_.end(), [job](const std::unique_ptr<Job> &j) { return j.get() == job; });
  std::unique_ptr<Job> finished = std::move(*owned);
  jobs_.erase(owned);
  stats_.running--;
  stats_.completed++;
  lock.unlock();
  const size_t block_bytes = fp_digest_bytes(job->digest);
  for (size_t i = 0; i < job->chains.size(); i++) {
    const size_t offset = i * block_bytes;
    fp_chain_output(&job->chains[i], job->key.data() + offset, std::min(block_bytes, job->key.length() - offset));
  }
  done_(std::move(finished));
  lock.lock();
}

}  // namespace fastpbkdf2
