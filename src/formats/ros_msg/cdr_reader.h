// CdrReader: a bounds-checked cursor over one CDR (XCDR1) message, shared by the schema-driven
// decoder (cdr_decoder.cc) and the typed fast path (typed_messages.cc). Layout rules are in
// parity/formats/ros_msg/cdr_decoder.h. Private to the formats stage.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "parity/core/status.h"

namespace parity::ros2 {

class CdrReader {
 public:
  static constexpr std::size_t kHeaderSize = 4;

  // Reads the encapsulation header: true for little-endian (errors in cdr_decoder.h).
  static Result<bool> read_encapsulation(std::span<const std::uint8_t> data);
  // The common case of read_encapsulation() without building a Result: true (and
  // `little_endian` set) when `data` starts with a CDR_BE or CDR_LE header; false for anything
  // read_encapsulation() rejects, which then gives the error.
  static bool try_plain_encapsulation(std::span<const std::uint8_t> data, bool& little_endian) {
    if (data.size() < kHeaderSize || data[0] != 0x00 || data[1] > 0x01) return false;
    little_endian = data[1] == 0x01;
    return true;
  }

  // A cursor positioned just after the 4-byte header. Precondition: data.size() >= 4.
  CdrReader(std::span<const std::uint8_t> data, bool little_endian)
      : data_(data.data()), size_(data.size()), pos_(kHeaderSize), swap_(!little_endian) {}

  // Byte offset from the start of the message (header included).
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return size_ - pos_; }
  // Where a value of `alignment` bytes would start (may lie past the end).
  std::size_t aligned_offset(std::size_t alignment) const {
    return kHeaderSize + ((pos_ - kHeaderSize + alignment - 1) & ~(alignment - 1));
  }

  // Reads one primitive aligned to its size. False (and error() set) when it does not fit.
  template <typename T>
  bool read(T& value) {
    static_assert(std::is_arithmetic_v<T>);
    if constexpr (sizeof(T) > 1) {
      const std::size_t at = aligned_offset(sizeof(T));
      if (at > size_ || size_ - at < sizeof(T)) return truncated_at(at, sizeof(T));
      pos_ = at;
    } else {
      if (pos_ >= size_) return truncated_at(pos_, 1);
    }
    if constexpr (sizeof(T) == 1) {
      std::memcpy(&value, data_ + pos_, 1);
    } else {
      Unsigned<T> raw;
      std::memcpy(&raw, data_ + pos_, sizeof(T));
      if (swap_) raw = byteswap(raw);
      std::memcpy(&value, &raw, sizeof(T));
    }
    pos_ += sizeof(T);
    return true;
  }

  // Copies `n` unaligned bytes.
  bool read_bytes(std::uint8_t* out, std::size_t n) {
    if (n > remaining()) return truncated_at(pos_, n);
    if (n != 0) std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }
  // The same into `out` (resized to `n`; its capacity is reused).
  bool read_bytes(std::vector<std::uint8_t>& out, std::size_t n) {
    if (n > remaining()) return truncated_at(pos_, n);
    out.assign(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return true;
  }

  // Bulk-copies `n` > 0 values of an arithmetic type other than bool (each aligned to its
  // size, so one alignment before the first), byte-swapping when needed. Returns false,
  // without moving the cursor or setting error(), when they do not all fit: the caller then
  // reads them one by one with read() to report the exact failing element.
  template <typename T>
  bool try_read_array(T* out, std::size_t n) {
    static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
    const std::size_t at = sizeof(T) > 1 ? aligned_offset(sizeof(T)) : pos_;
    if (n == 0 || at > size_ || (size_ - at) / sizeof(T) < n) return false;
    std::memcpy(out, data_ + at, n * sizeof(T));
    if constexpr (sizeof(T) > 1) {
      if (swap_) {
        using U = Unsigned<T>;
        for (std::size_t i = 0; i < n; ++i) {
          U raw;
          std::memcpy(&raw, out + i, sizeof(T));
          raw = byteswap(raw);
          std::memcpy(out + i, &raw, sizeof(T));
        }
      }
    }
    pos_ = at + n * sizeof(T);
    return true;
  }

  // A u32 sequence count, checked against the bytes left: each element needs at least
  // `min_element_size` bytes (kCorrupt otherwise) and `bound` (0 = none) is not exceeded.
  bool read_count(std::uint32_t& count, std::uint64_t min_element_size, std::uint32_t bound) {
    const std::size_t at = aligned_offset(4);
    if (!read(count)) return false;
    if (bound != 0 && count > bound) [[unlikely]] {
      return count_over_bound(at, count, bound);
    }
    // count * min_element_size > remaining(), without a division or an overflow.
    std::uint64_t need = 0;
    if (__builtin_mul_overflow(std::uint64_t{count}, min_element_size, &need) || need > remaining())
        [[unlikely]] {
      return count_over_bytes_left(at, count, min_element_size);
    }
    return true;
  }

  // A CDR string: u32 length including the NUL, the bytes. The NUL is dropped. `bound` (0 =
  // none) limits the characters. kCorrupt when the length exceeds the bytes left or the bound.
  // Assigns into `out`, so its capacity is reused.
  bool read_string(std::string& out, std::uint32_t bound) {
    const std::size_t at = aligned_offset(4);
    std::uint32_t length = 0;
    if (!read(length)) return false;
    if (length > remaining()) [[unlikely]] {
      return string_over_bytes_left(at, length);
    }
    const auto* chars = reinterpret_cast<const char*>(data_ + pos_);
    std::size_t n = length;
    if (n > 0 && chars[n - 1] == '\0') --n;
    if (bound != 0 && n > bound) [[unlikely]] {
      return string_over_bound(at, n, bound);
    }
    if (out.size() == n) {
      // The common case of a reused string (same joint name, same frame): overwrite in place.
      if (n != 0) std::memcpy(out.data(), chars, n);
    } else {
      out.assign(chars, n);
    }
    pos_ += length;
    return true;
  }
  // A wstring (rmw_fastrtps layout: u32 count of UTF-16 units, one u32 per unit) as UTF-8.
  bool read_wstring(std::string& out, std::uint32_t bound);

  // The error of the last failed read: "offset N: ..." (kTruncated or kCorrupt).
  const Status& error() const { return error_; }

 private:
  template <typename T>
  using Unsigned =
      std::conditional_t<sizeof(T) == 2, std::uint16_t,
                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;

  static std::uint16_t byteswap(std::uint16_t v) { return __builtin_bswap16(v); }
  static std::uint32_t byteswap(std::uint32_t v) { return __builtin_bswap32(v); }
  static std::uint64_t byteswap(std::uint64_t v) { return __builtin_bswap64(v); }

  // Set error() and return false; out of line and cold so the read paths above stay small
  // enough to inline.
  [[gnu::cold, gnu::noinline]] bool truncated_at(std::size_t at, std::size_t need);
  [[gnu::cold, gnu::noinline]] bool corrupt_at(std::size_t at, std::string message);
  [[gnu::cold, gnu::noinline]] bool count_over_bound(std::size_t at, std::uint32_t count,
                                                     std::uint32_t bound);
  [[gnu::cold, gnu::noinline]] bool count_over_bytes_left(std::size_t at, std::uint32_t count,
                                                          std::uint64_t min_element_size);
  [[gnu::cold, gnu::noinline]] bool string_over_bytes_left(std::size_t at, std::uint32_t length);
  [[gnu::cold, gnu::noinline]] bool string_over_bound(std::size_t at, std::size_t size,
                                                      std::uint32_t bound);

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_;
  bool swap_;
  Status error_;
};

}  // namespace parity::ros2
