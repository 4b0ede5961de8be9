#include "parity/ingest/episode_builder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "parity/core/hash.h"
#include "testing/testing.h"

namespace parity {
namespace {

TEST(EpisodeBuilderTest, MetadataRecordsBecomeAttributes) {
  RecordingInfo info;
  info.metadata = {{"parity", {{"lighting", "dim"}, {"ambient lux", "35"}}},
                   {"rosbag2", {{"ROS_DISTRO", "humble"}, {"serialized_metadata", "..."}}},
                   {"calibration", {{"camera", "v2"}}}};
  const DeclaredSettings settings = metadata_settings(info);
  ASSERT_NE(settings.find("lighting"), nullptr);
  EXPECT_EQ(attribute_value_to_string(settings.find("lighting")->value), "dim");
  EXPECT_EQ(settings.find("lighting")->origin, "metadata");
  // Keys are made selector-safe; numbers are typed.
  ASSERT_NE(settings.find("ambient_lux"), nullptr);
  EXPECT_EQ(std::get<double>(settings.find("ambient_lux")->value), 35.0);
  EXPECT_EQ(attribute_value_to_string(settings.find("ros_distro")->value), "humble");
  EXPECT_EQ(settings.find("serialized_metadata"), nullptr);
  EXPECT_EQ(attribute_value_to_string(settings.find("calibration.camera")->value), "v2");
}

TEST(EpisodeBuilderTest, HashesAreStreamedPerFileAndCombined) {
  testing::TempDir dir;
  std::ofstream(dir / "a") << "hello ";
  std::ofstream(dir / "b") << "world";
  std::uint64_t seen = 0;
  const auto one = hash_source_files({dir / "a"}, [&](std::uint64_t n) { seen += n; });
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->content_hash, hash_string("hello ").to_hex());
  EXPECT_EQ(seen, 6U);
  const auto both = hash_source_files({dir / "a", dir / "b"}, {});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->file_hashes, (std::vector<std::string>{hash_string("hello ").to_hex(),
                                                         hash_string("world").to_hex()}));
  EXPECT_EQ(both->content_hash, hash_string("hello world").to_hex());
  EXPECT_EQ(both->file_sizes, (std::vector<std::uint64_t>{6, 5}));
  const auto missing = hash_source_files({dir / "nope"}, {});
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
}

TEST(EpisodeBuilderTest, BuildsOneEpisodeWithRolesFieldsAndProvenance) {
  RecordingInfo info;
  info.format = "mcap";
  info.files = {"/data/run.mcap"};
  info.start_ns = 1'000'000'000;
  info.end_ns = 3'000'000'000;
  info.message_count = 301;
  StreamInfo imu;
  imu.id = 1;
  imu.topic = "/imu";
  imu.type = "sensor_msgs/msg/Imu";
  imu.message_encoding = "cdr";
  imu.message_count = 201;
  imu.start_ns = 1'000'000'000;
  imu.end_ns = 3'000'000'000;
  StreamInfo camera = imu;
  camera.id = 2;
  camera.topic = "/cam/image";
  camera.type = "sensor_msgs/msg/Image";
  camera.message_count = 100;
  info.streams = {imu, camera};
  info.episodes = {whole_recording_episode(info)};
  SourceHashes hashes{{"aa"}, {1234}, "aa"};
  DeclaredSettings settings;
  settings.set("domain", std::string("field"), "cli");
  settings.set("task", std::string("unscrew"), "sidecar");
  settings.set("lighting", std::string("dim"), "sidecar");
  settings.roles["/cam/image"] = "camera/front";

  const BuiltSource built = build_source("/data/run.mcap", info, hashes, settings, "{}");
  EXPECT_EQ(built.source.id, "aa");
  EXPECT_EQ(built.source.domain, "field");
  ASSERT_EQ(built.source.attributes.size(), 1U);  // fields are not attributes
  ASSERT_EQ(built.episodes.size(), 1U);
  const EpisodeRecord& episode = built.episodes[0];
  EXPECT_EQ(episode.id, episode_id("aa", 0));
  EXPECT_EQ(episode.id, hash_string("aa:0").to_hex());
  EXPECT_EQ(episode.task, "unscrew");
  EXPECT_EQ(episode.outcome, "unknown");
  EXPECT_DOUBLE_EQ(episode.duration_s(), 2.0);
  ASSERT_EQ(episode.streams.size(), 2U);
  EXPECT_EQ(episode.streams[0].role, "imu");
  EXPECT_DOUBLE_EQ(episode.streams[0].rate_hz, 100.0);
  EXPECT_EQ(episode.streams[1].role, "camera/front");
  ASSERT_EQ(episode.provenance.size(), 1U);
  EXPECT_EQ(episode.provenance[0].byte_end, 1234U);
  EXPECT_EQ(episode.provenance[0].file_hash, "aa");
}

TEST(EpisodeBuilderTest, BuildsOneEpisodePerContainerEpisodeWithItsOwnSpansAndAttributes) {
  RecordingInfo info;
  info.format = "hdf5-robomimic";
  info.files = {"/data/demos.hdf5"};
  StreamInfo actions;
  actions.id = 0;
  actions.topic = "actions";
  actions.type = "parity/Tensor";
  actions.message_encoding = "tensor";
  actions.schema = "float32[7]";
  StreamInfo image = actions;
  image.id = 1;
  image.topic = "obs/agentview_image";
  image.type = "parity/Image";
  image.schema = "uint8[84,84,3]";
  info.streams = {actions, image};
  for (std::uint32_t i = 0; i < 3; ++i) {
    EpisodeInfo episode;
    episode.index = i;
    episode.name = fmt::format("demo_{}", i + 1);
    episode.message_count = 2 * (10 + i);
    episode.end_ns = (9 + i) * 50'000'000;
    episode.streams = {{0, 10 + i, 0, episode.end_ns}, {1, 10 + i, 0, episode.end_ns}};
    episode.attributes = {{"filter_key.train", i < 2 ? "true" : "false"},
                          {"num_samples", std::to_string(10 + i)}};
    if (i == 2) episode.attributes["task"] = "lift";
    if (i == 1) episode.attributes["outcome"] = "dropped";
    info.episodes.push_back(episode);
  }
  SourceHashes hashes{{"bb"}, {99}, "bb"};
  DeclaredSettings settings;
  settings.set("task", std::string("stack"), "metadata");  // from the file: episode attrs win
  settings.set("embodiment", std::string("panda"), "cli");

  const BuiltSource built = build_source("/data/demos.hdf5", info, hashes, settings, "{}");
  ASSERT_EQ(built.episodes.size(), 3U);
  for (std::uint32_t i = 0; i < 3; ++i) {
    const EpisodeRecord& episode = built.episodes[i];
    EXPECT_EQ(episode.index, i);
    EXPECT_EQ(episode.id, episode_id("bb", i));
    EXPECT_EQ(episode.message_count, 2 * (10 + i));
    EXPECT_EQ(episode.embodiment, "panda");
    ASSERT_EQ(episode.streams.size(), 2U);
    EXPECT_EQ(episode.streams[0].message_count, 10 + i);
    EXPECT_EQ(episode.streams[0].role, "action");
    EXPECT_EQ(episode.streams[1].role, "camera/agentview");
    EXPECT_DOUBLE_EQ(episode.streams[0].rate_hz, 20.0);
    EXPECT_NE(episode.streams[1].metadata_json.find("uint8[84,84,3]"), std::string::npos);
    const auto find = [&](std::string_view key) -> const Attribute* {
      for (const Attribute& a : episode.attributes) {
        if (a.key == key) return &a;
      }
      return nullptr;
    };
    ASSERT_NE(find("episode_name"), nullptr);
    EXPECT_EQ(attribute_value_to_string(find("episode_name")->value),
              fmt::format("demo_{}", i + 1));
    ASSERT_NE(find("filter_key.train"), nullptr);
    EXPECT_EQ(find("filter_key.train")->value, AttributeValue(i < 2));
    ASSERT_NE(find("num_samples"), nullptr);
    EXPECT_EQ(find("num_samples")->value, AttributeValue(10.0 + i));
    EXPECT_EQ(find("task"), nullptr);  // a field, not an attribute
  }
  EXPECT_EQ(built.episodes[0].task, "stack");
  EXPECT_EQ(built.episodes[2].task, "lift");
  EXPECT_EQ(built.episodes[1].outcome, "unknown");  // "dropped" is not an outcome
}

}  // namespace
}  // namespace parity
