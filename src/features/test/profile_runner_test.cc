// `parity profile` end to end on the built-in example: ingest, profile in parallel, resume,
// failures, derived attributes and the profile of a selection.
#include "parity/features/profile_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "parity/demo/scenario.h"
#include "parity/features/profile_builder.h"
#include "parity/ingest/ingest.h"
#include "testing/testing.h"

namespace parity::features {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

EpisodeFilter where(std::string selector) {
  EpisodeFilter filter;
  filter.where = std::move(selector);
  return filter;
}

class ProfileRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    demo::ScenarioOptions scenario;
    scenario.episodes_per_domain = 2;
    scenario.duration_s = 4.0;
    auto generated = demo::generate_scenario(dir_ / "data", scenario);
    ASSERT_TRUE(generated.ok()) << generated.status().to_string();
    episodes_ = *generated;
    CatalogOptions options;
    options.create_if_missing = true;
    auto opened = Catalog::open(dir_ / "parity.db", options);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    catalog_ = std::move(*opened);
    auto ingested = ingest(*catalog_, {dir_ / "data"}, IngestOptions{});
    ASSERT_TRUE(ingested.ok()) << ingested.status().to_string();
  }

  testing::TempDir dir_;
  std::vector<demo::GeneratedEpisode> episodes_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(ProfileRunnerTest, ProfilesEveryEpisodeInParallelAndResumes) {
  ProfileRunOptions options;
  options.threads = 2;
  std::size_t last_done = 0, last_total = 0;
  options.on_progress = [&](std::size_t done, std::size_t total) {
    last_done = done;
    last_total = total;
  };
  DiagnosticCollector diagnostics;
  auto summary = run_profile(*catalog_, options, diagnostics);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->selected, 6u);
  EXPECT_EQ(summary->profiled, 6u);
  EXPECT_TRUE(summary->failures.empty());
  EXPECT_EQ(last_done, 6u);
  EXPECT_EQ(last_total, 6u);

  const auto table = catalog_->load_feature_table({});
  ASSERT_TRUE(table.ok());
  for (const char* expected :
       {"camera/front.luma_mean.p50", "camera/front.sharpness.p50", "joints.vel_rms",
        "action.samples", "imu.gyro_rms", "episode.duration_s", "camera/front.frames"}) {
    EXPECT_THAT(table->names, Contains(expected));
  }
  for (double value : table->values) EXPECT_FALSE(std::isinf(value));
  // Every demo episode has every role: nothing is missing.
  for (double value : table->values) EXPECT_FALSE(FeatureTable::is_missing(value));

  // Frame descriptors are stored per camera.
  const auto samples = catalog_->frame_samples(table->episode_ids.front(), "descriptor");
  ASSERT_TRUE(samples.ok());
  ASSERT_FALSE(samples->empty());
  EXPECT_EQ(samples->front().role, "camera/front");
  EXPECT_EQ(samples->front().vector.size(), kFrameDescriptorDims);

  // A second run finds nothing to do; --force redoes everything.
  summary = run_profile(*catalog_, options, diagnostics);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->profiled, 0u);
  EXPECT_EQ(summary->up_to_date, 6u);
  options.force = true;
  options.filter.where = "domain = lab";
  summary = run_profile(*catalog_, options, diagnostics);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->profiled, 2u);
}

TEST_F(ProfileRunnerTest, FeaturesFollowTheGeneratedConditions) {
  DiagnosticCollector diagnostics;
  ASSERT_TRUE(run_profile(*catalog_, {}, diagnostics).ok());
  // The generator's lab is bright and its field dim or dark: luminance says so.
  auto lab = catalog_->load_feature_table(where("domain = lab"));
  auto field = catalog_->load_feature_table(where("domain = field"));
  ASSERT_TRUE(lab.ok() && field.ok());
  const auto column = [](const FeatureTable& t, const std::string& name) {
    const auto it = std::find(t.names.begin(), t.names.end(), name);
    return static_cast<std::size_t>(it - t.names.begin());
  };
  const std::size_t lab_luma = column(*lab, "camera/front.luma_mean.p50");
  const std::size_t field_luma = column(*field, "camera/front.luma_mean.p50");
  double lab_min = 1e9, field_max = -1e9;
  for (std::size_t r = 0; r < lab->episode_ids.size(); ++r) {
    lab_min = std::min(lab_min, lab->at(r, lab_luma));
  }
  for (std::size_t r = 0; r < field->episode_ids.size(); ++r) {
    field_max = std::max(field_max, field->at(r, field_luma));
  }
  EXPECT_GT(lab_min, field_max);

  // Derived attributes exist where no hand label says otherwise.
  const auto episode = catalog_->get_episode(lab->episode_ids.front());
  ASSERT_TRUE(episode.ok());
  bool has_blur = false;
  for (const Attribute& a : episode->attributes)
    has_blur |= a.key == "blur" && a.origin == "derived";
  EXPECT_TRUE(has_blur);
}

TEST_F(ProfileRunnerTest, AnUnreadableSourceFailsItsEpisodeAndIsRetriedNextRun) {
  std::filesystem::resize_file(episodes_.front().path, 100);  // truncate one lab episode
  DiagnosticCollector diagnostics;
  auto summary = run_profile(*catalog_, {}, diagnostics);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->profiled, 5u);
  ASSERT_EQ(summary->failures.size(), 1u);
  EXPECT_THAT(summary->failures.front().message, HasSubstr("episode_000.mcap"));
  summary = run_profile(*catalog_, {}, diagnostics);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->up_to_date, 5u);
  EXPECT_EQ(summary->failures.size(), 1u);
}

TEST_F(ProfileRunnerTest, ProfileOfASelectionCountsEpisodesFeaturesAndAttributes) {
  DiagnosticCollector diagnostics;
  ASSERT_TRUE(run_profile(*catalog_, {}, diagnostics).ok());
  const auto built = build_profile(*catalog_, where("domain = field"));
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  EXPECT_EQ(built->episode_count(), 2u);
  const auto* luma = built->feature("camera/front.luma_mean.p50");
  ASSERT_NE(luma, nullptr);
  EXPECT_EQ(luma->quantiles.count(), 2u);
  const auto* domain = built->attribute("domain");
  ASSERT_NE(domain, nullptr);
  EXPECT_EQ(domain->values.counts().at("field"), 2u);
  EXPECT_EQ(built->metadata().at("parity.where"), "domain = field");
}

TEST_F(ProfileRunnerTest, RetaggingUsesStoredFeaturesOnly) {
  DiagnosticCollector diagnostics;
  ASSERT_TRUE(run_profile(*catalog_, {}, diagnostics).ok());
  const auto mine = parse_taxonomy(
      "version: 1\nattributes:\n  - name: long_episode\n    type: boolean\n    rule: {feature: "
      "episode.duration_s, bins: [0.001]}\n",
      "mine.yaml");
  ASSERT_TRUE(mine.ok());
  for (const auto& generated : episodes_) std::filesystem::remove(generated.path);
  const auto updated = retag_episodes(*catalog_, {}, *mine);
  ASSERT_TRUE(updated.ok()) << updated.status().to_string();
  EXPECT_EQ(*updated, 6u);
  const auto listed = catalog_->list_episodes(where("long_episode = true"));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 6u);
}

}  // namespace
}  // namespace parity::features
