// What a feature is: the registry entry every extractor publishes for each value it computes,
// and the values an extractor hands back for one episode.
//
// Naming: a feature's full name is "<role>.<name>" ("camera/front.luma_mean.p50",
// "joints.vel_rms", "episode.duration_s"). Extractors know only the part after the role; the
// episode driver prefixes the stream's role. Names match [a-z0-9_]+ segments joined by '.';
// a segment "<joint>" in a spec stands for one name per joint (sanitised joint name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parity::features {

// How a profile spaces the fixed histogram edges of a feature (see histogram_edges()).
enum class HistogramScale : std::uint8_t {
  kLinear,  // equal-width bins on [hist_lo, hist_hi]
  kLog,     // equal-width bins of log10(x) on [hist_lo, hist_hi]; hist_lo > 0
};

// One documented feature (docs/features.md is generated from these).
struct FeatureSpec {
  std::string_view name;        // relative to the role, e.g. "luma_mean", "<joint>.range"
  std::string_view unit;        // "0-255 luma", "fraction", "s", "rad/s", "1" when unitless
  std::string_view definition;  // one or two sentences: what is measured and how
  double min = 0.0;             // documented range of the value (max may be infinity)
  double max = 0.0;
  // true: a value per frame/sample, stored per episode as ".mean", ".std", ".p10", ".p50" and
  // ".p90" of the frame values (see frame_aggregate.h); false: one value per episode.
  bool per_frame = false;
  // Fixed histogram edges of this feature in profiles (values outside fall in the under/over
  // flow bins). For per_frame features they apply to every aggregate but ".std".
  HistogramScale scale = HistogramScale::kLinear;
  double hist_lo = 0.0;
  double hist_hi = 1.0;
};

// Values one extractor computed for one episode: (name relative to the role, value). Values are
// finite; a value that cannot be computed (no samples, a zero denominator) is left out, never
// NaN, and reads as missing downstream.
using FeatureValues = std::vector<std::pair<std::string, double>>;

}  // namespace parity::features
