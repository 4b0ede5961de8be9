#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "catalog/test/catalog_fixtures.h"
#include "parity/catalog/catalog.h"
#include "testing/testing.h"

namespace parity {
namespace {

using catalog_testing::attr;
using catalog_testing::hex_id;
using catalog_testing::make_episode;
using catalog_testing::make_source;
using catalog_testing::options_with;
using catalog_testing::TestClock;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class FeatureStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::open(dir_ / "c.db", options_with(std::make_shared<TestClock>()));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    catalog_ = std::move(*opened);
    auto source = make_source(hex_id("a1"), "/data/a.mcap");
    auto first = make_episode(hex_id("e1"), source.id, 0);
    first.attributes.push_back(attr("lighting", std::string("bright"), "sidecar"));
    auto second = make_episode(hex_id("e2"), source.id, 1);
    ASSERT_TRUE(catalog_->store_source(source, {first, second}, 0).ok());
  }

  EpisodeFeatureRecord record(const std::string& episode, double luma) {
    EpisodeFeatureRecord r;
    r.episode_id = episode;
    r.extractor_version = "1";
    r.values = {{"camera/front.luma_mean.p50", luma}, {"episode.duration_s", 10.0}};
    r.samples = {{"camera/front", "descriptor", 0, 5, {0.5f, -1.25f, 3.0f}}};
    r.derived = {attr("lighting", std::string(luma < 60 ? "dim" : "normal"), "x"),
                 attr("blur", std::string("low"), "x")};
    return r;
  }

  testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(FeatureStoreTest, StoresValuesSamplesAndDerivedAttributesWithoutOverridingLabels) {
  ASSERT_TRUE(catalog_->store_episode_features(record(hex_id("e1"), 40.0)).ok());
  const auto values = catalog_->episode_features(hex_id("e1"));
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre(Pair("camera/front.luma_mean.p50", 40.0),
                                   Pair("episode.duration_s", 10.0)));
  const auto samples = catalog_->frame_samples(hex_id("e1"), "descriptor");
  ASSERT_TRUE(samples.ok());
  ASSERT_EQ(samples->size(), 1u);
  EXPECT_EQ((*samples)[0].vector, (std::vector<float>{0.5f, -1.25f, 3.0f}));
  EXPECT_EQ((*samples)[0].log_time_ns, 5);

  const auto episode = catalog_->get_episode(hex_id("e1"));
  ASSERT_TRUE(episode.ok());
  // The hand label "bright" stays; "blur" is derived.
  EXPECT_THAT(episode->attributes, ElementsAre(attr("blur", std::string("low"), "derived"),
                                               attr("lighting", std::string("bright"), "sidecar")));
}

TEST_F(FeatureStoreTest, RestoringReplacesEverythingAndResumeSkipsDoneEpisodes) {
  EpisodeFilter all;
  auto needing = catalog_->episodes_needing_features(all, "1");
  ASSERT_TRUE(needing.ok());
  EXPECT_THAT(*needing, ElementsAre(hex_id("e1"), hex_id("e2")));

  ASSERT_TRUE(catalog_->store_episode_features(record(hex_id("e2"), 40.0)).ok());
  auto second = record(hex_id("e2"), 90.0);
  second.values.pop_back();
  second.samples.clear();
  ASSERT_TRUE(catalog_->store_episode_features(second).ok());
  const auto values = catalog_->episode_features(hex_id("e2"));
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre(Pair("camera/front.luma_mean.p50", 90.0)));
  EXPECT_TRUE(catalog_->frame_samples(hex_id("e2"))->empty());
  const auto episode = catalog_->get_episode(hex_id("e2"));
  EXPECT_THAT(episode->attributes, ElementsAre(attr("blur", std::string("low"), "derived"),
                                               attr("lighting", std::string("normal"), "derived")));

  needing = catalog_->episodes_needing_features(all, "1");
  EXPECT_THAT(*needing, ElementsAre(hex_id("e1")));
  // Another extractor version needs both again; a failed extraction counts as not done.
  EXPECT_THAT(*catalog_->episodes_needing_features(all, "2"),
              ElementsAre(hex_id("e1"), hex_id("e2")));
  EpisodeFeatureRecord failed;
  failed.episode_id = hex_id("e1");
  failed.extractor_version = "1";
  failed.ok = false;
  failed.message = "a.mcap: offset 12: truncated";
  ASSERT_TRUE(catalog_->store_episode_features(failed).ok());
  EXPECT_THAT(*catalog_->episodes_needing_features(all, "1"), ElementsAre(hex_id("e1")));
}

TEST_F(FeatureStoreTest, FeatureTableHasMissingValuesWhereAnEpisodeLacksAFeature) {
  ASSERT_TRUE(catalog_->store_episode_features(record(hex_id("e1"), 40.0)).ok());
  auto second = record(hex_id("e2"), 90.0);
  second.values = {{"joints.vel_rms", 0.25}};
  ASSERT_TRUE(catalog_->store_episode_features(second).ok());
  const auto table = catalog_->load_feature_table({});
  ASSERT_TRUE(table.ok());
  EXPECT_THAT(table->episode_ids, ElementsAre(hex_id("e1"), hex_id("e2")));
  EXPECT_THAT(table->names,
              ElementsAre("camera/front.luma_mean.p50", "episode.duration_s", "joints.vel_rms"));
  EXPECT_EQ(table->at(0, 0), 40.0);
  EXPECT_TRUE(FeatureTable::is_missing(table->at(0, 2)));
  EXPECT_TRUE(FeatureTable::is_missing(table->at(1, 0)));
  EXPECT_EQ(table->at(1, 2), 0.25);
}

TEST_F(FeatureStoreTest, InvalidRecordsAreRefusedAndWriteNothing) {
  auto bad = record(hex_id("e1"), 40.0);
  bad.values.emplace_back("joints.vel_rms", std::numeric_limits<double>::infinity());
  Status status = catalog_->store_episode_features(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("feature 'joints.vel_rms' is inf"));

  bad = record(hex_id("e1"), 40.0);
  bad.values.push_back(bad.values.front());
  status = catalog_->store_episode_features(bad);
  EXPECT_THAT(status.message(), HasSubstr("appears twice"));

  bad = record(hex_id("e1"), 40.0);
  bad.samples[0].vector.clear();
  EXPECT_EQ(catalog_->store_episode_features(bad).code(), StatusCode::kInvalidArgument);

  status = catalog_->store_episode_features(record(hex_id("ff"), 1.0));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_TRUE(catalog_->episode_features(hex_id("e1"))->empty());
}

}  // namespace
}  // namespace parity
