#include "formats/parquet/value_decoders.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>

namespace parity::parquet {

static_assert(std::endian::native == std::endian::little,
              "the Parquet decoders assume a little-endian host");

namespace {

Status need_bytes(std::uint64_t need, std::uint64_t have, std::string_view what) {
  if (need > have) {
    return corrupt(fmt::format("{}: needs {} bytes, {} left in the page", what, need, have));
  }
  return {};
}

// Appends bytes as one more value of `out`; offsets are 32-bit.
Status append_bytes(ByteArrays& out, const std::uint8_t* data, std::size_t size) {
  const std::uint64_t end = out.bytes.size() + size;
  if (end > std::numeric_limits<std::uint32_t>::max()) {
    return unsupported("a batch holds more than 4 GiB of byte-array data; use smaller batches");
  }
  out.bytes.insert(out.bytes.end(), data, data + size);
  out.offsets.push_back(static_cast<std::uint32_t>(end));
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Bit unpacking.

namespace {

// Unpacks 8 values of W bits from the W bytes at `in` (one bit-packed group).
template <int W, typename T>
void unpack8(const std::uint8_t* in, T* out) {
  if constexpr (W <= 8) {
    // The whole group fits one 64-bit word.
    std::uint64_t word = 0;
    std::memcpy(&word, in, W);
    constexpr std::uint64_t kMask = (std::uint64_t{1} << W) - 1;
    for (int k = 0; k < 8; ++k) out[k] = static_cast<T>((word >> (k * W)) & kMask);
    return;
  }
  std::uint64_t words[5] = {0, 0, 0, 0, 0};
  std::memcpy(words, in, W);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(words);
  constexpr std::uint64_t kMask = (std::uint64_t{1} << W) - 1;
  for (int k = 0; k < 8; ++k) {
    constexpr int kBits = W;
    const int bit = k * kBits;
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + bit / 8, 8);
    out[k] = static_cast<T>((word >> (bit % 8)) & kMask);
  }
}

template <typename T, int... W>
constexpr auto make_unpack8_table(std::integer_sequence<int, W...>) {
  using Fn = void (*)(const std::uint8_t*, T*);
  return std::array<Fn, sizeof...(W)>{&unpack8<W + 1, T>...};
}

// unpack8 for widths 1..32.
template <typename T>
constexpr auto kUnpack8 = make_unpack8_table<T>(std::make_integer_sequence<int, 32>{});

}  // namespace

template <typename T>
void unpack_bits(std::span<const std::uint8_t> in, std::uint64_t bit_offset, int width, T* out,
                 std::size_t count) {
  if (width == 0) {
    std::fill_n(out, count, T{0});
    return;
  }
  const std::uint8_t* p = in.data();
  const std::size_t size = in.size();
  std::uint64_t bit = bit_offset;
  // Whole byte-aligned groups of 8 values: one table call per group.
  if (width <= 32 && (bit & 7) == 0 && count >= 8) {
    const auto fn = kUnpack8<T>[static_cast<std::size_t>(width - 1)];
    const std::size_t groups = count / 8;
    const std::uint8_t* src = p + (bit >> 3);
    for (std::size_t g = 0; g < groups; ++g) {
      fn(src, out);
      src += width;
      out += 8;
    }
    bit += static_cast<std::uint64_t>(groups) * 8 * static_cast<unsigned>(width);
    count -= groups * 8;
  }
  const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
  for (std::size_t i = 0; i < count; ++i, bit += static_cast<std::uint64_t>(width)) {
    const std::size_t byte = static_cast<std::size_t>(bit >> 3);
    const unsigned shift = static_cast<unsigned>(bit & 7);
    std::uint64_t word = 0;
    if (byte + 8 <= size) {
      std::memcpy(&word, p + byte, 8);
    } else {
      std::memcpy(&word, p + byte, size - byte);
    }
    std::uint64_t v = word >> shift;
    if (shift + static_cast<unsigned>(width) > 64) {
      const std::uint64_t extra = byte + 8 < size ? p[byte + 8] : 0;
      v |= extra << (64 - shift);
    }
    out[i] = static_cast<T>(v & mask);
  }
}

template void unpack_bits<std::uint8_t>(std::span<const std::uint8_t>, std::uint64_t, int,
                                        std::uint8_t*, std::size_t);
template void unpack_bits<std::int16_t>(std::span<const std::uint8_t>, std::uint64_t, int,
                                        std::int16_t*, std::size_t);
template void unpack_bits<std::uint32_t>(std::span<const std::uint8_t>, std::uint64_t, int,
                                         std::uint32_t*, std::size_t);
template void unpack_bits<std::uint64_t>(std::span<const std::uint8_t>, std::uint64_t, int,
                                         std::uint64_t*, std::size_t);

// ---------------------------------------------------------------------------------------------
// RLE / bit-packing hybrid.

void RleBitPackedDecoder::reset(std::span<const std::uint8_t> data, int bit_width) {
  PARITY_CHECK(bit_width >= 0 && bit_width <= 32);
  data_ = data;
  pos_ = 0;
  bit_width_ = bit_width;
  literal_ = false;
  run_left_ = 0;
  repeated_ = 0;
  literal_start_ = 0;
  literal_bit_ = 0;
}

Status RleBitPackedDecoder::next_run() {
  if (pos_ >= data_.size()) {
    return corrupt(fmt::format(
        "RLE/bit-packed data ({} bytes, bit width {}) ends before the values it must hold",
        data_.size(), bit_width_));
  }
  std::uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size() || shift > 63) {
      return corrupt(
          fmt::format("RLE/bit-packed run header at byte {} is cut off or too long", pos_));
    }
    const std::uint8_t byte = data_[pos_++];
    header |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  if ((header & 1) != 0) {
    // Bit-packed run: (header >> 1) groups of 8 values, groups * bit_width bytes. A final run
    // cut short by the end of the data keeps the values its bytes hold.
    const std::uint64_t groups = header >> 1;
    const std::uint64_t available = data_.size() - pos_;
    std::uint64_t values = groups > (std::numeric_limits<std::uint64_t>::max() >> 4)
                               ? std::numeric_limits<std::uint64_t>::max() >> 1
                               : groups * 8;
    std::uint64_t bytes =
        groups > (std::uint64_t{1} << 56) ? available : groups * static_cast<unsigned>(bit_width_);
    if (bit_width_ > 0 && bytes > available) {
      bytes = available;
      values = std::min(values, available * 8 / static_cast<unsigned>(bit_width_));
    }
    literal_ = true;
    literal_start_ = pos_;
    literal_bit_ = 0;
    run_left_ = values;
    pos_ += static_cast<std::size_t>(bytes);
    return {};
  }
  const std::size_t value_bytes = static_cast<std::size_t>((bit_width_ + 7) / 8);
  if (value_bytes > data_.size() - pos_) {
    return corrupt(fmt::format("RLE run value at byte {} is cut off", pos_));
  }
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < value_bytes; ++i) {
    value |= static_cast<std::uint32_t>(data_[pos_ + i]) << (8 * i);
  }
  pos_ += value_bytes;
  literal_ = false;
  repeated_ = value;
  run_left_ = header >> 1;
  return {};
}

template <typename T>
Status RleBitPackedDecoder::get(T* out, std::size_t n) {
  while (n > 0) {
    if (run_left_ == 0) {
      PARITY_RETURN_IF_ERROR(next_run());
      continue;
    }
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, run_left_));
    if (literal_) {
      unpack_bits(data_.subspan(literal_start_, pos_ - literal_start_), literal_bit_, bit_width_,
                  out, take);
      literal_bit_ += static_cast<std::uint64_t>(take) * static_cast<unsigned>(bit_width_);
    } else {
      std::fill_n(out, take, static_cast<T>(repeated_));
    }
    out += take;
    n -= take;
    run_left_ -= take;
  }
  return {};
}

template Status RleBitPackedDecoder::get<std::int16_t>(std::int16_t*, std::size_t);
template Status RleBitPackedDecoder::get<std::uint32_t>(std::uint32_t*, std::size_t);

Status RleBitPackedDecoder::skip(std::size_t n) {
  while (n > 0) {
    if (run_left_ == 0) {
      PARITY_RETURN_IF_ERROR(next_run());
      continue;
    }
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, run_left_));
    if (literal_)
      literal_bit_ += static_cast<std::uint64_t>(take) * static_cast<unsigned>(bit_width_);
    n -= take;
    run_left_ -= take;
  }
  return {};
}

Status decode_bit_packed_msb(std::span<const std::uint8_t> in, int width, std::int16_t* out,
                             std::size_t n) {
  const std::uint64_t bits = static_cast<std::uint64_t>(n) * static_cast<unsigned>(width);
  if ((bits + 7) / 8 > in.size()) {
    return corrupt(fmt::format("BIT_PACKED levels: {} values of {} bits need {} bytes, {} left", n,
                               width, (bits + 7) / 8, in.size()));
  }
  std::uint64_t bit = 0;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned v = 0;
    for (int b = 0; b < width; ++b, ++bit) {
      v = (v << 1) | ((in[static_cast<std::size_t>(bit >> 3)] >> (7 - (bit & 7))) & 1u);
    }
    out[i] = static_cast<std::int16_t>(v);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// DELTA_BINARY_PACKED.

Status DeltaBinaryPackedDecoder::read_varint(std::uint64_t& out) {
  out = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size()) {
      return corrupt(fmt::format("DELTA_BINARY_PACKED: varint at byte {} is cut off", pos_));
    }
    if (shift > 63) {
      return corrupt(fmt::format("DELTA_BINARY_PACKED: varint at byte {} is too long", pos_));
    }
    const std::uint8_t byte = data_[pos_++];
    out |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return {};
  }
}

Status DeltaBinaryPackedDecoder::init(std::span<const std::uint8_t> data,
                                      std::uint64_t max_values) {
  data_ = data;
  pos_ = 0;
  emitted_ = 0;
  delta_pos_ = delta_count_ = 0;
  std::uint64_t first = 0;
  PARITY_RETURN_IF_ERROR(read_varint(block_size_));
  PARITY_RETURN_IF_ERROR(read_varint(miniblocks_));
  PARITY_RETURN_IF_ERROR(read_varint(total_));
  PARITY_RETURN_IF_ERROR(read_varint(first));
  if (block_size_ == 0 || block_size_ > (1u << 20) || miniblocks_ == 0 ||
      block_size_ % miniblocks_ != 0 || (block_size_ / miniblocks_) % 8 != 0) {
    return corrupt(fmt::format(
        "DELTA_BINARY_PACKED: block size {} with {} miniblocks (expected a block of at most 2^20 "
        "values split into miniblocks of a multiple of 8 values)",
        block_size_, miniblocks_));
  }
  if (total_ > max_values) {
    return corrupt(fmt::format("DELTA_BINARY_PACKED: {} values declared, the page holds at most {}",
                               total_, max_values));
  }
  per_miniblock_ = block_size_ / miniblocks_;
  last_ = (first >> 1) ^ (~(first & 1) + 1);
  widths_.assign(static_cast<std::size_t>(miniblocks_), 0);
  deltas_.resize(static_cast<std::size_t>(per_miniblock_));
  miniblock_ = static_cast<std::size_t>(miniblocks_);
  return {};
}

Status DeltaBinaryPackedDecoder::start_block() {
  std::uint64_t raw = 0;
  PARITY_RETURN_IF_ERROR(read_varint(raw));
  min_delta_ = (raw >> 1) ^ (~(raw & 1) + 1);
  if (miniblocks_ > data_.size() - pos_) {
    return corrupt(fmt::format(
        "DELTA_BINARY_PACKED: {} miniblock bit widths at byte {} are cut off", miniblocks_, pos_));
  }
  std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(pos_), miniblocks_, widths_.begin());
  pos_ += static_cast<std::size_t>(miniblocks_);
  miniblock_ = 0;
  return {};
}

Status DeltaBinaryPackedDecoder::start_miniblock() {
  if (miniblock_ >= miniblocks_) PARITY_RETURN_IF_ERROR(start_block());
  const int width = widths_[miniblock_];
  if (width > 64) {
    return corrupt(fmt::format("DELTA_BINARY_PACKED: miniblock bit width {} exceeds 64", width));
  }
  const std::uint64_t needed = std::min(per_miniblock_, total_ - emitted_);
  const std::uint64_t full_bytes = per_miniblock_ * static_cast<unsigned>(width) / 8;
  const std::uint64_t needed_bytes = (needed * static_cast<unsigned>(width) + 7) / 8;
  const std::uint64_t available = data_.size() - pos_;
  if (needed_bytes > available) {
    return corrupt(
        fmt::format("DELTA_BINARY_PACKED: miniblock at byte {} needs {} bytes for {} values of {} "
                    "bits, {} left",
                    pos_, needed_bytes, needed, width, available));
  }
  unpack_bits(data_.subspan(pos_, static_cast<std::size_t>(std::min(full_bytes, available))), 0,
              width, deltas_.data(), static_cast<std::size_t>(needed));
  pos_ += static_cast<std::size_t>(std::min(full_bytes, available));
  delta_pos_ = 0;
  delta_count_ = static_cast<std::size_t>(needed);
  ++miniblock_;
  return {};
}

template <typename T>
Status DeltaBinaryPackedDecoder::get(T* out, std::size_t n) {
  if (n > values_left()) {
    return corrupt(
        fmt::format("DELTA_BINARY_PACKED: {} values requested, {} left", n, values_left()));
  }
  std::size_t i = 0;
  if (n > 0 && emitted_ == 0) {
    out[i++] = static_cast<T>(last_);
    ++emitted_;
  }
  while (i < n) {
    if (delta_pos_ == delta_count_) PARITY_RETURN_IF_ERROR(start_miniblock());
    const std::size_t take = std::min(n - i, delta_count_ - delta_pos_);
    std::uint64_t last = last_;
    const std::uint64_t min_delta = min_delta_;
    const std::uint64_t* deltas = deltas_.data() + delta_pos_;
    for (std::size_t k = 0; k < take; ++k) {
      last += min_delta + deltas[k];
      out[i + k] = static_cast<T>(last);
    }
    last_ = last;
    i += take;
    delta_pos_ += take;
    emitted_ += take;
  }
  return {};
}

template Status DeltaBinaryPackedDecoder::get<std::int32_t>(std::int32_t*, std::size_t);
template Status DeltaBinaryPackedDecoder::get<std::int64_t>(std::int64_t*, std::size_t);

// ---------------------------------------------------------------------------------------------
// Typed value vectors.

void reset_values(ValueVector& values, PhysicalType type) {
  auto reset = [&](auto tag) {
    using V = decltype(tag);
    if (auto* v = std::get_if<V>(&values)) {
      v->clear();
    } else {
      values.emplace<V>();
    }
  };
  switch (type) {
    case PhysicalType::kBoolean: reset(std::vector<bool>{}); break;
    case PhysicalType::kInt32: reset(std::vector<std::int32_t>{}); break;
    case PhysicalType::kInt64: reset(std::vector<std::int64_t>{}); break;
    case PhysicalType::kInt96: reset(std::vector<Int96>{}); break;
    case PhysicalType::kFloat: reset(std::vector<float>{}); break;
    case PhysicalType::kDouble: reset(std::vector<double>{}); break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (auto* v = std::get_if<ByteArrays>(&values)) {
        v->offsets.assign(1, 0);
        v->bytes.clear();
      } else {
        values.emplace<ByteArrays>();
      }
      break;
  }
}

std::size_t value_vector_size(const ValueVector& values) {
  return std::visit([](const auto& v) -> std::size_t { return v.size(); }, values);
}

// ---------------------------------------------------------------------------------------------
// Page values.

Status PageValueDecoder::need_values(std::size_t n, std::uint64_t available,
                                     std::string_view what) const {
  if (n > available) {
    return corrupt(fmt::format("{} {} values: {} requested, {} left in the page",
                               encoding_name(encoding_), what, n, available));
  }
  return {};
}

Status PageValueDecoder::init(Encoding encoding, PhysicalType type, std::int32_t type_length,
                              std::span<const std::uint8_t> data, std::uint64_t max_values,
                              const ValueVector* dictionary) {
  encoding_ = encoding;
  type_ = type;
  type_length_ = type_length;
  data_ = data;
  pos_ = 0;
  bit_pos_ = 0;
  dictionary_ = dictionary;
  next_length_ = 0;
  previous_.clear();
  auto not_for_type = [&] {
    return unsupported(fmt::format("encoding {} does not apply to physical type {}",
                                   encoding_name(encoding), physical_type_name(type)));
  };
  switch (encoding) {
    case Encoding::kPlain: return {};
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (dictionary == nullptr) {
        return corrupt(fmt::format("{} data page in a column chunk without a dictionary page",
                                   encoding_name(encoding)));
      }
      if (data.empty()) {
        // A page of nulls only may carry no index bytes at all.
        rle_.reset(data, 0);
        return {};
      }
      const int width = data[0];
      if (width > 32) {
        return corrupt(fmt::format("dictionary index bit width {} exceeds 32", width));
      }
      rle_.reset(data.subspan(1), width);
      return {};
    }
    case Encoding::kRle: {
      if (type != PhysicalType::kBoolean) return not_for_type();
      if (data.size() < 4) {
        if (data.empty()) {
          rle_.reset(data, 1);
          return {};
        }
        return corrupt(
            fmt::format("RLE boolean values: length prefix cut off ({} bytes)", data.size()));
      }
      std::uint32_t length = 0;
      std::memcpy(&length, data.data(), 4);
      if (length > data.size() - 4) {
        return corrupt(fmt::format("RLE boolean values: length prefix {} exceeds the {} bytes left",
                                   length, data.size() - 4));
      }
      rle_.reset(data.subspan(4, length), 1);
      return {};
    }
    case Encoding::kDeltaBinaryPacked:
      if (type != PhysicalType::kInt32 && type != PhysicalType::kInt64) return not_for_type();
      if (data.empty()) {
        delta_.clear();  // a page of nulls only
        return {};
      }
      return delta_.init(data, max_values);
    case Encoding::kDeltaLengthByteArray: {
      if (type != PhysicalType::kByteArray) return not_for_type();
      if (data.empty()) {
        lengths_.clear();
        return {};
      }
      PARITY_RETURN_IF_ERROR(delta_.init(data, max_values));
      lengths_.resize(static_cast<std::size_t>(delta_.total_values()));
      PARITY_RETURN_IF_ERROR(delta_.get(lengths_.data(), lengths_.size()));
      pos_ = delta_.position();
      return {};
    }
    case Encoding::kDeltaByteArray: {
      if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) {
        return not_for_type();
      }
      if (data.empty()) {
        lengths_.clear();
        prefixes_.clear();
        return {};
      }
      PARITY_RETURN_IF_ERROR(delta_.init(data, max_values));
      prefixes_.resize(static_cast<std::size_t>(delta_.total_values()));
      PARITY_RETURN_IF_ERROR(delta_.get(prefixes_.data(), prefixes_.size()));
      const std::size_t suffix_start = delta_.position();
      PARITY_RETURN_IF_ERROR(delta_.init(data.subspan(suffix_start), max_values));
      if (delta_.total_values() != prefixes_.size()) {
        return corrupt(fmt::format("DELTA_BYTE_ARRAY: {} prefix lengths but {} suffix lengths",
                                   prefixes_.size(), delta_.total_values()));
      }
      lengths_.resize(static_cast<std::size_t>(delta_.total_values()));
      PARITY_RETURN_IF_ERROR(delta_.get(lengths_.data(), lengths_.size()));
      pos_ = suffix_start + delta_.position();
      return {};
    }
    case Encoding::kByteStreamSplit: {
      std::size_t width = 0;
      switch (type) {
        case PhysicalType::kFloat:
        case PhysicalType::kInt32: width = 4; break;
        case PhysicalType::kDouble:
        case PhysicalType::kInt64: width = 8; break;
        case PhysicalType::kFixedLenByteArray: width = static_cast<std::size_t>(type_length); break;
        default: return not_for_type();
      }
      if (width == 0 || data.size() % width != 0) {
        return corrupt(
            fmt::format("BYTE_STREAM_SPLIT: {} bytes is not a multiple of the {}-byte "
                        "value width",
                        data.size(), width));
      }
      stream_count_ = data.size() / width;
      return {};
    }
    default:
      return unsupported(fmt::format("value encoding {} ({}) is not supported for data pages",
                                     encoding_name(encoding), static_cast<int>(encoding)));
  }
}

Status PageValueDecoder::dictionary_indices(std::size_t n) {
  if (indices_.size() < n) indices_.resize(n);
  PARITY_RETURN_IF_ERROR(rle_.get(indices_.data(), n));
  const std::size_t dict_size = value_vector_size(*dictionary_);
  std::uint32_t max_index = 0;
  for (std::size_t i = 0; i < n; ++i) max_index = std::max(max_index, indices_[i]);
  if (n > 0 && max_index >= dict_size) {
    return corrupt(fmt::format("dictionary index {} is past the dictionary's {} entries", max_index,
                               dict_size));
  }
  return {};
}

template <typename V>
Status PageValueDecoder::decode_fixed(std::size_t n, std::vector<V>& out) {
  const std::size_t base = out.size();
  switch (encoding_) {
    case Encoding::kPlain: {
      const std::uint64_t bytes = static_cast<std::uint64_t>(n) * sizeof(V);
      PARITY_RETURN_IF_ERROR(need_bytes(bytes, data_.size() - pos_, "PLAIN values"));
      out.resize(base + n);
      if (n > 0)
        std::memcpy(out.data() + base, data_.data() + pos_, static_cast<std::size_t>(bytes));
      pos_ += static_cast<std::size_t>(bytes);
      return {};
    }
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      PARITY_RETURN_IF_ERROR(dictionary_indices(n));
      const auto& dict = std::get<std::vector<V>>(*dictionary_);
      out.resize(base + n);
      V* dst = out.data() + base;
      const V* src = dict.data();
      for (std::size_t i = 0; i < n; ++i) dst[i] = src[indices_[i]];
      return {};
    }
    case Encoding::kDeltaBinaryPacked:
      if constexpr (std::is_same_v<V, std::int32_t> || std::is_same_v<V, std::int64_t>) {
        PARITY_RETURN_IF_ERROR(need_values(n, delta_.values_left(), "encoded"));
        out.resize(base + n);
        return delta_.get(out.data() + base, n);
      }
      break;
    case Encoding::kByteStreamSplit: {
      PARITY_RETURN_IF_ERROR(need_values(n, stream_count_ - pos_, "encoded"));
      out.resize(base + n);
      auto* dst = reinterpret_cast<std::uint8_t*>(out.data() + base);
      const std::uint8_t* src = data_.data();
      const std::size_t count = static_cast<std::size_t>(stream_count_);
      for (std::size_t b = 0; b < sizeof(V); ++b) {
        const std::uint8_t* stream = src + b * count + pos_;
        for (std::size_t i = 0; i < n; ++i) dst[i * sizeof(V) + b] = stream[i];
      }
      pos_ += n;
      return {};
    }
    default: break;
  }
  return unsupported(
      fmt::format("encoding {} does not apply to this physical type", encoding_name(encoding_)));
}

Status PageValueDecoder::decode_bools(std::size_t n, std::vector<bool>& out) {
  switch (encoding_) {
    case Encoding::kPlain: {
      const std::uint64_t available = data_.size() * std::uint64_t{8} - bit_pos_;
      PARITY_RETURN_IF_ERROR(need_values(n, available, "BOOLEAN"));
      out.reserve(out.size() + n);
      for (std::size_t i = 0; i < n; ++i, ++bit_pos_) {
        out.push_back(((data_[static_cast<std::size_t>(bit_pos_ >> 3)] >> (bit_pos_ & 7)) & 1) !=
                      0);
      }
      return {};
    }
    case Encoding::kRle: {
      if (indices_.size() < n) indices_.resize(n);
      PARITY_RETURN_IF_ERROR(rle_.get(indices_.data(), n));
      out.reserve(out.size() + n);
      for (std::size_t i = 0; i < n; ++i) out.push_back(indices_[i] != 0);
      return {};
    }
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      PARITY_RETURN_IF_ERROR(dictionary_indices(n));
      const auto& dict = std::get<std::vector<bool>>(*dictionary_);
      out.reserve(out.size() + n);
      for (std::size_t i = 0; i < n; ++i) out.push_back(dict[indices_[i]]);
      return {};
    }
    default: break;
  }
  return unsupported(
      fmt::format("encoding {} does not apply to BOOLEAN", encoding_name(encoding_)));
}

Status PageValueDecoder::decode_byte_arrays(std::size_t n, ByteArrays& out) {
  const bool fixed = type_ == PhysicalType::kFixedLenByteArray;
  const std::size_t width = static_cast<std::size_t>(type_length_);
  switch (encoding_) {
    case Encoding::kPlain: {
      if (fixed) {
        const std::uint64_t bytes = static_cast<std::uint64_t>(n) * width;
        PARITY_RETURN_IF_ERROR(
            need_bytes(bytes, data_.size() - pos_, "PLAIN FIXED_LEN_BYTE_ARRAY"));
        out.offsets.reserve(out.offsets.size() + n);
        for (std::size_t i = 0; i < n; ++i) {
          PARITY_RETURN_IF_ERROR(append_bytes(out, data_.data() + pos_, width));
          pos_ += width;
        }
        return {};
      }
      // Every value takes at least its 4-byte length.
      PARITY_RETURN_IF_ERROR(
          need_bytes(static_cast<std::uint64_t>(n) * 4, data_.size() - pos_, "PLAIN BYTE_ARRAY"));
      out.offsets.reserve(out.offsets.size() + n);
      for (std::size_t i = 0; i < n; ++i) {
        PARITY_RETURN_IF_ERROR(need_bytes(4, data_.size() - pos_, "PLAIN BYTE_ARRAY length"));
        std::uint32_t length = 0;
        std::memcpy(&length, data_.data() + pos_, 4);
        pos_ += 4;
        PARITY_RETURN_IF_ERROR(need_bytes(length, data_.size() - pos_, "PLAIN BYTE_ARRAY value"));
        PARITY_RETURN_IF_ERROR(append_bytes(out, data_.data() + pos_, length));
        pos_ += length;
      }
      return {};
    }
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      PARITY_RETURN_IF_ERROR(dictionary_indices(n));
      const auto& dict = std::get<ByteArrays>(*dictionary_);
      out.offsets.reserve(out.offsets.size() + n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t begin = dict.offsets[indices_[i]];
        const std::uint32_t end = dict.offsets[indices_[i] + 1];
        PARITY_RETURN_IF_ERROR(append_bytes(out, dict.bytes.data() + begin, end - begin));
      }
      return {};
    }
    case Encoding::kDeltaLengthByteArray: {
      PARITY_RETURN_IF_ERROR(need_values(n, lengths_.size() - next_length_, "encoded"));
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t length = lengths_[next_length_++];
        if (length < 0) {
          return corrupt(fmt::format("DELTA_LENGTH_BYTE_ARRAY: negative length {}", length));
        }
        PARITY_RETURN_IF_ERROR(need_bytes(static_cast<std::uint64_t>(length), data_.size() - pos_,
                                          "DELTA_LENGTH_BYTE_ARRAY value"));
        PARITY_RETURN_IF_ERROR(
            append_bytes(out, data_.data() + pos_, static_cast<std::size_t>(length)));
        pos_ += static_cast<std::size_t>(length);
      }
      return {};
    }
    case Encoding::kDeltaByteArray: {
      PARITY_RETURN_IF_ERROR(need_values(n, lengths_.size() - next_length_, "encoded"));
      for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t prefix = prefixes_[next_length_];
        const std::int64_t suffix = lengths_[next_length_];
        ++next_length_;
        if (prefix < 0 || static_cast<std::uint64_t>(prefix) > previous_.size() || suffix < 0) {
          return corrupt(fmt::format(
              "DELTA_BYTE_ARRAY: prefix length {} with a previous value of {} bytes, suffix "
              "length {}",
              prefix, previous_.size(), suffix));
        }
        PARITY_RETURN_IF_ERROR(need_bytes(static_cast<std::uint64_t>(suffix), data_.size() - pos_,
                                          "DELTA_BYTE_ARRAY suffix"));
        previous_.resize(static_cast<std::size_t>(prefix));
        previous_.append(reinterpret_cast<const char*>(data_.data() + pos_),
                         static_cast<std::size_t>(suffix));
        pos_ += static_cast<std::size_t>(suffix);
        if (fixed && previous_.size() != width) {
          return corrupt(
              fmt::format("DELTA_BYTE_ARRAY: value of {} bytes in a "
                          "FIXED_LEN_BYTE_ARRAY({}) column",
                          previous_.size(), width));
        }
        PARITY_RETURN_IF_ERROR(append_bytes(
            out, reinterpret_cast<const std::uint8_t*>(previous_.data()), previous_.size()));
      }
      return {};
    }
    case Encoding::kByteStreamSplit: {
      PARITY_RETURN_IF_ERROR(need_values(n, stream_count_ - pos_, "encoded"));
      const std::size_t count = static_cast<std::size_t>(stream_count_);
      const std::size_t base = out.bytes.size();
      if (base + static_cast<std::uint64_t>(n) * width >
          std::numeric_limits<std::uint32_t>::max()) {
        return unsupported("a batch holds more than 4 GiB of byte-array data; use smaller batches");
      }
      out.bytes.resize(base + n * width);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t b = 0; b < width; ++b) {
          out.bytes[base + i * width + b] = data_[b * count + pos_ + i];
        }
        out.offsets.push_back(static_cast<std::uint32_t>(base + (i + 1) * width));
      }
      pos_ += n;
      return {};
    }
    default: break;
  }
  return unsupported(fmt::format("encoding {} does not apply to {}", encoding_name(encoding_),
                                 physical_type_name(type_)));
}

Status PageValueDecoder::decode(std::size_t n, ValueVector& out) {
  switch (type_) {
    case PhysicalType::kBoolean: return decode_bools(n, std::get<std::vector<bool>>(out));
    case PhysicalType::kInt32: return decode_fixed(n, std::get<std::vector<std::int32_t>>(out));
    case PhysicalType::kInt64: return decode_fixed(n, std::get<std::vector<std::int64_t>>(out));
    case PhysicalType::kInt96: return decode_fixed(n, std::get<std::vector<Int96>>(out));
    case PhysicalType::kFloat: return decode_fixed(n, std::get<std::vector<float>>(out));
    case PhysicalType::kDouble: return decode_fixed(n, std::get<std::vector<double>>(out));
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: return decode_byte_arrays(n, std::get<ByteArrays>(out));
  }
  return internal_error("unknown physical type");
}

Status PageValueDecoder::skip(std::size_t n) {
  if (n == 0) return {};
  std::size_t width = 0;
  switch (type_) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: width = 4; break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: width = 8; break;
    case PhysicalType::kInt96: width = 12; break;
    case PhysicalType::kFixedLenByteArray: width = static_cast<std::size_t>(type_length_); break;
    default: break;
  }
  if (encoding_ == Encoding::kPlain && width > 0) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(n) * width;
    PARITY_RETURN_IF_ERROR(need_bytes(bytes, data_.size() - pos_, "PLAIN values"));
    pos_ += static_cast<std::size_t>(bytes);
    return {};
  }
  if (encoding_ == Encoding::kPlain && type_ == PhysicalType::kBoolean) {
    PARITY_RETURN_IF_ERROR(need_values(n, data_.size() * std::uint64_t{8} - bit_pos_, "BOOLEAN"));
    bit_pos_ += n;
    return {};
  }
  if (encoding_ == Encoding::kPlainDictionary || encoding_ == Encoding::kRleDictionary) {
    return rle_.skip(n);
  }
  // Decode-and-drop in bounded pieces.
  constexpr std::size_t kPiece = 4096;
  while (n > 0) {
    const std::size_t take = std::min(n, kPiece);
    reset_values(scratch_, type_);
    PARITY_RETURN_IF_ERROR(decode(take, scratch_));
    n -= take;
  }
  return {};
}

Status decode_dictionary_page(PhysicalType type, std::int32_t type_length,
                              std::span<const std::uint8_t> data, std::uint64_t count,
                              ValueVector& out) {
  reset_values(out, type);
  PageValueDecoder decoder;
  PARITY_RETURN_IF_ERROR(decoder.init(Encoding::kPlain, type, type_length, data, count, nullptr));
  // Each value takes at least one bit (BOOLEAN) or one byte, so the count is bounded by the
  // page bytes before anything is allocated.
  const std::uint64_t max_count =
      type == PhysicalType::kBoolean ? data.size() * std::uint64_t{8} : data.size();
  if (count > max_count) {
    return corrupt(
        fmt::format("dictionary page declares {} values in {} bytes", count, data.size()));
  }
  return decoder.decode(static_cast<std::size_t>(count), out);
}

}  // namespace parity::parquet
