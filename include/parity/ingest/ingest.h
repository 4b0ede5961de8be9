// `parity ingest`: recordings on disk -> sources, episodes, streams, attributes and
// provenance in the catalog.
//
// Guarantees: each source is stored in one catalog transaction (a failure or a kill leaves
// the catalog as it was, and a rerun completes the work); the same bytes are never stored
// twice (content hash); a changed file at a known path becomes a new version of its source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/ingest/path_template.h"
#include "parity/ingest/settings.h"

namespace parity {

struct IngestOptions {
  DeclaredSettings cli;                       // --domain/--kind/--task/--attr/--map, origin "cli"
  std::optional<PathTemplate> path_template;  // --attrs-from-path
  // Store what could be recovered from a damaged file (with the damage recorded in the
  // provenance options) instead of failing the source.
  bool salvage = false;
  std::string args_json = "{}";  // the command line, recorded in the ingest run
  // (bytes done, bytes total) of source data over all sources (each source counts once, though
  // it is hashed and then read); called often, from the calling thread.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

enum class SourceOutcome { kInserted, kUnchanged, kNewVersion, kFailed };
std::string_view source_outcome_name(SourceOutcome outcome);

struct SourceIngestResult {
  std::filesystem::path path;
  SourceOutcome outcome = SourceOutcome::kFailed;
  std::string source_id;
  std::string format;
  std::size_t episodes = 0;
  std::uint64_t messages = 0;
  std::uint64_t size_bytes = 0;
  Status error;                         // set when outcome == kFailed
  std::vector<Diagnostic> diagnostics;  // everything the readers reported
};

struct IngestSummary {
  std::int64_t run_id = 0;
  std::vector<SourceIngestResult> sources;
  std::size_t count(SourceOutcome outcome) const;
};

// Ingests every source found under `inputs` (see discover_sources). Per-source failures are
// reported in the summary and do not stop the others. Errors: discovery errors (kNotFound,
// kUnsupported) before anything is written; catalog failures (kIoError, kInternal).
Result<IngestSummary> ingest(Catalog& catalog, const std::vector<std::filesystem::path>& inputs,
                             const IngestOptions& options);

}  // namespace parity
