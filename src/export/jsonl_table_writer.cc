// JSON Lines (jsonlines.org): one JSON object per row, keys in schema order, nulls as null,
// list<float> as arrays. Non-finite doubles, which JSON cannot hold, are written as null.
#include <cmath>
#include <nlohmann/json.hpp>

#include "export/table_writer_base.h"

namespace parity::detail {
namespace {

nlohmann::ordered_json cell_json(const Cell& cell) {
  return std::visit(
      [](const auto& value) -> nlohmann::ordered_json {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(value)) return nullptr;
          return value;
        } else {
          return value;
        }
      },
      cell);
}

class JsonLinesTableWriter final : public TableWriterBase {
 public:
  using TableWriterBase::TableWriterBase;
  Status start() { return open_stream(); }

 private:
  Status write_rows(std::span<const TableRow> rows) override {
    for (const TableRow& row : rows) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (std::size_t c = 0; c < row.size(); ++c) object[schema()[c].name] = cell_json(row[c]);
      PARITY_RETURN_IF_ERROR(
          put(object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"));
    }
    return {};
  }

  Status finish() override { return {}; }
};

}  // namespace

Result<std::unique_ptr<TableWriter>> make_jsonl_writer(const std::filesystem::path& path,
                                                       std::vector<TableColumn> schema) {
  auto writer = std::make_unique<JsonLinesTableWriter>(path, std::move(schema));
  PARITY_RETURN_IF_ERROR(writer->start());
  return std::unique_ptr<TableWriter>(std::move(writer));
}

}  // namespace parity::detail
