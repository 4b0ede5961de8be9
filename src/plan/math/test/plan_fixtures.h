// Seeded synthetic samples and the oracle runner shared by the plan-math tests.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parity/multivariate/random.h"
#include "parity/parity/multivariate.h"
#include "testing/oracle.h"
#include "testing/python.h"
#include "testing/testing.h"

namespace parity::plan::fixtures {

using compare::Matrix;

// `status` is kInvalidArgument and its message contains `text`.
inline void expect_invalid(const Status& status, const std::string& text) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.to_string();
  EXPECT_THAT(status.message(), ::testing::HasSubstr(text));
}

// rows x cols draws of N(mean, I): column c has mean mean[c] (0 beyond mean.size()).
inline Matrix normal(std::size_t rows, std::size_t cols, const std::vector<double>& mean,
                     std::uint64_t seed) {
  compare::detail::Rng rng(seed);
  Matrix m{rows, cols, std::vector<double>(rows * cols)};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      m.values[r * cols + c] = rng.normal() + (c < mean.size() ? mean[c] : 0.0);
    }
  }
  return m;
}

// Rows drawn from component s (N(centres[s], I)) with probability shares[s]; `component` gets
// each row's component.
inline Matrix mixture(std::size_t rows, std::size_t cols,
                      const std::vector<std::vector<double>>& centres,
                      const std::vector<double>& shares, std::uint64_t seed,
                      std::vector<std::size_t>* component = nullptr) {
  compare::detail::Rng rng(seed);
  Matrix m{rows, cols, std::vector<double>(rows * cols)};
  for (std::size_t r = 0; r < rows; ++r) {
    double u = rng.uniform();
    std::size_t s = 0;
    while (s + 1 < shares.size() && u >= shares[s]) u -= shares[s++];
    if (component != nullptr) component->push_back(s);
    for (std::size_t c = 0; c < cols; ++c) {
      m.values[r * cols + c] = rng.normal() + (c < centres[s].size() ? centres[s][c] : 0.0);
    }
  }
  return m;
}

inline nlohmann::json rows_json(const Matrix& m) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t r = 0; r < m.rows; ++r) {
    const std::span<const double> row = m.row(r);
    out.push_back(std::vector<double>(row.begin(), row.end()));
  }
  return out;
}

// A python3 that imports `imports` (NumPy and SciPy modules), or nullopt (the caller skips).
inline std::optional<std::string> oracle_python(std::string_view imports) {
  return parity::testing::python_with(imports);
}

// Runs tests/oracles/<script> on `input` and returns its JSON output.
inline nlohmann::json run_oracle(const std::string& python, const std::string& script,
                                 const nlohmann::json& input) {
  namespace fs = std::filesystem;
  const fs::path path =
      fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path().parent_path() /
      "tests" / "oracles" / script;
  EXPECT_TRUE(fs::exists(path)) << path;
  parity::testing::TempDir dir;
  const fs::path file = dir / "input.json";
  std::ofstream(file) << input.dump();
  const std::string command = parity::testing::shell_quote(python) + " " +
                              parity::testing::shell_quote(path.string()) + " " +
                              parity::testing::shell_quote(file.string());
  return parity::testing::run_json_oracle(command);
}

// Weighted mean of column c.
inline double weighted_mean(const Matrix& m, std::span<const double> w, std::size_t c) {
  double sum = 0.0, total = 0.0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double wr = w.empty() ? 1.0 : w[r];
    sum += wr * m.at(r, c);
    total += wr;
  }
  return sum / total;
}

// Weighted q-quantile of column c: the smallest value whose cumulative weight share reaches q.
inline double weighted_quantile(const Matrix& m, std::span<const double> w, std::size_t c,
                                double q) {
  std::vector<std::pair<double, double>> v;
  double total = 0.0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double wr = w.empty() ? 1.0 : w[r];
    v.emplace_back(m.at(r, c), wr);
    total += wr;
  }
  std::sort(v.begin(), v.end());
  double cumulative = 0.0;
  for (const auto& [x, wr] : v) {
    cumulative += wr;
    if (cumulative >= q * total) return x;
  }
  return v.back().first;
}

}  // namespace parity::plan::fixtures
