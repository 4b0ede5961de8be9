#include "parity/export/catalog_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace parity {
namespace {

Cell text_or_null(const std::string& text) {
  return text.empty() ? Cell{} : Cell{text};
}

Cell cell_of(const AttributeValue& value) {
  return std::visit([](const auto& v) -> Cell { return v; }, value);
}

CellType cell_type_of(const AttributeValue& value) {
  if (std::holds_alternative<double>(value)) return CellType::kDouble;
  if (std::holds_alternative<bool>(value)) return CellType::kBool;
  return CellType::kString;
}

TableData episodes_table(const std::vector<EpisodeSummary>& episodes) {
  TableData table;
  table.schema = {
      {"id", CellType::kString, false},           {"source_id", CellType::kString, false},
      {"source", CellType::kString, false},       {"format", CellType::kString, true},
      {"index", CellType::kInt64, false},         {"name", CellType::kString, true},
      {"domain", CellType::kString, true},        {"kind", CellType::kString, true},
      {"task", CellType::kString, true},          {"embodiment", CellType::kString, true},
      {"outcome", CellType::kString, true},       {"start_ns", CellType::kInt64, false},
      {"end_ns", CellType::kInt64, false},        {"duration_s", CellType::kDouble, false},
      {"message_count", CellType::kInt64, false}, {"stream_count", CellType::kInt64, false},
      {"ingested", CellType::kString, true}};
  const std::size_t fixed = table.schema.size();
  // Attribute columns: one per key, typed by its values.
  std::map<std::string, CellType> types;
  for (const EpisodeSummary& e : episodes) {
    for (const Attribute& a : e.attributes) {
      if (a.key == "episode_name") continue;  // the `name` column
      const CellType type = cell_type_of(a.value);
      const auto [it, inserted] = types.emplace(a.key, type);
      if (!inserted && it->second != type) it->second = CellType::kString;
    }
  }
  std::map<std::string, std::size_t> column_of;
  for (const auto& [key, type] : types) {
    const bool clash = std::any_of(table.schema.begin(), table.schema.begin() + fixed,
                                   [&](const TableColumn& c) { return c.name == key; });
    column_of[key] = table.schema.size();
    table.schema.push_back({clash ? "attr." + key : key, type, true});
  }
  for (const EpisodeSummary& e : episodes) {
    TableRow row(table.schema.size());
    std::string name;
    for (const Attribute& a : e.attributes) {
      if (a.key == "episode_name") {
        name = attribute_value_to_string(a.value);
        continue;
      }
      const std::size_t c = column_of.at(a.key);
      row[c] =
          table.schema[c].type == CellType::kString && cell_type_of(a.value) != CellType::kString
              ? Cell{attribute_value_to_string(a.value)}
              : cell_of(a.value);
    }
    row[0] = e.id;
    row[1] = e.source_id;
    row[2] = e.source_path;
    row[3] = text_or_null(e.format);
    row[4] = e.index;
    row[5] = text_or_null(name);
    row[6] = text_or_null(e.domain);
    row[7] = text_or_null(e.kind);
    row[8] = text_or_null(e.task);
    row[9] = text_or_null(e.embodiment);
    row[10] = text_or_null(e.outcome);
    row[11] = e.start_ns;
    row[12] = e.end_ns;
    row[13] = e.duration_s;
    row[14] = static_cast<std::int64_t>(e.message_count);
    row[15] = static_cast<std::int64_t>(e.stream_count);
    row[16] = text_or_null(e.ingested_at);
    table.rows.push_back(std::move(row));
  }
  return table;
}

Result<TableData> streams_table(const Catalog& catalog,
                                const std::vector<EpisodeSummary>& episodes) {
  TableData table;
  table.schema = {
      {"episode_id", CellType::kString, false}, {"name", CellType::kString, false},
      {"role", CellType::kString, true},        {"type", CellType::kString, true},
      {"encoding", CellType::kString, true},    {"message_count", CellType::kInt64, false},
      {"start_ns", CellType::kInt64, false},    {"end_ns", CellType::kInt64, false},
      {"rate_hz", CellType::kDouble, false},    {"metadata", CellType::kString, false}};
  for (const EpisodeSummary& e : episodes) {
    PARITY_ASSIGN_OR_RETURN(const EpisodeRecord record, catalog.get_episode(e.id));
    for (const StreamRecord& s : record.streams) {
      table.rows.push_back({e.id, s.name, text_or_null(s.role), text_or_null(s.type),
                            text_or_null(s.encoding), static_cast<std::int64_t>(s.message_count),
                            s.start_ns, s.end_ns, s.rate_hz, s.metadata_json});
    }
  }
  return table;
}

TableData sources_table(const std::vector<SourceRecord>& sources) {
  TableData table;
  table.schema = {
      {"id", CellType::kString, false},        {"path", CellType::kString, false},
      {"format", CellType::kString, true},     {"domain", CellType::kString, true},
      {"kind", CellType::kString, true},       {"content_hash", CellType::kString, false},
      {"size_bytes", CellType::kInt64, false}, {"previous_version_id", CellType::kString, true},
      {"ingested", CellType::kString, true},   {"current", CellType::kBool, false}};
  for (const SourceRecord& s : sources) {
    table.rows.push_back({s.id, s.path, text_or_null(s.format), text_or_null(s.domain),
                          text_or_null(s.kind), s.content_hash,
                          static_cast<std::int64_t>(s.size_bytes),
                          s.previous_version_id ? Cell{*s.previous_version_id} : Cell{},
                          text_or_null(s.ingested_at), s.current});
  }
  return table;
}

}  // namespace

Result<CatalogTable> parse_catalog_table(std::string_view name) {
  if (name == "episodes") return CatalogTable::kEpisodes;
  if (name == "streams") return CatalogTable::kStreams;
  if (name == "sources") return CatalogTable::kSources;
  if (name == "features") return CatalogTable::kFeatures;
  return invalid_argument(
      fmt::format("unknown table '{}'; expected episodes, streams, sources or features", name));
}

TableData feature_table_data(const FeatureTable& features) {
  TableData data;
  data.schema.push_back({"id", CellType::kString, false});
  for (const std::string& name : features.names) {
    data.schema.push_back({name, CellType::kDouble, true});
  }
  data.rows.reserve(features.episode_ids.size());
  for (std::size_t r = 0; r < features.episode_ids.size(); ++r) {
    TableRow row;
    row.reserve(data.schema.size());
    row.emplace_back(features.episode_ids[r]);
    for (std::size_t c = 0; c < features.names.size(); ++c) {
      const double value = features.at(r, c);
      if (FeatureTable::is_missing(value)) {
        row.emplace_back(std::monostate{});
      } else {
        row.emplace_back(value);
      }
    }
    data.rows.push_back(std::move(row));
  }
  return data;
}

Result<TableData> catalog_table(const Catalog& catalog, CatalogTable table,
                                const EpisodeFilter& filter) {
  if (table == CatalogTable::kSources) {
    PARITY_ASSIGN_OR_RETURN(const auto sources, catalog.list_sources(filter.include_superseded));
    return sources_table(sources);
  }
  if (table == CatalogTable::kFeatures) {
    PARITY_ASSIGN_OR_RETURN(const FeatureTable features, catalog.load_feature_table(filter));
    return feature_table_data(features);
  }
  PARITY_ASSIGN_OR_RETURN(const auto episodes, catalog.list_episodes(filter));
  if (table == CatalogTable::kStreams) return streams_table(catalog, episodes);
  return episodes_table(episodes);
}

}  // namespace parity
