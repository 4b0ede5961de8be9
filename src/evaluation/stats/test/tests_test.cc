// Two-policy tests: textbook values, errors, adjustments, and the exact McNemar test on the
// AnkIle real-robot paired episodes (../shared/bench/external) against an independent exact
// computation in integers. The random cross-check against SciPy is in oracle_test.cc.
#include "parity/evaluation/tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "evaluation/stats/test/bench_csv.h"
#include "testing/testing.h"

namespace parity::eval {
namespace {

TEST(Fisher, TextbookValues) {
  // Fisher's tea tasting, 3 of 4 vs 1 of 4: 34 / 70 (SciPy 0.48571428571428565).
  EXPECT_NEAR(*fisher_exact_two_sided({3, 4}, {1, 4}), 34.0 / 70.0, 1e-15);
  // Equal rates give 1; a table that only has one arrangement gives 1.
  EXPECT_EQ(*fisher_exact_two_sided({13, 20}, {13, 20}), 1.0);
  EXPECT_EQ(*fisher_exact_two_sided({0, 5}, {0, 9}), 1.0);
  EXPECT_NEAR(*fisher_exact_two_sided({0, 5}, {5, 5}), 2.0 / 252.0, 1e-16);
}

TEST(TwoPolicyTests, Errors) {
  EXPECT_NE(fisher_exact_two_sided({1, 0}, {1, 2})
                .status()
                .message()
                .find("fisher_exact_two_sided: n_a must be at least 1, got 0"),
            std::string::npos);
  EXPECT_NE(barnard_exact_two_sided({1, 2}, {3, 2})
                .status()
                .message()
                .find("barnard_exact_two_sided: k_b must lie in [0, 2], got 3"),
            std::string::npos);
  UnconditionalOptions options;
  options.grid_points = 1;
  EXPECT_NE(boschloo_exact_two_sided({1, 2}, {1, 2}, options)
                .status()
                .message()
                .find("grid_points must be at least 2, got 1"),
            std::string::npos);
  EXPECT_EQ(pooled_z_test({-1, 2}, {1, 2}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(probability_b_better({1, 2}, {1, 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mcnemar_exact(-1, 3).status().message().find("must be non-negative"),
            std::string::npos);
  EXPECT_NE(mcnemar_exact(std::span<const PairedOutcome>{}).status().message().find("no pairs"),
            std::string::npos);
}

TEST(TwoPolicyTests, UnconditionalEdgesAndOrientations) {
  // No successes at all: every table is as extreme, p = 1; with the outcome margins fixed the
  // "successes" sample is empty, p = 1 too.
  EXPECT_EQ(*barnard_exact_two_sided({0, 10}, {0, 12}), 1.0);
  UnconditionalOptions outcomes;
  outcomes.margins = FixedMargins::kSuccessesAndFailures;
  EXPECT_EQ(*boschloo_exact_two_sided({0, 10}, {0, 12}, outcomes), 1.0);
  // Swapping the policies leaves the two-sided p-values unchanged when each policy's trials
  // are fixed (W changes sign exactly).
  EXPECT_NEAR(*barnard_exact_two_sided({7, 15}, {12, 15}),
              *barnard_exact_two_sided({12, 15}, {7, 15}), 1e-12);
  EXPECT_NEAR(*boschloo_exact_two_sided({3, 9}, {8, 11}),
              *boschloo_exact_two_sided({8, 11}, {3, 9}), 1e-12);
  // With the outcome margins fixed, SciPy's floating-point |W| >= |W_obs| decides exact ties
  // differently for the two labellings, and so do we (SciPy: barnard_exact([[7, 8], [12, 3]])
  // 0.059771072119474536, barnard_exact([[12, 3], [7, 8]]) 0.06751410663127916).
  EXPECT_NEAR(*barnard_exact_two_sided({7, 15}, {12, 15}, outcomes), 0.059771072119474536, 1e-12);
  EXPECT_NEAR(*barnard_exact_two_sided({12, 15}, {7, 15}, outcomes), 0.06751410663127916, 1e-12);
  const Comparison c = *compare_proportions({15, 18}, {11, 17});
  EXPECT_EQ(c.fisher_p, *fisher_exact_two_sided({15, 18}, {11, 17}));
  EXPECT_EQ(c.boschloo_p, *boschloo_exact_two_sided({15, 18}, {11, 17}));
  EXPECT_LT(c.z.z, 0.0);  // B's rate is lower
  EXPECT_NEAR(c.prob_b_better, 0.1128, 5e-5);
}

TEST(TwoPolicyTests, ZTestAndBayes) {
  const ZTest z = *pooled_z_test({5, 10}, {5, 10});
  EXPECT_EQ(z.z, 0.0);
  EXPECT_EQ(z.p_value, 1.0);
  EXPECT_EQ(pooled_z_test({0, 10}, {0, 20})->p_value, 1.0);
  // z = (0.8 - 0.4) / sqrt(0.6 0.4 (1/10 + 1/10)) = 1.8257...
  const ZTest z2 = *pooled_z_test({4, 10}, {8, 10});
  EXPECT_NEAR(z2.z, 0.4 / std::sqrt(0.24 * 0.2), 1e-14);
  EXPECT_NEAR(z2.p_value, std::erfc(z2.z / std::sqrt(2.0)), 1e-15);
  // Identical posteriors: 1/2; one success each in one trial: Beta(2,1) vs Beta(2,1), 1/2.
  EXPECT_NEAR(*probability_b_better({7, 19}, {7, 19}), 0.5, 1e-13);
  EXPECT_NEAR(*probability_b_better({1, 1}, {1, 1}), 0.5, 1e-15);
  // Beta(1,2) for A (0 of 1) vs Beta(2,1) for B (1 of 1): P(Y > X) = 5/6.
  EXPECT_NEAR(*probability_b_better({0, 1}, {1, 1}), 5.0 / 6.0, 1e-14);
}

TEST(McNemar, ExactBinomialOnDiscordantPairs) {
  // 6 vs 19 discordant: 2 P(X <= 6), X ~ Binomial(25, 1/2) (SciPy 0.01463329792022705).
  EXPECT_NEAR(mcnemar_exact(6, 19)->p_value, 0.01463329792022705, 1e-15);
  EXPECT_EQ(mcnemar_exact(0, 0)->p_value, 1.0);
  EXPECT_EQ(mcnemar_exact(4, 4)->p_value, 1.0);
  EXPECT_NEAR(mcnemar_exact(0, 5)->p_value, 2.0 / 32.0, 1e-16);
  const std::vector<PairedOutcome> pairs = {
      {true, true}, {true, false}, {false, true}, {false, true}, {false, false}};
  const McNemar m = *mcnemar_exact(pairs);
  EXPECT_EQ(m.both, 1);
  EXPECT_EQ(m.neither, 1);
  EXPECT_EQ(m.a_only, 1);
  EXPECT_EQ(m.b_only, 2);
  EXPECT_NEAR(m.p_value, 1.0, 1e-15);  // 2 P(X <= 1 | 3) = 2 x 4/8
}

// 2 sum_{j <= m} C(d, j) / 2^d in exact integers (d <= 62).
double mcnemar_in_integers(std::int64_t a_only, std::int64_t b_only) {
  const std::int64_t d = a_only + b_only;
  if (d == 0) return 1.0;
  std::uint64_t tail = 0;
  std::uint64_t choose = 1;  // C(d, j)
  for (std::int64_t j = 0; j <= std::min(a_only, b_only); ++j) {
    tail += choose;
    choose = choose * static_cast<std::uint64_t>(d - j) / static_cast<std::uint64_t>(j + 1);
  }
  return std::min(1.0, 2.0 * static_cast<double>(tail) / std::ldexp(1.0, static_cast<int>(d)));
}

TEST(McNemar, AnkIlePairedEpisodes) {
  PARITY_REQUIRE_SHARED_BENCH(path, "external/ankile_real01b_paired_episodes.csv");
  // task -> initial state -> policy -> success
  std::map<std::string, std::map<std::string, std::map<std::string, bool>>> episodes;
  for (const test::CsvRow& row : test::read_csv(path)) {
    episodes[row.at("task")][row.at("initial_state_idx")][row.at("policy")] =
        row.at("success") == "1";
  }
  ASSERT_EQ(episodes.size(), 3u);
  int comparisons = 0;
  for (const auto& [task, states] : episodes) {
    std::set<std::string> policies;
    for (const auto& [state, outcomes] : states) {
      for (const auto& [policy, success] : outcomes) policies.insert(policy);
    }
    ASSERT_EQ(policies.size(), 3u) << task;
    for (auto a = policies.begin(); a != policies.end(); ++a) {
      for (auto b = std::next(a); b != policies.end(); ++b) {
        std::vector<PairedOutcome> pairs;
        for (const auto& [state, outcomes] : states) {
          if (outcomes.contains(*a) && outcomes.contains(*b)) {
            pairs.push_back({outcomes.at(*a), outcomes.at(*b)});
          }
        }
        ASSERT_EQ(pairs.size(), 50u) << task;
        const McNemar m = *mcnemar_exact(pairs);
        EXPECT_EQ(m.both + m.neither + m.a_only + m.b_only, 50);
        EXPECT_NEAR(m.p_value, mcnemar_in_integers(m.a_only, m.b_only), 1e-15) << task;
        std::cout << "  " << task << ": " << *a << " vs " << *b << ": A only " << m.a_only
                  << ", B only " << m.b_only << ", exact McNemar p " << m.p_value << "\n";
        if (task == "marker" && *a == "baseline_nocf_r5" && *b == "ours_freecf_r5_dp") {
          // stats_reference.csv ankile_marker_base_vs_dp: 19/50 vs 32/50 marginally.
          EXPECT_EQ(m.both + m.a_only, 19);
          EXPECT_EQ(m.both + m.b_only, 32);
          EXPECT_EQ(m.a_only, 6);
          EXPECT_EQ(m.b_only, 19);
          EXPECT_NEAR(m.p_value, 0.01463329792022705, 1e-15);
        }
        ++comparisons;
      }
    }
  }
  EXPECT_EQ(comparisons, 9);
}

TEST(Adjustments, HolmAndBenjaminiHochberg) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> holm = *holm_adjust(p);
  EXPECT_NEAR(holm[0], 0.03, 1e-15);
  EXPECT_NEAR(holm[1], 0.06, 1e-15);
  EXPECT_NEAR(holm[2], 0.06, 1e-15);
  EXPECT_NEAR(holm[3], 0.02, 1e-15);
  const std::vector<double> bh = *benjamini_hochberg_adjust(p);
  EXPECT_NEAR(bh[0], 0.02, 1e-15);
  EXPECT_NEAR(bh[1], 0.04, 1e-15);
  EXPECT_NEAR(bh[2], 0.04, 1e-15);
  EXPECT_NEAR(bh[3], 0.02, 1e-15);
  EXPECT_EQ(*holm_adjust(std::vector<double>{0.6, 0.7}), (std::vector<double>{1.0, 1.0}));
  EXPECT_TRUE(holm_adjust(std::vector<double>{})->empty());
  EXPECT_NE(holm_adjust(std::vector<double>{0.1, 1.5})
                .status()
                .message()
                .find("holm_adjust: p-value 1 must lie in [0, 1], got 1.5"),
            std::string::npos);
  EXPECT_EQ(benjamini_hochberg_adjust(std::vector<double>{std::nan("")}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parity::eval
