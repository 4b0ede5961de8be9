// plan_collection on seeded synthetic selections with conditions withheld from training.
#include "parity/plan/collection.h"

#include <gtest/gtest.h>

#include <random>

namespace parity::plan {
namespace {

using compare::Sample;

void add(Sample& sample, std::map<std::string, std::string> attributes) {
  sample.episode_ids.push_back(std::to_string(sample.size()));
  sample.sources.push_back("/x");
  sample.attributes.push_back(std::move(attributes));
  sample.weights.push_back(1.0);
}

// Training: 400 episodes, lighting normal or bright, clutter low or high. Target: 200 episodes,
// 30% dim, clutter low or high; dim episodes fail 80% of the time, others 10%.
struct CollectionFixture {
  Sample train, target;
  CollectionFixture() {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < 400; ++i) {
      add(train, {{"lighting", unit(rng) < 0.5 ? "normal" : "bright"},
                  {"clutter", unit(rng) < 0.5 ? "low" : "high"}});
    }
    for (int i = 0; i < 200; ++i) {
      const bool dim = i % 10 < 3;
      const bool fail = unit(rng) < (dim ? 0.8 : 0.1);
      add(target, {{"lighting", dim ? "dim" : "normal"},
                   {"clutter", i % 2 == 0 ? "low" : "high"},
                   {"outcome", fail ? "failure" : "success"}});
    }
  }
};

TEST(CollectionPlanTest, NamesExactlyTheWithheldConditionRankedByMassDeficitAndFailures) {
  CollectionFixture f;
  compare::SliceOptions slice_options;
  const compare::SliceCoverage coverage = compare::slice_coverage(f.train, f.target, slice_options);
  const CollectionPlan plan = plan_collection(f.train, f.target, coverage, slice_options);
  ASSERT_FALSE(plan.items.empty());
  for (const CollectionItem& item : plan.items) {
    ASSERT_TRUE(item.slice.count("lighting")) << ::testing::PrintToString(item.slice);
    EXPECT_EQ(item.slice.at("lighting"), "dim");
    EXPECT_EQ(item.train_count, 0u);
    EXPECT_DOUBLE_EQ(item.deficit, 1.0);
  }
  EXPECT_EQ(plan.items.front().slice, (std::map<std::string, std::string>{{"lighting", "dim"}}));
  EXPECT_DOUBLE_EQ(plan.items.front().target_share, 0.3);
  // 60 dim target episodes; the failures among them, smoothed.
  std::size_t failures = 0;
  for (const auto& attributes : f.target.attributes) {
    failures += attributes.at("lighting") == "dim" && attributes.at("outcome") == "failure";
  }
  ASSERT_TRUE(plan.items.front().failure_rate.has_value());
  EXPECT_DOUBLE_EQ(*plan.items.front().failure_rate, (static_cast<double>(failures) + 1.0) / 62.0);
  EXPECT_DOUBLE_EQ(plan.items.front().priority, 0.3 * *plan.items.front().failure_rate);
  EXPECT_DOUBLE_EQ(plan.unsupported_before, 0.3);
  EXPECT_DOUBLE_EQ(plan.unsupported_after, 0.0);
}

TEST(CollectionPlanTest, CollectingThePlannedEpisodesMeetsTheGoal) {
  CollectionFixture f;
  compare::SliceOptions slice_options;
  CollectionOptions options;
  const compare::SliceCoverage coverage = compare::slice_coverage(f.train, f.target, slice_options);
  const CollectionPlan plan = plan_collection(f.train, f.target, coverage, slice_options, options);
  // 60 dim target episodes; the share goal for (dim): (X x 1) / (400 + X) >= 0.5 x 0.3, so
  // X = ceil(60 / 0.85) = 71.
  EXPECT_EQ(plan.episodes_total, 71u);
  EXPECT_EQ(plan.items.front().episodes_needed, 71u);
  // Collect: the planned episodes mirror the dim target episodes, round robin.
  std::vector<std::size_t> dim;
  for (std::size_t e = 0; e < f.target.size(); ++e) {
    if (f.target.attributes[e].at("lighting") == "dim") dim.push_back(e);
  }
  Sample after = f.train;
  for (std::size_t i = 0; i < plan.episodes_total; ++i) {
    std::map<std::string, std::string> attributes = f.target.attributes[dim[i % dim.size()]];
    attributes.erase("outcome");
    add(after, attributes);
  }
  const compare::SliceCoverage recomputed = compare::slice_coverage(after, f.target, slice_options);
  EXPECT_DOUBLE_EQ(recomputed.unsupported_target_mass, plan.unsupported_after);
  const double one_episode = 1.0 / static_cast<double>(after.size());
  for (const compare::Slice& slice : recomputed.slices) {
    if (slice.attributes.count("lighting") == 0 || slice.attributes.at("lighting") != "dim") {
      continue;
    }
    EXPECT_GE(slice.train_count, slice_options.min_train_count);
    // Round robin gives each slice its share within one episode.
    EXPECT_GE(slice.train_share + one_episode, options.share_goal * slice.target_share)
        << ::testing::PrintToString(slice.attributes);
  }
}

TEST(CollectionPlanTest, OverlappingSlicesShareTheirEpisodes) {
  // Two conditions withheld, held by the same field episodes: one set of episodes fills both.
  CollectionFixture f;
  for (auto& attributes : f.target.attributes) {
    if (attributes.at("lighting") == "dim") attributes["blur"] = "high";
  }
  for (auto& attributes : f.train.attributes) attributes["blur"] = "low";
  compare::SliceOptions slice_options;
  const compare::SliceCoverage coverage = compare::slice_coverage(f.train, f.target, slice_options);
  const CollectionPlan plan = plan_collection(f.train, f.target, coverage, slice_options);
  EXPECT_EQ(plan.episodes_total, 71u);
  // (blur = high) and (dim, blur = high) hold the same episodes as (dim): left out.
  for (const CollectionItem& item : plan.items) {
    EXPECT_FALSE(item.slice.count("blur") && item.slice.size() == 2 && item.slice.count("lighting"))
        << ::testing::PrintToString(item.slice);
  }
}

TEST(CollectionPlanTest, NothingToCollectWhenTrainingCoversTheTarget) {
  CollectionFixture f;
  compare::SliceOptions slice_options;
  const compare::SliceCoverage coverage = compare::slice_coverage(f.train, f.train, slice_options);
  const CollectionPlan plan = plan_collection(f.train, f.train, coverage, slice_options);
  EXPECT_TRUE(plan.items.empty());
  EXPECT_EQ(plan.episodes_total, 0u);
}

}  // namespace
}  // namespace parity::plan
