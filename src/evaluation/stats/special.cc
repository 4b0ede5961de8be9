#include "evaluation/stats/special.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace parity::eval::special {

long double log_choose(std::int64_t n, std::int64_t k) {
  const auto nn = static_cast<long double>(n);
  const auto kk = static_cast<long double>(k);
  return std::lgamma(nn + 1.0L) - std::lgamma(kk + 1.0L) - std::lgamma(nn - kk + 1.0L);
}

long double log_beta(long double a, long double b) {
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

namespace {

// Lower-tail quantile for p <= 1/2.
double lower_normal_quantile(double p) {
  const double t = std::sqrt(-2.0 * std::log(p));
  double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  const double sqrt_2pi = std::sqrt(2.0 * std::numbers::pi);
  for (int i = 0; i < 50; ++i) {
    const double e = normal_cdf(x) - p;
    const double u = e * sqrt_2pi * std::exp(0.5 * x * x);
    const double step = u / (1.0 + 0.5 * x * u);
    x -= step;
    if (std::fabs(step) <= 1e-15 * std::max(1.0, std::fabs(x))) break;
  }
  return x;
}

// The continued fraction of I_x(a, b) (without its prefactor), modified Lentz.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m_d = m;
    const double m2 = 2.0 * m_d;
    double aa = m_d * (b - m_d) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m_d) * (qab + m_d) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kEps) break;
  }
  return h;
}

// x^a (1 - x)^b / (a B(a, b)) in log space.
double beta_prefactor(double a, double b, double x) {
  const long double log_front =
      static_cast<long double>(a) * std::log(static_cast<long double>(x)) +
      static_cast<long double>(b) * std::log1p(-static_cast<long double>(x)) - log_beta(a, b) -
      std::log(static_cast<long double>(a));
  return static_cast<double>(std::exp(log_front));
}

}  // namespace

double normal_quantile(double p) {
  if (p <= 0.5) return lower_normal_quantile(p);
  return -lower_normal_quantile(1.0 - p);
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  if (x < (a + 1.0) / (a + b + 2.0))
    return beta_prefactor(a, b, x) * beta_continued_fraction(a, b, x);
  return 1.0 - beta_prefactor(b, a, 1.0 - x) * beta_continued_fraction(b, a, 1.0 - x);
}

double inverse_incomplete_beta(double a, double b, double p) {
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  double lo = 0.0;
  double hi = 1.0;
  // Start at the mean; Newton then bisection safeguards.
  double x = a / (a + b);
  const long double log_norm = log_beta(a, b);
  for (int iteration = 0; iteration < 400; ++iteration) {
    const double f = incomplete_beta(a, b, x) - p;
    if (f == 0.0) return x;
    if (f < 0.0) {
      lo = x;
    } else {
      hi = x;
    }
    if (hi - lo < 1e-15 * std::max(1e-300, std::min(1.0, hi))) break;
    const long double log_pdf =
        (static_cast<long double>(a) - 1.0L) * std::log(static_cast<long double>(x)) +
        (static_cast<long double>(b) - 1.0L) * std::log1p(-static_cast<long double>(x)) - log_norm;
    const double pdf = static_cast<double>(std::exp(log_pdf));
    double next = 0.5 * (lo + hi);
    if (pdf > 0.0 && std::isfinite(pdf)) {
      const double newton = x - f / pdf;
      if (newton > lo && newton < hi) next = newton;
    }
    if (std::fabs(next - x) <= 1e-16 * x) {
      x = next;
      break;
    }
    x = next;
  }
  return x;
}

double binomial_upper_tail(std::int64_t f, std::int64_t n, double p) {
  if (f <= 0) return 1.0;
  if (f > n) return 0.0;
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  return incomplete_beta(static_cast<double>(f), static_cast<double>(n - f + 1), p);
}

}  // namespace parity::eval::special
