// Apache Parquet files (apache/parquet-format, "File Format" and "Encodings"): Parity's own
// reader, since Arrow/Parquet is not packaged for the target platform.
//
// File layout: "PAR1" | column chunks (pages) ... | FileMetaData (Thrift compact) |
// u32 LE footer length | "PAR1". Each column chunk holds an optional dictionary page followed
// by data pages (v1 or v2), each prefixed by a Thrift compact PageHeader.
//
// The reader parses the footer once and then streams pages on demand: memory is bounded by
// the pages of the projected columns under decode and the batch the caller asks for, never by
// the file or a row group.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parity/core/status.h"
#include "parity/io/byte_source.h"

namespace parity::parquet {

// parquet.thrift `Type`.
enum class PhysicalType : std::uint8_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
std::string_view physical_type_name(PhysicalType type);  // "INT32", ...

// parquet.thrift `CompressionCodec`.
enum class Compression : std::uint8_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,     // not supported (read: kUnsupported naming the column)
  kBrotli = 4,  // not supported
  kLz4 = 5,     // deprecated Hadoop-framed LZ4: not supported
  kZstd = 6,
  kLz4Raw = 7,
};
std::string_view compression_name(Compression codec);  // "UNCOMPRESSED", "SNAPPY", ...

// parquet.thrift `Encoding`.
enum class Encoding : std::uint8_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,  // deprecated, levels only
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};
std::string_view encoding_name(Encoding encoding);  // "PLAIN", "RLE_DICTIONARY", ...

enum class Repetition : std::uint8_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// What a leaf's bytes mean beyond the physical type (LogicalType, falling back to the legacy
// ConvertedType when only that is present).
struct LogicalType {
  enum class Kind : std::uint8_t {
    kNone,
    kString,  // UTF8 / STRING on BYTE_ARRAY
    kEnum,
    kJson,
    kInteger,  // INT(bit_width, is_signed) on INT32 / INT64
    kDecimal,
    kDate,  // days since the Unix epoch, INT32
    kTime,
    kTimestamp,  // INT64 in `unit` since the Unix epoch
    kFloat16,    // FIXED_LEN_BYTE_ARRAY(2)
    kUuid,
  };
  enum class TimeUnit : std::uint8_t { kMillis, kMicros, kNanos };

  Kind kind = Kind::kNone;
  int bit_width = 0;                  // kInteger: 8, 16, 32, 64
  bool is_signed = true;              // kInteger
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = false;       // kTime, kTimestamp
  int precision = 0;                  // kDecimal
  int scale = 0;                      // kDecimal
};

// One leaf (primitive) column of the schema tree, in schema order.
struct ColumnDescriptor {
  std::size_t index = 0;          // leaf ordinal: position of its chunk in every row group
  std::vector<std::string> path;  // names from the top-level field down to the leaf
                                  // ("observation.state", "list", "element")
  std::string top_level_name;     // path.front(): the field as users name it
  PhysicalType physical_type = PhysicalType::kInt32;
  std::int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY width in bytes
  LogicalType logical_type;
  Repetition repetition = Repetition::kRequired;  // of the leaf node itself
  std::int16_t max_definition_level = 0;
  std::int16_t max_repetition_level = 0;
  // True when the top-level field is a list (three-level LIST, legacy two-level, or a bare
  // repeated leaf) whose elements are this leaf: one row holds a variable number of values.
  bool is_list = false;

  // Path joined with '.' ("observation.state.list.element").
  std::string dotted_path() const;
};

// Min/max statistics of one column chunk, decoded to doubles for numeric physical types
// (INT32, INT64, FLOAT, DOUBLE, BOOLEAN); absent for byte arrays or when the writer wrote none.
struct ColumnStatistics {
  std::optional<double> min;
  std::optional<double> max;
  std::optional<std::uint64_t> null_count;
};

struct ColumnChunkInfo {
  std::size_t column = 0;  // ColumnDescriptor::index
  Compression compression = Compression::kUncompressed;
  std::vector<Encoding> encodings;
  std::uint64_t num_values = 0;  // including nulls and list elements
  std::uint64_t total_compressed_size = 0;
  std::uint64_t total_uncompressed_size = 0;
  std::uint64_t data_page_offset = 0;
  std::optional<std::uint64_t> dictionary_page_offset;
  ColumnStatistics statistics;
};

struct RowGroupInfo {
  std::uint64_t num_rows = 0;
  std::uint64_t first_row = 0;  // row number of its first row within the file
  std::uint64_t total_byte_size = 0;
  std::vector<ColumnChunkInfo> columns;  // one per ColumnDescriptor, in leaf order
};

struct FileMetadata {
  std::int32_t version = 0;
  std::uint64_t num_rows = 0;
  std::string created_by;
  std::map<std::string, std::string> key_value_metadata;
  std::vector<ColumnDescriptor> columns;  // leaves in schema order
  std::vector<RowGroupInfo> row_groups;

  // The leaves of the top-level field `name` (one for a flat or list field, several for a
  // struct), or empty when no such field exists.
  std::vector<const ColumnDescriptor*> find_field(std::string_view name) const;
  // Top-level field names in schema order.
  std::vector<std::string> top_level_names() const;
};

// A run of BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY values: value i is
// bytes[offsets[i], offsets[i + 1]). offsets.size() == count + 1.
struct ByteArrays {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint8_t> bytes;

  std::size_t size() const { return offsets.size() - 1; }
  std::string_view view(std::size_t i) const;
};

// INT96 as stored (legacy Impala timestamps): 8 bytes nanoseconds of day, 4 bytes Julian day.
struct Int96 {
  std::uint32_t words[3] = {0, 0, 0};
};

// Decoded values of one leaf column for a range of rows. Nulls and empty lists take no slot in
// `values`; the levels say where they are.
struct ColumnData {
  const ColumnDescriptor* descriptor = nullptr;
  // One entry per level-bearing slot (empty when the column's max level is 0, i.e. required
  // and not nested): definition level == max_definition_level means a value is present.
  std::vector<std::int16_t> definition_levels;
  std::vector<std::int16_t> repetition_levels;  // 0 starts a new row
  std::variant<std::vector<bool>, std::vector<std::int32_t>, std::vector<std::int64_t>,
               std::vector<Int96>, std::vector<float>, std::vector<double>, ByteArrays>
      values;

  // Number of present (non-null) values.
  std::size_t value_count() const;
  // For a list column: element range of each row in `values`, row_offsets()[r] ..
  // row_offsets()[r + 1] (size num_rows + 1; a null or empty list has an empty range). For a
  // flat column: value index of each row, with nulls taking no slot.
  std::vector<std::size_t> row_offsets() const;
  // For a flat column: true when row `row` is null. For a list column: true when the row
  // holds no value (a null or empty list, or only null elements); this form walks the levels,
  // so loops should use row_offsets() instead. Rows counted from the batch start.
  bool is_null(std::size_t row) const;
  // Value `i` as a double (numeric physical types only; INT96 and byte arrays give NaN).
  // Unsigned INT(32|64, false) / UINT_* columns are read as unsigned.
  double as_double(std::size_t i) const;
};

// A set of rows with one ColumnData per projected leaf column.
struct RecordBatch {
  std::uint64_t first_row = 0;  // row number in the file of the batch's first row
  std::uint64_t num_rows = 0;
  std::vector<ColumnData> columns;  // in the order of ReadRequest::columns' leaves

  // The projected column whose top-level field (or dotted leaf path) is `name`; nullptr when
  // it was not projected.
  const ColumnData* find(std::string_view name) const;
};

// Row-group skipping by statistics: a row group is read only when every predicate may hold
// for some row in it (its [min, max] for `column` intersects [min, max] here). Row groups
// without statistics for the column are read.
struct RangePredicate {
  std::string column;  // top-level name of a flat numeric column
  double min = 0;      // inclusive
  double max = 0;      // inclusive
};

struct ReadRequest {
  // Top-level field names (or dotted leaf paths) to decode; empty = every column. Unknown
  // names give kNotFound listing the file's fields.
  std::vector<std::string> columns;
  std::uint64_t first_row = 0;             // rows before this are skipped (whole row groups
                                           // and pages without decoding where possible)
  std::optional<std::uint64_t> row_count;  // default: to the end of the file
  std::vector<RangePredicate> predicates;  // row groups skipped by statistics
  std::size_t batch_rows = 4096;           // at most this many rows per RecordBatch
  // Data pages that declare more level/value slots are rejected as kCorrupt before decoding:
  // run-length encodings let a few bytes claim billions of values, and one page's levels are
  // held in memory at once. Writers cap pages far below this (20000 rows by default in Arrow
  // and parquet-java); fuzzers lower it.
  std::uint64_t max_page_values = std::uint64_t{1} << 26;
};

// Reads one Parquet file. Not thread-safe; open one per thread.
class FileReader {
 public:
  // Opens `path` and parses the footer. Errors (messages name the file and the byte offset):
  // kNotFound; kTruncated (shorter than 12 bytes, footer length past the start); kCorrupt
  // (bad magic, a Thrift structure that does not parse, sizes or offsets outside the file,
  // a schema that is not a tree); kUnsupported (encrypted footers "PARE").
  static Result<std::unique_ptr<FileReader>> open(const std::filesystem::path& path);
  // The same over any byte source (the fuzz target and tests use memory).
  static Result<std::unique_ptr<FileReader>> open(std::unique_ptr<ByteSource> source);

  virtual ~FileReader() = default;
  virtual const FileMetadata& metadata() const = 0;

  // Starts a streaming read; call next() until it returns false.
  virtual Status start(const ReadRequest& request) = 0;
  // Fills `batch` (its buffers are reused) with the next up to batch_rows rows of the
  // request; returns false when the request is exhausted. Errors name the file, column, row
  // group and page offset: kCorrupt (a page header, level or value stream that does not
  // decode, a decompressed size that differs from the header's), kUnsupported (an encoding or
  // codec outside the list above), kTruncated.
  virtual Result<bool> next(RecordBatch& batch) = 0;
};

// Reads the rows of `request` into one batch (for small files: meta tables, tests); its
// batch_rows is ignored. With predicates the kept row groups' rows are concatenated and
// first_row is that of the first kept row. Errors as FileReader::start / next.
Result<RecordBatch> read_all(FileReader& reader, ReadRequest request);

}  // namespace parity::parquet
