// Parquet writer (apache/parquet-format, "File Format", "Encodings.md", "LogicalTypes.md"):
// flat and list<T> top-level columns, PLAIN / RLE_DICTIONARY / DELTA_* / BYTE_STREAM_SPLIT
// encodings, UNCOMPRESSED / SNAPPY / GZIP / ZSTD / LZ4_RAW pages, data page v1 or v2,
// column-chunk statistics and key-value metadata.
//
// Streaming: rows are appended in batches, column-wise (Arrow-like: one value slot per row or
// list element, plus validity bytes). Pages are cut at row boundaries once their encoded size
// reaches `target_page_bytes`; a row group is written to the sink once it holds
// `row_group_rows` rows or `target_row_group_bytes` bytes of pages, so memory is bounded by
// one row group's pages plus the open pages, never by the file. close() writes the footer.
//
// Layout written: "PAR1" | per row group, per column: [dictionary page] data pages |
// FileMetaData (Thrift compact) | u32 LE footer length | "PAR1".
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet {

// One top-level column.
//
// Flat columns are a single leaf: `required <type> <name>` or `optional <type> <name>`.
// List columns use the standard three-level LIST (LogicalTypes.md "Lists"):
//   <optional|required> group <name> (LIST) {
//     repeated group list { <optional|required> <type> element; } }
struct WriterColumn {
  std::string name;
  // kBoolean, kInt32, kInt64, kFloat, kDouble or kByteArray.
  PhysicalType physical_type = PhysicalType::kDouble;
  // kNone; kString (BYTE_ARRAY); kTimestamp (INT64, unit and adjusted_to_utc used);
  // kInteger (bit_width 8/16/32 on INT32, 64 on INT64; is_signed). Other kinds are rejected.
  LogicalType logical_type;
  bool nullable = false;          // the row's value (or the whole list) may be null
  bool list = false;              // list<physical_type>
  bool element_nullable = false;  // list only: elements may be null
  // kPlain, kRleDictionary (falls back to PLAIN for the rest of a column chunk once the
  // dictionary exceeds WriterOptions::dictionary_page_bytes), kDeltaBinaryPacked (INT32,
  // INT64), kDeltaLengthByteArray and kDeltaByteArray (BYTE_ARRAY), kByteStreamSplit (FLOAT,
  // DOUBLE, INT32, INT64), kRle (BOOLEAN only).
  Encoding encoding = Encoding::kPlain;

  // Shorthands for the common cases.
  static WriterColumn int64(std::string name, bool nullable = false,
                            Encoding encoding = Encoding::kPlain);
  static WriterColumn float64(std::string name, bool nullable = false,
                              Encoding encoding = Encoding::kPlain);
  static WriterColumn float32(std::string name, bool nullable = false,
                              Encoding encoding = Encoding::kPlain);
  static WriterColumn string(std::string name, bool nullable = false,
                             Encoding encoding = Encoding::kPlain);
  // INT64 TIMESTAMP(unit, adjusted_to_utc).
  static WriterColumn timestamp(std::string name, LogicalType::TimeUnit unit, bool utc,
                                bool nullable = false);
  // list<FLOAT> with nullable lists and non-null elements.
  static WriterColumn float32_list(std::string name, Encoding encoding = Encoding::kPlain);
};

struct WriterOptions {
  // kUncompressed, kSnappy, kGzip, kZstd or kLz4Raw.
  Compression compression = Compression::kSnappy;
  // GZIP 1..9, ZSTD level, LZ4_RAW acceleration; 0 = the codec's default.
  int compression_level = 0;
  int data_page_version = 1;                         // 1 or 2
  std::uint64_t target_page_bytes = 1 << 20;         // uncompressed, checked per row
  std::uint64_t row_group_rows = 1 << 20;            // rows per row group (> 0)
  std::uint64_t target_row_group_bytes = 128 << 20;  // buffered page bytes per row group
  std::uint64_t dictionary_page_bytes = 1 << 20;     // PLAIN size before dictionary fallback
  // Column-chunk Statistics: min_value/max_value in the column's sort order (NaN left out,
  // unsigned order for unsigned INT), null_count = level slots without a value (null rows,
  // null or empty lists, null elements), nan_count for FLOAT/DOUBLE; plus TYPE_ORDER column
  // orders in the footer.
  bool write_statistics = true;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by = "parity";
};

// The values of one column for a batch of `num_rows` rows, Arrow style. Spans are read during
// the write_batch call only.
//   flat column:  `values` holds one slot per row (a null row's slot is ignored);
//                 `valid` one byte per row (0 = null), or empty when no row is null.
//   list column:  `offsets` holds num_rows + 1 non-decreasing indices into `values`: row r's
//                 elements are values[offsets[r], offsets[r + 1]) (ignored for a null row);
//                 `valid` one byte per row (0 = null list) or empty; `element_valid` one byte
//                 per slot of `values` (0 = null element) or empty.
// `values` must hold the alternative of the column's physical type: BOOLEAN uint8_t (0 =
// false), INT32 int32_t, INT64 int64_t, FLOAT float, DOUBLE double, BYTE_ARRAY string_view
// or string.
struct ColumnValues {
  using Values =
      std::variant<std::monostate, std::span<const std::uint8_t>, std::span<const std::int32_t>,
                   std::span<const std::int64_t>, std::span<const float>, std::span<const double>,
                   std::span<const std::string_view>, std::span<const std::string>>;
  Values values{};
  std::span<const std::uint8_t> valid{};
  std::span<const std::uint64_t> offsets{};
  std::span<const std::uint8_t> element_valid{};
};

// Writes one Parquet file. Not thread-safe; use one writer per file and thread.
class FileWriter {
 public:
  // Creates (truncates) `path`. Errors: kInvalidArgument (empty schema, duplicate or empty
  // names, a type/logical type/encoding combination listed as unsupported above, bad options),
  // kIoError (the file cannot be created).
  static Result<std::unique_ptr<FileWriter>> create(const std::filesystem::path& path,
                                                    std::vector<WriterColumn> schema,
                                                    WriterOptions options = {});
  // Appends the file's bytes to `out` as they are written; `out` must outlive the writer and
  // holds a complete file after close(). Errors as create() without kIoError.
  static Result<std::unique_ptr<FileWriter>> create_in_memory(std::vector<std::uint8_t>& out,
                                                              std::vector<WriterColumn> schema,
                                                              WriterOptions options = {});
  // Destroying a writer without close() leaves a file without footer (not readable).
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Appends `num_rows` rows; `columns` has one entry per schema column, in schema order.
  // The batch is validated whole before anything is appended, so a rejected batch leaves the
  // writer as it was. Errors: kInvalidArgument (column count, a values alternative that does
  // not match the physical type, sizes that do not match num_rows, offsets that decrease or
  // run past `values`, a null in a non-nullable column or element — messages name the column
  // and row), kFailedPrecondition after close() or after an earlier kIoError, kIoError,
  // kInternal (a codec failed).
  Status write_batch(std::uint64_t num_rows, std::span<const ColumnValues> columns);

  // Flushes the open row group (even if not full) and writes the footer; the file is complete
  // afterwards. Errors: kFailedPrecondition when already closed, kIoError.
  Status close();

  std::uint64_t rows_written() const;   // rows accepted so far
  std::uint64_t bytes_written() const;  // bytes handed to the sink so far

  class Impl;

 private:
  explicit FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parity::parquet
