// Tables written for other tools: CSV (RFC 4180), JSON Lines and Parquet. `parity export` uses
// them for catalog tables (and, later, feature tables); one schema, three encodings, so a
// pandas, DuckDB or PyArrow user gets the same columns whichever format they pick.
//
// Output is atomic: rows go to "<path>.partial" and close() renames it over `path`; a writer
// destroyed without close() removes the partial file, so a failed export never leaves a
// truncated table behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parity/core/status.h"

namespace parity {

enum class CellType : std::uint8_t {
  kString,
  kInt64,
  kDouble,
  kBool,
  kFloatList,  // list<float32>, e.g. a feature vector
};
std::string_view cell_type_name(CellType type);  // "string", "int64", "double", "bool", ...

struct TableColumn {
  std::string name;
  CellType type = CellType::kString;
  bool nullable = true;
};

// One value; std::monostate is null. The alternative must match the column's CellType.
using Cell =
    std::variant<std::monostate, std::string, std::int64_t, double, bool, std::vector<float>>;
using TableRow = std::vector<Cell>;

enum class TableFormat : std::uint8_t { kCsv, kJsonLines, kParquet };
std::string_view table_format_name(TableFormat format);  // "csv", "jsonl", "parquet"
// From a name ("csv", "jsonl", "ndjson", "parquet") or, when `name` is empty, from the
// extension of `path` (.csv, .jsonl, .ndjson, .parquet / .pq). kInvalidArgument otherwise.
Result<TableFormat> resolve_table_format(std::string_view name, const std::filesystem::path& path);

struct TableWriterOptions {
  // Parquet only: key-value metadata stored in the footer (e.g. parity.version, parity.table).
  std::vector<std::pair<std::string, std::string>> metadata;
  std::size_t parquet_row_group_rows = 65536;
};

class TableWriter {
 public:
  virtual ~TableWriter() = default;
  // Appends rows. Errors: kInvalidArgument naming the row and column when a cell's type does
  // not match its column or a null is in a non-nullable column; kIoError.
  virtual Status write(std::span<const TableRow> rows) = 0;
  // Completes the file and moves it into place. Errors: kIoError.
  virtual Status close() = 0;
  virtual std::uint64_t rows_written() const = 0;
};

// Creates a writer for `path` in `format`. Errors: kInvalidArgument (empty schema, duplicate
// column names), kIoError (cannot create the file).
Result<std::unique_ptr<TableWriter>> open_table_writer(const std::filesystem::path& path,
                                                       std::vector<TableColumn> schema,
                                                       TableFormat format,
                                                       TableWriterOptions options = {});

}  // namespace parity
