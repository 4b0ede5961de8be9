// OdometryFeatureExtractor: speed, angular speed and path statistics of one nav_msgs/Odometry or
// geometry_msgs/PoseStamped stream (definitions in odometry_feature_specs()).
#include <algorithm>
#include <cmath>

#include "features/signals/append_value.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;

namespace {

double norm3(double x, double y, double z) {
  return std::sqrt(x * x + y * y + z * z);
}

// Rotation angle (rad, 0..pi) between two orientations: 2 atan2(|v|, |w|) of the relative
// quaternion conj(a) * b; NaN when either quaternion has zero or non-finite norm.
double rotation_angle(const ros2::Quaternion& a, const ros2::Quaternion& b) {
  const double na = std::sqrt(a.x * a.x + a.y * a.y + a.z * a.z + a.w * a.w);
  const double nb = std::sqrt(b.x * b.x + b.y * b.y + b.z * b.z + b.w * b.w);
  if (!(na > 0) || !(nb > 0) || !std::isfinite(na) || !std::isfinite(nb)) return std::nan("");
  // conj(a) = (-ax, -ay, -az, aw); Hamilton product conj(a) * b.
  const double w = a.w * b.w + a.x * b.x + a.y * b.y + a.z * b.z;
  const double x = a.w * b.x - a.x * b.w - a.y * b.z + a.z * b.y;
  const double y = a.w * b.y + a.x * b.z - a.y * b.w - a.z * b.x;
  const double z = a.w * b.z - a.x * b.y + a.y * b.x - a.z * b.w;
  return 2.0 * std::atan2(norm3(x, y, z), std::abs(w));
}

}  // namespace

OdometryFeatureExtractor::OdometryFeatureExtractor(const OdometryFeatureOptions& options)
    : diff_speed_(std::max<std::size_t>(options.speed_reservoir, 1)),
      twist_speed_(std::max<std::size_t>(options.speed_reservoir, 1)) {}

void OdometryFeatureExtractor::add(std::int64_t log_time_ns, const ros2::Odometry& odometry) {
  add_pose(log_time_ns, odometry.pose.pose, &odometry.twist.twist);
}

void OdometryFeatureExtractor::add(std::int64_t log_time_ns, const ros2::PoseStamped& pose) {
  add_pose(log_time_ns, pose.pose, nullptr);
}

void OdometryFeatureExtractor::add_pose(std::int64_t log_time_ns, const ros2::Pose& pose,
                                        const ros2::Twist* twist) {
  const ros2::Point& p = pose.position;
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
    ++skipped_;
    return;
  }
  if (has_last_ && log_time_ns <= last_time_ns_) {
    ++non_monotonic_;
    return;
  }
  ++samples_;
  if (twist != nullptr) {
    const double speed = norm3(twist->linear.x, twist->linear.y, twist->linear.z);
    const double angular = norm3(twist->angular.x, twist->angular.y, twist->angular.z);
    if (std::isfinite(speed) && std::isfinite(angular)) {
      if (speed != 0 || angular != 0) twist_seen_ = true;
      twist_speed_.add(speed);
      twist_speed_sum_ += speed;
      twist_angular_sum_ += angular;
    }
  }
  if (!has_last_) {
    first_ = p;
  } else {
    const double step = norm3(p.x - last_.x, p.y - last_.y, p.z - last_.z);
    const double dt = static_cast<double>(log_time_ns - last_time_ns_) * 1e-9;
    path_m_ += step;
    diff_speed_.add(step / dt);
    diff_speed_sum_ += step / dt;
    const double angle = rotation_angle(last_orientation_, pose.orientation);
    if (std::isfinite(angle)) {
      diff_angular_sum_ += angle / dt;
      ++diff_angular_count_;
    }
  }
  has_last_ = true;
  last_ = p;
  last_orientation_ = pose.orientation;
  last_time_ns_ = log_time_ns;
}

FeatureValues OdometryFeatureExtractor::finish() {
  FeatureValues out;
  append_count(out, "samples", samples_);
  append_count(out, "skipped", skipped_);
  append_count(out, "non_monotonic", non_monotonic_);
  if (samples_ == 0) return out;
  append_value(out, "displacement_m",
               norm3(last_.x - first_.x, last_.y - first_.y, last_.z - first_.z));
  if (samples_ >= 2) {
    append_value(out, "path_length_m", path_m_);
    if (path_m_ > 0) {
      const double displacement = norm3(last_.x - first_.x, last_.y - first_.y, last_.z - first_.z);
      append_value(out, "straightness", std::min(1.0, displacement / path_m_));
    }
  }
  if (twist_seen_ && twist_speed_.count() > 0) {
    const auto n = static_cast<double>(twist_speed_.count());
    append_value(out, "speed_mean", twist_speed_sum_ / n);
    append_value(out, "speed_p90", twist_speed_.quantile(0.9));
    append_value(out, "angular_speed_mean", twist_angular_sum_ / n);
  } else if (diff_speed_.count() > 0) {
    append_value(out, "speed_mean", diff_speed_sum_ / static_cast<double>(diff_speed_.count()));
    append_value(out, "speed_p90", diff_speed_.quantile(0.9));
    if (diff_angular_count_ > 0) {
      append_value(out, "angular_speed_mean",
                   diff_angular_sum_ / static_cast<double>(diff_angular_count_));
    }
  }
  return out;
}

}  // namespace parity::features
