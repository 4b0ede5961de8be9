// What every TableWriter shares: the schema, cell validation and the atomic
// "<path>.partial" -> path output file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "parity/export/table_writer.h"
#include "parity/io/byte_sink.h"

namespace parity::detail {

class TableWriterBase : public TableWriter {
 public:
  TableWriterBase(std::filesystem::path path, std::vector<TableColumn> schema);
  ~TableWriterBase() override;

  Status write(std::span<const TableRow> rows) final;
  Status close() final;
  std::uint64_t rows_written() const final { return rows_written_; }

 protected:
  // Creates the partial file for subclasses that write text (CSV, JSON Lines).
  Status open_stream();
  // Writes `text` to the partial file. Errors: kIoError.
  Status put(std::string_view text);
  const std::filesystem::path& partial_path() const { return partial_; }
  const std::vector<TableColumn>& schema() const { return schema_; }

  // Encodes rows that passed validation.
  virtual Status write_rows(std::span<const TableRow> rows) = 0;
  // Completes the partial file (footers, flushes) before it is renamed.
  virtual Status finish() = 0;

 private:
  Status validate(std::span<const TableRow> rows) const;

  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::vector<TableColumn> schema_;
  std::unique_ptr<ByteSink> stream_;
  std::uint64_t rows_written_ = 0;
  bool closed_ = false;
};

// The three encodings (one file each).
Result<std::unique_ptr<TableWriter>> make_csv_writer(const std::filesystem::path& path,
                                                     std::vector<TableColumn> schema);
Result<std::unique_ptr<TableWriter>> make_jsonl_writer(const std::filesystem::path& path,
                                                       std::vector<TableColumn> schema);
Result<std::unique_ptr<TableWriter>> make_parquet_writer(const std::filesystem::path& path,
                                                         std::vector<TableColumn> schema,
                                                         const TableWriterOptions& options);

// The shortest decimal text that reads back as the same double ("0.1", "1e+300", "nan").
std::string format_double(double value);

}  // namespace parity::detail
