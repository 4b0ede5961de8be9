#include "parity/core/hash.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace parity {
namespace {
XXH3_state_t* as_state(void* p) {
  return static_cast<XXH3_state_t*>(p);
}
}  // namespace

std::string Hash128::to_hex() const {
  return fmt::format("{:016x}{:016x}", high, low);
}

ContentHasher::ContentHasher() : state_(XXH3_createState()) {
  PARITY_CHECK(state_ != nullptr);
  XXH3_128bits_reset(as_state(state_));
}

ContentHasher::~ContentHasher() {
  XXH3_freeState(as_state(state_));
}

void ContentHasher::update(std::span<const std::uint8_t> bytes) {
  XXH3_128bits_update(as_state(state_), bytes.data(), bytes.size());
}

void ContentHasher::update(std::string_view text) {
  XXH3_128bits_update(as_state(state_), text.data(), text.size());
}

Hash128 ContentHasher::digest() const {
  const XXH128_hash_t h = XXH3_128bits_digest(as_state(state_));
  return {h.high64, h.low64};
}

Hash128 hash_bytes(std::span<const std::uint8_t> bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.high64, h.low64};
}

Hash128 hash_string(std::string_view text) {
  const XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return {h.high64, h.low64};
}

Result<Hash128> hash_file(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    const int err = errno;
    const std::string message =
        fmt::format("{}: cannot open: {}", path.string(), std::strerror(err));
    return err == ENOENT ? not_found(message) : io_error(message);
  }
  ContentHasher hasher;
  std::vector<std::uint8_t> block(1 << 20);
  while (true) {
    const std::size_t n = std::fread(block.data(), 1, block.size(), file.get());
    if (n > 0) hasher.update(std::span(block.data(), n));
    if (n < block.size()) {
      if (std::ferror(file.get())) {
        return io_error(fmt::format("{}: read failed: {}", path.string(), std::strerror(errno)));
      }
      break;
    }
  }
  return hasher.digest();
}

}  // namespace parity
