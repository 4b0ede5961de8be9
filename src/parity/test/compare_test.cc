// compare_samples on seeded synthetic data with planted shifts: what is flagged, named and
// scored, and that identical distributions score high and flag nothing.
#include "parity/parity/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace parity::compare {
namespace {

using ::testing::HasSubstr;

constexpr const char* kLuma = "camera/front.luma_mean.p50";
constexpr const char* kSharpness = "camera/front.sharpness.p50";
constexpr const char* kVelocity = "joints.vel_rms";

struct Planted {
  double luma_shift = 0;
  double dim_share_target = 0.02;
};

// Training: 300 episodes, target: 200; three features, one attribute.
ComparedSamples make(std::uint64_t seed, const Planted& planted) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  ComparedSamples s;
  s.features = {kLuma, kSharpness, kVelocity};  // sorted
  std::sort(s.features.begin(), s.features.end());
  const auto fill = [&](Sample& sample, std::vector<double>& values, std::size_t n, bool target) {
    for (std::size_t i = 0; i < n; ++i) {
      sample.episode_ids.push_back((target ? "t" : "r") + std::to_string(i));
      sample.sources.push_back(target ? "/field" : "/lab");
      const bool dim = unit(rng) < (target ? planted.dim_share_target : 0.02);
      sample.attributes.push_back(
          {{"lighting", dim ? "dim" : "normal"}, {"domain", target ? "field" : "lab"}});
      sample.weights.push_back(1.0);
      std::map<std::string, double> row = {
          {kLuma, 120 + 15 * noise(rng) - (target ? planted.luma_shift : 0.0)},
          {kSharpness, 400 + 60 * noise(rng)},
          {kVelocity, 0.5 + 0.1 * noise(rng)}};
      for (const std::string& name : s.features) values.push_back(row.at(name));
    }
  };
  fill(s.train, s.train_values, 300, false);
  fill(s.target, s.target_values, 200, true);
  return s;
}

CompareOptions options() {
  CompareOptions o;
  o.bootstrap = 100;
  o.permutations = 100;
  o.target_label = "field";
  return o;
}

TEST(CompareTest, IdenticalDistributionsScoreHighAndFlagNothing) {
  const CompareReport report = compare_samples(make(11, {}), options());
  for (const FeatureResult& f : report.features) EXPECT_FALSE(f.flagged) << f.name;
  EXPECT_GT(report.score, 0.85);
  EXPECT_LE(report.score_low, report.score);
  EXPECT_GE(report.score_high, report.score);
  ASSERT_TRUE(report.multivariate.computed);
  EXPECT_LT(report.multivariate.auc, 0.65);
  EXPECT_GT(report.multivariate.mmd_p, 0.01);
}

TEST(CompareTest, PlantedFeatureAndAttributeShiftsAreFlaggedAndExplained) {
  const CompareReport report =
      compare_samples(make(12, {.luma_shift = 40, .dim_share_target = 0.31}), options());
  ASSERT_FALSE(report.features.empty());
  EXPECT_EQ(report.features.front().name, kLuma);
  EXPECT_TRUE(report.features.front().flagged);
  for (std::size_t i = 1; i < report.features.size(); ++i) {
    EXPECT_FALSE(report.features[i].flagged) << report.features[i].name;
  }
  ASSERT_FALSE(report.attributes.empty());
  EXPECT_EQ(report.attributes.front().name, "lighting");
  EXPECT_TRUE(report.attributes.front().flagged);
  EXPECT_EQ(report.attributes.front().linf_category, "dim");
  const std::string all = ::testing::PrintToString(report.explanations);
  EXPECT_THAT(all, HasSubstr("field: "));
  EXPECT_THAT(all, HasSubstr("lighting = dim"));
  EXPECT_THAT(all, HasSubstr("darker"));
  EXPECT_GT(report.multivariate.auc, 0.8);
  EXPECT_LT(report.multivariate.mmd_p, 0.05);
  const CompareReport same = compare_samples(make(12, {}), options());
  EXPECT_LT(report.score, same.score);
}

TEST(CompareTest, WeightsMoveTheTrainingMix) {
  // Re-weighting the training episodes that look like the field closes the luma gap.
  ComparedSamples s = make(13, {.luma_shift = 30});
  const std::size_t luma = static_cast<std::size_t>(
      std::find(s.features.begin(), s.features.end(), kLuma) - s.features.begin());
  const CompareReport before = compare_samples(s, options());
  for (std::size_t r = 0; r < s.train.size(); ++r) {
    s.train.weights[r] = s.train_values[r * s.features.size() + luma] < 100 ? 20.0 : 0.2;
  }
  const CompareReport after = compare_samples(s, options());
  const auto w1 = [&](const CompareReport& report) {
    for (const FeatureResult& f : report.features) {
      if (f.name == kLuma) return f.w1_normalized;
    }
    return -1.0;
  };
  EXPECT_LT(w1(after), w1(before) / 2);
  EXPECT_LT(after.train_ess, before.train_ess);
}

TEST(CompareTest, ARoleTheTrainingDataLacksIsAGap) {
  ComparedSamples s = make(14, {});
  s.features.push_back("depth/front.near_occupancy.p50");
  std::vector<double> train, target;
  const std::size_t old = s.features.size() - 1;
  for (std::size_t r = 0; r < s.train.size(); ++r) {
    for (std::size_t c = 0; c < old; ++c) train.push_back(s.train_values[r * old + c]);
    train.push_back(std::nan(""));
  }
  for (std::size_t r = 0; r < s.target.size(); ++r) {
    for (std::size_t c = 0; c < old; ++c) target.push_back(s.target_values[r * old + c]);
    target.push_back(0.2);
  }
  s.train_values = train;
  s.target_values = target;
  const CompareReport report = compare_samples(s, options());
  const auto it =
      std::find_if(report.features.begin(), report.features.end(),
                   [](const FeatureResult& f) { return f.name.rfind("depth/", 0) == 0; });
  ASSERT_NE(it, report.features.end());
  EXPECT_EQ(it->missing_side, "train");
  EXPECT_TRUE(it->flagged);
  EXPECT_THAT(::testing::PrintToString(report.explanations), HasSubstr("depth/front"));
}

}  // namespace
}  // namespace parity::compare
