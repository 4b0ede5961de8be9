// The intervals, two-policy tests, correlations and adjustments against an independent
// implementation (tests/oracles/eval_stats.py: SciPy's norm / beta quantiles, fisher_exact,
// barnard_exact and boschloo_exact with n=200, binom, Gauss-Legendre integration of the beta
// pdf and cdf, pearsonr / spearmanr /
// kendalltau; Holm and BH re-implemented with NumPy) on seeded random inputs with k, n up to
// 200, edge counts (k = 0, k = n) included.
//
// Tolerances: intervals, Fisher, z-test, binomial tails, McNemar 1e-9 absolute; Barnard and
// Boschloo 1e-6 absolute (SciPy's shgo optimum vs our grid + golden-section refinement of the
// same function); P(B > A) 1e-8 (quadrature error); correlations and adjustments 1e-12.
// The unconditional tests are few (SciPy needs about 3 s for each n = 200 table; set
// PARITY_SLOW_ORACLES=1 to add two of them).
#include "testing/oracle.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "evaluation/stats/special.h"
#include "parity/evaluation/agreement.h"
#include "parity/evaluation/intervals.h"
#include "parity/evaluation/tests.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::eval {
namespace {

namespace fs = std::filesystem;

struct Rng {
  std::mt19937_64 engine;
  explicit Rng(std::uint64_t seed) : engine(seed) {}
  // Uniform integer in [lo, hi].
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(engine() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  // k in [0, n] with the edges 0 and n drawn often.
  std::int64_t count(std::int64_t n) {
    const std::int64_t pick = integer(0, 9);
    if (pick == 0) return 0;
    if (pick == 1) return n;
    return integer(0, n);
  }
};

nlohmann::json run_oracle(const std::string& python, const nlohmann::json& spec) {
  const testing::TempDir dir;
  const fs::path input = dir / "spec.json";
  std::ofstream(input) << spec.dump();
  const fs::path script =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / "eval_stats.py";
  EXPECT_TRUE(fs::exists(script)) << script;
  return testing::run_json_oracle(testing::shell_quote(python) + " " +
                                  testing::shell_quote(script.string()) + " " +
                                  testing::shell_quote(input.string()));
}

// Every random input, generated once (seeded) and sent to one oracle run (SciPy's import alone
// takes most of a second).
nlohmann::json make_spec() {
  nlohmann::json spec;
  Rng rng(8);
  spec["intervals"] = nlohmann::json::array();
  const double confidences[] = {0.95, 0.9, 0.99, 0.8};
  for (int i = 0; i < 200; ++i) {
    const std::int64_t n = rng.integer(1, 200);
    spec["intervals"].push_back({rng.count(n), n, confidences[i % 4]});
  }
  spec["tables"] = nlohmann::json::array();
  for (int i = 0; i < 120; ++i) {
    const std::int64_t na = rng.integer(1, 200);
    const std::int64_t nb = i % 3 == 0 ? na : rng.integer(1, 200);
    spec["tables"].push_back({rng.count(na), na, rng.count(nb), nb});
  }
  spec["mcnemar"] = nlohmann::json::array({{0, 0}, {0, 1}, {5, 5}, {6, 19}, {100, 60}});
  for (int i = 0; i < 40; ++i)
    spec["mcnemar"].push_back({rng.integer(0, 100), rng.integer(0, 100)});
  spec["tails"] = nlohmann::json::array();
  for (int i = 0; i < 60; ++i) {
    const std::int64_t n = rng.integer(1, 200);
    spec["tails"].push_back({rng.integer(0, n), n, 0.02 + 0.96 * rng.uniform()});
  }
  // Both orientations; one table with n in [80, 100], four with n <= 40. SciPy needs about 3 s
  // per table with n near 200: those two (one per orientation) run only with
  // PARITY_SLOW_ORACLES=1.
  spec["unconditional"] = nlohmann::json::array();
  const char* slow = std::getenv("PARITY_SLOW_ORACLES");
  const int tables = slow != nullptr && std::string(slow) == "1" ? 7 : 5;
  for (int i = 0; i < tables; ++i) {
    const std::int64_t lo = i == 0 ? 80 : i >= 5 ? 150 : 3;
    const std::int64_t hi = i == 0 ? 100 : i >= 5 ? 200 : 40;
    const std::int64_t na = rng.integer(lo, hi);
    const std::int64_t nb = rng.integer(lo, hi);
    spec["unconditional"].push_back(
        {rng.count(na), na, rng.count(nb), nb, i % 2 == 0 ? "policies" : "outcomes"});
  }
  spec["correlations"] = nlohmann::json::array();
  for (int i = 0; i < 40; ++i) {
    const auto n = static_cast<std::size_t>(rng.integer(3, 25));
    std::vector<double> x(n);
    std::vector<double> y(n);
    for (std::size_t j = 0; j < n; ++j) {
      // Coarse values (ties) in half of the cases.
      x[j] = i % 2 == 0 ? static_cast<double>(rng.integer(0, 4)) / 4.0 : rng.uniform();
      y[j] = 0.6 * x[j] +
             0.4 * (i % 2 == 0 ? static_cast<double>(rng.integer(0, 3)) / 3.0 : rng.uniform());
    }
    if (std::adjacent_find(x.begin(), x.end(), std::not_equal_to<>()) == x.end()) x[0] += 0.5;
    spec["correlations"].push_back({{"x", x}, {"y", y}});
  }
  spec["adjust"] = nlohmann::json::array();
  for (int i = 0; i < 15; ++i) {
    std::vector<double> p(static_cast<std::size_t>(rng.integer(1, 30)));
    for (double& v : p) {
      v = i % 3 == 0 ? static_cast<double>(rng.integer(0, 10)) / 200.0 : rng.uniform() * 0.2;
    }
    spec["adjust"].push_back(p);
  }
  return spec;
}

struct OracleRun {
  nlohmann::json spec;
  nlohmann::json result;
};

// The oracle's answers, computed on first use; nullopt without a suitable python3.
const std::optional<OracleRun>& oracle_run() {
  static const std::optional<OracleRun> run = []() -> std::optional<OracleRun> {
    const std::optional<std::string> python = testing::python_with("numpy, scipy.stats");
    if (!python) return std::nullopt;
    OracleRun r;
    r.spec = make_spec();
    r.result = run_oracle(*python, r.spec);
    return r;
  }();
  return run;
}

#define PARITY_REQUIRE_ORACLE(spec, oracle)                                                     \
  const std::optional<OracleRun>& oracle_run_opt = oracle_run();                                \
  if (!oracle_run_opt)                                                                          \
    GTEST_SKIP() << "no python3 with numpy and scipy (python3-numpy, python3-scipy): skipping " \
                    "the cross-check against tests/oracles/eval_stats.py";                      \
  ASSERT_TRUE(oracle_run_opt->result.is_object());                                              \
  const nlohmann::json& spec = oracle_run_opt->spec;                                            \
  const nlohmann::json& oracle = oracle_run_opt->result

TEST(EvalStatsOracle, IntervalsFisherZBayesMcNemarTails) {
  PARITY_REQUIRE_ORACLE(spec, oracle);
  double worst_interval = 0.0;
  for (std::size_t i = 0; i < spec["intervals"].size(); ++i) {
    const auto& in = spec["intervals"][i];
    const auto k = in[0].get<std::int64_t>();
    const auto n = in[1].get<std::int64_t>();
    const double confidence = in[2].get<double>();
    for (const auto& [name, method] :
         {std::pair{"wilson", IntervalMethod::kWilson},
          std::pair{"clopper_pearson", IntervalMethod::kClopperPearson},
          std::pair{"jeffreys", IntervalMethod::kJeffreys}}) {
      const Result<Interval> ours = binomial_interval(k, n, confidence, method);
      ASSERT_TRUE(ours.ok());
      const auto& expected = oracle["intervals"][i][name];
      EXPECT_NEAR(ours->low, expected[0].get<double>(), 1e-9) << name << " " << k << "/" << n;
      EXPECT_NEAR(ours->high, expected[1].get<double>(), 1e-9) << name << " " << k << "/" << n;
      worst_interval = std::max({worst_interval, std::fabs(ours->low - expected[0].get<double>()),
                                 std::fabs(ours->high - expected[1].get<double>())});
    }
  }
  double worst_fisher = 0.0;
  double worst_bayes = 0.0;
  double worst_z = 0.0;
  for (std::size_t i = 0; i < spec["tables"].size(); ++i) {
    const auto& in = spec["tables"][i];
    const Counts a{in[0].get<std::int64_t>(), in[1].get<std::int64_t>()};
    const Counts b{in[2].get<std::int64_t>(), in[3].get<std::int64_t>()};
    const auto& expected = oracle["tables"][i];
    const double fisher = *fisher_exact_two_sided(a, b);
    EXPECT_NEAR(fisher, expected["fisher"].get<double>(), 1e-9) << in.dump();
    const ZTest z = *pooled_z_test(a, b);
    EXPECT_NEAR(z.z, expected["z"].get<double>(), 1e-9) << in.dump();
    EXPECT_NEAR(z.p_value, expected["z_p"].get<double>(), 1e-9) << in.dump();
    const double bayes = *probability_b_better(a, b);
    EXPECT_NEAR(bayes, expected["bayes"].get<double>(), 1e-8) << in.dump();
    worst_fisher = std::max(worst_fisher, std::fabs(fisher - expected["fisher"].get<double>()));
    worst_bayes = std::max(worst_bayes, std::fabs(bayes - expected["bayes"].get<double>()));
    worst_z = std::max(worst_z, std::fabs(z.p_value - expected["z_p"].get<double>()));
  }
  for (std::size_t i = 0; i < spec["mcnemar"].size(); ++i) {
    const auto& in = spec["mcnemar"][i];
    const McNemar ours = *mcnemar_exact(in[0].get<std::int64_t>(), in[1].get<std::int64_t>());
    EXPECT_NEAR(ours.p_value, oracle["mcnemar"][i]["statsmodels_formula"].get<double>(), 1e-9)
        << in.dump();
    EXPECT_NEAR(ours.p_value, oracle["mcnemar"][i]["binomtest"].get<double>(), 1e-9) << in.dump();
  }
  for (std::size_t i = 0; i < spec["tails"].size(); ++i) {
    const auto& in = spec["tails"][i];
    EXPECT_NEAR(special::binomial_upper_tail(in[0].get<std::int64_t>(), in[1].get<std::int64_t>(),
                                             in[2].get<double>()),
                oracle["tails"][i].get<double>(), 1e-9)
        << in.dump();
  }
  std::cout << "  max |ours - scipy|: intervals " << worst_interval << ", fisher " << worst_fisher
            << ", z p " << worst_z << ", bayes " << worst_bayes << "\n";
}

TEST(EvalStatsOracle, BarnardAndBoschlooAsScipyN200) {
  PARITY_REQUIRE_ORACLE(spec, oracle);
  double worst = 0.0;
  for (std::size_t i = 0; i < spec["unconditional"].size(); ++i) {
    const auto& in = spec["unconditional"][i];
    const Counts a{in[0].get<std::int64_t>(), in[1].get<std::int64_t>()};
    const Counts b{in[2].get<std::int64_t>(), in[3].get<std::int64_t>()};
    UnconditionalOptions options;
    options.margins =
        in[4] == "policies" ? FixedMargins::kTrialsPerPolicy : FixedMargins::kSuccessesAndFailures;
    const double barnard = *barnard_exact_two_sided(a, b, options);
    const double boschloo = *boschloo_exact_two_sided(a, b, options);
    const auto& expected = oracle["unconditional"][i];
    // SciPy gives NaN for Boschloo when a sample is empty; we give 1 (documented).
    EXPECT_NEAR(barnard, expected["barnard"].get<double>(), 1e-6) << in.dump();
    if (expected["boschloo"].is_number()) {
      EXPECT_NEAR(boschloo, expected["boschloo"].get<double>(), 1e-6) << in.dump();
      worst = std::max(worst, std::fabs(boschloo - expected["boschloo"].get<double>()));
    }
    worst = std::max(worst, std::fabs(barnard - expected["barnard"].get<double>()));
  }
  std::cout << "  max |ours - scipy| Barnard / Boschloo: " << worst << "\n";
}

TEST(EvalStatsOracle, CorrelationsAndAdjustments) {
  PARITY_REQUIRE_ORACLE(spec, oracle);
  for (std::size_t i = 0; i < spec["correlations"].size(); ++i) {
    const auto x = spec["correlations"][i]["x"].get<std::vector<double>>();
    const auto y = spec["correlations"][i]["y"].get<std::vector<double>>();
    const auto& expected = oracle["correlations"][i];
    EXPECT_NEAR(*pearson(x, y), expected["pearson"].get<double>(), 1e-12) << i;
    EXPECT_NEAR(*spearman(x, y), expected["spearman"].get<double>(), 1e-12) << i;
    EXPECT_NEAR(*kendall_tau_b(x, y), expected["kendall"].get<double>(), 1e-12) << i;
  }
  for (std::size_t i = 0; i < spec["adjust"].size(); ++i) {
    const auto p = spec["adjust"][i].get<std::vector<double>>();
    const std::vector<double> holm = *holm_adjust(p);
    const std::vector<double> bh = *benjamini_hochberg_adjust(p);
    ASSERT_EQ(holm.size(), p.size());
    for (std::size_t j = 0; j < holm.size(); ++j) {
      EXPECT_NEAR(holm[j], oracle["adjust"][i]["holm"][j].get<double>(), 1e-12);
      EXPECT_NEAR(bh[j], oracle["adjust"][i]["bh"][j].get<double>(), 1e-12);
    }
  }
}

}  // namespace
}  // namespace parity::eval
