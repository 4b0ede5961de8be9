// RangeFeatureExtractor: point counts, valid-return fraction and range percentiles of one
// LaserScan or PointCloud2 stream (definitions in range_feature_specs()).
#include <cmath>
#include <limits>

#include "features/signals/append_value.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;

RangeFeatureExtractor::RangeFeatureExtractor(const RangeFeatureOptions& options)
    : ranges_(std::max<std::size_t>(options.range_reservoir, 1)) {}

void RangeFeatureExtractor::add_range(double range) {
  ++valid_;
  ranges_.add(range);
}

void RangeFeatureExtractor::add(std::int64_t /*log_time_ns*/, const ros2::LaserScan& scan) {
  ++scans_;
  points_ += scan.ranges.size();
  // REP 117 / sensor_msgs/LaserScan: returns outside [range_min, range_max] are not
  // measurements. A missing (non-finite or non-positive) limit does not bound.
  const double low = std::isfinite(scan.range_min) ? scan.range_min : 0.0;
  const double high = std::isfinite(scan.range_max) && scan.range_max > 0
                          ? static_cast<double>(scan.range_max)
                          : std::numeric_limits<double>::infinity();
  for (const float r : scan.ranges) {
    if (std::isfinite(r) && r >= low && r <= high) add_range(r);
  }
}

Status RangeFeatureExtractor::add(std::int64_t /*log_time_ns*/, const ros2::PointCloud2& cloud) {
  PARITY_ASSIGN_OR_RETURN(const ros2::PointFieldReader x,
                          ros2::PointFieldReader::create(cloud, "x"));
  PARITY_ASSIGN_OR_RETURN(const ros2::PointFieldReader y,
                          ros2::PointFieldReader::create(cloud, "y"));
  PARITY_ASSIGN_OR_RETURN(const ros2::PointFieldReader z,
                          ros2::PointFieldReader::create(cloud, "z"));
  ++scans_;
  const std::size_t n = x.size();
  points_ += n;
  for (std::size_t i = 0; i < n; ++i) {
    const double px = x.at(i), py = y.at(i), pz = z.at(i);
    if (!std::isfinite(px) || !std::isfinite(py) || !std::isfinite(pz)) continue;
    if (px == 0 && py == 0 && pz == 0) continue;  // "no return" in many drivers
    add_range(std::sqrt(px * px + py * py + pz * pz));
  }
  return Status{};
}

FeatureValues RangeFeatureExtractor::finish() {
  FeatureValues out;
  append_count(out, "scans", scans_);
  if (scans_ == 0) return out;
  append_value(out, "points_mean", static_cast<double>(points_) / static_cast<double>(scans_));
  if (points_ == 0) return out;
  append_value(out, "valid_fraction", static_cast<double>(valid_) / static_cast<double>(points_));
  if (valid_ == 0) return out;
  append_value(out, "range_p10", ranges_.quantile(0.10));
  append_value(out, "range_p50", ranges_.quantile(0.50));
  append_value(out, "range_p90", ranges_.quantile(0.90));
  return out;
}

}  // namespace parity::features
