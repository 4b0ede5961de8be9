// Synthetic files written with libhdf5: robomimic, LIBERO, MimicGen, ALOHA (raw and JPEG
// rows), a mapped custom layout and an unknown layout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include "formats/hdf5/test/hdf5_test_writer.h"
#include "parity/formats/hdf5/hdf5_recording.h"
#include "testing/testing.h"

namespace parity::hdf5 {
namespace {

using ::testing::ElementsAre;
using testing::frames;
using testing::H5Writer;
using ::testing::HasSubstr;
using testing::Message;
using ::testing::Pair;
using testing::ramp;
using testing::read_all;

template <typename T>
T element(const std::vector<std::uint8_t>& data, std::size_t i) {
  T v{};
  std::memcpy(&v, data.data() + i * sizeof(T), sizeof(T));
  return v;
}

std::vector<std::string> topics(const RecordingInfo& info) {
  std::vector<std::string> out;
  for (const StreamInfo& s : info.streams) out.push_back(s.topic);
  return out;
}

const StreamInfo& stream_named(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& s : info.streams) {
    if (s.topic == topic) return s;
  }
  ADD_FAILURE() << "no stream " << topic;
  static const StreamInfo kNone;
  return kNone;
}

std::map<std::string, std::string> record(const RecordingInfo& info, const std::string& name) {
  for (const MetadataRecord& r : info.metadata) {
    if (r.name == name) return r.entries;
  }
  return {};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// robomimic: demos 0, 1, 2, 10 (numeric order), 84x84x3 obs images, mask/train + mask/valid.
void write_robomimic(const std::filesystem::path& path) {
  H5Writer w(path);
  w.group("data");
  w.int_attr("data", "total", 4 + 5 + 6 + 3);
  w.string_attr(
      "data", "env_args",
      R"({"env_name": "Lift", "type": 1, "env_version": "1.4.1", )"
      R"("env_kwargs": {"robots": ["Panda"], "control_freq": 10, "has_renderer": false}})");
  const std::map<std::string, std::size_t> demos = {
      {"demo_10", 3}, {"demo_2", 6}, {"demo_0", 4}, {"demo_1", 5}};
  for (const auto& [name, n] : demos) {
    const std::string g = "data/" + name;
    w.dataset<double>(g + "/actions", {n, 7}, ramp(n, 7));
    w.dataset<double>(g + "/states", {n, 32}, ramp(n, 32, 0.5));
    w.dataset<double>(g + "/rewards", {n}, ramp(n, 1));
    w.dataset<std::int64_t>(g + "/dones", {n}, std::vector<std::int64_t>(n, 0));
    w.dataset<std::uint8_t>(g + "/obs/agentview_image", {n, 84, 84, 3}, frames(n, 84, 84, 3),
                            {1, 84, 84, 3}, 4);
    w.dataset<double>(g + "/obs/robot0_eef_pos", {n, 3}, ramp(n, 3));
    w.dataset<std::uint8_t>(g + "/next_obs/agentview_image", {n, 84, 84, 3}, frames(n, 84, 84, 3),
                            {1, 84, 84, 3}, 4);
    w.int_attr(g, "num_samples", static_cast<std::int64_t>(n));
    w.string_attr(g, "model_file", "<mujoco model=\"base\">\n</mujoco>");
  }
  w.fixed_strings("mask/train", {"demo_0", "demo_1", "demo_10"});
  w.fixed_strings("mask/valid", {"demo_2"});
}

TEST(Hdf5Robomimic, EpisodesStreamsAttributesAndImages) {
  parity::testing::TempDir dir;
  const auto path = dir / "lift_ph.hdf5";
  write_robomimic(path);
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-robomimic");
  EXPECT_EQ(info.library, "robosuite 1.4.1");
  EXPECT_THAT(topics(info),
              ElementsAre("actions", "dones", "next_obs/agentview_image", "obs/agentview_image",
                          "obs/robot0_eef_pos", "rewards", "states"));
  const StreamInfo& image = stream_named(info, "obs/agentview_image");
  EXPECT_EQ(image.type, "parity/Image");
  EXPECT_EQ(image.message_encoding, "tensor");
  EXPECT_EQ(image.schema, "uint8[84,84,3]");
  EXPECT_EQ(image.metadata.at("image_encoding"), "rgb8");
  EXPECT_EQ(image.metadata.at("rate_hz"), "10");
  EXPECT_EQ(stream_named(info, "rewards").schema, "float64[]");
  EXPECT_EQ(stream_named(info, "dones").schema, "int64[]");

  ASSERT_EQ(info.episodes.size(), 4u);
  EXPECT_EQ(info.episodes[0].name, "demo_0");
  EXPECT_EQ(info.episodes[1].name, "demo_1");
  EXPECT_EQ(info.episodes[2].name, "demo_2");
  EXPECT_EQ(info.episodes[3].name, "demo_10");
  EXPECT_EQ(info.episodes[3].attributes.at("filter_key.train"), "true");
  EXPECT_EQ(info.episodes[3].attributes.count("filter_key.valid"), 0u);
  EXPECT_EQ(info.episodes[2].attributes.at("filter_key.valid"), "true");
  EXPECT_EQ(info.episodes[2].attributes.at("num_samples"), "6");
  EXPECT_EQ(info.episodes[2].attributes.at("model_file_bytes"), "31");
  EXPECT_EQ(info.episodes[2].message_count, 7u * 6);
  // 10 Hz: demo_0 has 4 steps (0..300 ms), demo_1 starts 100 ms later.
  EXPECT_EQ(info.episodes[0].end_ns, 300'000'000);
  EXPECT_EQ(info.episodes[1].start_ns, 400'000'000);

  const auto robomimic = record(info, "robomimic");
  EXPECT_EQ(robomimic.at("env_name"), "Lift");
  EXPECT_EQ(robomimic.at("env_type"), "robosuite");
  EXPECT_EQ(robomimic.at("total"), "18");
  EXPECT_EQ(robomimic.at("filter_keys"), "train,valid");
  EXPECT_EQ(robomimic.at("control_freq"), "10");
  EXPECT_THAT(record(info, "attributes"),
              ElementsAre(Pair("embodiment", "Panda"), Pair("task", "Lift")));
  EXPECT_EQ(diagnostics.size(), 0u);

  // Episode 3 (demo_10): 3 steps x 7 streams, in step order, streams by id within a step.
  ReadOptions options;
  options.episode = 3;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 21u);
  EXPECT_EQ(messages[0].topic, "actions");
  EXPECT_EQ(messages[3].topic, "obs/agentview_image");
  EXPECT_EQ(messages[7].topic, "actions");
  EXPECT_EQ(messages[7].sequence, 1u);
  EXPECT_EQ(messages[7].episode, 3u);
  EXPECT_EQ(messages[7].time_ns, info.episodes[3].start_ns + 100'000'000);
  EXPECT_EQ(element<double>(messages[7].data, 2), 1002.0);
  ASSERT_EQ(messages[10].data.size(), 84u * 84 * 3);
  const std::vector<std::uint8_t> expected = frames(3, 84, 84, 3);
  EXPECT_TRUE(std::equal(messages[10].data.begin(), messages[10].data.end(),
                         expected.begin() + 84 * 84 * 3));
}

TEST(Hdf5Robomimic, TimeRangeTopicsAndProgress) {
  parity::testing::TempDir dir;
  const auto path = dir / "lift_ph.hdf5";
  write_robomimic(path);
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  // demo_1 covers 400..800 ms; [500, 700) holds its steps 1 and 2.
  ReadOptions options;
  options.topics = {"actions"};
  options.start_ns = 500'000'000;
  options.end_ns = 700'000'000;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
  };
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].episode, 1u);
  EXPECT_EQ(messages[0].sequence, 1u);
  EXPECT_EQ(messages[1].sequence, 2u);
  EXPECT_EQ(messages[1].time_ns, 600'000'000);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().first, 2u * 56);
  EXPECT_EQ(progress.back().second, 2u * 56);

  // An episode index past the end delivers nothing.
  ReadOptions none;
  none.episode = 4;
  EXPECT_TRUE(read_all(**recording, none).empty());
  // A callback error stops reading and is passed through.
  const Status stop =
      (*recording)->read_messages({}, [](const MessageView&) { return cancelled("enough"); });
  EXPECT_EQ(stop.code(), StatusCode::kCancelled);
}

// libhdf5 is the serial build: recordings used on different threads must still work, because
// every libhdf5 call holds Parity's library mutex.
TEST(Hdf5Robomimic, RecordingsOnSeveralThreads) {
  parity::testing::TempDir dir;
  const auto path = dir / "lift_ph.hdf5";
  write_robomimic(path);
  std::vector<std::uint64_t> bytes(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < bytes.size(); ++t) {
    threads.emplace_back([&, t] {
      NullDiagnosticSink diagnostics;
      for (int round = 0; round < 3; ++round) {
        auto recording = open_hdf5_recording(path, diagnostics);
        if (!recording.ok()) return;
        const Status status = (*recording)->read_messages({}, [&](const MessageView& view) {
          bytes[t] += view.data.size();
          return Status{};
        });
        if (!status.ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Per round: 18 steps x (56 + 8 + 2 x 21168 + 24 + 8 + 256) bytes.
  const std::uint64_t expected = 3u * 18 * (56 + 8 + 2 * 21168 + 24 + 8 + 256);
  for (const std::uint64_t b : bytes) EXPECT_EQ(b, expected);
}

TEST(Hdf5Libero, ProblemInfoGivesTheTask) {
  parity::testing::TempDir dir;
  const auto path = dir / "KITCHEN_SCENE3_turn_on_the_stove_demo.hdf5";
  {
    H5Writer w(path);
    w.group("data");
    w.string_attr("data", "env_name", "Libero_Kitchen_Tabletop_Manipulation");
    w.string_attr("data", "problem_info",
                  R"({"problem_name": "libero_kitchen_tabletop_manipulation", )"
                  R"("domain_name": "robosuite", "language_instruction": "turn on the stove"})");
    w.string_attr("data", "macros_image_convention", "opengl");
    w.string_attr("data", "bddl_file_name", "libero/bddl_files/libero_90/KITCHEN_SCENE3.bddl");
    w.string_attr("data", "bddl_file_content", "(define (problem LIBERO_Kitchen)\n ...)");
    w.string_attr("data", "env_args",
                  R"({"type": 1, "env_name": "Libero_Kitchen_Tabletop_Manipulation", )"
                  R"("problem_name": "libero_kitchen_tabletop_manipulation", )"
                  R"("env_kwargs": {"robots": ["Panda"], "control_freq": 20}})");
    w.int_attr("data", "num_demos", 2);
    w.int_attr("data", "total", 7);
    for (const auto& [name, n] : std::map<std::string, std::size_t>{{"demo_0", 3}, {"demo_1", 4}}) {
      const std::string g = "data/" + name;
      w.dataset<double>(g + "/actions", {n, 7}, ramp(n, 7));
      w.dataset<double>(g + "/robot_states", {n, 9}, ramp(n, 9));
      w.dataset<std::uint8_t>(g + "/rewards", {n}, std::vector<std::uint8_t>(n, 0));
      w.dataset<std::uint8_t>(g + "/dones", {n}, std::vector<std::uint8_t>(n, 0));
      w.dataset<std::uint8_t>(g + "/obs/agentview_rgb", {n, 16, 16, 3}, frames(n, 16, 16, 3));
      w.dataset<double>(g + "/obs/joint_states", {n, 7}, ramp(n, 7));
      w.int_attr(g, "num_samples", static_cast<std::int64_t>(n));
      w.double_array_attr(g, "init_state", {0.1, 0.2, 0.3});
    }
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-libero");
  EXPECT_EQ(info.library, "libero");
  EXPECT_THAT(topics(info), ElementsAre("actions", "dones", "obs/agentview_rgb", "obs/joint_states",
                                        "rewards", "robot_states"));
  EXPECT_EQ(stream_named(info, "dones").schema, "uint8[]");
  EXPECT_EQ(stream_named(info, "obs/agentview_rgb").type, "parity/Image");
  EXPECT_THAT(
      record(info, "attributes"),
      ElementsAre(Pair("embodiment", "Panda"), Pair("env", "Libero_Kitchen_Tabletop_Manipulation"),
                  Pair("task", "turn on the stove")));
  const auto libero = record(info, "libero");
  EXPECT_EQ(libero.at("problem_name"), "libero_kitchen_tabletop_manipulation");
  EXPECT_EQ(libero.at("language_instruction"), "turn on the stove");
  EXPECT_EQ(libero.at("macros_image_convention"), "opengl");
  EXPECT_EQ(libero.at("bddl_file_name"), "libero/bddl_files/libero_90/KITCHEN_SCENE3.bddl");
  ASSERT_EQ(info.episodes.size(), 2u);
  // init_state is an array attribute: not an episode attribute.
  EXPECT_THAT(info.episodes[1].attributes, ElementsAre(Pair("num_samples", "4")));
  EXPECT_EQ(diagnostics.size(), 0u);
}

TEST(Hdf5Mimicgen, DatagenInfoStreamsAndSourceDemos) {
  parity::testing::TempDir dir;
  const auto path = dir / "coffee_d0.hdf5";
  {
    H5Writer w(path);
    w.group("data");
    w.int_attr("data", "total", 5);
    w.string_attr("data", "env_args",
                  R"({"env_name": "Coffee_D0", "env_version": "1.4.1", "type": 1, )"
                  R"("env_kwargs": {"robots": "Panda", "control_freq": 20}})");
    for (const auto& [name, n] : std::map<std::string, std::size_t>{{"demo_0", 2}, {"demo_1", 3}}) {
      const std::string g = "data/" + name;
      w.dataset<double>(g + "/actions", {n, 7}, ramp(n, 7));
      w.dataset<double>(g + "/states", {n, 5}, ramp(n, 5));
      w.dataset<double>(g + "/datagen_info/eef_pose", {n, 4, 4}, ramp(n, 16));
      w.dataset<double>(g + "/datagen_info/object_poses/coffee_pod", {n, 4, 4}, ramp(n, 16));
      w.dataset<std::int64_t>(g + "/datagen_info/subtask_term_signals/grasp", {n},
                              std::vector<std::int64_t>(n, 1));
      w.dataset<std::int64_t>(g + "/src_demo_inds", {2}, {3, 7});
      w.dataset<std::int64_t>(g + "/src_demo_labels", {n, 1}, std::vector<std::int64_t>(n, 3));
      w.int_attr(g, "num_samples", static_cast<std::int64_t>(n));
    }
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-mimicgen");
  EXPECT_EQ(info.library, "robosuite 1.4.1");
  EXPECT_THAT(
      topics(info),
      ElementsAre("actions", "datagen_info/eef_pose", "datagen_info/object_poses/coffee_pod",
                  "datagen_info/subtask_term_signals/grasp", "src_demo_labels", "states"));
  EXPECT_EQ(stream_named(info, "datagen_info/eef_pose").schema, "float64[4,4]");
  ASSERT_EQ(info.episodes.size(), 2u);
  EXPECT_EQ(info.episodes[1].attributes.at("src_demo_inds"), "3,7");
  EXPECT_EQ(record(info, "mimicgen").at("datagen_info"),
            "eef_pose,object_poses,subtask_term_signals");
  EXPECT_THAT(record(info, "attributes"),
              ElementsAre(Pair("embodiment", "Panda"), Pair("task", "Coffee_D0")));
  EXPECT_EQ(diagnostics.size(), 0u);
}

// ACT's record_sim_episodes.py layout: qpos/qvel/action float32 (h5py's default), images
// (N, 480, 640, 3) uint8 chunked one frame per chunk.
void write_aloha(const std::filesystem::path& path, std::size_t n) {
  H5Writer w(path);
  w.bool_attr("/", "sim", true);
  std::vector<float> qpos(n * 14);
  for (std::size_t i = 0; i < qpos.size(); ++i) qpos[i] = static_cast<float>(i) * 0.5f;
  w.dataset<float>("observations/qpos", {n, 14}, qpos);
  w.dataset<float>("observations/qvel", {n, 14}, qpos);
  w.dataset<float>("action", {n, 14}, qpos);
  for (const char* camera : {"top", "angle"}) {
    w.dataset<std::uint8_t>(std::string("observations/images/") + camera, {n, 480, 640, 3},
                            frames(n, 480, 640, 3), {1, 480, 640, 3}, 1);
  }
}

TEST(Hdf5Aloha, OneEpisodePerFileAt50Hz) {
  parity::testing::TempDir dir;
  const auto path = dir / "episode_0.hdf5";
  write_aloha(path, 4);
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-aloha");
  EXPECT_THAT(topics(info),
              ElementsAre("action", "observations/images/angle", "observations/images/top",
                          "observations/qpos", "observations/qvel"));
  EXPECT_EQ(stream_named(info, "observations/qpos").schema, "float32[14]");
  EXPECT_EQ(stream_named(info, "observations/images/top").schema, "uint8[480,640,3]");
  EXPECT_EQ(stream_named(info, "observations/images/top").metadata.at("rate_hz"), "50");
  ASSERT_EQ(info.episodes.size(), 1u);
  EXPECT_EQ(info.episodes[0].name, "");
  EXPECT_THAT(info.episodes[0].attributes,
              ElementsAre(Pair("num_samples", "4"), Pair("sim", "true")));
  EXPECT_THAT(record(info, "attributes"),
              ElementsAre(Pair("embodiment", "aloha"), Pair("sim", "true")));
  EXPECT_EQ(record(info, "aloha").at("cameras"), "angle,top");
  EXPECT_EQ(info.end_ns, 3 * 20'000'000);
  EXPECT_EQ(diagnostics.size(), 0u);

  const std::vector<Message> messages = read_all(**recording);
  ASSERT_EQ(messages.size(), 20u);
  EXPECT_EQ(messages[5].topic, "action");
  EXPECT_EQ(messages[5].time_ns, 20'000'000);
  EXPECT_EQ(element<float>(messages[5].data, 1), 7.5f);  // qpos[1][1] = (14 + 1) * 0.5
}

TEST(Hdf5Aloha, OneImageWithLimitReadsOneFrameNotTheDataset) {
  parity::testing::TempDir dir;
  const auto path = dir / "episode_7.hdf5";
  write_aloha(path, 6);
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  ReadOptions options;
  options.topics = {"observations/images/top"};
  options.episode = 0;
  options.limit = 1;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
  };
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_EQ(messages[0].data.size(), 480u * 640 * 3);
  const std::vector<std::uint8_t> expected = frames(1, 480, 640, 3);
  EXPECT_EQ(messages[0].data, expected);
  // One hyperslab of one frame (921600 bytes) out of 6 frames.
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].first, 921600u);
  EXPECT_EQ(progress[0].second, 6u * 921600);
}

TEST(Hdf5Aloha, CompressedRowsAreCutAtTheJpegEnd) {
  parity::testing::TempDir dir;
  const auto path = dir / "episode_3.hdf5";
  {
    H5Writer w(path);
    w.bool_attr("/", "sim", false);
    w.bool_attr("/", "compress", true);
    const std::size_t n = 3;
    const std::size_t padded = 16;
    std::vector<std::uint8_t> rows(n * padded, 0);
    // Fake JPEGs of 6, 8 and 16 bytes: FF D8, payload, FF D9, then zero padding.
    const std::vector<std::vector<std::uint8_t>> jpegs = {
        {0xFF, 0xD8, 1, 2, 0xFF, 0xD9},
        {0xFF, 0xD8, 0xFF, 0xD9, 0, 0, 0xFF, 0xD9},
        {0xFF, 0xD8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xFF, 0xD9}};
    for (std::size_t i = 0; i < n; ++i) {
      std::copy(jpegs[i].begin(), jpegs[i].end(), rows.begin() + static_cast<long>(i * padded));
    }
    w.dataset<std::uint8_t>("observations/images/cam_high", {n, padded}, rows, {1, padded});
    w.dataset<float>("observations/qpos", {n, 14}, std::vector<float>(n * 14, 1.0f));
    w.dataset<float>("action", {n, 14}, std::vector<float>(n * 14, 2.0f));
    w.dataset<float>("compress_len", {1, n}, {6, 8, 16});
  }
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  const StreamInfo& camera = stream_named(info, "observations/images/cam_high");
  EXPECT_EQ(camera.type, "parity/CompressedImage");
  EXPECT_EQ(camera.message_encoding, "image");
  EXPECT_EQ(camera.schema, "");
  EXPECT_EQ(camera.metadata.at("image_format"), "jpeg");
  EXPECT_EQ(record(info, "aloha").at("compress"), "true");
  EXPECT_EQ(info.episodes[0].attributes.at("sim"), "false");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics.diagnostics()[0].severity, Severity::kInfo);
  EXPECT_THAT(diagnostics.diagnostics()[0].message, HasSubstr("compress_len: per-camera JPEG"));

  ReadOptions options;
  options.topics = {"observations/images/cam_high"};
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].data.size(), 6u);
  EXPECT_EQ(messages[1].data.size(), 8u);
  EXPECT_EQ(messages[2].data.size(), 16u);
  EXPECT_EQ(messages[2].data.back(), 0xD9);
}

// A custom layout read through a mapping file found beside it.
void write_custom(const std::filesystem::path& path) {
  H5Writer w(path);
  for (const auto& [name, n] : std::map<std::string, std::size_t>{{"run_b", 2}, {"run_a", 3}}) {
    const std::string g = "runs/" + name;
    w.dataset<std::uint8_t>(g + "/cam/wrist", {n, 8, 8, 3}, frames(n, 8, 8, 3));
    std::vector<float> joints(2 * n * 6);
    for (std::size_t i = 0; i < joints.size(); ++i) joints[i] = static_cast<float>(i);
    w.dataset<float>(g + "/joints/position", {2 * n, 6}, joints);
    w.dataset<double>(g + "/unmapped", {n, 2}, ramp(n, 2));
    w.string_attr(g, "operator", "alice");
  }
  w.group("calibration");
}

constexpr const char* kCustomMapping = R"(# parity HDF5 mapping
episodes: "runs/run_*"
rate_hz: 10
streams:
  - path: cam/wrist
    name: camera/wrist
    type: image
    image_encoding: bgr8
  - path: joints/position
    rate_hz: 20
attributes:
  task: pick_cube
  embodiment: ur5e
)";

TEST(Hdf5Mapped, MappingBesideTheFile) {
  parity::testing::TempDir dir;
  const auto path = dir / "custom.h5";
  write_custom(path);
  write_text(dir / "custom.parity.yaml", kCustomMapping);
  EXPECT_EQ(hdf5_mapping_path_for(path), dir / "custom.parity.yaml");
  DiagnosticCollector diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "hdf5-mapped");
  EXPECT_THAT(topics(info), ElementsAre("camera/wrist", "joints/position"));
  EXPECT_EQ(stream_named(info, "camera/wrist").metadata.at("image_encoding"), "bgr8");
  EXPECT_EQ(stream_named(info, "camera/wrist").metadata.at("source_key"), "runs/run_a/cam/wrist");
  EXPECT_EQ(stream_named(info, "joints/position").metadata.at("rate_hz"), "20");
  EXPECT_THAT(record(info, "attributes"),
              ElementsAre(Pair("embodiment", "ur5e"), Pair("task", "pick_cube")));
  ASSERT_EQ(info.episodes.size(), 2u);
  EXPECT_EQ(info.episodes[0].name, "run_a");
  EXPECT_THAT(info.episodes[0].attributes,
              ElementsAre(Pair("num_samples", "6"), Pair("operator", "alice")));
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics.diagnostics()[0].message, HasSubstr("read with the mapping file"));

  // run_a: camera at 0, 100, 200 ms; joints (20 Hz) at 0, 50, ..., 250 ms. Merged by time,
  // ties by stream id (camera first).
  ReadOptions options;
  options.episode = 0;
  const std::vector<Message> messages = read_all(**recording, options);
  ASSERT_EQ(messages.size(), 9u);
  std::vector<std::pair<std::string, std::int64_t>> order;
  for (const Message& m : messages) order.emplace_back(m.topic, m.time_ns / 1'000'000);
  EXPECT_THAT(order, ElementsAre(Pair("camera/wrist", 0), Pair("joints/position", 0),
                                 Pair("joints/position", 50), Pair("camera/wrist", 100),
                                 Pair("joints/position", 100), Pair("joints/position", 150),
                                 Pair("camera/wrist", 200), Pair("joints/position", 200),
                                 Pair("joints/position", 250)));
  EXPECT_EQ(element<float>(messages[2].data, 0), 6.0f);
}

TEST(Hdf5Mapped, DirectoryMappingAndExplicitMapping) {
  parity::testing::TempDir dir;
  const auto path = dir / "custom.h5";
  write_custom(path);
  write_text(dir / "parity-hdf5.yaml", "episodes: runs/run_b\n");
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  // No streams listed: every per-step dataset under the episode group, auto-typed, 20 Hz.
  EXPECT_THAT(topics((*recording)->info()),
              ElementsAre("cam/wrist", "joints/position", "unmapped"));
  EXPECT_EQ(stream_named((*recording)->info(), "cam/wrist").metadata.at("image_encoding"), "rgb8");
  EXPECT_EQ((*recording)->info().episodes.size(), 1u);

  Hdf5OpenOptions explicit_options;
  explicit_options.mapping_file = dir / "elsewhere.yaml";
  write_text(dir / "elsewhere.yaml", "episodes: /\nrate_hz: 5\n");
  auto root = open_hdf5_recording(path, diagnostics, explicit_options);
  ASSERT_TRUE(root.ok()) << root.status().to_string();
  EXPECT_EQ((*root)->info().episodes.size(), 1u);
  EXPECT_EQ((*root)->info().episodes[0].name, "");
  EXPECT_EQ(stream_named((*root)->info(), "runs/run_a/cam/wrist").metadata.at("rate_hz"), "5");

  explicit_options.mapping_file = dir / "missing.yaml";
  auto missing = open_hdf5_recording(path, diagnostics, explicit_options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("missing.yaml: mapping file not found"));

  write_text(dir / "bad.yaml", "episodes: runs/*\nstreams:\n  - path: x\n    typ: image\n");
  explicit_options.mapping_file = dir / "bad.yaml";
  auto bad = open_hdf5_recording(path, diagnostics, explicit_options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.yaml: line 4: unknown stream key 'typ'"));

  write_text(dir / "nomatch.yaml", "episodes: trials/*\n");
  explicit_options.mapping_file = dir / "nomatch.yaml";
  auto nomatch = open_hdf5_recording(path, diagnostics, explicit_options);
  ASSERT_FALSE(nomatch.ok());
  EXPECT_EQ(nomatch.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(nomatch.status().message(),
              HasSubstr("custom.h5: the mapping's episodes pattern 'trials/*' matches no group"));
}

TEST(Hdf5Unknown, LayoutErrorListsWhatWasFound) {
  parity::testing::TempDir dir;
  const auto path = dir / "mystery.hdf5";
  {
    H5Writer w(path);
    w.group("foo");
    w.group("bar");
    w.dataset<float>("baz", {10, 3}, std::vector<float>(30, 0.0f));
  }
  NullDiagnosticSink diagnostics;
  auto recording = open_hdf5_recording(path, diagnostics);
  ASSERT_FALSE(recording.ok());
  EXPECT_EQ(recording.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(recording.status().message(),
              HasSubstr("mystery.hdf5: unrecognised HDF5 layout: the root holds groups [bar, foo] "
                        "and datasets [baz float32(10,3)]; supported layouts: robomimic"));
  EXPECT_THAT(recording.status().message(),
              HasSubstr("for another layout write a mapping file mystery.parity.yaml (or "
                        "parity-hdf5.yaml) next to it (docs/formats/hdf5.md)"));
}

TEST(Hdf5Magic, SignatureAtZeroOrUserBlockOffsets) {
  std::vector<std::uint8_t> head(kHdf5MagicProbeBytes, 0);
  EXPECT_FALSE(has_hdf5_magic(head));
  std::copy(std::begin(kHdf5Signature), std::end(kHdf5Signature), head.begin() + 512);
  EXPECT_TRUE(has_hdf5_magic(head));
  EXPECT_FALSE(has_hdf5_magic(std::span(head).first(519)));
  std::fill(head.begin(), head.end(), 0);
  std::copy(std::begin(kHdf5Signature), std::end(kHdf5Signature), head.begin() + 2048);
  EXPECT_TRUE(has_hdf5_magic(head));
  std::fill(head.begin(), head.end(), 0);
  std::copy(std::begin(kHdf5Signature), std::end(kHdf5Signature), head.begin() + 100);
  EXPECT_FALSE(has_hdf5_magic(head));
  EXPECT_TRUE(has_hdf5_magic(std::span(kHdf5Signature)));
}

}  // namespace
}  // namespace parity::hdf5
