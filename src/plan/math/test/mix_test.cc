// Source mix: the simplex QP on hand-solved problems and exact-vs-iterative agreement; recovery
// of known mixing proportions (exact and random-feature estimators); a source's MMD^2 against
// compare::mmd_rbf(); A, b, c and the optimum against NumPy / SciPy SLSQP
// (tests/oracles/source_mix.py); the per-row weights that realise a mix.
#include "parity/plan/mix.h"

#include <gtest/gtest.h>

#include <cmath>

#include "parity/multivariate/inputs.h"
#include "plan/math/test/plan_fixtures.h"

namespace parity::plan {
namespace {

using fixtures::expect_invalid;

TEST(MinimizeOnSimplex, SolvesSmallProblemsByHand) {
  // pi1^2 + pi2^2 - 1.6 pi1 - 0.2 pi2 on pi1 + pi2 = 1: 2 pi1 - 1.6 = 2 pi2 - 0.2 -> 0.85.
  auto r = minimize_on_simplex(std::vector<double>{1, 0, 0, 1}, std::vector<double>{0.8, 0.1});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_NEAR(r->pi[0], 0.85, 1e-15);
  EXPECT_NEAR(r->pi[1], 0.15, 1e-15);
  EXPECT_NEAR(r->objective, 0.85 * 0.85 + 0.15 * 0.15 - 1.6 * 0.85 - 0.2 * 0.15, 1e-15);
  EXPECT_EQ(r->solver, "exact");
  EXPECT_LT(r->kkt_residual, 1e-15);
  // The unconstrained optimum lies outside: the vertex e_1.
  r = minimize_on_simplex(std::vector<double>{1, 0, 0, 1}, std::vector<double>{2, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pi, (std::vector<double>{1, 0}));
  EXPECT_EQ(r->kkt_residual, 0.0);
  // A singular A (two identical sources): an optimum on a face.
  r = minimize_on_simplex(std::vector<double>{1, 1, 0, 1, 1, 0, 0, 0, 1},
                          std::vector<double>{0.5, 0.5, 0.5});
  ASSERT_TRUE(r.ok());
  // f = u^2 + (1 - u)^2 - 1 with u = pi1 + pi2: u = 1/2.
  EXPECT_NEAR(r->pi[0] + r->pi[1], 0.5, 1e-12);
  EXPECT_NEAR(r->pi[2], 0.5, 1e-12);
  EXPECT_NEAR(r->objective, -0.5, 1e-12);
}

// A random PSD A = G'G / k + small ridge with b = A p0 + noise: the exact enumeration and the
// projected gradient (forced by exact_max_size = 0) reach the same optimum.
TEST(MinimizeOnSimplex, IterativeSolverMatchesEnumeration) {
  for (const std::size_t k : {3u, 6u, 10u}) {
    SCOPED_TRACE(k);
    compare::detail::Rng rng(900 + k);
    std::vector<double> g(k * k);
    for (double& x : g) x = rng.normal();
    std::vector<double> a(k * k, 0.0);
    for (std::size_t s = 0; s < k; ++s) {
      for (std::size_t t = 0; t < k; ++t) {
        for (std::size_t r = 0; r < k; ++r)
          a[s * k + t] += g[r * k + s] * g[r * k + t] / static_cast<double>(k);
      }
    }
    std::vector<double> b(k);
    for (double& x : b) x = rng.normal();
    auto exact = minimize_on_simplex(a, b);
    SimplexQpOptions iterative;
    iterative.exact_max_size = 0;
    auto pg = minimize_on_simplex(a, b, iterative);
    ASSERT_TRUE(exact.ok() && pg.ok());
    EXPECT_EQ(pg->solver, "projected_gradient");
    EXPECT_GT(pg->iterations, 0u);
    EXPECT_NEAR(pg->objective, exact->objective, 1e-12);
    for (std::size_t s = 0; s < k; ++s) EXPECT_NEAR(pg->pi[s], exact->pi[s], 1e-9) << s;
    EXPECT_LT(exact->kkt_residual, 1e-12);
    EXPECT_LT(pg->kkt_residual, 1e-12);
  }
}

TEST(MinimizeOnSimplex, RejectsBadInputs) {
  expect_invalid(minimize_on_simplex({}, {}).status(), "minimize_on_simplex: b is empty");
  expect_invalid(
      minimize_on_simplex(std::vector<double>{1, 0, 0}, std::vector<double>{1, 1}).status(),
      "minimize_on_simplex: A holds 3 values: expected 2 x 2 for 2 entries of b");
  expect_invalid(
      minimize_on_simplex(std::vector<double>{1, 0.5, 0, 1}, std::vector<double>{1, 1}).status(),
      "minimize_on_simplex: A is not symmetric: A[0][1] = 0.5, A[1][0] = 0");
  expect_invalid(
      minimize_on_simplex(std::vector<double>{1, 0, 0, NAN}, std::vector<double>{1, 1}).status(),
      "minimize_on_simplex: A[1][1] is nan: expected a finite value");
  expect_invalid(
      minimize_on_simplex(std::vector<double>{1, 0, 0, 1}, std::vector<double>{INFINITY, 1})
          .status(),
      "minimize_on_simplex: b[0] is inf: expected a finite value");
  SimplexQpOptions o;
  o.exact_max_size = 21;
  expect_invalid(minimize_on_simplex(std::vector<double>{1}, std::vector<double>{1}, o).status(),
                 "minimize_on_simplex: exact_max_size is 21: expected at most 20");
}

// Three sources, N((-2, 0), I), N((2, 0), I), N((0, 2.5), I); the target is their 0.2 / 0.5 / 0.3
// mixture.
struct ThreeSources {
  Matrix train;
  std::vector<std::size_t> source;
  Matrix target;
  std::vector<double> target_shares;  // realised shares of the components in the target
};

ThreeSources three_sources(std::size_t per_source, std::size_t target_rows, std::uint64_t seed) {
  const std::vector<std::vector<double>> centres = {{-2.0, 0.0}, {2.0, 0.0}, {0.0, 2.5}};
  ThreeSources out;
  out.train = Matrix{0, 2, {}};
  for (std::size_t s = 0; s < 3; ++s) {
    const Matrix m = fixtures::normal(per_source, 2, centres[s], seed + s);
    out.train.values.insert(out.train.values.end(), m.values.begin(), m.values.end());
    out.train.rows += per_source;
    out.source.insert(out.source.end(), per_source, s);
  }
  std::vector<std::size_t> component;
  out.target = fixtures::mixture(target_rows, 2, centres, {0.2, 0.5, 0.3}, seed + 10, &component);
  out.target_shares.assign(3, 0.0);
  for (const std::size_t c : component)
    out.target_shares[c] += 1.0 / static_cast<double>(target_rows);
  return out;
}

TEST(SourceMix, RecoversKnownProportions) {
  const ThreeSources data = three_sources(250, 900, 1100);
  auto mix = source_mix(data.train, data.source, 3, {}, data.target);
  ASSERT_TRUE(mix.ok()) << mix.status().to_string();
  EXPECT_EQ(mix->estimator, "exact");
  EXPECT_EQ(mix->solver, "exact");
  EXPECT_NEAR(mix->proportions[0], 0.2, 0.05);
  EXPECT_NEAR(mix->proportions[1], 0.5, 0.05);
  EXPECT_NEAR(mix->proportions[2], 0.3, 0.05);
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(mix->proportions[s], data.target_shares[s], 0.03) << s;
  }
  EXPECT_NEAR(mix->proportions[0] + mix->proportions[1] + mix->proportions[2], 1.0, 1e-12);
  EXPECT_LT(mix->kkt_residual, 1e-12);
  EXPECT_EQ(mix->source_rows, (std::vector<std::size_t>{250, 250, 250}));
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(mix->current_proportions[s], 1.0 / 3.0, 1e-15);
    EXPECT_LT(mix->mmd2, mix->single_source_mmd2[s]);
  }
  EXPECT_LT(mix->mmd2, mix->current_mmd2);
  EXPECT_LT(std::abs(mix->mmd2), 2e-3);

  // A single source's MMD^2 is compare::mmd_rbf()'s exact estimate for it alone.
  for (const std::size_t s : {0u, 2u}) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < data.source.size(); ++i) {
      if (data.source[i] == s) rows.push_back(i);
    }
    compare::MmdOptions o;
    o.bandwidth = mix->bandwidth;
    o.permutations = 0;
    auto alone =
        compare::mmd_rbf(compare::detail::select_rows(data.train, rows), {}, data.target, o);
    ASSERT_TRUE(alone.ok());
    EXPECT_NEAR(mix->single_source_mmd2[s], alone->mmd2, 1e-10) << s;
  }
}

TEST(SourceMix, RandomFeaturesAgreeWithTheExactEstimator) {
  const ThreeSources data = three_sources(200, 600, 1100);
  auto exact = source_mix(data.train, data.source, 3, {}, data.target);
  MixOptions o;
  o.exact_max_rows = 0;
  auto rff = source_mix(data.train, data.source, 3, {}, data.target, o);
  ASSERT_TRUE(exact.ok() && rff.ok()) << rff.status().to_string();
  EXPECT_EQ(rff->estimator, "rff");
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(rff->proportions[s], exact->proportions[s], 0.03) << s;
    EXPECT_NEAR(rff->single_source_mmd2[s], exact->single_source_mmd2[s],
                0.15 * exact->single_source_mmd2[s])
        << s;
  }
}

TEST(SourceMix, SubsamplesLargeSourcesAndTargets) {
  const ThreeSources data = three_sources(250, 900, 1100);
  MixOptions o;
  o.max_rows_per_source = 150;
  o.max_target_rows = 300;
  auto mix = source_mix(data.train, data.source, 3, {}, data.target, o);
  ASSERT_TRUE(mix.ok()) << mix.status().to_string();
  EXPECT_EQ(mix->estimator, "exact");
  EXPECT_EQ(mix->source_rows, (std::vector<std::size_t>{250, 250, 250}));
  EXPECT_NEAR(mix->proportions[0], 0.2, 0.07);
  EXPECT_NEAR(mix->proportions[1], 0.5, 0.07);
  EXPECT_NEAR(mix->proportions[2], 0.3, 0.07);
  // Seeded: the same call gives the same answer.
  auto again = source_mix(data.train, data.source, 3, {}, data.target, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->proportions, mix->proportions);
  EXPECT_EQ(again->gram, mix->gram);
}

TEST(SourceMix, AgreesWithNumpyAndSlsqp) {
  const std::optional<std::string> python =
      fixtures::oracle_python("numpy, scipy.optimize, scipy.spatial");
  if (!python) {
    GTEST_SKIP() << "no python3 with numpy and scipy: skipping tests/oracles/source_mix.py";
  }
  ThreeSources data = three_sources(120, 200, 1200);
  // Base weights: varied, one zero; source 2's all zero (its rows then count equally).
  std::vector<double> base(data.train.rows);
  for (std::size_t i = 0; i < base.size(); ++i) {
    base[i] = data.source[i] == 2 ? 0.0 : 0.5 + static_cast<double>(i % 3);
  }
  base[4] = 0.0;
  auto mix = source_mix(data.train, data.source, 3, base, data.target);
  ASSERT_TRUE(mix.ok()) << mix.status().to_string();
  const nlohmann::json input = {{"train", fixtures::rows_json(data.train)},
                                {"source", data.source},
                                {"source_count", 3},
                                {"base_weights", base},
                                {"target", fixtures::rows_json(data.target)},
                                {"bandwidth", mix->bandwidth}};
  const nlohmann::json oracle = fixtures::run_oracle(*python, "source_mix.py", input);
  ASSERT_TRUE(oracle.is_object());
  const std::vector<double> gram = oracle["gram"].get<std::vector<double>>();
  const std::vector<double> affinity = oracle["affinity"].get<std::vector<double>>();
  const std::vector<double> proportions = oracle["proportions"].get<std::vector<double>>();
  ASSERT_EQ(gram.size(), 9u);
  for (std::size_t e = 0; e < 9; ++e) EXPECT_NEAR(mix->gram[e], gram[e], 1e-12) << e;
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(mix->affinity[s], affinity[s], 1e-12) << s;
    EXPECT_NEAR(mix->proportions[s], proportions[s], 1e-4) << s;
  }
  EXPECT_NEAR(mix->target_self, oracle["target_self"].get<double>(), 1e-12);
  EXPECT_NEAR(mix->mmd2, oracle["mmd2"].get<double>(), 1e-8);
  // The current mix: sources 0 and 1 by their base weight, source 2 none.
  EXPECT_EQ(mix->current_proportions[2], 0.0);
}

TEST(SourceMix, RejectsBadInputs) {
  const ThreeSources data = three_sources(10, 10, 1300);
  expect_invalid(
      source_mix(data.train, std::vector<std::size_t>(5, 0), 3, {}, data.target).status(),
      "source_mix: 5 source labels for 30 train rows");
  std::vector<std::size_t> labels = data.source;
  labels[12] = 3;
  expect_invalid(source_mix(data.train, labels, 3, {}, data.target).status(),
                 "source_mix: train row 12 has source 3: expected < 3");
  expect_invalid(source_mix(data.train, data.source, 4, {}, data.target).status(),
                 "source_mix: source 3 has no rows");
  expect_invalid(source_mix(data.train, data.source, 0, {}, data.target).status(),
                 "source_mix: source_count is 0");
  MixOptions o;
  o.rff_features = 0;
  expect_invalid(source_mix(data.train, data.source, 3, {}, data.target, o).status(),
                 "source_mix: rff_features is 0");
  o = {};
  o.bandwidth = -1;
  expect_invalid(source_mix(data.train, data.source, 3, {}, data.target, o).status(),
                 "source_mix: bandwidth is -1");
}

TEST(SourceMix, ASingleRowSourceKeepsTheVStatistic) {
  const ThreeSources data = three_sources(10, 10, 1300);
  std::vector<double> base(30, 1.0);
  for (std::size_t i = 10; i < 19; ++i) base[i] = 0.0;  // source 1: row 19 only
  auto mix = source_mix(data.train, data.source, 3, base, data.target);
  ASSERT_TRUE(mix.ok()) << mix.status().to_string();
  EXPECT_EQ(mix->gram[4], 1.0);
  EXPECT_NEAR(mix->current_proportions[1], 1.0 / 21.0, 1e-15);
}

TEST(MixRowWeights, RealiseTheProportions) {
  const std::vector<std::size_t> source = {0, 0, 1, 1, 1, 2};
  const std::vector<double> base = {1, 3, 0, 0, 0, 2};
  // Source 1 has no base weight: its rows share its proportion equally.
  auto w = mix_row_weights(source, 3, base, std::vector<double>{0.5, 0.3, 0.2});
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  const std::vector<double> expected = {0.5 * 0.25 * 6, 0.5 * 0.75 * 6, 0.1 * 6,
                                        0.1 * 6,        0.1 * 6,        0.2 * 6};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR((*w)[i], expected[i], 1e-14) << i;
  expect_invalid(mix_row_weights(source, 3, base, std::vector<double>{1, 0}).status(),
                 "mix_row_weights: 2 proportions for 3 sources");
  expect_invalid(mix_row_weights(source, 3, base, std::vector<double>{1, -1, 0}).status(),
                 "mix_row_weights: proportion 1 is -1: expected a finite value >= 0");
  expect_invalid(mix_row_weights(source, 3, base, std::vector<double>{0, 0, 0}).status(),
                 "mix_row_weights: proportions sum to 0");
  expect_invalid(mix_row_weights(source, 4, {}, std::vector<double>{0, 0, 0, 1}).status(),
                 "mix_row_weights: source 3 has proportion 1 but no rows");
}

}  // namespace
}  // namespace parity::plan
