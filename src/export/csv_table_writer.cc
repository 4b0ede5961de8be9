// CSV (RFC 4180): a header row, then one line per row; fields holding a comma, a quote, CR or
// LF are quoted with inner quotes doubled; nulls are empty fields; a list<float> is written as
// "[1.5,2,...]"; booleans as true / false; lines end with CRLF as the RFC says.
#include <fmt/format.h>

#include "export/table_writer_base.h"

namespace parity::detail {
namespace {

void append_field(std::string& line, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += text;
    return;
  }
  line += '"';
  for (const char c : text) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

std::string cell_text(const Cell& cell) {
  return std::visit(
      [](const auto& value) -> std::string {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return value;
        } else if constexpr (std::is_same_v<T, bool>) {
          return value ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          return format_double(value);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          std::string out = "[";
          for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0) out += ',';
            out += format_double(static_cast<double>(value[i]));
          }
          return out + "]";
        } else {
          return std::to_string(value);
        }
      },
      cell);
}

class CsvTableWriter final : public TableWriterBase {
 public:
  using TableWriterBase::TableWriterBase;

  Status start() {
    PARITY_RETURN_IF_ERROR(open_stream());
    std::string line;
    for (std::size_t c = 0; c < schema().size(); ++c) {
      if (c > 0) line += ',';
      append_field(line, schema()[c].name);
    }
    line += "\r\n";
    return put(line);
  }

 private:
  Status write_rows(std::span<const TableRow> rows) override {
    std::string line;
    for (const TableRow& row : rows) {
      line.clear();
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line += ',';
        append_field(line, cell_text(row[c]));
      }
      line += "\r\n";
      PARITY_RETURN_IF_ERROR(put(line));
    }
    return {};
  }

  Status finish() override { return {}; }
};

}  // namespace

Result<std::unique_ptr<TableWriter>> make_csv_writer(const std::filesystem::path& path,
                                                     std::vector<TableColumn> schema) {
  auto writer = std::make_unique<CsvTableWriter>(path, std::move(schema));
  PARITY_RETURN_IF_ERROR(writer->start());
  return std::unique_ptr<TableWriter>(std::move(writer));
}

}  // namespace parity::detail
