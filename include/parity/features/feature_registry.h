// The registry of every feature Parity computes: which extractor serves which role, the spec of
// each value (definition, unit, range, histogram edges), and docs/features.md generated from
// it so the two cannot drift apart.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/features/feature_spec.h"

namespace parity::features {

// The features of one kind of role.
struct RoleFeatures {
  std::string_view role;         // "camera/<name>", "joints", "lidar", ...
  std::string_view also;         // another role served the same way ("scan", "pose"), or ""
  std::string_view description;  // the stream kinds read
  std::span<const FeatureSpec> specs;
};

// Every role kind with its specs, in documentation order.
std::span<const RoleFeatures> feature_registry();

// A full feature name resolved against the registry.
struct ResolvedFeature {
  const RoleFeatures* role = nullptr;
  const FeatureSpec* spec = nullptr;
  std::string_view aggregate;  // "mean", "std", "p10", "p50", "p90" for per-frame specs, else ""
};

// Resolves "camera/front.luma_mean.p50", "joints.shoulder.range", "episode.duration_s". The role
// is the part before the first '.'; nullopt for names no extractor emits.
std::optional<ResolvedFeature> resolve_feature(std::string_view full_name);

// Number of bins of every profile histogram.
inline constexpr std::size_t kHistogramBins = 32;

// kHistogramBins + 1 ascending edges for a feature: the spec's fixed edges (".std" of a
// per-frame value: linear from 0 to the spec's span); a feature the registry does not know
// gets linear edges on [0, 1].
std::vector<double> histogram_edges(std::string_view full_name);

// docs/features.md: every role kind, every feature with its unit, range and definition, and the
// aggregation and naming rules.
std::string features_markdown();

}  // namespace parity::features
