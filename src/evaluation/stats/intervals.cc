#include "parity/evaluation/intervals.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "evaluation/stats/special.h"

namespace parity::eval {

namespace {

Status check_binomial(std::string_view function, std::int64_t k, std::int64_t n,
                      double confidence) {
  if (n <= 0) {
    return invalid_argument(std::string(function) + ": n must be at least 1, got " +
                            std::to_string(n));
  }
  if (k < 0 || k > n) {
    return invalid_argument(std::string(function) + ": k must lie in [0, n] = [0, " +
                            std::to_string(n) + "], got " + std::to_string(k));
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return invalid_argument(std::string(function) + ": confidence must lie in (0, 1), got " +
                            std::to_string(confidence));
  }
  return {};
}

Interval wilson(std::int64_t k, std::int64_t n, double confidence) {
  const double alpha = 1.0 - confidence;
  const double z = -special::normal_quantile(alpha / 2.0);
  const double nd = static_cast<double>(n);
  const double p = static_cast<double>(k) / nd;
  const double z2 = z * z;
  const double centre = (static_cast<double>(k) + z2 / 2.0) / (nd + z2);
  const double half = z * std::sqrt(nd) / (nd + z2) * std::sqrt(p * (1.0 - p) + z2 / (4.0 * nd));
  Interval interval{std::max(0.0, centre - half), std::min(1.0, centre + half)};
  if (k == 0) interval.low = 0.0;
  if (k == n) interval.high = 1.0;
  return interval;
}

Interval clopper_pearson(std::int64_t k, std::int64_t n, double confidence) {
  const double alpha = 1.0 - confidence;
  const auto kd = static_cast<double>(k);
  const auto nd = static_cast<double>(n);
  Interval interval{0.0, 1.0};
  if (k > 0) interval.low = special::inverse_incomplete_beta(kd, nd - kd + 1.0, alpha / 2.0);
  if (k < n) {
    interval.high = special::inverse_incomplete_beta(kd + 1.0, nd - kd, 1.0 - alpha / 2.0);
  }
  return interval;
}

Interval jeffreys(std::int64_t k, std::int64_t n, double confidence) {
  const double alpha = 1.0 - confidence;
  const double a = static_cast<double>(k) + 0.5;
  const double b = static_cast<double>(n - k) + 0.5;
  Interval interval{0.0, 1.0};
  if (k > 0) interval.low = special::inverse_incomplete_beta(a, b, alpha / 2.0);
  if (k < n) interval.high = special::inverse_incomplete_beta(a, b, 1.0 - alpha / 2.0);
  return interval;
}

}  // namespace

std::string_view interval_method_name(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::kWilson: return "wilson";
    case IntervalMethod::kClopperPearson: return "clopper_pearson";
    case IntervalMethod::kJeffreys: return "jeffreys";
  }
  return "wilson";
}

Result<IntervalMethod> parse_interval_method(std::string_view name) {
  for (const IntervalMethod method :
       {IntervalMethod::kWilson, IntervalMethod::kClopperPearson, IntervalMethod::kJeffreys}) {
    if (name == interval_method_name(method)) return method;
  }
  return invalid_argument("interval method: expected wilson, clopper_pearson or jeffreys, got '" +
                          std::string(name) + "'");
}

Result<Interval> binomial_interval(std::int64_t k, std::int64_t n, double confidence,
                                   IntervalMethod method) {
  PARITY_RETURN_IF_ERROR(check_binomial(interval_method_name(method), k, n, confidence));
  switch (method) {
    case IntervalMethod::kWilson: return wilson(k, n, confidence);
    case IntervalMethod::kClopperPearson: return clopper_pearson(k, n, confidence);
    case IntervalMethod::kJeffreys: return jeffreys(k, n, confidence);
  }
  return wilson(k, n, confidence);
}

Result<Interval> wilson_interval(std::int64_t k, std::int64_t n, double confidence) {
  return binomial_interval(k, n, confidence, IntervalMethod::kWilson);
}

Result<Interval> clopper_pearson_interval(std::int64_t k, std::int64_t n, double confidence) {
  return binomial_interval(k, n, confidence, IntervalMethod::kClopperPearson);
}

Result<Interval> jeffreys_interval(std::int64_t k, std::int64_t n, double confidence) {
  return binomial_interval(k, n, confidence, IntervalMethod::kJeffreys);
}

Result<Proportion> proportion(std::int64_t k, std::int64_t n, double confidence,
                              IntervalMethod method) {
  PARITY_ASSIGN_OR_RETURN(const Interval interval, binomial_interval(k, n, confidence, method));
  return Proportion{k,        n,      static_cast<double>(k) / static_cast<double>(n),
                    interval, method, confidence};
}

}  // namespace parity::eval
