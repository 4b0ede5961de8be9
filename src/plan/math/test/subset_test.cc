// Subset selection: herding beats random subsets of the same size at every budget tested; the
// greedy sequence and its MMD^2 path against a NumPy re-implementation (tests/oracles/herding.py);
// candidates, subsampling and errors.
#include "parity/plan/subset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "plan/math/test/plan_fixtures.h"

namespace parity::plan {
namespace {

using fixtures::expect_invalid;

// Training: 70% N(0, I) and 30% N(3 e_0, I) in d = 3; target N(0.7 e_0, I).
struct Data {
  Matrix train;
  Matrix target;
};

Data shifted_data() {
  Data out;
  out.train = fixtures::mixture(1000, 3, {{0.0}, {3.0}}, {0.7, 0.3}, 1401);
  out.target = fixtures::normal(500, 3, {0.7}, 1402);
  return out;
}

TEST(SelectSubset, HerdingBeatsRandomSubsetsAtEveryBudget) {
  const Data data = shifted_data();
  for (const std::size_t budget : {10u, 50u, 200u}) {
    SCOPED_TRACE(budget);
    auto r = select_subset(data.train, {}, data.target, budget);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(r->rows.size(), budget);
    EXPECT_EQ(std::set<std::size_t>(r->rows.begin(), r->rows.end()).size(), budget);
    EXPECT_EQ(r->mmd2_by_size.size(), budget);
    EXPECT_EQ(r->mmd2_by_size.back(), r->mmd2);
    EXPECT_LT(r->mmd2, r->random_mean);
    EXPECT_LT(r->mmd2, r->random_p05);
    EXPECT_EQ(r->beats_random, 1.0);
    EXPECT_EQ(r->random_subsets, 50u);
    EXPECT_LE(r->random_p05, r->random_mean);
    EXPECT_LE(r->random_mean, r->random_p95);
    EXPECT_EQ(r->target_rows, 500u);
  }
}

TEST(SelectSubset, AgreesWithNumpy) {
  const std::optional<std::string> python = fixtures::oracle_python("numpy, scipy.spatial");
  if (!python) {
    GTEST_SKIP() << "no python3 with numpy and scipy: skipping tests/oracles/herding.py";
  }
  const Matrix train = fixtures::mixture(250, 2, {{0.0}, {2.5, 1.0}}, {0.6, 0.4}, 1501);
  const Matrix target = fixtures::normal(150, 2, {1.0}, 1502);
  SubsetOptions o;
  o.random_subsets = 0;
  auto r = select_subset(train, {}, target, 40, o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(std::isnan(r->random_mean));
  const nlohmann::json input = {{"train", fixtures::rows_json(train)},
                                {"target", fixtures::rows_json(target)},
                                {"bandwidth", r->bandwidth},
                                {"budget", 40}};
  const nlohmann::json oracle = fixtures::run_oracle(*python, "herding.py", input);
  ASSERT_TRUE(oracle.is_object());
  EXPECT_EQ(r->rows, oracle["rows"].get<std::vector<std::size_t>>());
  const std::vector<double> path = oracle["mmd2_by_size"].get<std::vector<double>>();
  ASSERT_EQ(path.size(), r->mmd2_by_size.size());
  for (std::size_t t = 0; t < path.size(); ++t) {
    EXPECT_NEAR(r->mmd2_by_size[t], path[t], 1e-12) << t;
  }
}

TEST(SelectSubset, ChoosesOnlyRowsOfNonZeroBaseWeightAndSubsamplesTheTarget) {
  const Data data = shifted_data();
  std::vector<double> base(data.train.rows, 1.0);
  for (std::size_t i = 0; i < base.size(); i += 2) base[i] = 0.0;
  SubsetOptions o;
  o.max_target_rows = 300;
  o.random_subsets = 10;
  auto r = select_subset(data.train, base, data.target, 30, o);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  for (const std::size_t row : r->rows) EXPECT_EQ(row % 2, 1u) << row;
  EXPECT_EQ(r->target_rows, 300u);
  EXPECT_EQ(r->random_subsets, 10u);
  EXPECT_LT(r->mmd2, r->random_mean);
  // Seeded: the same call gives the same rows and the same baseline.
  auto again = select_subset(data.train, base, data.target, 30, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows, r->rows);
  EXPECT_EQ(again->random_mean, r->random_mean);
}

TEST(SelectSubset, RejectsBadInputs) {
  const Matrix train = fixtures::normal(10, 2, {}, 1);
  const Matrix target = fixtures::normal(10, 2, {}, 2);
  expect_invalid(select_subset(train, {}, target, 0).status(),
                 "select_subset: budget is 0: expected between 1 and the 10 train rows of "
                 "non-zero weight");
  std::vector<double> base(10, 1.0);
  base[3] = 0.0;
  expect_invalid(select_subset(train, base, target, 10).status(),
                 "select_subset: budget is 10: expected between 1 and the 9 train rows");
  expect_invalid(select_subset(train, {}, Matrix{1, 2, {0, 0}}, 2).status(),
                 "select_subset: needs at least 2 target rows, found 1");
  expect_invalid(select_subset(Matrix{10, 3, train.values}, {}, target, 2).status(),
                 "select_subset: train holds 20 values: expected 10 rows x 3 columns");
  SubsetOptions o;
  o.bandwidth = -2;
  expect_invalid(select_subset(train, {}, target, 2, o).status(), "select_subset: bandwidth is -2");
  o = {};
  o.max_target_rows = 1;
  expect_invalid(select_subset(train, {}, target, 2, o).status(),
                 "select_subset: max_target_rows is 1: expected at least 2");
}

}  // namespace
}  // namespace parity::plan
