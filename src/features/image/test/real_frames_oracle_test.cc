// Cross-check on real frames against an independent NumPy / OpenCV computation
// (tests/oracles/frame_features.py): the RealSense bag's Color_0 images (sensor_msgs/Image rgb8,
// 640x480) and every 30th frame of the G1 AV1 video (640x480). The test writes each frame at its
// native size and Parity's analysis frame as .npy files; the oracle reduces the native frame with
// cv2.resize(INTER_AREA) and computes every statistic and the descriptor itself.
//
// Tolerances (same definitions, so only rounding differs):
//   analysis frame: identical pixels (both are OpenCV's INTER_AREA)
//   luma percentiles, exposure fractions, edge_density: exact (integer counts on both sides)
//   luma_mean, luma_std, saturation_mean, entropy: 1e-9 absolute
//   sharpness, noise_sigma, rb_ratio: 1e-9 relative (float64 sums in a different order)
//   hue_mean: 1e-4 degrees against the oracle's float64 HSV (Parity's per-pixel angle table is
//     float32), 1e-3 degrees against cv2.cvtColor's float32 RGB2HSV
//   descriptor: 1e-5 per dimension (Parity stores float32)
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "parity/core/diagnostics.h"
#include "parity/features/camera_features.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/formats/video/video_reader.h"
#include "testing/oracle.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::features {
namespace {

namespace fs = std::filesystem;

constexpr char kBag[] = "ros1-bag/lerobot-realsense/test_rs.bag";
constexpr char kColourTopic[] = "/device_0/sensor_1/Color_0/image/data";
constexpr char kVideo[] =
    "lerobot/v2.1-unitree-g1/videos/chunk-000/observation.images.cam_high/episode_000001.mp4";

// Writes a uint8 array of shape (height, width[, channels]) in NumPy's .npy format (v1.0).
void write_npy(const fs::path& path, const std::uint8_t* data, std::uint32_t width,
               std::uint32_t height, std::uint32_t channels) {
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (" +
                       std::to_string(height) + ", " + std::to_string(width) +
                       (channels == 3 ? ", 3" : "") + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto length = static_cast<std::uint16_t>(header.size());
  const char length_bytes[2] = {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8)};
  out.write(length_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data),
            static_cast<std::streamsize>(std::size_t{width} * height * channels));
  ASSERT_TRUE(out.good()) << path;
}

struct Ours {
  FrameStats stats;
  std::vector<float> descriptor;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Records one frame: its native pixels and Parity's analysis frame as .npy, and our values.
void add_frame(const fs::path& dir, const std::string& name, const std::uint8_t* native,
               std::uint32_t width, std::uint32_t height, const AnalysisFrame& frame,
               std::map<std::string, Ours>& ours) {
  write_npy(dir / (name + ".full.npy"), native, width, height, 3);
  write_npy(dir / (name + ".analysis.npy"), frame.pixels.data(), frame.width, frame.height,
            frame.channels);
  Ours entry;
  FrameAnalyzer analyzer;
  analyzer.analyze(frame, entry.stats, &entry.descriptor);
  entry.width = frame.width;
  entry.height = frame.height;
  ours[name] = std::move(entry);
}

nlohmann::json run_oracle(const std::string& python, const fs::path& dir) {
  const fs::path script =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / "frame_features.py";
  EXPECT_TRUE(fs::exists(script)) << script;
  const std::string command =
      "'" + python + "' '" + script.string() + "' --max-side 320 '" + dir.string() + "'";
  return testing::run_json_oracle(command);
}

double hue_distance_deg(double a, double b) {
  const double d = std::fmod(std::abs(a - b), 360.0);
  return std::min(d, 360.0 - d);
}

// Compares our values with the oracle's for every frame; returns the number of frames compared.
std::size_t compare(const std::map<std::string, Ours>& ours, const nlohmann::json& oracle) {
  std::size_t compared = 0;
  for (const auto& [name, entry] : ours) {
    SCOPED_TRACE(name);
    if (!oracle.contains(name)) {
      ADD_FAILURE() << "the oracle did not report " << name;
      continue;
    }
    const nlohmann::json& theirs = oracle[name];
    const FrameStats& s = entry.stats;
    EXPECT_EQ(theirs["resize_max_abs_diff"].get<int>(), 0);
    EXPECT_EQ(theirs["width"].get<std::uint32_t>(), entry.width);
    EXPECT_EQ(theirs["height"].get<std::uint32_t>(), entry.height);
    const auto value = [&](const char* key) { return theirs[key].get<double>(); };
    EXPECT_NEAR(s.luma_mean, value("luma_mean"), 1e-9);
    EXPECT_NEAR(s.luma_std, value("luma_std"), 1e-9);
    EXPECT_EQ(s.luma_p10, value("luma_p10"));
    EXPECT_EQ(s.luma_p50, value("luma_p50"));
    EXPECT_EQ(s.luma_p90, value("luma_p90"));
    EXPECT_EQ(s.over_exposed, value("over_exposed"));
    EXPECT_EQ(s.under_exposed, value("under_exposed"));
    EXPECT_EQ(s.edge_density, value("edge_density"));
    EXPECT_NEAR(s.entropy, value("entropy"), 1e-9);
    EXPECT_NEAR(s.saturation_mean, value("saturation_mean"), 1e-9);
    EXPECT_NEAR(s.sharpness, value("sharpness"), 1e-9 * value("sharpness"));
    EXPECT_NEAR(s.noise_sigma, value("noise_sigma"), 1e-9 * value("noise_sigma"));
    EXPECT_NEAR(s.rb_ratio, value("rb_ratio"), 1e-9 * value("rb_ratio"));
    if (theirs["hue_mean"].is_null()) {
      EXPECT_TRUE(std::isnan(s.hue_mean));
    } else {
      EXPECT_LT(hue_distance_deg(s.hue_mean, value("hue_mean")), 1e-4)
          << s.hue_mean << " vs " << value("hue_mean");
      EXPECT_LT(hue_distance_deg(s.hue_mean, value("hue_mean_cv2")), 1e-3)
          << s.hue_mean << " vs cv2 " << value("hue_mean_cv2");
    }
    const auto descriptor = theirs["descriptor"].get<std::vector<double>>();
    EXPECT_EQ(descriptor.size(), kFrameDescriptorDims);
    for (std::size_t i = 0; i < std::min(descriptor.size(), entry.descriptor.size()); ++i) {
      EXPECT_NEAR(entry.descriptor[i], descriptor[i], 1e-5) << "descriptor dim " << i;
    }
    // The frames are real: the statistics are not degenerate.
    EXPECT_GT(s.sharpness, 1.0);
    EXPECT_GT(s.noise_sigma, 0.1);
    EXPECT_GT(s.entropy, 1.0);
    ++compared;
  }
  return compared;
}

TEST(RealFramesOracle, RealSenseColourFramesMatchNumPyOpenCv) {
  PARITY_REQUIRE_SHARED_DATA(bag_path, kBag);
  const auto python = testing::python_with("cv2, numpy");
  if (!python) GTEST_SKIP() << "no python3 with cv2 and numpy (python3-opencv): skipping";
  DiagnosticCollector diagnostics;
  auto recording = open_recording(bag_path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  testing::TempDir dir;
  std::map<std::string, Ours> ours;
  ReadOptions options;
  options.topics = {kColourTopic};
  int index = 0;
  const Status status =
      (*recording)->read_messages(options, [&](const MessageView& view) -> Status {
        PARITY_ASSIGN_OR_RETURN(const ros2::MessageDecoder decoder,
                                ros2::MessageDecoder::for_stream(*view.stream));
        PARITY_ASSIGN_OR_RETURN(const ros2::Value value, decoder.decode(view.data));
        PARITY_ASSIGN_OR_RETURN(const ros2::Image image, ros2::extract<ros2::Image>(value));
        EXPECT_EQ(image.encoding, "rgb8");
        EXPECT_EQ(image.step, image.width * 3);
        PARITY_ASSIGN_OR_RETURN(const AnalysisFrame frame, analysis_frame_from_image(image));
        EXPECT_EQ(frame.width, 320u);
        EXPECT_EQ(frame.height, 240u);
        add_frame(dir.path(), "realsense_" + std::to_string(index++), image.data.data(),
                  image.width, image.height, frame, ours);
        return Status{};
      });
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(ours.size(), 5u);
  EXPECT_EQ(compare(ours, run_oracle(*python, dir.path())), 5u);
}

TEST(RealFramesOracle, G1VideoFramesMatchNumPyOpenCv) {
  PARITY_REQUIRE_SHARED_DATA(video_path, kVideo);
  const auto python = testing::python_with("cv2, numpy");
  if (!python) GTEST_SKIP() << "no python3 with cv2 and numpy (python3-opencv): skipping";
  auto reader = video::VideoReader::open(video_path);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  testing::TempDir dir;
  std::map<std::string, Ours> ours;
  video::VideoFrame frame;
  for (int index = 0;; ++index) {
    auto more = (*reader)->next(frame);
    ASSERT_TRUE(more.ok()) << more.status().to_string();
    if (!*more) break;
    if (index % 30 != 0) continue;
    const auto width = static_cast<std::uint32_t>(frame.width);
    const auto height = static_cast<std::uint32_t>(frame.height);
    AnalysisFrame analysis;
    const Status status = analysis_frame_from_pixels(frame.pixels, width, height, 3, {}, analysis);
    ASSERT_TRUE(status.ok()) << status.to_string();
    add_frame(dir.path(), "g1_" + std::to_string(1000 + index), frame.pixels.data(), width, height,
              analysis, ours);
  }
  ASSERT_EQ(ours.size(), 14u);  // 393 frames: 0, 30, ..., 390
  EXPECT_EQ(compare(ours, run_oracle(*python, dir.path())), 14u);
}

}  // namespace
}  // namespace parity::features
