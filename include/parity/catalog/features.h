// Per-episode features in the catalog (docs/catalog.md "Features"): the values `parity profile`
// computed, the frame samples (descriptors, embeddings) and the attributes derived from them,
// stored per episode in one transaction, and the feature table downstream stages read.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parity/catalog/model.h"

namespace parity {

// One per-frame vector of an episode: a frame descriptor ("descriptor"), a learned embedding
// ("onnx:<model hash>") or an embedding column of the dataset ("dataset:<key>").
struct FrameSampleRecord {
  std::string role;  // "camera/front", ...
  std::string kind;
  std::uint32_t position = 0;  // 0-based order within (role, kind)
  std::int64_t log_time_ns = 0;
  std::vector<float> vector;  // non-empty, finite
  friend bool operator==(const FrameSampleRecord&, const FrameSampleRecord&) = default;
};

// Everything one profiling pass produced for one episode.
struct EpisodeFeatureRecord {
  std::string episode_id;
  std::string extractor_version;    // features are recomputed when it changes
  std::string options_json = "{}";  // extraction options (frame stride, analysis size, ...)
  bool ok = true;                   // false: extraction failed; `message` says why
  std::string message;
  std::vector<std::pair<std::string, double>> values;  // finite; names unique
  std::vector<FrameSampleRecord> samples;
  // Attributes derived by taxonomy rules; stored with origin "derived". A key the episode
  // already has from another origin (a hand label) is kept and the derived value dropped.
  std::vector<Attribute> derived;
};

// Episodes x features, row-major. A missing value (the episode has no such feature, e.g. no
// camera) is NaN here and null in every export.
struct FeatureTable {
  std::vector<std::string> episode_ids;
  std::vector<std::string> names;  // sorted
  std::vector<double> values;      // episode_ids.size() x names.size()

  double at(std::size_t row, std::size_t column) const {
    return values[row * names.size() + column];
  }
  static bool is_missing(double value) { return std::isnan(value); }
};

}  // namespace parity
