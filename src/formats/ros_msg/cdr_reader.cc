#include "formats/ros_msg/cdr_reader.h"

#include <fmt/format.h>

#include "formats/ros_msg/utf8.h"

namespace parity::ros2 {

Result<bool> CdrReader::read_encapsulation(std::span<const std::uint8_t> data) {
  if (data.size() < kHeaderSize) {
    return truncated(
        fmt::format("offset 0: the 4-byte CDR encapsulation header needs 4 bytes, "
                    "found {}",
                    data.size()));
  }
  // Representation identifiers: DDS-RTPS 2.5 section 10.2 / DDS-XTypes 1.3 section 7.6.3.1.2.
  const unsigned id = (static_cast<unsigned>(data[0]) << 8) | data[1];
  switch (id) {
    case 0x0000: return false;  // CDR_BE
    case 0x0001: return true;   // CDR_LE
    case 0x0002:
    case 0x0003:
      return unsupported(
          fmt::format("offset 0: parameter-list CDR (PL_CDR_{}, representation "
                      "0x{:04x}) is not supported",
                      id == 0x0002 ? "BE" : "LE", id));
    case 0x0004: return unsupported("offset 0: XML representation (0x0004) is not supported");
    default: break;
  }
  if ((id >= 0x0006 && id <= 0x000b) || (id >= 0x0010 && id <= 0x0015)) {
    return unsupported(
        fmt::format("offset 0: XCDR2 data (representation 0x{:04x}) is not supported, only XCDR1 "
                    "(0x0000 CDR_BE, 0x0001 CDR_LE)",
                    id));
  }
  return corrupt(
      fmt::format("offset 0: unknown CDR representation identifier 0x{:04x}, expected "
                  "0x0000 (CDR_BE) or 0x0001 (CDR_LE)",
                  id));
}

bool CdrReader::truncated_at(std::size_t at, std::size_t need) {
  const std::size_t left = at >= size_ ? 0 : size_ - at;
  error_ = truncated(fmt::format("offset {}: need {} bytes, {} left (message is {} bytes)", at,
                                 need, left, size_));
  return false;
}

bool CdrReader::corrupt_at(std::size_t at, std::string message) {
  error_ = corrupt(fmt::format("offset {}: {}", at, message));
  return false;
}

bool CdrReader::count_over_bound(std::size_t at, std::uint32_t count, std::uint32_t bound) {
  return corrupt_at(at, fmt::format("sequence count {} exceeds the bound {}", count, bound));
}

bool CdrReader::count_over_bytes_left(std::size_t at, std::uint32_t count,
                                      std::uint64_t min_element_size) {
  return corrupt_at(at,
                    fmt::format("sequence count {} needs at least {} bytes, {} left", count,
                                static_cast<std::uint64_t>(count) * min_element_size, remaining()));
}

bool CdrReader::string_over_bytes_left(std::size_t at, std::uint32_t length) {
  return corrupt_at(at,
                    fmt::format("string length {} exceeds the {} bytes left", length, remaining()));
}

bool CdrReader::string_over_bound(std::size_t at, std::size_t size, std::uint32_t bound) {
  return corrupt_at(at, fmt::format("string of {} bytes exceeds the bound {}", size, bound));
}

bool CdrReader::read_wstring(std::string& out, std::uint32_t bound) {
  const std::size_t at = aligned_offset(4);
  std::uint32_t units = 0;
  if (!read(units)) return false;
  if (units > remaining() / 4) {
    return corrupt_at(at, fmt::format("wstring of {} units needs {} bytes, {} left", units,
                                      static_cast<std::uint64_t>(units) * 4, remaining()));
  }
  if (bound != 0 && units > bound) {
    return corrupt_at(at, fmt::format("wstring of {} units exceeds the bound {}", units, bound));
  }
  out.clear();
  out.reserve(units);
  for (std::uint32_t i = 0; i < units; ++i) {
    std::uint32_t unit = 0;
    if (!read(unit)) return false;
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < units) {
      std::uint32_t low = 0;
      const std::size_t save = pos_;
      if (!read(low)) return false;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        ++i;
        continue;
      }
      pos_ = save;
    }
    if (unit == 0 && i + 1 == units) break;  // a terminating NUL, if the writer sent one
    append_utf8(out, unit);
  }
  return true;
}

}  // namespace parity::ros2
