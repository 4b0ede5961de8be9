// Binomial intervals: published / SciPy values at the edges, symmetry, errors, and the special
// functions underneath (the random cross-check against SciPy is in oracle_test.cc).
#include "parity/evaluation/intervals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "evaluation/stats/special.h"

namespace parity::eval {
namespace {

TEST(Intervals, EdgesAsTheLiteratureDefinesThem) {
  // 0 of 10 at 95%: Wilson upper z^2 / (n + z^2) (SciPy norm.ppf), Clopper-Pearson upper
  // 1 - 0.025^(1/10), Jeffreys upper the 0.975 quantile of Beta(0.5, 10.5); lower bounds 0.
  const Interval wilson = *wilson_interval(0, 10);
  EXPECT_EQ(wilson.low, 0.0);
  EXPECT_NEAR(wilson.high, 0.2775327998628892, 1e-14);
  const Interval cp = *clopper_pearson_interval(0, 10);
  EXPECT_EQ(cp.low, 0.0);
  EXPECT_NEAR(cp.high, 0.30849710781876083, 1e-14);
  const Interval jeffreys = *jeffreys_interval(0, 10);
  EXPECT_EQ(jeffreys.low, 0.0);
  EXPECT_NEAR(jeffreys.high, 0.21719626750921053, 1e-13);
  // k = n mirrors k = 0.
  for (const IntervalMethod method :
       {IntervalMethod::kWilson, IntervalMethod::kClopperPearson, IntervalMethod::kJeffreys}) {
    const Interval zero = *binomial_interval(0, 10, 0.95, method);
    const Interval all = *binomial_interval(10, 10, 0.95, method);
    EXPECT_EQ(all.high, 1.0);
    EXPECT_NEAR(all.low, 1.0 - zero.high, 1e-14) << interval_method_name(method);
  }
}

TEST(Intervals, SymmetricInKAndNMinusKAndNested) {
  for (const IntervalMethod method :
       {IntervalMethod::kWilson, IntervalMethod::kClopperPearson, IntervalMethod::kJeffreys}) {
    for (std::int64_t n : {1, 2, 7, 50, 199}) {
      for (std::int64_t k = 0; k <= n; k += std::max<std::int64_t>(1, n / 9)) {
        const Interval x = *binomial_interval(k, n, 0.9, method);
        const Interval y = *binomial_interval(n - k, n, 0.9, method);
        EXPECT_NEAR(x.low, 1.0 - y.high, 1e-12) << interval_method_name(method) << k << "/" << n;
        EXPECT_NEAR(x.high, 1.0 - y.low, 1e-12) << interval_method_name(method) << k << "/" << n;
        const double rate = static_cast<double>(k) / static_cast<double>(n);
        EXPECT_LE(x.low, rate);
        EXPECT_GE(x.high, rate);
        const Interval wide = *binomial_interval(k, n, 0.99, method);
        EXPECT_LE(wide.low, x.low);
        EXPECT_GE(wide.high, x.high);
      }
    }
  }
}

TEST(Intervals, ProportionAndNames) {
  const Proportion p = *proportion(15, 18, 0.95, IntervalMethod::kJeffreys);
  EXPECT_EQ(p.k, 15);
  EXPECT_EQ(p.n, 18);
  EXPECT_DOUBLE_EQ(p.rate, 15.0 / 18.0);
  EXPECT_NEAR(p.interval.low, 0.6186, 5e-5);  // stats_reference.csv kg_ex6 jeffreys95_a_lo
  EXPECT_EQ(p.method, IntervalMethod::kJeffreys);
  EXPECT_EQ(parse_interval_method("clopper_pearson").value(), IntervalMethod::kClopperPearson);
  EXPECT_EQ(interval_method_name(IntervalMethod::kWilson), "wilson");
  EXPECT_NE(parse_interval_method("wald").status().message().find("got 'wald'"), std::string::npos);
}

TEST(Intervals, Errors) {
  EXPECT_NE(wilson_interval(0, 0).status().message().find("wilson: n must be at least 1, got 0"),
            std::string::npos);
  EXPECT_NE(clopper_pearson_interval(11, 10).status().message().find(
                "clopper_pearson: k must lie in [0, n] = [0, 10], got 11"),
            std::string::npos);
  EXPECT_EQ(jeffreys_interval(-1, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wilson_interval(1, 10, 1.0).status().message().find("confidence must lie in (0, 1)"),
            std::string::npos);
  EXPECT_EQ(wilson_interval(1, 10, std::numeric_limits<double>::quiet_NaN()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(proportion(1, 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(SpecialFunctions, QuantilesAndIncompleteBeta) {
  EXPECT_NEAR(special::normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(special::normal_quantile(0.025), -1.959963984540054, 1e-15);
  EXPECT_NEAR(special::normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(special::normal_quantile(0.5), 0.0, 1e-16);
  // I_x(1, 1) = x; I_x(a, b) = 1 - I_(1-x)(b, a); I_x(a, 1) = x^a.
  EXPECT_NEAR(special::incomplete_beta(1.0, 1.0, 0.3), 0.3, 1e-15);
  EXPECT_NEAR(special::incomplete_beta(2.5, 7.0, 0.2),
              1.0 - special::incomplete_beta(7.0, 2.5, 0.8), 1e-14);
  EXPECT_NEAR(special::incomplete_beta(3.0, 1.0, 0.7), 0.343, 1e-14);
  for (const double p : {1e-12, 0.025, 0.5, 0.975, 1.0 - 1e-9}) {
    const double x = special::inverse_incomplete_beta(20.5, 180.5, p);
    EXPECT_NEAR(special::incomplete_beta(20.5, 180.5, x), p, 1e-13 + 1e-12 * p) << p;
  }
  EXPECT_EQ(special::inverse_incomplete_beta(2.0, 3.0, 0.0), 0.0);
  EXPECT_EQ(special::inverse_incomplete_beta(2.0, 3.0, 1.0), 1.0);
  // P(X >= 3), X ~ Binomial(4, 1/2) = 5 / 16.
  EXPECT_NEAR(special::binomial_upper_tail(3, 4, 0.5), 5.0 / 16.0, 1e-15);
  EXPECT_EQ(special::binomial_upper_tail(0, 4, 0.5), 1.0);
  EXPECT_EQ(special::binomial_upper_tail(5, 4, 0.5), 0.0);
}

}  // namespace
}  // namespace parity::eval
