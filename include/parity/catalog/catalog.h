// The catalog: a SQLite database of sources, episodes, streams, attributes, provenance,
// ingest runs and snapshots (schema and policies in docs/catalog.md).
//
// A Catalog owns one SQLite connection. It is not thread-safe: use one Catalog per thread
// (several processes may open the same file; writers wait up to the busy timeout).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parity/catalog/features.h"
#include "parity/catalog/model.h"
#include "parity/catalog/snapshot.h"
#include "parity/core/status.h"

struct sqlite3;

namespace parity {

struct CatalogOptions {
  bool create_if_missing = false;
  // Source of "now" for ingested_at / created_at / run timestamps; the system clock when
  // empty. Tests inject a fixed clock.
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct EpisodeFilter {
  std::string where;  // selector text (selector.h); "" selects every episode
  // By default only episodes of current sources (see SourceRecord::current) are listed, plus
  // episodes frozen in a snapshot the selector names (`snapshot:NAME` keeps its episodes
  // visible after their source was superseded).
  bool include_superseded = false;
  std::optional<std::size_t> limit;
};

struct EpisodeSummary {
  std::string id, source_id, source_path, format, domain, kind, task;
  std::int64_t index = 0;
  std::int64_t start_ns = 0, end_ns = 0;
  std::uint64_t message_count = 0;
  double duration_s = 0.0;
  std::string outcome;
  std::string ingested_at;            // ISO-8601 UTC
  std::vector<Attribute> attributes;  // effective attributes, sorted by key
  std::size_t stream_count = 0;
  std::string embodiment;
  bool current = true;  // false when the source was superseded
};

enum class IngestOutcomeKind { kInserted, kUnchanged, kNewVersion };

struct IngestOutcome {
  IngestOutcomeKind kind = IngestOutcomeKind::kInserted;
  std::string source_id;
  std::optional<std::string> replaced_source_id;  // kNewVersion: the superseded source
  std::size_t episodes = 0;  // episodes stored (kUnchanged: episodes already stored)
};

struct IngestRunInfo {
  std::int64_t id = 0;
  std::string started_at, finished_at, status, args_json, summary_json;
};

class Catalog {
 public:
  // The schema version this build creates and migrates to.
  static constexpr int kSchemaVersion = 2;

  // Opens (and with create_if_missing creates, with parent directories) the catalog at
  // `path`, enables WAL, foreign keys and a busy timeout, and applies pending forward
  // migrations, each in its own transaction. An existing empty SQLite database counts as
  // version 0 and is migrated. Errors: kNotFound when absent and !create_if_missing (the
  // message says to run `parity init`), kFailedPrecondition when the file's schema is newer
  // than this build, kCorrupt when it is not a SQLite database or holds tables of something
  // else, kIoError when it cannot be opened.
  static Result<std::unique_ptr<Catalog>> open(const std::filesystem::path& path,
                                               CatalogOptions options = {});

  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  int schema_version() const { return schema_version_; }
  const std::filesystem::path& path() const { return path_; }

  // The stored source with this content hash (current or superseded), if any.
  Result<std::optional<SourceRecord>> find_source_by_hash(const std::string& content_hash) const;
  // The current source stored for this path, if any.
  Result<std::optional<SourceRecord>> find_current_source_by_path(const std::string& path) const;

  // Stores one source and all its episodes (streams, attributes, provenance) in ONE
  // transaction: afterwards either all of it is stored or none of it.
  // - A source whose content_hash is already stored (at any path) writes nothing and
  //   returns kUnchanged with the stored source's id.
  // - A source at the path of a current source with another hash becomes a new version:
  //   its previous_version_id is that source, which is marked current = false: kNewVersion.
  // - Else kInserted.
  // The catalog sets ingested_at, current and previous_version_id (input values of those
  // fields are ignored). An episode's stored attributes are its effective ones: the source's
  // attributes overridden by the episode's own; within one list a later duplicate key
  // overrides an earlier one. `run_id` links the source to an ingest run (<= 0: none).
  // Errors: kInvalidArgument for an invalid record (empty ids, an episode of another source,
  // an episode id twice, a bad attribute key or non-finite number, a count above 2^63-1,
  // JSON fields that are not objects, an unknown run id); kAlreadyExists when an episode id
  // is already stored for another source; SQLite errors as kIoError/kInternal.
  Result<IngestOutcome> store_source(const SourceRecord& source,
                                     const std::vector<EpisodeRecord>& episodes,
                                     std::int64_t run_id);

  // Records the start of an ingest run (status "running"); returns its id.
  // Errors: kInvalidArgument when args_json is not valid JSON.
  Result<std::int64_t> begin_ingest_run(const std::string& args_json);
  // Sets the final status (e.g. "ok", "failed") and summary. Errors: kNotFound (no such run),
  // kInvalidArgument (empty status or summary_json not valid JSON).
  Status finish_ingest_run(std::int64_t run_id, const std::string& status,
                           const std::string& summary_json);
  // All runs, oldest first. finished_at is "" while a run is unfinished.
  Result<std::vector<IngestRunInfo>> list_ingest_runs() const;

  // Episodes matching the filter, ordered by source path, source ingest time, source id and
  // episode index. Errors: kInvalidArgument (selector syntax), kNotFound (a snapshot the
  // selector names does not exist).
  Result<std::vector<EpisodeSummary>> list_episodes(const EpisodeFilter& filter) const;
  // Full episode (effective attributes sorted by key, streams and provenance in stored
  // order) by id or unique id prefix (>= 4 hex digits, case-insensitive). Errors: kNotFound,
  // kInvalidArgument when the prefix is ambiguous (the message lists up to 10 candidates).
  Result<EpisodeRecord> get_episode(const std::string& id_or_prefix) const;
  // Errors: kNotFound.
  Result<SourceRecord> get_source(const std::string& source_id) const;
  // Sources ordered by path, then ingest time; attributes sorted by key.
  Result<std::vector<SourceRecord>> list_sources(bool include_superseded = false) const;

  // Freezes the episodes `where` selects (with the list_episodes default: current sources
  // plus named snapshots' episodes): ids, source content hashes, provenance files and hashes.
  // Errors: kInvalidArgument (name not [A-Za-z0-9._-]+, bad selector, empty selection),
  // kAlreadyExists (name taken), kNotFound (the selector names an unknown snapshot).
  Result<SnapshotInfo> create_snapshot(const std::string& name, const std::string& where,
                                       const std::string& description);
  // All snapshots ordered by creation time, then name.
  Result<std::vector<SnapshotInfo>> list_snapshots() const;
  // Errors: kNotFound.
  Result<SnapshotDetail> get_snapshot(const std::string& name) const;
  // Re-hashes every frozen file (each distinct path once) and checks that every frozen
  // episode is still in the catalog. Errors: kNotFound (no such snapshot); file problems are
  // reported per file, not as errors.
  Result<SnapshotVerification> verify_snapshot(const std::string& name) const;

  // Features (features.h). Replaces everything stored for the episode's features (values,
  // samples, derived attributes, status) in ONE transaction. Errors: kNotFound (no such
  // episode), kInvalidArgument (a non-finite value, a duplicate name, an empty sample vector, a
  // bad derived attribute key).
  Status store_episode_features(const EpisodeFeatureRecord& record);
  // Replaces the episode's derived attributes only (re-tagging with another taxonomy), with the
  // rule of EpisodeFeatureRecord::derived. Errors: kNotFound, kInvalidArgument.
  Status replace_derived_attributes(const std::string& episode_id,
                                    const std::vector<Attribute>& derived);
  // Ids of the episodes the filter selects, in list_episodes() order, that have no features
  // from `extractor_version` (never profiled, profiled by another version, or failed).
  Result<std::vector<std::string>> episodes_needing_features(
      const EpisodeFilter& filter, const std::string& extractor_version) const;
  // The feature values of the episodes the filter selects (rows in list_episodes() order;
  // columns: every feature name any of them has, sorted).
  Result<FeatureTable> load_feature_table(const EpisodeFilter& filter) const;
  // One episode's values, sorted by name. Errors: kNotFound (no such episode).
  Result<std::vector<std::pair<std::string, double>>> episode_features(
      const std::string& episode_id) const;
  // One episode's frame samples of `kind` ("" = all), ordered by role, kind, position.
  Result<std::vector<FrameSampleRecord>> frame_samples(const std::string& episode_id,
                                                       const std::string& kind = "") const;

 private:
  Catalog(sqlite3* db, std::filesystem::path path, CatalogOptions options, int schema_version);

  // ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" of the configured clock.
  std::string now_utc() const;

  sqlite3* db_;
  std::filesystem::path path_;
  CatalogOptions options_;
  int schema_version_;
};

}  // namespace parity
