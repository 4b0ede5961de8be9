// Cross-checks the univariate comparisons against SciPy / NumPy (tests/oracles/univariate.py) on
// seeded synthetic data of several shapes and sizes. Tolerances (relative to max(1, |value|)
// unless noted):
//   W1, PSI, spread, means, medians, JS, chi-square, Cramér's V: 1e-9 (summation order only);
//   KS statistic: 1e-12 absolute; exact KS p-values: 1e-9; asymptotic KS p-values and
//   kstwo.sf: 1e-7 absolute + 1e-6 relative (SciPy evaluates some regions with other but
//   equally exact algorithms, e.g. Pomeranz where we use the Durbin matrix);
//   chi-square sf: 1e-12 absolute + 1e-9 relative; Benjamini-Hochberg: 1e-15.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "parity/parity/univariate.h"
#include "testing/oracle.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::compare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The python3 with NumPy and SciPy, probed once per test binary.
const std::optional<std::string>& scipy_python() {
  static const std::optional<std::string> python =
      testing::python_with("numpy, scipy.stats, scipy.spatial");
  return python;
}

#define PARITY_REQUIRE_SCIPY(var)                                                      \
  const std::optional<std::string> var##_opt = scipy_python();                         \
  if (!var##_opt)                                                                      \
    GTEST_SKIP() << "no python3 with numpy and scipy (python3-numpy, python3-scipy): " \
                    "skipping the cross-check against tests/oracles/univariate.py";    \
  const std::string var = *var##_opt

// Runs the oracle on `cases` and returns its list of results (empty on failure, reported).
json run_univariate_oracle(const std::string& python, const json& cases) {
  const fs::path script =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / "univariate.py";
  EXPECT_TRUE(fs::exists(script)) << script;
  testing::TempDir dir;
  const fs::path input = dir / "cases.json";
  {
    std::ofstream out(input);
    out << cases.dump();
  }
  const std::string command = testing::shell_quote(python) + " " +
                              testing::shell_quote(script.string()) + " " +
                              testing::shell_quote(input.string());
  json parsed = testing::run_json_oracle(command);
  if (parsed.is_null()) return json::array();
  EXPECT_EQ(parsed.size(), cases.size());
  return parsed;
}

void expect_close(double ours, double theirs, double relative, const std::string& what) {
  EXPECT_NEAR(ours, theirs, relative * std::max(1.0, std::abs(theirs))) << what;
}

void expect_p_close(double ours, double theirs, double absolute, double relative,
                    const std::string& what) {
  EXPECT_NEAR(ours, theirs, absolute + relative * std::abs(theirs)) << what;
}

enum class Shape { kNormal, kShifted, kScaled, kHeavyTailed, kDiscrete };

std::vector<double> draw(Shape shape, std::size_t n, bool target_side, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::student_t_distribution<double> heavy(1.5);
  std::poisson_distribution<int> poisson(3.0);
  std::vector<double> out(n);
  for (double& x : out) {
    switch (shape) {
      case Shape::kNormal: x = normal(rng); break;
      case Shape::kShifted: x = normal(rng) + (target_side ? 0.3 : 0.0); break;
      case Shape::kScaled: x = normal(rng) * (target_side ? 1.5 : 1.0); break;
      case Shape::kHeavyTailed: x = heavy(rng) + (target_side ? 0.2 : 0.0); break;
      case Shape::kDiscrete: x = static_cast<double>(poisson(rng)); break;
    }
  }
  if (shape == Shape::kDiscrete && target_side) {
    for (std::size_t i = 0; i < n; i += 5) out[i] += 1.0;  // a mild shift with many ties
  }
  return out;
}

struct NumericCase {
  std::string name;
  std::vector<double> train;
  std::vector<double> weights;
  std::vector<double> target;
  std::size_t psi_bins;
};

std::vector<NumericCase> numeric_cases() {
  struct Spec {
    const char* name;
    Shape shape;
    std::size_t n_train;
    std::size_t n_target;
    bool weighted;
    std::size_t psi_bins;
  };
  const Spec specs[] = {
      {"normal 200 v 300", Shape::kNormal, 200, 300, false, 10},
      {"shifted 500 v 500", Shape::kShifted, 500, 500, false, 10},
      {"scaled 1000 v 800", Shape::kScaled, 1000, 800, false, 20},
      {"heavy 2000 v 3000", Shape::kHeavyTailed, 2000, 3000, false, 10},
      {"discrete 400 v 600", Shape::kDiscrete, 400, 600, false, 10},
      {"small 5 v 7", Shape::kShifted, 5, 7, false, 4},
      {"small 12 v 30", Shape::kScaled, 12, 30, false, 5},
      {"small 10 v 10", Shape::kShifted, 10, 10, false, 3},
      {"small 30 v 9", Shape::kDiscrete, 30, 9, false, 5},
      {"exact 3000 v 7000", Shape::kShifted, 3000, 7000, false, 10},
      {"exact 10000 v 10000", Shape::kNormal, 10000, 10000, false, 10},
      {"asymp 20000 v 15000", Shape::kNormal, 20000, 15000, false, 10},
      {"asymp shifted 12000 v 20000", Shape::kShifted, 12000, 20000, false, 10},
      {"asymp discrete 15000 v 11000", Shape::kDiscrete, 15000, 11000, false, 10},
      {"weighted normal 1000 v 800", Shape::kNormal, 1000, 800, true, 10},
      {"weighted shifted 300 v 200", Shape::kShifted, 300, 200, true, 10},
      {"weighted discrete 2000 v 1500", Shape::kDiscrete, 2000, 1500, true, 10},
      {"weighted heavy 20000 v 12000", Shape::kHeavyTailed, 20000, 12000, true, 10},
      {"weighted small 8 v 6", Shape::kScaled, 8, 6, true, 3},
  };
  std::vector<NumericCase> cases;
  std::uint64_t seed = 100;
  for (const Spec& s : specs) {
    NumericCase c;
    c.name = s.name;
    c.train = draw(s.shape, s.n_train, false, seed++);
    c.target = draw(s.shape, s.n_target, true, seed++);
    if (s.weighted) {
      std::mt19937_64 rng(seed++);
      std::uniform_real_distribution<double> w(0.1, 2.0);
      c.weights.resize(s.n_train);
      for (double& x : c.weights) x = w(rng);
      c.weights[0] = 0.0;  // a zero weight is allowed
    }
    c.psi_bins = s.psi_bins;
    cases.push_back(std::move(c));
  }
  return cases;
}

json numeric_input() {
  json input = json::array();
  for (const NumericCase& c : numeric_cases()) {
    json j = {
        {"kind", "numeric"}, {"train", c.train}, {"target", c.target}, {"psi_bins", c.psi_bins}};
    j["weights"] = c.weights.empty() ? json(nullptr) : json(c.weights);
    input.push_back(std::move(j));
  }
  return input;
}

struct KsPoints {
  std::vector<std::uint64_t> n;
  std::vector<double> x;
};

KsPoints ks_points() {
  KsPoints points;
  std::vector<std::uint64_t>& ns = points.n;
  std::vector<double>& xs = points.x;
  // Every region of Simard & L'Ecuyer's method selection: t <= 1, t >= n - 1, x >= 1/2, small n
  // with n x^2 below and above 0.754693 and 4, large n with n x^2 below and above 2.2 and 370,
  // Durbin vs Pelz-Good (n x^1.5 around 1.4, n around 100000).
  for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 5ULL, 10ULL, 37ULL, 140ULL, 141ULL, 500ULL,
                                2000ULL, 10000ULL, 50000ULL, 100000ULL, 100001ULL}) {
    const double nd = static_cast<double>(n);
    for (const double z : {0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.2, 1.5, 1.8, 2.2, 3.0, 5.0}) {
      // SciPy's one-sided sums take seconds at large n: fewer points there.
      if (n >= 50000 && z != 0.4 && z != 1.0 && z != 1.2 && z != 2.2) continue;
      const double x = z / std::sqrt(nd);
      if (x < 1.0) {
        ns.push_back(n);
        xs.push_back(x);
      }
    }
    for (const double x : {0.75 / nd, 0.51, 0.8, 1.0 - 1.5 / nd}) {
      if (x > 0.0 && x < 1.0) {
        ns.push_back(n);
        xs.push_back(x);
      }
    }
  }
  return points;
}

std::pair<std::vector<double>, std::vector<double>> chi2_points() {
  std::vector<double> xs;
  std::vector<double> dofs;
  for (const double dof : {1.0, 2.0, 3.0, 5.0, 10.0, 49.0, 200.0}) {
    for (const double x : {0.01, 0.5, 1.0, 3.84, 10.0, 30.0, 60.0, 150.0, 250.0, 400.0}) {
      xs.push_back(x);
      dofs.push_back(dof);
    }
  }
  return {xs, dofs};
}

struct CategoricalCase {
  std::string name;
  std::vector<std::string> train;
  std::vector<double> weights;
  std::vector<std::string> target;
};

std::vector<std::string> draw_categories(const std::vector<double>& probabilities,
                                         const std::vector<std::string>& names, std::size_t n,
                                         std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::discrete_distribution<std::size_t> dist(probabilities.begin(), probabilities.end());
  std::vector<std::string> out(n);
  for (std::string& s : out) s = names[dist(rng)];
  return out;
}

std::vector<CategoricalCase> categorical_cases() {
  const std::vector<std::string> names = {"indoor", "outdoor", "", "night", "rain", "snow"};
  std::vector<CategoricalCase> cases;
  cases.push_back({"same mix",
                   draw_categories({3, 2, 1, 1, 1, 0}, names, 2000, 1),
                   {},
                   draw_categories({3, 2, 1, 1, 1, 0}, names, 1500, 2)});
  cases.push_back({"shifted mix",
                   draw_categories({5, 1, 1, 1, 0, 0}, names, 1000, 3),
                   {},
                   draw_categories({1, 3, 1, 2, 1, 1}, names, 800, 4)});
  cases.push_back({"small counts",
                   draw_categories({1, 1, 1, 1, 1, 1}, names, 12, 5),
                   {},
                   draw_categories({1, 1, 1, 1, 1, 1}, names, 9, 6)});
  CategoricalCase weighted{"weighted",
                           draw_categories({2, 2, 1, 1, 1, 1}, names, 3000, 7),
                           {},
                           draw_categories({1, 1, 1, 1, 1, 1}, names, 2500, 8)};
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> w(0.0, 3.0);
  for (std::size_t i = 0; i < weighted.train.size(); ++i) {
    weighted.weights.push_back(weighted.train[i] == "snow" ? 0.0 : w(rng));
  }
  cases.push_back(std::move(weighted));
  cases.push_back({"two categories",
                   draw_categories({1, 4}, names, 50, 10),
                   {},
                   draw_categories({2, 3}, names, 70, 11)});

  return cases;
}

json categorical_input() {
  json input = json::array();
  for (const CategoricalCase& c : categorical_cases()) {
    json j = {{"kind", "categorical"}, {"train", c.train}, {"target", c.target}};
    j["weights"] = c.weights.empty() ? json(nullptr) : json(c.weights);
    input.push_back(std::move(j));
  }
  return input;
}

std::vector<double> bh_p_values() {
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> p;
  for (int i = 0; i < 60; ++i) p.push_back(i % 4 == 0 ? u(rng) * 1e-3 : u(rng));
  p.push_back(p[3]);  // a tie
  p.push_back(1.0);
  p.push_back(0.0);
  return p;
}

struct BootstrapCase {
  std::vector<double> train;
  std::vector<double> weights;
  std::vector<double> target;
};

BootstrapCase bootstrap_case() {
  BootstrapCase c;
  c.train = draw(Shape::kNormal, 1500, false, 31);
  c.target = draw(Shape::kShifted, 1000, true, 32);
  std::mt19937_64 rng(33);
  std::uniform_real_distribution<double> w(0.2, 2.0);
  for (std::size_t i = 0; i < c.train.size(); ++i) {
    // Weights that favour high values: the weighted training mean moves towards the target.
    c.weights.push_back(w(rng) * (c.train[i] > 0 ? 1.5 : 1.0));
  }
  return c;
}

constexpr std::size_t kBootstrapReplicates = 600;

json bootstrap_input() {
  const BootstrapCase c = bootstrap_case();
  return json::array({{{"kind", "bootstrap"},
                       {"train", c.train},
                       {"weights", c.weights},
                       {"target", c.target},
                       {"psi_bins", 10},
                       {"replicates", kBootstrapReplicates},
                       {"confidence", 0.9},
                       {"seed", 5}}});
}

// The oracle's results for one section ("numeric", "kstwo", "chi2", "categorical", "bh"), one
// run of the script per section and test binary. (ctest runs every test in a process of its own,
// so batching all sections into one run would repeat the whole batch for each test.)
const json& oracle_section(const std::string& python, const std::string& section) {
  static std::map<std::string, json> cache;
  if (const auto it = cache.find(section); it != cache.end()) return it->second;
  json input;
  if (section == "numeric") {
    input = numeric_input();
  } else if (section == "kstwo") {
    const KsPoints ks = ks_points();
    input = json::array({{{"kind", "kstwo"}, {"n", ks.n}, {"x", ks.x}}});
  } else if (section == "chi2") {
    const auto [xs, dofs] = chi2_points();
    input = json::array({{{"kind", "chi2"}, {"x", xs}, {"dof", dofs}}});
  } else if (section == "categorical") {
    input = categorical_input();
  } else if (section == "bootstrap") {
    input = bootstrap_input();
  } else {
    input = json::array({{{"kind", "bh"}, {"p", bh_p_values()}}});
  }
  return cache[section] = run_univariate_oracle(python, input);
}

TEST(UnivariateOracleTest, NumericAgainstScipy) {
  PARITY_REQUIRE_SCIPY(python);
  const std::vector<NumericCase> cases = numeric_cases();
  const json& oracle = oracle_section(python, "numeric");
  ASSERT_EQ(oracle.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const NumericCase& c = cases[i];
    const json& o = oracle[i];
    SCOPED_TRACE(c.name);
    NumericOptions options;
    options.bootstrap = 0;
    options.psi_bins = c.psi_bins;
    const auto r = compare_numeric(c.train, c.weights, c.target, options);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    expect_close(r->w1, o["w1"].get<double>(), 1e-9, "w1");
    EXPECT_NEAR(r->ks, o["ks"].get<double>(), 1e-12) << "ks";
    expect_p_close(r->ks_p, o["ks_p"].get<double>(), 1e-9, 1e-7, "ks_p (auto)");
    if (o.contains("ks_p_exact")) {
      expect_p_close(
          ks_two_sample_p_value(c.train.size(), c.target.size(), r->ks, KsMethod::kExact),
          o["ks_p_exact"].get<double>(), 1e-9, 1e-7, "ks_p exact");
    }
    if (o.contains("ks_p_asymp")) {
      expect_p_close(
          ks_two_sample_p_value(c.train.size(), c.target.size(), r->ks, KsMethod::kAsymp),
          o["ks_p_asymp"].get<double>(), 1e-7, 1e-6, "ks_p asymp");
    }
    expect_close(r->train_ess, o["train_ess"].get<double>(), 1e-12, "train_ess");
    expect_close(r->psi, o["psi"].get<double>(), 1e-9, "psi");
    EXPECT_EQ(r->psi_bins_used, o["psi_bins_used"].get<std::size_t>());
    expect_close(r->spread, o["spread"].get<double>(), 1e-9, "spread");
    EXPECT_EQ(r->spread_source, SpreadSource::kTargetStd);
    expect_close(r->w1_normalized, o["w1_normalized"].get<double>(), 1e-9, "w1_normalized");
    expect_close(r->target_p50, o["target_p50"].get<double>(), 1e-12, "target_p50");
    expect_close(r->train_p50, o["train_p50"].get<double>(), 1e-12, "train_p50");
    expect_close(r->train_mean, o["train_mean"].get<double>(), 1e-9, "train_mean");
    expect_close(r->target_mean, o["target_mean"].get<double>(), 1e-9, "target_mean");
  }
}

TEST(UnivariateOracleTest, KolmogorovSmirnovDistribution) {
  PARITY_REQUIRE_SCIPY(python);
  const KsPoints points = ks_points();
  const std::vector<std::uint64_t>& ns = points.n;
  const std::vector<double>& xs = points.x;
  const json& oracle = oracle_section(python, "kstwo");
  ASSERT_EQ(oracle.size(), 1u);
  const json& sf = oracle[0]["sf"];
  ASSERT_EQ(sf.size(), ns.size());
  for (std::size_t i = 0; i < ns.size(); ++i) {
    expect_p_close(kolmogorov_smirnov_sf(ns[i], xs[i]), sf[i].get<double>(), 1e-10, 1e-7,
                   "kstwo.sf(" + std::to_string(xs[i]) + ", " + std::to_string(ns[i]) + ")");
  }
}

TEST(UnivariateOracleTest, ChiSquareSurvival) {
  PARITY_REQUIRE_SCIPY(python);
  const auto [xs, dofs] = chi2_points();
  const json& oracle = oracle_section(python, "chi2");
  ASSERT_EQ(oracle.size(), 1u);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    expect_p_close(chi_square_sf(xs[i], dofs[i]), oracle[0]["sf"][i].get<double>(), 1e-14, 1e-9,
                   "chi2.sf(" + std::to_string(xs[i]) + ", " + std::to_string(dofs[i]) + ")");
  }
}

TEST(UnivariateOracleTest, CategoricalAgainstScipy) {
  PARITY_REQUIRE_SCIPY(python);
  const std::vector<CategoricalCase> cases = categorical_cases();
  const json& oracle = oracle_section(python, "categorical");
  ASSERT_EQ(oracle.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CategoricalCase& c = cases[i];
    const json& o = oracle[i];
    SCOPED_TRACE(c.name);
    const auto r = compare_categorical(c.train, c.weights, c.target);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    expect_close(r->js, o["js"].get<double>(), 1e-9, "js");
    expect_close(r->linf, o["linf"].get<double>(), 1e-12, "linf");
    EXPECT_EQ(r->linf_category, o["linf_category"].get<std::string>());
    EXPECT_EQ(r->chi2_dof, o["chi2_dof"].get<int>());
    expect_close(r->cramers_v, o["cramers_v"].get<double>(), 1e-9, "cramers_v");
    EXPECT_EQ(r->missing_in_train, o["missing_in_train"].get<std::vector<std::string>>());
    if (o.contains("chi2")) {
      ASSERT_TRUE(r->chi2.has_value());
      expect_close(*r->chi2, o["chi2"].get<double>(), 1e-9, "chi2");
      expect_p_close(*r->chi2_p, o["chi2_p"].get<double>(), 1e-14, 1e-9, "chi2_p");
      EXPECT_EQ(r->chi2_valid, o["chi2_valid"].get<bool>());
    } else {
      EXPECT_FALSE(r->chi2.has_value());
    }
  }
}

TEST(UnivariateOracleTest, BenjaminiHochberg) {
  PARITY_REQUIRE_SCIPY(python);
  const std::vector<double> p = bh_p_values();
  const json& oracle = oracle_section(python, "bh");
  ASSERT_EQ(oracle.size(), 1u);
  const std::vector<double> q = benjamini_hochberg(p);
  ASSERT_EQ(oracle[0]["q"].size(), q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    EXPECT_NEAR(q[i], oracle[0]["q"][i].get<double>(), 1e-15) << i;
  }
}

TEST(UnivariateOracleTest, BootstrapIntervalsAgreeWithNumPy) {
  PARITY_REQUIRE_SCIPY(python);
  // Two independent Monte Carlo estimates of the same percentile intervals: each endpoint's
  // standard error is about 0.1 bootstrap SDs at 600 replicates, about 3% of the 90% interval's
  // width (3.3 SDs); the tolerance is 20% of the width.
  const BootstrapCase c = bootstrap_case();
  NumericOptions options;
  options.bootstrap = kBootstrapReplicates;
  options.confidence = 0.9;
  options.seed = 3;
  const auto r = compare_numeric(c.train, c.weights, c.target, options);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const json& oracle = oracle_section(python, "bootstrap");
  ASSERT_EQ(oracle.size(), 1u);
  for (const auto& [name, ours] : {std::pair{"w1_normalized", r->w1_normalized_ci},
                                   std::pair{"ks", r->ks_ci}, std::pair{"psi", r->psi_ci}}) {
    const double low = oracle[0][name][0].get<double>();
    const double high = oracle[0][name][1].get<double>();
    const double tolerance = 0.2 * (high - low);
    EXPECT_NEAR(ours.low, low, tolerance) << name;
    EXPECT_NEAR(ours.high, high, tolerance) << name;
  }
}

}  // namespace
}  // namespace parity::compare
