// The multivariate tests against an independent implementation (tests/oracles/multivariate.py:
// SciPy / NumPy for the bandwidth and MMD^2, scikit-learn LogisticRegression, roc_auc_score and
// NearestNeighbors, NumPy re-implementations of PRDC and DeLong) on seeded synthetic data of
// several shapes and sizes, weighted and not.
//
// Tolerances (same definitions on both sides; only rounding and solver stopping differ):
//   bandwidth: 1e-12 relative; MMD^2: 1e-10 absolute (sums of ~n^2 kernel values);
//   PRDC: recall, coverage and k exact (the same comparisons of the same distances; the shapes
//     include integer data with exact ties); precision and density 1e-12 (weighted sums);
//   p(target | x): 1e-6 absolute, coefficients 1e-5 absolute (both solvers stop near the same
//     optimum: ours at gradient max-norm 1e-9 x sum of weights, sklearn's newton-cholesky at
//     tol 1e-12); AUC and its DeLong interval: 1e-6 absolute.
#include "testing/oracle.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "parity/multivariate/test/synthetic.h"
#include "parity/parity/multivariate.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::compare {
namespace {

namespace fs = std::filesystem;
using synthetic::sample;
using synthetic::Shape;

nlohmann::json rows_json(const Matrix& m) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t r = 0; r < m.rows; ++r) {
    const std::span<const double> row = m.row(r);
    out.push_back(std::vector<double>(row.begin(), row.end()));
  }
  return out;
}

nlohmann::json run_oracle(const std::string& python, const fs::path& input) {
  const fs::path script =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / "multivariate.py";
  EXPECT_TRUE(fs::exists(script)) << script;
  const std::string command = parity::testing::shell_quote(python) + " " +
                              parity::testing::shell_quote(script.string()) + " " +
                              parity::testing::shell_quote(input.string());
  return testing::run_json_oracle(command);
}

struct Case {
  std::string name;
  Shape train_shape;
  double amount;
  std::size_t n, m, cols;
  bool weighted;
  Shape target_shape = Shape::kNormal;
  double target_amount = 0.0;
};

class MultivariateOracle : public ::testing::TestWithParam<Case> {};

TEST_P(MultivariateOracle, AgreesWithScipySklearnNumpy) {
  const std::optional<std::string> python =
      parity::testing::python_with("numpy, scipy.spatial, sklearn.linear_model");
  if (!python) {
    GTEST_SKIP() << "no python3 with numpy, scipy and sklearn (python3-numpy, python3-scipy, "
                    "python3-sklearn): skipping the cross-check against "
                    "tests/oracles/multivariate.py";
  }
  const Case& c = GetParam();
  const Matrix train = sample(c.train_shape, c.n, c.cols, c.amount, 1000 + c.n);
  const Matrix target = sample(c.target_shape, c.m, c.cols, c.target_amount, 2000 + c.m);
  std::vector<double> weights;
  if (c.weighted) {
    for (std::size_t i = 0; i < c.n; ++i)
      weights.push_back(i % 7 == 3 ? 0.0 : 0.5 + static_cast<double>(i % 5));
  }
  MmdOptions mmd_options;
  mmd_options.permutations = 20;
  mmd_options.bandwidth_subsample = c.n + c.m;  // the oracle takes the median over all pairs
  auto mmd = mmd_rbf(train, weights, target, mmd_options);
  ASSERT_TRUE(mmd.ok()) << mmd.status().to_string();
  ClassifierOptions classifier_options;
  auto classifier = domain_classifier(train, weights, target, classifier_options);
  ASSERT_TRUE(classifier.ok()) << classifier.status().to_string();
  auto knn = prdc(train, weights, target);
  ASSERT_TRUE(knn.ok()) << knn.status().to_string();

  const std::vector<std::uint32_t> folds =
      stratified_folds(c.n, c.m, classifier_options.folds, classifier_options.seed);
  nlohmann::json input = {{"train", rows_json(train)},
                          {"target", rows_json(target)},
                          {"folds", folds},
                          {"c", classifier_options.c},
                          {"quadratic_max_columns", classifier_options.quadratic_max_columns},
                          {"k", knn->k},
                          {"expected_coverage", 0.95}};
  input["weights"] = c.weighted ? nlohmann::json(weights) : nlohmann::json(nullptr);
  parity::testing::TempDir dir;
  const fs::path path = dir / "input.json";
  std::ofstream(path) << input.dump();
  const nlohmann::json oracle = run_oracle(*python, path);
  ASSERT_TRUE(oracle.is_object());

  EXPECT_NEAR(mmd->bandwidth, oracle["bandwidth"].get<double>(),
              1e-12 * oracle["bandwidth"].get<double>());
  EXPECT_NEAR(mmd->mmd2, oracle["mmd2"].get<double>(), 1e-10);

  EXPECT_EQ(knn->k, oracle["k_auto"].get<std::size_t>());
  EXPECT_NEAR(knn->precision, oracle["precision"].get<double>(), 1e-12);
  EXPECT_EQ(knn->recall, oracle["recall"].get<double>());
  EXPECT_NEAR(knn->density, oracle["density"].get<double>(), 1e-12);
  EXPECT_EQ(knn->coverage, oracle["coverage"].get<double>());

  EXPECT_NEAR(classifier->auc, oracle["auc"].get<double>(), 1e-6);
  EXPECT_NEAR(classifier->auc_ci.low, oracle["auc_ci"][0].get<double>(), 1e-6);
  EXPECT_NEAR(classifier->auc_ci.high, oracle["auc_ci"][1].get<double>(), 1e-6);
  const auto p_train = oracle["p_train"].get<std::vector<double>>();
  const auto p_target = oracle["p_target"].get<std::vector<double>>();
  ASSERT_EQ(p_train.size(), c.n);
  ASSERT_EQ(p_target.size(), c.m);
  double worst = 0.0;
  for (std::size_t i = 0; i < c.n; ++i) {
    worst = std::max(worst, std::abs(classifier->p_target_train[i] - p_train[i]));
  }
  for (std::size_t j = 0; j < c.m; ++j) {
    worst = std::max(worst, std::abs(classifier->p_target_target[j] - p_target[j]));
  }
  EXPECT_LT(worst, 1e-6);
  const auto coef = oracle["coef"].get<std::vector<double>>();
  ASSERT_GE(coef.size(), classifier->terms.size());
  // terms are ranked; find each one's position in the term order (linear, squares, products).
  for (const ClassifierTerm& term : classifier->terms) {
    std::size_t index = 0;
    if (term.other == ClassifierTerm::kLinearTerm) {
      index = term.column;
    } else if (term.other == term.column) {
      index = c.cols + term.column;
    } else {
      index = 2 * c.cols;
      for (std::size_t a = 0; a < term.column; ++a) index += c.cols - a - 1;
      index += term.other - term.column - 1;
    }
    EXPECT_NEAR(term.coefficient, coef[index], 1e-5) << index;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MultivariateOracle,
    ::testing::Values(Case{"normal_small", Shape::kNormal, 0, 12, 9, 2, false},
                      Case{"normal_weighted", Shape::kNormal, 0, 300, 250, 3, true},
                      Case{"mean_shift", Shape::kMeanShift, 0.7, 400, 350, 4, false},
                      Case{"scale_shift_weighted", Shape::kScaleShift, 1.8, 350, 300, 3, true},
                      Case{"correlation_flip", Shape::kCorrelation, -0.8, 300, 300, 2, false,
                           Shape::kCorrelation, 0.8},
                      Case{"heavy_tailed", Shape::kHeavyTailed, 0, 250, 200, 5, true},
                      Case{"discrete_ties", Shape::kDiscrete, 0, 200, 150, 3, false},
                      Case{"larger", Shape::kMeanShift, 0.2, 1500, 1200, 20, true}),
    [](const ::testing::TestParamInfo<Case>& test) { return test.param.name; });

}  // namespace
}  // namespace parity::compare
