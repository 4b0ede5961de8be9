// ImuFeatureExtractor: band-limited vibration RMS, angular-rate RMS and tilt of one
// sensor_msgs/Imu stream (definitions in imu_feature_specs()).
#include <algorithm>
#include <cmath>
#include <numbers>

#include "features/signals/append_value.h"
#include "parity/features/signal_features.h"

namespace parity::features {

using signal_detail::append_count;
using signal_detail::append_value;
using signal_detail::Biquad;

namespace {

// Q of the two sections of a 4th-order Butterworth filter: 1 / (2 cos(pi/8)), 1 / (2 cos(3pi/8)).
constexpr double kButterworth4Q[2] = {0.54119610014619701, 1.3065629648763766};
constexpr double kButterworth2Q = 0.70710678118654752;
// A band edge must lie below this fraction of the sample rate (0.9 x Nyquist).
constexpr double kMaxEdgeOfRate = 0.45;
// Cut-off of the low-pass that gives the gravity direction, Hz (at most 0.2 x the rate).
constexpr double kGravityCutoffHz = 0.5;
// Band edges, Hz, in the order of ImuFeatureExtractor::bands_ (0 = up to Nyquist).
constexpr double kBandEdgesHz[4][2] = {{0.5, 5.0}, {5.0, 20.0}, {20.0, 0.0}, {0.5, 0.0}};
constexpr const char* kBandNames[4] = {"vib_low_rms", "vib_mid_rms", "vib_high_rms", "vib_rms"};

bool finite3(const ros2::Vector3& v) {
  return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

}  // namespace

ImuFeatureExtractor::ImuFeatureExtractor(const ImuFeatureOptions& options)
    : options_(options), tilt_(std::max<std::size_t>(options.tilt_reservoir, 1)) {}

void ImuFeatureExtractor::design(double rate_hz) {
  designed_ = true;
  rate_hz_ = rate_hz;
  const double max_edge = kMaxEdgeOfRate * rate_hz;
  for (std::size_t b = 0; b < bands_.size(); ++b) {
    Band& band = bands_[b];
    band.low_hz = kBandEdgesHz[b][0];
    band.high_hz = kBandEdgesHz[b][1];
    band.active = band.low_hz < max_edge;
    if (!band.active) continue;
    for (auto& axis : band.sections) {
      int n = 0;
      for (const double q : kButterworth4Q)
        axis[n++] = signal_detail::high_pass(band.low_hz, rate_hz, q);
      if (band.high_hz > 0 && band.high_hz < max_edge) {
        for (const double q : kButterworth4Q) {
          axis[n++] = signal_detail::low_pass(band.high_hz, rate_hz, q);
        }
      }
      band.section_count = n;
    }
  }
  const double gravity_hz = std::min(kGravityCutoffHz, 0.2 * rate_hz);
  for (Biquad& g : gravity_) g = signal_detail::low_pass(gravity_hz, rate_hz, kButterworth2Q);
}

void ImuFeatureExtractor::process(const std::array<double, 3>& acc) {
  std::array<double, 3> gravity = acc;
  if (designed_) {
    if (band_samples_ == 0) {
      // Steady state for the first sample: a constant input (gravity) produces no transient.
      for (Band& band : bands_) {
        if (!band.active) continue;
        for (std::size_t axis = 0; axis < 3; ++axis) {
          double x = acc[axis];
          for (int s = 0; s < band.section_count; ++s) x = band.sections[axis][s].settle(x);
        }
      }
      for (std::size_t axis = 0; axis < 3; ++axis) gravity_[axis].settle(acc[axis]);
    }
    for (Band& band : bands_) {
      if (!band.active) continue;
      double energy = 0;
      for (std::size_t axis = 0; axis < 3; ++axis) {
        double x = acc[axis];
        for (int s = 0; s < band.section_count; ++s) x = band.sections[axis][s].step(x);
        energy += x * x;
      }
      band.sum_sq += energy;
    }
    for (std::size_t axis = 0; axis < 3; ++axis) gravity[axis] = gravity_[axis].step(acc[axis]);
    ++band_samples_;
  }
  const double horizontal = std::hypot(gravity[0], gravity[1]);
  if (horizontal == 0 && gravity[2] == 0) return;  // no direction
  const double tilt_deg = std::atan2(horizontal, gravity[2]) * 180.0 / std::numbers::pi;
  tilt_.add(tilt_deg);
  tilt_sum_deg_ += tilt_deg;
}

void ImuFeatureExtractor::add(std::int64_t log_time_ns, const ros2::Imu& imu) {
  if (!finite3(imu.linear_acceleration) || !finite3(imu.angular_velocity)) {
    ++skipped_;
    return;
  }
  if (samples_ == 0) {
    last_time_ns_ = log_time_ns;
    if (options_.nominal_rate_hz > 0) design(options_.nominal_rate_hz);
  } else if (log_time_ns <= last_time_ns_) {
    ++non_monotonic_;
  } else {
    last_time_ns_ = log_time_ns;
  }
  ++samples_;
  const ros2::Vector3& w = imu.angular_velocity;
  gyro_sum_sq_ += w.x * w.x + w.y * w.y + w.z * w.z;
  const ros2::Vector3& a = imu.linear_acceleration;
  const std::array<double, 3> acc = {a.x, a.y, a.z};
  if (designed_) {
    process(acc);
    return;
  }
  window_.push_back(Sample{log_time_ns, acc});
  if (window_.size() >= kImuRateWindow) {
    const double span_s =
        static_cast<double>(window_.back().time_ns - window_.front().time_ns) * 1e-9;
    if (span_s > 0) design(static_cast<double>(window_.size() - 1) / span_s);
    // Without a positive span (identical times) the samples are only used for tilt.
    for (const Sample& s : window_) process(s.acc);
    window_.clear();
  }
}

FeatureValues ImuFeatureExtractor::finish() {
  if (!window_.empty()) {
    const double span_s =
        static_cast<double>(window_.back().time_ns - window_.front().time_ns) * 1e-9;
    if (window_.size() >= 2 && span_s > 0) {
      design(static_cast<double>(window_.size() - 1) / span_s);
    }
    for (const Sample& s : window_) process(s.acc);
    window_.clear();
  }
  FeatureValues out;
  append_count(out, "samples", samples_);
  append_count(out, "skipped", skipped_);
  append_count(out, "non_monotonic", non_monotonic_);
  if (samples_ == 0) return out;
  const auto n = static_cast<double>(samples_);
  append_value(out, "gyro_rms", std::sqrt(gyro_sum_sq_ / n));
  if (tilt_.count() > 0) {
    append_value(out, "tilt_mean_deg", tilt_sum_deg_ / static_cast<double>(tilt_.count()));
    append_value(out, "tilt_p90_deg", tilt_.quantile(0.9));
  }
  if (band_samples_ > 0) {
    append_value(out, "nominal_rate_hz", rate_hz_);
    for (std::size_t b = 0; b < bands_.size(); ++b) {
      if (!bands_[b].active) continue;
      append_value(out, kBandNames[b],
                   std::sqrt(bands_[b].sum_sq / static_cast<double>(band_samples_)));
    }
  }
  return out;
}

}  // namespace parity::features
