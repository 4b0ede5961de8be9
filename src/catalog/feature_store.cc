// Catalog features: per-episode values, frame samples and derived attributes (features.h,
// docs/catalog.md "Features").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "catalog/attribute_rows.h"
#include "catalog/sqlite_statement.h"
#include "parity/catalog/catalog.h"

namespace parity {
namespace {

using sqlite::Statement;
using sqlite::Transaction;

constexpr std::string_view kDerivedOrigin = "derived";

Status check_feature_record(const EpisodeFeatureRecord& record) {
  const std::string where = fmt::format("features of episode {}", record.episode_id);
  std::set<std::string_view> names;
  for (const auto& [name, value] : record.values) {
    if (name.empty()) return invalid_argument(where + ": empty feature name");
    if (!std::isfinite(value)) {
      return invalid_argument(
          fmt::format("{}: feature '{}' is {}, expected a finite number", where, name, value));
    }
    if (!names.insert(name).second) {
      return invalid_argument(fmt::format("{}: feature '{}' appears twice", where, name));
    }
  }
  for (const FrameSampleRecord& sample : record.samples) {
    if (sample.vector.empty() || sample.role.empty() || sample.kind.empty()) {
      return invalid_argument(fmt::format(
          "{}: frame sample {} of '{}' ({}) needs a role, a kind and a non-empty vector", where,
          sample.position, sample.role, sample.kind));
    }
    if (!std::all_of(sample.vector.begin(), sample.vector.end(),
                     [](float v) { return std::isfinite(v); })) {
      return invalid_argument(fmt::format("{}: frame sample {} of '{}' ({}) is not finite", where,
                                          sample.position, sample.role, sample.kind));
    }
  }
  return catalog_detail::check_attributes(record.derived, where);
}

Status require_episode(sqlite3* db, const std::string& episode_id) {
  PARITY_ASSIGN_OR_RETURN(auto stmt, Statement::prepare(db, "SELECT 1 FROM episodes WHERE id = ?"));
  stmt.bind(1, std::string_view(episode_id));
  PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return not_found(fmt::format("no episode with id {}", episode_id));
  return {};
}

// Deletes the episode's derived attributes and inserts `derived`, skipping keys the episode has
// from another origin. Runs inside the caller's transaction.
Status write_derived_attributes(sqlite3* db, const std::string& episode_id,
                                const std::vector<Attribute>& derived) {
  PARITY_ASSIGN_OR_RETURN(
      auto remove,
      Statement::prepare(db, "DELETE FROM episode_attributes WHERE episode_id = ? AND origin = ?"));
  remove.bind(1, std::string_view(episode_id));
  remove.bind(2, kDerivedOrigin);
  PARITY_RETURN_IF_ERROR(remove.run());
  PARITY_ASSIGN_OR_RETURN(
      auto insert,
      Statement::prepare(db,
                         "INSERT OR IGNORE INTO episode_attributes (episode_id, key, type, "
                         "text_value, num_value, origin) VALUES (?, ?, ?, ?, ?, ?)"));
  for (Attribute attribute : derived) {
    attribute.origin = std::string(kDerivedOrigin);
    insert.reset();
    catalog_detail::bind_attribute(insert, episode_id, attribute);
    PARITY_RETURN_IF_ERROR(insert.run());
  }
  return {};
}

std::string float_blob(const std::vector<float>& vector) {
  std::string bytes(vector.size() * sizeof(float), '\0');
  // float32 little-endian: the host order on every platform Parity builds for.
  std::memcpy(bytes.data(), vector.data(), bytes.size());
  return bytes;
}

}  // namespace

Status Catalog::store_episode_features(const EpisodeFeatureRecord& record) {
  PARITY_RETURN_IF_ERROR(check_feature_record(record));
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kWrite));
  PARITY_RETURN_IF_ERROR(require_episode(db_, record.episode_id));
  for (const char* table : {"episode_features", "frame_samples", "feature_status"}) {
    PARITY_ASSIGN_OR_RETURN(
        auto remove,
        Statement::prepare(db_, fmt::format("DELETE FROM {} WHERE episode_id = ?", table)));
    remove.bind(1, std::string_view(record.episode_id));
    PARITY_RETURN_IF_ERROR(remove.run());
  }
  PARITY_ASSIGN_OR_RETURN(
      auto value_insert,
      Statement::prepare(
          db_, "INSERT INTO episode_features (episode_id, name, value) VALUES (?, ?, ?)"));
  for (const auto& [name, value] : record.values) {
    value_insert.reset();
    value_insert.bind(1, std::string_view(record.episode_id));
    value_insert.bind(2, std::string_view(name));
    value_insert.bind(3, value);
    PARITY_RETURN_IF_ERROR(value_insert.run());
  }
  PARITY_ASSIGN_OR_RETURN(
      auto sample_insert,
      Statement::prepare(db_,
                         "INSERT INTO frame_samples (episode_id, role, kind, position, "
                         "log_time_ns, dims, vector) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  for (const FrameSampleRecord& sample : record.samples) {
    sample_insert.reset();
    sample_insert.bind(1, std::string_view(record.episode_id));
    sample_insert.bind(2, std::string_view(sample.role));
    sample_insert.bind(3, std::string_view(sample.kind));
    sample_insert.bind(4, static_cast<std::int64_t>(sample.position));
    sample_insert.bind(5, sample.log_time_ns);
    sample_insert.bind(6, static_cast<std::int64_t>(sample.vector.size()));
    sample_insert.bind_blob(7, float_blob(sample.vector));
    PARITY_RETURN_IF_ERROR(sample_insert.run());
  }
  PARITY_RETURN_IF_ERROR(write_derived_attributes(db_, record.episode_id, record.derived));
  PARITY_ASSIGN_OR_RETURN(
      auto status_insert,
      Statement::prepare(db_,
                         "INSERT INTO feature_status (episode_id, extractor_version, "
                         "options_json, computed_at, status, message) VALUES (?, ?, ?, ?, ?, ?)"));
  status_insert.bind(1, std::string_view(record.episode_id));
  status_insert.bind(2, std::string_view(record.extractor_version));
  status_insert.bind(3, std::string_view(record.options_json));
  status_insert.bind(4, std::string_view(now_utc()));
  status_insert.bind(5, std::string_view(record.ok ? "ok" : "error"));
  status_insert.bind(6, std::string_view(record.message));
  PARITY_RETURN_IF_ERROR(status_insert.run());
  return txn.commit();
}

Status Catalog::replace_derived_attributes(const std::string& episode_id,
                                           const std::vector<Attribute>& derived) {
  PARITY_RETURN_IF_ERROR(
      catalog_detail::check_attributes(derived, fmt::format("episode {}", episode_id)));
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kWrite));
  PARITY_RETURN_IF_ERROR(require_episode(db_, episode_id));
  PARITY_RETURN_IF_ERROR(write_derived_attributes(db_, episode_id, derived));
  return txn.commit();
}

Result<std::vector<std::string>> Catalog::episodes_needing_features(
    const EpisodeFilter& filter, const std::string& extractor_version) const {
  PARITY_ASSIGN_OR_RETURN(const auto episodes, list_episodes(filter));
  PARITY_ASSIGN_OR_RETURN(
      auto done, Statement::prepare(db_,
                                    "SELECT 1 FROM feature_status WHERE episode_id = ? AND "
                                    "extractor_version = ? AND status = 'ok'"));
  std::vector<std::string> ids;
  for (const EpisodeSummary& episode : episodes) {
    done.reset();
    done.bind(1, std::string_view(episode.id));
    done.bind(2, std::string_view(extractor_version));
    PARITY_ASSIGN_OR_RETURN(const bool row, done.step());
    if (!row) ids.push_back(episode.id);
  }
  return ids;
}

Result<std::vector<std::pair<std::string, double>>> Catalog::episode_features(
    const std::string& episode_id) const {
  PARITY_RETURN_IF_ERROR(require_episode(db_, episode_id));
  PARITY_ASSIGN_OR_RETURN(
      auto stmt,
      Statement::prepare(
          db_, "SELECT name, value FROM episode_features WHERE episode_id = ? ORDER BY name"));
  stmt.bind(1, std::string_view(episode_id));
  std::vector<std::pair<std::string, double>> values;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    values.emplace_back(stmt.text(0), stmt.real(1));
  }
  return values;
}

Result<FeatureTable> Catalog::load_feature_table(const EpisodeFilter& filter) const {
  PARITY_ASSIGN_OR_RETURN(const auto episodes, list_episodes(filter));
  std::vector<std::vector<std::pair<std::string, double>>> rows;
  rows.reserve(episodes.size());
  std::set<std::string> names;
  FeatureTable table;
  for (const EpisodeSummary& episode : episodes) {
    PARITY_ASSIGN_OR_RETURN(auto values, episode_features(episode.id));
    for (const auto& entry : values) names.insert(entry.first);
    rows.push_back(std::move(values));
    table.episode_ids.push_back(episode.id);
  }
  table.names.assign(names.begin(), names.end());
  std::map<std::string_view, std::size_t> column;
  for (std::size_t c = 0; c < table.names.size(); ++c) column[table.names[c]] = c;
  table.values.assign(rows.size() * table.names.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const auto& [name, value] : rows[r]) {
      table.values[r * table.names.size() + column.at(name)] = value;
    }
  }
  return table;
}

Result<std::vector<FrameSampleRecord>> Catalog::frame_samples(const std::string& episode_id,
                                                              const std::string& kind) const {
  PARITY_RETURN_IF_ERROR(require_episode(db_, episode_id));
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db_,
                                    "SELECT role, kind, position, log_time_ns, dims, vector FROM "
                                    "frame_samples WHERE episode_id = ? AND (? = '' OR kind = ?) "
                                    "ORDER BY role, kind, position"));
  stmt.bind(1, std::string_view(episode_id));
  stmt.bind(2, std::string_view(kind));
  stmt.bind(3, std::string_view(kind));
  std::vector<FrameSampleRecord> samples;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    FrameSampleRecord sample;
    sample.role = stmt.text(0);
    sample.kind = stmt.text(1);
    sample.position = static_cast<std::uint32_t>(stmt.int64(2));
    sample.log_time_ns = stmt.int64(3);
    const std::string bytes = stmt.blob(5);
    if (stmt.int64(4) <= 0 || bytes.size() != static_cast<std::size_t>(stmt.int64(4)) * 4) {
      return corrupt(fmt::format("catalog frame sample {} of episode {} has {} bytes for {} dims",
                                 sample.position, episode_id, bytes.size(), stmt.int64(4)));
    }
    sample.vector.resize(bytes.size() / sizeof(float));
    std::memcpy(sample.vector.data(), bytes.data(), bytes.size());
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace parity
