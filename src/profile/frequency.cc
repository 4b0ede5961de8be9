#include "parity/profile/frequency.h"

#include <fmt/format.h>

#include "profile/byte_codec.h"

namespace parity::profile {

void Frequency::add(std::string_view value, std::uint64_t count) {
  if (count == 0) return;
  auto it = counts_.find(value);
  if (it == counts_.end()) it = counts_.emplace(std::string(value), 0).first;
  it->second += count;
  total_ += count;
}

void Frequency::merge(const Frequency& other) {
  if (&other == this) {
    for (auto& entry : counts_) entry.second *= 2;
    total_ *= 2;
    return;
  }
  for (const auto& [value, count] : other.counts_) add(value, count);
}

std::uint64_t Frequency::count(std::string_view value) const {
  const auto it = counts_.find(value);
  return it == counts_.end() ? 0 : it->second;
}

void Frequency::serialize_to(std::vector<std::uint8_t>& out) const {
  detail::ByteWriter w(out);
  w.u8(static_cast<std::uint8_t>(detail::Family::kFrequency));
  w.u8(kSerialVersion);
  w.u32(static_cast<std::uint32_t>(counts_.size()));
  for (const auto& [value, count] : counts_) {
    w.string(value);
    w.u64(count);
  }
}

std::vector<std::uint8_t> Frequency::serialize() const {
  std::vector<std::uint8_t> out;
  serialize_to(out);
  return out;
}

Result<Frequency> Frequency::deserialize(std::span<const std::uint8_t> bytes,
                                         std::uint64_t base_offset) {
  detail::ByteReader r(bytes, base_offset);
  PARITY_RETURN_IF_ERROR(r.preamble(detail::Family::kFrequency, kSerialVersion, "frequency"));
  std::uint32_t entries = 0;
  PARITY_RETURN_IF_ERROR(r.u32(entries, "frequency entry count"));
  // An entry is at least a 4-byte length and an 8-byte count.
  PARITY_RETURN_IF_ERROR(r.check_count(entries, 12, "frequency entries"));
  Frequency f;
  const std::string* previous = nullptr;
  for (std::uint32_t i = 0; i < entries; ++i) {
    const std::size_t at = r.position();
    std::string value;
    std::uint64_t count = 0;
    PARITY_RETURN_IF_ERROR(r.string(value, "frequency value"));
    PARITY_RETURN_IF_ERROR(r.u64(count, "frequency count"));
    if (previous != nullptr && !(*previous < value)) {
      return r.corrupt_at(
          at, fmt::format("frequency value {:?} does not follow {:?} in order", value, *previous));
    }
    if (count == 0) return r.corrupt_at(at, fmt::format("frequency value {:?} has count 0", value));
    if (__builtin_add_overflow(f.total_, count, &f.total_)) {
      return r.corrupt_at(at, "frequency counts add up to more than 2^64");
    }
    previous = &f.counts_.emplace_hint(f.counts_.end(), std::move(value), count)->first;
  }
  PARITY_RETURN_IF_ERROR(r.expect_end("frequency"));
  return f;
}

}  // namespace parity::profile
