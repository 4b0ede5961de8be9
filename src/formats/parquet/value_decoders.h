// Decoders for the Parquet value and level encodings (apache/parquet-format, Encodings.md):
// PLAIN, RLE / bit-packing hybrid, deprecated BIT_PACKED levels, dictionary indices
// (PLAIN_DICTIONARY / RLE_DICTIONARY), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
//
// Every decoder reads from a span it does not own (valid until the next reset/init) and
// appends straight into the caller's typed vector; the encoding is dispatched once per call,
// never per value. Input that ends early, run lengths past the data, bit widths out of range
// or dictionary indices past the dictionary give kCorrupt with a message that says what was
// expected and found; callers prefix the file, column and page.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet {

// The typed value vectors of ColumnData, also used for dictionaries.
using ValueVector = decltype(ColumnData::values);

// Unpacks `count` values of `width` bits (0..64), packed LSB-first (Encodings.md, RLE
// "bit-packed-values"), starting `bit_offset` bits into `in`. Precondition: `in` holds at
// least bit_offset + count * width bits. Values wider than T are truncated.
template <typename T>
void unpack_bits(std::span<const std::uint8_t> in, std::uint64_t bit_offset, int width, T* out,
                 std::size_t count);

// The RLE / bit-packing hybrid (Encodings.md "RLE = 3") without its length prefix, for bit
// widths 0..32.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  // Precondition: 0 <= bit_width <= 32 (callers validate input-derived widths first).
  RleBitPackedDecoder(std::span<const std::uint8_t> data, int bit_width) { reset(data, bit_width); }
  void reset(std::span<const std::uint8_t> data, int bit_width);

  // Decodes the next `n` values into out[0..n). T: an unsigned or int16 integer type wide
  // enough for the bit width. Errors: kCorrupt when the runs end before n values.
  template <typename T>
  Status get(T* out, std::size_t n);
  // Consumes `n` values without storing them.
  Status skip(std::size_t n);

 private:
  Status next_run();

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  int bit_width_ = 0;
  bool literal_ = false;
  std::uint64_t run_left_ = 0;     // values left in the current run
  std::uint32_t repeated_ = 0;     // RLE run value
  std::size_t literal_start_ = 0;  // byte offset of the bit-packed run's values
  std::uint64_t literal_bit_ = 0;  // next bit inside the bit-packed run
};

// The deprecated BIT_PACKED level encoding (Encodings.md "BIT_PACKED = 4"): values packed from
// the most significant bit of each byte. Decodes `n` values of `width` bits from `in` into
// out. Errors: kCorrupt when `in` holds fewer than n * width bits.
Status decode_bit_packed_msb(std::span<const std::uint8_t> in, int width, std::int16_t* out,
                             std::size_t n);

// DELTA_BINARY_PACKED (Encodings.md "DELTA_BINARY_PACKED = 5"). Arithmetic wraps in 64 bits;
// INT32 results are the low 32 bits, as the spec's wrap-around rule requires.
class DeltaBinaryPackedDecoder {
 public:
  // Parses the header. Errors: kCorrupt (block size not a positive multiple of 8 values per
  // miniblock, or above 2^20; a count above `max_values`).
  Status init(std::span<const std::uint8_t> data, std::uint64_t max_values);
  // Makes the decoder hold no values (a page without a value section).
  void clear() {
    total_ = 0;
    emitted_ = 0;
  }
  std::uint64_t total_values() const { return total_; }
  std::uint64_t values_left() const { return total_ - emitted_; }
  // Decodes the next n (<= values_left()) values.
  template <typename T>
  Status get(T* out, std::size_t n);
  // Byte offset just past the data consumed so far; after the last value it is the end of the
  // encoded stream.
  std::size_t position() const { return pos_; }

 private:
  Status read_varint(std::uint64_t& out);
  Status start_block();
  Status start_miniblock();

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  std::uint64_t block_size_ = 0;
  std::uint64_t miniblocks_ = 0;
  std::uint64_t per_miniblock_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t emitted_ = 0;
  std::uint64_t last_ = 0;
  std::uint64_t min_delta_ = 0;
  std::vector<std::uint8_t> widths_;
  std::size_t miniblock_ = 0;          // index of the current miniblock in its block
  std::vector<std::uint64_t> deltas_;  // current miniblock, unpacked
  std::size_t delta_pos_ = 0;
  std::size_t delta_count_ = 0;
};

// Decodes the values of one data page (or a dictionary page) in its value encoding.
class PageValueDecoder {
 public:
  // Prepares to decode `data` (the page's value section) holding at most `max_values` values.
  // `dictionary` is the column chunk's decoded dictionary, or null when the chunk has none
  // (dictionary encodings then fail with kCorrupt). Errors: kUnsupported for an encoding that
  // does not apply to the physical type, kCorrupt for a malformed header.
  Status init(Encoding encoding, PhysicalType type, std::int32_t type_length,
              std::span<const std::uint8_t> data, std::uint64_t max_values,
              const ValueVector* dictionary);

  // Appends the next n values to `out`, whose alternative must match the physical type.
  Status decode(std::size_t n, ValueVector& out);
  // Consumes n values without keeping them.
  Status skip(std::size_t n);

 private:
  template <typename V>
  Status decode_fixed(std::size_t n, std::vector<V>& out);
  Status decode_bools(std::size_t n, std::vector<bool>& out);
  Status decode_byte_arrays(std::size_t n, ByteArrays& out);
  Status dictionary_indices(std::size_t n);
  Status need_values(std::size_t n, std::uint64_t available, std::string_view what) const;

  Encoding encoding_ = Encoding::kPlain;
  PhysicalType type_ = PhysicalType::kInt32;
  std::int32_t type_length_ = 0;
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;             // PLAIN byte cursor / BYTE_STREAM_SPLIT value index
  std::uint64_t bit_pos_ = 0;       // PLAIN BOOLEAN bit cursor
  std::uint64_t stream_count_ = 0;  // BYTE_STREAM_SPLIT: values per stream
  const ValueVector* dictionary_ = nullptr;
  RleBitPackedDecoder rle_;
  DeltaBinaryPackedDecoder delta_;
  std::vector<std::uint32_t> indices_;
  // DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY: all lengths of the page, decoded at init.
  std::vector<std::int64_t> lengths_;
  std::vector<std::int64_t> prefixes_;
  std::size_t next_length_ = 0;
  std::string previous_;  // DELTA_BYTE_ARRAY: the last value
  ValueVector scratch_;
};

// Decodes a PLAIN dictionary page of `count` values into `out`. Errors: kCorrupt when the page
// is shorter than count values.
Status decode_dictionary_page(PhysicalType type, std::int32_t type_length,
                              std::span<const std::uint8_t> data, std::uint64_t count,
                              ValueVector& out);

// Clears `values` and makes its alternative the one that holds `type`.
void reset_values(ValueVector& values, PhysicalType type);

// Number of values in `values`.
std::size_t value_vector_size(const ValueVector& values);

}  // namespace parity::parquet
