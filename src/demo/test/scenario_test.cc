#include "parity/demo/scenario.h"

#include <gtest/gtest.h>

#include <map>

#include "parity/core/hash.h"
#include "parity/formats/recording.h"
#include "testing/testing.h"

namespace parity::demo {
namespace {

TEST(ScenarioTest, SameSeedSameBytesOtherSeedOtherBytes) {
  testing::TempDir a, b, c;
  ScenarioOptions options;
  options.episodes_per_domain = 2;
  options.duration_s = 2.0;
  const auto first = generate_scenario(a.path(), options);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE(generate_scenario(b.path(), options).ok());
  options.seed = 8;
  ASSERT_TRUE(generate_scenario(c.path(), options).ok());
  ASSERT_EQ(first->size(), 6U);
  for (const GeneratedEpisode& episode : *first) {
    const auto relative = std::filesystem::relative(episode.path, a.path());
    EXPECT_EQ(*hash_file(a.path() / relative), *hash_file(b.path() / relative)) << relative;
    EXPECT_NE(*hash_file(a.path() / relative), *hash_file(c.path() / relative)) << relative;
  }
}

TEST(ScenarioTest, FilesReadBackWithTheDeclaredTopicsAndRates) {
  testing::TempDir dir;
  ScenarioOptions options;
  options.episodes_per_domain = 1;
  options.duration_s = 4.0;
  const auto episodes = generate_scenario(dir.path(), options);
  ASSERT_TRUE(episodes.ok()) << episodes.status().to_string();
  for (const GeneratedEpisode& episode : *episodes) {
    DiagnosticCollector diagnostics;
    const auto recording = open_recording(episode.path, diagnostics);
    ASSERT_TRUE(recording.ok()) << recording.status().to_string();
    const RecordingInfo& info = (*recording)->info();
    EXPECT_EQ(info.message_count, episode.messages);
    EXPECT_EQ(diagnostics.size(), 0U);
    std::map<std::string, std::uint64_t> counts;
    for (const StreamInfo& s : info.streams) counts[s.topic] = s.message_count;
    const double duration_s = static_cast<double>(info.end_ns - info.start_ns) * 1e-9;
    // 200 Hz IMU, 100 Hz joints, 50 Hz commands, 5 Hz camera (within one tick).
    EXPECT_NEAR(static_cast<double>(counts["/imu"]) / duration_s, 200.0, 2.0);
    EXPECT_NEAR(static_cast<double>(counts["/joint_states"]) / duration_s, 100.0, 2.0);
    EXPECT_NEAR(static_cast<double>(counts["/gripper/command"]) / duration_s, 50.0, 2.0);
    EXPECT_NEAR(static_cast<double>(counts["/camera/front/image_raw"]) / duration_s, 5.0, 0.6);
    ASSERT_EQ(info.metadata.size(), 1U);
    EXPECT_EQ(info.metadata[0].name, "parity");
    EXPECT_EQ(info.metadata[0].entries.at("lighting"), episode.lighting);
  }
}

}  // namespace
}  // namespace parity::demo
