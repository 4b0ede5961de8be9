// Decoder for the Thrift compact protocol (apache/thrift, doc/specs/thrift-compact-protocol.md),
// the encoding of every Parquet metadata structure (FileMetaData, PageHeader, ...).
//
// Wire summary: integers are ULEB128 varints, signed ones zigzag-encoded (i8 is one raw byte);
// a struct is a sequence of field headers (field-id delta in the high nibble, type in the low
// nibble; delta 0 = a zigzag i16 id follows) ended by a STOP byte; booleans in structs live in
// the field type (1 = true, 2 = false); a list/set header holds the size in the high nibble
// (15 = a varint size follows) and the element type in the low nibble; a map header is a
// varint size followed, when non-zero, by one byte of key and value types; binary/string is a
// varint length and the bytes; double is 8 bytes little-endian.
//
// Hostile input: every read is bounds-checked; a declared collection size larger than the
// bytes left (each element takes at least one byte) fails at once, before any allocation;
// nesting beyond kMaxDepth fails. Running out of bytes gives kTruncated (callers that read a
// window of a larger stream retry with more bytes); every other violation gives kCorrupt.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "parity/core/status.h"

namespace parity::parquet {

// Compact protocol type ids (thrift-compact-protocol.md, "Struct encoding").
enum class ThriftType : std::uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

class ThriftCompactReader {
 public:
  static constexpr int kMaxDepth = 64;

  // `base_offset`: file offset of data[0], used in error messages ("offset N").
  ThriftCompactReader(std::span<const std::uint8_t> data, std::uint64_t base_offset)
      : data_(data), base_offset_(base_offset) {}

  // Bytes consumed so far.
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  std::uint64_t file_offset() const { return base_offset_ + pos_; }

  // Reads a struct: calls `on_field(field_id, type)` for each field, which must consume the
  // value (with the typed readers below, or skip(type)) and return a Status. Handles field-id
  // deltas, STOP and the nesting limit.
  template <typename OnField>
  Status read_struct(OnField&& on_field) {
    PARITY_RETURN_IF_ERROR(enter());
    std::int16_t last_id = 0;
    while (true) {
      std::int16_t id = 0;
      ThriftType type = ThriftType::kStop;
      PARITY_RETURN_IF_ERROR(read_field_header(last_id, id, type));
      if (type == ThriftType::kStop) break;
      PARITY_RETURN_IF_ERROR(on_field(id, type));
      last_id = id;
    }
    --depth_;
    return {};
  }

  // Typed field readers: `type` is the field's wire type; a mismatch is kCorrupt naming the
  // expected type.
  Status read_bool(ThriftType type, bool& out);
  Status read_i8(ThriftType type, std::int8_t& out);
  Status read_i16(ThriftType type, std::int16_t& out);
  Status read_i32(ThriftType type, std::int32_t& out);
  Status read_i64(ThriftType type, std::int64_t& out);
  Status read_double(ThriftType type, double& out);
  // The view points into the reader's data and lives as long as it.
  Status read_binary(ThriftType type, std::string_view& out);
  Status read_string(ThriftType type, std::string& out);

  // List/set header. `size` is checked against the bytes left (every element takes at least
  // one byte), so callers may reserve(size).
  Status read_list_header(ThriftType type, ThriftType& element_type, std::uint32_t& size);
  // Reads a list whose elements `on_element(element_type)` consumes.
  template <typename OnElement>
  Status read_list(ThriftType type, OnElement&& on_element) {
    ThriftType element_type = ThriftType::kStop;
    std::uint32_t size = 0;
    PARITY_RETURN_IF_ERROR(read_list_header(type, element_type, size));
    PARITY_RETURN_IF_ERROR(enter());
    for (std::uint32_t i = 0; i < size; ++i) {
      PARITY_RETURN_IF_ERROR(on_element(element_type, i));
    }
    --depth_;
    return {};
  }
  // Element readers for lists (booleans in lists are one byte: 1 true, 0 or 2 false).
  Status read_element_bool(ThriftType element_type, bool& out);

  // Skips a value of any type, nested ones included.
  Status skip(ThriftType type);

  // kCorrupt "offset N: <what>".
  Status error(std::string_view what) const;

 private:
  Status enter();
  Status read_field_header(std::int16_t last_id, std::int16_t& id, ThriftType& type);
  Status read_varint(std::uint64_t& out);
  Status read_zigzag(std::int64_t& out);
  Status read_byte(std::uint8_t& out);
  Status need(std::uint64_t n) const;
  Status expect(ThriftType actual, ThriftType expected, std::string_view what) const;

  std::span<const std::uint8_t> data_;
  std::uint64_t base_offset_ = 0;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

std::string_view thrift_type_name(ThriftType type);

}  // namespace parity::parquet
