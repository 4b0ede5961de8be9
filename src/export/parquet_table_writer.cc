// Parquet tables through Parity's Parquet writer: string -> BYTE_ARRAY (STRING,
// RLE_DICTIONARY), int64 -> INT64, double -> DOUBLE, bool -> BOOLEAN, list<float> -> the
// standard three-level LIST of FLOAT; every column optional unless declared non-nullable;
// ZSTD pages, statistics on, the caller's key-value metadata in the footer.
#include <fmt/format.h>

#include "export/table_writer_base.h"
#include "parity/formats/parquet/parquet_writer.h"

namespace parity::detail {
namespace {

parquet::WriterColumn writer_column(const TableColumn& column) {
  using parquet::Encoding;
  using parquet::WriterColumn;
  switch (column.type) {
    case CellType::kString:
      return WriterColumn::string(column.name, column.nullable, Encoding::kRleDictionary);
    case CellType::kInt64: return WriterColumn::int64(column.name, column.nullable);
    case CellType::kDouble: return WriterColumn::float64(column.name, column.nullable);
    case CellType::kBool: {
      WriterColumn out;
      out.name = column.name;
      out.physical_type = parquet::PhysicalType::kBoolean;
      out.nullable = column.nullable;
      return out;
    }
    case CellType::kFloatList: {
      WriterColumn out = WriterColumn::float32_list(column.name);
      out.nullable = column.nullable;
      return out;
    }
  }
  return WriterColumn::string(column.name, column.nullable);
}

// One column of a batch in the writer's Arrow-like layout.
struct ColumnBuffer {
  std::vector<std::string_view> strings;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint8_t> bools;
  std::vector<float> floats;
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint8_t> valid;

  void clear() {
    strings.clear();
    ints.clear();
    doubles.clear();
    bools.clear();
    floats.clear();
    offsets.assign(1, 0);
    valid.clear();
  }
};

class ParquetTableWriter final : public TableWriterBase {
 public:
  ParquetTableWriter(const std::filesystem::path& path, std::vector<TableColumn> schema)
      : TableWriterBase(path, std::move(schema)), buffers_(this->schema().size()) {}

  Status start(const TableWriterOptions& options) {
    std::vector<parquet::WriterColumn> columns;
    for (const TableColumn& column : schema()) columns.push_back(writer_column(column));
    parquet::WriterOptions writer_options;
    writer_options.compression = parquet::Compression::kZstd;
    writer_options.row_group_rows = options.parquet_row_group_rows;
    writer_options.key_value_metadata = options.metadata;
    PARITY_ASSIGN_OR_RETURN(writer_, parquet::FileWriter::create(partial_path(), std::move(columns),
                                                                 std::move(writer_options)));
    return {};
  }

 private:
  Status write_rows(std::span<const TableRow> rows) override {
    std::vector<parquet::ColumnValues> values(schema().size());
    for (std::size_t c = 0; c < schema().size(); ++c) {
      ColumnBuffer& buffer = buffers_[c];
      buffer.clear();
      const CellType type = schema()[c].type;
      for (const TableRow& row : rows) {
        const Cell& cell = row[c];
        const bool present = !std::holds_alternative<std::monostate>(cell);
        buffer.valid.push_back(present ? 1 : 0);
        switch (type) {
          case CellType::kString:
            buffer.strings.push_back(present ? std::string_view(std::get<std::string>(cell))
                                             : std::string_view());
            break;
          case CellType::kInt64:
            buffer.ints.push_back(present ? std::get<std::int64_t>(cell) : 0);
            break;
          case CellType::kDouble:
            buffer.doubles.push_back(present ? std::get<double>(cell) : 0.0);
            break;
          case CellType::kBool:
            buffer.bools.push_back(present && std::get<bool>(cell) ? 1 : 0);
            break;
          case CellType::kFloatList:
            if (present) {
              const auto& list = std::get<std::vector<float>>(cell);
              buffer.floats.insert(buffer.floats.end(), list.begin(), list.end());
            }
            buffer.offsets.push_back(buffer.floats.size());
            break;
        }
      }
      parquet::ColumnValues& out = values[c];
      switch (type) {
        case CellType::kString:
          out.values = std::span<const std::string_view>(buffer.strings);
          break;
        case CellType::kInt64: out.values = std::span<const std::int64_t>(buffer.ints); break;
        case CellType::kDouble: out.values = std::span<const double>(buffer.doubles); break;
        case CellType::kBool: out.values = std::span<const std::uint8_t>(buffer.bools); break;
        case CellType::kFloatList:
          out.values = std::span<const float>(buffer.floats);
          out.offsets = buffer.offsets;
          break;
      }
      if (schema()[c].nullable) out.valid = buffer.valid;
    }
    return writer_->write_batch(rows.size(), values);
  }

  Status finish() override { return writer_->close(); }

  std::unique_ptr<parquet::FileWriter> writer_;
  std::vector<ColumnBuffer> buffers_;
};

}  // namespace

Result<std::unique_ptr<TableWriter>> make_parquet_writer(const std::filesystem::path& path,
                                                         std::vector<TableColumn> schema,
                                                         const TableWriterOptions& options) {
  auto writer = std::make_unique<ParquetTableWriter>(path, std::move(schema));
  PARITY_RETURN_IF_ERROR(writer->start(options));
  return std::unique_ptr<TableWriter>(std::move(writer));
}

}  // namespace parity::detail
