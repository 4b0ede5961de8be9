// JointFeatureExtractor and ActionFeatureExtractor on synthetic signals with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <new>
#include <numbers>

#include "features/signals/test/signal_test_support.h"
#include "parity/features/signal_features.h"

#if !defined(__SANITIZE_ADDRESS__)
// Counts heap allocations of the thread that sets g_count_allocations (to prove that add()
// does not allocate once warmed up).
namespace {
thread_local bool g_count_allocations = false;
thread_local long g_allocations = 0;
}  // namespace
void* operator new(std::size_t size) {
  if (g_count_allocations) ++g_allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

namespace parity::features {
namespace {

using signal_testing::expect_documented;
using signal_testing::find_value;
using signal_testing::value;

constexpr std::int64_t kMs = 1'000'000;

ros2::JointState joint_state(std::vector<std::string> names, std::vector<double> position) {
  ros2::JointState s;
  s.name = std::move(names);
  s.position = std::move(position);
  return s;
}

TEST(JointFeatures, SinusoidHasTheFiniteDifferenceRms) {
  // Joint "Shoulder Pitch" follows A sin(w t) at 1 kHz for 10 periods; "elbow" is constant.
  const double amplitude = 0.5, w = 2 * std::numbers::pi * 1.0, dt = 1e-3;
  JointFeatureOptions options;
  options.idle_speed = 0.5;
  JointFeatureExtractor extractor(options);
  ros2::JointState s = joint_state({"Shoulder Pitch", "elbow"}, {0, 0.3});
  for (int i = 0; i <= 10000; ++i) {
    s.position[0] = amplitude * std::sin(w * i * dt);
    extractor.add(i * kMs, s);
  }
  const FeatureValues values = extractor.finish();
  expect_documented(values, joint_feature_specs());
  // Differences of a sampled sinusoid are sinusoids of amplitude A (2/dt)^k sin(w dt/2)^k; the
  // RMS over whole periods is amplitude / sqrt(2), and over two joints (one still) / 2.
  const double g = 2 / dt * std::sin(w * dt / 2);
  EXPECT_NEAR(value(values, "vel_rms"), amplitude * g / 2, 1e-3 * amplitude * g);
  EXPECT_NEAR(value(values, "acc_rms"), amplitude * g * g / 2, 1e-3 * amplitude * g * g);
  EXPECT_NEAR(value(values, "jerk_rms"), amplitude * g * g * g / 2, 2e-3 * amplitude * g * g * g);
  EXPECT_NEAR(value(values, "shoulder_pitch.range"), 2 * amplitude, 1e-6);
  EXPECT_EQ(value(values, "elbow.range"), 0.0);
  EXPECT_NEAR(value(values, "pos_range_mean"), amplitude, 1e-6);
  EXPECT_EQ(value(values, "samples"), 10001);
  EXPECT_EQ(value(values, "joints"), 2);
  EXPECT_EQ(value(values, "skipped"), 0);
  EXPECT_EQ(value(values, "non_monotonic"), 0);
  EXPECT_FALSE(find_value(values, "gripper_events"));  // no gripper joint
  EXPECT_FALSE(find_value(values, "effort_rms"));      // no effort
  // Speed A g |cos| is below 0.5 rad/s for a fraction 2 asin(0.5 / (A g)) / pi of the time
  // (within one 1 ms interval per zero crossing: 20 / 10000).
  EXPECT_NEAR(value(values, "idle_fraction"),
              2 * std::asin(0.5 / (amplitude * g)) / std::numbers::pi, 2e-3);
}

TEST(JointFeatures, ConstantPositionsGiveZeroDerivatives) {
  JointFeatureExtractor extractor;
  ros2::JointState s = joint_state({"a", "b", "c"}, {0.1, -2.0, 3.0});
  for (int i = 0; i < 100; ++i) extractor.add(i * 10 * kMs, s);
  const FeatureValues values = extractor.finish();
  expect_documented(values, joint_feature_specs());
  EXPECT_EQ(value(values, "vel_rms"), 0.0);
  EXPECT_EQ(value(values, "acc_rms"), 0.0);
  EXPECT_EQ(value(values, "jerk_rms"), 0.0);
  EXPECT_EQ(value(values, "idle_fraction"), 1.0);
  EXPECT_EQ(value(values, "pos_range_mean"), 0.0);
}

TEST(JointFeatures, DerivativesUseTheActualSampleTimes) {
  // p = k t^2 / 2 sampled at alternating 0.8 ms / 1.2 ms: first differences are k at the
  // interval midpoints, so the second difference is exactly k and the third 0.
  const double k = 3.0;
  JointFeatureExtractor extractor;
  ros2::JointState s = joint_state({"j"}, {0});
  std::int64_t t = 0;
  for (int i = 0; i < 1000; ++i) {
    const double ts = static_cast<double>(t) * 1e-9;
    s.position[0] = k * ts * ts / 2;
    extractor.add(t, s);
    t += i % 2 == 0 ? 800'000 : 1'200'000;
  }
  const FeatureValues values = extractor.finish();
  EXPECT_NEAR(value(values, "acc_rms"), k, 1e-6);
  EXPECT_NEAR(value(values, "jerk_rms"), 0.0, 1e-3);
}

TEST(JointFeatures, VelocityAndEffortFromTheMessages) {
  JointFeatureExtractor extractor;
  ros2::JointState s = joint_state({"a", "b"}, {0, 0});
  s.velocity = {3.0, 4.0};  // |v| = 5 rad/s
  s.effort = {-2.0, 1.0};
  for (int i = 0; i < 10; ++i) extractor.add(i * kMs, s);  // positions do not move
  const FeatureValues values = extractor.finish();
  EXPECT_NEAR(value(values, "vel_rms"), std::sqrt(12.5), 1e-12);  // from the message
  EXPECT_EQ(value(values, "acc_rms"), 0.0);                       // from positions
  EXPECT_NEAR(value(values, "effort_rms"), std::sqrt(2.5), 1e-12);
  EXPECT_EQ(value(values, "effort_max_abs"), 2.0);
  EXPECT_EQ(value(values, "idle_fraction"), 0.0);  // the message velocity says it moves
}

TEST(JointFeatures, GripperOpeningAndClosingThreeTimesIsSixStrokes) {
  // Closed (0) -> open (0.04 m) -> closed, three times, with +-2 mm noise below the 10 mm
  // hysteresis, 100 samples per stroke.
  JointFeatureExtractor extractor;
  ros2::JointState s = joint_state({"arm_joint", "left_gripper_finger"}, {0, 0});
  int i = 0;
  for (int cycle = 0; cycle < 3; ++cycle) {
    for (int step = 0; step < 200; ++step, ++i) {
      const double phase = step < 100 ? step / 100.0 : (200 - step) / 100.0;
      s.position[1] = 0.04 * phase + (i % 2 == 0 ? 0.002 : -0.002);
      extractor.add(i * 10 * kMs, s);
    }
  }
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "gripper_events"), 6);
}

TEST(JointFeatures, GripperNoiseAloneIsNoEvent) {
  JointFeatureExtractor extractor;
  ros2::JointState s = joint_state({"gripper"}, {0.5});
  for (int i = 0; i < 100; ++i) {
    s.position[0] = 0.5 + (i % 3) * 0.004;
    extractor.add(i * kMs, s);
  }
  EXPECT_EQ(value(extractor.finish(), "gripper_events"), 0);
}

TEST(JointFeatures, MessagesWithAnotherJointCountAreSkipped) {
  JointFeatureExtractor extractor;
  extractor.add(0, joint_state({"a", "b"}, {0, 0}));
  extractor.add(1 * kMs, joint_state({"a"}, {5}));
  extractor.add(2 * kMs, joint_state({"a", "b", "c"}, {5, 5, 5}));
  extractor.add(3 * kMs, joint_state({"a", "b"}, {0, std::nan("")}));
  extractor.add(4 * kMs, joint_state({"a", "b"}, {1, 2}));
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "samples"), 2);
  EXPECT_EQ(value(values, "skipped"), 3);
  EXPECT_EQ(value(values, "a.range"), 1.0);
  EXPECT_EQ(value(values, "b.range"), 2.0);
  EXPECT_NEAR(value(values, "vel_rms"), std::sqrt((250.0 * 250 + 500.0 * 500) / 2), 1e-9);
}

TEST(JointFeatures, NonMonotonicSamplesAreLeftOutOfDerivatives) {
  JointFeatureExtractor extractor;
  extractor.add(10 * kMs, joint_state({"a"}, {0}));
  extractor.add(10 * kMs, joint_state({"a"}, {100}));  // same time
  extractor.add(5 * kMs, joint_state({"a"}, {100}));   // earlier
  extractor.add(20 * kMs, joint_state({"a"}, {1}));
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "non_monotonic"), 2);
  EXPECT_EQ(value(values, "samples"), 4);
  EXPECT_EQ(value(values, "a.range"), 100.0);          // the range still sees every sample
  EXPECT_NEAR(value(values, "vel_rms"), 100.0, 1e-9);  // 1 rad over 10 ms
}

TEST(JointFeatures, NamesAreSanitisedAndDeduplicatedAndCapped) {
  JointFeatureOptions options;
  options.max_named_joints = 3;
  JointFeatureExtractor extractor(options);
  extractor.add(0, joint_state({"Left Arm/J1", "left_arm_j1", "", "x"}, {0, 0, 0, 0}));
  extractor.add(kMs, joint_state({"Left Arm/J1", "left_arm_j1", "", "x"}, {1, 2, 3, 4}));
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "left_arm_j1.range"), 1);
  EXPECT_EQ(value(values, "left_arm_j1_1.range"), 2);
  EXPECT_EQ(value(values, "joint_2.range"), 3);
  EXPECT_FALSE(find_value(values, "x.range"));  // beyond max_named_joints
  EXPECT_EQ(value(values, "pos_range_mean"), 2.5);
  expect_documented(values, joint_feature_specs());
}

TEST(JointFeatures, NoMessagesGivesCountsOnly) {
  JointFeatureExtractor extractor;
  const FeatureValues values = extractor.finish();
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(value(values, "samples"), 0);
}

#if !defined(__SANITIZE_ADDRESS__)
TEST(JointFeatures, AddDoesNotAllocateOnceWarmedUp) {
  JointFeatureExtractor extractor;
  ros2::JointState s =
      joint_state({"a", "b", "gripper", "d", "e", "f", "g"}, {0, 0, 0, 0, 0, 0, 0});
  s.velocity.assign(7, 0.1);
  s.effort.assign(7, 1.0);
  extractor.add(0, s);
  extractor.add(kMs, s);
  g_allocations = 0;
  g_count_allocations = true;
  for (int i = 2; i < 2000; ++i) {
    s.position[0] = std::sin(i * 0.01);
    s.position[2] = i % 200 < 100 ? 0.0 : 0.05;
    extractor.add(i * kMs, s);
  }
  g_count_allocations = false;
  EXPECT_EQ(g_allocations, 0);
  EXPECT_GT(value(extractor.finish(), "gripper_events"), 0);
}
#endif

// ------------------------------------------------------------------------------------ action

TEST(ActionFeatures, RampAndSinusoid) {
  // dim 0 ramps at 2 units/s, dim 1 is constant, at 50 Hz for 2 s.
  ActionFeatureExtractor extractor;
  std::vector<double> a(2, 0.0);
  for (int i = 0; i <= 100; ++i) {
    a[0] = 2.0 * i * 0.02;
    a[1] = -1;
    extractor.add(i * 20 * kMs, a);
  }
  const FeatureValues values = extractor.finish();
  expect_documented(values, action_feature_specs());
  EXPECT_EQ(value(values, "dims"), 2);
  EXPECT_EQ(value(values, "samples"), 101);
  EXPECT_NEAR(value(values, "range_mean"), 2.0, 1e-12);          // (4 + 0) / 2
  EXPECT_NEAR(value(values, "rate_rms"), std::sqrt(2.0), 1e-9);  // sqrt((4 + 0) / 2)
  EXPECT_NEAR(value(values, "smoothness"), 0.0, 1e-6);
  EXPECT_EQ(value(values, "idle_fraction"), 0.0);
}

TEST(ActionFeatures, HoldIsIdleAndWrongSizesAreSkipped) {
  ActionFeatureExtractor extractor;
  const std::vector<double> hold = {0.5, 0.5, 0.5};
  for (int i = 0; i < 10; ++i) extractor.add(i * kMs, hold);
  const std::vector<double> moved = {1.5, 0.5, 0.5};
  extractor.add(20 * kMs, moved);  // 1 unit over 11 ms: not idle
  const std::vector<double> short_action = {1.0};
  extractor.add(30 * kMs, short_action);
  const std::vector<double> bad = {1.0, std::nan(""), 0.0};
  extractor.add(40 * kMs, bad);
  const FeatureValues values = extractor.finish();
  EXPECT_EQ(value(values, "skipped"), 2);
  EXPECT_EQ(value(values, "samples"), 11);
  EXPECT_NEAR(value(values, "idle_fraction"), 9.0 / 20.0, 1e-12);
}

}  // namespace
}  // namespace parity::features
