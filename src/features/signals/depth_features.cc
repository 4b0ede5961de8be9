// DepthFeatureExtractor: per-frame valid fraction, range percentiles and near-field occupancy
// of one depth image stream, aggregated per episode (definitions in depth_feature_specs()).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "features/signals/append_value.h"
#include "parity/features/frame_aggregate.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;

namespace {

constexpr double kPercentiles[3] = {0.10, 0.50, 0.90};

// NumPy "linear" quantile positions of the valid pixels: the order statistics each percentile
// needs (lower index, fraction towards the next).
struct QuantilePosition {
  std::uint64_t lower = 0;
  double fraction = 0;
};

QuantilePosition quantile_position(std::uint64_t count, double q) {
  const double position = q * static_cast<double>(count - 1);
  const double lower = std::floor(position);
  return {static_cast<std::uint64_t>(lower), position - lower};
}

// The value at 0-based rank `rank` of the multiset given by a count per value.
// Precondition: rank < sum of counts.
std::uint32_t value_at_rank(const std::vector<std::uint32_t>& counts, std::uint64_t rank) {
  std::uint64_t seen = 0;
  for (std::size_t v = 0; v < counts.size(); ++v) {
    seen += counts[v];
    if (seen > rank) return static_cast<std::uint32_t>(v);
  }
  return static_cast<std::uint32_t>(counts.size() - 1);
}

}  // namespace

DepthFeatureExtractor::DepthFeatureExtractor(double near_m) : near_m_(near_m) {}

Status DepthFeatureExtractor::add(std::int64_t /*log_time_ns*/, const ros2::Image& depth) {
  std::size_t bytes_per_pixel = 0;
  if (depth.encoding == "16UC1" || depth.encoding == "mono16") {
    bytes_per_pixel = 2;
  } else if (depth.encoding == "32FC1") {
    bytes_per_pixel = 4;
  } else {
    return unsupported("depth image: encoding '" + depth.encoding +
                       "' is not a depth encoding (expected 16UC1, mono16 or 32FC1)");
  }
  const std::uint64_t width = depth.width, height = depth.height;
  const std::uint64_t row_bytes = width * bytes_per_pixel;
  const std::string shape =
      std::to_string(width) + "x" + std::to_string(height) + " " + depth.encoding;
  if (depth.step < row_bytes) {
    return corrupt("depth image " + shape + ": step " + std::to_string(depth.step) +
                   " is shorter than a row (" + std::to_string(row_bytes) + " bytes)");
  }
  const std::uint64_t needed = height == 0 ? 0 : (height - 1) * depth.step + row_bytes;
  if (depth.data.size() < needed) {
    return corrupt("depth image " + shape + ": data holds " + std::to_string(depth.data.size()) +
                   " bytes, expected at least " + std::to_string(needed));
  }
  Frame frame;
  const std::uint64_t pixels = width * height;
  if (pixels == 0) {
    frame.valid_fraction = std::numeric_limits<double>::quiet_NaN();
    frame.p10 = frame.p50 = frame.p90 = frame.near = frame.valid_fraction;
    frames_.push_back(frame);
    return Status{};
  }
  const bool swap = depth.is_bigendian != 0;
  std::uint64_t valid = 0, near = 0;
  std::array<double, 3> percentiles{};
  if (bytes_per_pixel == 2) {
    histogram_.assign(std::size_t{1} << 16, 0);
    for (std::uint64_t r = 0; r < height; ++r) {
      const std::uint8_t* row = depth.data.data() + r * depth.step;
      for (std::uint64_t c = 0; c < width; ++c) {
        const std::uint8_t lo = row[2 * c + (swap ? 1 : 0)];
        const std::uint8_t hi = row[2 * c + (swap ? 0 : 1)];
        ++histogram_[static_cast<std::size_t>(lo) | (static_cast<std::size_t>(hi) << 8)];
      }
    }
    valid = pixels - histogram_[0];
    // Millimetres strictly below near_m.
    const double near_mm = near_m_ * 1000.0;
    for (std::size_t v = 1; v < histogram_.size() && static_cast<double>(v) < near_mm; ++v) {
      near += histogram_[v];
    }
    if (valid > 0) {
      // Rank 0 of the valid pixels is rank histogram_[0] of all pixels.
      const std::uint64_t offset = histogram_[0];
      for (std::size_t i = 0; i < 3; ++i) {
        const QuantilePosition qp = quantile_position(valid, kPercentiles[i]);
        const double low = value_at_rank(histogram_, offset + qp.lower);
        double value = low;
        if (qp.fraction > 0 && qp.lower + 1 < valid) {
          const double high = value_at_rank(histogram_, offset + qp.lower + 1);
          value = low + qp.fraction * (high - low);
        }
        percentiles[i] = value / 1000.0;
      }
    }
  } else {
    values_.clear();
    for (std::uint64_t r = 0; r < height; ++r) {
      const std::uint8_t* row = depth.data.data() + r * depth.step;
      for (std::uint64_t c = 0; c < width; ++c) {
        std::array<std::uint8_t, 4> b;
        std::memcpy(b.data(), row + 4 * c, 4);
        if (swap) std::reverse(b.begin(), b.end());
        float v;
        std::memcpy(&v, b.data(), 4);
        if (!std::isfinite(v) || !(v > 0)) continue;
        values_.push_back(v);
        if (v < near_m_) ++near;
      }
    }
    valid = values_.size();
    if (valid > 0) {
      for (std::size_t i = 0; i < 3; ++i) {
        percentiles[i] = linear_quantile(values_, kPercentiles[i]);
      }
    }
  }
  frame.valid_fraction = static_cast<double>(valid) / static_cast<double>(pixels);
  if (valid > 0) {
    frame.p10 = percentiles[0];
    frame.p50 = percentiles[1];
    frame.p90 = percentiles[2];
    frame.near = static_cast<double>(near) / static_cast<double>(valid);
  } else {
    frame.p10 = frame.p50 = frame.p90 = frame.near = std::numeric_limits<double>::quiet_NaN();
  }
  frames_.push_back(frame);
  return Status{};
}

FeatureValues DepthFeatureExtractor::finish() {
  FeatureValues out;
  append_count(out, "frames", frames_.size());
  std::vector<double> values(frames_.size());
  const auto aggregate = [&](std::string_view name, double Frame::*member) {
    for (std::size_t i = 0; i < frames_.size(); ++i) values[i] = frames_[i].*member;
    append_frame_aggregates(name, values, out);
  };
  aggregate("valid_fraction", &Frame::valid_fraction);
  aggregate("range_p10", &Frame::p10);
  aggregate("range_p50", &Frame::p50);
  aggregate("range_p90", &Frame::p90);
  aggregate("near_occupancy", &Frame::near);
  return out;
}

}  // namespace parity::features
