// The intervals and two-policy tests against ../shared/bench/stats_reference.csv (published
// comparisons from Kress-Gazit et al. 2024, the TRI LBM Dryad data, AnkIle and SIMPLER), every
// row and every column to its printed precision: fixed-notation columns to half a unit in their
// last decimal, the %g p-value columns to half a unit in their sixth significant digit.
// Its Barnard and Boschloo columns were computed by SciPy on [[k_a, n_a - k_a], [k_b, n_b - k_b]]
// (policies as rows, so SciPy holds the success and failure totals fixed): they are reproduced
// with FixedMargins::kSuccessesAndFailures; the default margins give SciPy's values for the
// policies as columns (checked in oracle_test.cc).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "evaluation/stats/test/bench_csv.h"
#include "parity/evaluation/intervals.h"
#include "parity/evaluation/tests.h"
#include "testing/testing.h"

namespace parity::eval {
namespace {

struct Column {
  std::string name;
  bool significant_digits;  // a %g column
  std::function<double(Counts, Counts)> compute;
};

double value_of(const Result<double>& r) {
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : std::nan("");
}

double bound(Counts c, IntervalMethod method, bool high) {
  const Result<Interval> interval = binomial_interval(c.k, c.n, 0.95, method);
  EXPECT_TRUE(interval.ok()) << interval.status().to_string();
  if (!interval.ok()) return std::nan("");
  return high ? interval->high : interval->low;
}

std::vector<Column> columns() {
  std::vector<Column> out;
  out.push_back({"rate_a", false, [](Counts a, Counts) {
                   return static_cast<double>(a.k) / static_cast<double>(a.n);
                 }});
  out.push_back({"rate_b", false, [](Counts, Counts b) {
                   return static_cast<double>(b.k) / static_cast<double>(b.n);
                 }});
  const std::vector<std::pair<std::string, IntervalMethod>> methods = {
      {"wilson95", IntervalMethod::kWilson},
      {"cp95", IntervalMethod::kClopperPearson},
      {"jeffreys95", IntervalMethod::kJeffreys}};
  for (const auto& [prefix, method] : methods) {
    for (const bool side_b : {false, true}) {
      for (const bool high : {false, true}) {
        const std::string name =
            prefix + (side_b ? "_b" : "_a") + (high ? std::string("_hi") : std::string("_lo"));
        const IntervalMethod m = method;
        out.push_back({name, false, [m, side_b, high](Counts a, Counts b) {
                         return bound(side_b ? b : a, m, high);
                       }});
      }
    }
  }
  // The reference computed Barnard and Boschloo with the policies as the rows of SciPy's table
  // (see FixedMargins::kSuccessesAndFailures).
  UnconditionalOptions search;
  search.margins = FixedMargins::kSuccessesAndFailures;
  out.push_back({"fisher_two_sided_p", true,
                 [](Counts a, Counts b) { return value_of(fisher_exact_two_sided(a, b)); }});
  out.push_back({"barnard_two_sided_p(pooled,scipy n=200)", true, [search](Counts a, Counts b) {
                   return value_of(barnard_exact_two_sided(a, b, search));
                 }});
  out.push_back({"boschloo_two_sided_p(scipy n=200)", true, [search](Counts a, Counts b) {
                   return value_of(boschloo_exact_two_sided(a, b, search));
                 }});
  out.push_back({"pooled_z_two_sided_p", true, [](Counts a, Counts b) {
                   const Result<ZTest> z = pooled_z_test(a, b);
                   EXPECT_TRUE(z.ok());
                   return z.ok() ? z->p_value : std::nan("");
                 }});
  out.push_back({"bayes_P(p_b>p_a)|Beta(1,1) priors", false,
                 [](Counts a, Counts b) { return value_of(probability_b_better(a, b)); }});
  return out;
}

TEST(StatsReference, EveryRowAndColumnToPrintedPrecision) {
  PARITY_REQUIRE_SHARED_BENCH(path, "stats_reference.csv");
  const std::vector<test::CsvRow> rows = test::read_csv(path);
  ASSERT_EQ(rows.size(), 10u);
  std::map<std::string, double> worst;  // deviation in units of half the printed last place
  std::map<std::string, double> worst_abs;
  for (const test::CsvRow& row : rows) {
    const Counts a{std::stoll(row.at("k_a")), std::stoll(row.at("n_a"))};
    const Counts b{std::stoll(row.at("k_b")), std::stoll(row.at("n_b"))};
    for (const Column& column : columns()) {
      ASSERT_TRUE(row.contains(column.name)) << column.name;
      const std::string& printed = row.at(column.name);
      const double expected = std::stod(printed);
      const double half = test::printed_half_ulp(printed, column.significant_digits);
      const double ours = column.compute(a, b);
      const double deviation = std::fabs(ours - expected);
      EXPECT_LE(deviation, half * (1.0 + 1e-9))
          << row.at("id") << " " << column.name << ": printed " << printed << ", computed " << ours;
      worst[column.name] = std::max(worst[column.name], deviation / half);
      worst_abs[column.name] = std::max(worst_abs[column.name], deviation);
    }
  }
  for (const auto& [name, value] : worst) {
    std::cout << "  " << name << ": max |computed - printed| = " << worst_abs[name] << " (" << value
              << " of half the printed last place)\n";
  }
}

}  // namespace
}  // namespace parity::eval
