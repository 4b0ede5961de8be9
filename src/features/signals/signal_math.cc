// The building blocks the signal extractors share: reservoir sampling, finite differences on
// actual sample times, biquad sections and joint-name sanitising.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "parity/core/check.h"
#include "parity/features/frame_aggregate.h"
#include "parity/features/signal_features.h"

namespace parity::features::signal_detail {

Reservoir::Reservoir(std::size_t capacity) : capacity_(capacity) {
  PARITY_CHECK(capacity > 0);
}

void Reservoir::add(double value) {
  ++count_;
  if (values_.size() < capacity_) {
    values_.push_back(value);
    return;
  }
  // splitmix64 (Steele, Lea and Flood 2014).
  random_state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = random_state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  // Algorithm R: the new value replaces a kept one with probability capacity / count.
  const std::uint64_t slot = z % count_;
  if (slot < capacity_) values_[slot] = value;
}

double Reservoir::quantile(double q) {
  PARITY_CHECK(!values_.empty());
  return linear_quantile(values_, q);
}

void FiniteDifferences::reset(std::size_t dims) {
  *this = FiniteDifferences{};
  dims_ = dims;
  last_value_.assign(dims, 0.0);
  last_first_.assign(dims, 0.0);
  last_second_.assign(dims, 0.0);
}

FiniteDifferences::Step FiniteDifferences::add(std::int64_t time_ns, std::span<const double> values,
                                               std::span<double> rate) {
  PARITY_CHECK(values.size() == dims_ && rate.size() == dims_);
  if (samples_ == 0) {
    first_time_ns_ = time_ns;
    last_time_ns_ = time_ns;
    std::copy(values.begin(), values.end(), last_value_.begin());
    samples_ = 1;
    return Step::kFirst;
  }
  if (time_ns <= last_time_ns_) return Step::kNonMonotonic;
  const double dt = static_cast<double>(time_ns - last_time_ns_) * 1e-9;
  // Midpoint of [t_{i-1}, t_i], relative to the first sample (keeps full precision).
  const double mid =
      0.5e-9 * static_cast<double>((time_ns - first_time_ns_) + (last_time_ns_ - first_time_ns_));
  const bool second = samples_ >= 2;
  const bool third = samples_ >= 3;
  const double mid2 = 0.5 * (mid + last_mid_s_);  // time of this sample's second difference
  // Reciprocals once per sample: add() runs per message of 1 kHz streams.
  const double inv_dt = 1.0 / dt;
  const double inv_dm = 1.0 / (mid - last_mid_s_);
  const double inv_dm2 = 1.0 / (mid2 - last_mid2_s_);
  for (std::size_t d = 0; d < dims_; ++d) {
    const double v = (values[d] - last_value_[d]) * inv_dt;
    rate[d] = v;
    first_sum_sq_ += v * v;
    if (second) {
      const double a = (v - last_first_[d]) * inv_dm;
      second_sum_sq_ += a * a;
      if (third) {
        const double j = (a - last_second_[d]) * inv_dm2;
        third_sum_sq_ += j * j;
      }
      last_second_[d] = a;
    }
    last_first_[d] = v;
    last_value_[d] = values[d];
  }
  first_count_ += dims_;
  if (second) second_count_ += dims_;
  if (third) third_count_ += dims_;
  if (second) last_mid2_s_ = mid2;
  last_mid_s_ = mid;
  last_interval_s_ = dt;
  last_time_ns_ = time_ns;
  ++samples_;
  return Step::kRate;
}

double Biquad::settle(double x) {
  const double y = x * (b0 + b1 + b2) / (1.0 + a1 + a2);
  s2 = b2 * x - a2 * y;
  s1 = b1 * x - a1 * y + s2;
  return y;
}

namespace {

// RBJ "Audio EQ Cookbook" low-/high-pass: w0 = 2 pi f0 / Fs, alpha = sin(w0) / (2 Q).
Biquad cookbook(double cutoff_hz, double rate_hz, double q, bool high) {
  PARITY_CHECK(cutoff_hz > 0 && cutoff_hz < rate_hz / 2 && q > 0);
  const double w0 = 2.0 * std::numbers::pi * cutoff_hz / rate_hz;
  const double cos_w0 = std::cos(w0);
  const double alpha = std::sin(w0) / (2.0 * q);
  const double a0 = 1.0 + alpha;
  Biquad f;
  if (high) {
    f.b0 = (1.0 + cos_w0) / 2.0 / a0;
    f.b1 = -(1.0 + cos_w0) / a0;
  } else {
    f.b0 = (1.0 - cos_w0) / 2.0 / a0;
    f.b1 = (1.0 - cos_w0) / a0;
  }
  f.b2 = f.b0;
  f.a1 = -2.0 * cos_w0 / a0;
  f.a2 = (1.0 - alpha) / a0;
  return f;
}

}  // namespace

Biquad low_pass(double cutoff_hz, double rate_hz, double q) {
  return cookbook(cutoff_hz, rate_hz, q, false);
}

Biquad high_pass(double cutoff_hz, double rate_hz, double q) {
  return cookbook(cutoff_hz, rate_hz, q, true);
}

std::string sanitize_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_separator = false;
  for (const char raw : name) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_separator && !out.empty()) out.push_back('_');
      pending_separator = false;
      out.push_back(c);
    } else {
      pending_separator = true;
    }
  }
  return out;
}

}  // namespace parity::features::signal_detail
