// Per-episode camera features: frame statistics aggregated over the episode and evenly thinned
// descriptor samples.
#include <algorithm>
#include <utility>

#include "parity/core/check.h"
#include "parity/features/camera_features.h"
#include "parity/features/frame_aggregate.h"

namespace parity::features {
namespace {

struct StatField {
  std::string_view name;
  double FrameStats::*field;
};

// In the order of camera_feature_specs().
constexpr StatField kStatFields[] = {
    {"luma_mean", &FrameStats::luma_mean},
    {"luma_std", &FrameStats::luma_std},
    {"luma_p10", &FrameStats::luma_p10},
    {"luma_p50", &FrameStats::luma_p50},
    {"luma_p90", &FrameStats::luma_p90},
    {"over_exposed", &FrameStats::over_exposed},
    {"under_exposed", &FrameStats::under_exposed},
    {"hue_mean", &FrameStats::hue_mean},
    {"saturation_mean", &FrameStats::saturation_mean},
    {"rb_ratio", &FrameStats::rb_ratio},
    {"sharpness", &FrameStats::sharpness},
    {"noise_sigma", &FrameStats::noise_sigma},
    {"edge_density", &FrameStats::edge_density},
    {"entropy", &FrameStats::entropy},
};

}  // namespace

CameraFeatureExtractor::CameraFeatureExtractor(std::size_t max_descriptor_samples)
    : max_samples_(max_descriptor_samples) {
  PARITY_CHECK(max_descriptor_samples >= 1);
}

void CameraFeatureExtractor::add_frame(std::int64_t log_time_ns, const AnalysisFrame& frame) {
  FrameStats stats;
  if (frame_count_ % sample_every_ == 0) {
    FrameSample sample;
    sample.log_time_ns = log_time_ns;
    analyzer_.analyze(frame, stats, &sample.vector);
    samples_.push_back(std::move(sample));
    if (samples_.size() > max_samples_) {
      // The samples are frames 0, s, 2s, ...: keep the multiples of 2s.
      std::size_t kept = 0;
      for (std::size_t i = 0; i < samples_.size(); i += 2) {
        if (i != kept) samples_[kept] = std::move(samples_[i]);
        ++kept;
      }
      samples_.resize(kept);
      sample_every_ *= 2;
    }
  } else {
    analyzer_.analyze(frame, stats, nullptr);
  }
  stats_.push_back(stats);
  ++frame_count_;
}

FeatureValues CameraFeatureExtractor::finish() {
  FeatureValues values;
  if (stats_.empty()) return values;
  std::vector<double> column(stats_.size());
  for (const StatField& field : kStatFields) {
    for (std::size_t i = 0; i < stats_.size(); ++i) column[i] = stats_[i].*field.field;
    append_frame_aggregates(field.name, column, values);
  }
  values.emplace_back("frames", static_cast<double>(frame_count_));
  std::stable_sort(
      samples_.begin(), samples_.end(),
      [](const FrameSample& a, const FrameSample& b) { return a.log_time_ns < b.log_time_ns; });
  return values;
}

}  // namespace parity::features
