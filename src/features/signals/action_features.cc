// ActionFeatureExtractor: ranges, rate of change, smoothness and idle time of one command
// stream (definitions in action_feature_specs()).
#include <algorithm>
#include <cmath>

#include "features/signals/append_value.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;

ActionFeatureExtractor::ActionFeatureExtractor(const ActionFeatureOptions& options)
    : options_(options) {}

void ActionFeatureExtractor::add(std::int64_t log_time_ns, std::span<const double> values) {
  if (dims_ == 0) {
    if (values.empty()) {
      ++skipped_;
      return;
    }
    dims_ = values.size();
    min_.assign(values.begin(), values.end());
    max_.assign(values.begin(), values.end());
    rate_.assign(dims_, 0.0);
    differences_.reset(dims_);
  }
  if (values.size() != dims_ ||
      !std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); })) {
    ++skipped_;
    return;
  }
  ++samples_;
  for (std::size_t i = 0; i < dims_; ++i) {
    min_[i] = std::min(min_[i], values[i]);
    max_[i] = std::max(max_[i], values[i]);
  }
  switch (differences_.add(log_time_ns, values, rate_)) {
    case signal_detail::FiniteDifferences::Step::kFirst: break;
    case signal_detail::FiniteDifferences::Step::kNonMonotonic: ++non_monotonic_; break;
    case signal_detail::FiniteDifferences::Step::kRate: {
      double rate_sq = 0;
      for (const double v : rate_) rate_sq += v * v;
      const double dt = differences_.last_interval_s();
      interval_s_ += dt;
      if (rate_sq < options_.idle_rate * options_.idle_rate) idle_s_ += dt;  // norm < threshold
      break;
    }
  }
}

FeatureValues ActionFeatureExtractor::finish() {
  FeatureValues out;
  append_count(out, "samples", samples_);
  append_count(out, "skipped", skipped_);
  append_count(out, "non_monotonic", non_monotonic_);
  if (samples_ == 0) return out;
  append_count(out, "dims", dims_);
  double range_sum = 0;
  for (std::size_t i = 0; i < dims_; ++i) range_sum += max_[i] - min_[i];
  append_value(out, "range_mean", range_sum / static_cast<double>(dims_));
  if (differences_.first_count() > 0) {
    append_value(
        out, "rate_rms",
        std::sqrt(differences_.first_sum_sq() / static_cast<double>(differences_.first_count())));
  }
  if (differences_.second_count() > 0) {
    append_value(
        out, "smoothness",
        std::sqrt(differences_.second_sum_sq() / static_cast<double>(differences_.second_count())));
  }
  if (interval_s_ > 0) append_value(out, "idle_fraction", idle_s_ / interval_s_);
  return out;
}

}  // namespace parity::features
