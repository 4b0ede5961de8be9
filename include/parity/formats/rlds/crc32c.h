// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF),
// the checksum of TFRecord framing, and TFRecord's masking of it.
//
// SSE4.2's CRC32 instruction on x86-64 CPUs that have it (runtime check), table-driven slicing
// by 8 bytes otherwise. Both give identical results (tested against RFC 3720 B.4 vectors).
#pragma once

#include <cstdint>
#include <span>

namespace parity::rlds {

// Extends a finished CRC-32C with `bytes`: crc32c_update(crc32c_update(0, a), b) equals
// crc32c(a ++ b). Start from 0.
std::uint32_t crc32c_update(std::uint32_t crc, std::span<const std::uint8_t> bytes);

inline std::uint32_t crc32c(std::span<const std::uint8_t> bytes) {
  return crc32c_update(0, bytes);
}

// The portable table-driven implementation (exposed for tests and benchmarks).
std::uint32_t crc32c_update_portable(std::uint32_t crc, std::span<const std::uint8_t> bytes);

// TFRecord's masked CRC (tensorflow/core/lib/hash/crc32c.h, Mask()):
// ((crc >> 15) | (crc << 17)) + 0xa282ead8, wrapping.
inline std::uint32_t mask_crc32c(std::uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

inline std::uint32_t masked_crc32c(std::span<const std::uint8_t> bytes) {
  return mask_crc32c(crc32c(bytes));
}

}  // namespace parity::rlds
