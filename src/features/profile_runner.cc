#include "parity/features/profile_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "parity/core/parallel.h"

namespace parity::features {
namespace {

// What a worker needs to profile one episode, read from the catalog beforehand (the catalog
// is not shared with workers).
struct EpisodeJob {
  std::string episode_id;
  std::string source_id;
  std::string source_path;
  std::uint32_t index = 0;
  std::uint64_t message_count = 0;
  std::map<std::string, std::string> roles;  // stream name -> role
  std::optional<std::uint64_t> interventions;
};

struct JobResult {
  Result<EpisodeFeatures> features = EpisodeFeatures{};
};

// Open recordings, reused across the episodes of one source. A worker takes a recording out
// (exclusive use) and puts it back.
class RecordingCache {
 public:
  struct Entry {
    std::string source_id;
    std::unique_ptr<Recording> recording;
  };

  // `diagnostics` receives the recordings' damage reports; it must outlive the cache.
  RecordingCache(std::size_t capacity, DiagnosticSink& diagnostics)
      : capacity_(capacity), diagnostics_(diagnostics) {}

  Result<Entry> take(const EpisodeJob& job) {
    {
      std::lock_guard lock(mutex_);
      for (auto it = idle_.begin(); it != idle_.end(); ++it) {
        if (it->source_id == job.source_id) {
          Entry entry = std::move(*it);
          idle_.erase(it);
          return entry;
        }
      }
    }
    Entry entry{job.source_id, nullptr};
    PARITY_ASSIGN_OR_RETURN(entry.recording, open_recording(job.source_path, diagnostics_));
    return entry;
  }

  void give_back(Entry entry) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(entry));
    while (idle_.size() > capacity_) idle_.erase(idle_.begin());
  }

 private:
  std::size_t capacity_;
  DiagnosticSink& diagnostics_;
  std::mutex mutex_;
  std::vector<Entry> idle_;
};

Result<EpisodeFeatures> profile_one(const EpisodeJob& job, RecordingCache& cache,
                                    const ExtractionOptions& options, DiagnosticSink& diagnostics) {
  PARITY_ASSIGN_OR_RETURN(RecordingCache::Entry entry, cache.take(job));
  const RecordingInfo& info = entry.recording->info();
  if (job.index >= info.episodes.size() ||
      info.episodes[job.index].message_count != job.message_count) {
    return failed_precondition(fmt::format(
        "{}: the source changed since it was ingested (episode {} {}); run `parity ingest` again",
        job.source_path, job.index,
        job.index >= info.episodes.size()
            ? "is gone"
            : fmt::format("has {} messages, the catalog says {}",
                          info.episodes[job.index].message_count, job.message_count)));
  }
  auto features = extract_episode_features(*entry.recording, job.index, job.roles, options,
                                           diagnostics, job.interventions);
  cache.give_back(std::move(entry));
  return features;
}

Result<std::vector<EpisodeJob>> plan_jobs(Catalog& catalog, const std::vector<std::string>& ids) {
  std::vector<EpisodeJob> jobs;
  std::map<std::string, std::string> source_paths;
  for (const std::string& id : ids) {
    PARITY_ASSIGN_OR_RETURN(const EpisodeRecord episode, catalog.get_episode(id));
    EpisodeJob job;
    job.episode_id = episode.id;
    job.source_id = episode.source_id;
    auto path = source_paths.find(episode.source_id);
    if (path == source_paths.end()) {
      PARITY_ASSIGN_OR_RETURN(const SourceRecord source, catalog.get_source(episode.source_id));
      path = source_paths.emplace(episode.source_id, source.path).first;
    }
    job.source_path = path->second;
    job.index = static_cast<std::uint32_t>(episode.index);
    job.message_count = episode.message_count;
    for (const StreamRecord& stream : episode.streams) job.roles[stream.name] = stream.role;
    for (const Attribute& attribute : episode.attributes) {
      if (attribute.key == "interventions") {
        if (const auto* number = std::get_if<double>(&attribute.value);
            number != nullptr && *number >= 0 && *number < 1e15) {
          job.interventions = static_cast<std::uint64_t>(*number);
        }
      }
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace

Result<ProfileRunSummary> run_profile(Catalog& catalog, const ProfileRunOptions& options,
                                      DiagnosticSink& diagnostics) {
  const Taxonomy& taxonomy = options.taxonomy ? *options.taxonomy : default_taxonomy();
  ProfileRunSummary summary;
  PARITY_ASSIGN_OR_RETURN(const auto selected, catalog.list_episodes(options.filter));
  summary.selected = selected.size();
  std::vector<std::string> ids;
  if (options.force) {
    for (const EpisodeSummary& episode : selected) ids.push_back(episode.id);
  } else {
    PARITY_ASSIGN_OR_RETURN(
        ids, catalog.episodes_needing_features(options.filter, std::string(kExtractorVersion)));
  }
  summary.up_to_date = summary.selected - ids.size();
  PARITY_ASSIGN_OR_RETURN(const std::vector<EpisodeJob> jobs, plan_jobs(catalog, ids));

  const unsigned threads = std::max(1u, options.threads);
  RecordingCache cache(threads, diagnostics);
  const std::string options_json = options.extraction.to_json();
  std::size_t done = 0;
  std::set<std::string> notes;
  if (options.on_progress) options.on_progress(0, jobs.size());
  PARITY_RETURN_IF_ERROR(parallel_consume<JobResult>(
      jobs.size(), threads,
      [&](std::size_t i) {
        return JobResult{profile_one(jobs[i], cache, options.extraction, diagnostics)};
      },
      [&](std::size_t i, JobResult&& result) -> Status {
        EpisodeFeatureRecord record;
        record.episode_id = jobs[i].episode_id;
        record.extractor_version = std::string(kExtractorVersion);
        record.options_json = options_json;
        if (result.features.ok()) {
          notes.insert(result.features->notes.begin(), result.features->notes.end());
          record.values = std::move(result.features->values);
          record.samples = std::move(result.features->samples);
          record.derived = derive_attributes(taxonomy, record.values);
        } else {
          record.ok = false;
          record.message = result.features.status().to_string();
        }
        PARITY_RETURN_IF_ERROR(catalog.store_episode_features(record));
        if (record.ok) {
          ++summary.profiled;
          summary.features += record.values.size();
          summary.derived_attributes += record.derived.size();
        } else {
          summary.failures.push_back({record.episode_id, record.message});
        }
        if (options.on_progress) options.on_progress(++done, jobs.size());
        return {};
      }));
  summary.notes.assign(notes.begin(), notes.end());
  return summary;
}

Result<std::size_t> retag_episodes(Catalog& catalog, const EpisodeFilter& filter,
                                   const Taxonomy& taxonomy) {
  PARITY_ASSIGN_OR_RETURN(const auto episodes, catalog.list_episodes(filter));
  std::size_t updated = 0;
  for (const EpisodeSummary& episode : episodes) {
    PARITY_ASSIGN_OR_RETURN(const auto values, catalog.episode_features(episode.id));
    if (values.empty()) continue;
    PARITY_RETURN_IF_ERROR(
        catalog.replace_derived_attributes(episode.id, derive_attributes(taxonomy, values)));
    ++updated;
  }
  return updated;
}

}  // namespace parity::features
