// The mirrored SPRT on discordant pairs: exact boundaries on hand-made streams, errors, the
// error guarantees by seeded simulation, and the STEP paper's paired streams
// (../shared/bench/external) for the direction of the decisions.
#include "parity/evaluation/sequential.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "evaluation/stats/test/bench_csv.h"
#include "testing/testing.h"

namespace parity::eval {
namespace {

TEST(PairedSprt, BoundariesOnAHandMadeStream) {
  PairedSprt test = *PairedSprt::create();  // alpha 0.05, beta 0.2, odds ratio 3
  EXPECT_DOUBLE_EQ(test.log_upper(), std::log(40.0));
  EXPECT_DOUBLE_EQ(test.log_lower(), std::log(0.2));
  // Concordant pairs change nothing but the count.
  EXPECT_EQ(test.add_pair(true, true), SequentialDecision::kContinue);
  EXPECT_EQ(test.add_pair(false, false), SequentialDecision::kContinue);
  // log L_B grows by log 1.5 per pair B wins alone: log 40 / log 1.5 = 9.1, so the 10th.
  for (int i = 1; i <= 9; ++i) {
    EXPECT_EQ(test.add_pair(false, true), SequentialDecision::kContinue) << i;
  }
  EXPECT_NEAR(test.log_lr_b_better(), 9.0 * std::log(1.5), 1e-12);
  EXPECT_NEAR(test.log_lr_a_better(), 9.0 * std::log(0.5), 1e-12);
  EXPECT_EQ(test.add_pair(false, true), SequentialDecision::kBBetter);
  EXPECT_EQ(test.pairs(), 12);
  EXPECT_EQ(test.b_only(), 10);
  // Stopped: later pairs are ignored.
  EXPECT_EQ(test.add_pair(true, false), SequentialDecision::kBBetter);
  EXPECT_EQ(test.a_only(), 0);
}

TEST(PairedSprt, NoDifferenceOnceBothSidesAcceptTheirNulls) {
  PairedSprt test = *PairedSprt::create();
  // Alternating discordant pairs: each A win adds log 1.5 to L_A and log 0.5 to L_B. After
  // A, B, A, B, ... both logs drift by log 0.75 per two pairs; log 0.2 / log 0.75 = 5.6.
  SequentialDecision d = SequentialDecision::kContinue;
  int pairs = 0;
  while (d == SequentialDecision::kContinue && pairs < 100) {
    d = test.add_pair(pairs % 2 == 0, pairs % 2 == 1);
    ++pairs;
  }
  EXPECT_EQ(d, SequentialDecision::kNoDifference);
  EXPECT_EQ(pairs, 12);  // after 12: both at 6 log 0.75 = -1.73 <= log 0.2 = -1.61
  EXPECT_LE(test.log_lr_b_better(), test.log_lower());
  EXPECT_LE(test.log_lr_a_better(), test.log_lower());
}

TEST(PairedSprt, TruncationAndUnpairedMatching) {
  SprtOptions options;
  options.max_pairs = 3;
  PairedSprt truncated = *PairedSprt::create(options);
  EXPECT_EQ(truncated.add_pair(true, true), SequentialDecision::kContinue);
  EXPECT_EQ(truncated.add_pair(true, false), SequentialDecision::kContinue);
  EXPECT_EQ(truncated.add_pair(false, true), SequentialDecision::kTruncated);
  EXPECT_EQ(sequential_decision_name(truncated.decision()), "truncated");

  PairedSprt unpaired = *PairedSprt::create();
  EXPECT_EQ(unpaired.add_a(true), SequentialDecision::kContinue);
  EXPECT_EQ(unpaired.add_a(false), SequentialDecision::kContinue);
  EXPECT_EQ(unpaired.add_a(true), SequentialDecision::kContinue);
  EXPECT_EQ(unpaired.pairs(), 0);
  unpaired.add_b(true);  // pairs with A's first (true): concordant
  unpaired.add_b(true);  // with A's second (false): B alone
  EXPECT_EQ(unpaired.pairs(), 2);
  EXPECT_EQ(unpaired.b_only(), 1);
  EXPECT_EQ(unpaired.a_only(), 0);
  unpaired.add_b(false);  // with A's third (true): A alone
  unpaired.add_b(false);  // waits for A
  EXPECT_EQ(unpaired.pairs(), 3);
  EXPECT_EQ(unpaired.a_only(), 1);
}

TEST(PairedSprt, Errors) {
  SprtOptions bad;
  bad.alpha = 1.0;
  EXPECT_NE(PairedSprt::create(bad).status().message().find("alpha must lie in (0, 1), got 1"),
            std::string::npos);
  bad = {};
  bad.beta = 0.0;
  EXPECT_EQ(PairedSprt::create(bad).status().code(), StatusCode::kInvalidArgument);
  bad = {};
  bad.odds_ratio = 1.0;
  EXPECT_NE(PairedSprt::create(bad).status().message().find("odds_ratio must be a finite number "
                                                            "above 1"),
            std::string::npos);
  bad = {};
  bad.max_pairs = -1;
  EXPECT_EQ(PairedSprt::create(bad).status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Error rates by simulation (seeded). Each scenario draws a pair as: with probability
// p_easy an "easy" initial state where A and B succeed with (a_easy, b_easy), else a "hard"
// one with (a_hard, b_hard); outcomes independent given the state. Unpaired designs use one
// state for both.

struct Scenario {
  std::string name;
  double p_easy;
  double a_easy, b_easy, a_hard, b_hard;
};

std::map<SequentialDecision, int> simulate(const Scenario& s, int runs, std::uint64_t seed,
                                           double* mean_pairs) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  std::map<SequentialDecision, int> counts;
  double total_pairs = 0.0;
  for (int run = 0; run < runs; ++run) {
    PairedSprt test = *PairedSprt::create();
    SequentialDecision d = SequentialDecision::kContinue;
    while (d == SequentialDecision::kContinue) {
      const bool easy = uniform() < s.p_easy;
      const bool a = uniform() < (easy ? s.a_easy : s.a_hard);
      const bool b = uniform() < (easy ? s.b_easy : s.b_hard);
      d = test.add_pair(a, b);
    }
    ++counts[d];
    total_pairs += static_cast<double>(test.pairs());
  }
  *mean_pairs = total_pairs / runs;
  return counts;
}

TEST(PairedSprt, TypeOneErrorWithinAlphaBySimulation) {
  constexpr int kRuns = 3000;
  const std::vector<Scenario> nulls = {
      {"unpaired p = 0.5", 1.0, 0.5, 0.5, 0.5, 0.5},
      {"unpaired p = 0.85", 1.0, 0.85, 0.85, 0.85, 0.85},
      {"paired, correlated states, p = 0.62", 0.6, 0.9, 0.9, 0.2, 0.2},
      {"paired, B better on easy, A on hard", 0.5, 0.6, 0.8, 0.4, 0.2},  // p_a = p_b = 0.5
  };
  std::uint64_t seed = 1;
  for (const Scenario& s : nulls) {
    double mean_pairs = 0.0;
    std::map<SequentialDecision, int> counts = simulate(s, kRuns, seed++, &mean_pairs);
    const double type_one =
        (counts[SequentialDecision::kABetter] + counts[SequentialDecision::kBBetter]) /
        static_cast<double>(kRuns);
    std::cout << "  null " << s.name << ": P(reject) = " << type_one << " (alpha 0.05), mean pairs "
              << mean_pairs << "\n";
    EXPECT_LE(type_one, 0.05) << s.name;
    EXPECT_EQ(counts[SequentialDecision::kNoDifference] + counts[SequentialDecision::kABetter] +
                  counts[SequentialDecision::kBBetter],
              kRuns);
  }
}

TEST(PairedSprt, TypeTwoErrorWithinBetaBySimulation) {
  constexpr int kRuns = 3000;
  // Each at the design odds ratio 3 among discordant pairs (theta = 0.75).
  struct Alternative {
    Scenario scenario;
    SequentialDecision expected;
  };
  const std::vector<Alternative> alternatives = {
      {{"unpaired 0.5 vs 0.75", 1.0, 0.5, 0.75, 0.5, 0.75}, SequentialDecision::kBBetter},
      {{"unpaired 0.75 vs 0.5", 1.0, 0.75, 0.5, 0.75, 0.5}, SequentialDecision::kABetter},
      {{"unpaired 0.25 vs 0.5", 1.0, 0.25, 0.5, 0.25, 0.5}, SequentialDecision::kBBetter},
      // Paired: easy states (0.5 vs 0.75) and hard ones (0.25 vs 0.5) both give B alone 0.375
      // and A alone 0.125.
      {{"paired, theta 0.75", 0.5, 0.5, 0.75, 0.25, 0.5}, SequentialDecision::kBBetter},
  };
  std::uint64_t seed = 100;
  for (const Alternative& alternative : alternatives) {
    const Scenario& s = alternative.scenario;
    double mean_pairs = 0.0;
    std::map<SequentialDecision, int> counts = simulate(s, kRuns, seed++, &mean_pairs);
    const double type_two = 1.0 - counts[alternative.expected] / static_cast<double>(kRuns);
    std::cout << "  alternative " << s.name << ": P(miss) = " << type_two
              << " (beta 0.2), mean pairs " << mean_pairs << "\n";
    EXPECT_LE(type_two, 0.2) << s.name;
  }
}

// The STEP paper's paired evaluation streams (col0 = A, col1 = B). Where the STEP test's
// expected decision is published (step_expected_stopping_times.csv), the SPRT, run at the
// smallest alpha listed for the stream, must reach the same decision; stopping times differ by
// design (different tests) and are printed.
TEST(PairedSprt, StepPaperStreamsDecideAsStep) {
  PARITY_REQUIRE_SHARED_BENCH(streams_path, "external/step_paper_paired_streams.csv");
  PARITY_REQUIRE_SHARED_BENCH(expected_path, "external/step_expected_stopping_times.csv");
  std::map<std::string, std::vector<std::pair<bool, bool>>> streams;
  for (const test::CsvRow& row : test::read_csv(streams_path)) {
    streams[row.at("stream")].emplace_back(row.at("col0_success") == "1",
                                           row.at("col1_success") == "1");
  }
  std::map<std::string, std::string> step_decision;  // stream -> better column
  std::map<std::string, std::string> step_times;
  std::map<std::string, double> step_alpha;  // the smallest alpha STEP was run at
  for (const test::CsvRow& row : test::read_csv(expected_path)) {
    step_decision[row.at("stream")] = row.at("better_column");
    const double alpha = std::stod(row.at("alpha"));
    if (!step_alpha.contains(row.at("stream")) || alpha < step_alpha[row.at("stream")]) {
      step_alpha[row.at("stream")] = alpha;
    }
    step_times[row.at("stream")] += " " + row.at("test") + "(n_max " + row.at("n_max") +
                                    ", alpha " + row.at("alpha") +
                                    ")=" + row.at("expected_stopping_time");
  }
  ASSERT_EQ(streams.size(), 8u);
  int checked = 0;
  for (const auto& [name, pairs] : streams) {
    SprtOptions options;
    if (step_alpha.contains(name)) options.alpha = step_alpha[name];
    PairedSprt test = *PairedSprt::create(options);
    for (const auto& [a, b] : pairs) {
      if (test.add_pair(a, b) != SequentialDecision::kContinue) break;
    }
    std::cout << "  " << name << " (" << pairs.size() << " pairs): SPRT (alpha " << options.alpha
              << ") " << sequential_decision_name(test.decision()) << " after " << test.pairs()
              << " pairs; STEP:" << (step_times.contains(name) ? step_times[name] : " -") << "\n";
    if (step_decision.contains(name)) {
      EXPECT_EQ(test.decision(), step_decision[name] == "col0" ? SequentialDecision::kABetter
                                                               : SequentialDecision::kBBetter)
          << name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 5);
}

}  // namespace
}  // namespace parity::eval
