// Every signal extractor over the matching streams of the shared recordings: values are finite
// and within their documented ranges, hand-checked values hold, and an independent NumPy /
// SciPy computation (tests/oracles/signal_features.py) on the same decoded samples agrees.
//
// Oracle tolerances (same definitions; only rounding differs unless said):
//   joints acc/jerk RMS, odometry path/speed/angles, IMU rate and gyro: 1e-9 relative
//   IMU bands and tilt (SciPy's Butterworth SOS vs our RBJ sections, same transfer function):
//     1e-6 relative / 1e-6 degrees
//   depth per-frame aggregates: 1e-12 (exact histogram percentiles on both sides)
//   cloud valid fraction: exact; cloud range percentiles: 2 % relative (we keep a uniform
//     sample of 16384 of the 178535 returns); odometry speed_p90: 2 % (4096 of 12764 speeds)
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "features/signals/test/signal_test_support.h"
#include "parity/core/diagnostics.h"
#include "parity/features/signal_features.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "testing/oracle.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::features {
namespace {

namespace fs = std::filesystem;
using signal_testing::expect_documented;
using signal_testing::find_value;
using signal_testing::value;

constexpr char kRerun[] = "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap";
constexpr char kNissan[] = "mcap/reductstore-nissan-field/demo.mcap";
constexpr char kEmbag[] = "ros1-bag/embag/test.bag";
constexpr char kRealSense[] = "ros1-bag/lerobot-realsense/test_rs.bag";
constexpr char kEvo[] = "ros1-bag/evo/ROS_example.bag";
constexpr char kNav2[] = "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap";
constexpr char kRobosuite[] = "hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5";

using OnMessage = std::function<void(std::int64_t log_time_ns, const ros2::Value& message)>;

// Decodes every message of `topic` (of one episode, when given) in log-time order.
void for_each_message(const fs::path& path, const std::string& topic, const OnMessage& on_message,
                      std::optional<std::uint32_t> episode = std::nullopt) {
  DiagnosticCollector diagnostics;
  auto recording = open_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const StreamInfo* stream = nullptr;
  for (const StreamInfo& s : (*recording)->info().streams) {
    if (s.topic == topic) stream = &s;
  }
  ASSERT_NE(stream, nullptr) << "no topic " << topic << " in " << path;
  auto decoder = ros2::MessageDecoder::for_stream(*stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  ReadOptions options;
  options.topics = {topic};
  options.log_time_order = true;
  options.episode = episode;
  std::uint64_t count = 0;
  const Status status = (*recording)->read_messages(options, [&](const MessageView& view) {
    PARITY_ASSIGN_OR_RETURN(const ros2::Value message, decoder->decode(view.data));
    on_message(view.log_time_ns, message);
    ++count;
    return Status{};
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_GT(count, 0u) << topic;
}

template <typename T>
T typed(const ros2::Value& message) {
  auto result = ros2::extract<T>(message);
  EXPECT_TRUE(result.ok()) << result.status().to_string();
  return result.ok() ? std::move(result).value() : T{};
}

#define PARITY_REQUIRE_ORACLE_PYTHON(var)                                                   \
  const std::optional<std::string> var##_opt = testing::python_with("numpy, scipy.signal"); \
  if (!var##_opt)                                                                           \
    GTEST_SKIP() << "no python3 with numpy and scipy (python3-numpy, python3-scipy): "      \
                    "skipping the cross-check against tests/oracles/signal_features.py";    \
  const std::string var = *var##_opt

// Runs the oracle with `args` and parses its JSON output.
nlohmann::json run_oracle(const std::string& python, const std::string& args) {
  const fs::path script =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / "signal_features.py";
  EXPECT_TRUE(fs::exists(script)) << script;
  const std::string command = "'" + python + "' '" + script.string() + "' " + args;
  return testing::run_json_oracle(command);
}

void expect_relative(double ours, double theirs, double tolerance, const std::string& name) {
  EXPECT_NEAR(ours, theirs, tolerance * std::max(1.0, std::abs(theirs))) << name;
}

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

// ------------------------------------------------------------------------------------ joints

struct JointRun {
  FeatureValues values;
  std::vector<std::vector<double>> rows;  // ns after the first message, positions
  double message_velocity_rms = 0;
};

JointRun rerun_joints(const fs::path& path) {
  JointRun run;
  JointFeatureExtractor extractor;
  double sum_sq = 0;
  std::size_t count = 0;
  std::int64_t t0 = 0;
  for_each_message(path, "/joint_state", [&](std::int64_t t, const ros2::Value& message) {
    const auto state = typed<ros2::JointState>(message);
    extractor.add(t, state);
    if (run.rows.empty()) t0 = t;
    std::vector<double> row = {static_cast<double>(t - t0)};
    row.insert(row.end(), state.position.begin(), state.position.end());
    run.rows.push_back(std::move(row));
    for (double v : state.velocity) sum_sq += v * v;
    count += state.velocity.size();
  });
  run.message_velocity_rms = std::sqrt(sum_sq / static_cast<double>(count));
  run.values = extractor.finish();
  return run;
}

TEST(RealSignals, RerunJointState) {
  PARITY_REQUIRE_SHARED_DATA(path, kRerun);
  const JointRun run = rerun_joints(path);
  const FeatureValues& values = run.values;
  expect_documented(values, joint_feature_specs());
  EXPECT_EQ(value(values, "samples"), 15);
  EXPECT_EQ(value(values, "joints"), 4);
  EXPECT_EQ(value(values, "skipped"), 0);
  // Checked by hand with NumPy on `parity dump --json`: every message has velocity and effort.
  EXPECT_NEAR(value(values, "vel_rms"), run.message_velocity_rms, 1e-12);
  EXPECT_NEAR(value(values, "vel_rms"), 0.37545529894540, 1e-12);
  EXPECT_NEAR(value(values, "effort_rms"), 2.5150900656235, 1e-12);
  EXPECT_EQ(value(values, "effort_max_abs"), 4.5);
  EXPECT_NEAR(value(values, "shoulder_joint.range"), 0.49272486, 1e-8);
  EXPECT_NEAR(value(values, "gripper_joint.range"), 0.1, 1e-15);
  // gripper_joint: 0.1 0.1 0 0 0.1 0.1 0 0 0.1 0.1 0 0 0.1 0.1 0 is 7 strokes.
  EXPECT_EQ(value(values, "gripper_events"), 7);
}

TEST(RealSignals, RerunJointStateMatchesNumpy) {
  PARITY_REQUIRE_SHARED_DATA(path, kRerun);
  PARITY_REQUIRE_ORACLE_PYTHON(python);
  const JointRun run = rerun_joints(path);
  testing::TempDir dir;
  {
    std::ofstream csv(dir / "joints.csv");
    csv.precision(17);
    for (const auto& row : run.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) csv << (i ? "," : "") << row[i];
      csv << "\n";
    }
  }
  const nlohmann::json oracle = run_oracle(python, "joints " + quoted(dir / "joints.csv"));
  expect_relative(value(run.values, "acc_rms"), oracle["acc_rms"], 1e-9, "acc_rms");
  expect_relative(value(run.values, "jerk_rms"), oracle["jerk_rms"], 1e-9, "jerk_rms");
  expect_relative(value(run.values, "pos_range_mean"), oracle["pos_range_mean"], 1e-12,
                  "pos_range_mean");
  EXPECT_NEAR(value(run.values, "elbow_joint.range"), oracle["ranges"][1].get<double>(), 1e-12);
}

// --------------------------------------------------------------------------------------- imu

struct ImuRun {
  FeatureValues values;
  std::vector<std::array<double, 7>> rows;  // ns after the first message, acc, gyro
};

ImuRun nissan_imu(const fs::path& path) {
  ImuRun run;
  ImuFeatureExtractor extractor;
  std::int64_t t0 = 0;
  for_each_message(path, "/nissan/gps/duro/imu", [&](std::int64_t t, const ros2::Value& message) {
    const auto imu = typed<ros2::Imu>(message);
    extractor.add(t, imu);
    const auto& a = imu.linear_acceleration;
    const auto& w = imu.angular_velocity;
    if (run.rows.empty()) t0 = t;
    run.rows.push_back({static_cast<double>(t - t0), a.x, a.y, a.z, w.x, w.y, w.z});
  });
  run.values = extractor.finish();
  return run;
}

TEST(RealSignals, NissanImu) {
  PARITY_REQUIRE_SHARED_DATA(path, kNissan);
  const ImuRun run = nissan_imu(path);
  const FeatureValues& values = run.values;
  expect_documented(values, imu_feature_specs());
  EXPECT_EQ(value(values, "samples"), 1556);
  EXPECT_EQ(value(values, "skipped"), 0);
  // The Duro's accelerometer reads gravity on -z (mean z = -9.94 m/s^2): the sensor is mounted
  // upside down, so the tilt is near 180 degrees. Its log times arrive in bursts (median gap
  // 6.7 ms, 1555 gaps over 15.67 s: ~99 Hz), hence the count-based nominal rate.
  EXPECT_GT(value(values, "tilt_mean_deg"), 170.0);
  EXPECT_GT(value(values, "nominal_rate_hz"), 60.0);
  EXPECT_LT(value(values, "nominal_rate_hz"), 160.0);
  EXPECT_NEAR(value(values, "gyro_rms"), 0.05540815708260, 1e-12);  // NumPy on the dump
  // A car driving: vibration well above sensor noise, below 1 g.
  EXPECT_GT(value(values, "vib_rms"), 0.05);
  EXPECT_LT(value(values, "vib_rms"), 9.8);
  EXPECT_TRUE(find_value(values, "vib_high_rms"));  // 20 Hz < 0.45 x ~100 Hz
}

TEST(RealSignals, NissanImuMatchesScipy) {
  PARITY_REQUIRE_SHARED_DATA(path, kNissan);
  PARITY_REQUIRE_ORACLE_PYTHON(python);
  const ImuRun run = nissan_imu(path);
  testing::TempDir dir;
  {
    std::ofstream csv(dir / "imu.csv");
    csv.precision(17);
    for (const auto& row : run.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) csv << (i ? "," : "") << row[i];
      csv << "\n";
    }
  }
  const nlohmann::json oracle = run_oracle(python, "imu " + quoted(dir / "imu.csv"));
  ASSERT_TRUE(oracle.is_object());
  for (const auto& [name, theirs] : oracle.items()) {
    const double tolerance = name == "nominal_rate_hz" || name == "gyro_rms" ? 1e-9 : 1e-6;
    expect_relative(value(run.values, name), theirs.get<double>(), tolerance, name);
  }
  EXPECT_EQ(oracle.size(), 8u);  // rate, gyro, 4 bands, tilt mean and p90
}

TEST(RealSignals, RerunSingleImuMessage) {
  PARITY_REQUIRE_SHARED_DATA(path, kRerun);
  ImuFeatureExtractor extractor;
  for_each_message(path, "/imu", [&](std::int64_t t, const ros2::Value& message) {
    extractor.add(t, typed<ros2::Imu>(message));
  });
  const FeatureValues values = extractor.finish();
  expect_documented(values, imu_feature_specs());
  EXPECT_EQ(value(values, "tilt_mean_deg"), 0.0);  // (0, 0, 9.81)
  EXPECT_NEAR(value(values, "gyro_rms"), std::sqrt(0.14), 1e-12);
  EXPECT_FALSE(find_value(values, "nominal_rate_hz"));  // one sample: no rate, no bands
  EXPECT_FALSE(find_value(values, "vib_rms"));
}

// ------------------------------------------------------------------------------ lidar / scan

TEST(RealSignals, EmbagLaserScan) {
  PARITY_REQUIRE_SHARED_DATA(path, kEmbag);
  RangeFeatureExtractor extractor;
  for_each_message(path, "/base_scan", [&](std::int64_t t, const ros2::Value& message) {
    extractor.add(t, typed<ros2::LaserScan>(message));
  });
  const FeatureValues values = extractor.finish();
  expect_documented(values, range_feature_specs());
  // 5 Stage scans of 90 returns in [0, 5] m (no-hit returns read range_max = 5). NumPy on the
  // dump: percentiles 0.35486876, 2.32431185, 5.
  EXPECT_EQ(value(values, "scans"), 5);
  EXPECT_EQ(value(values, "points_mean"), 90);
  EXPECT_EQ(value(values, "valid_fraction"), 1.0);
  EXPECT_NEAR(value(values, "range_p10"), 0.35486876, 1e-7);
  EXPECT_NEAR(value(values, "range_p50"), 2.32431185, 1e-7);
  EXPECT_EQ(value(values, "range_p90"), 5.0);
}

struct CloudRun {
  FeatureValues values;
  std::vector<std::array<float, 3>> points;
};

CloudRun embag_clouds(const fs::path& path) {
  CloudRun run;
  RangeFeatureExtractor extractor;
  for_each_message(path, "/luminar_pointcloud", [&](std::int64_t t, const ros2::Value& message) {
    const auto cloud = typed<ros2::PointCloud2>(message);
    EXPECT_TRUE(extractor.add(t, cloud).ok());
    auto xyz = ros2::read_xyz(cloud);
    ASSERT_TRUE(xyz.ok());
    run.points.insert(run.points.end(), xyz->begin(), xyz->end());
  });
  run.values = extractor.finish();
  return run;
}

TEST(RealSignals, EmbagLuminarPointCloud) {
  PARITY_REQUIRE_SHARED_DATA(path, kEmbag);
  const CloudRun run = embag_clouds(path);
  const FeatureValues& values = run.values;
  expect_documented(values, range_feature_specs());
  EXPECT_EQ(value(values, "scans"), 5);
  EXPECT_EQ(value(values, "points_mean") * 5, static_cast<double>(run.points.size()));
  // A road scene from a car roof: returns from a few metres to ~200 m.
  EXPECT_GT(value(values, "range_p10"), 1.0);
  EXPECT_LT(value(values, "range_p90"), 300.0);
  EXPECT_LT(value(values, "range_p10"), value(values, "range_p50"));
  EXPECT_LT(value(values, "range_p50"), value(values, "range_p90"));
}

TEST(RealSignals, EmbagLuminarPointCloudMatchesNumpy) {
  PARITY_REQUIRE_SHARED_DATA(path, kEmbag);
  PARITY_REQUIRE_ORACLE_PYTHON(python);
  const CloudRun run = embag_clouds(path);
  testing::TempDir dir;
  {
    std::ofstream out(dir / "cloud.f32", std::ios::binary);
    out.write(reinterpret_cast<const char*>(run.points.data()),
              static_cast<std::streamsize>(run.points.size() * sizeof(run.points[0])));
  }
  const nlohmann::json oracle = run_oracle(python, "cloud " + quoted(dir / "cloud.f32"));
  EXPECT_NEAR(value(run.values, "valid_fraction"), oracle["valid_fraction"].get<double>(), 1e-12);
  for (const char* name : {"range_p10", "range_p50", "range_p90"}) {
    expect_relative(value(run.values, name), oracle[name].get<double>(), 0.02, name);
  }
}

// ----------------------------------------------------------------------------- odometry/pose

TEST(RealSignals, EmbagOdometryStandsStill) {
  PARITY_REQUIRE_SHARED_DATA(path, kEmbag);
  OdometryFeatureExtractor extractor;
  for_each_message(path, "/base_pose_ground_truth",
                   [&](std::int64_t t, const ros2::Value& message) {
                     extractor.add(t, typed<ros2::Odometry>(message));
                   });
  const FeatureValues values = extractor.finish();
  expect_documented(values, odometry_feature_specs());
  // 5 poses at (1, 0, 0) with zero twist.
  EXPECT_EQ(value(values, "samples"), 5);
  EXPECT_EQ(value(values, "path_length_m"), 0.0);
  EXPECT_EQ(value(values, "displacement_m"), 0.0);
  EXPECT_FALSE(find_value(values, "straightness"));  // 0 / 0
  EXPECT_EQ(value(values, "speed_mean"), 0.0);
}

struct PoseRun {
  FeatureValues values;
  std::vector<std::array<double, 8>> rows;  // ns after the first, x, y, z, qx, qy, qz, qw
};

PoseRun evo_groundtruth(const fs::path& path) {
  PoseRun run;
  OdometryFeatureExtractor extractor;
  std::int64_t t0 = 0;
  for_each_message(path, "groundtruth", [&](std::int64_t t, const ros2::Value& message) {
    const auto pose = typed<ros2::PoseStamped>(message);
    extractor.add(t, pose);
    const auto& p = pose.pose.position;
    const auto& q = pose.pose.orientation;
    if (run.rows.empty()) t0 = t;
    run.rows.push_back({static_cast<double>(t - t0), p.x, p.y, p.z, q.x, q.y, q.z, q.w});
  });
  run.values = extractor.finish();
  return run;
}

TEST(RealSignals, EvoGroundTruthPoses) {
  PARITY_REQUIRE_SHARED_DATA(path, kEvo);
  const PoseRun run = evo_groundtruth(path);
  const FeatureValues& values = run.values;
  expect_documented(values, odometry_feature_specs());
  EXPECT_EQ(value(values, "samples"), 12765);
  EXPECT_EQ(value(values, "non_monotonic"), 0);
  // A hand-held / vehicle trajectory over ~890 s: walking-to-driving speeds.
  EXPECT_GT(value(values, "speed_mean"), 0.1);
  EXPECT_LT(value(values, "speed_mean"), 20.0);
  EXPECT_GT(value(values, "path_length_m"), value(values, "displacement_m"));
}

TEST(RealSignals, EvoGroundTruthPosesMatchNumpy) {
  PARITY_REQUIRE_SHARED_DATA(path, kEvo);
  PARITY_REQUIRE_ORACLE_PYTHON(python);
  const PoseRun run = evo_groundtruth(path);
  testing::TempDir dir;
  {
    std::ofstream csv(dir / "poses.csv");
    csv.precision(17);
    for (const auto& row : run.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) csv << (i ? "," : "") << row[i];
      csv << "\n";
    }
  }
  const nlohmann::json oracle = run_oracle(python, "odometry " + quoted(dir / "poses.csv"));
  ASSERT_TRUE(oracle.is_object());
  for (const auto& [name, theirs] : oracle.items()) {
    expect_relative(value(run.values, name), theirs.get<double>(),
                    name == "speed_p90" ? 0.02 : 1e-9, name);
  }
}

TEST(RealSignals, Nav2OdometryUsesTheTwist) {
  PARITY_REQUIRE_SHARED_DATA(path, kNav2);
  OdometryFeatureExtractor extractor;
  for_each_message(path, "/odom", [&](std::int64_t t, const ros2::Value& message) {
    extractor.add(t, typed<ros2::Odometry>(message));
  });
  const FeatureValues values = extractor.finish();
  expect_documented(values, odometry_feature_specs());
  // 2639 messages, 3 with the log time of their predecessor. NumPy on the dump: mean twist
  // speed of the 2636 others 0.354423678348, largest 0.5 m/s (the sim's speed limit).
  EXPECT_EQ(value(values, "samples"), 2636);
  EXPECT_EQ(value(values, "non_monotonic"), 3);
  EXPECT_NEAR(value(values, "speed_mean"), 0.354423678348, 1e-11);
  EXPECT_LE(value(values, "speed_p90"), 0.5);
  EXPECT_GT(value(values, "speed_p90"), 0.49);
  EXPECT_GT(value(values, "path_length_m"), 0.5);
}

// ------------------------------------------------------------------------------------- depth

struct DepthRun {
  FeatureValues values;
  std::vector<std::uint8_t> frames;  // little-endian uint16, rows without padding
  std::uint32_t width = 0, height = 0;
};

DepthRun realsense_depth(const fs::path& path) {
  DepthRun run;
  DepthFeatureExtractor extractor;
  for_each_message(path, "/device_0/sensor_0/Depth_0/image/data",
                   [&](std::int64_t t, const ros2::Value& message) {
                     const auto image = typed<ros2::Image>(message);
                     const Status status = extractor.add(t, image);
                     EXPECT_TRUE(status.ok()) << status.to_string();
                     ASSERT_EQ(image.encoding, "mono16");  // RealSense's name for 16UC1
                     ASSERT_EQ(image.is_bigendian, 0);
                     run.width = image.width;
                     run.height = image.height;
                     for (std::uint32_t r = 0; r < image.height; ++r) {
                       const auto* row = image.data.data() + std::size_t{r} * image.step;
                       run.frames.insert(run.frames.end(), row, row + 2 * image.width);
                     }
                   });
  run.values = extractor.finish();
  return run;
}

TEST(RealSignals, RealSenseDepth) {
  PARITY_REQUIRE_SHARED_DATA(path, kRealSense);
  const DepthRun run = realsense_depth(path);
  const FeatureValues& values = run.values;
  expect_documented(values, depth_feature_specs());
  EXPECT_EQ(value(values, "frames"), 6);
  // A D4xx indoors: most pixels valid, depths between a few decimetres and a few metres.
  EXPECT_GT(value(values, "valid_fraction.mean"), 0.5);
  EXPECT_GT(value(values, "range_p10.p50"), 0.1);
  EXPECT_LT(value(values, "range_p90.p50"), 10.0);
}

TEST(RealSignals, RealSenseDepthMatchesNumpy) {
  PARITY_REQUIRE_SHARED_DATA(path, kRealSense);
  PARITY_REQUIRE_ORACLE_PYTHON(python);
  const DepthRun run = realsense_depth(path);
  testing::TempDir dir;
  {
    std::ofstream out(dir / "depth.u16", std::ios::binary);
    out.write(reinterpret_cast<const char*>(run.frames.data()),
              static_cast<std::streamsize>(run.frames.size()));
  }
  const nlohmann::json oracle =
      run_oracle(python, "depth " + quoted(dir / "depth.u16") + " " + std::to_string(run.width) +
                             " " + std::to_string(run.height) + " 0.5");
  ASSERT_TRUE(oracle.is_object());
  EXPECT_EQ(oracle.size(), run.values.size());
  for (const auto& [name, theirs] : oracle.items()) {
    EXPECT_NEAR(value(run.values, name), theirs.get<double>(), 1e-12) << name;
  }
}

// ------------------------------------------------------------------------------------ action

TEST(RealSignals, RobosuiteActions) {
  PARITY_REQUIRE_SHARED_DATA(path, kRobosuite);
  ActionFeatureExtractor extractor;
  std::vector<double> action;
  double gripper_min = 1e9, gripper_max = -1e9;
  for_each_message(
      path, "actions",
      [&](std::int64_t t, const ros2::Value& message) {
        ASSERT_TRUE(message.is_array());
        action.clear();
        for (const ros2::Value& v : message.as_array()) action.push_back(v.to_double());
        extractor.add(t, action);
        gripper_min = std::min(gripper_min, action.back());
        gripper_max = std::max(gripper_max, action.back());
      },
      0);
  const FeatureValues values = extractor.finish();
  expect_documented(values, action_feature_specs());
  // demo_1: 226 OSC_POSE actions (6 pose deltas + gripper in [-1, 1]) at 20 Hz.
  EXPECT_EQ(value(values, "dims"), 7);
  EXPECT_EQ(value(values, "samples"), 226);
  EXPECT_EQ(value(values, "skipped"), 0);
  EXPECT_EQ(gripper_max - gripper_min, 2.0);  // the gripper closes once
  EXPECT_GT(value(values, "range_mean"), 2.0 / 7);
  EXPECT_GT(value(values, "idle_fraction"), 0.0);  // it holds still at the start
  EXPECT_LT(value(values, "idle_fraction"), 1.0);
}

// ------------------------------------------------------------------------------------ timing

TEST(RealSignals, NissanTiming) {
  PARITY_REQUIRE_SHARED_DATA(path, kNissan);
  DiagnosticCollector diagnostics;
  auto recording = open_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok());
  TimingFeatureExtractor extractor;
  ReadOptions options;
  options.log_time_order = true;
  options.need_data = false;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& view) {
                                    extractor.add(view.stream->id, view.log_time_ns);
                                    return Status{};
                                  })
                  .ok());
  const FeatureValues values = extractor.finish();
  expect_documented(values, timing_feature_specs());
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(value(values, "messages"), 3513);
  EXPECT_EQ(value(values, "streams"), 6);
  EXPECT_NEAR(value(values, "duration_s"), static_cast<double>(info.end_ns - info.start_ns) * 1e-9,
              1e-9);
  EXPECT_NEAR(value(values, "rate_hz"), 3513 / value(values, "duration_s"), 1e-9);
  EXPECT_EQ(value(values, "non_monotonic"), 0);
  // The Duro IMU's bursts: its largest gap is 88 ms (NumPy on the dump).
  EXPECT_GE(value(values, "max_gap_s"), 0.0881648);
  EXPECT_GT(value(values, "jitter"), 0.1);  // bursty streams
}

}  // namespace
}  // namespace parity::features
