// Value and level encoders of the Parquet writer (apache/parquet-format "Encodings.md").
// Every function appends to `out`; none fails (inputs are in-memory values the writer has
// already validated).
//
// Which physical types each encoding takes (Encodings.md):
//   PLAIN                    all
//   RLE (hybrid)             BOOLEAN values (bit width 1, 4-byte length prefix), levels,
//                            dictionary indices
//   RLE_DICTIONARY           indices of every type but BOOLEAN (dictionary page is PLAIN)
//   DELTA_BINARY_PACKED      INT32, INT64
//   DELTA_LENGTH_BYTE_ARRAY  BYTE_ARRAY
//   DELTA_BYTE_ARRAY         BYTE_ARRAY
//   BYTE_STREAM_SPLIT        FLOAT, DOUBLE, INT32, INT64 (format 2.11)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet::encode {

// Unsigned LEB128 varint.
void uleb128(std::uint64_t value, std::vector<std::uint8_t>& out);
// Zigzag then ULEB128 (signed varint).
void zigzag_varint(std::int64_t value, std::vector<std::uint8_t>& out);

// Bits needed to store `max_value` (0 for 0).
int bit_width(std::uint64_t max_value);

// RLE / bit-packing hybrid without a length prefix ("Run Length Encoding / Bit-Packing
// Hybrid"): runs of 8 or more equal values become RLE runs (varint count << 1, value in
// ceil(bit_width / 8) little-endian bytes); everything else is bit-packed in groups of 8
// values (varint groups << 1 | 1, values LSB first), the last group padded with zeros.
// Precondition: every value fits in `bit_width` bits (0..32).
void rle_hybrid(std::span<const std::uint32_t> values, int bit_width,
                std::vector<std::uint8_t>& out);
// The same over levels (each 0..max level).
void rle_hybrid_levels(std::span<const std::int16_t> levels, int bit_width,
                       std::vector<std::uint8_t>& out);

// PLAIN: little-endian fixed-width values; BOOLEAN bit-packed LSB first (value != 0 is
// true); BYTE_ARRAY as a 4-byte little-endian length followed by the bytes.
void plain(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out);
void plain(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out);
void plain(std::span<const float> values, std::vector<std::uint8_t>& out);
void plain(std::span<const double> values, std::vector<std::uint8_t>& out);
void plain_booleans(std::span<const std::uint8_t> values, std::vector<std::uint8_t>& out);
void plain(const ByteArrays& values, std::vector<std::uint8_t>& out);

// RLE booleans: 4-byte little-endian length, then the hybrid encoding at bit width 1.
void rle_booleans(std::span<const std::uint8_t> values, std::vector<std::uint8_t>& out);

// RLE_DICTIONARY data page body: one byte bit width, then the hybrid encoding of `indices`.
void dictionary_indices(std::span<const std::uint32_t> indices, int bit_width,
                        std::vector<std::uint8_t>& out);

// DELTA_BINARY_PACKED: header <block size 128> <4 miniblocks> <count> <first value zigzag>,
// then per block <min delta zigzag> <4 bit widths> <miniblocks of 32 values>. Deltas wrap in
// the column's width (two's complement), so INT32 miniblocks never exceed 32 bits and INT64
// min/max neighbours encode exactly.
void delta_binary_packed(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out);
void delta_binary_packed(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out);

// DELTA_LENGTH_BYTE_ARRAY: DELTA_BINARY_PACKED lengths, then the concatenated bytes.
void delta_length_byte_array(const ByteArrays& values, std::vector<std::uint8_t>& out);
// DELTA_BYTE_ARRAY: DELTA_BINARY_PACKED prefix lengths (shared with the previous value),
// then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
void delta_byte_array(const ByteArrays& values, std::vector<std::uint8_t>& out);

// BYTE_STREAM_SPLIT: byte k of every value forms stream k; streams are concatenated.
void byte_stream_split(std::span<const float> values, std::vector<std::uint8_t>& out);
void byte_stream_split(std::span<const double> values, std::vector<std::uint8_t>& out);
void byte_stream_split(std::span<const std::int32_t> values, std::vector<std::uint8_t>& out);
void byte_stream_split(std::span<const std::int64_t> values, std::vector<std::uint8_t>& out);

}  // namespace parity::parquet::encode
