// Content hashing: xxHash3-128 (XXH3_128bits). Used for source content hashes and stable
// episode ids, so re-ingesting the same bytes never duplicates anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "parity/core/status.h"

namespace parity {

struct Hash128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  // 32 lower-case hex digits, high word first (the canonical XXH128 representation).
  std::string to_hex() const;
  friend bool operator==(const Hash128&, const Hash128&) = default;
};

// Streaming hasher; feed bytes in order with update(), read with digest(). Not thread-safe.
class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  Hash128 digest() const;

 private:
  void* state_;  // XXH3_state_t*, kept opaque so callers need not include xxhash.h
};

Hash128 hash_bytes(std::span<const std::uint8_t> bytes);
Hash128 hash_string(std::string_view text);

// Hashes a whole file by streaming it in 1 MiB blocks. Errors: kNotFound, kIoError.
Result<Hash128> hash_file(const std::filesystem::path& path);

}  // namespace parity
