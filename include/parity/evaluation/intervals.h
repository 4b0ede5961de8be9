// Confidence intervals for a binomial proportion k / n (one slice's success rate).
//
// Conventions shared by the parity::eval statistics: counts are std::int64_t, a confidence is
// the two-sided level in (0, 1) (0.95 -> alpha = 0.05, alpha / 2 in each tail), and every
// input-dependent failure is a kInvalidArgument Status whose message names the function and the
// offending value.
#pragma once

#include <cstdint>
#include <string_view>

#include "parity/core/status.h"

namespace parity::eval {

enum class IntervalMethod : std::uint8_t {
  kWilson,          // score interval (Wilson 1927); the default everywhere a rate is shown
  kClopperPearson,  // exact, by inverting two one-sided binomial tests (Clopper & Pearson 1934)
  kJeffreys,        // equal-tailed Beta(k + 1/2, n - k + 1/2) posterior interval
};

// "wilson", "clopper_pearson", "jeffreys".
std::string_view interval_method_name(IntervalMethod method);
// Parses the names above. Error: any other text (kInvalidArgument naming it).
Result<IntervalMethod> parse_interval_method(std::string_view name);

struct Interval {
  double low = 0.0;
  double high = 0.0;
};

// A rate with its interval: what a table row shows instead of a bare percentage.
struct Proportion {
  std::int64_t k = 0;
  std::int64_t n = 0;
  double rate = 0.0;  // k / n
  Interval interval;
  IntervalMethod method = IntervalMethod::kWilson;
  double confidence = 0.95;
};

// Wilson: z = Phi^-1(1 - alpha / 2), centre (k + z^2 / 2) / (n + z^2), half-width
// z sqrt(n) / (n + z^2) sqrt(p (1 - p) + z^2 / (4 n)); the bound at k = 0 is exactly 0 and at
// k = n exactly 1 (the formula's values there, without rounding noise).
// Clopper-Pearson: low = B^-1(alpha / 2; k, n - k + 1), high = B^-1(1 - alpha / 2; k + 1, n - k),
// with low = 0 at k = 0 and high = 1 at k = n; at k = 0 the upper bound is 1 - (alpha / 2)^(1/n).
// Jeffreys: the alpha / 2 and 1 - alpha / 2 quantiles of Beta(k + 1/2, n - k + 1/2), with
// low = 0 at k = 0 and high = 1 at k = n (Brown, Cai & DasGupta 2001, section 4.1.2).
// B^-1 is the inverse regularized incomplete beta function, accurate to about 1e-14.
// Errors (kInvalidArgument): n <= 0, k < 0, k > n, confidence not in (0, 1).
Result<Interval> binomial_interval(std::int64_t k, std::int64_t n, double confidence = 0.95,
                                   IntervalMethod method = IntervalMethod::kWilson);
Result<Interval> wilson_interval(std::int64_t k, std::int64_t n, double confidence = 0.95);
Result<Interval> clopper_pearson_interval(std::int64_t k, std::int64_t n, double confidence = 0.95);
Result<Interval> jeffreys_interval(std::int64_t k, std::int64_t n, double confidence = 0.95);

// k / n with its interval. Errors as binomial_interval().
Result<Proportion> proportion(std::int64_t k, std::int64_t n, double confidence = 0.95,
                              IntervalMethod method = IntervalMethod::kWilson);

}  // namespace parity::eval
