#include "parity/ingest/ingest.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "parity/formats/recording.h"
#include "parity/ingest/discovery.h"
#include "parity/ingest/episode_builder.h"

namespace parity {
namespace {

namespace fs = std::filesystem;

struct Candidate {
  fs::path path;  // absolute
  fs::path root;  // the input it was found under (for sidecars and path templates)
};

std::uint64_t path_size(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  std::uint64_t total = 0;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// Damage a reader recovered from (kError: bytes that exist were skipped). Warnings are kept
// with the result and shown, but do not stop a source.
const Diagnostic* first_damage(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Severity::kError) return &diagnostic;
  }
  return nullptr;
}

// Tracks progress over all sources. Every source is passed over twice (hash, then read), so
// the work is twice its size; the sink is told bytes of data, i.e. half the work done.
class ProgressTracker {
 public:
  ProgressTracker(std::uint64_t total,
                  const std::function<void(std::uint64_t, std::uint64_t)>& sink)
      : total_(total), sink_(sink) {}
  void add(std::uint64_t bytes) {
    done_ += bytes;
    if (sink_) sink_(std::min(done_, total_) / 2, total_ / 2);
  }
  // Ends a source: whatever it did not report is counted as done.
  void finish_source(std::uint64_t source_start, std::uint64_t source_total) {
    const std::uint64_t target = source_start + source_total;
    if (done_ < target) add(target - done_);
  }
  std::uint64_t done() const { return done_; }

 private:
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  const std::function<void(std::uint64_t, std::uint64_t)>& sink_;
};

class SourceIngester {
 public:
  SourceIngester(Catalog& catalog, const IngestOptions& options, std::int64_t run_id,
                 ProgressTracker& progress)
      : catalog_(catalog), options_(options), run_id_(run_id), progress_(progress) {}

  SourceIngestResult run(const Candidate& candidate, std::uint64_t size) {
    SourceIngestResult result;
    result.path = candidate.path;
    result.size_bytes = size;
    const Status status = ingest_one(candidate, size, result);
    if (!status.ok()) {
      result.outcome = SourceOutcome::kFailed;
      result.error = status;
    }
    return result;
  }

 private:
  Status ingest_one(const Candidate& candidate, std::uint64_t size, SourceIngestResult& result) {
    DiagnosticCollector diagnostics;
    PARITY_ASSIGN_OR_RETURN(std::unique_ptr<Recording> recording,
                            open_recording(candidate.path, diagnostics));
    const RecordingInfo& info = recording->info();
    result.format = info.format;

    PARITY_ASSIGN_OR_RETURN(
        const SourceHashes hashes,
        hash_source_files(info.files, [this](std::uint64_t n) { progress_.add(n); }));
    result.source_id = hashes.content_hash;
    PARITY_ASSIGN_OR_RETURN(const auto existing, catalog_.find_source_by_hash(hashes.content_hash));
    if (existing) {
      result.outcome = SourceOutcome::kUnchanged;
      result.messages = info.message_count;
      result.episodes = info.episodes.size();
      result.diagnostics = diagnostics.diagnostics();
      return {};
    }

    PARITY_ASSIGN_OR_RETURN(const DeclaredSettings settings, settings_for(candidate, info));
    PARITY_RETURN_IF_ERROR(validate_field_values(settings).with_context(candidate.path.string()));
    PARITY_RETURN_IF_ERROR(read_all(*recording, size, diagnostics));

    result.diagnostics = diagnostics.diagnostics();
    nlohmann::json options_json = {{"roles", settings.roles}, {"salvaged", false}};
    if (const Diagnostic* damage = first_damage(result.diagnostics)) {
      if (!options_.salvage) {
        return corrupt(
            fmt::format("{} (the readable messages were not stored; rerun with "
                        "--salvage to ingest what was recovered)",
                        damage->to_string()));
      }
      options_json["salvaged"] = true;
      options_json["damage"] = damage->to_string();
    }
    const BuiltSource built =
        build_source(candidate.path, info, hashes, settings, options_json.dump());
    PARITY_ASSIGN_OR_RETURN(const IngestOutcome outcome,
                            catalog_.store_source(built.source, built.episodes, run_id_));
    result.outcome = outcome.kind == IngestOutcomeKind::kInserted     ? SourceOutcome::kInserted
                     : outcome.kind == IngestOutcomeKind::kNewVersion ? SourceOutcome::kNewVersion
                                                                      : SourceOutcome::kUnchanged;
    result.episodes = built.episodes.size();
    result.messages = info.message_count;
    return {};
  }

  Result<DeclaredSettings> settings_for(const Candidate& candidate, const RecordingInfo& info) {
    DeclaredSettings settings = metadata_settings(info);
    if (options_.path_template) {
      if (const auto values = options_.path_template->match(candidate.path)) {
        for (const auto& [key, value] : *values)
          settings.set(key, parse_attribute_value(value), "path");
      }
    }
    PARITY_ASSIGN_OR_RETURN(const DeclaredSettings sidecars,
                            sidecar_settings_for(candidate.path, candidate.root));
    settings.overlay(sidecars);
    settings.overlay(options_.cli);
    return settings;
  }

  // Streams every message once: validates CRCs and framing, and checks the per-stream and
  // per-episode counts the summary or index claims against what is really there.
  Status read_all(Recording& recording, std::uint64_t size, DiagnosticCollector& diagnostics) {
    const RecordingInfo& info = recording.info();
    std::map<std::uint32_t, std::uint64_t> counts;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> episode_counts;
    ReadOptions read_options;
    read_options.need_data = false;  // counts only: video frames need not be decoded
    const std::uint64_t start = progress_.done();
    std::uint64_t reported = 0;
    read_options.on_progress = [&](std::uint64_t done, std::uint64_t /*total*/) {
      if (done > reported) {
        progress_.add(std::min(done, size) - std::min(reported, size));
        reported = done;
      }
    };
    PARITY_RETURN_IF_ERROR(recording.read_messages(read_options, [&](const MessageView& message) {
      ++counts[message.stream->id];
      if (info.episodes.size() > 1) ++episode_counts[{message.episode, message.stream->id}];
      return Status{};
    }));
    progress_.finish_source(start, size);
    const std::string file = info.files.empty() ? "" : info.files.front().string();
    for (const StreamInfo& stream : info.streams) {
      const std::uint64_t seen = counts[stream.id];
      if (seen != stream.message_count) {
        diagnostics.error(file, std::nullopt,
                          fmt::format("topic {}: the index lists {} messages but {} were read",
                                      stream.topic, stream.message_count, seen));
      }
    }
    if (info.episodes.size() <= 1) return {};
    for (const EpisodeInfo& episode : info.episodes) {
      for (const StreamSpan& span : episode.streams) {
        const std::uint64_t seen = episode_counts[{episode.index, span.stream_id}];
        if (seen == span.message_count) continue;
        const StreamInfo* stream = info.find_stream(span.stream_id);
        diagnostics.error(
            file, std::nullopt,
            fmt::format("episode {} ({}), topic {}: the index lists {} messages but "
                        "{} were read",
                        episode.index, episode.name, stream == nullptr ? "?" : stream->topic,
                        span.message_count, seen));
      }
    }
    return {};
  }

  Catalog& catalog_;
  const IngestOptions& options_;
  std::int64_t run_id_;
  ProgressTracker& progress_;
};

}  // namespace

std::string_view source_outcome_name(SourceOutcome outcome) {
  switch (outcome) {
    case SourceOutcome::kInserted: return "inserted";
    case SourceOutcome::kUnchanged: return "unchanged";
    case SourceOutcome::kNewVersion: return "new_version";
    case SourceOutcome::kFailed: return "failed";
  }
  return "unknown";
}

std::size_t IngestSummary::count(SourceOutcome outcome) const {
  return static_cast<std::size_t>(
      std::count_if(sources.begin(), sources.end(),
                    [outcome](const SourceIngestResult& r) { return r.outcome == outcome; }));
}

Result<IngestSummary> ingest(Catalog& catalog, const std::vector<fs::path>& inputs,
                             const IngestOptions& options) {
  std::vector<Candidate> candidates;
  for (const fs::path& input : inputs) {
    std::error_code ec;
    const fs::path root = fs::absolute(input, ec).lexically_normal();
    PARITY_ASSIGN_OR_RETURN(const std::vector<fs::path> found, discover_sources(root));
    for (const fs::path& path : found) candidates.push_back({path, root});
  }
  std::vector<std::uint64_t> sizes;
  std::uint64_t total = 0;
  for (const Candidate& candidate : candidates) {
    sizes.push_back(path_size(candidate.path));
    total += 2 * sizes.back();
  }

  IngestSummary summary;
  PARITY_ASSIGN_OR_RETURN(summary.run_id, catalog.begin_ingest_run(options.args_json));
  ProgressTracker progress(total, options.on_progress);
  SourceIngester ingester(catalog, options, summary.run_id, progress);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::uint64_t start = progress.done();
    summary.sources.push_back(ingester.run(candidates[i], sizes[i]));
    progress.finish_source(start, 2 * sizes[i]);
  }

  const nlohmann::json run_summary = {{"sources", candidates.size()},
                                      {"inserted", summary.count(SourceOutcome::kInserted)},
                                      {"unchanged", summary.count(SourceOutcome::kUnchanged)},
                                      {"new_version", summary.count(SourceOutcome::kNewVersion)},
                                      {"failed", summary.count(SourceOutcome::kFailed)}};
  const std::string status = summary.count(SourceOutcome::kFailed) == 0 ? "ok" : "partial";
  PARITY_RETURN_IF_ERROR(catalog.finish_ingest_run(summary.run_id, status, run_summary.dump()));
  return summary;
}

}  // namespace parity
