// Hand-computed values, errors, bootstrap behaviour, sketches and KS calibration of the
// univariate comparisons (the SciPy cross-checks are in univariate_oracle_test.cc).
#include "parity/parity/univariate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "parity/profile/kll_sketch.h"
#include "parity/univariate/radix_sort.h"

namespace parity::compare {
namespace {

using ::testing::HasSubstr;

NumericOptions no_bootstrap() {
  NumericOptions options;
  options.bootstrap = 0;
  return options;
}

TEST(CompareNumericTest, TwoPointSamples) {
  const std::vector<double> train = {0.0, 1.0};
  const std::vector<double> target = {0.0, 2.0};
  const auto r = compare_numeric(train, {}, target, no_bootstrap());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_DOUBLE_EQ(r->w1, 0.5);  // |F_u - F_v| = 1/2 on [1, 2)
  EXPECT_DOUBLE_EQ(r->ks, 0.5);
  EXPECT_DOUBLE_EQ(r->spread, 1.0);  // population sd of {0, 2}
  EXPECT_EQ(r->spread_source, SpreadSource::kTargetStd);
  EXPECT_DOUBLE_EQ(r->w1_normalized, 0.5);
  EXPECT_DOUBLE_EQ(r->train_p50, 0.5);
  EXPECT_DOUBLE_EQ(r->target_p50, 1.0);
  EXPECT_DOUBLE_EQ(r->train_ess, 2.0);
  EXPECT_EQ(r->n_train, 2u);
  EXPECT_EQ(r->n_target, 2u);
  EXPECT_TRUE(std::isnan(r->ks_ci.low));
  EXPECT_TRUE(std::isnan(r->psi_ci.high));
}

TEST(CompareNumericTest, WeightsShiftTheTrainingDistribution) {
  const std::vector<double> train = {0.0, 1.0};
  const std::vector<double> weights = {3.0, 1.0};
  const std::vector<double> target = {1.0};
  const auto r = compare_numeric(train, weights, target, no_bootstrap());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_DOUBLE_EQ(r->w1, 0.75);
  EXPECT_DOUBLE_EQ(r->ks, 0.75);
  EXPECT_DOUBLE_EQ(r->train_ess, 16.0 / 10.0);
  EXPECT_DOUBLE_EQ(r->train_mean, 0.25);
  EXPECT_DOUBLE_EQ(r->train_p50, 0.0);
  // Constant target: the spread falls back to the weighted training sd, sqrt(3/16).
  EXPECT_EQ(r->spread_source, SpreadSource::kTrainStd);
  EXPECT_DOUBLE_EQ(r->spread, std::sqrt(3.0 / 16.0));
}

TEST(CompareNumericTest, BothConstantUseUnitSpread) {
  const std::vector<double> train = {2.0, 2.0, 2.0};
  const std::vector<double> target = {5.0, 5.0};
  const auto r = compare_numeric(train, {}, target, no_bootstrap());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->spread_source, SpreadSource::kUnit);
  EXPECT_DOUBLE_EQ(r->w1, 3.0);
  EXPECT_DOUBLE_EQ(r->w1_normalized, 3.0);
  EXPECT_DOUBLE_EQ(r->ks, 1.0);
  EXPECT_EQ(r->psi_bins_used, 2u);  // the nine edges all equal 5: (-inf, 5] and (5, inf)
  EXPECT_DOUBLE_EQ(r->psi, 0.0);
}

TEST(CompareNumericTest, PsiOnTargetMedianBins) {
  const std::vector<double> train = {1, 1, 1, 4};
  const std::vector<double> target = {1, 2, 3, 4};
  NumericOptions options = no_bootstrap();
  options.psi_bins = 2;  // one edge at the target median 2.5
  const auto r = compare_numeric(train, {}, target, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->psi_bins_used, 2u);
  EXPECT_NEAR(r->psi, 0.25 * std::log(1.5) + 0.25 * std::log(2.0), 1e-15);
}

TEST(CompareNumericTest, PsiEpsilonFloorsEmptyBins) {
  const std::vector<double> train = {10, 11, 12};
  const std::vector<double> target = {1, 2, 3, 4};
  NumericOptions options = no_bootstrap();
  options.psi_bins = 2;
  options.psi_epsilon = 1e-3;
  const auto r = compare_numeric(train, {}, target, options);
  ASSERT_TRUE(r.ok());
  // Bins (-inf, 2.5] and (2.5, inf): target 0.5 / 0.5, training 0 (floored) / 1.
  EXPECT_NEAR(r->psi, (0.5 - 1e-3) * std::log(0.5 / 1e-3) + (0.5 - 1.0) * std::log(0.5), 1e-12);
}

TEST(CompareNumericTest, Errors) {
  const std::vector<double> ok = {1.0, 2.0};
  const std::vector<double> empty;
  auto expect_error = [](const Result<NumericComparison>& r, const std::string& text) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(text));
  };
  expect_error(compare_numeric(empty, {}, ok), "train is empty");
  expect_error(compare_numeric(ok, {}, empty), "target is empty");
  const std::vector<double> nan_value = {1.0, std::nan("")};
  expect_error(compare_numeric(ok, {}, nan_value), "target[1] is not finite");
  const std::vector<double> inf_value = {INFINITY, 1.0};
  expect_error(compare_numeric(inf_value, {}, ok), "train[0] is not finite");
  const std::vector<double> short_weights = {1.0};
  expect_error(compare_numeric(ok, short_weights, ok),
               "train_weights has 1 entries, expected 0 or 2");
  const std::vector<double> negative = {1.0, -0.5};
  expect_error(compare_numeric(ok, negative, ok), "train_weights[1] must be finite and >= 0");
  const std::vector<double> zeros = {0.0, 0.0};
  expect_error(compare_numeric(ok, zeros, ok), "train_weights are all zero");
  NumericOptions options;
  options.psi_bins = 0;
  expect_error(compare_numeric(ok, {}, ok, options), "psi_bins must be >= 1");
  options = {};
  options.confidence = 1.0;
  expect_error(compare_numeric(ok, {}, ok, options), "confidence must lie in (0, 1)");
  options = {};
  options.psi_epsilon = 0.0;
  expect_error(compare_numeric(ok, {}, ok, options), "psi_epsilon must be finite and > 0");
}

TEST(WeightedMedianTest, Definition) {
  const std::vector<double> values = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(*weighted_median(values, {}), 2.5);
  const std::vector<double> w1 = {1, 3, 1, 1};  // value 1 holds exactly half
  EXPECT_DOUBLE_EQ(*weighted_median(values, w1), 1.5);
  const std::vector<double> w2 = {1, 4, 1, 1};
  EXPECT_DOUBLE_EQ(*weighted_median(values, w2), 1.0);
  const std::vector<double> w3 = {0, 3, 0, 3};  // zero-weight values are skipped
  EXPECT_DOUBLE_EQ(*weighted_median(values, w3), 1.5);
  EXPECT_EQ(weighted_median({}, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(KsDistributionTest, SmallExactCases) {
  // Two samples of two: D = 1 only for xxyy and yyxx, 2 of the 6 orders.
  EXPECT_NEAR(ks_two_sample_p_value(2, 2, 1.0), 1.0 / 3.0, 1e-15);
  // One against two: D = 1 for xyy and yyx, 2 of 3.
  EXPECT_NEAR(ks_two_sample_p_value(1, 2, 1.0), 2.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(ks_two_sample_p_value(1, 1, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(ks_two_sample_p_value(30, 40, 0.0), 1.0);
  // D_1 = max(U, 1 - U): P(D_1 >= x) = 2 (1 - x) for x >= 1/2.
  EXPECT_NEAR(kolmogorov_smirnov_sf(1, 0.7), 0.6, 1e-15);
  EXPECT_DOUBLE_EQ(kolmogorov_smirnov_sf(10, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(kolmogorov_smirnov_sf(10, 1.0), 0.0);
}

TEST(ChiSquareTest, PublishedValues) {
  // Upper 5% point of chi-square(1) and closed forms for even dof.
  EXPECT_NEAR(chi_square_sf(3.841458820694124, 1), 0.05, 1e-14);
  EXPECT_NEAR(chi_square_sf(2.0, 2), std::exp(-1.0), 1e-15);
  EXPECT_NEAR(chi_square_sf(6.0, 4), std::exp(-3.0) * (1 + 3.0), 1e-15);
  EXPECT_NEAR(chi_square_sf(18.307038053275146, 10), 0.05, 1e-13);
  EXPECT_DOUBLE_EQ(chi_square_sf(0.0, 3), 1.0);
}

TEST(BenjaminiHochbergTest, StepUp) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> q = benjamini_hochberg(p);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_DOUBLE_EQ(q[0], 0.02);
  EXPECT_DOUBLE_EQ(q[1], 0.04);
  EXPECT_DOUBLE_EQ(q[2], 0.04);
  EXPECT_DOUBLE_EQ(q[3], 0.02);
  const std::vector<double> with_nan = {0.5, std::nan(""), 0.9};
  const std::vector<double> q2 = benjamini_hochberg(with_nan);
  EXPECT_DOUBLE_EQ(q2[0], 0.9);  // m = 2: min(0.5 * 2 / 1, 0.9 * 2 / 2)
  EXPECT_TRUE(std::isnan(q2[1]));
  EXPECT_DOUBLE_EQ(q2[2], 0.9);
  EXPECT_TRUE(benjamini_hochberg({}).empty());
  const std::vector<double> big = {0.9, 0.8};
  EXPECT_DOUBLE_EQ(benjamini_hochberg(big)[0], 0.9);
}

TEST(CompareCategoricalTest, HandComputedTable) {
  const std::vector<std::string> train = {"a", "a", "b", "b"};
  const std::vector<std::string> target = {"a", "b", "b", "b"};
  const auto r = compare_categorical(train, {}, target);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->categories.size(), 2u);
  EXPECT_EQ(r->categories[0].name, "a");
  EXPECT_DOUBLE_EQ(r->categories[0].train_share, 0.5);
  EXPECT_DOUBLE_EQ(r->categories[0].target_share, 0.25);
  EXPECT_EQ(r->categories[1].target_count, 3u);
  EXPECT_DOUBLE_EQ(r->linf, 0.25);
  EXPECT_EQ(r->linf_category, "a");  // a tie with b: first by name
  // Table [[2, 2], [1, 3]]: expected [[1.5, 2.5], [1.5, 2.5]].
  ASSERT_TRUE(r->chi2.has_value());
  EXPECT_NEAR(*r->chi2, 2 * 0.25 / 1.5 + 2 * 0.25 / 2.5, 1e-14);
  EXPECT_EQ(r->chi2_dof, 1);
  EXPECT_FALSE(r->chi2_valid);
  EXPECT_NEAR(r->cramers_v, std::sqrt(*r->chi2 / 8.0), 1e-15);
  // JS divergence in bits: 1/2 KL(p || m) + 1/2 KL(q || m), m = (3/8, 5/8).
  const double kl_p = 0.5 * std::log2(0.5 / 0.375) + 0.5 * std::log2(0.5 / 0.625);
  const double kl_q = 0.25 * std::log2(0.25 / 0.375) + 0.75 * std::log2(0.75 / 0.625);
  EXPECT_NEAR(r->js, std::sqrt((kl_p + kl_q) / 2), 1e-15);
  EXPECT_TRUE(r->missing_in_train.empty());
}

TEST(CompareCategoricalTest, MissingCategoriesAndWeights) {
  const std::vector<std::string> train = {"a", "b", ""};
  const std::vector<double> weights = {1.0, 0.0, 1.0};
  const std::vector<std::string> target = {"b", "c", "", "c"};
  const auto r = compare_categorical(train, weights, target);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->missing_in_train, ::testing::ElementsAre("b", "c"));
  ASSERT_EQ(r->categories.size(), 4u);
  EXPECT_EQ(r->categories[0].name, "");  // missing values sort first
  EXPECT_DOUBLE_EQ(r->categories[0].train_share, 0.5);
  EXPECT_EQ(r->categories[2].train_count, 1u);  // "b" was seen, with weight zero
  EXPECT_DOUBLE_EQ(r->categories[2].train_share, 0.0);
  EXPECT_DOUBLE_EQ(r->linf, 0.5);
  EXPECT_EQ(r->linf_category, "a");
  EXPECT_DOUBLE_EQ(r->train_ess, 2.0);
}

TEST(CompareCategoricalTest, IdenticalSingleCategory) {
  const std::vector<std::string> train = {"x", "x"};
  const std::vector<std::string> target = {"x"};
  const auto r = compare_categorical(train, {}, target);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->js, 0.0);
  EXPECT_DOUBLE_EQ(r->linf, 0.0);
  EXPECT_FALSE(r->chi2.has_value());
  EXPECT_FALSE(r->chi2_p.has_value());
  EXPECT_EQ(r->chi2_dof, 0);
  EXPECT_DOUBLE_EQ(r->cramers_v, 0.0);
}

TEST(CompareCategoricalTest, Errors) {
  const std::vector<std::string> some = {"a"};
  EXPECT_THAT(compare_categorical({}, {}, some).status().message(), HasSubstr("train is empty"));
  EXPECT_THAT(compare_categorical(some, {}, {}).status().message(), HasSubstr("target is empty"));
  const std::vector<double> bad = {std::nan("")};
  const auto r = compare_categorical(some, bad, some);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("train_weights[0] must be finite and >= 0"));
}

std::vector<double> normal_sample(std::size_t n, double mean, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, sd);
  std::vector<double> out(n);
  for (double& x : out) x = dist(rng);
  return out;
}

TEST(BootstrapTest, DeterministicAndCoversTheEstimate) {
  const std::vector<double> train = normal_sample(2000, 0.0, 1.0, 1);
  const std::vector<double> target = normal_sample(1500, 0.4, 1.0, 2);
  std::vector<double> weights(train.size());
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 0.5 + static_cast<double>(i % 3);
  NumericOptions options;
  options.bootstrap = 300;
  options.seed = 7;
  const auto a = compare_numeric(train, weights, target, options);
  const auto b = compare_numeric(train, weights, target, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->ks_ci.low, b->ks_ci.low);
  EXPECT_EQ(a->w1_normalized_ci.high, b->w1_normalized_ci.high);
  EXPECT_EQ(a->psi_ci.low, b->psi_ci.low);
  for (const auto& [estimate, ci] : {std::pair{a->w1_normalized, a->w1_normalized_ci},
                                     std::pair{a->ks, a->ks_ci}, std::pair{a->psi, a->psi_ci}}) {
    EXPECT_LT(ci.low, estimate);
    EXPECT_GT(ci.high, estimate);
    EXPECT_LT(ci.high - ci.low, estimate);  // a clear shift: the interval excludes 0
  }
  // The shift of 0.4 sd: W1 ~ 0.4, KS ~ Phi(0.2) - Phi(-0.2) ~ 0.159.
  EXPECT_GT(a->w1_normalized_ci.high, 0.4);
  EXPECT_LT(a->w1_normalized_ci.low, 0.4);
  EXPECT_GT(a->ks_ci.high, 0.159);
  EXPECT_LT(a->ks_ci.low, 0.159);
  options.seed = 8;
  const auto c = compare_numeric(train, weights, target, options);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->ks_ci.low, c->ks_ci.low);
  EXPECT_EQ(a->ks, c->ks);  // point estimates do not depend on the seed
}

TEST(BootstrapTest, IntervalWidthShrinksWithSampleSize) {
  NumericOptions options;
  options.bootstrap = 200;
  const auto small =
      compare_numeric(normal_sample(200, 0, 1, 3), {}, normal_sample(200, 0.5, 1, 4), options);
  const auto large =
      compare_numeric(normal_sample(5000, 0, 1, 5), {}, normal_sample(5000, 0.5, 1, 6), options);
  ASSERT_TRUE(small.ok() && large.ok());
  const double small_width = small->w1_normalized_ci.high - small->w1_normalized_ci.low;
  const double large_width = large->w1_normalized_ci.high - large->w1_normalized_ci.low;
  // Width ~ 1 / sqrt(n): a factor of 5 between n = 200 and 5000, give or take noise.
  EXPECT_GT(small_width / large_width, 3.0);
  EXPECT_LT(small_width / large_width, 8.0);
}

TEST(KsCalibrationTest, SameDistributionPValuesAreUniform) {
  // Exact path (equal weights) and the Kish-asymptotic path (unequal weights independent of
  // the values): under the null about 5% of p-values fall below 0.05.
  for (const bool weighted : {false, true}) {
    int below = 0;
    double sum = 0;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      const std::vector<double> train = normal_sample(150, 0, 1, 1000 + seed);
      const std::vector<double> target = normal_sample(100, 0, 1, 5000 + seed);
      std::vector<double> weights;
      if (weighted) {
        std::mt19937_64 rng(9000 + seed);
        std::uniform_real_distribution<double> w(0.5, 1.5);
        for (std::size_t i = 0; i < train.size(); ++i) weights.push_back(w(rng));
      }
      const auto r = compare_numeric(train, weights, target, no_bootstrap());
      ASSERT_TRUE(r.ok());
      if (r->ks_p < 0.05) ++below;
      sum += r->ks_p;
    }
    const double fraction = below / 200.0;
    EXPECT_GE(fraction, 0.02) << "weighted " << weighted;
    EXPECT_LE(fraction, 0.09) << "weighted " << weighted;
    EXPECT_NEAR(sum / 200.0, 0.5, 0.08) << "weighted " << weighted;
  }
}

TEST(SketchComparisonTest, ExactWhenEveryItemIsRetained) {
  const std::vector<double> train = normal_sample(150, 0, 1, 11);
  const std::vector<double> target = normal_sample(120, 0.3, 1.2, 12);
  profile::KllSketch a;
  profile::KllSketch b;
  for (const double x : train) a.update(x);
  for (const double x : target) b.update(x);
  const auto sketch = compare_numeric_sketch(a, b);
  const auto exact = compare_numeric(train, {}, target, no_bootstrap());
  ASSERT_TRUE(sketch.ok() && exact.ok()) << sketch.status().to_string();
  EXPECT_NEAR(sketch->w1, exact->w1, 1e-12);
  EXPECT_NEAR(sketch->ks, exact->ks, 1e-15);
  EXPECT_EQ(sketch->n_train, 150u);
  EXPECT_EQ(sketch->n_target, 120u);
}

TEST(SketchComparisonTest, LargeDataWithinTheBound) {
  const std::vector<double> train = normal_sample(100000, 0, 1, 13);
  const std::vector<double> target = normal_sample(100000, 0.2, 1.1, 14);
  profile::KllSketch a;
  profile::KllSketch b;
  for (const double x : train) a.update(x);
  for (const double x : target) b.update(x);
  const auto sketch = compare_numeric_sketch(a, b);
  const auto exact = compare_numeric(train, {}, target, no_bootstrap());
  ASSERT_TRUE(sketch.ok() && exact.ok());
  EXPECT_LE(std::abs(sketch->ks - exact->ks), sketch->ks_error_bound);
  EXPECT_LE(std::abs(sketch->w1 - exact->w1), sketch->w1_error_bound);
  // The bound is loose in practice: the estimates land much closer.
  EXPECT_NEAR(sketch->ks, exact->ks, 0.01);
  EXPECT_NEAR(sketch->w1, exact->w1, 0.01);
  EXPECT_GT(sketch->ks_error_bound, 0.02);
  EXPECT_LT(sketch->ks_error_bound, 0.03);
}

TEST(SketchComparisonTest, Errors) {
  profile::KllSketch empty;
  profile::KllSketch one;
  one.update(1.0);
  EXPECT_THAT(compare_numeric_sketch(empty, one).status().message(),
              HasSubstr("train sketch is empty"));
  profile::KllSketch infinite;
  infinite.update(INFINITY);
  const auto r = compare_numeric_sketch(one, infinite);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("target sketch holds an infinite item"));
}

TEST(SortValuesTest, MatchesStableSortWithPayload) {
  for (const std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{500}, std::size_t{5000}}) {
    std::mt19937_64 rng(n);
    std::uniform_int_distribution<int> pick(0, 5);
    std::normal_distribution<double> normal(0.0, 1e3);
    std::vector<double> values(n);
    std::vector<double> payload(n);
    for (std::size_t i = 0; i < n; ++i) {
      switch (pick(rng)) {
        case 0: values[i] = -0.0; break;
        case 1: values[i] = 0.0; break;
        case 2: values[i] = -1.5; break;                            // ties
        case 3: values[i] = std::ldexp(normal(rng), -1070); break;  // subnormal
        default: values[i] = normal(rng); break;
      }
      payload[i] = static_cast<double>(i);
    }
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    // Expected: ascending, -0.0 before +0.0, ties in input order.
    auto before = [&](std::size_t a, std::size_t b) {
      if (values[a] == values[b]) return std::signbit(values[a]) && !std::signbit(values[b]);
      return values[a] < values[b];
    };
    std::stable_sort(order.begin(), order.end(), before);
    std::vector<double> sorted = values;
    std::vector<double> sorted_payload = payload;
    detail::sort_values(sorted, &sorted_payload);
    ASSERT_EQ(sorted.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(sorted[i], values[order[i]]) << i;
      if (n >= 1024) {  // the radix path also orders -0.0 before +0.0 and keeps ties stable
        EXPECT_EQ(std::signbit(sorted[i]), std::signbit(values[order[i]])) << i;
        EXPECT_EQ(sorted_payload[i], payload[order[i]]) << i;
      } else {
        EXPECT_EQ(values[static_cast<std::size_t>(sorted_payload[i])], sorted[i]) << i;
      }
    }
  }
}

}  // namespace
}  // namespace parity::compare
