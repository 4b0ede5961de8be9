// ImuFeatureExtractor, RangeFeatureExtractor, OdometryFeatureExtractor, DepthFeatureExtractor
// and TimingFeatureExtractor on synthetic messages with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>

#include "features/signals/test/signal_test_support.h"
#include "parity/features/signal_features.h"

namespace parity::features {
namespace {

using signal_testing::expect_documented;
using signal_testing::find_value;
using signal_testing::value;

constexpr std::int64_t kNsPerS = 1'000'000'000;
constexpr double kG = 9.80665;

std::int64_t at_rate(int i, double rate_hz) {
  return static_cast<std::int64_t>(std::llround(i * 1e9 / rate_hz));
}

// --------------------------------------------------------------------------------------- imu

ros2::Imu imu_sample(double ax, double ay, double az) {
  ros2::Imu imu;
  imu.linear_acceleration = {ax, ay, az};
  return imu;
}

TEST(ImuFeatures, GravityTiltedBy30DegreesIsTilt30) {
  const double tilt = 30 * std::numbers::pi / 180;
  ImuFeatureExtractor extractor;
  ros2::Imu imu = imu_sample(0, kG * std::sin(tilt), kG * std::cos(tilt));
  imu.angular_velocity = {0.1, 0.2, 0.3};
  for (int i = 0; i < 1000; ++i) extractor.add(at_rate(i, 100), imu);
  const FeatureValues values = extractor.finish();
  expect_documented(values, imu_feature_specs());
  EXPECT_NEAR(value(values, "tilt_mean_deg"), 30.0, 1e-9);
  EXPECT_NEAR(value(values, "tilt_p90_deg"), 30.0, 1e-9);
  EXPECT_NEAR(value(values, "gyro_rms"), std::sqrt(0.14), 1e-12);
  EXPECT_NEAR(value(values, "nominal_rate_hz"), 100.0, 1e-9);
  // A constant input leaves nothing in any band (the filters start in steady state).
  EXPECT_NEAR(value(values, "vib_rms"), 0.0, 1e-9);
  EXPECT_NEAR(value(values, "vib_low_rms"), 0.0, 1e-9);
  EXPECT_NEAR(value(values, "vib_mid_rms"), 0.0, 1e-9);
  EXPECT_NEAR(value(values, "vib_high_rms"), 0.0, 1e-9);
  EXPECT_EQ(value(values, "samples"), 1000);
}

TEST(ImuFeatures, UpsideDownIsTilt180) {
  ImuFeatureExtractor extractor;
  for (int i = 0; i < 10; ++i) extractor.add(at_rate(i, 100), imu_sample(0, 0, -kG));
  EXPECT_NEAR(value(extractor.finish(), "tilt_mean_deg"), 180.0, 1e-9);
}

struct VibrationCase {
  double frequency_hz;
  const char* band;  // the band that holds it
};

class ImuVibration : public ::testing::TestWithParam<VibrationCase> {};

TEST_P(ImuVibration, SinusoidLandsInItsBand) {
  // Amplitude a on x (plus gravity on z) at 400 Hz for 20 s: its band's RMS is a / sqrt(2)
  // times the filters' gain (>= 0.995 at these frequencies); the other bands' gains are below
  // 0.07 (4th-order edges an octave or more away).
  const double a = 0.3, rate = 400;
  ImuFeatureExtractor extractor;
  for (int i = 0; i < 8000; ++i) {
    const double t = i / rate;
    extractor.add(
        at_rate(i, rate),
        imu_sample(a * std::sin(2 * std::numbers::pi * GetParam().frequency_hz * t), 0, kG));
  }
  const FeatureValues values = extractor.finish();
  expect_documented(values, imu_feature_specs());
  for (const char* band : {"vib_low_rms", "vib_mid_rms", "vib_high_rms"}) {
    if (std::string(band) == GetParam().band) {
      EXPECT_NEAR(value(values, band), a / std::sqrt(2), 0.01 * a) << band;
    } else {
      EXPECT_LT(value(values, band), 0.05 * a) << band;
    }
  }
  EXPECT_NEAR(value(values, "vib_rms"), a / std::sqrt(2), 0.01 * a);
  EXPECT_NEAR(value(values, "tilt_mean_deg"), 0.0, 0.1);  // the 0.5 Hz low-pass removes it
}

INSTANTIATE_TEST_SUITE_P(Bands, ImuVibration,
                         ::testing::Values(VibrationCase{2, "vib_low_rms"},
                                           VibrationCase{10, "vib_mid_rms"},
                                           VibrationCase{60, "vib_high_rms"}));

TEST(ImuFeatures, BandsAboveNyquistAreLeftOut) {
  // At 30 Hz: 0.45 x 30 = 13.5 Hz, so vib_high (from 20 Hz) is left out and vib_mid (5-20 Hz)
  // is high-passed only.
  ImuFeatureExtractor extractor;
  for (int i = 0; i < 600; ++i) {
    extractor.add(at_rate(i, 30),
                  imu_sample(0.2 * std::sin(2 * std::numbers::pi * 10 * i / 30.0), 0, kG));
  }
  const FeatureValues values = extractor.finish();
  EXPECT_NEAR(value(values, "nominal_rate_hz"), 30.0, 1e-6);
  EXPECT_FALSE(find_value(values, "vib_high_rms"));
  EXPECT_NEAR(value(values, "vib_mid_rms"), 0.2 / std::sqrt(2), 0.01);
  EXPECT_TRUE(find_value(values, "vib_low_rms"));
}

TEST(ImuFeatures, ShortEpisodesAndNonFiniteSamples) {
  ImuFeatureExtractor extractor;
  extractor.add(0, imu_sample(kG, 0, 0));  // lying on its side: 90 degrees
  extractor.add(10'000'000, imu_sample(std::nan(""), 0, kG));
  extractor.add(20'000'000, imu_sample(kG, 0, 0));
  extractor.add(20'000'000, imu_sample(kG, 0, 0));  // same time
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "samples"), 3);
  EXPECT_EQ(value(values, "skipped"), 1);
  EXPECT_EQ(value(values, "non_monotonic"), 1);
  EXPECT_NEAR(value(values, "nominal_rate_hz"), 100.0, 1e-9);  // 2 periods over 20 ms
  EXPECT_NEAR(value(values, "tilt_mean_deg"), 90.0, 1e-9);
}

TEST(ImuFeatures, FixedNominalRate) {
  ImuFeatureOptions options;
  options.nominal_rate_hz = 200;
  ImuFeatureExtractor extractor(options);
  extractor.add(0, imu_sample(0, 0, kG));
  EXPECT_EQ(value(extractor.finish(), "nominal_rate_hz"), 200.0);
}

// ------------------------------------------------------------------------------ lidar / scan

TEST(RangeFeatures, LaserScanValidReturnsAndPercentiles) {
  ros2::LaserScan scan;
  scan.range_min = 0.1f;
  scan.range_max = 30.0f;
  const float inf = std::numeric_limits<float>::infinity();
  scan.ranges = {0.05f, 1, 2, 3, 4, inf, std::nanf(""), 50};
  RangeFeatureExtractor extractor;
  extractor.add(0, scan);
  extractor.add(100'000'000, scan);
  const FeatureValues values = extractor.finish();
  expect_documented(values, range_feature_specs());
  EXPECT_EQ(value(values, "scans"), 2);
  EXPECT_EQ(value(values, "points_mean"), 8);
  EXPECT_EQ(value(values, "valid_fraction"), 0.5);
  // Valid ranges 1,1,2,2,3,3,4,4: NumPy linear percentiles.
  EXPECT_DOUBLE_EQ(value(values, "range_p10"), 1.0);
  EXPECT_DOUBLE_EQ(value(values, "range_p50"), 2.5);
  EXPECT_DOUBLE_EQ(value(values, "range_p90"), 4.0);
}

ros2::PointCloud2 cloud_of(const std::vector<std::array<float, 3>>& points) {
  ros2::PointCloud2 cloud;
  cloud.height = 1;
  cloud.width = static_cast<std::uint32_t>(points.size());
  cloud.point_step = 16;  // x, y, z and 4 bytes of padding
  cloud.row_step = cloud.point_step * cloud.width;
  for (std::uint32_t i = 0; i < 3; ++i) {
    cloud.fields.push_back(ros2::PointField{std::string(1, static_cast<char>('x' + i)), 4 * i,
                                            ros2::PointField::kFloat32, 1});
  }
  cloud.data.assign(cloud.row_step, 0xee);
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::memcpy(cloud.data.data() + 16 * i, points[i].data(), 12);
  }
  return cloud;
}

TEST(RangeFeatures, PointCloudRangesAreNorms) {
  const float nan = std::nanf("");
  RangeFeatureExtractor extractor;
  ASSERT_TRUE(extractor.add(0, cloud_of({{3, 4, 0}, {0, 0, 0}, {nan, 1, 1}, {1, 2, 2}})).ok());
  const FeatureValues values = extractor.finish();
  expect_documented(values, range_feature_specs());
  EXPECT_EQ(value(values, "points_mean"), 4);
  EXPECT_EQ(value(values, "valid_fraction"), 0.5);
  EXPECT_DOUBLE_EQ(value(values, "range_p50"), 4.0);  // of 3 and 5
  EXPECT_DOUBLE_EQ(value(values, "range_p10"), 3.2);
}

TEST(RangeFeatures, CloudLayoutErrorsAreReturned) {
  RangeFeatureExtractor extractor;
  ros2::PointCloud2 no_z = cloud_of({{1, 1, 1}});
  no_z.fields.pop_back();
  const Status missing = extractor.add(0, no_z);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("'z'"), std::string::npos) << missing.message();
  ros2::PointCloud2 short_data = cloud_of({{1, 1, 1}, {2, 2, 2}});
  short_data.data.resize(20);
  EXPECT_EQ(extractor.add(0, short_data).code(), StatusCode::kCorrupt);
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "scans"), 0);  // failed clouds are not counted
  EXPECT_EQ(values.size(), 1u);
}

TEST(RangeFeatures, ReservoirKeepsPercentilesOfLongEpisodes) {
  // 200 scans of 1000 returns uniform on 1..11 m: 200000 ranges, 16384 kept.
  RangeFeatureExtractor extractor;
  ros2::LaserScan scan;
  scan.range_max = 100;
  scan.ranges.resize(1000);
  for (int s = 0; s < 200; ++s) {
    for (int i = 0; i < 1000; ++i)
      scan.ranges[i] = 1.0f + 10.0f * static_cast<float>((i * 7 + s) % 1000) / 1000.0f;
    extractor.add(s, scan);
  }
  const FeatureValues values = extractor.finish();
  EXPECT_NEAR(value(values, "range_p10"), 2.0, 0.1);
  EXPECT_NEAR(value(values, "range_p50"), 6.0, 0.1);
  EXPECT_NEAR(value(values, "range_p90"), 10.0, 0.1);
}

// ----------------------------------------------------------------------------- odometry/pose

TEST(OdometryFeatures, SquareReturnsToItsStart) {
  // A 1 m square at 1 m/s, one pose every 0.1 m / 0.1 s; the twist is not filled in.
  OdometryFeatureExtractor extractor;
  ros2::Odometry odometry;
  const double corners[5][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
  int i = 0;
  for (int side = 0; side < 4; ++side) {
    for (int step = 0; step < 10; ++step, ++i) {
      const double f = step / 10.0;
      odometry.pose.pose.position.x =
          corners[side][0] + f * (corners[side + 1][0] - corners[side][0]);
      odometry.pose.pose.position.y =
          corners[side][1] + f * (corners[side + 1][1] - corners[side][1]);
      extractor.add(i * kNsPerS / 10, odometry);
    }
  }
  odometry.pose.pose.position = {};
  extractor.add(i * kNsPerS / 10, odometry);
  const FeatureValues values = extractor.finish();
  expect_documented(values, odometry_feature_specs());
  EXPECT_NEAR(value(values, "path_length_m"), 4.0, 1e-9);
  EXPECT_NEAR(value(values, "displacement_m"), 0.0, 1e-12);
  EXPECT_NEAR(value(values, "straightness"), 0.0, 1e-12);
  EXPECT_NEAR(value(values, "speed_mean"), 1.0, 1e-9);
  EXPECT_NEAR(value(values, "speed_p90"), 1.0, 1e-9);
  EXPECT_NEAR(value(values, "angular_speed_mean"), 0.0, 1e-12);
  EXPECT_EQ(value(values, "samples"), 41);
}

TEST(OdometryFeatures, TwistWhenPresent) {
  OdometryFeatureExtractor extractor;
  ros2::Odometry odometry;
  for (int i = 0; i < 10; ++i) {
    odometry.pose.pose.position.x = i * 0.1;  // 1 m/s by positions
    odometry.twist.twist.linear.x = i < 5 ? 0.5 : 1.5;
    odometry.twist.twist.angular.z = 0.2;
    extractor.add(i * kNsPerS / 10, odometry);
  }
  const FeatureValues values = extractor.finish();
  EXPECT_NEAR(value(values, "speed_mean"), 1.0, 1e-12);
  EXPECT_NEAR(value(values, "speed_p90"), 1.5, 1e-12);
  EXPECT_NEAR(value(values, "angular_speed_mean"), 0.2, 1e-12);
  EXPECT_NEAR(value(values, "straightness"), 1.0, 1e-12);
}

TEST(OdometryFeatures, PoseStampedLineWithYawRate) {
  // 10 m straight along x in 10 s while yawing at 0.1 rad/s, at 10 Hz.
  OdometryFeatureExtractor extractor;
  ros2::PoseStamped pose;
  for (int i = 0; i <= 100; ++i) {
    const double t = i * 0.1;
    pose.pose.position.x = t;
    pose.pose.orientation = {0, 0, std::sin(0.05 * t), std::cos(0.05 * t)};
    extractor.add(i * kNsPerS / 10, pose);
  }
  ros2::PoseStamped bad = pose;
  bad.pose.position.y = std::nan("");
  extractor.add(200 * kNsPerS, bad);
  extractor.add(0, pose);  // earlier than the last one
  const FeatureValues values = extractor.finish();
  expect_documented(values, odometry_feature_specs());
  EXPECT_NEAR(value(values, "path_length_m"), 10.0, 1e-9);
  EXPECT_NEAR(value(values, "displacement_m"), 10.0, 1e-9);
  EXPECT_NEAR(value(values, "straightness"), 1.0, 1e-12);
  EXPECT_NEAR(value(values, "speed_mean"), 1.0, 1e-9);
  EXPECT_NEAR(value(values, "angular_speed_mean"), 0.1, 1e-9);
  EXPECT_EQ(value(values, "skipped"), 1);
  EXPECT_EQ(value(values, "non_monotonic"), 1);
}

// ------------------------------------------------------------------------------------- depth

// 10 x 10 pixels: 20 invalid (0), 40 at 0.3 m, 20 at 1 m, 20 at 2 m.
std::vector<double> depth_pattern_m() {
  std::vector<double> m;
  for (int i = 0; i < 100; ++i) m.push_back(i < 20 ? 0.0 : i < 60 ? 0.3 : i < 80 ? 1.0 : 2.0);
  return m;
}

ros2::Image depth_u16(bool big_endian, std::uint32_t padding) {
  ros2::Image image;
  image.width = 10;
  image.height = 10;
  image.encoding = "16UC1";
  image.is_bigendian = big_endian ? 1 : 0;
  image.step = 20 + padding;
  image.data.assign(image.step * 10, 0xab);
  const std::vector<double> m = depth_pattern_m();
  for (int i = 0; i < 100; ++i) {
    const auto mm = static_cast<std::uint16_t>(std::lround(m[i] * 1000));
    std::uint8_t* p = image.data.data() + (i / 10) * image.step + 2 * (i % 10);
    p[big_endian ? 1 : 0] = static_cast<std::uint8_t>(mm & 0xff);
    p[big_endian ? 0 : 1] = static_cast<std::uint8_t>(mm >> 8);
  }
  return image;
}

void expect_depth_pattern(const FeatureValues& values, double tolerance) {
  expect_documented(values, depth_feature_specs());
  EXPECT_NEAR(value(values, "valid_fraction.mean"), 0.8, 1e-12);
  EXPECT_NEAR(value(values, "valid_fraction.std"), 0.0, 1e-12);
  // NumPy linear percentiles of 80 valid depths: p10 at rank 7.9 (0.3 m), p50 halfway between
  // ranks 39 (0.3 m) and 40 (1 m), p90 at rank 71.1 (2 m).
  EXPECT_NEAR(value(values, "range_p10.p50"), 0.3, tolerance);
  EXPECT_NEAR(value(values, "range_p50.p50"), 0.65, tolerance);
  EXPECT_NEAR(value(values, "range_p90.mean"), 2.0, tolerance);
  EXPECT_NEAR(value(values, "near_occupancy.p90"), 0.5, 1e-12);  // 40 of 80 below 0.5 m
}

TEST(DepthFeatures, Mono16WithKnownInvalidAndNearPixels) {
  DepthFeatureExtractor extractor;
  ASSERT_TRUE(extractor.add(0, depth_u16(false, 0)).ok());
  ASSERT_TRUE(extractor.add(1, depth_u16(true, 6)).ok());  // big-endian rows with padding
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "frames"), 2);
  expect_depth_pattern(values, 1e-12);
}

TEST(DepthFeatures, Float32Metres) {
  ros2::Image image;
  image.width = 10;
  image.height = 10;
  image.encoding = "32FC1";
  image.step = 40;
  std::vector<double> m = depth_pattern_m();
  m[0] = std::nan("");  // NaN and infinity are as invalid as 0
  m[1] = std::numeric_limits<double>::infinity();
  for (double v : m) {
    const auto f = static_cast<float>(v);
    std::uint8_t b[4];
    std::memcpy(b, &f, 4);
    image.data.insert(image.data.end(), b, b + 4);
  }
  DepthFeatureExtractor extractor;
  ASSERT_TRUE(extractor.add(0, image).ok());
  expect_depth_pattern(extractor.finish(), 1e-6);
}

TEST(DepthFeatures, NearThresholdIsConfigurable) {
  DepthFeatureExtractor extractor(1.5);
  ASSERT_TRUE(extractor.add(0, depth_u16(false, 0)).ok());
  EXPECT_NEAR(value(extractor.finish(), "near_occupancy.mean"), 60.0 / 80.0, 1e-12);
}

TEST(DepthFeatures, FrameWithoutValidPixels) {
  ros2::Image image = depth_u16(false, 0);
  std::fill(image.data.begin(), image.data.end(), 0);
  DepthFeatureExtractor extractor;
  ASSERT_TRUE(extractor.add(0, image).ok());
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "valid_fraction.mean"), 0.0);
  EXPECT_FALSE(find_value(values, "range_p50.mean"));
  EXPECT_FALSE(find_value(values, "near_occupancy.mean"));
}

TEST(DepthFeatures, Errors) {
  DepthFeatureExtractor extractor;
  ros2::Image rgb = depth_u16(false, 0);
  rgb.encoding = "rgb8";
  const Status unsupported_encoding = extractor.add(0, rgb);
  EXPECT_EQ(unsupported_encoding.code(), StatusCode::kUnsupported);
  EXPECT_EQ(unsupported_encoding.message(),
            "depth image: encoding 'rgb8' is not a depth encoding (expected 16UC1, mono16 or "
            "32FC1)");
  ros2::Image short_step = depth_u16(false, 0);
  short_step.step = 10;
  const Status step = extractor.add(0, short_step);
  EXPECT_EQ(step.code(), StatusCode::kCorrupt);
  EXPECT_EQ(step.message(), "depth image 10x10 16UC1: step 10 is shorter than a row (20 bytes)");
  ros2::Image short_data = depth_u16(false, 0);
  short_data.data.resize(150);
  const Status data = extractor.add(0, short_data);
  EXPECT_EQ(data.code(), StatusCode::kCorrupt);
  EXPECT_EQ(data.message(), "depth image 10x10 16UC1: data holds 150 bytes, expected at least 200");
  EXPECT_EQ(value(extractor.finish(), "frames"), 0);
}

// ------------------------------------------------------------------------------------ timing

TEST(TimingFeatures, KnownGap) {
  // Stream 0 at 10 Hz from 0 to 10 s with no message between 4 s and 5 s; stream 1 at 1 Hz.
  TimingFeatureExtractor extractor;
  std::vector<double> periods;
  std::int64_t last = -1;
  for (int i = 0; i <= 100; ++i) {
    if (i > 40 && i < 50) continue;
    const std::int64_t t = i * kNsPerS / 10;
    extractor.add(0, t);
    if (last >= 0) periods.push_back(static_cast<double>(t - last) * 1e-9);
    last = t;
  }
  for (int i = 0; i <= 10; ++i) extractor.add(1, i * kNsPerS);
  extractor.set_interventions(2);
  const FeatureValues values = extractor.finish();
  expect_documented(values, timing_feature_specs());
  EXPECT_EQ(value(values, "messages"), 92 + 11);
  EXPECT_EQ(value(values, "streams"), 2);
  EXPECT_DOUBLE_EQ(value(values, "duration_s"), 10.0);
  EXPECT_DOUBLE_EQ(value(values, "rate_hz"), 10.3);
  EXPECT_DOUBLE_EQ(value(values, "max_gap_s"), 1.0);
  EXPECT_EQ(value(values, "gap_count"), 1);
  EXPECT_EQ(value(values, "interventions"), 2);
  EXPECT_EQ(value(values, "non_monotonic"), 0);
  // Jitter: stream 1 has 0, stream 0 std / median of its periods; the median of two is their
  // mean.
  double mean = 0;
  for (double p : periods) mean += p;
  mean /= static_cast<double>(periods.size());
  double var = 0;
  for (double p : periods) var += (p - mean) * (p - mean);
  var /= static_cast<double>(periods.size());
  EXPECT_NEAR(value(values, "jitter"), std::sqrt(var) / 0.1 / 2, 1e-9);
}

TEST(TimingFeatures, RegularStreamHasNoJitterOrGap) {
  TimingFeatureExtractor extractor;
  for (int i = 0; i < 1000; ++i) extractor.add(3, 1'700'000'000'000'000'000 + i * 1'000'000LL);
  extractor.add(3, 1'700'000'000'000'000'000);  // out of order
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "streams"), 1);
  EXPECT_EQ(value(values, "non_monotonic"), 1);
  EXPECT_EQ(value(values, "gap_count"), 0);
  EXPECT_NEAR(value(values, "jitter"), 0.0, 1e-9);
  EXPECT_NEAR(value(values, "max_gap_s"), 1e-3, 1e-12);
  EXPECT_NEAR(value(values, "duration_s"), 0.999, 1e-9);
  EXPECT_FALSE(find_value(values, "interventions"));
}

TEST(TimingFeatures, EmptyAndSingleMessage) {
  TimingFeatureExtractor empty;
  const FeatureValues none = empty.finish();
  EXPECT_EQ(value(none, "messages"), 0);
  EXPECT_FALSE(find_value(none, "duration_s"));
  TimingFeatureExtractor one;
  one.add(0, 5);
  const FeatureValues single = one.finish();
  EXPECT_EQ(value(single, "duration_s"), 0.0);
  EXPECT_FALSE(find_value(single, "rate_hz"));
  EXPECT_FALSE(find_value(single, "jitter"));
}

}  // namespace
}  // namespace parity::features
