#include "parity/catalog/catalog.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "catalog/attribute_rows.h"
#include "catalog/episode_query.h"
#include "catalog/migrations.h"
#include "catalog/sqlite_statement.h"
#include "parity/catalog/selector.h"

namespace parity {
namespace {

namespace fs = std::filesystem;
using catalog_detail::bind_attribute;
using catalog_detail::check_attributes;
using sqlite::Statement;
using sqlite::Transaction;

constexpr int kBusyTimeoutMs = 5000;
constexpr std::uint64_t kMaxStoredUnsigned =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// ---- validation of records before anything is written ---------------------------------

bool is_json_object(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return !parsed.is_discarded() && parsed.is_object();
}

bool is_json(const std::string& text) {
  return !nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
}

Status check_unsigned(std::uint64_t value, std::string_view what, std::string_view where) {
  if (value > kMaxStoredUnsigned) {
    return invalid_argument(fmt::format("{}: {} is {}, above the largest storable value {}", where,
                                        what, value, kMaxStoredUnsigned));
  }
  return {};
}

Status validate(const SourceRecord& source, const std::vector<EpisodeRecord>& episodes) {
  if (source.id.empty() || source.content_hash.empty() || source.path.empty()) {
    return invalid_argument(fmt::format(
        "source '{}': id, content_hash and path must be set (found id '{}', content_hash '{}')",
        source.path, source.id, source.content_hash));
  }
  const std::string where = fmt::format("source {}", source.path);
  PARITY_RETURN_IF_ERROR(check_unsigned(source.size_bytes, "size_bytes", where));
  PARITY_RETURN_IF_ERROR(check_attributes(source.attributes, where));
  std::set<std::string_view> ids;
  for (const EpisodeRecord& episode : episodes) {
    const std::string ew =
        fmt::format("{}: episode {} (index {})", where, episode.id, episode.index);
    if (episode.id.empty()) return invalid_argument(ew + ": the episode id is empty");
    if (!episode.source_id.empty() && episode.source_id != source.id) {
      return invalid_argument(
          fmt::format("{}: belongs to source {}, expected {}", ew, episode.source_id, source.id));
    }
    if (!ids.insert(episode.id).second) {
      return invalid_argument(ew + ": the episode id appears twice in this source");
    }
    PARITY_RETURN_IF_ERROR(check_unsigned(episode.message_count, "message_count", ew));
    PARITY_RETURN_IF_ERROR(check_attributes(episode.attributes, ew));
    for (const StreamRecord& stream : episode.streams) {
      const std::string sw = fmt::format("{}: stream {}", ew, stream.name);
      PARITY_RETURN_IF_ERROR(check_unsigned(stream.message_count, "message_count", sw));
      if (!std::isfinite(stream.rate_hz)) {
        return invalid_argument(
            fmt::format("{}: rate_hz is {}, expected a finite number", sw, stream.rate_hz));
      }
      if (!is_json_object(stream.metadata_json)) {
        return invalid_argument(
            fmt::format("{}: metadata_json is not a JSON object: {}", sw, stream.metadata_json));
      }
    }
    for (const ProvenanceRecord& record : episode.provenance) {
      const std::string pw = fmt::format("{}: provenance {}", ew, record.file);
      PARITY_RETURN_IF_ERROR(check_unsigned(record.file_bytes, "file_bytes", pw));
      PARITY_RETURN_IF_ERROR(check_unsigned(record.byte_start, "byte_start", pw));
      PARITY_RETURN_IF_ERROR(check_unsigned(record.byte_end, "byte_end", pw));
      if (!is_json_object(record.options_json)) {
        return invalid_argument(
            fmt::format("{}: options_json is not a JSON object: {}", pw, record.options_json));
      }
    }
  }
  return {};
}

// Later keys override earlier ones; the result is sorted by key.
void merge_attributes(const std::vector<Attribute>& attributes,
                      std::map<std::string, const Attribute*>& merged) {
  for (const Attribute& attribute : attributes) merged[attribute.key] = &attribute;
}

// ---- row <-> record -------------------------------------------------------------------

Result<std::uint64_t> read_unsigned(const Statement& stmt, int column, std::string_view what) {
  const std::int64_t value = stmt.int64(column);
  if (value < 0) return corrupt(fmt::format("catalog row has a negative {}: {}", what, value));
  return static_cast<std::uint64_t>(value);
}

// Reads rows of (key, type, text_value, num_value, origin).
Result<std::vector<Attribute>> read_attributes(Statement& stmt) {
  std::vector<Attribute> attributes;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    Attribute attribute;
    attribute.key = stmt.text(0);
    const std::string type = stmt.text(1);
    if (type == "number") {
      attribute.value = stmt.real(3);
    } else if (type == "bool") {
      attribute.value = stmt.text(2) == "true";
    } else if (type == "string") {
      attribute.value = stmt.text(2);
    } else {
      return corrupt(
          fmt::format("catalog attribute '{}' has unknown type '{}'", attribute.key, type));
    }
    attribute.origin = stmt.text(4);
    attributes.push_back(std::move(attribute));
  }
  return attributes;
}

constexpr const char* kSourceColumns =
    "id, path, format, domain, kind, content_hash, size_bytes, ingested_at, current, "
    "previous_version_id";

Result<SourceRecord> read_source_row(sqlite3* db, const Statement& stmt) {
  SourceRecord source;
  source.id = stmt.text(0);
  source.path = stmt.text(1);
  source.format = stmt.text(2);
  source.domain = stmt.text(3);
  source.kind = stmt.text(4);
  source.content_hash = stmt.text(5);
  PARITY_ASSIGN_OR_RETURN(source.size_bytes, read_unsigned(stmt, 6, "size_bytes"));
  source.ingested_at = stmt.text(7);
  source.current = stmt.int64(8) != 0;
  if (!stmt.is_null(9)) source.previous_version_id = stmt.text(9);
  PARITY_ASSIGN_OR_RETURN(auto attrs,
                          Statement::prepare(db,
                                             "SELECT key, type, text_value, num_value, origin FROM "
                                             "source_attributes WHERE source_id = ? ORDER BY key"));
  attrs.bind(1, std::string_view(source.id));
  PARITY_ASSIGN_OR_RETURN(source.attributes, read_attributes(attrs));
  return source;
}

// Sources matching `condition` (fixed SQL with `?` for `param`, when given).
Result<std::vector<SourceRecord>> query_sources(sqlite3* db, const std::string& condition,
                                                const std::optional<std::string>& param) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db, fmt::format("SELECT {} FROM sources WHERE {} ORDER BY "
                                                    "path, ingested_at, id",
                                                    kSourceColumns, condition)));
  if (param) stmt.bind(1, std::string_view(*param));
  std::vector<SourceRecord> sources;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    PARITY_ASSIGN_OR_RETURN(SourceRecord source, read_source_row(db, stmt));
    sources.push_back(std::move(source));
  }
  return sources;
}

Result<std::optional<SourceRecord>> query_one_source(sqlite3* db, const std::string& condition,
                                                     const std::string& param) {
  PARITY_ASSIGN_OR_RETURN(auto sources, query_sources(db, condition, param));
  if (sources.empty()) return std::optional<SourceRecord>();
  return std::optional<SourceRecord>(std::move(sources.front()));
}

Result<EpisodeRecord> load_episode(sqlite3* db, const std::string& id) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt,
      Statement::prepare(db,
                         "SELECT id, source_id, idx, task, embodiment, start_ns, end_ns, "
                         "message_count, outcome FROM episodes WHERE id = ?"));
  stmt.bind(1, std::string_view(id));
  PARITY_ASSIGN_OR_RETURN(const bool found, stmt.step());
  if (!found) return not_found(fmt::format("no episode with id {}", id));
  EpisodeRecord episode;
  episode.id = stmt.text(0);
  episode.source_id = stmt.text(1);
  episode.index = stmt.int64(2);
  episode.task = stmt.text(3);
  episode.embodiment = stmt.text(4);
  episode.start_ns = stmt.int64(5);
  episode.end_ns = stmt.int64(6);
  PARITY_ASSIGN_OR_RETURN(episode.message_count, read_unsigned(stmt, 7, "message_count"));
  episode.outcome = stmt.text(8);

  PARITY_ASSIGN_OR_RETURN(
      auto attrs, Statement::prepare(db,
                                     "SELECT key, type, text_value, num_value, origin FROM "
                                     "episode_attributes WHERE episode_id = ? ORDER BY key"));
  attrs.bind(1, std::string_view(id));
  PARITY_ASSIGN_OR_RETURN(episode.attributes, read_attributes(attrs));

  PARITY_ASSIGN_OR_RETURN(
      auto streams,
      Statement::prepare(
          db,
          "SELECT name, role, type, encoding, message_count, start_ns, end_ns, "
          "rate_hz, metadata_json FROM streams WHERE episode_id = ? ORDER BY position"));
  streams.bind(1, std::string_view(id));
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, streams.step());
    if (!row) break;
    StreamRecord stream;
    stream.name = streams.text(0);
    stream.role = streams.text(1);
    stream.type = streams.text(2);
    stream.encoding = streams.text(3);
    PARITY_ASSIGN_OR_RETURN(stream.message_count, read_unsigned(streams, 4, "message_count"));
    stream.start_ns = streams.int64(5);
    stream.end_ns = streams.int64(6);
    stream.rate_hz = streams.real(7);
    stream.metadata_json = streams.text(8);
    episode.streams.push_back(std::move(stream));
  }

  PARITY_ASSIGN_OR_RETURN(
      auto provenance,
      Statement::prepare(db,
                         "SELECT file, file_hash, file_bytes, byte_start, byte_end, reader, "
                         "reader_version, options_json FROM provenance WHERE episode_id = ? "
                         "ORDER BY position"));
  provenance.bind(1, std::string_view(id));
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, provenance.step());
    if (!row) break;
    ProvenanceRecord record;
    record.file = provenance.text(0);
    record.file_hash = provenance.text(1);
    PARITY_ASSIGN_OR_RETURN(record.file_bytes, read_unsigned(provenance, 2, "file_bytes"));
    PARITY_ASSIGN_OR_RETURN(record.byte_start, read_unsigned(provenance, 3, "byte_start"));
    PARITY_ASSIGN_OR_RETURN(record.byte_end, read_unsigned(provenance, 4, "byte_end"));
    record.reader = provenance.text(5);
    record.reader_version = provenance.text(6);
    record.options_json = provenance.text(7);
    episode.provenance.push_back(std::move(record));
  }
  return episode;
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return text;
}

// Inserts everything of one source; runs inside the caller's transaction.
Status insert_source(sqlite3* db, const SourceRecord& source,
                     const std::vector<EpisodeRecord>& episodes, std::int64_t run_id,
                     const std::string& now, const std::optional<std::string>& previous_id) {
  PARITY_ASSIGN_OR_RETURN(
      auto insert_source,
      Statement::prepare(db,
                         "INSERT INTO sources (id, path, format, domain, kind, content_hash, "
                         "size_bytes, ingested_at, current, previous_version_id, run_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"));
  insert_source.bind(1, std::string_view(source.id));
  insert_source.bind(2, std::string_view(source.path));
  insert_source.bind(3, std::string_view(source.format));
  insert_source.bind(4, std::string_view(source.domain));
  insert_source.bind(5, std::string_view(source.kind));
  insert_source.bind(6, std::string_view(source.content_hash));
  insert_source.bind(7, static_cast<std::int64_t>(source.size_bytes));
  insert_source.bind(8, std::string_view(now));
  insert_source.bind(9, previous_id);
  if (run_id > 0) {
    insert_source.bind(10, run_id);
  } else {
    insert_source.bind_null(10);
  }
  PARITY_RETURN_IF_ERROR(
      insert_source.run().with_context(fmt::format("storing source {}", source.path)));

  PARITY_ASSIGN_OR_RETURN(
      auto source_attr,
      Statement::prepare(db,
                         "INSERT INTO source_attributes (source_id, key, type, text_value, "
                         "num_value, origin) VALUES (?, ?, ?, ?, ?, ?)"));
  std::map<std::string, const Attribute*> source_attributes;
  merge_attributes(source.attributes, source_attributes);
  for (const auto& [key, attribute] : source_attributes) {
    source_attr.reset();
    bind_attribute(source_attr, source.id, *attribute);
    PARITY_RETURN_IF_ERROR(source_attr.run());
  }

  PARITY_ASSIGN_OR_RETURN(
      auto insert_episode,
      Statement::prepare(db,
                         "INSERT INTO episodes (id, source_id, idx, task, embodiment, start_ns, "
                         "end_ns, message_count, duration_s, outcome, ingested_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  PARITY_ASSIGN_OR_RETURN(
      auto episode_attr,
      Statement::prepare(db,
                         "INSERT INTO episode_attributes (episode_id, key, type, text_value, "
                         "num_value, origin) VALUES (?, ?, ?, ?, ?, ?)"));
  PARITY_ASSIGN_OR_RETURN(
      auto insert_stream,
      Statement::prepare(db,
                         "INSERT INTO streams (episode_id, position, name, role, type, encoding, "
                         "message_count, start_ns, end_ns, rate_hz, metadata_json) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  PARITY_ASSIGN_OR_RETURN(
      auto insert_provenance,
      Statement::prepare(db,
                         "INSERT INTO provenance (episode_id, position, file, file_hash, "
                         "file_bytes, byte_start, byte_end, reader, reader_version, options_json) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));

  for (const EpisodeRecord& episode : episodes) {
    insert_episode.reset();
    insert_episode.bind(1, std::string_view(episode.id));
    insert_episode.bind(2, std::string_view(source.id));
    insert_episode.bind(3, episode.index);
    insert_episode.bind(4, std::string_view(episode.task));
    insert_episode.bind(5, std::string_view(episode.embodiment));
    insert_episode.bind(6, episode.start_ns);
    insert_episode.bind(7, episode.end_ns);
    insert_episode.bind(8, static_cast<std::int64_t>(episode.message_count));
    insert_episode.bind(9, episode.duration_s());
    insert_episode.bind(10, std::string_view(episode.outcome));
    insert_episode.bind(11, std::string_view(now));
    const Status stored = insert_episode.run();
    if (!stored.ok()) {
      if (stored.code() == StatusCode::kAlreadyExists) {
        return already_exists(
            fmt::format("source {}: episode {} (index {}) is already stored for another source",
                        source.path, episode.id, episode.index));
      }
      return stored.with_context(fmt::format("storing episode {}", episode.id));
    }

    std::map<std::string, const Attribute*> effective = source_attributes;
    merge_attributes(episode.attributes, effective);
    for (const auto& [key, attribute] : effective) {
      episode_attr.reset();
      bind_attribute(episode_attr, episode.id, *attribute);
      PARITY_RETURN_IF_ERROR(episode_attr.run());
    }

    std::int64_t position = 0;
    for (const StreamRecord& stream : episode.streams) {
      insert_stream.reset();
      insert_stream.bind(1, std::string_view(episode.id));
      insert_stream.bind(2, position++);
      insert_stream.bind(3, std::string_view(stream.name));
      insert_stream.bind(4, std::string_view(stream.role));
      insert_stream.bind(5, std::string_view(stream.type));
      insert_stream.bind(6, std::string_view(stream.encoding));
      insert_stream.bind(7, static_cast<std::int64_t>(stream.message_count));
      insert_stream.bind(8, stream.start_ns);
      insert_stream.bind(9, stream.end_ns);
      insert_stream.bind(10, stream.rate_hz);
      insert_stream.bind(11, std::string_view(stream.metadata_json));
      PARITY_RETURN_IF_ERROR(insert_stream.run());
    }

    position = 0;
    for (const ProvenanceRecord& record : episode.provenance) {
      insert_provenance.reset();
      insert_provenance.bind(1, std::string_view(episode.id));
      insert_provenance.bind(2, position++);
      insert_provenance.bind(3, std::string_view(record.file));
      insert_provenance.bind(4, std::string_view(record.file_hash));
      insert_provenance.bind(5, static_cast<std::int64_t>(record.file_bytes));
      insert_provenance.bind(6, static_cast<std::int64_t>(record.byte_start));
      insert_provenance.bind(7, static_cast<std::int64_t>(record.byte_end));
      insert_provenance.bind(8, std::string_view(record.reader));
      insert_provenance.bind(9, std::string_view(record.reader_version));
      insert_provenance.bind(10, std::string_view(record.options_json));
      PARITY_RETURN_IF_ERROR(insert_provenance.run());
    }
  }
  return {};
}

Result<std::size_t> count_episodes(sqlite3* db, const std::string& source_id) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db, "SELECT count(*) FROM episodes WHERE source_id = ?"));
  stmt.bind(1, std::string_view(source_id));
  PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? static_cast<std::size_t>(stmt.int64(0)) : 0;
}

// ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" of the options' clock (system clock when unset).
std::string utc_timestamp(const CatalogOptions& options) {
  const auto now = options.clock ? options.clock() : std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

}  // namespace

Catalog::Catalog(sqlite3* db, std::filesystem::path path, CatalogOptions options,
                 int schema_version)
    : db_(db),
      path_(std::move(path)),
      options_(std::move(options)),
      schema_version_(schema_version) {}

Catalog::~Catalog() {
  sqlite3_close_v2(db_);
}

std::string Catalog::now_utc() const {
  return utc_timestamp(options_);
}

Result<std::unique_ptr<Catalog>> Catalog::open(const std::filesystem::path& path,
                                               CatalogOptions options) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    if (!options.create_if_missing) {
      return not_found(
          fmt::format("{}: no catalog here; run `parity init` to create one", path.string()));
    }
    if (path.has_parent_path()) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) {
        return io_error(fmt::format("{}: cannot create directory {}: {}", path.string(),
                                    path.parent_path().string(), ec.message()));
      }
    }
  } else if (fs::is_directory(status)) {
    return invalid_argument(
        fmt::format("{}: is a directory, expected a catalog database file", path.string()));
  }

  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  if (rc != SQLITE_OK) {
    return io_error(fmt::format("{}: cannot open the catalog: {}", path.string(),
                                raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);

  // Nothing is written before the file is known to be a catalog this build can handle.
  // Reading the schema is the first access to the file's bytes.
  if (const int probe =
          sqlite3_exec(db.get(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
      probe != SQLITE_OK) {
    const int code = sqlite3_extended_errcode(db.get());
    if ((code & 0xff) == SQLITE_NOTADB) {
      return corrupt(
          fmt::format("{}: not a Parity catalog: file is not a database", path.string()));
    }
    return sqlite::error_status(db.get(), code, "reading the catalog schema");
  }
  PARITY_RETURN_IF_ERROR(
      sqlite::exec(db.get(), "PRAGMA foreign_keys = ON", "enabling foreign keys"));

  const Result<int> migrated = catalog_detail::migrate(
      db.get(), catalog_detail::catalog_migrations(), utc_timestamp(options));
  if (!migrated.ok()) {
    const Status error = migrated.status();
    if (error.code() == StatusCode::kCorrupt) {
      return corrupt(fmt::format("{}: {}", path.string(), error.message()));
    }
    if (error.code() == StatusCode::kFailedPrecondition) {
      return failed_precondition(fmt::format("{}: {}", path.string(), error.message()));
    }
    return error;
  }
  {
    // journal_mode returns the resulting mode; a file system without shared memory keeps the
    // rollback journal, which is correct, only slower for concurrent readers.
    PARITY_ASSIGN_OR_RETURN(auto wal, Statement::prepare(db.get(), "PRAGMA journal_mode = WAL"));
    PARITY_RETURN_IF_ERROR(wal.run());
  }
  return std::unique_ptr<Catalog>(new Catalog(db.release(), path, std::move(options), *migrated));
}

Result<std::optional<SourceRecord>> Catalog::find_source_by_hash(
    const std::string& content_hash) const {
  return query_one_source(db_, "content_hash = ?", content_hash);
}

Result<std::optional<SourceRecord>> Catalog::find_current_source_by_path(
    const std::string& path) const {
  return query_one_source(db_, "path = ? AND current = 1", path);
}

Result<IngestOutcome> Catalog::store_source(const SourceRecord& source,
                                            const std::vector<EpisodeRecord>& episodes,
                                            std::int64_t run_id) {
  PARITY_RETURN_IF_ERROR(validate(source, episodes));
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kWrite));

  IngestOutcome outcome;
  PARITY_ASSIGN_OR_RETURN(const auto stored,
                          query_one_source(db_, "content_hash = ?", source.content_hash));
  if (stored) {
    outcome.kind = IngestOutcomeKind::kUnchanged;
    outcome.source_id = stored->id;
    PARITY_ASSIGN_OR_RETURN(outcome.episodes, count_episodes(db_, stored->id));
    return outcome;  // the transaction rolls back: nothing was written
  }
  if (run_id > 0) {
    PARITY_ASSIGN_OR_RETURN(auto run,
                            Statement::prepare(db_, "SELECT 1 FROM ingest_runs WHERE id = ?"));
    run.bind(1, run_id);
    PARITY_ASSIGN_OR_RETURN(const bool found, run.step());
    if (!found) {
      return invalid_argument(
          fmt::format("source {}: ingest run {} does not exist", source.path, run_id));
    }
  }
  PARITY_ASSIGN_OR_RETURN(const auto previous,
                          query_one_source(db_, "path = ? AND current = 1", source.path));
  std::optional<std::string> previous_id;
  if (previous) {
    previous_id = previous->id;
    PARITY_ASSIGN_OR_RETURN(auto supersede,
                            Statement::prepare(db_, "UPDATE sources SET current = 0 WHERE id = ?"));
    supersede.bind(1, std::string_view(previous->id));
    PARITY_RETURN_IF_ERROR(supersede.run());
  }
  PARITY_RETURN_IF_ERROR(insert_source(db_, source, episodes, run_id, now_utc(), previous_id));
  PARITY_RETURN_IF_ERROR(txn.commit());

  outcome.kind = previous ? IngestOutcomeKind::kNewVersion : IngestOutcomeKind::kInserted;
  outcome.source_id = source.id;
  outcome.replaced_source_id = previous_id;
  outcome.episodes = episodes.size();
  return outcome;
}

Result<std::int64_t> Catalog::begin_ingest_run(const std::string& args_json) {
  if (!is_json(args_json)) {
    return invalid_argument(fmt::format("ingest run arguments are not valid JSON: {}", args_json));
  }
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db_,
                                    "INSERT INTO ingest_runs (started_at, status, args_json) "
                                    "VALUES (?, 'running', ?)"));
  stmt.bind(1, std::string_view(now_utc()));
  stmt.bind(2, std::string_view(args_json));
  PARITY_RETURN_IF_ERROR(stmt.run());
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Status Catalog::finish_ingest_run(std::int64_t run_id, const std::string& status,
                                  const std::string& summary_json) {
  if (status.empty()) return invalid_argument(fmt::format("ingest run {}: empty status", run_id));
  if (!is_json(summary_json)) {
    return invalid_argument(
        fmt::format("ingest run {}: summary is not valid JSON: {}", run_id, summary_json));
  }
  PARITY_ASSIGN_OR_RETURN(auto stmt,
                          Statement::prepare(db_,
                                             "UPDATE ingest_runs SET finished_at = ?, status = ?, "
                                             "summary_json = ? WHERE id = ?"));
  stmt.bind(1, std::string_view(now_utc()));
  stmt.bind(2, std::string_view(status));
  stmt.bind(3, std::string_view(summary_json));
  stmt.bind(4, run_id);
  PARITY_RETURN_IF_ERROR(stmt.run());
  if (sqlite3_changes(db_) == 0) return not_found(fmt::format("no ingest run with id {}", run_id));
  return {};
}

Result<std::vector<IngestRunInfo>> Catalog::list_ingest_runs() const {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db_,
                                    "SELECT id, started_at, finished_at, status, args_json, "
                                    "summary_json FROM ingest_runs ORDER BY id"));
  std::vector<IngestRunInfo> runs;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    runs.push_back(
        {stmt.int64(0), stmt.text(1), stmt.text(2), stmt.text(3), stmt.text(4), stmt.text(5)});
  }
  return runs;
}

Result<std::vector<EpisodeSummary>> Catalog::list_episodes(const EpisodeFilter& filter) const {
  PARITY_ASSIGN_OR_RETURN(const auto ast, parse_selector(filter.where));
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kRead));
  PARITY_ASSIGN_OR_RETURN(const auto where,
                          catalog_detail::episode_where(db_, *ast, filter.include_superseded));
  std::string sql =
      "SELECT e.id, e.source_id, s.path, s.format, s.domain, s.kind, e.task, e.idx, e.start_ns, "
      "e.end_ns, e.message_count, e.duration_s, e.outcome, e.ingested_at, e.embodiment, "
      "s.current, (SELECT count(*) FROM streams st WHERE st.episode_id = e.id) "
      "FROM episodes e JOIN sources s ON s.id = e.source_id WHERE " +
      where.sql + " ORDER BY s.path, s.ingested_at, s.id, e.idx, e.id";
  if (filter.limit) sql += " LIMIT ?";
  PARITY_ASSIGN_OR_RETURN(auto stmt, Statement::prepare(db_, sql));
  catalog_detail::bind_params(stmt, 1, where.params);
  if (filter.limit) {
    stmt.bind(
        static_cast<int>(where.params.size()) + 1,
        static_cast<std::int64_t>(std::min<std::uint64_t>(*filter.limit, kMaxStoredUnsigned)));
  }
  PARITY_ASSIGN_OR_RETURN(
      auto attrs, Statement::prepare(db_,
                                     "SELECT key, type, text_value, num_value, origin FROM "
                                     "episode_attributes WHERE episode_id = ? ORDER BY key"));
  std::vector<EpisodeSummary> episodes;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    EpisodeSummary summary;
    summary.id = stmt.text(0);
    summary.source_id = stmt.text(1);
    summary.source_path = stmt.text(2);
    summary.format = stmt.text(3);
    summary.domain = stmt.text(4);
    summary.kind = stmt.text(5);
    summary.task = stmt.text(6);
    summary.index = stmt.int64(7);
    summary.start_ns = stmt.int64(8);
    summary.end_ns = stmt.int64(9);
    PARITY_ASSIGN_OR_RETURN(summary.message_count, read_unsigned(stmt, 10, "message_count"));
    summary.duration_s = stmt.real(11);
    summary.outcome = stmt.text(12);
    summary.ingested_at = stmt.text(13);
    summary.embodiment = stmt.text(14);
    summary.current = stmt.int64(15) != 0;
    summary.stream_count = static_cast<std::size_t>(stmt.int64(16));
    attrs.reset();
    attrs.bind(1, std::string_view(summary.id));
    PARITY_ASSIGN_OR_RETURN(summary.attributes, read_attributes(attrs));
    episodes.push_back(std::move(summary));
  }
  PARITY_RETURN_IF_ERROR(txn.commit());
  return episodes;
}

Result<EpisodeRecord> Catalog::get_episode(const std::string& id_or_prefix) const {
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kRead));
  Result<EpisodeRecord> exact = load_episode(db_, id_or_prefix);
  if (exact.ok() || exact.status().code() != StatusCode::kNotFound) return exact;

  const std::string prefix = to_lower(id_or_prefix);
  if (prefix.size() < 4 || !is_hex(prefix)) {
    return not_found(fmt::format(
        "no episode with id '{}' (an id prefix needs at least 4 hex digits)", id_or_prefix));
  }
  // Every id starting with `prefix` sorts in [prefix, prefix with its last digit + 1).
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(
                     db_, "SELECT id FROM episodes WHERE id >= ? AND id < ? ORDER BY id LIMIT 11"));
  stmt.bind(1, std::string_view(prefix));
  stmt.bind(2, std::string_view(upper));
  std::vector<std::string> matches;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    matches.push_back(stmt.text(0));
  }
  if (matches.empty()) {
    return not_found(fmt::format("no episode with id or id prefix '{}'", id_or_prefix));
  }
  if (matches.size() > 1) {
    const bool more = matches.size() > 10;
    if (more) matches.pop_back();
    return invalid_argument(
        fmt::format("episode id prefix '{}' is ambiguous: it matches {}{} (give more digits)",
                    id_or_prefix, fmt::join(matches, ", "), more ? " and more" : ""));
  }
  return load_episode(db_, matches.front());
}

Result<SourceRecord> Catalog::get_source(const std::string& source_id) const {
  PARITY_ASSIGN_OR_RETURN(auto source, query_one_source(db_, "id = ?", source_id));
  if (!source) return not_found(fmt::format("no source with id {}", source_id));
  return std::move(*source);
}

Result<std::vector<SourceRecord>> Catalog::list_sources(bool include_superseded) const {
  return query_sources(db_, include_superseded ? "1" : "current = 1", std::nullopt);
}

}  // namespace parity
