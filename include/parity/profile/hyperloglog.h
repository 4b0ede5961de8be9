// HyperLogLog distinct counter (Flajolet, Fusy, Gandouet, Meunier, "HyperLogLog: the analysis
// of a near-optimal cardinality estimation algorithm", AofA 2007) over the 64-bit XXH3 hash of
// each value: 2^p one-byte registers, the top p hash bits pick a register, which keeps the
// largest 1 + number of leading zeros of the remaining 64 - p bits. Standard error
// 1.04 / sqrt(2^p): 1.6% at the default p = 12 (4 KiB of registers).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity::profile {

class HyperLogLog {
 public:
  static constexpr std::uint8_t kMinPrecision = 4;
  static constexpr std::uint8_t kMaxPrecision = 18;
  static constexpr std::uint8_t kDefaultPrecision = 12;
  static constexpr std::uint8_t kSerialVersion = 1;

  // Errors: kInvalidArgument when p is outside [kMinPrecision, kMaxPrecision].
  static Result<HyperLogLog> create(std::uint8_t precision = kDefaultPrecision);

  // Counts `value` (the bytes of the string; "" is a value like any other).
  void update(std::string_view value);
  // Counts a value by its 64-bit hash (XXH3_64bits, seed 0, of the value's bytes).
  void update_hash(std::uint64_t hash);
  // Register-wise maximum. Errors: kInvalidArgument when the precisions differ (unchanged).
  Status merge(const HyperLogLog& other);

  // Estimated number of distinct values: the raw estimate alpha_m m^2 / sum 2^-register, or
  // linear counting m ln(m / V) when the raw estimate is at most 2.5 m and V > 0 registers are
  // zero (Flajolet et al., section 4). No large-range correction is needed with 64-bit hashes.
  double estimate() const;
  // 1.04 / sqrt(2^p).
  double relative_standard_error() const;
  std::uint8_t precision() const { return precision_; }
  const std::vector<std::uint8_t>& registers() const { return registers_; }

  // Layout: docs/formats/profile.md.
  void serialize_to(std::vector<std::uint8_t>& out) const;
  std::vector<std::uint8_t> serialize() const;
  // Reads a sketch that fills `bytes` exactly; offsets in messages are base_offset + the
  // position in `bytes`. Errors: kTruncated, kCorrupt (bad family, precision, or a register
  // above 65 - p), kUnsupported (another serial version).
  static Result<HyperLogLog> deserialize(std::span<const std::uint8_t> bytes,
                                         std::uint64_t base_offset = 0);

  friend bool operator==(const HyperLogLog& a, const HyperLogLog& b) = default;

 private:
  HyperLogLog() = default;

  std::uint8_t precision_ = 0;
  std::vector<std::uint8_t> registers_;
};

}  // namespace parity::profile
