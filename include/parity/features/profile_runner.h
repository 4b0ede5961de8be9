// `parity profile`: computes the features of ingested episodes that lack them, in parallel
// across episodes, storing each episode's result in its own catalog transaction (so a crash or
// Ctrl-C loses at most the episodes in flight and a rerun resumes), and derives attributes.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/features/episode_features.h"
#include "parity/features/taxonomy.h"

namespace parity::features {

struct ProfileRunOptions {
  EpisodeFilter filter;
  unsigned threads = 1;  // worker threads (episodes in parallel)
  ExtractionOptions extraction;
  const Taxonomy* taxonomy = nullptr;  // nullptr = default_taxonomy()
  bool force = false;                  // recompute episodes that already have features
  // Called on the calling thread after each episode: (episodes finished, episodes to do).
  std::function<void(std::size_t, std::size_t)> on_progress;
};

struct ProfileFailure {
  std::string episode_id;
  std::string message;
};

struct ProfileRunSummary {
  std::size_t selected = 0;    // episodes the filter selects
  std::size_t up_to_date = 0;  // already profiled by this extractor version (skipped)
  std::size_t profiled = 0;    // profiled now, successfully
  std::vector<ProfileFailure>
      failures;              // profiled now, failed (stored as failed; retried next run)
  std::size_t features = 0;  // feature values stored now
  std::size_t derived_attributes = 0;
  // Distinct reasons streams were not used ("/tf: no extractor for role 'tf' ..."), sorted.
  std::vector<std::string> notes;
};

// Profiles the selected episodes. Per-message problems go to `diagnostics` (thread-safe sink
// required when threads > 1); an episode whose source cannot be read is a failure in the
// summary, not an error. Errors: catalog errors (the run stops; stored episodes stay stored),
// selector errors.
Result<ProfileRunSummary> run_profile(Catalog& catalog, const ProfileRunOptions& options,
                                      DiagnosticSink& diagnostics);

// Re-derives the attributes of the selected profiled episodes from their stored features with
// `taxonomy` (no file is read). Returns the number of episodes updated.
Result<std::size_t> retag_episodes(Catalog& catalog, const EpisodeFilter& filter,
                                   const Taxonomy& taxonomy);

}  // namespace parity::features
