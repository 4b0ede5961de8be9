// The signal feature registry entries, and the building blocks the extractors share.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <regex>
#include <set>

#include "parity/features/signal_features.h"

namespace parity::features {
namespace {

struct SpecList {
  const char* extractor;
  std::span<const FeatureSpec> specs;
};

std::vector<SpecList> all_spec_lists() {
  return {{"joints", joint_feature_specs()},      {"action", action_feature_specs()},
          {"imu", imu_feature_specs()},           {"range", range_feature_specs()},
          {"odometry", odometry_feature_specs()}, {"depth", depth_feature_specs()},
          {"timing", timing_feature_specs()}};
}

TEST(SignalFeatureSpecs, WellFormed) {
  const std::regex name_pattern("(<joint>\\.)?[a-z0-9_]+(\\.[a-z0-9_]+)*");
  for (const SpecList& list : all_spec_lists()) {
    EXPECT_FALSE(list.specs.empty()) << list.extractor;
    std::set<std::string_view> names;
    for (const FeatureSpec& spec : list.specs) {
      SCOPED_TRACE(std::string(list.extractor) + ": " + std::string(spec.name));
      EXPECT_TRUE(names.insert(spec.name).second) << "duplicate name";
      EXPECT_TRUE(std::regex_match(std::string(spec.name), name_pattern));
      EXPECT_FALSE(spec.unit.empty());
      EXPECT_GT(spec.definition.size(), 20u);
      EXPECT_EQ(spec.definition.back(), '.');
      EXPECT_LE(spec.min, spec.max);
      EXPECT_LT(spec.hist_lo, spec.hist_hi);
      if (spec.scale == HistogramScale::kLog) {
        EXPECT_GT(spec.hist_lo, 0.0);
      }
      EXPECT_TRUE(std::isfinite(spec.hist_lo) && std::isfinite(spec.hist_hi));
    }
  }
}

TEST(SignalFeatureSpecs, DepthFrameValuesArePerFrame) {
  for (const FeatureSpec& spec : depth_feature_specs()) {
    EXPECT_EQ(spec.per_frame, spec.name != "frames") << spec.name;
  }
}

// ---------------------------------------------------------------------------- building blocks

using signal_detail::Biquad;
using signal_detail::FiniteDifferences;
using signal_detail::Reservoir;

TEST(Reservoir, ExactWhileWithinCapacity) {
  Reservoir r(10);
  for (int v : {5, 1, 4, 2, 3}) r.add(v);
  EXPECT_EQ(r.count(), 5u);
  EXPECT_EQ(r.quantile(0.5), 3.0);
  EXPECT_EQ(r.quantile(0.0), 1.0);
  EXPECT_EQ(r.quantile(1.0), 5.0);
  EXPECT_DOUBLE_EQ(r.quantile(0.9), 4.6);
}

TEST(Reservoir, UniformSampleBeyondCapacityIsReproducible) {
  Reservoir a(1000), b(1000);
  for (int i = 0; i < 100000; ++i) {
    a.add(i);
    b.add(i);
  }
  EXPECT_EQ(a.count(), 100000u);
  EXPECT_EQ(a.quantile(0.5), b.quantile(0.5));
  EXPECT_NEAR(a.quantile(0.5), 50000, 3000);  // ~4 standard errors
  EXPECT_NEAR(a.quantile(0.1), 10000, 2000);
}

TEST(FiniteDifferences, CountsAndSteps) {
  FiniteDifferences d;
  d.reset(1);
  std::vector<double> rate(1);
  const std::vector<double> p0 = {0}, p1 = {1}, p2 = {3}, p3 = {6};
  EXPECT_EQ(d.add(0, p0, rate), FiniteDifferences::Step::kFirst);
  EXPECT_EQ(d.add(0, p1, rate), FiniteDifferences::Step::kNonMonotonic);
  EXPECT_EQ(d.add(1'000'000'000, p1, rate), FiniteDifferences::Step::kRate);
  EXPECT_EQ(rate[0], 1.0);
  EXPECT_EQ(d.last_interval_s(), 1.0);
  EXPECT_EQ(d.add(2'000'000'000, p2, rate), FiniteDifferences::Step::kRate);
  EXPECT_EQ(d.add(3'000'000'000, p3, rate), FiniteDifferences::Step::kRate);
  // v = 1, 2, 3; a = 1, 1; j = 0.
  EXPECT_EQ(d.first_count(), 3u);
  EXPECT_DOUBLE_EQ(d.first_sum_sq(), 14.0);
  EXPECT_EQ(d.second_count(), 2u);
  EXPECT_DOUBLE_EQ(d.second_sum_sq(), 2.0);
  EXPECT_EQ(d.third_count(), 1u);
  EXPECT_DOUBLE_EQ(d.third_sum_sq(), 0.0);
}

// Gain of a biquad at `f_hz` measured on a long sinusoid (RMS out / RMS in after settling).
double measured_gain(Biquad f, double f_hz, double rate_hz) {
  double in = 0, out = 0;
  for (int i = 0; i < 40000; ++i) {
    const double x = std::sin(2 * std::numbers::pi * f_hz * i / rate_hz);
    const double y = f.step(x);
    if (i >= 20000) {
      in += x * x;
      out += y * y;
    }
  }
  return std::sqrt(out / in);
}

TEST(Biquad, ButterworthSectionsHaveTheirGain) {
  // A 2nd-order Butterworth (Q = 1/sqrt 2) is -3 dB at its cut-off and its magnitude follows
  // 1 / sqrt(1 + (f/fc)^4) (low-pass) away from Nyquist.
  const double q = std::numbers::sqrt2 / 2;
  EXPECT_NEAR(measured_gain(signal_detail::low_pass(10, 1000, q), 10, 1000), std::sqrt(0.5), 1e-3);
  EXPECT_NEAR(measured_gain(signal_detail::low_pass(10, 1000, q), 20, 1000), 1 / std::sqrt(17.0),
              2e-3);
  EXPECT_NEAR(measured_gain(signal_detail::high_pass(10, 1000, q), 10, 1000), std::sqrt(0.5), 1e-3);
  EXPECT_NEAR(measured_gain(signal_detail::high_pass(10, 1000, q), 5, 1000), 1 / std::sqrt(17.0),
              2e-3);
}

TEST(Biquad, SettleGivesTheSteadyState) {
  Biquad low = signal_detail::low_pass(1, 100, 0.7);
  EXPECT_NEAR(low.settle(9.81), 9.81, 1e-12);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(low.step(9.81), 9.81, 1e-12);
  Biquad high = signal_detail::high_pass(1, 100, 0.7);
  EXPECT_NEAR(high.settle(9.81), 0.0, 1e-12);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(high.step(9.81), 0.0, 1e-12);
}

TEST(SanitizeName, LowerCaseAndUnderscores) {
  using signal_detail::sanitize_name;
  EXPECT_EQ(sanitize_name("shoulder_pan_joint"), "shoulder_pan_joint");
  EXPECT_EQ(sanitize_name("Left Arm/J1"), "left_arm_j1");
  EXPECT_EQ(sanitize_name("  --joint..2__"), "joint_2");
  EXPECT_EQ(sanitize_name("überjoint"), "berjoint");
  EXPECT_EQ(sanitize_name("/-/"), "");
}

}  // namespace
}  // namespace parity::features
