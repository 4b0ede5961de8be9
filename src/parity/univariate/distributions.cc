// Null distributions of the univariate tests: Kolmogorov-Smirnov (one- and two-sample) and
// chi-square. References next to each function; contracts in parity/parity/univariate.h.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

#include "parity/core/check.h"
#include "parity/parity/univariate.h"

namespace parity::compare {
namespace {

constexpr double kPi = std::numbers::pi;
// Matrix powers and long products rescale by 2^kScaleExponent to stay in range.
constexpr int kScaleExponent = 128;
const double kScaleUp = std::ldexp(1.0, kScaleExponent);
const double kScaleDown = std::ldexp(1.0, -kScaleExponent);
// n at and below which Simard & L'Ecuyer use exact methods throughout.
constexpr std::uint64_t kSmallN = 140;
// ks_2samp's 'auto' is exact up to this sample size.
constexpr std::size_t kMaxExactN = 10000;
// The exact recursion for n1 != n2 visits about 2 d n1 n2 lattice cells (a few ns each); above
// this many the p-value is below about 1e-60 (2 exp(-cells^2 / (2 n1 n2 (n1 + n2))) with
// n1, n2 <= kMaxExactN) and the asymptotic formula is used instead.
constexpr double kMaxExactCells = 2.5e7;

double clip_probability(double p) {
  return std::clamp(p, 0.0, 1.0);
}

// log(n! / n^n) by Stirling's series (n > kSmallN).
double log_factorial_over_power(double n) {
  const double r = 1.0 / n;
  const double r2 = r * r;
  // Stirling's series sum_k B_2k / (2k (2k - 1) n^(2k-1)), k = 1..8, in Horner form on 1/n^2.
  static constexpr double kCoefficients[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3,
                                             -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                             -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                             -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  double series = 0;
  for (const double c : kCoefficients) series = series * r2 + c;
  return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + r * series;
}

// One-sided Smirnov tail P(D_n^+ >= x), Birnbaum & Tingey (Ann. Math. Statist. 22, 1951):
// x * sum_{j=0}^{floor(n(1-x))} C(n, j) (1 - x - j/n)^(n-j) (x + j/n)^(j-1). Terms are positive;
// each is evaluated in logarithms. Precondition: 0 < x < 1.
double smirnov_sf(std::uint64_t n, double x) {
  const double nd = static_cast<double>(n);
  const auto last = std::min(n, static_cast<std::uint64_t>(std::floor(nd * (1.0 - x))));
  double log_binomial = 0.0;  // log C(n, j), updated term by term
  double sum = 0;
  for (std::uint64_t j = 0; j <= last; ++j) {
    const double jd = static_cast<double>(j);
    const double low = (nd - jd - nd * x) / nd;  // 1 - x - j/n
    const double high = x + jd / nd;
    if (j == n || low > 0.0) {  // else 0^(n-j) = 0
      double log_term = log_binomial + (jd - 1.0) * std::log(high);
      if (j < n) log_term += (nd - jd) * std::log(low);
      sum += std::exp(log_term);
    }
    log_binomial += std::log((nd - jd) / (jd + 1.0));
  }
  return clip_probability(x * sum);
}

using Matrix = std::vector<double>;  // row-major m x m

void multiply(const Matrix& a, const Matrix& b, Matrix& out, std::size_t m) {
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < m; ++k) {
      const double aik = a[i * m + k];
      if (aik == 0.0) continue;
      const double* brow = &b[k * m];
      double* orow = &out[i * m];
      for (std::size_t j = 0; j < m; ++j) orow[j] += aik * brow[j];
    }
  }
}

// P(D_n < d) by the Durbin matrix, as evaluated by Marsaglia, Tsang & Wang (J. Stat. Softw.
// 8(18), 2003): with k = ceil(n d), h = k - n d, m = 2k - 1, the m x m matrix H has
// H[i][j] = 1 / (i - j + 1)! for i - j + 1 >= 0, first column (1 - h^(i+1)) / (i+1)!, last row
// (1 - h^(m-j)) / (m-j)!, corner (1 - 2 h^m + max(0, 2h - 1)^m) / m!; the CDF is
// n! / n^n (H^n)[k-1][k-1]. Exponents of 2 are tracked apart to avoid overflow.
double durbin_cdf(std::uint64_t n, double d) {
  const double nd_value = static_cast<double>(n) * d;
  if (d >= 1.0) return 1.0;
  if (nd_value <= 0.5) return 0.0;
  const auto k = static_cast<std::size_t>(std::ceil(nd_value));
  const double h = static_cast<double>(k) - nd_value;
  const std::size_t m = 2 * k - 1;
  std::vector<double> inverse_factorial(m + 1, 1.0);
  double factor = 1.0;
  for (std::size_t i = 1; i <= m; ++i) {
    factor /= static_cast<double>(i);
    inverse_factorial[i] = factor;
  }
  Matrix power_of_h(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      if (i + 1 >= j) power_of_h[i * m + j] = inverse_factorial[i + 1 - j];
    }
  }
  for (std::size_t i = 0; i < m; ++i) {
    const double pw = std::pow(h, static_cast<double>(i + 1));
    power_of_h[i * m] = (1.0 - pw) * inverse_factorial[i + 1];
    power_of_h[(m - 1) * m + (m - 1 - i)] = (1.0 - pw) * inverse_factorial[i + 1];
  }
  const double md = static_cast<double>(m);
  power_of_h[(m - 1) * m] =
      (1.0 - 2.0 * std::pow(h, md) + std::pow(std::max(0.0, 2 * h - 1), md)) * inverse_factorial[m];

  Matrix result(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) result[i * m + i] = 1.0;
  Matrix scratch(m * m);
  int result_exponent = 0;
  int base_exponent = 0;
  for (std::uint64_t e = n; e > 0; e /= 2) {
    if (e % 2 == 1) {
      multiply(result, power_of_h, scratch, m);
      result.swap(scratch);
      result_exponent += base_exponent;
    }
    if (e / 2 == 0) break;
    multiply(power_of_h, power_of_h, scratch, m);
    power_of_h.swap(scratch);
    base_exponent *= 2;
    if (std::abs(power_of_h[(k - 1) * m + (k - 1)]) > kScaleUp) {
      for (double& v : power_of_h) v *= kScaleDown;
      base_exponent += kScaleExponent;
    }
    if (std::abs(result[(k - 1) * m + (k - 1)]) > kScaleUp) {
      for (double& v : result) v *= kScaleDown;
      result_exponent += kScaleExponent;
    }
  }
  double p = result[(k - 1) * m + (k - 1)];
  const double n_double = static_cast<double>(n);
  for (std::uint64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / n_double;
    if (std::abs(p) < kScaleDown) {
      p *= kScaleUp;
      result_exponent -= kScaleExponent;
    }
  }
  return clip_probability(std::ldexp(p, result_exponent));
}

// P(D_n <= x) by the Pelz & Good (J. R. Statist. Soc. B 38, 1976) expansion
// K0(z) + K1(z)/sqrt(n) + K2(z)/n + K3(z)/n^1.5, z = x sqrt(n), each term written with Jacobi
// theta transforms that converge fast for small z (Simard & L'Ecuyer 2011, section 2.2).
double pelz_good_cdf(std::uint64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double z = std::sqrt(nd) * x;
  const double z2 = z * z;
  const double z4 = z2 * z2;
  const double z6 = z4 * z2;
  const double pi2 = kPi * kPi;
  const double pi4 = pi2 * pi2;
  const double pi6 = pi4 * pi2;
  const double log_q = -pi2 / 8 / z2;
  if (log_q < -708) return 0.0;
  const double q = std::exp(log_q);
  const auto terms = static_cast<int>(std::ceil(16 * z / kPi));

  // Sums over odd m = 2k - 1 of q^(m^2) times a polynomial in m^2, for K0..K3.
  double k_terms[4] = {0, 0, 0, 0};
  for (int k = terms; k >= 1; --k) {
    const double m = 2.0 * k - 1.0;
    const double m2 = m * m;
    const double m4 = m2 * m2;
    const double m6 = m4 * m2;
    const double q_step = std::pow(q, 8.0 * k);  // q^(m+2)^2 / q^(m^2) ratio, Horner-style
    const double c1 = -z2 + pi2 / 4 * m2;
    const double c2 =
        (6 * z6 + 2 * z4) + (2 * z4 - 5 * z2) * pi2 / 4 * m2 + pi4 * (1 - 2 * z2) / 16 * m4;
    const double c3 = (-30 * z6 - 90 * z6 * z2) + pi2 * (135 * z4 - 96 * z6) / 4 * m2 +
                      pi4 * (-60 * z2 + 212 * z4) / 16 * m4 + pi6 * (5 - 30 * z2) / 64 * m6;
    k_terms[0] = k_terms[0] * q_step + 1.0;
    k_terms[1] = k_terms[1] * q_step + c1;
    k_terms[2] = k_terms[2] * q_step + c2;
    k_terms[3] = k_terms[3] * q_step + c3;
  }
  const double root_2pi = std::sqrt(2 * kPi);
  const double divisors[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) k_terms[i] = k_terms[i] * q * root_2pi / divisors[i];

  // The even-index theta terms of K2 and K3.
  const double q_even = std::exp(-pi2 / 2 / z2);
  double extra2 = 0;
  double extra3 = 0;
  const double root3_z = std::sqrt(3.0) * z;
  for (int k = terms; k >= 1; --k) {
    const double kd = k;
    const double k2 = kd * kd;
    const double weight = std::pow(q_even, k2);
    extra2 += k2 * weight;
    extra3 += (root3_z + kPi * kd) * (root3_z - kPi * kd) * k2 * weight;
  }
  k_terms[2] += extra2 * pi2 * root_2pi / (-36 * z2 * z);
  k_terms[3] += extra3 * pi2 * root_2pi / (216 * z6);

  return k_terms[0] + k_terms[1] / std::sqrt(nd) + k_terms[2] / nd +
         k_terms[3] / (nd * std::sqrt(nd));
}

// P(D_{n,n} >= h / n) for two samples of n (Gnedenko & Korolyuk reflection):
// 2 sum_{k>=1} (-1)^(k+1) C(2n, n - k h) / C(2n, n), evaluated Horner-style on the ratios
// A_k = C(2n, n - kh) / C(2n, n - (k-1) h) to avoid cancellation.
double prob_outside_square(std::uint64_t n, std::uint64_t h) {
  double p = 0.0;
  for (std::uint64_t k = n / h + 1; k-- > 0;) {
    double ratio = 1.0;
    for (std::uint64_t j = 0; j < h; ++j) {
      const double num = static_cast<double>(n) - static_cast<double>(k * h + j);
      const double den = static_cast<double>(n + k * h + j + 1);
      ratio = num * ratio / den;
    }
    p = ratio * (1.0 - p);
  }
  return 2 * p;
}

// 1 - P(all lattice paths from (0,0) to (m,n) stay strictly inside |x/m - y/n| < h / lcm):
// the probability that a uniformly random path leaves the band, by the recursion on
// P(i, j) = (i P(i-1, j) + j P(i, j-1)) / (i + j) with P = 1 outside the band (Hodges, Ark. Mat.
// 3, 1958; the 1 - p form after Viehmann, arXiv:2102.08037). O(m * band width) time, O(n) space.
double prob_outside_band(std::uint64_t m, std::uint64_t n, std::uint64_t g, std::uint64_t h) {
  if (m < n) std::swap(m, n);
  const auto mg = static_cast<std::int64_t>(m / g);
  const auto ng = static_cast<std::int64_t>(n / g);
  const auto hh = static_cast<std::int64_t>(h);
  const auto nn = static_cast<std::int64_t>(n);
  // Column x holds P(x, y) for y = 0..n. Inside the band: |ng x - mg y| < h.
  std::vector<double> column(n + 1, 1.0);
  // 1 / (x + y): a multiplication per cell instead of a division.
  std::vector<double> reciprocal(m + n + 1, 0.0);
  for (std::size_t k = 1; k < reciprocal.size(); ++k) reciprocal[k] = 1.0 / static_cast<double>(k);
  auto band = [&](std::int64_t x, std::int64_t& low, std::int64_t& high) {
    // Smallest y with mg y > ng x - h, largest y with mg y < ng x + h.
    const std::int64_t a = ng * x - hh;
    low = a < 0 ? 0 : a / mg + 1;
    const std::int64_t b = ng * x + hh;
    high = std::min<std::int64_t>((b - 1) / mg, nn);
  };
  std::int64_t low = 0;
  std::int64_t high = 0;
  band(0, low, high);
  for (std::int64_t y = low; y <= high; ++y) column[static_cast<std::size_t>(y)] = 0.0;
  for (std::int64_t x = 1; x <= static_cast<std::int64_t>(m); ++x) {
    const std::int64_t previous_low = low;
    const std::int64_t previous_high = high;
    band(x, low, high);
    if (high < low) return 1.0;
    for (std::int64_t y = previous_low; y < low && y <= nn; ++y) {
      column[static_cast<std::size_t>(y)] = 1.0;
    }
    const double xd = static_cast<double>(x);
    for (std::int64_t y = low; y <= high; ++y) {
      const auto yi = static_cast<std::size_t>(y);
      const double from_left = column[yi];
      const double from_below = y == 0 ? 0.0 : column[yi - 1];
      const double yd = static_cast<double>(y);
      column[yi] =
          (xd * from_left + yd * from_below) * reciprocal[static_cast<std::size_t>(x) + yi];
    }
    for (std::int64_t y = high + 1; y <= previous_high; ++y) {
      column[static_cast<std::size_t>(y)] = 1.0;
    }
  }
  return column[n];
}

// Upper regularized incomplete gamma Q(a, x), Numerical Recipes' split (series for P when
// x < a + 1, continued fraction for Q otherwise).
double upper_incomplete_gamma(double a, double x) {
  if (x <= 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  constexpr double kEpsilon = 1e-16;
  constexpr int kMaxIterations = 100000;
  if (x < a + 1.0) {
    double term = 1.0 / a;
    double sum = term;
    double ap = a;
    for (int i = 0; i < kMaxIterations; ++i) {
      ap += 1.0;
      term *= x / ap;
      sum += term;
      if (std::abs(term) < std::abs(sum) * kEpsilon) break;
    }
    return clip_probability(1.0 - sum * std::exp(log_prefactor));
  }
  // Modified Lentz evaluation of the continued fraction for Q.
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double f = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -static_cast<double>(i) * (static_cast<double>(i) - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::abs(delta - 1.0) < kEpsilon) break;
  }
  return clip_probability(std::exp(log_prefactor) * f);
}

}  // namespace

double kolmogorov_smirnov_sf(std::uint64_t n, double x) {
  PARITY_CHECK_MSG(n >= 1, "kolmogorov_smirnov_sf needs n >= 1");
  if (std::isnan(x)) return x;
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double t = nd * x;
  if (t <= 1.0) {
    // Ruben & Gambino (1982): P(D_n <= x) = n! / n^n (2t - 1)^n for 1/(2n) <= x <= 1/n.
    if (t <= 0.5) return 1.0;
    double cdf = 0;
    if (n <= kSmallN) {
      cdf = 1.0;
      for (std::uint64_t i = 1; i <= n; ++i) cdf *= static_cast<double>(i) / nd * (2 * t - 1);
    } else {
      cdf = std::exp(log_factorial_over_power(nd) + nd * std::log(2 * t - 1));
    }
    return clip_probability(1.0 - cdf);
  }
  if (t >= nd - 1) return clip_probability(2 * std::pow(1.0 - x, nd));  // Ruben & Gambino
  if (x >= 0.5) return clip_probability(2 * smirnov_sf(n, x));          // the tails are disjoint
  const double nxx = t * x;
  if (n <= kSmallN) {
    // Exact throughout: the Durbin matrix where Simard & L'Ecuyer use Durbin or Pomeranz.
    if (nxx <= 4.0) return clip_probability(1.0 - durbin_cdf(n, x));
    return clip_probability(2 * smirnov_sf(n, x));
  }
  if (nxx >= 370.0) return 0.0;
  if (nxx >= 2.2) return clip_probability(2 * smirnov_sf(n, x));
  if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) {
    return clip_probability(1.0 - durbin_cdf(n, x));
  }
  return clip_probability(1.0 - pelz_good_cdf(n, x));
}

double ks_two_sample_p_value(std::size_t n1, std::size_t n2, double d, KsMethod method) {
  PARITY_CHECK_MSG(n1 >= 1 && n2 >= 1, "ks_two_sample_p_value needs two non-empty samples");
  PARITY_CHECK_MSG(d >= 0.0 && d <= 1.0, "KS statistic must lie in [0, 1]");
  const std::uint64_t g = std::gcd(std::uint64_t{n1}, std::uint64_t{n2});
  const std::uint64_t n1g = n1 / g;
  const std::uint64_t n2g = n2 / g;
  const double big = static_cast<double>(std::max(n1, n2));
  const double small = static_cast<double>(std::min(n1, n2));
  if (method == KsMethod::kAuto) {
    method = std::max(n1, n2) <= kMaxExactN ? KsMethod::kExact : KsMethod::kAsymp;
  } else if (method == KsMethod::kExact &&
             static_cast<double>(n1g) >=
                 static_cast<double>(std::numeric_limits<std::int32_t>::max()) /
                     static_cast<double>(n2g)) {
    method = KsMethod::kAsymp;
  }
  if (method == KsMethod::kExact) {
    const std::uint64_t lcm = n1g * n2;
    const auto h = static_cast<std::uint64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    if (h == 0) return 1.0;
    // Band width in y: 2 h / (max / g) + 1 lattice points per column, max columns.
    const double cells =
        big *
        std::min(small + 1.0, 2.0 * static_cast<double>(h) * static_cast<double>(g) / big + 1.0);
    if (n1 == n2 || cells <= kMaxExactCells) {
      const double p = n1 == n2 ? prob_outside_square(n1, h) : prob_outside_band(n1, n2, g, h);
      if (p >= 0.0 && p <= 1.0) return p;
      // Out of range through rounding: fall back as scipy does.
    }
  }
  const double en = big * small / (big + small);
  const auto rounded = static_cast<std::uint64_t>(std::nearbyint(en));
  return kolmogorov_smirnov_sf(std::max<std::uint64_t>(rounded, 1), d);
}

double chi_square_sf(double x, double dof) {
  PARITY_CHECK_MSG(dof > 0, "chi-square needs dof > 0");
  PARITY_CHECK_MSG(!std::isnan(x), "chi_square_sf of NaN");
  return upper_incomplete_gamma(dof / 2.0, x / 2.0);
}

}  // namespace parity::compare
