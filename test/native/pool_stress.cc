// Stress driver for native/hash_pool.cc without node, for ASan/UBSan and TSan (npm run
// test:sanitize): several threads submit jobs of mixed digests, backends, iterations and key
// lengths (empty, one block, many blocks) to one pool; every finished key is checked against the
// portable backend's fp_pbkdf2; some jobs are cancelled (queued or running) and must then never be
// handed back; some rounds wait for every job, others destroy the pool mid-flight.
// Usage: pool_stress [rounds]. Last line: "N keys checked, M wrong, K cancelled, L dropped"; exit 1
// on any error.
#include <atomic>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "hash_pool.h"

using fastpbkdf2::HashPool;
using fastpbkdf2::Job;
using fastpbkdf2::ThreadPriority;

namespace {

std::vector<const fp_backend *> backends;  // every one this CPU can run
const fp_backend *portable;                // the reference: last in fp_backends()

// A job's arguments follow from its id, so the checker can recompute them.
struct Params {
  fp_digest digest;
  const fp_backend *backend;
  uint32_t iterations;
  size_t keylen;
  std::string password, salt;
};

Params MakeParams(uint64_t id) {
  std::mt19937_64 rng(id * 0x9E3779B97F4A7C15ull);
  Params p;
  p.digest = static_cast<fp_digest>(rng() % FP_DIGEST_COUNT);
  p.backend = backends[rng() % backends.size()];
  const uint32_t kinds[] = {1, 2, 3, 17, 1000};
  p.iterations = kinds[rng() % 5];
  switch (rng() % 8) {
    case 0: p.keylen = 0; break;
    case 1: p.keylen = 1 + rng() % 64; p.iterations = 20000; break;  // more than one step per chain
    case 2: p.keylen = 5000 + rng() % 20000; p.iterations = 1 + rng() % 3; break;  // hundreds of blocks
    default: p.keylen = 1 + rng() % 300; break;
  }
  p.password.resize(rng() % 200);  // longer than a block sometimes: hashed first
  p.salt.resize(rng() % 100);
  for (char &c : p.password) c = static_cast<char>(rng());
  for (char &c : p.salt) c = static_cast<char>(rng());
  return p;
}

std::atomic<uint64_t> checked{0}, wrong{0}, done_in_round{0};
std::atomic<bool> failed{false};
// Handed-back jobs are kept until the round ends, as the binding keeps them until JavaScript has
// its key, so that a cancellation racing with the hand-back finds them alive.
std::mutex delivered_mutex;
std::vector<std::unique_ptr<Job>> delivered;
uint64_t round_first_id = 0;
// Per id of the round: Cancel returned true / the job was handed back. Never both (checked once the
// round is over, so that a hand-back racing with a refused cancellation is not mistaken for one).
std::unique_ptr<std::atomic<bool>[]> cancelled, handed_back;

void CheckKey(std::unique_ptr<Job> job) {
  const Params p = MakeParams(job->id);
  std::vector<uint8_t> expected(p.keylen + 1);
  fp_pbkdf2(portable, p.digest, reinterpret_cast<const uint8_t *>(p.password.data()), p.password.size(),
            reinterpret_cast<const uint8_t *>(p.salt.data()), p.salt.size(), p.iterations, expected.data(), p.keylen);
  if (job->key.length() != p.keylen || (p.keylen && memcmp(job->key.data(), expected.data(), p.keylen) != 0)) {
    fprintf(stderr, "job %llu: wrong key (digest %d, backend %s, %u iterations, keylen %zu)\n",
            static_cast<unsigned long long>(job->id), p.digest, p.backend->name, p.iterations, p.keylen);
    wrong++;
  }
  handed_back[job->id - round_first_id] = true;
  checked++;
  done_in_round++;
  std::lock_guard<std::mutex> lock(delivered_mutex);
  delivered.push_back(std::move(job));
}

std::unique_ptr<Job> NewJob(uint64_t id) {
  const Params p = MakeParams(id);
  auto job = std::make_unique<Job>();
  job->id = id;
  job->digest = p.digest;
  job->backend = p.backend;
  job->iterations = p.iterations;
  if (!job->password.Assign(reinterpret_cast<const uint8_t *>(p.password.data()), p.password.size()) ||
      !job->salt.Assign(reinterpret_cast<const uint8_t *>(p.salt.data()), p.salt.size()) ||
      !job->key.Allocate(p.keylen)) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return job;
}

}  // namespace

int main(int argc, char **argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 12;
  for (const fp_backend *const *b = fp_backends(); *b; b++) {
    if ((*b)->available()) backends.push_back(*b);
    portable = *b;
  }
  uint64_t next_id = 1, dropped = 0;
  std::atomic<uint64_t> cancel_count{0};
  for (int round = 0; round < rounds; round++) {
    const unsigned threads = 1 + round % 4;
    const bool wait_for_all = round % 2 == 0;
    const size_t max_queue = round % 3 == 0 ? 8 : SIZE_MAX;
    const int submitters = 3, per_submitter = 40;
    done_in_round = 0;
    round_first_id = next_id;
    cancelled.reset(new std::atomic<bool>[submitters * per_submitter]());
    handed_back.reset(new std::atomic<bool>[submitters * per_submitter]());
    std::atomic<uint64_t> accepted{0}, cancelled_in_round{0};
    // A budget in some rounds: refusals by wait are fine, the estimate must not crash or race.
    const double max_wait_ms = round % 4 == 1 ? 5.0 : INFINITY;
    // Lower-priority threads in some rounds: on Linux every thread must have got it.
    const ThreadPriority priority = round % 5 == 2 ? ThreadPriority::kLow : round % 5 == 4 ? ThreadPriority::kBelowNormal : ThreadPriority::kNormal;
    auto pool = std::make_unique<HashPool>(threads, threads, max_queue, max_wait_ms, CheckKey, priority);
#if defined(__linux__)
    if (pool->Stats().lowered_threads != (priority != ThreadPriority::kNormal ? threads : 0)) {
      std::fprintf(stderr, "round %d: %u of %u threads at the lower priority\n", round, pool->Stats().lowered_threads, threads);
      return 1;
    }
#endif
    std::vector<std::thread> workers;
    for (int s = 0; s < submitters; s++) {
      const uint64_t first = next_id + static_cast<uint64_t>(s) * per_submitter;
      workers.emplace_back([&, first] {
        std::vector<Job *> mine;  // accepted, maybe cancelled later (each at most once)
        for (uint64_t id = first; id < first + per_submitter; id++) {
          std::unique_ptr<Job> job = NewJob(id);
          Job *raw = job.get();
          switch (pool->Submit(std::move(job))) {
            case HashPool::Submitted::kAccepted: accepted++; mine.push_back(raw); break;
            case HashPool::Submitted::kQueueFull:
            case HashPool::Submitted::kWaitTooLong: std::this_thread::yield(); break;
            default: fprintf(stderr, "unexpected refusal\n"); failed = true; break;
          }
          if (id % 5 == 0 && !mine.empty()) {  // cancel an earlier job: queued, running or done
            Job *victim = mine[id % mine.size()];
            const uint64_t victim_id = victim->id;  // read before: a cancelled job may be freed at once
            mine.erase(mine.begin() + static_cast<long>(id % mine.size()));
            if (pool->Cancel(victim)) {  // else it had been handed back already
              cancelled[victim_id - round_first_id] = true;
              cancelled_in_round++;
            }
          }
        }
      });
    }
    for (auto &w : workers) w.join();
    next_id += static_cast<uint64_t>(submitters) * per_submitter;
    if (wait_for_all) {
      while (done_in_round + cancelled_in_round < accepted) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const fastpbkdf2::PoolStats stats = pool->Stats();
      if (stats.completed + stats.aborted != accepted || stats.aborted != cancelled_in_round || stats.queued != 0 ||
          stats.running != 0) {
        fprintf(stderr, "round %d: stats do not add up\n", round);
        failed = true;
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(round % 5));
    }
    pool.reset();  // mid-flight in the other rounds: unfinished jobs are dropped (and freed)
    for (int i = 0; i < submitters * per_submitter; i++) {
      if (cancelled[i] && handed_back[i]) {
        fprintf(stderr, "job %llu: handed back although it was cancelled\n", static_cast<unsigned long long>(round_first_id + i));
        failed = true;
      }
    }
    dropped += accepted - done_in_round - cancelled_in_round;
    cancel_count += cancelled_in_round;
    delivered.clear();
  }
  printf("%llu keys checked, %llu wrong, %llu cancelled, %llu dropped\n", static_cast<unsigned long long>(checked.load()),
         static_cast<unsigned long long>(wrong.load()), static_cast<unsigned long long>(cancel_count.load()),
         static_cast<unsigned long long>(dropped));
  return failed || wrong > 0 || checked == 0 ? 1 : 0;
}
