// N-API binding. The TypeScript layer has already validated every argument exactly as node:crypto
// does; the checks here only keep a bad call from crashing the process.
#include <napi.h>

#include <cstdint>
#include <memory>
#include <new>
#include <system_error>
#include <unordered_map>

#include "hash_pool.h"
#include "pbkdf2.h"

namespace fastpbkdf2 {
namespace {

struct Bytes {
  const uint8_t *data;
  size_t length;
};

// Password and salt arrive as Uint8Array views (the wrapper turns strings, Buffers, other
// TypedArrays, DataViews and ArrayBuffers into one without copying).
bool ReadBytes(const Napi::Value &value, Bytes *out) {
  if (!value.IsTypedArray()) return false;
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint8_array) return false;
  Napi::Uint8Array bytes = array.As<Napi::Uint8Array>();
  out->data = bytes.Data();
  out->length = bytes.ByteLength();
  return true;
}

struct Request {
  Bytes password, salt;
  uint32_t iterations;
  size_t keylen;
  fp_digest digest;
};

// Arguments: password, salt, iterations, keylen, digest id (0 sha1, 1 sha256, 2 sha512).
bool ReadRequest(const Napi::CallbackInfo &info, Request *req) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !ReadBytes(info[0], &req->password) || !ReadBytes(info[1], &req->salt) ||
      !info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsNumber()) {
    Napi::TypeError::New(env, "fastpbkdf2 native: bad arguments").ThrowAsJavaScriptException();
    return false;
  }
  int64_t iterations = info[2].As<Napi::Number>().Int64Value();
  int64_t keylen = info[3].As<Napi::Number>().Int64Value();
  int64_t digest = info[4].As<Napi::Number>().Int64Value();
  if (iterations < 1 || iterations > INT32_MAX || keylen < 0 || keylen > INT32_MAX || digest < 0 ||
      digest >= FP_DIGEST_COUNT) {
    Napi::RangeError::New(env, "fastpbkdf2 native: argument out of range").ThrowAsJavaScriptException();
    return false;
  }
  req->iterations = static_cast<uint32_t>(iterations);
  req->keylen = static_cast<size_t>(keylen);
  req->digest = static_cast<fp_digest>(digest);
  return true;
}

// What node's C++ layer throws when it cannot allocate memory.
void ThrowOutOfMemory(Napi::Env env) {
  Napi::Error error = Napi::Error::New(env, "Failed to allocate memory");
  error.Set("code", Napi::String::New(env, "ERR_MEMORY_ALLOCATION_FAILED"));
  error.ThrowAsJavaScriptException();
}

// Submit's answers (src/native.ts).
enum SubmitStatus { kSubmitted = 0, kQueueFull = 1, kNoMemory = 2, kWaitTooLong = 3 };

// Per-instance state (each worker thread that loads the addon has its own).
struct AddonData {
  const fp_backend *backend = fp_backend_best();
};

// new Pool(threads, maxQueue, minThreads, maxWaitMs, priority): a HashPool whose finished jobs come back to
// the JS thread through a thread-safe function. It starts `threads` threads, or as many as the
// system allows when that is at least minThreads; otherwise it throws. JS: submit(password, salt,
// iterations, keylen, digest, id, callback) -> SubmitStatus, cancel(id) -> bool (false: not
// pending), stats(), close().
class Pool : public Napi::ObjectWrap<Pool> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Pool",
                       {InstanceMethod("submit", &Pool::Submit), InstanceMethod("cancel", &Pool::Cancel),
                        InstanceMethod("stats", &Pool::GetStats), InstanceMethod("close", &Pool::Close)});
  }

  explicit Pool(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Pool>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 5 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber() ||
        !info[3].IsNumber() || !info[4].IsNumber()) {
      Napi::TypeError::New(env, "Pool(threads, maxQueue, minThreads, maxWaitMs, priority)").ThrowAsJavaScriptException();
      return;
    }
    const double threads = info[0].As<Napi::Number>().DoubleValue();
    const double max_queue = info[1].As<Napi::Number>().DoubleValue();
    const double min_threads = info[2].As<Napi::Number>().DoubleValue();
    const double max_wait_ms = info[3].As<Napi::Number>().DoubleValue();
    const double priority = info[4].As<Napi::Number>().DoubleValue();  // 0 normal, 1 below normal, 2 low
    if (!(threads >= 1 && threads <= 1024) || !(max_queue >= 0) || !(min_threads >= 1 && min_threads <= threads) ||
        !(max_wait_ms >= 0) || !(priority == 0 || priority == 1 || priority == 2)) {
      Napi::RangeError::New(env, "Pool: threads must be 1..1024, maxQueue >= 0, minThreads 1..threads, maxWaitMs >= 0, priority 0..2")
          .ThrowAsJavaScriptException();
      return;
    }
    const size_t queue_bound = max_queue >= 1e15 ? SIZE_MAX : static_cast<size_t>(max_queue);
    // No job can finish before the thread-safe function below exists: none can be submitted.
    auto done = [this](std::unique_ptr<Job> job) {
      Job *raw = job.release();
      if (tsfn_.NonBlockingCall(raw) != napi_ok) delete raw;  // the environment is shutting down
    };
    try {
      pool_ = std::make_unique<HashPool>(static_cast<unsigned>(threads), static_cast<unsigned>(min_threads),
                                         queue_bound, max_wait_ms, done, static_cast<ThreadPriority>(static_cast<int>(priority)));
    } catch (const std::system_error &e) {
      Napi::Error error = Napi::Error::New(
          env, std::string("fastpbkdf2: could not start ") + std::to_string(static_cast<unsigned>(threads)) +
                   " hashing threads: " + e.what());
      error.Set("code", Napi::String::New(env, "ERR_FASTPBKDF2_THREAD_START"));
      error.ThrowAsJavaScriptException();
      return;
    } catch (const std::bad_alloc &) {
      ThrowOutOfMemory(env);
      return;
    }
    link_ = new (std::nothrow) Link{this};
    if (!link_) {
      pool_.reset();
      ThrowOutOfMemory(env);
      return;
    }
    tsfn_ = Tsfn::New(env, "fastpbkdf2 pool", 0, 1, link_, &Pool::OnTsfnFinalized, static_cast<void *>(nullptr));
    if (env.IsExceptionPending()) {  // the finalizer was not registered
      pool_.reset();
      delete link_;
      link_ = nullptr;
      return;
    }
    tsfn_.Unref(env);  // an idle pool must not keep the process alive
  }

  ~Pool() override {
    pool_.reset();  // joins the threads
    if (link_) {
      link_->owner = nullptr;
      tsfn_.Abort();
    }
  }

 private:
  // Tells the thread-safe function's finalizer whether this object still exists.
  struct Link {
    Pool *owner;
  };
  static void Deliver(Napi::Env env, Napi::Function, Link *link, Job *job);
  using Tsfn = Napi::TypedThreadSafeFunction<Link, Job, &Pool::Deliver>;

  static void OnTsfnFinalized(Napi::Env, void *, Link *link) {
    if (link->owner) {
      link->owner->pool_.reset();  // environment teardown: stop the threads before anything else goes
      link->owner->link_ = nullptr;
    }
    delete link;
  }

  Napi::Value Submit(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Request req;
    if (!ReadRequest(info, &req)) return env.Undefined();
    if (info.Length() < 7 || !info[5].IsNumber() || !info[6].IsFunction()) {
      Napi::TypeError::New(env, "fastpbkdf2 native: id and callback expected").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const uint64_t id = static_cast<uint64_t>(info[5].As<Napi::Number>().Int64Value());
    if (pending_.count(id)) {
      Napi::RangeError::New(env, "fastpbkdf2 native: id in use").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    if (!pool_ || closed_) {
      Napi::Error::New(env, "fastpbkdf2: pool is closed").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::unique_ptr<Job> job(new (std::nothrow) Job);
    // Copy now: the caller may reuse its buffers as soon as this returns.
    if (!job || !job->password.Assign(req.password.data, req.password.length) ||
        !job->salt.Assign(req.salt.data, req.salt.length) || !job->key.Allocate(req.keylen)) {
      return Napi::Number::New(env, kNoMemory);
    }
    job->backend = env.GetInstanceData<AddonData>()->backend;
    job->digest = req.digest;
    job->iterations = req.iterations;
    job->id = id;
    // Registered first: an empty key's job is handed back from Submit itself.
    try {
      pending_.emplace(id, Pending{Napi::Persistent(info[6].As<Napi::Function>()), job.get()});
    } catch (const std::bad_alloc &) {
      return Napi::Number::New(env, kNoMemory);
    }
    switch (pool_->Submit(std::move(job))) {
      case HashPool::Submitted::kAccepted: break;
      case HashPool::Submitted::kQueueFull: pending_.erase(id); return Napi::Number::New(env, kQueueFull);
      case HashPool::Submitted::kWaitTooLong: pending_.erase(id); return Napi::Number::New(env, kWaitTooLong);
      case HashPool::Submitted::kNoMemory: pending_.erase(id); return Napi::Number::New(env, kNoMemory);
    }
    if (pending_.size() == 1) {  // busy: keep the process alive and this object from being collected
      tsfn_.Ref(env);
      Ref();
    }
    return Napi::Number::New(env, kSubmitted);
  }

  // The call stops: dropped from the queue, or at the end of the step running it; its callback
  // is never called.
  Napi::Value Cancel(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsNumber()) return Napi::Boolean::New(env, false);
    auto it = pending_.find(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
    if (it == pending_.end()) return Napi::Boolean::New(env, false);
    // If it has finished already, its key is on its way here and Finished drops it.
    if (pool_ && !pool_->Cancel(it->second.job)) late_aborts_++;
    pending_.erase(it);
    AfterLastPending(env);
    return Napi::Boolean::New(env, true);
  }

  Napi::Value GetStats(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    const PoolStats s = pool_ ? pool_->Stats() : final_stats_;
    const auto number = [&env](double value) { return Napi::Number::New(env, value); };
    out.Set("threads", number(pool_ ? pool_->threads() : 0));
    out.Set("queued", number(static_cast<double>(s.queued)));
    out.Set("running", number(static_cast<double>(s.running)));
    out.Set("completed", number(static_cast<double>(s.completed - late_aborts_)));
    out.Set("rejectedQueue", number(static_cast<double>(s.rejected)));
    out.Set("rejectedWait", number(static_cast<double>(s.rejected_wait)));
    out.Set("aborted", number(static_cast<double>(s.aborted + late_aborts_)));
    out.Set("pairedSteps", number(static_cast<double>(s.paired_steps)));
    out.Set("estimatedWaitMs", number(s.estimated_wait_ms));
    out.Set("loweredThreads", number(s.lowered_threads));
    Napi::Object rates = Napi::Object::New(env);
    const char *names[FP_DIGEST_COUNT] = {"sha1", "sha256", "sha512"};
    for (int d = 0; d < FP_DIGEST_COUNT; d++) rates.Set(names[d], number(s.rate[d]));
    out.Set("iterationsPerSecond", rates);
    return out;
  }

  // Refuses new work; the threads stop once the jobs already accepted have been delivered.
  Napi::Value Close(const Napi::CallbackInfo &info) {
    closed_ = true;
    if (pending_.empty()) StopThreads();
    return info.Env().Undefined();
  }

  void StopThreads() {
    if (!pool_) return;
    final_stats_ = pool_->Stats();
    final_stats_.estimated_wait_ms = 0;
    pool_.reset();
  }

  void Finished(Napi::Env env, Job *job) {
    std::unique_ptr<Job> owned(job);
    auto it = pending_.find(job->id);
    if (it == pending_.end()) return;  // cancelled after it finished
    Napi::FunctionReference callback = std::move(it->second.callback);
    pending_.erase(it);
    Napi::Value key = TakeKey(env, job);
    owned.reset();  // wipes the key material before JavaScript runs
    AfterLastPending(env);
    callback.Call({env.Null(), key});
    if (env.IsExceptionPending()) {  // as node does for its own callbacks: an uncaught exception
      Napi::Error error = env.GetAndClearPendingException();
      napi_fatal_exception(env, error.Value());
    }
  }

  void AfterLastPending(Napi::Env env) {
    if (!pending_.empty()) return;
    tsfn_.Unref(env);
    Unref();
    if (closed_) StopThreads();
  }

  // The key as a Buffer: the job's memory itself when the runtime allows external buffers (no
  // second copy of a large key), else a copy.
  static Napi::Value TakeKey(Napi::Env env, Job *job) {
    const size_t length = job->key.length();
    napi_value buffer;
    if (length > 0) {
      uint8_t *data = job->key.data();
      if (napi_create_external_buffer(env, length, data, FreeKey, nullptr, &buffer) == napi_ok) {
        job->key.Release();
        return Napi::Value(env, buffer);
      }
    }
    return Napi::Buffer<uint8_t>::Copy(env, job->key.data(), length);
  }
  static void FreeKey(napi_env, void *data, void *) { std::free(data); }

  std::unique_ptr<HashPool> pool_;
  Tsfn tsfn_;
  Link *link_ = nullptr;
  struct Pending {
    Napi::FunctionReference callback;
    Job *job;  // owned by the pool until handed back; valid while it is in pending_
  };
  std::unordered_map<uint64_t, Pending> pending_;
  bool closed_ = false;
  PoolStats final_stats_;  // the counters once the threads have stopped
  uint64_t late_aborts_ = 0;  // cancelled after their hash was done: counted as aborted, not completed
};

void Pool::Deliver(Napi::Env env, Napi::Function, Link *link, Job *job) {
  if (env == nullptr || link == nullptr || link->owner == nullptr) {
    delete job;  // torn down before delivery
    return;
  }
  link->owner->Finished(env, job);
}

// pbkdf2Sync(password, salt, iterations, keylen, digest, key): fills `key`, a Uint8Array of keylen
// bytes allocated by the caller (so a failed allocation is JavaScript's RangeError, as for any
// Buffer, rather than V8's fatal out-of-memory).
Napi::Value Pbkdf2Sync(const Napi::CallbackInfo &info) {
  Request req;
  if (!ReadRequest(info, &req)) return info.Env().Undefined();
  Bytes key;
  if (info.Length() < 6 || !ReadBytes(info[5], &key) || key.length != req.keylen) {
    Napi::TypeError::New(info.Env(), "fastpbkdf2 native: bad output buffer").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  fp_pbkdf2(info.Env().GetInstanceData<AddonData>()->backend, req.digest, req.password.data, req.password.length,
            req.salt.data, req.salt.length, req.iterations, const_cast<uint8_t *>(key.data), key.length);
  return info.Env().Undefined();
}

Napi::Value Backends(const Napi::CallbackInfo &info) {
  Napi::Array names = Napi::Array::New(info.Env());
  uint32_t n = 0;
  for (const fp_backend *const *b = fp_backends(); *b; b++)
    if ((*b)->available()) names.Set(n++, Napi::String::New(info.Env(), (*b)->name));
  return names;
}

Napi::Value Backend(const Napi::CallbackInfo &info) {
  return Napi::String::New(info.Env(), info.Env().GetInstanceData<AddonData>()->backend->name);
}

// setBackend(name) -> true if this CPU can run it (it is then used by this thread), false otherwise.
Napi::Value SetBackend(const Napi::CallbackInfo &info) {
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(info.Env(), "backend name must be a string").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  const fp_backend *found = fp_backend_find(info[0].As<Napi::String>().Utf8Value().c_str());
  if (found) info.Env().GetInstanceData<AddonData>()->backend = found;
  return Napi::Boolean::New(info.Env(), found != nullptr);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("pbkdf2Sync", Napi::Function::New(env, Pbkdf2Sync, "pbkdf2Sync"));
  exports.Set("backends", Napi::Function::New(env, Backends, "backends"));
  exports.Set("backend", Napi::Function::New(env, Backend, "backend"));
  exports.Set("setBackend", Napi::Function::New(env, SetBackend, "setBackend"));
  exports.Set("Pool", Pool::Define(env));
  return exports;
}

}  // namespace
}  // namespace fastpbkdf2

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return fastpbkdf2::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
