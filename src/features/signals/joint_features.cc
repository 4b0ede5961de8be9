// JointFeatureExtractor: joint ranges, derivative RMS, effort, gripper strokes and idle time of
// one sensor_msgs/JointState stream (definitions in joint_feature_specs()).
#include <algorithm>
#include <cmath>
#include <string>

#include "features/signals/append_value.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;

JointFeatureExtractor::JointFeatureExtractor(const JointFeatureOptions& options)
    : options_(options) {}

void JointFeatureExtractor::start(const ros2::JointState& state) {
  joints_ = state.position.size();
  names_.clear();
  names_.reserve(joints_);
  const bool named = state.name.size() == joints_;
  for (std::size_t i = 0; i < joints_; ++i) {
    std::string name = named ? signal_detail::sanitize_name(state.name[i]) : std::string();
    // "joint_<i>" for a missing name, "<name>_<i>" for a repeated one. Appended piecewise: GCC
    // 12 at -O2 warns (-Wstringop-overflow, a false positive) on "literal" + std::to_string().
    const bool unnamed = name.empty();
    if (unnamed || std::find(names_.begin(), names_.end(), name) != names_.end()) {
      if (unnamed) name.append("joint");
      name.append("_").append(std::to_string(i));
    }
    names_.push_back(std::move(name));
  }
  min_.assign(joints_, 0.0);
  max_.assign(joints_, 0.0);
  rate_.assign(joints_, 0.0);
  differences_.reset(joints_);
  grippers_.clear();
  for (std::size_t i = 0; i < joints_; ++i) {
    if (names_[i].find("gripper") != std::string::npos) grippers_.push_back(Gripper{.joint = i});
  }
}

namespace {

// True when `values` has exactly `size` entries, all finite.
bool complete(const std::vector<double>& values, std::size_t size) {
  if (values.size() != size) return false;
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

}  // namespace

void JointFeatureExtractor::add(std::int64_t log_time_ns, const ros2::JointState& state) {
  if (joints_ == 0) {
    if (state.position.empty()) {
      ++skipped_;
      return;
    }
    start(state);
  }
  if (!complete(state.position, joints_)) {
    ++skipped_;
    return;
  }
  const std::vector<double>& position = state.position;
  if (samples_ == 0) {
    std::copy(position.begin(), position.end(), min_.begin());
    std::copy(position.begin(), position.end(), max_.begin());
  }
  ++samples_;
  for (std::size_t i = 0; i < joints_; ++i) {
    min_[i] = std::min(min_[i], position[i]);
    max_[i] = std::max(max_[i], position[i]);
  }

  const bool has_velocity = complete(state.velocity, joints_);
  double message_speed_sq = 0;
  if (has_velocity) {
    for (const double v : state.velocity) message_speed_sq += v * v;
    ++message_velocity_samples_;
    message_velocity_count_ += joints_;
    message_velocity_sum_sq_ += message_speed_sq;
  }
  if (complete(state.effort, joints_)) {
    for (const double e : state.effort) {
      effort_sum_sq_ += e * e;
      effort_max_abs_ = std::max(effort_max_abs_, std::abs(e));
    }
    effort_count_ += joints_;
  }

  const double h = options_.gripper_hysteresis;
  for (Gripper& g : grippers_) {
    const double p = position[g.joint];
    if (samples_ == 1) {
      g.low = g.high = p;
      continue;
    }
    // A stroke is counted when the position leaves the last turning point by more than h.
    if (g.direction >= 0) {
      if (p > g.high) g.high = p;
      if (g.direction == 0) g.low = std::min(g.low, p);
      if (g.high - p > h) {
        g.direction = -1;
        ++g.events;
        g.low = p;
        continue;
      }
    }
    if (g.direction <= 0) {
      if (p < g.low) g.low = p;
      if (p - g.low > h) {
        g.direction = 1;
        ++g.events;
        g.high = p;
      }
    }
  }

  switch (differences_.add(log_time_ns, position, rate_)) {
    case signal_detail::FiniteDifferences::Step::kFirst: break;
    case signal_detail::FiniteDifferences::Step::kNonMonotonic: ++non_monotonic_; break;
    case signal_detail::FiniteDifferences::Step::kRate: {
      double speed_sq = message_speed_sq;
      if (!has_velocity) {
        speed_sq = 0;
        for (const double v : rate_) speed_sq += v * v;
      }
      const double dt = differences_.last_interval_s();
      interval_s_ += dt;
      if (speed_sq < options_.idle_speed * options_.idle_speed) idle_s_ += dt;  // norm < threshold
      break;
    }
  }
}

FeatureValues JointFeatureExtractor::finish() {
  FeatureValues out;
  append_count(out, "samples", samples_);
  append_count(out, "skipped", skipped_);
  append_count(out, "non_monotonic", non_monotonic_);
  if (samples_ == 0) return out;
  append_count(out, "joints", joints_);
  double range_sum = 0;
  for (std::size_t i = 0; i < joints_; ++i) {
    const double range = max_[i] - min_[i];
    range_sum += range;
    if (i < options_.max_named_joints) append_value(out, names_[i] + ".range", range);
  }
  append_value(out, "pos_range_mean", range_sum / static_cast<double>(joints_));
  if (message_velocity_samples_ == samples_) {
    append_value(
        out, "vel_rms",
        std::sqrt(message_velocity_sum_sq_ / static_cast<double>(message_velocity_count_)));
  } else if (differences_.first_count() > 0) {
    append_value(
        out, "vel_rms",
        std::sqrt(differences_.first_sum_sq() / static_cast<double>(differences_.first_count())));
  }
  if (differences_.second_count() > 0) {
    append_value(
        out, "acc_rms",
        std::sqrt(differences_.second_sum_sq() / static_cast<double>(differences_.second_count())));
  }
  if (differences_.third_count() > 0) {
    append_value(
        out, "jerk_rms",
        std::sqrt(differences_.third_sum_sq() / static_cast<double>(differences_.third_count())));
  }
  if (effort_count_ > 0) {
    append_value(out, "effort_rms", std::sqrt(effort_sum_sq_ / static_cast<double>(effort_count_)));
    append_value(out, "effort_max_abs", effort_max_abs_);
  }
  if (!grippers_.empty()) {
    std::uint64_t events = 0;
    for (const Gripper& g : grippers_) events += g.events;
    append_count(out, "gripper_events", events);
  }
  if (interval_s_ > 0) append_value(out, "idle_fraction", idle_s_ / interval_s_);
  return out;
}

}  // namespace parity::features
