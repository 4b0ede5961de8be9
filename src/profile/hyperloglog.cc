#include "parity/profile/hyperloglog.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "profile/byte_codec.h"

namespace parity::profile {
namespace {

// Bias constant alpha_m of the raw estimate (Flajolet et al. 2007, figure 3).
double hll_alpha(std::size_t m) {
  switch (m) {
    case 16: return 0.673;
    case 32: return 0.697;
    case 64: return 0.709;
    default: return 0.7213 / (1.0 + 1.079 / static_cast<double>(m));
  }
}

}  // namespace

Result<HyperLogLog> HyperLogLog::create(std::uint8_t precision) {
  if (precision < kMinPrecision || precision > kMaxPrecision) {
    return invalid_argument(fmt::format("HyperLogLog precision {}: expected {} to {}", precision,
                                        kMinPrecision, kMaxPrecision));
  }
  HyperLogLog h;
  h.precision_ = precision;
  h.registers_.assign(std::size_t{1} << precision, 0);
  return h;
}

void HyperLogLog::update(std::string_view value) {
  update_hash(XXH3_64bits(value.data(), value.size()));
}

void HyperLogLog::update_hash(std::uint64_t hash) {
  const std::size_t index = static_cast<std::size_t>(hash >> (64 - precision_));
  const std::uint64_t rest = hash << precision_;
  // 1 + leading zeros of the 64 - p remaining bits; 65 - p when they are all zero.
  const int rank = rest == 0 ? 65 - precision_ : std::countl_zero(rest) + 1;
  registers_[index] = std::max(registers_[index], static_cast<std::uint8_t>(rank));
}

Status HyperLogLog::merge(const HyperLogLog& other) {
  if (other.precision_ != precision_) {
    return invalid_argument(fmt::format("cannot merge HyperLogLog sketches of precision {} and {}",
                                        precision_, other.precision_));
  }
  for (std::size_t i = 0; i < registers_.size(); ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
  return {};
}

double HyperLogLog::estimate() const {
  const std::size_t m = registers_.size();
  double inverse_sum = 0.0;
  std::size_t zeros = 0;
  for (std::uint8_t r : registers_) {
    inverse_sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  const double md = static_cast<double>(m);
  const double raw = hll_alpha(m) * md * md / inverse_sum;
  if (raw <= 2.5 * md && zeros > 0) return md * std::log(md / static_cast<double>(zeros));
  return raw;
}

double HyperLogLog::relative_standard_error() const {
  return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
}

void HyperLogLog::serialize_to(std::vector<std::uint8_t>& out) const {
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(detail::Family::kHyperLogLog));
  w.u8(kSerialVersion);
  w.u8(precision_);
  w.bytes(registers_);
}

std::vector<std::uint8_t> HyperLogLog::serialize() const {
  std::vector<std::uint8_t> out;
  serialize_to(out);
  return out;
}

Result<HyperLogLog> HyperLogLog::deserialize(std::span<const std::uint8_t> bytes,
                                             std::uint64_t base_offset) {
  detail::ByteReader r(bytes, base_offset);
  PARITY_RETURN_IF_ERROR(r.preamble(detail::Family::kHyperLogLog, kSerialVersion, "HyperLogLog"));
  const std::size_t at = r.position();
  std::uint8_t precision = 0;
  PARITY_RETURN_IF_ERROR(r.u8(precision, "HyperLogLog precision"));
  if (precision < kMinPrecision || precision > kMaxPrecision) {
    return r.corrupt_at(at, fmt::format("HyperLogLog precision {}: expected {} to {}", precision,
                                        kMinPrecision, kMaxPrecision));
  }
  std::span<const std::uint8_t> registers;
  const std::size_t registers_at = r.position();
  PARITY_RETURN_IF_ERROR(r.bytes(std::size_t{1} << precision, registers, "HyperLogLog registers"));
  PARITY_RETURN_IF_ERROR(r.expect_end("HyperLogLog"));
  const int max_rank = 65 - precision;
  for (std::size_t i = 0; i < registers.size(); ++i) {
    if (registers[i] > max_rank) {
      return r.corrupt_at(registers_at + i,
                          fmt::format("HyperLogLog register {} is {}, at most {} with precision {}",
                                      i, registers[i], max_rank, precision));
    }
  }
  HyperLogLog h;
  h.precision_ = precision;
  h.registers_.assign(registers.begin(), registers.end());
  return h;
}

}  // namespace parity::profile
