#include "parity/parity/slices.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace parity::compare {
namespace {

Sample sample(const std::vector<std::map<std::string, std::string>>& attributes) {
  Sample s;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    s.episode_ids.push_back("e" + std::to_string(i));
    s.sources.push_back("/data");
    s.attributes.push_back(attributes[i]);
    s.weights.push_back(1.0);
  }
  return s;
}

std::vector<std::map<std::string, std::string>> repeat(std::map<std::string, std::string> a,
                                                       std::size_t n) {
  return std::vector<std::map<std::string, std::string>>(n, std::move(a));
}

TEST(SliceCoverageTest, WithheldCombinationIsTheTopGapAndItsMassIsUnsupported) {
  // Training has dim and damaged separately, never together; a quarter of the target is both.
  auto train_rows = repeat({{"lighting", "dim"}, {"damage", "none"}}, 10);
  auto more = repeat({{"lighting", "bright"}, {"damage", "damaged"}}, 10);
  train_rows.insert(train_rows.end(), more.begin(), more.end());
  more = repeat({{"lighting", "bright"}, {"damage", "none"}}, 10);
  train_rows.insert(train_rows.end(), more.begin(), more.end());
  auto target_rows = repeat({{"lighting", "dim"}, {"damage", "damaged"}}, 5);
  more = repeat({{"lighting", "bright"}, {"damage", "none"}}, 15);
  target_rows.insert(target_rows.end(), more.begin(), more.end());
  const SliceCoverage coverage = slice_coverage(sample(train_rows), sample(target_rows));
  EXPECT_THAT(coverage.attributes, ::testing::ElementsAre("damage", "lighting"));
  ASSERT_FALSE(coverage.slices.empty());
  const Slice& top = coverage.slices.front();
  EXPECT_EQ(top.attributes,
            (std::map<std::string, std::string>{{"damage", "damaged"}, {"lighting", "dim"}}));
  EXPECT_DOUBLE_EQ(top.target_share, 0.25);
  EXPECT_EQ(top.train_count, 0u);
  EXPECT_TRUE(top.under_supported);
  EXPECT_DOUBLE_EQ(top.gap, 0.25);
  EXPECT_DOUBLE_EQ(coverage.unsupported_target_mass, 0.25);
  EXPECT_THAT(coverage.target_supported, ::testing::Contains(false));
  // Every other slice, 1-wise ones included, has at least 10 training episodes.
  for (std::size_t i = 1; i < coverage.slices.size(); ++i) {
    EXPECT_FALSE(coverage.slices[i].under_supported);
    EXPECT_GE(coverage.slices[i].train_count, 10u);
  }
}

TEST(SliceCoverageTest, WeightsSetTrainingSharesAndZeroWeightEpisodesDoNotCount) {
  auto train = sample({{{"site", "a"}}, {{"site", "a"}}, {{"site", "b"}}, {{"site", "b"}}});
  train.weights = {3.0, 1.0, 0.0, 0.0};
  const auto target = sample({{{"site", "a"}}, {{"site", "b"}}});
  SliceOptions options;
  options.min_train_count = 1;
  const SliceCoverage coverage = slice_coverage(train, target, options);
  ASSERT_EQ(coverage.slices.size(), 2u);
  const Slice& b = coverage.slices.front();  // the gap
  EXPECT_EQ(b.attributes.at("site"), "b");
  EXPECT_EQ(b.train_count, 0u);
  EXPECT_DOUBLE_EQ(b.train_share, 0.0);
  EXPECT_DOUBLE_EQ(coverage.slices[1].train_share, 1.0);
  EXPECT_DOUBLE_EQ(coverage.unsupported_target_mass, 0.5);
  EXPECT_THAT(coverage.target_supported, ::testing::ElementsAre(true, false));
}

TEST(SliceCoverageTest, IdentifiersAndHighCardinalityAttributesAreNotSliced) {
  std::vector<std::map<std::string, std::string>> rows;
  for (int i = 0; i < 30; ++i) {
    rows.push_back({{"episode_index", std::to_string(i)},
                    {"serial", std::to_string(i)},
                    {"domain", "field"},
                    {"lighting", i % 2 ? "dim" : "bright"}});
  }
  const SliceCoverage coverage = slice_coverage(sample(rows), sample(rows));
  EXPECT_THAT(coverage.attributes, ::testing::ElementsAre("lighting"));
  EXPECT_DOUBLE_EQ(coverage.unsupported_target_mass, 0.0);
}

}  // namespace
}  // namespace parity::compare
