#include "formats/parquet/value_encoders.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

#include "parity/core/check.h"

namespace parity::parquet::encode {

void uleb128(std::uint64_t value, std::vector<std::uint8_t>& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

void zigzag_varint(std::int64_t value, std::vector<std::uint8_t>& out) {
  uleb128((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63), out);
}

int bit_width(std::uint64_t max_value) {
  return static_cast<int>(std::bit_width(max_value));
}

namespace {

// Appends `count` values of `width` bits each, LSB first, as ceil(count * width / 8) bytes.
template <typename Unsigned>
void bit_pack(const Unsigned* values, std::size_t count, int width,
              std::vector<std::uint8_t>& out) {
  if (width == 0) return;
  std::uint64_t acc = 0;  // pending bits, LSB first
  int bits = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t v = static_cast<std::uint64_t>(values[i]);
    int remaining = width;
    while (remaining > 0) {
      const int take = std::min(remaining, 64 - bits);
      const std::uint64_t part = take == 64 ? v : (v & ((std::uint64_t{1} << take) - 1));
      acc |= bits == 64 ? 0 : (part << bits);
      bits += take;
      remaining -= take;
      v = take == 64 ? 0 : (v >> take);
      while (bits >= 8) {
        out.push_back(static_cast<std::uint8_t>(acc));
        acc >>= 8;
        bits -= 8;
      }
    }
  }
  if (bits > 0) out.push_back(static_cast<std::uint8_t>(acc));
}

template <typename T>
void rle_hybrid_impl(std::span<const T> values, int width, std::vector<std::uint8_t>& out) {
  PARITY_CHECK(width >= 0 && width <= 32);
  const std::size_t n = values.size();
  const int value_bytes = (width + 7) / 8;
  std::vector<std::uint32_t> literal;  // pending bit-packed values
  auto flush_literal = [&] {
    if (literal.empty()) return;
    const std::size_t groups = (literal.size() + 7) / 8;
    literal.resize(groups * 8, 0);
    uleb128((groups << 1) | 1, out);
    bit_pack(literal.data(), literal.size(), width, out);
    literal.clear();
  };
  std::size_t i = 0;
  while (i < n) {
    std::size_t run = 1;
    while (i + run < n && values[i + run] == values[i]) ++run;
    if (literal.size() % 8 != 0) {
      // A bit-packed run must hold a multiple of 8 values: complete the group first.
      const std::size_t take = std::min(run, 8 - literal.size() % 8);
      for (std::size_t k = 0; k < take; ++k)
        literal.push_back(static_cast<std::uint32_t>(values[i]));
      i += take;
      continue;
    }
    if (run >= 8) {
      flush_literal();
      uleb128(static_cast<std::uint64_t>(run) << 1, out);
      const auto v = static_cast<std::uint32_t>(values[i]);
      for (int b = 0; b < value_bytes; ++b) out.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
      i += run;
    } else {
      for (std::size_t k = 0; k < run; ++k)
        literal.push_back(static_cast<std::uint32_t>(values[i]));
      i += run;
    }
  }
  flush_literal();
}

template <typename T>
void plain_fixed(std::span<const T> values, std::vector<std::uint8_t>& out) {
  static_assert(std::endian::native == std::endian::little);
  const std::size_t old = out.size();
  out.resize(old + values.size_bytes());
  if (!values.empty()) std::memcpy(out.data() + old, values.data(), values.size_bytes());
}

// DELTA_BINARY_PACKED over values of width T, with arithmetic in the matching unsigned type.
template <typename T>
void delta_impl(std::span<const T> values, std::vector<std::uint8_t>& out) {
  using U = std::make_unsigned_t<T>;
  constexpr std::size_t kBlockSize = 128;
  constexpr std::size_t kMiniblocks = 4;
  constexpr std::size_t kMiniblockSize = kBlockSize / kMiniblocks;  // 32
  uleb128(kBlockSize, out);
  uleb128(kMiniblocks, out);
  uleb128(values.size(), out);
  zigzag_varint(values.empty() ? 0 : static_cast<std::int64_t>(values[0]), out);
  if (values.size() <= 1) return;

  std::vector<T> deltas(kBlockSize);
  std::vector<U> adjusted(kMiniblockSize);
  std::size_t pos = 1;  // next value whose delta is encoded
  while (pos < values.size()) {
    const std::size_t count = std::min(kBlockSize, values.size() - pos);
    T min_delta = 0;
    for (std::size_t k = 0; k < count; ++k) {
      const U d =
          static_cast<U>(static_cast<U>(values[pos + k]) - static_cast<U>(values[pos + k - 1]));
      deltas[k] = static_cast<T>(d);
      if (k == 0 || deltas[k] < min_delta) min_delta = deltas[k];
    }
    zigzag_varint(static_cast<std::int64_t>(min_delta), out);
    std::array<std::uint8_t, kMiniblocks> widths{};
    const std::size_t used_miniblocks = (count + kMiniblockSize - 1) / kMiniblockSize;
    for (std::size_t m = 0; m < used_miniblocks; ++m) {
      U max_adjusted = 0;
      for (std::size_t k = m * kMiniblockSize; k < std::min(count, (m + 1) * kMiniblockSize); ++k) {
        max_adjusted = std::max(
            max_adjusted, static_cast<U>(static_cast<U>(deltas[k]) - static_cast<U>(min_delta)));
      }
      widths[m] = static_cast<std::uint8_t>(std::bit_width(max_adjusted));
    }
    out.insert(out.end(), widths.begin(), widths.end());
    for (std::size_t m = 0; m < used_miniblocks; ++m) {
      for (std::size_t k = 0; k < kMiniblockSize; ++k) {
        const std::size_t idx = m * kMiniblockSize + k;
        // The last miniblock is padded with zeros to 32 values.
        adjusted[k] = idx < count
                          ? static_cast<U>(static_cast<U>(deltas[idx]) - static_cast<U>(min_delta))
                          : U{0};
      }
      bit_pack(adjusted.data(), kMiniblockSize, widths[m], out);
    }
    pos += count;
  }
}

template <typename T>
void byte_stream_split_impl(std::span<const T> values, std::vector<std::uint8_t>& out) {
  static_assert(std::endian::native == std::endian::little);
  constexpr std::size_t kWidth = sizeof(T);
  const std::size_t n = values.size();
  const std::size_t old = out.size();
  out.resize(old + n * kWidth);
  std::uint8_t* dst = out.data() + old;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t bytes[kWidth];
    std::memcpy(bytes, &values[i], kWidth);
    for (std::size_t k = 0; k < kWidth; ++k) dst[k * n + i] = bytes[k];
  }
}

void put_u32_le(std::uint32_t v, std::vector<std::uint8_t>& out) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
}

}  // namespace

void rle_hybrid(std::span<const std::uint32_t> values, int width, std::vector<std::uint8_t>& out) {
  rle_hybrid_impl(values, width, out);
}

void rle_hybrid_levels(std::span<const std::int16_t> levels, int width,
                       std::vector<std::uint8_t>& out) {
  rle_hybrid_impl(levels, width, out);
}

void plain(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out) {
  plain_fixed(values, out);
}
void plain(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out) {
  plain_fixed(values, out);
}
void plain(std::span<const float> values, std::vector<std::uint8_t>& out) {
  plain_fixed(values, out);
}
void plain(std::span<const double> values, std::vector<std::uint8_t>& out) {
  plain_fixed(values, out);
}

void plain_booleans(std::span<const std::uint8_t> values, std::vector<std::uint8_t>& out) {
  const std::size_t old = out.size();
  out.resize(old + (values.size() + 7) / 8, 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != 0) out[old + i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
  }
}

void plain(const ByteArrays& values, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + values.bytes.size() + 4 * values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint32_t begin = values.offsets[i];
    const std::uint32_t end = values.offsets[i + 1];
    put_u32_le(end - begin, out);
    out.insert(out.end(), values.bytes.begin() + begin, values.bytes.begin() + end);
  }
}

void rle_booleans(std::span<const std::uint8_t> values, std::vector<std::uint8_t>& out) {
  const std::size_t length_at = out.size();
  put_u32_le(0, out);
  std::vector<std::uint32_t> bits(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) bits[i] = values[i] != 0 ? 1 : 0;
  rle_hybrid_impl(std::span<const std::uint32_t>(bits), 1, out);
  const auto length = static_cast<std::uint32_t>(out.size() - length_at - 4);
  for (int b = 0; b < 4; ++b)
    out[length_at + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(length >> (8 * b));
}

void dictionary_indices(std::span<const std::uint32_t> indices, int width,
                        std::vector<std::uint8_t>& out) {
  out.push_back(static_cast<std::uint8_t>(width));
  rle_hybrid_impl(indices, width, out);
}

void delta_binary_packed(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out) {
  delta_impl(values, out);
}
void delta_binary_packed(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out) {
  delta_impl(values, out);
}

void delta_length_byte_array(const ByteArrays& values, std::vector<std::uint8_t>& out) {
  std::vector<std::int32_t> lengths(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    lengths[i] = static_cast<std::int32_t>(values.offsets[i + 1] - values.offsets[i]);
  }
  delta_impl(std::span<const std::int32_t>(lengths), out);
  out.insert(out.end(), values.bytes.begin() + values.offsets.front(),
             values.bytes.begin() + values.offsets.back());
}

void delta_byte_array(const ByteArrays& values, std::vector<std::uint8_t>& out) {
  std::vector<std::int32_t> prefixes(values.size());
  ByteArrays suffixes;
  suffixes.offsets.reserve(values.size() + 1);
  std::string_view previous;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string_view v(reinterpret_cast<const char*>(values.bytes.data()) + values.offsets[i],
                             values.offsets[i + 1] - values.offsets[i]);
    const std::size_t limit = std::min(v.size(), previous.size());
    std::size_t prefix = 0;
    while (prefix < limit && v[prefix] == previous[prefix]) ++prefix;
    prefixes[i] = static_cast<std::int32_t>(prefix);
    suffixes.bytes.insert(suffixes.bytes.end(), v.begin() + static_cast<std::ptrdiff_t>(prefix),
                          v.end());
    suffixes.offsets.push_back(static_cast<std::uint32_t>(suffixes.bytes.size()));
    previous = v;
  }
  delta_impl(std::span<const std::int32_t>(prefixes), out);
  delta_length_byte_array(suffixes, out);
}

void byte_stream_split(std::span<const float> values, std::vector<std::uint8_t>& out) {
  byte_stream_split_impl(values, out);
}
void byte_stream_split(std::span<const double> values, std::vector<std::uint8_t>& out) {
  byte_stream_split_impl(values, out);
}
void byte_stream_split(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out) {
  byte_stream_split_impl(values, out);
}
void byte_stream_split(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out) {
  byte_stream_split_impl(values, out);
}

}  // namespace parity::parquet::encode
