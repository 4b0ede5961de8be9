#include "profile/byte_codec.h"

#include <fmt/format.h>

namespace parity::profile::detail {

void ByteWriter::string(std::string_view s) {
  PARITY_CHECK(s.size() <= UINT32_MAX);
  u32(static_cast<std::uint32_t>(s.size()));
  out_.insert(out_.end(), s.begin(), s.end());
}

void ByteWriter::patch_u64(std::size_t offset, std::uint64_t v) {
  PARITY_CHECK(offset + 8 <= out_.size());
  for (std::size_t i = 0; i < 8; ++i) {
    out_[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
}

Status ByteReader::need(std::size_t n, std::string_view what) const {
  if (n > remaining()) {
    return truncated(
        fmt::format("offset {}: {}: needs {} bytes, {} left", offset(), what, n, remaining()));
  }
  return {};
}

Status ByteReader::u8(std::uint8_t& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(1, what));
  v = get<std::uint8_t>();
  return {};
}

Status ByteReader::u16(std::uint16_t& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(2, what));
  v = get<std::uint16_t>();
  return {};
}

Status ByteReader::u32(std::uint32_t& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(4, what));
  v = get<std::uint32_t>();
  return {};
}

Status ByteReader::u64(std::uint64_t& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(8, what));
  v = get<std::uint64_t>();
  return {};
}

Status ByteReader::f64(double& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(8, what));
  v = std::bit_cast<double>(get<std::uint64_t>());
  return {};
}

Status ByteReader::string(std::string& v, std::string_view what) {
  std::uint32_t length = 0;
  PARITY_RETURN_IF_ERROR(u32(length, what));
  PARITY_RETURN_IF_ERROR(need(length, what));
  v.assign(reinterpret_cast<const char*>(bytes_.data() + pos_), length);
  pos_ += length;
  return {};
}

Status ByteReader::bytes(std::size_t n, std::span<const std::uint8_t>& v, std::string_view what) {
  PARITY_RETURN_IF_ERROR(need(n, what));
  v = bytes_.subspan(pos_, n);
  pos_ += n;
  return {};
}

Status ByteReader::check_count(std::uint64_t count, std::uint64_t min_element_bytes,
                               std::string_view what) {
  if (min_element_bytes > 0 && count > remaining() / min_element_bytes) {
    return truncated(
        fmt::format("offset {}: {}: {} entries of at least {} bytes need more than "
                    "the {} bytes left",
                    offset(), what, count, min_element_bytes, remaining()));
  }
  return {};
}

Status ByteReader::preamble(Family family, std::uint8_t version, std::string_view what) {
  const std::size_t at = pos_;
  std::uint8_t found_family = 0;
  std::uint8_t found_version = 0;
  PARITY_RETURN_IF_ERROR(u8(found_family, what));
  PARITY_RETURN_IF_ERROR(u8(found_version, what));
  if (found_family != static_cast<std::uint8_t>(family)) {
    return corrupt_at(at, fmt::format("{}: expected sketch family {}, found {}", what,
                                      static_cast<int>(family), found_family));
  }
  if (found_version != version) {
    return {StatusCode::kUnsupported,
            fmt::format("offset {}: {}: serial version {}, this build reads version {}",
                        base_offset_ + at + 1, what, found_version, version)};
  }
  return {};
}

Status ByteReader::expect_end(std::string_view what) const {
  if (remaining() != 0) {
    return corrupt(fmt::format("offset {}: {}: {} unexpected bytes after the end", offset(), what,
                               remaining()));
  }
  return {};
}

Status ByteReader::corrupt_at(std::size_t at, std::string_view message) const {
  return corrupt(fmt::format("offset {}: {}", base_offset_ + at, message));
}

}  // namespace parity::profile::detail
