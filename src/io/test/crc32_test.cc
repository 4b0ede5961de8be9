#include "parity/io/crc32.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

namespace parity {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Bit-at-a-time reference implementation of the reflected IEEE CRC-32.
std::uint32_t reference_crc32(std::span<const std::uint8_t> data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(crc32({}), 0u);
  EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926u);  // the standard check value
  EXPECT_EQ(crc32(bytes_of("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32, MatchesReferenceAtEveryLengthAndAlignment) {
  std::mt19937 rng(1);
  std::vector<std::uint8_t> data(4096 + 16);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t n : {0,  1,  7,   8,   9,   15,  16,  17,  63,   64,   65,
                          79, 80, 127, 128, 129, 191, 192, 200, 1000, 4095, 4096}) {
      const std::span<const std::uint8_t> slice(data.data() + offset, n);
      EXPECT_EQ(crc32(slice), reference_crc32(slice)) << "offset " << offset << " n " << n;
    }
  }
}

TEST(Crc32, StreamingEqualsOneShot) {
  const std::string_view text = "MCAP chunk records, fed to the CRC in uneven pieces";
  Crc32 crc;
  crc.update(bytes_of(text.substr(0, 5)));
  crc.update(bytes_of(text.substr(5, 13)));
  crc.update(bytes_of(text.substr(18)));
  EXPECT_EQ(crc.value(), crc32(bytes_of(text)));
  EXPECT_EQ(crc32_update(crc32(bytes_of(text.substr(0, 9))), bytes_of(text.substr(9))),
            crc32(bytes_of(text)));
}

}  // namespace
}  // namespace parity
