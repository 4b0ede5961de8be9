#include "parity/plan/weights_file.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace parity::plan {
namespace {

std::int64_t episode_index(const compare::Sample& sample, std::size_t i) {
  const auto& attributes = sample.attributes[i];
  if (const auto it = attributes.find("episode_index"); it != attributes.end()) {
    std::int64_t value = 0;
    const std::string& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
  }
  return i < sample.indices.size() ? sample.indices[i] : static_cast<std::int64_t>(i);
}

}  // namespace

Status write_weights_file(const std::filesystem::path& path, TableFormat format,
                          const compare::Sample& sample, std::span<const double> weights) {
  if (weights.size() != sample.size()) {
    return invalid_argument(fmt::format("{}: {} weights for {} episodes", path.string(),
                                        weights.size(), sample.size()));
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      return invalid_argument(fmt::format("{}: weight of episode {} is {}, expected >= 0",
                                          path.string(), sample.episode_ids[i], weights[i]));
    }
  }
  std::vector<TableColumn> schema = {
      {"episode_id", CellType::kString, false},   {"source", CellType::kString, false},
      {"episode_index", CellType::kInt64, false}, {"start_ns", CellType::kInt64, true},
      {"end_ns", CellType::kInt64, true},         {"weight", CellType::kDouble, false}};
  TableWriterOptions options;
  options.metadata = {{"parity.table", "weights"}};
  PARITY_ASSIGN_OR_RETURN(auto writer,
                          open_table_writer(path, std::move(schema), format, std::move(options)));
  std::vector<TableRow> rows;
  rows.reserve(sample.size());
  for (std::size_t i = 0; i < sample.size(); ++i) {
    TableRow row = {sample.episode_ids[i], sample.sources[i], episode_index(sample, i),
                    std::monostate{},      std::monostate{},  weights[i]};
    if (i < sample.time_ranges.size()) {
      row[3] = sample.time_ranges[i].first;
      row[4] = sample.time_ranges[i].second;
    }
    rows.push_back(std::move(row));
  }
  PARITY_RETURN_IF_ERROR(writer->write(rows));
  return writer->close();
}

}  // namespace parity::plan
