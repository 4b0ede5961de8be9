#include "catalog/migrations.h"

#include <fmt/format.h>

#include <string>

#include "catalog/sqlite_statement.h"

namespace parity::catalog_detail {
namespace {

// Version 1: the initial schema (docs/catalog.md "Schema"). Every text column is NOT NULL
// ("" when unset) so selectors never meet SQL NULL; counts and byte offsets are INTEGER
// (int64; the catalog rejects values above 2^63-1).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE ingest_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  args_json TEXT NOT NULL,
  summary_json TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  ingested_at TEXT NOT NULL,
  current INTEGER NOT NULL CHECK (current IN (0, 1)),
  previous_version_id TEXT REFERENCES sources(id) ON DELETE SET NULL,
  run_id INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL
);
CREATE INDEX sources_by_path ON sources(path, current);
CREATE INDEX sources_by_domain ON sources(domain);
CREATE INDEX sources_by_kind ON sources(kind);
CREATE INDEX sources_by_format ON sources(format);

CREATE TABLE source_attributes (
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('string', 'number', 'bool')),
  text_value TEXT NOT NULL,
  num_value REAL,
  origin TEXT NOT NULL,
  PRIMARY KEY (source_id, key)
);

CREATE TABLE episodes (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  task TEXT NOT NULL,
  embodiment TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  message_count INTEGER NOT NULL CHECK (message_count >= 0),
  duration_s REAL NOT NULL,
  outcome TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);
CREATE INDEX episodes_by_source ON episodes(source_id, idx);
CREATE INDEX episodes_by_task ON episodes(task);
CREATE INDEX episodes_by_outcome ON episodes(outcome);
CREATE INDEX episodes_by_duration ON episodes(duration_s);
CREATE INDEX episodes_by_ingested ON episodes(ingested_at);

CREATE TABLE episode_attributes (
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('string', 'number', 'bool')),
  text_value TEXT NOT NULL,
  num_value REAL,
  origin TEXT NOT NULL,
  PRIMARY KEY (episode_id, key)
);
CREATE INDEX episode_attributes_by_text ON episode_attributes(key, text_value);
CREATE INDEX episode_attributes_by_number ON episode_attributes(key, num_value);

CREATE TABLE streams (
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  type TEXT NOT NULL,
  encoding TEXT NOT NULL,
  message_count INTEGER NOT NULL CHECK (message_count >= 0),
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  rate_hz REAL NOT NULL,
  metadata_json TEXT NOT NULL,
  PRIMARY KEY (episode_id, position)
);
CREATE INDEX streams_by_role ON streams(role);

CREATE TABLE provenance (
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  file TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  file_bytes INTEGER NOT NULL CHECK (file_bytes >= 0),
  byte_start INTEGER NOT NULL CHECK (byte_start >= 0),
  byte_end INTEGER NOT NULL CHECK (byte_end >= 0),
  reader TEXT NOT NULL,
  reader_version TEXT NOT NULL,
  options_json TEXT NOT NULL,
  PRIMARY KEY (episode_id, position)
);
CREATE INDEX provenance_by_file ON provenance(file);

CREATE TABLE snapshots (
  name TEXT PRIMARY KEY,
  where_expr TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL,
  episode_count INTEGER NOT NULL
);

-- Frozen copies: no foreign key to episodes, so a snapshot outlives the rows it names and
-- verify can report them missing.
CREATE TABLE snapshot_episodes (
  snapshot TEXT NOT NULL REFERENCES snapshots(name) ON DELETE CASCADE,
  episode_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (snapshot, episode_id)
);
CREATE INDEX snapshot_episodes_by_episode ON snapshot_episodes(episode_id);

CREATE TABLE snapshot_files (
  snapshot TEXT NOT NULL REFERENCES snapshots(name) ON DELETE CASCADE,
  episode_id TEXT NOT NULL,
  file TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  PRIMARY KEY (snapshot, episode_id, file, file_hash)
);
)sql";

// Version 2: per-episode features (docs/catalog.md "Features"). feature_status says which
// episodes were profiled by which extractor version (the resume point of `parity profile`);
// episode_features holds the finite values (a missing feature has no row); frame_samples holds
// per-frame vectors (frame descriptors, learned embeddings) as little-endian float32 blobs.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE feature_status (
  episode_id TEXT PRIMARY KEY REFERENCES episodes(id) ON DELETE CASCADE,
  extractor_version TEXT NOT NULL,
  options_json TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  message TEXT NOT NULL
);

CREATE TABLE episode_features (
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (episode_id, name)
) WITHOUT ROWID;
CREATE INDEX episode_features_by_name ON episode_features(name, value);

CREATE TABLE frame_samples (
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  kind TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 0),
  log_time_ns INTEGER NOT NULL,
  dims INTEGER NOT NULL CHECK (dims > 0),
  vector BLOB NOT NULL CHECK (length(vector) = 4 * dims),
  PRIMARY KEY (episode_id, role, kind, position)
);
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema: sources, episodes, attributes, streams, provenance, runs, snapshots",
     kSchemaV1},
    {2, "features: feature_status, episode_features, frame_samples", kSchemaV2},
};

constexpr const char* kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
)sql";

// Names of the tables in the database, comma-separated ("" when none).
Result<std::string> table_names(sqlite3* db) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, sqlite::Statement::prepare(
                     db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
  std::string names;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    if (!names.empty()) names += ", ";
    names += stmt.text(0);
  }
  return names;
}

Status apply_step(sqlite3* db, const Migration& step, const std::string& applied_at) {
  PARITY_ASSIGN_OR_RETURN(auto txn,
                          sqlite::Transaction::begin(db, sqlite::Transaction::Mode::kWrite));
  // Another process may have migrated between our read and this write lock.
  PARITY_ASSIGN_OR_RETURN(const int version, read_user_version(db));
  if (version >= step.version) return txn.commit();
  if (version != step.version - 1) {
    return failed_precondition(
        fmt::format("catalog schema version {} cannot be migrated by step {} (expects version {})",
                    version, step.version, step.version - 1));
  }
  const std::string context = fmt::format("migration to schema version {}", step.version);
  PARITY_RETURN_IF_ERROR(sqlite::exec(db, kCreateMigrationsTable, context));
  PARITY_RETURN_IF_ERROR(sqlite::exec(db, step.sql, context));
  PARITY_ASSIGN_OR_RETURN(
      auto record,
      sqlite::Statement::prepare(
          db, "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)"));
  record.bind(1, static_cast<std::int64_t>(step.version));
  record.bind(2, std::string_view(step.description));
  record.bind(3, std::string_view(applied_at));
  PARITY_RETURN_IF_ERROR(record.run());
  // PRAGMA arguments cannot be bound; the version is our own constant, not user text.
  const std::string pragma = fmt::format("PRAGMA user_version = {}", step.version);
  PARITY_RETURN_IF_ERROR(sqlite::exec(db, pragma.c_str(), context));
  return txn.commit();
}

}  // namespace

std::span<const Migration> catalog_migrations() {
  return kMigrations;
}

Result<int> read_user_version(sqlite3* db) {
  PARITY_ASSIGN_OR_RETURN(auto stmt, sqlite::Statement::prepare(db, "PRAGMA user_version"));
  PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return internal_error("PRAGMA user_version returned no row");
  const std::int64_t version = stmt.int64(0);
  if (version < 0 || version > 1'000'000) {
    return corrupt(
        fmt::format("catalog schema version {} is not a Parity schema version", version));
  }
  return static_cast<int>(version);
}

Result<int> migrate(sqlite3* db, std::span<const Migration> steps, const std::string& applied_at) {
  const int latest = steps.empty() ? 0 : steps.back().version;
  PARITY_ASSIGN_OR_RETURN(int version, read_user_version(db));
  if (version > latest) {
    return failed_precondition(
        fmt::format("catalog schema version {} is newer than this build of Parity supports "
                    "(version {}); upgrade Parity to open it",
                    version, latest));
  }
  if (version == 0) {
    PARITY_ASSIGN_OR_RETURN(const std::string tables, table_names(db));
    if (!tables.empty()) {
      return corrupt(fmt::format(
          "not a Parity catalog: the database has tables ({}) but no catalog schema version",
          tables));
    }
  }
  for (const Migration& step : steps) {
    if (step.version <= version) continue;
    PARITY_RETURN_IF_ERROR(apply_step(db, step, applied_at));
    PARITY_ASSIGN_OR_RETURN(version, read_user_version(db));
  }
  return version;
}

}  // namespace parity::catalog_detail
