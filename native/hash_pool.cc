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
    if (stats_.queued >= max_queue_) {
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

// Adds chains of the same digest and backend to `group` (which holds the first), up to what the
// backend's widest loop takes, but leaves a share for idle threads: several chains on one core beat
// one, but not one on each core.
void HashPool::TakeCompanions(std::vector<Task> *group) {
  const Task first = (*group)[0];  // a copy: push_back below may move the vector
  size_t same = 1;
  for (const Task &t : ready_)
    if (t.chain && t.job->digest == first.job->digest && t.job->backend == first.job->backend) same++;
  size_t want = std::min<size_t>(fp_chains_max(first.job->backend, first.job->digest), same);
  if (idle_threads_ > 0) want = std::min(want, (same + idle_threads_) / (idle_threads_ + 1));
  for (auto it = ready_.begin(); it != ready_.end() && group->size() < want;) {
    if (it->chain && it->job->digest == first.job->digest && it->job->backend == first.job->backend) {
      group->push_back(*it);
      it = ready_.erase(it);
    } else {
      ++it;
    }
  }
}

void HashPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    idle_threads_++;
    wake_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    idle_threads_--;
    if (stopping_) return;

    Task first = ready_.front();
    ready_.pop_front();
    if (!first.chain) {
      StartJob(first.job, lock);
      continue;
    }
    std::vector<Task> group{first};
    TakeCompanions(&group);
    if (group.size() > 1) stats_.paired_steps++;
    fp_chain *chains[FP_MAX_LANES];
    for (size_t i = 0; i < group.size(); i++) chains[i] = group[i].chain;
    lock.unlock();
    fp_chains_advance(first.job->backend, chains, static_cast<unsigned>(group.size()), kStepIterations);
    lock.lock();
    // In reverse, so unfinished chains go back to the front in their original order.
    for (size_t i = group.size(); i-- > 0;) AfterStep(group[i], lock);
    if (!ready_.empty()) wake_.notify_one();
  }
}

void HashPool::StartJob(Job *job, std::unique_lock<std::mutex> &lock) {
  stats_.queued--;
  stats_.running++;
  lock.unlock();
  SetUp(job);
  lock.lock();
  if (job->chains.empty()) {  // keylen 0
    Finish(job, lock);
    return;
  }
  // The new job's chains go to the front, in block order, so started work finishes first.
  for (size_t i = job->chains.size(); i-- > 0;) ready_.push_front(Task{job, &job->chains[i]});
  wake_.notify_all();
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
