// Frequency: exact counts of categorical values (attribute values such as "dim", "plant-3").
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile {

class Frequency {
 public:
  static constexpr std::uint8_t kSerialVersion = 1;

  void add(std::string_view value, std::uint64_t count = 1);
  // Adds the counts of `other` (`other` may be *this).
  void merge(const Frequency& other);

  // Count of one value; 0 when never seen.
  std::uint64_t count(std::string_view value) const;
  // Sum of all counts.
  std::uint64_t total() const { return total_; }
  // Number of distinct values.
  std::size_t distinct() const { return counts_.size(); }
  // Value -> count, ordered by value (bytewise).
  const std::map<std::string, std::uint64_t, std::less<>>& counts() const { return counts_; }

  // Layout: docs/formats/profile.md.
  void serialize_to(std::vector<std::uint8_t>& out) const;
  std::vector<std::uint8_t> serialize() const;
  // Reads counts that fill `bytes` exactly; offsets in messages are base_offset + the position
  // in `bytes`. Errors: kTruncated, kCorrupt (bad family, values not strictly increasing, a
  // zero count, counts adding up to more than 2^64), kUnsupported (another serial version).
  static Result<Frequency> deserialize(std::span<const std::uint8_t> bytes,
                                       std::uint64_t base_offset = 0);

  friend bool operator==(const Frequency& a, const Frequency& b) = default;

 private:
  std::map<std::string, std::uint64_t, std::less<>> counts_;
  std::uint64_t total_ = 0;
};

}  // namespace parity::profile
