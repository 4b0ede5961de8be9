// LeRobot datasets: the four real datasets under shared/data/lerobot. Expected episode and
// frame counts come from an independent Parquet reader (arrow-rs through the parquet-wasm
// oracle in tests/oracles: `node tests/oracles/parquet_oracle.mjs read <data file>`, counting
// episode_index values), not from the datasets' meta files, which are wrong for reachy2.
#include "parity/formats/lerobot/lerobot_recording.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "formats/lerobot/lerobot_meta.h"
#include "parity/formats/tensor.h"
#include "testing/testing.h"

namespace parity::lerobot {
namespace {

using ::testing::HasSubstr;

const StreamInfo* stream_named(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& s : info.streams) {
    if (s.topic == topic) return &s;
  }
  return nullptr;
}

const StreamSpan* span_of(const EpisodeInfo& episode, std::uint32_t id) {
  for (const StreamSpan& span : episode.streams) {
    if (span.stream_id == id) return &span;
  }
  return nullptr;
}

std::vector<std::string> warnings(const DiagnosticCollector& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    if (d.severity == Severity::kWarning) out.push_back(d.to_string());
  }
  return out;
}

std::size_t errors(const DiagnosticCollector& diagnostics) {
  std::size_t n = 0;
  for (const Diagnostic& d : diagnostics.diagnostics()) n += d.severity == Severity::kError;
  return n;
}

std::uint64_t per_episode_count(const EpisodeInfo& episode, const StreamInfo& stream) {
  const StreamSpan* span = span_of(episode, stream.id);
  return span == nullptr ? 0 : span->message_count;
}

TEST(PathTemplate, ExpandsLeRobotFields) {
  auto path = expand_path_template(
      "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4",
      {{"episode_chunk", 1}, {"episode_index", 1234}}, {{"video_key", "observation.images.top"}});
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, "videos/chunk-001/observation.images.top/episode_001234.mp4");
  EXPECT_EQ(expand_path_template("x/{nope}.mp4", {}, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      expand_path_template("x/{episode_index:3x}", {{"episode_index", 1}}, {}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(expand_path_template("x/{episode_index", {{"episode_index", 1}}, {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(LeRobotV21, UnitreeG1EpisodesTasksRolesAndMissingVideos) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v2.1-unitree-g1");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "lerobot");
  EXPECT_EQ(info.profile, "v2.1");
  ASSERT_EQ(info.episodes.size(), 100u);

  // Per-episode lengths: episodes.jsonl agrees with the data for this dataset (checked with the
  // oracle), so the test reads the expected values from it directly.
  std::ifstream jsonl(root / "meta" / "episodes.jsonl");
  std::string line;
  std::uint64_t total = 0;
  const StreamInfo* state = stream_named(info, "observation.state");
  ASSERT_NE(state, nullptr);
  while (std::getline(jsonl, line)) {
    const auto node = nlohmann::json::parse(line);
    const auto index = node["episode_index"].get<std::size_t>();
    ASSERT_LT(index, info.episodes.size());
    EXPECT_EQ(per_episode_count(info.episodes[index], *state), node["length"].get<std::uint64_t>())
        << "episode " << index;
    total += node["length"].get<std::uint64_t>();
  }
  EXPECT_EQ(total, 35965u);
  EXPECT_EQ(state->message_count, total);
  EXPECT_EQ(state->schema, "float32[26]");
  EXPECT_EQ(state->type, kTensorType);
  EXPECT_THAT(state->metadata.at("names"), HasSubstr("kLeftShoulderPitch,kLeftShoulderRoll"));
  EXPECT_EQ(stream_named(info, "action")->schema, "float32[26]");
  EXPECT_EQ(stream_named(info, "timestamp"), nullptr);  // bookkeeping, not a stream

  const EpisodeInfo& first = info.episodes[1];
  EXPECT_EQ(first.name, "episode_000001");
  EXPECT_EQ(first.attributes.at("task"), "Pick up the yellow bottle on the table.");
  EXPECT_EQ(first.attributes.at("split"), "train");
  ASSERT_EQ(info.metadata.size(), 2u);
  EXPECT_EQ(info.metadata[1].entries.at("embodiment"), "Unitree_G1_Inspire");

  // Only episodes 1 and 2 have their AV1 video.
  const StreamInfo* camera = stream_named(info, "observation.images.cam_high");
  ASSERT_NE(camera, nullptr);
  EXPECT_EQ(camera->type, kImageType);
  EXPECT_EQ(camera->schema, "uint8[480,640,3]");
  EXPECT_EQ(camera->metadata.at("video_codec"), "av1");
  EXPECT_EQ(per_episode_count(info.episodes[1], *camera), 393u);
  EXPECT_EQ(per_episode_count(info.episodes[2], *camera), 343u);
  EXPECT_EQ(per_episode_count(info.episodes[0], *camera), 0u);
  EXPECT_EQ(camera->message_count, 393u + 343u);
  EXPECT_THAT(warnings(diagnostics),
              ::testing::Contains(HasSubstr("no video file for 98 of 100 episodes (0, 3, 4")));
  EXPECT_EQ(errors(diagnostics), 0u);
}

TEST(LeRobotV21, DecodesAv1FramesAtTheRowTimes) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v2.1-unitree-g1");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  for (const std::uint32_t episode : {1u, 2u}) {
    ReadOptions options;
    options.episode = episode;
    options.topics = {"observation.images.cam_high"};
    std::vector<std::int64_t> times;
    std::size_t wrong_size = 0;
    const Status read = (*recording)->read_messages(options, [&](const MessageView& m) {
      times.push_back(m.log_time_ns - info.episodes[episode].start_ns);
      wrong_size += m.data.size() != 480u * 640u * 3u;
      return Status{};
    });
    ASSERT_TRUE(read.ok()) << read.message();
    const std::size_t expected = episode == 1 ? 393 : 343;
    ASSERT_EQ(times.size(), expected) << "episode " << episode;
    EXPECT_EQ(wrong_size, 0u);
    for (std::size_t i = 0; i < times.size(); ++i) {
      // timestamp = frame_index / 30 s, stored as float32.
      ASSERT_NEAR(static_cast<double>(times[i]) * 1e-9, static_cast<double>(i) / 30.0, 1e-6)
          << "episode " << episode << " frame " << i;
    }
  }
  EXPECT_EQ(errors(diagnostics), 0u);
}

TEST(LeRobotV21, FrameStrideAndMaxFrames) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v2.1-unitree-g1");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  ReadOptions options;
  options.episode = 1;
  options.topics = {"observation.images.cam_high", "action"};
  options.frame_stride = 30;
  options.max_frames = 5;
  std::vector<std::uint32_t> frame_rows;
  std::size_t actions = 0;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    if (m.stream->topic == "action") {
                                      ++actions;
                                    } else {
                                      frame_rows.push_back(m.sequence);
                                    }
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(actions, 393u);  // the stride applies to video streams only
  EXPECT_THAT(frame_rows, ::testing::ElementsAre(0u, 30u, 60u, 90u, 120u));
}

TEST(LeRobotV21, VideoMaxSideDeliversReducedFramesWithTheirShape) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v2.1-unitree-g1");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  ReadOptions options;
  options.episode = 1;
  options.topics = {"observation.images.cam_high", "action"};
  options.max_frames = 3;
  options.video_max_side = 320;
  std::size_t frames = 0;
  std::size_t actions = 0;
  const StreamInfo* camera = nullptr;
  for (const StreamInfo& stream : (*recording)->info().streams) {
    if (stream.topic == "observation.images.cam_high") camera = &stream;
  }
  ASSERT_NE(camera, nullptr);
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    if (m.stream->topic == "action") {
                                      ++actions;
                                      return Status{};
                                    }
                                    ++frames;
                                    EXPECT_EQ(m.stream->schema, "uint8[240,320,3]");
                                    EXPECT_EQ(m.data.size(), 240u * 320u * 3u);
                                    EXPECT_EQ(m.stream->id, camera->id);
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(frames, 3u);
  EXPECT_EQ(actions, 393u);
  // The recording's own description keeps the native shape.
  EXPECT_EQ(camera->schema, "uint8[480,640,3]");
  EXPECT_EQ(errors(diagnostics), 0u);
}

TEST(LeRobotV3, So101CountsFromTheData) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v3.0-so101-record-test");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.profile, "v3.0");
  ASSERT_EQ(info.episodes.size(), 4u);
  const StreamInfo* action = stream_named(info, "action");
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->schema, "float32[6]");
  EXPECT_EQ(action->metadata.at("names"),
            "shoulder_pan.pos,shoulder_lift.pos,elbow_flex.pos,wrist_flex.pos,wrist_roll.pos,"
            "gripper.pos");
  const std::uint64_t expected[] = {373, 374, 372, 373};
  for (std::size_t e = 0; e < 4; ++e) {
    EXPECT_EQ(per_episode_count(info.episodes[e], *action), expected[e]) << "episode " << e;
  }
  EXPECT_EQ(action->message_count, 1492u);
  EXPECT_EQ(info.metadata[1].entries.at("embodiment"), "so101_follower");
  EXPECT_FALSE(info.episodes[0].attributes.at("task").empty());
  // The dataset ships without its videos: both cameras are declared, neither has frames.
  EXPECT_THAT(
      warnings(diagnostics),
      ::testing::Contains(HasSubstr("'observation.images.front': no video file for 4 of 4")));
  // The action values of the first row, read independently with the oracle.
  ReadOptions options;
  options.topics = {"action"};
  options.limit = 1;
  std::vector<float> first;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    first.resize(m.data.size() / 4);
                                    std::memcpy(first.data(), m.data.data(), m.data.size());
                                    return Status{};
                                  })
                  .ok());
  EXPECT_THAT(first,
              ::testing::ElementsAre(-6.891271114349365f, -98.28291320800781f, 99.63948059082031f,
                                     76.9132080078125f, -56.389400482177734f, 4.505229473114014f));
}

TEST(LeRobotV3, Reachy2MetaInconsistenciesAreWarnings) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v3.0-reachy2-apple-storage");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.episodes.size(), 3u);
  const StreamInfo* state = stream_named(info, "observation.state");
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->schema, "float32[19]");
  const std::uint64_t expected[] = {299, 300, 300};
  for (std::size_t e = 0; e < 3; ++e) {
    EXPECT_EQ(per_episode_count(info.episodes[e], *state), expected[e]);
    EXPECT_EQ(info.episodes[e].attributes.at("task"), "place the apple in the plate");
  }
  EXPECT_EQ(info.metadata[1].entries.at("embodiment"), "reachy2");
  const auto w = warnings(diagnostics);
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("total_frames is 14983 but the data holds 899")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("split 'train' is '0:50'")));
  EXPECT_EQ(errors(diagnostics), 0u);
}

TEST(LeRobotV3, Open50QuirksAreWarningsAndItsMpeg4VideoDecodes) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot/v3.0-lingzu-open50");
  DiagnosticCollector diagnostics;
  auto recording = open_lerobot(root, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().message();
  const RecordingInfo& info = (*recording)->info();
  ASSERT_EQ(info.episodes.size(), 50u);
  const std::uint64_t expected[] = {427, 495, 582, 429, 395, 449, 408, 568, 376, 519, 355, 351, 460,
                                    433, 400, 483, 498, 398, 364, 397, 463, 394, 439, 499, 320, 567,
                                    329, 495, 440, 361, 372, 367, 411, 490, 485, 325, 443, 393, 362,
                                    338, 387, 372, 414, 324, 376, 403, 411, 296, 411, 340};
  const StreamInfo* actions = stream_named(info, "actions");
  ASSERT_NE(actions, nullptr);
  EXPECT_EQ(actions->schema, "float32[34]");
  std::uint64_t total = 0;
  for (std::size_t e = 0; e < 50; ++e) {
    EXPECT_EQ(per_episode_count(info.episodes[e], *actions), expected[e]) << "episode " << e;
    total += expected[e];
  }
  EXPECT_EQ(total, 20814u);
  EXPECT_EQ(info.episodes[7].attributes.at("task"), "lingzu teleoperation");
  EXPECT_EQ(info.metadata[1].entries.at("embodiment"), "lingzu_highcam_pi05");
  const auto w = warnings(diagnostics);
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("non-standard feature keys 'actions'")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("'state' (LeRobot's standard key is "
                                               "'observation.state')")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("found under a non-standard folder")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("info.json says codec h264 but the video files "
                                               "hold mpeg4")));
  EXPECT_THAT(w, ::testing::Contains(HasSubstr("no video file for 49 of 50 episodes")));

  const StreamInfo* image = stream_named(info, "image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->schema, "uint8[480,640,3]");
  EXPECT_EQ(per_episode_count(info.episodes[0], *image), 427u);
  ReadOptions options;
  options.episode = 0;
  options.topics = {"image"};
  std::vector<double> times_s;
  ASSERT_TRUE((*recording)
                  ->read_messages(options,
                                  [&](const MessageView& m) {
                                    EXPECT_EQ(m.data.size(), 480u * 640u * 3u);
                                    times_s.push_back(static_cast<double>(m.log_time_ns) * 1e-9);
                                    return Status{};
                                  })
                  .ok());
  ASSERT_EQ(times_s.size(), 427u);
  EXPECT_NEAR(times_s[426] - times_s[0], 426.0 / 30.0, 1e-6);
  EXPECT_EQ(errors(diagnostics), 0u);
}

}  // namespace
}  // namespace parity::lerobot
