#include "parity/parity/selection.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace parity::compare {
namespace {

Result<Sample> load_sample(const Catalog& catalog, const EpisodeFilter& filter,
                           std::string_view side) {
  PARITY_ASSIGN_OR_RETURN(const auto episodes, catalog.list_episodes(filter));
  if (episodes.empty()) {
    return invalid_argument(
        fmt::format("the {} selection '{}' matches no episode", side, filter.where));
  }
  Sample sample;
  for (const EpisodeSummary& episode : episodes) {
    sample.episode_ids.push_back(episode.id);
    sample.sources.push_back(episode.source_path);
    sample.indices.push_back(episode.index);
    sample.time_ranges.emplace_back(episode.start_ns, episode.end_ns);
    std::map<std::string, std::string> attributes;
    for (const Attribute& attribute : episode.attributes) {
      attributes[attribute.key] = attribute_value_to_string(attribute.value);
    }
    const std::pair<const char*, const std::string*> fields[] = {
        {"domain", &episode.domain},
        {"kind", &episode.kind},
        {"task", &episode.task},
        {"embodiment", &episode.embodiment},
        {"outcome", &episode.outcome}};
    for (const auto& [key, value] : fields) {
      if (!value->empty()) attributes.emplace(key, *value);
    }
    sample.attributes.push_back(std::move(attributes));
  }
  sample.weights.assign(sample.size(), 1.0);
  return sample;
}

// Copies `table`'s values into the columns of `features` (NaN where the table lacks one).
std::vector<double> align(const FeatureTable& table, const std::vector<std::string>& features) {
  std::vector<double> values(table.episode_ids.size() * features.size(),
                             std::numeric_limits<double>::quiet_NaN());
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    const auto at = std::lower_bound(features.begin(), features.end(), table.names[c]);
    const auto column = static_cast<std::size_t>(at - features.begin());
    for (std::size_t r = 0; r < table.episode_ids.size(); ++r) {
      values[r * features.size() + column] = table.at(r, c);
    }
  }
  return values;
}

Result<double> parse_weight(std::string_view text, std::string_view context) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0) {
    return invalid_argument(
        fmt::format("{}: weight '{}' is not a finite number >= 0", context, text));
  }
  return value;
}

// "KEY=V1:W1,V2:W2": group weights over an attribute's values.
Status apply_mix(std::string_view spec, Sample& sample) {
  const auto equals = spec.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return invalid_argument(
        fmt::format("training weights '{}': expected KEY=VALUE:WEIGHT,... or file:PATH", spec));
  }
  const std::string key(spec.substr(0, equals));
  std::map<std::string, double> mix;
  std::string_view rest = spec.substr(equals + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return invalid_argument(
          fmt::format("training weights '{}': '{}' is not VALUE:WEIGHT", spec, item));
    }
    PARITY_ASSIGN_OR_RETURN(const double weight, parse_weight(item.substr(colon + 1), spec));
    mix[std::string(item.substr(0, colon))] = weight;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  // Each listed value's episodes share its weight equally.
  std::vector<std::string> values(sample.size());
  std::map<std::string, std::size_t> counts;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    if (key == "source") {
      values[i] = sample.sources[i];
    } else if (const auto it = sample.attributes[i].find(key); it != sample.attributes[i].end()) {
      values[i] = it->second;
    }
    ++counts[values[i]];
  }
  for (const auto& [value, weight] : mix) {
    if (counts.count(value) == 0 && weight > 0) {
      return invalid_argument(
          fmt::format("training weights '{}': no training episode has {} = {}", spec, key, value));
    }
  }
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const auto it = mix.find(values[i]);
    sample.weights[i] =
        it == mix.end() ? 0.0 : it->second / static_cast<double>(counts.at(values[i]));
  }
  return {};
}

// Per-episode weights from CSV (header with id / episode_id and weight) or JSON Lines.
Status apply_file(const std::string& path, Sample& sample) {
  std::ifstream in(path);
  if (!in) return not_found(fmt::format("{}: cannot read the training weights file", path));
  std::map<std::string, double> weights;
  std::string line;
  std::size_t line_number = 0;
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson");
  std::size_t id_column = 0, weight_column = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = fmt::format("{}: line {}", path, line_number);
    if (jsonl) {
      const auto row = nlohmann::json::parse(line, nullptr, false);
      if (row.is_discarded() || !row.is_object()) {
        return invalid_argument(where + ": not a JSON object");
      }
      const auto id =
          row.contains("episode_id") ? row["episode_id"] : row.value("id", nlohmann::json());
      if (!id.is_string() || !row.contains("weight") || !row["weight"].is_number()) {
        return invalid_argument(where + ": expected \"episode_id\" (or \"id\") and \"weight\"");
      }
      PARITY_ASSIGN_OR_RETURN(weights[id.get<std::string>()],
                              parse_weight(fmt::format("{}", row["weight"].get<double>()), where));
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream stream(line);
    for (std::string cell; std::getline(stream, cell, ',');) cells.push_back(cell);
    if (line_number == 1) {
      const auto find =
          [&](std::initializer_list<std::string_view> names) -> std::optional<std::size_t> {
        for (std::size_t c = 0; c < cells.size(); ++c) {
          if (std::find(names.begin(), names.end(), cells[c]) != names.end()) return c;
        }
        return std::nullopt;
      };
      const auto id = find({"episode_id", "id"});
      const auto weight = find({"weight"});
      if (!id || !weight) {
        return invalid_argument(where +
                                ": the header needs an episode_id (or id) and a weight column");
      }
      id_column = *id;
      weight_column = *weight;
      continue;
    }
    if (cells.size() <= std::max(id_column, weight_column)) {
      return invalid_argument(fmt::format("{}: expected at least {} columns, found {}", where,
                                          std::max(id_column, weight_column) + 1, cells.size()));
    }
    PARITY_ASSIGN_OR_RETURN(weights[cells[id_column]], parse_weight(cells[weight_column], where));
  }
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const auto it = weights.find(sample.episode_ids[i]);
    sample.weights[i] = it == weights.end() ? 0.0 : it->second;
  }
  return {};
}

}  // namespace

Status apply_weight_spec(const WeightSpec& spec, Sample& sample) {
  sample.weights.assign(sample.size(), 1.0);
  if (spec.text.empty()) return {};
  if (spec.text.starts_with("file:")) {
    PARITY_RETURN_IF_ERROR(apply_file(spec.text.substr(5), sample));
  } else {
    PARITY_RETURN_IF_ERROR(apply_mix(spec.text, sample));
  }
  double total = 0;
  for (double w : sample.weights) total += w;
  if (!(total > 0)) {
    return invalid_argument(
        fmt::format("training weights '{}' give every training episode weight 0", spec.text));
  }
  const double scale = static_cast<double>(sample.size()) / total;
  for (double& w : sample.weights) w *= scale;
  return {};
}

Result<ComparedSamples> load_compared_samples(const Catalog& catalog, const EpisodeFilter& train,
                                              const EpisodeFilter& target,
                                              const WeightSpec& weights) {
  ComparedSamples out;
  PARITY_ASSIGN_OR_RETURN(out.train, load_sample(catalog, train, "training"));
  PARITY_ASSIGN_OR_RETURN(out.target, load_sample(catalog, target, "target"));
  PARITY_RETURN_IF_ERROR(apply_weight_spec(weights, out.train));
  PARITY_ASSIGN_OR_RETURN(const FeatureTable train_table, catalog.load_feature_table(train));
  PARITY_ASSIGN_OR_RETURN(const FeatureTable target_table, catalog.load_feature_table(target));
  std::set<std::string> names(train_table.names.begin(), train_table.names.end());
  names.insert(target_table.names.begin(), target_table.names.end());
  out.features.assign(names.begin(), names.end());
  out.train_values = align(train_table, out.features);
  out.target_values = align(target_table, out.features);
  return out;
}

}  // namespace parity::compare
