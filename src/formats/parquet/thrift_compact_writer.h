// Thrift compact protocol encoder (apache/thrift doc/specs/thrift-compact-protocol.md) and the
// subset of parquet.thrift the Parquet writer emits: PageHeader (with DataPageHeader,
// DataPageHeaderV2, DictionaryPageHeader) and FileMetaData (SchemaElement, RowGroup,
// ColumnChunk, ColumnMetaData, Statistics, KeyValue, LogicalType, ColumnOrder).
//
// Compact protocol summary: a field header is one byte (field-id delta << 4 | type) when the
// delta from the previous field id of the same struct is 1..15, else the type byte followed by
// the zigzag-varint i16 field id; booleans live in the type nibble (1 = true, 2 = false);
// i16/i32/i64 are zigzag ULEB128 varints; binary/string is a varint length plus bytes; a list
// header is (size << 4 | element type) for size < 15, else (0xF0 | element type) and a varint
// size; a struct ends with a 0 byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet::thrift {

// Compact protocol type ids.
enum class CompactType : std::uint8_t {
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
};

// Appends compact-protocol bytes to a caller-owned buffer. Field ids within one struct must
// increase (a precondition, PARITY_CHECKed). Nesting is tracked on an internal stack:
// begin_struct_field / begin_list elements that are structs push, end_struct pops.
class CompactWriter {
 public:
  explicit CompactWriter(std::vector<std::uint8_t>& out) : out_(out) { last_ids_.push_back(0); }

  void field_bool(std::int16_t id, bool value);
  void field_i8(std::int16_t id, std::int8_t value);
  void field_i16(std::int16_t id, std::int16_t value);
  void field_i32(std::int16_t id, std::int32_t value);
  void field_i64(std::int16_t id, std::int64_t value);
  void field_binary(std::int16_t id, std::string_view value);
  // Starts a struct-valued field; close it with end_struct().
  void begin_struct_field(std::int16_t id);
  // Starts a list-valued field of `size` elements of `element_type`; write the elements with
  // the element_* calls (struct elements: begin_struct_element ... end_struct).
  void begin_list_field(std::int16_t id, CompactType element_type, std::size_t size);
  void element_i32(std::int32_t value);
  void element_binary(std::string_view value);
  void begin_struct_element();
  // Writes the stop byte of the innermost open struct (or of the top-level struct when none
  // is open) and pops it.
  void end_struct();

 private:
  void field_header(std::int16_t id, CompactType type);
  void varint(std::uint64_t value);
  void zigzag(std::int64_t value);

  std::vector<std::uint8_t>& out_;
  std::vector<std::int16_t> last_ids_;  // last field id per open struct, innermost last
};

// parquet.thrift `Statistics` (fields written: 3 null_count, 5 max_value, 6 min_value,
// 9 nan_count). Values are PLAIN-encoded without a length prefix.
struct StatisticsOut {
  std::optional<std::int64_t> null_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<std::int64_t> nan_count;
};

enum class PageType : std::uint8_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

struct DataPageHeaderOut {  // v1
  std::int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DataPageHeaderV2Out {
  std::int32_t num_values = 0;
  std::int32_t num_nulls = 0;
  std::int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  std::int32_t definition_levels_byte_length = 0;
  std::int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct DictionaryPageHeaderOut {
  std::int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct PageHeaderOut {
  PageType type = PageType::kDataPage;
  std::int32_t uncompressed_page_size = 0;
  std::int32_t compressed_page_size = 0;
  std::optional<DataPageHeaderOut> data_page;
  std::optional<DictionaryPageHeaderOut> dictionary_page;
  std::optional<DataPageHeaderV2Out> data_page_v2;
};

// Appends the compact encoding of `header` to `out`.
void write_page_header(const PageHeaderOut& header, std::vector<std::uint8_t>& out);

// parquet.thrift `ConvertedType` values the writer emits.
enum class ConvertedType : std::uint8_t {
  kUtf8 = 0,
  kList = 3,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
};

// `LogicalType` union members the writer emits: STRING (1), LIST (3), TIMESTAMP (8),
// INTEGER (10). kNone = no logicalType field.
struct LogicalTypeOut {
  enum class Kind : std::uint8_t { kNone, kString, kList, kTimestamp, kInteger };
  Kind kind = Kind::kNone;
  bool adjusted_to_utc = false;                                 // kTimestamp
  LogicalType::TimeUnit unit = LogicalType::TimeUnit::kMicros;  // kTimestamp
  std::int8_t bit_width = 64;                                   // kInteger
  bool is_signed = true;                                        // kInteger
};

struct SchemaElementOut {
  std::optional<PhysicalType> type;      // leaves only
  std::optional<Repetition> repetition;  // absent for the root
  std::string name;
  std::optional<std::int32_t> num_children;  // groups only
  std::optional<ConvertedType> converted_type;
  LogicalTypeOut logical_type;
};

struct ColumnMetaDataOut {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Compression codec = Compression::kUncompressed;
  std::int64_t num_values = 0;
  std::int64_t total_uncompressed_size = 0;
  std::int64_t total_compressed_size = 0;
  std::int64_t data_page_offset = 0;
  std::optional<std::int64_t> dictionary_page_offset;
  std::optional<StatisticsOut> statistics;
};

struct ColumnChunkOut {
  std::int64_t file_offset = 0;  // deprecated field; written as 0
  ColumnMetaDataOut meta_data;
};

struct RowGroupOut {
  std::vector<ColumnChunkOut> columns;
  std::int64_t total_byte_size = 0;
  std::int64_t num_rows = 0;
  std::int64_t file_offset = 0;
  std::int64_t total_compressed_size = 0;
  std::int16_t ordinal = 0;
};

struct FileMetaDataOut {
  std::int32_t version = 2;
  std::vector<SchemaElementOut> schema;  // depth-first, root first
  std::int64_t num_rows = 0;
  std::vector<RowGroupOut> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by;
  // Number of leaf columns that get a TYPE_ORDER ColumnOrder (0 = no column_orders field).
  std::size_t type_defined_column_orders = 0;
};

// Appends the compact encoding of `metadata` to `out`.
void write_file_metadata(const FileMetaDataOut& metadata, std::vector<std::uint8_t>& out);

}  // namespace parity::parquet::thrift
