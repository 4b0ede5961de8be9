// The episode driver: one streaming pass over one episode of a recording, routing each
// stream's messages by role to the extractors of parity/features/*_features.h, and the
// per-episode result `parity profile` stores.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parity/catalog/features.h"
#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/features/camera_features.h"
#include "parity/features/feature_spec.h"
#include "parity/formats/recording.h"

namespace parity::features {

class ImageEmbedder;

// Bumped whenever a definition or a computed value changes, so `parity profile` recomputes
// stored features. 2: LeRobot video frames decoded at the analysis size (exact BT.601).
inline constexpr std::string_view kExtractorVersion = "2";

struct ExtractionOptions {
  // Camera and depth frames: analyse every frame_stride-th frame of each stream (video
  // streams skip the colour conversion of the others) and at most max_frames per stream.
  std::uint32_t frame_stride = 1;
  std::optional<std::uint64_t> max_frames;
  AnalysisOptions analysis;
  std::size_t descriptor_samples = 16;  // frame descriptors kept per camera stream
  // Optional learned encoder: embeddings of up to embed_samples frames per camera stream.
  const ImageEmbedder* embedder = nullptr;
  std::size_t embed_samples = 8;
  std::size_t dataset_embedding_samples = 16;  // rows kept of a dataset's embedding columns

  // The options as a JSON object (stored with the features for provenance).
  std::string to_json() const;
};

struct EpisodeFeatures {
  FeatureValues values;                    // full names ("camera/front.luma_mean.p50"), sorted
  std::vector<FrameSampleRecord> samples;  // descriptors and embeddings
  // Streams not used and why ("/tf: no extractor for role 'tf'"); shown by --verbose.
  std::vector<std::string> notes;
};

// Computes the features of episode `episode_index` of `recording`. `roles` maps a stream's
// topic to its role (from the catalog); streams whose role has no extractor only count towards
// the episode's timing ("episode.*"; video streams thinned by frame_stride / max_frames are left
// out of it). When several streams share a role, the one with the most messages is
// used. Messages that do not decode are reported to `diagnostics` and skipped (kWarning), and
// decoding stops being attempted on a stream after 10 failures.
// `interventions` (from the catalog's `interventions` attribute) becomes
// "episode.interventions". Errors: those of Recording::read_messages() (the file is
// unreadable); kInvalidArgument when the episode index is out of range.
Result<EpisodeFeatures> extract_episode_features(Recording& recording, std::uint32_t episode_index,
                                                 const std::map<std::string, std::string>& roles,
                                                 const ExtractionOptions& options,
                                                 DiagnosticSink& diagnostics,
                                                 std::optional<std::uint64_t> interventions = {});

}  // namespace parity::features
