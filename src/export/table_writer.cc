#include "parity/export/table_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "export/table_writer_base.h"

namespace parity {
namespace fs = std::filesystem;

std::string_view cell_type_name(CellType type) {
  switch (type) {
    case CellType::kString: return "string";
    case CellType::kInt64: return "int64";
    case CellType::kDouble: return "double";
    case CellType::kBool: return "bool";
    case CellType::kFloatList: return "list<float>";
  }
  return "?";
}

std::string_view table_format_name(TableFormat format) {
  switch (format) {
    case TableFormat::kCsv: return "csv";
    case TableFormat::kJsonLines: return "jsonl";
    case TableFormat::kParquet: return "parquet";
  }
  return "?";
}

Result<TableFormat> resolve_table_format(std::string_view name, const fs::path& path) {
  std::string key(name);
  if (key.empty()) {
    key = path.extension().string();
    if (!key.empty()) key.erase(0, 1);
  }
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (key == "csv") return TableFormat::kCsv;
  if (key == "jsonl" || key == "ndjson") return TableFormat::kJsonLines;
  if (key == "parquet" || key == "pq") return TableFormat::kParquet;
  if (name.empty()) {
    return invalid_argument(fmt::format(
        "{}: cannot tell the table format from the extension; use .csv, .jsonl or .parquet, or "
        "--format",
        path.string()));
  }
  return invalid_argument(
      fmt::format("unknown table format '{}'; expected csv, jsonl or parquet", name));
}

Result<std::unique_ptr<TableWriter>> open_table_writer(const fs::path& path,
                                                       std::vector<TableColumn> schema,
                                                       TableFormat format,
                                                       TableWriterOptions options) {
  if (schema.empty()) return invalid_argument("a table needs at least one column");
  std::set<std::string> names;
  for (const TableColumn& column : schema) {
    if (column.name.empty()) return invalid_argument("a table column has an empty name");
    if (!names.insert(column.name).second) {
      return invalid_argument(fmt::format("column '{}' appears twice", column.name));
    }
  }
  switch (format) {
    case TableFormat::kCsv: return detail::make_csv_writer(path, std::move(schema));
    case TableFormat::kJsonLines: return detail::make_jsonl_writer(path, std::move(schema));
    case TableFormat::kParquet:
      return detail::make_parquet_writer(path, std::move(schema), options);
  }
  return invalid_argument("unknown table format");
}

namespace detail {

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);
}

TableWriterBase::TableWriterBase(fs::path path, std::vector<TableColumn> schema)
    : path_(std::move(path)), schema_(std::move(schema)) {
  partial_ = path_;
  partial_ += ".partial";
}

TableWriterBase::~TableWriterBase() {
  stream_.reset();
  if (!closed_) {
    std::error_code ec;
    fs::remove(partial_, ec);
  }
}

Status TableWriterBase::open_stream() {
  PARITY_ASSIGN_OR_RETURN(stream_, create_file_sink(partial_));
  return {};
}

Status TableWriterBase::put(std::string_view text) {
  return stream_->write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Status TableWriterBase::validate(std::span<const TableRow> rows) const {
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const TableRow& row = rows[r];
    if (row.size() != schema_.size()) {
      return invalid_argument(fmt::format("row {}: {} cells for {} columns", rows_written_ + r,
                                          row.size(), schema_.size()));
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      const TableColumn& column = schema_[c];
      const Cell& cell = row[c];
      const bool ok = std::holds_alternative<std::monostate>(cell)
                          ? column.nullable
                          : cell.index() == static_cast<std::size_t>(column.type) + 1;
      if (!ok) {
        return invalid_argument(fmt::format(
            "row {}, column '{}': {} where the column holds {}", rows_written_ + r, column.name,
            std::holds_alternative<std::monostate>(cell) ? "null" : "a value of another type",
            cell_type_name(column.type)));
      }
    }
  }
  return {};
}

Status TableWriterBase::write(std::span<const TableRow> rows) {
  if (closed_) return failed_precondition("the table is already closed");
  PARITY_RETURN_IF_ERROR(validate(rows));
  PARITY_RETURN_IF_ERROR(write_rows(rows));
  rows_written_ += rows.size();
  return {};
}

Status TableWriterBase::close() {
  if (closed_) return failed_precondition("the table is already closed");
  PARITY_RETURN_IF_ERROR(finish());
  if (stream_ != nullptr) PARITY_RETURN_IF_ERROR(stream_->finish());
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) {
    return io_error(fmt::format("{}: cannot move into place: {}", path_.string(), ec.message()));
  }
  closed_ = true;
  return {};
}

}  // namespace detail
}  // namespace parity
