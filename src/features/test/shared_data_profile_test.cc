// Profiling every recording ../shared/data holds (issue 5's Done-when): every ingested episode
// profiles, values are finite where data exists, and a role an episode lacks reads as missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "parity/features/profile_runner.h"
#include "parity/ingest/ingest.h"
#include "testing/testing.h"

namespace parity::features {
namespace {

using ::testing::Contains;

bool has_prefix(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

TEST(SharedDataProfileTest, EveryIngestedEpisodeProfilesWithFiniteOrMissingValues) {
  const auto shared = testing::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: no real recordings to profile";
  testing::TempDir dir;
  CatalogOptions catalog_options;
  catalog_options.create_if_missing = true;
  auto catalog = Catalog::open(dir / "parity.db", catalog_options);
  ASSERT_TRUE(catalog.ok());
  // Some shared files are deliberately damaged or empty: those sources fail to ingest and are
  // not profiled; everything that ingests must profile.
  auto ingested = ingest(**catalog, {*shared / "data"}, IngestOptions{});
  ASSERT_TRUE(ingested.ok()) << ingested.status().to_string();

  ProfileRunOptions options;
  options.threads = 2;
  options.extraction.frame_stride = 15;  // keeps the sanitizer build's video decoding short
  options.extraction.max_frames = 4;
  DiagnosticCollector diagnostics;
  const auto summary = run_profile(**catalog, options, diagnostics);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  for (const auto& failure : summary->failures) {
    ADD_FAILURE() << failure.episode_id << ": " << failure.message;
  }
  EXPECT_GT(summary->profiled, 150u);  // G1 alone has 100 episodes
  EXPECT_EQ(summary->profiled, summary->selected);

  const auto table = (*catalog)->load_feature_table({});
  ASSERT_TRUE(table.ok());
  for (double value : table->values) ASSERT_FALSE(std::isinf(value));

  // Per episode: the features of each role it has are present, those of roles it lacks are
  // missing (NaN here, null in exports).
  const auto episodes = (*catalog)->list_episodes({});
  ASSERT_TRUE(episodes.ok());
  std::size_t with_camera = 0, without_camera = 0;
  for (std::size_t r = 0; r < table->episode_ids.size(); ++r) {
    const auto record = (*catalog)->get_episode(table->episode_ids[r]);
    ASSERT_TRUE(record.ok());
    std::set<std::string> roles;
    for (const StreamRecord& stream : record->streams) {
      if (stream.message_count > 0) roles.insert(stream.role);
    }
    for (std::size_t c = 0; c < table->names.size(); ++c) {
      const std::string& name = table->names[c];
      const std::string role = name.substr(0, name.find('.'));
      if (role != "episode" && role != "embedding" && roles.count(role) == 0) {
        EXPECT_TRUE(FeatureTable::is_missing(table->at(r, c)))
            << record->id << " has " << name << " without a stream of role " << role;
      }
    }
    const bool camera = std::any_of(roles.begin(), roles.end(), [](const std::string& role) {
      return has_prefix(role, "camera/");
    });
    (camera ? with_camera : without_camera)++;
  }
  EXPECT_GT(with_camera, 0u);
  EXPECT_GT(without_camera, 0u);
  // Kinds the shared data covers: cameras (RealSense, LeRobot video), depth (RealSense),
  // lidar (embag), joints and actions (LeRobot, HDF5), odometry / poses (embag, evo).
  for (const char* expected : {"episode.duration_s", "joints.vel_rms"}) {
    EXPECT_THAT(table->names, Contains(expected));
  }
  const auto has_role = [&](const std::string& prefix) {
    return std::any_of(table->names.begin(), table->names.end(),
                       [&](const std::string& name) { return has_prefix(name, prefix); });
  };
  EXPECT_TRUE(has_role("camera/"));
  EXPECT_TRUE(has_role("depth/"));
  EXPECT_TRUE(has_role("lidar."));
  EXPECT_TRUE(has_role("action."));
  EXPECT_TRUE(has_role("pose.") || has_role("odometry."));
}

}  // namespace
}  // namespace parity::features
