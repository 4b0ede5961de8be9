// Little-endian encoding shared by the profile sketches' serialize / deserialize (layouts in
// docs/formats/profile.md). Private to the profile stage.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile::detail {

// Sketch family ids: the first byte of every serialized sketch (its preamble is the family id
// then the sketch's own serial version).
enum class Family : std::uint8_t {
  kKll = 1,
  kHistogram = 2,
  kMoments = 3,
  kHyperLogLog = 4,
  kFrequency = 5,
};

// Appends little-endian values to a byte vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }
  void f64(double v) { put(std::bit_cast<std::uint64_t>(v)); }
  // u32 length, then the bytes. Precondition: s.size() < 2^32.
  void string(std::string_view s);
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  std::size_t size() const { return out_.size(); }
  // Overwrites the u64 at `offset` (a length reserved with u64(0) earlier).
  void patch_u64(std::size_t offset, std::uint64_t v);

 private:
  template <typename T>
  void put(T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
  }
  std::vector<std::uint8_t>& out_;
};

// Bounds-checked little-endian reads from a span. Offsets in error messages are
// base_offset + the position in the span, so they are positions in the enclosing file.
// Every read returns kTruncated ("offset N: <what>: needs K bytes, M left") when the span ends
// first. The span must outlive the reader.
class ByteReader {
 public:
  ByteReader(std::span<const std::uint8_t> bytes, std::uint64_t base_offset)
      : bytes_(bytes), base_offset_(base_offset) {}

  Status u8(std::uint8_t& v, std::string_view what);
  Status u16(std::uint16_t& v, std::string_view what);
  Status u32(std::uint32_t& v, std::string_view what);
  Status u64(std::uint64_t& v, std::string_view what);
  Status f64(double& v, std::string_view what);
  // u32 length then bytes; the length is checked against the bytes left before allocating.
  Status string(std::string& v, std::string_view what);
  // The next `n` bytes as a view into the input.
  Status bytes(std::size_t n, std::span<const std::uint8_t>& v, std::string_view what);
  // kTruncated unless `count` elements of at least `min_element_bytes` each fit in the bytes
  // left: call before reserving memory for `count` elements.
  Status check_count(std::uint64_t count, std::uint64_t min_element_bytes, std::string_view what);
  // Reads the family id and serial version of a sketch preamble. Errors: kCorrupt (another
  // family), kUnsupported (a version other than `version`).
  Status preamble(Family family, std::uint8_t version, std::string_view what);
  // kCorrupt when bytes are left over.
  Status expect_end(std::string_view what) const;

  std::size_t remaining() const { return bytes_.size() - pos_; }
  std::size_t position() const { return pos_; }
  // Absolute offset of the next byte, for error messages.
  std::uint64_t offset() const { return base_offset_ + pos_; }
  // "offset N: " + message, N the absolute offset of `at` (a position in the span).
  Status corrupt_at(std::size_t at, std::string_view message) const;

 private:
  Status need(std::size_t n, std::string_view what) const;
  template <typename T>
  T get() {
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      v = static_cast<T>(v | static_cast<T>(static_cast<T>(bytes_[pos_ + i]) << (8 * i)));
    }
    pos_ += sizeof(T);
    return v;
  }

  std::span<const std::uint8_t> bytes_;
  std::uint64_t base_offset_ = 0;
  std::size_t pos_ = 0;
};

}  // namespace parity::profile::detail
