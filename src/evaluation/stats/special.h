// Special functions behind the parity::eval statistics (private to the stage).
#pragma once

#include <cstdint>

namespace parity::eval::special {

// log C(n, k) for 0 <= k <= n, in long double (lgammal; absolute error ~1e-16 x log n!).
long double log_choose(std::int64_t n, std::int64_t k);

// log B(a, b) for a, b > 0.
long double log_beta(long double a, long double b);

// Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2.
double normal_cdf(double x);

// Phi^-1(p) for p in (0, 1): the Abramowitz & Stegun 26.2.23 start refined by Halley steps on
// erfc until the step is below 1e-15 |x| (about machine precision in the lower tail; for
// p > 1/2 evaluated as -Phi^-1(1 - p)). Precondition: 0 < p < 1.
double normal_quantile(double p);

// Regularized incomplete beta I_x(a, b) for a, b > 0, x in [0, 1]: the continued fraction
// (modified Lentz) for x < (a + 1) / (a + b + 2), else 1 - I_(1-x)(b, a). Relative error about
// 1e-14 for a, b up to a few thousand.
double incomplete_beta(double a, double b, double x);

// The x in [0, 1] with I_x(a, b) = p: Newton steps on I inside a bisection bracket that every
// evaluation narrows, until the bracket is below 1e-15 or the Newton step below 1e-16 x.
// p = 0 gives 0, p = 1 gives 1. Precondition: a, b > 0, 0 <= p <= 1.
double inverse_incomplete_beta(double a, double b, double p);

// P(X >= f) for X ~ Binomial(n, p): I_p(f, n - f + 1) (1 for f <= 0, 0 for f > n).
double binomial_upper_tail(std::int64_t f, std::int64_t n, double p);

}  // namespace parity::eval::special
