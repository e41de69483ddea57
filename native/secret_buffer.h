// Heap bytes that held secrets: wiped before they are freed.
#ifndef FASTPBKDF2_SECRET_BUFFER_H
#define FASTPBKDF2_SECRET_BUFFER_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace fastpbkdf2 {

class SecretBuffer {
 public:
  SecretBuffer() = default;
  SecretBuffer(const SecretBuffer &) = delete;
  SecretBuffer &operator=(const SecretBuffer &) = delete;
  ~SecretBuffer() { Reset(); }

  // Copies n bytes. False if memory could not be had.
  bool Assign(const uint8_t *src, size_t n) {
    if (!Allocate(n)) return false;
    if (n > 0) std::memcpy(data_, src, n);
    return true;
  }

  // n bytes left uninitialised (they are all written before being read). False if memory could not be had.
  bool Allocate(size_t n) {
    Reset();
    if (n == 0) return true;
    data_ = static_cast<uint8_t *>(std::malloc(n));
    if (!data_) return false;
    length_ = n;
    return true;
  }

  // Hands the bytes over (to be freed with std::free) without wiping them.
  uint8_t *Release() {
    uint8_t *data = data_;
    data_ = nullptr;
    length_ = 0;
    return data;
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

}  // namespace fastpbkdf2

#endif
