#include "parity/evaluation/tests.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "evaluation/stats/special.h"

namespace parity::eval {

namespace {

constexpr long double kNegInf = -std::numeric_limits<long double>::infinity();

Status check_counts(std::string_view function, Counts a, Counts b) {
  for (const auto& [name, c] : {std::pair{"a", a}, std::pair{"b", b}}) {
    if (c.n <= 0) {
      return invalid_argument(std::string(function) + ": n_" + name + " must be at least 1, got " +
                              std::to_string(c.n));
    }
    if (c.k < 0 || c.k > c.n) {
      return invalid_argument(std::string(function) + ": k_" + name + " must lie in [0, " +
                              std::to_string(c.n) + "], got " + std::to_string(c.k));
    }
  }
  return {};
}

Status check_options(std::string_view function, const UnconditionalOptions& options) {
  if (options.grid_points < 2) {
    return invalid_argument(std::string(function) + ": grid_points must be at least 2, got " +
                            std::to_string(options.grid_points));
  }
  return {};
}

// The two binomial samples (SciPy's columns) for the chosen fixed margins.
std::pair<Counts, Counts> samples(Counts a, Counts b, FixedMargins margins) {
  if (margins == FixedMargins::kTrialsPerPolicy) return {a, b};
  return {Counts{a.k, a.k + b.k}, Counts{a.n - a.k, (a.n - a.k) + (b.n - b.k)}};
}

// log(exp(x) + exp(y)).
long double log_add(long double x, long double y) {
  if (x == kNegInf) return y;
  if (y == kNegInf) return x;
  const long double hi = std::max(x, y);
  return hi + std::log1p(std::exp(-std::fabs(x - y)));
}

std::vector<long double> log_choose_row(std::int64_t n) {
  std::vector<long double> row(static_cast<std::size_t>(n + 1));
  for (std::int64_t k = 0; k <= n; ++k)
    row[static_cast<std::size_t>(k)] = special::log_choose(n, k);
  return row;
}

// The unconditional p-value of a rejection region T over tables (x_a, x_b), both columns
// Binomial(n, pi): P_pi(T) = sum_s C_s pi^s (1 - pi)^(N - s), C_s summing C(n_a, x_a) C(n_b, x_b)
// over the tables of T with x_a + x_b = s.
class NuisancePValue {
 public:
  // in_region(x_a, x_b) says whether a table belongs to T.
  template <typename InRegion>
  NuisancePValue(std::int64_t n_a, std::int64_t n_b, InRegion in_region)
      : total_(n_a + n_b), log_coefficients_(static_cast<std::size_t>(n_a + n_b + 1), kNegInf) {
    const std::vector<long double> lc_a = log_choose_row(n_a);
    const std::vector<long double> lc_b = log_choose_row(n_b);
    for (std::int64_t xa = 0; xa <= n_a; ++xa) {
      for (std::int64_t xb = 0; xb <= n_b; ++xb) {
        if (!in_region(xa, xb)) continue;
        long double& c = log_coefficients_[static_cast<std::size_t>(xa + xb)];
        c = log_add(c, lc_a[static_cast<std::size_t>(xa)] + lc_b[static_cast<std::size_t>(xb)]);
      }
    }
  }

  // log P_pi(T); -inf when T is empty or has no mass at pi.
  long double log_p(double pi) const {
    const long double log_pi = pi > 0.0 ? std::log(static_cast<long double>(pi)) : kNegInf;
    const long double log_q = pi < 1.0 ? std::log1p(-static_cast<long double>(pi)) : kNegInf;
    long double best = kNegInf;
    std::vector<long double>& terms = terms_;
    terms.assign(log_coefficients_.size(), kNegInf);
    for (std::size_t s = 0; s < log_coefficients_.size(); ++s) {
      if (log_coefficients_[s] == kNegInf) continue;
      const auto sd = static_cast<long double>(s);
      const auto rest = static_cast<long double>(total_) - sd;
      long double term = log_coefficients_[s];
      if (s > 0) term += sd * log_pi;
      if (rest > 0) term += rest * log_q;
      terms[s] = term;
      best = std::max(best, term);
    }
    if (best == kNegInf) return kNegInf;
    long double sum = 0.0L;
    for (const long double term : terms) {
      if (term != kNegInf) sum += std::exp(term - best);
    }
    return best + std::log(sum);
  }

  // sup over pi in [0, 1] of P_pi(T), capped at 1.
  double maximum(int grid_points) const {
    const auto g = static_cast<std::size_t>(grid_points);
    std::vector<long double> values(g + 1);
    long double grid_best = kNegInf;
    for (std::size_t i = 0; i <= g; ++i) {
      values[i] = log_p(static_cast<double>(i) / static_cast<double>(g));
      grid_best = std::max(grid_best, values[i]);
    }
    if (grid_best == kNegInf) return 0.0;
    long double best = grid_best;
    for (std::size_t i = 0; i <= g; ++i) {
      const bool rises = i == 0 || values[i] > values[i - 1];
      const bool holds = i == g || values[i] >= values[i + 1];
      // Only peaks near the best grid value can hold the maximum: within a cell of its peak,
      // log P drops by about N h^2 / (8 pi (1 - pi)) (h the spacing), well below 1 except
      // in the first cells at N = 400, where it stays below 0.2.
      if (!rises || !holds || values[i] < grid_best - 1.0L) continue;
      double lo = static_cast<double>(i == 0 ? 0 : i - 1) / static_cast<double>(g);
      double hi = static_cast<double>(std::min(i + 1, g)) / static_cast<double>(g);
      best = std::max(best, golden_section(lo, hi));
    }
    return std::min(1.0, static_cast<double>(std::exp(best)));
  }

 private:
  long double golden_section(double lo, double hi) const {
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double x1 = hi - ratio * (hi - lo);
    double x2 = lo + ratio * (hi - lo);
    long double f1 = log_p(x1);
    long double f2 = log_p(x2);
    long double best = std::max({f1, f2, log_p(lo), log_p(hi)});
    while (hi - lo > 1e-12) {
      if (f1 >= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - ratio * (hi - lo);
        f1 = log_p(x1);
        best = std::max(best, f1);
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + ratio * (hi - lo);
        f2 = log_p(x2);
        best = std::max(best, f2);
      }
    }
    return best;
  }

  std::int64_t total_;
  std::vector<long double> log_coefficients_;
  mutable std::vector<long double> terms_;
};

// Hypergeometric probabilities of x = successes in a sample of `draws` from a population of
// `population` with `successes` successes, x from x_min to x_max.
struct Hypergeometric {
  std::int64_t x_min = 0;
  std::int64_t x_max = 0;
  std::vector<long double> pmf;

  Hypergeometric(std::int64_t population, std::int64_t successes, std::int64_t draws) {
    x_min = std::max<std::int64_t>(0, draws - (population - successes));
    x_max = std::min(draws, successes);
    const long double log_total = special::log_choose(population, draws);
    for (std::int64_t x = x_min; x <= x_max; ++x) {
      pmf.push_back(std::exp(special::log_choose(successes, x) +
                             special::log_choose(population - successes, draws - x) - log_total));
    }
  }
  long double at(std::int64_t x) const { return pmf[static_cast<std::size_t>(x - x_min)]; }
};

}  // namespace

Result<double> fisher_exact_two_sided(Counts a, Counts b) {
  PARITY_RETURN_IF_ERROR(check_counts("fisher_exact_two_sided", a, b));
  const Hypergeometric h(a.n + b.n, a.k + b.k, a.n);
  const long double observed = h.at(a.k) * (1.0L + 1e-14L);
  long double p = 0.0L;
  for (const long double value : h.pmf) {
    if (value <= observed) p += value;
  }
  return std::min(1.0, static_cast<double>(p));
}

Result<double> barnard_exact_two_sided(Counts a, Counts b, const UnconditionalOptions& options) {
  PARITY_RETURN_IF_ERROR(check_counts("barnard_exact_two_sided", a, b));
  PARITY_RETURN_IF_ERROR(check_options("barnard_exact_two_sided", options));
  const auto [s1, s2] = samples(a, b, options.margins);
  if (s1.n == 0 || s2.n == 0) return 1.0;
  const std::int64_t n1 = s1.n;
  const std::int64_t n2 = s2.n;
  // The pooled Wald statistic with SciPy's operations and order (float64 throughout).
  const auto wald = [n1, n2](std::int64_t x1, std::int64_t x2) {
    const double p1 = static_cast<double>(x1) / static_cast<double>(n1);
    const double p2 = static_cast<double>(x2) / static_cast<double>(n2);
    if (p1 == p2) return 0.0;
    const double p = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
    const double variance =
        p * (1.0 - p) * (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2));
    return (p1 - p2) / std::sqrt(variance);
  };
  const double observed = std::fabs(wald(s1.k, s2.k));
  const NuisancePValue p_value(n1, n2, [&](std::int64_t x1, std::int64_t x2) {
    return std::fabs(wald(x1, x2)) >= observed;
  });
  return p_value.maximum(options.grid_points);
}

Result<double> boschloo_exact_two_sided(Counts a, Counts b, const UnconditionalOptions& options) {
  PARITY_RETURN_IF_ERROR(check_counts("boschloo_exact_two_sided", a, b));
  PARITY_RETURN_IF_ERROR(check_options("boschloo_exact_two_sided", options));
  const auto [s1, s2] = samples(a, b, options.margins);
  if (s1.n == 0 || s2.n == 0) return 1.0;
  const std::int64_t n1 = s1.n;
  const std::int64_t n2 = s2.n;
  const std::int64_t total = n1 + n2;
  // Fisher's one-sided p-values of every table: less[s][x1] = P(X_1 <= x1 | s),
  // greater[s][x2] = P(X_2 <= x2 | s), the conditional laws hypergeometric.
  std::vector<std::vector<long double>> less(static_cast<std::size_t>(total + 1));
  std::vector<std::vector<long double>> greater(static_cast<std::size_t>(total + 1));
  for (std::int64_t s = 0; s <= total; ++s) {
    for (const auto& [draws, out] : {std::pair{n1, &less}, std::pair{n2, &greater}}) {
      const Hypergeometric h(total, s, draws);
      std::vector<long double>& cdf = (*out)[static_cast<std::size_t>(s)];
      cdf.assign(static_cast<std::size_t>(draws + 1), 1.0L);
      long double running = 0.0L;
      for (std::int64_t x = 0; x <= draws; ++x) {
        if (x < h.x_min) {
          cdf[static_cast<std::size_t>(x)] = 0.0L;
          continue;
        }
        if (x <= h.x_max) running += h.at(x);
        cdf[static_cast<std::size_t>(x)] = std::min(running, 1.0L);
      }
    }
  }
  const auto less_p = [&](std::int64_t x1, std::int64_t x2) {
    return less[static_cast<std::size_t>(x1 + x2)][static_cast<std::size_t>(x1)];
  };
  const auto greater_p = [&](std::int64_t x1, std::int64_t x2) {
    return greater[static_cast<std::size_t>(x1 + x2)][static_cast<std::size_t>(x2)];
  };
  const long double less_observed = less_p(s1.k, s2.k) * (1.0L + 1e-13L);
  const long double greater_observed = greater_p(s1.k, s2.k) * (1.0L + 1e-13L);
  const NuisancePValue p_less(
      n1, n2, [&](std::int64_t x1, std::int64_t x2) { return less_p(x1, x2) <= less_observed; });
  const NuisancePValue p_greater(n1, n2, [&](std::int64_t x1, std::int64_t x2) {
    return greater_p(x1, x2) <= greater_observed;
  });
  const double one_sided =
      std::min(p_less.maximum(options.grid_points), p_greater.maximum(options.grid_points));
  return std::min(1.0, 2.0 * one_sided);
}

Result<ZTest> pooled_z_test(Counts a, Counts b) {
  PARITY_RETURN_IF_ERROR(check_counts("pooled_z_test", a, b));
  const auto na = static_cast<double>(a.n);
  const auto nb = static_cast<double>(b.n);
  const double p = static_cast<double>(a.k + b.k) / (na + nb);
  if (p <= 0.0 || p >= 1.0) return ZTest{0.0, 1.0};
  const double se = std::sqrt(p * (1.0 - p) * (1.0 / na + 1.0 / nb));
  const double z = (static_cast<double>(b.k) / nb - static_cast<double>(a.k) / na) / se;
  return ZTest{z, std::erfc(std::fabs(z) / std::sqrt(2.0))};
}

Result<McNemar> mcnemar_exact(std::int64_t a_only, std::int64_t b_only) {
  if (a_only < 0 || b_only < 0) {
    return invalid_argument("mcnemar_exact: discordant counts must be non-negative, got a_only " +
                            std::to_string(a_only) + ", b_only " + std::to_string(b_only));
  }
  McNemar result;
  result.a_only = a_only;
  result.b_only = b_only;
  const std::int64_t d = a_only + b_only;
  const std::int64_t m = std::min(a_only, b_only);
  long double tail = 0.0L;
  const long double log_half = -static_cast<long double>(d) * std::log(2.0L);
  for (std::int64_t j = 0; j <= m; ++j) tail += std::exp(special::log_choose(d, j) + log_half);
  result.p_value = std::min(1.0, static_cast<double>(2.0L * tail));
  return result;
}

Result<McNemar> mcnemar_exact(std::span<const PairedOutcome> pairs) {
  if (pairs.empty()) return invalid_argument("mcnemar_exact: no pairs");
  std::int64_t a_only = 0;
  std::int64_t b_only = 0;
  std::int64_t both = 0;
  std::int64_t neither = 0;
  for (const PairedOutcome& pair : pairs) {
    if (pair.a_success && pair.b_success) {
      ++both;
    } else if (pair.a_success) {
      ++a_only;
    } else if (pair.b_success) {
      ++b_only;
    } else {
      ++neither;
    }
  }
  PARITY_ASSIGN_OR_RETURN(McNemar result, mcnemar_exact(a_only, b_only));
  result.both = both;
  result.neither = neither;
  return result;
}

Result<double> probability_b_better(Counts a, Counts b) {
  PARITY_RETURN_IF_ERROR(check_counts("probability_b_better", a, b));
  const auto alpha_a = static_cast<long double>(a.k + 1);
  const auto beta_a = static_cast<long double>(a.n - a.k + 1);
  const std::int64_t alpha_b = b.k + 1;
  const auto beta_b = static_cast<long double>(b.n - b.k + 1);
  const long double log_norm = special::log_beta(alpha_a, beta_a);
  long double total = 0.0L;
  for (std::int64_t i = 0; i < alpha_b; ++i) {
    const auto id = static_cast<long double>(i);
    total += std::exp(special::log_beta(alpha_a + id, beta_a + beta_b) - std::log(beta_b + id) -
                      special::log_beta(1.0L + id, beta_b) - log_norm);
  }
  return std::clamp(static_cast<double>(total), 0.0, 1.0);
}

Result<Comparison> compare_proportions(Counts a, Counts b, const UnconditionalOptions& options) {
  Comparison c;
  PARITY_ASSIGN_OR_RETURN(c.fisher_p, fisher_exact_two_sided(a, b));
  PARITY_ASSIGN_OR_RETURN(c.barnard_p, barnard_exact_two_sided(a, b, options));
  PARITY_ASSIGN_OR_RETURN(c.boschloo_p, boschloo_exact_two_sided(a, b, options));
  PARITY_ASSIGN_OR_RETURN(c.z, pooled_z_test(a, b));
  PARITY_ASSIGN_OR_RETURN(c.prob_b_better, probability_b_better(a, b));
  return c;
}

namespace {

Result<std::vector<std::size_t>> sorted_order(std::string_view function,
                                              std::span<const double> p_values) {
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    if (!(p_values[i] >= 0.0 && p_values[i] <= 1.0)) {
      return invalid_argument(std::string(function) + ": p-value " + std::to_string(i) +
                              " must lie in [0, 1], got " + std::to_string(p_values[i]));
    }
  }
  std::vector<std::size_t> order(p_values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return p_values[x] < p_values[y]; });
  return order;
}

}  // namespace

Result<std::vector<double>> holm_adjust(std::span<const double> p_values) {
  PARITY_ASSIGN_OR_RETURN(const std::vector<std::size_t> order,
                          sorted_order("holm_adjust", p_values));
  const std::size_t m = p_values.size();
  std::vector<double> adjusted(m);
  double running = 0.0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    const double value = std::min(1.0, static_cast<double>(m - rank) * p_values[order[rank]]);
    running = std::max(running, value);
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

Result<std::vector<double>> benjamini_hochberg_adjust(std::span<const double> p_values) {
  PARITY_ASSIGN_OR_RETURN(const std::vector<std::size_t> order,
                          sorted_order("benjamini_hochberg_adjust", p_values));
  const std::size_t m = p_values.size();
  std::vector<double> adjusted(m);
  double running = 1.0;
  for (std::size_t rank = m; rank-- > 0;) {
    const double value = std::min(
        1.0, static_cast<double>(m) * p_values[order[rank]] / static_cast<double>(rank + 1));
    running = std::min(running, value);
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

}  // namespace parity::eval
