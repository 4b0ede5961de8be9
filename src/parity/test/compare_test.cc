// compare_samples on seeded synthetic data with planted shifts: what is flagged, named and
// scored, and that identical distributions score high and flag nothing.
#include "parity/parity/compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "parity/parity/explanations.h"

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

// Calibration: over 40 seeds of identical training and target distributions, the share of runs
// with any flagged feature, a flagged attribute, MMD p < 0.05 or an AUC interval above 0.5 stays
// within the nominal 5% (at most 4 of 40: P(Binomial(40, 0.05) >= 5) = 0.048).
TEST(CompareTest, IdenticalDistributionsAreFlaggedAtNoMoreThanTheNominalRate) {
  CompareOptions o = options();
  o.bootstrap = 0;
  o.permutations = 50;
  int feature_runs = 0, attribute_runs = 0, mmd_runs = 0, auc_runs = 0;
  constexpr int kSeeds = 40;
  for (int seed = 0; seed < kSeeds; ++seed) {
    o.seed = static_cast<std::uint64_t>(seed) + 1;
    const CompareReport report = compare_samples(make(1000 + seed, {}), o);
    feature_runs += std::any_of(report.features.begin(), report.features.end(),
                                [](const FeatureResult& f) { return f.flagged; });
    attribute_runs += std::any_of(report.attributes.begin(), report.attributes.end(),
                                  [](const AttributeResult& a) { return a.flagged; });
    mmd_runs += report.multivariate.mmd_p < 0.05;
    auc_runs += report.multivariate.auc_low > 0.5;
  }
  EXPECT_LE(feature_runs, 4);
  EXPECT_LE(attribute_runs, 4);
  EXPECT_LE(mmd_runs, 4);
  EXPECT_LE(auc_runs, 4);
}

// A joint shift the marginals cannot show: two features keep their N(0, 1) marginals while
// their correlation flips from +0.8 (training) to -0.8 (target). No feature is flagged; the
// joint statistics see it and the explanation names the pair.
TEST(CompareTest, AJointShiftInvisibleInTheMarginalsIsDetectedAndNamed) {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> noise(0.0, 1.0);
  ComparedSamples s;
  s.features = {"arm.reach", "arm.speed", "camera/front.luma_mean.p50"};
  const auto fill = [&](Sample& sample, std::vector<double>& values, std::size_t n, double rho) {
    for (std::size_t i = 0; i < n; ++i) {
      sample.episode_ids.push_back(std::to_string(i));
      sample.sources.push_back("/x");
      sample.attributes.push_back({{"lighting", "normal"}});
      sample.weights.push_back(1.0);
      const double a = noise(rng);
      const double b = rho * a + std::sqrt(1 - rho * rho) * noise(rng);
      values.insert(values.end(), {a, b, 120 + 15 * noise(rng)});
    }
  };
  fill(s.train, s.train_values, 400, 0.8);
  fill(s.target, s.target_values, 300, -0.8);
  const CompareReport report = compare_samples(s, options());
  for (const FeatureResult& f : report.features) EXPECT_FALSE(f.flagged) << f.name;
  ASSERT_TRUE(report.multivariate.computed);
  EXPECT_GT(report.multivariate.auc, 0.8);
  EXPECT_LT(report.multivariate.mmd_p, 0.01);
  ASSERT_GE(report.multivariate.drivers.size(), 2u);
  std::set<std::string> top{report.multivariate.drivers[0].first,
                            report.multivariate.drivers[1].first};
  EXPECT_EQ(top, (std::set<std::string>{"arm.reach", "arm.speed"}));
  const std::string all = ::testing::PrintToString(report.explanations);
  EXPECT_THAT(all, HasSubstr("a classifier tells the two apart with AUC"));
  EXPECT_THAT(all, HasSubstr("mostly on arm.reach, arm.speed\""));
}

TEST(ExplainTest, ASeparatingClassifierWithFullCoverageIsAJointGap) {
  CompareReport report;
  report.multivariate.computed = true;
  report.multivariate.coverage = 0.95;
  report.multivariate.auc = 0.8;
  report.multivariate.auc_low = 0.72;
  report.multivariate.auc_high = 0.88;
  report.multivariate.drivers = {{"arm.reach", 1.2}, {"arm.speed", -1.0}, {"luma", 0.3}};
  ExplainOptions explain_options;
  explain_options.target_label = "field";
  const std::vector<std::string> lines = explain(report, explain_options);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "field episodes differ from training jointly: a classifier tells them apart with AUC "
            "0.8 (95% interval 0.72-0.88), mostly on arm.reach, arm.speed");
  report.multivariate.auc_low = 0.55;  // not clearly separable: nothing to say
  EXPECT_TRUE(explain(report, explain_options).empty());
}

TEST(CompareTest, TooFewEpisodesForTheClassifierGiveNoAuc) {
  ComparedSamples s = make(15, {});
  s.target.episode_ids.resize(1);
  s.target.sources.resize(1);
  s.target.attributes.resize(1);
  s.target.weights.resize(1);
  s.target_values.resize(s.features.size());
  const CompareReport report = compare_samples(s, options());
  EXPECT_FALSE(report.multivariate.computed);
  const nlohmann::json json = report_json(report);
  EXPECT_TRUE(json["multivariate"]["auc"].is_null());
  // Two target episodes: two folds, a real AUC.
  ComparedSamples two = make(15, {});
  two.target.episode_ids.resize(2);
  two.target.sources.resize(2);
  two.target.attributes.resize(2);
  two.target.weights.resize(2);
  two.target_values.resize(2 * two.features.size());
  const CompareReport small = compare_samples(two, options());
  ASSERT_TRUE(small.multivariate.computed);
  EXPECT_TRUE(std::isfinite(small.multivariate.auc));
}

}  // namespace
}  // namespace parity::compare
