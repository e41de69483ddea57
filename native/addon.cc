// N-API binding. The TypeScript layer has already validated every argument exactly as node:crypto
// does; the checks here only keep a bad call from crashing the process.
#include <napi.h>

#include <cstdlib>
#include <cstring>

#include "pbkdf2.h"

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

// Owns a heap copy of secret bytes and wipes it before freeing.
class SecretCopy {
 public:
  SecretCopy() = default;
  SecretCopy(const SecretCopy &) = delete;
  SecretCopy &operator=(const SecretCopy &) = delete;
  ~SecretCopy() { Reset(); }

  // Returns false if memory could not be had. Zero-length copies allocate nothing.
  bool Assign(const uint8_t *src, size_t n) {
    Reset();
    if (n == 0) return true;
    data_ = static_cast<uint8_t *>(std::malloc(n));
    if (!data_) return false;
    if (src) std::memcpy(data_, src, n);
    length_ = n;
    return true;
  }
  void Reset() {
    if (data_) {
      volatile uint8_t *p = data_;
      for (size_t i = 0; i < length_; i++) p[i] = 0;
      std::free(data_);
    }
    data_ = nullptr;
    length_ = 0;
  }
  uint8_t *data() const { return data_; }
  size_t length() const { return length_; }

 private:
  uint8_t *data_ = nullptr;
  size_t length_ = 0;
};

class Pbkdf2Worker : public Napi::AsyncWorker {
 public:
  Pbkdf2Worker(const Napi::Function &done, const fp_backend *backend, const Request &req)
      : Napi::AsyncWorker(done, "fastpbkdf2"), backend_(backend), iterations_(req.iterations), digest_(req.digest) {
    // Copy now: the caller may reuse its buffers as soon as pbkdf2() returns.
    ok_ = password_.Assign(req.password.data, req.password.length) && salt_.Assign(req.salt.data, req.salt.length) &&
          key_.Assign(nullptr, req.keylen);
    keylen_ = req.keylen;
  }

  bool ok() const { return ok_; }

  void Execute() override {
    fp_pbkdf2(backend_, digest_, password_.data(), password_.length(), salt_.data(), salt_.length(), iterations_,
              key_.data(), keylen_);
    password_.Reset();
    salt_.Reset();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Buffer<uint8_t> key = Napi::Buffer<uint8_t>::Copy(env, key_.data(), keylen_);
    key_.Reset();
    Callback().Call({env.Null(), key});
  }

 private:
  const fp_backend *backend_;
  uint32_t iterations_;
  fp_digest digest_;
  size_t keylen_ = 0;
  bool ok_ = false;
  SecretCopy password_, salt_, key_;
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : backend_(fp_backend_best()) {
    DefineAddon(exports, {
                             InstanceMethod("pbkdf2Sync", &Addon::Pbkdf2Sync),
                             InstanceMethod("pbkdf2", &Addon::Pbkdf2Async),
                             InstanceMethod("backends", &Addon::Backends),
                             InstanceMethod("backend", &Addon::Backend),
                             InstanceMethod("setBackend", &Addon::SetBackend),
                         });
  }

 private:
  // Each worker thread that loads the addon gets its own instance, so the chosen backend is
  // per-instance state rather than a process global.
  const fp_backend *backend_;

  Napi::Value Pbkdf2Sync(const Napi::CallbackInfo &info) {
    Request req;
    if (!ReadRequest(info, &req)) return info.Env().Undefined();
    Napi::Buffer<uint8_t> key = Napi::Buffer<uint8_t>::New(info.Env(), req.keylen);
    fp_pbkdf2(backend_, req.digest, req.password.data, req.password.length, req.salt.data, req.salt.length,
              req.iterations, key.Data(), req.keylen);
    return key;
  }

  // Extra argument 5: a function called with (null, key) on the main thread when done.
  Napi::Value Pbkdf2Async(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    Request req;
    if (!ReadRequest(info, &req)) return env.Undefined();
    if (info.Length() < 6 || !info[5].IsFunction()) {
      Napi::TypeError::New(env, "fastpbkdf2 native: callback must be a function").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto *worker = new Pbkdf2Worker(info[5].As<Napi::Function>(), backend_, req);
    if (!worker->ok()) {
      delete worker;
      Napi::Error error = Napi::Error::New(env, "Out of memory");
      error.Set("code", Napi::String::New(env, "ERR_OUT_OF_MEMORY"));
      error.ThrowAsJavaScriptException();
      return env.Undefined();
    }
    worker->Queue();
    return env.Undefined();
  }

  Napi::Value Backends(const Napi::CallbackInfo &info) {
    Napi::Array names = Napi::Array::New(info.Env());
    uint32_t n = 0;
    for (const fp_backend *const *b = fp_backends(); *b; b++)
      if ((*b)->available()) names.Set(n++, Napi::String::New(info.Env(), (*b)->name));
    return names;
  }

  Napi::Value Backend(const Napi::CallbackInfo &info) { return Napi::String::New(info.Env(), backend_->name); }

  // setBackend(name) -> true if this CPU can run it (it is then used), false otherwise.
  Napi::Value SetBackend(const Napi::CallbackInfo &info) {
    if (info.Length() < 1 || !info[0].IsString()) {
      Napi::TypeError::New(info.Env(), "backend name must be a string").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    const fp_backend *found = fp_backend_find(info[0].As<Napi::String>().Utf8Value().c_str());
    if (found) backend_ = found;
    return Napi::Boolean::New(info.Env(), found != nullptr);
  }
};

}  // namespace

NODE_API_ADDON(Addon)
