// CRC-32 with the IEEE 802.3 / zlib polynomial (reflected 0xEDB88320, initial value and final
// xor 0xFFFFFFFF): the checksum MCAP uses for chunks, attachments, the data section and the
// summary (MCAP spec, "Chunk", "Attachment", "Data End", "Footer"). Equal to zlib's crc32().
//
// On the chunk-reading hot path: carry-less multiplication folding (PCLMULQDQ) on x86-64 CPUs
// that have it (runtime check), table-driven slicing by 8 bytes otherwise and for tails.
#pragma once

#include <cstdint>
#include <span>

namespace parity {

// Extends a finished CRC with `bytes`, zlib style: crc32_update(crc32_update(0, a), b) equals
// crc32(a ++ b). Start from 0.
std::uint32_t crc32_update(std::uint32_t crc, std::span<const std::uint8_t> bytes);

// CRC-32 of `bytes`.
inline std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  return crc32_update(0, bytes);
}

// Streaming form of crc32_update for data that arrives in pieces. Not thread-safe.
class Crc32 {
 public:
  void update(std::span<const std::uint8_t> bytes) { value_ = crc32_update(value_, bytes); }
  std::uint32_t value() const { return value_; }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace parity
