// min pi' A pi - 2 b' pi on the probability simplex: exact by enumerating supports for small k,
// accelerated projected gradient with a KKT polish above (definitions in parity/plan/mix.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "parity/plan/mix.h"

namespace parity::plan {

namespace {

constexpr std::string_view kQp = "minimize_on_simplex";
constexpr std::size_t kMaxExactSize = 20;
constexpr double kSingularPivot = 1e-13;
constexpr double kSupportThreshold = 1e-12;

double qp_objective(std::span<const double> a, std::span<const double> b,
                    std::span<const double> pi) {
  const std::size_t k = b.size();
  double f = 0.0;
  for (std::size_t s = 0; s < k; ++s) {
    if (pi[s] == 0.0) continue;
    double row = 0.0;
    for (std::size_t t = 0; t < k; ++t) row += a[s * k + t] * pi[t];
    f += pi[s] * (row - 2.0 * b[s]);
  }
  return f;
}

// g = 2 A pi - 2 b.
void qp_gradient(std::span<const double> a, std::span<const double> b, std::span<const double> pi,
                 std::span<double> g) {
  const std::size_t k = b.size();
  for (std::size_t s = 0; s < k; ++s) {
    double row = 0.0;
    for (std::size_t t = 0; t < k; ++t) row += a[s * k + t] * pi[t];
    g[s] = 2.0 * row - 2.0 * b[s];
  }
}

double kkt_residual(std::span<const double> a, std::span<const double> b,
                    std::span<const double> pi) {
  const std::size_t k = b.size();
  std::vector<double> g(k);
  qp_gradient(a, b, pi, g);
  double mu = 0.0;
  for (std::size_t s = 0; s < k; ++s) mu += pi[s] * g[s];
  double residual = 0.0;
  for (std::size_t s = 0; s < k; ++s) {
    if (pi[s] > 0.0) residual = std::max(residual, std::abs(g[s] - mu));
    residual = std::max(residual, mu - g[s]);
  }
  return residual;
}

// Solves the KKT system of the face `support` (indices into 0..k-1): returns false when it is
// singular; else pi (size k, zero off the support; entries may be negative).
bool solve_face_raw(std::span<const double> a, std::span<const double> b,
                    std::span<const std::size_t> support, double scale, std::vector<double>& pi) {
  const std::size_t k = b.size();
  const std::size_t s = support.size();
  const std::size_t n = s + 1;
  // Augmented matrix [M | rhs], n x (n + 1).
  std::vector<double> m(n * (n + 1), 0.0);
  for (std::size_t i = 0; i < s; ++i) {
    for (std::size_t j = 0; j < s; ++j) m[i * (n + 1) + j] = 2.0 * a[support[i] * k + support[j]];
    m[i * (n + 1) + s] = 1.0;
    m[i * (n + 1) + n] = 2.0 * b[support[i]];
    m[s * (n + 1) + i] = 1.0;
  }
  m[s * (n + 1) + n] = 1.0;
  const double tiny = kSingularPivot * std::max(1.0, 2.0 * scale);
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t pivot = c;
    for (std::size_t r = c + 1; r < n; ++r) {
      if (std::abs(m[r * (n + 1) + c]) > std::abs(m[pivot * (n + 1) + c])) pivot = r;
    }
    if (!(std::abs(m[pivot * (n + 1) + c]) > tiny)) return false;
    if (pivot != c) {
      for (std::size_t j = 0; j <= n; ++j) std::swap(m[c * (n + 1) + j], m[pivot * (n + 1) + j]);
    }
    for (std::size_t r = c + 1; r < n; ++r) {
      const double factor = m[r * (n + 1) + c] / m[c * (n + 1) + c];
      if (factor == 0.0) continue;
      for (std::size_t j = c; j <= n; ++j) m[r * (n + 1) + j] -= factor * m[c * (n + 1) + j];
    }
  }
  std::vector<double> x(n);
  for (std::size_t r = n; r-- > 0;) {
    double v = m[r * (n + 1) + n];
    for (std::size_t j = r + 1; j < n; ++j) v -= m[r * (n + 1) + j] * x[j];
    x[r] = v / m[r * (n + 1) + r];
  }
  pi.assign(k, 0.0);
  for (std::size_t i = 0; i < s; ++i) {
    if (!std::isfinite(x[i])) return false;
    pi[support[i]] = x[i];
  }
  return true;
}

// solve_face_raw(), and false when an entry of the solution is negative.
bool solve_face(std::span<const double> a, std::span<const double> b,
                std::span<const std::size_t> support, double scale, std::vector<double>& pi) {
  if (!solve_face_raw(a, b, support, scale, pi)) return false;
  return std::all_of(pi.begin(), pi.end(), [](double v) { return v >= 0.0; });
}

// Euclidean projection onto the simplex (Duchi, Shalev-Shwartz, Singer & Chandra 2008).
void project_simplex(std::span<double> v) {
  std::vector<double> u(v.begin(), v.end());
  std::sort(u.begin(), u.end(), std::greater<>());
  double cumulative = 0.0;
  double theta = 0.0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    cumulative += u[j];
    const double t = (cumulative - 1.0) / static_cast<double>(j + 1);
    if (u[j] - t > 0.0) theta = t;
  }
  for (double& x : v) x = std::max(0.0, x - theta);
}

SimplexQpResult solve_exact(std::span<const double> a, std::span<const double> b, double scale) {
  const std::size_t k = b.size();
  SimplexQpResult out;
  out.solver = "exact";
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::size_t> support;
  std::vector<double> pi;
  for (std::uint32_t mask = 1; mask < (1u << k); ++mask) {
    support.clear();
    for (std::size_t s = 0; s < k; ++s) {
      if (mask & (1u << s)) support.push_back(s);
    }
    if (!solve_face(a, b, support, scale, pi)) continue;
    const double f = qp_objective(a, b, pi);
    if (f < best) {
      best = f;
      out.pi = pi;
    }
  }
  if (out.pi.empty()) {
    // Every face singular (A = 0 and b constant): any point is optimal; take the first vertex.
    out.pi.assign(k, 0.0);
    out.pi[0] = 1.0;
  }
  return out;
}

SimplexQpResult solve_iterative(std::span<const double> a, std::span<const double> b, double scale,
                                const SimplexQpOptions& options) {
  const std::size_t k = b.size();
  SimplexQpResult out;
  out.solver = "projected_gradient";
  double lipschitz = 0.0;
  for (std::size_t s = 0; s < k; ++s) {
    double row = 0.0;
    for (std::size_t t = 0; t < k; ++t) row += std::abs(a[s * k + t]);
    lipschitz = std::max(lipschitz, 2.0 * row);
  }
  if (lipschitz == 0.0) lipschitz = 1.0;
  std::vector<double> x(k, 1.0 / static_cast<double>(k));
  std::vector<double> y = x;
  std::vector<double> next(k);
  std::vector<double> g(k);
  double fx = qp_objective(a, b, x);
  double t = 1.0;
  std::size_t it = 0;
  for (; it < options.max_iterations; ++it) {
    qp_gradient(a, b, y, g);
    for (std::size_t s = 0; s < k; ++s) next[s] = y[s] - g[s] / lipschitz;
    project_simplex(next);
    const double f_next = qp_objective(a, b, next);
    if (f_next > fx) {
      // Adaptive restart (O'Donoghue & Candès 2015): drop the momentum, step from x.
      y = x;
      t = 1.0;
      continue;
    }
    const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
    for (std::size_t s = 0; s < k; ++s) y[s] = next[s] + (t - 1.0) / t_next * (next[s] - x[s]);
    x.swap(next);
    fx = f_next;
    t = t_next;
    if (it % 16 == 15 && kkt_residual(a, b, x) < options.kkt_tolerance) {
      ++it;
      break;
    }
  }
  out.iterations = it;
  out.pi = x;
  // Polish: a primal active-set search from the support found, each step the exact minimiser on
  // a face; drops the most negative entry or adds the most violated KKT condition.
  std::vector<char> in_support(k, 0);
  for (std::size_t s = 0; s < k; ++s) in_support[s] = x[s] > kSupportThreshold;
  std::vector<std::size_t> support;
  std::vector<double> pi;
  std::vector<double> gradient(k);
  for (std::size_t step = 0; step < 4 * k; ++step) {
    support.clear();
    for (std::size_t s = 0; s < k; ++s) {
      if (in_support[s]) support.push_back(s);
    }
    if (support.empty() || !solve_face_raw(a, b, support, scale, pi)) break;
    std::size_t most_negative = k;
    for (const std::size_t s : support) {
      if (pi[s] < 0.0 && (most_negative == k || pi[s] < pi[most_negative])) most_negative = s;
    }
    if (most_negative < k) {
      in_support[most_negative] = 0;
      continue;
    }
    qp_gradient(a, b, pi, gradient);
    double mu = 0.0;
    for (std::size_t s = 0; s < k; ++s) mu += pi[s] * gradient[s];
    std::size_t violated = k;
    for (std::size_t s = 0; s < k; ++s) {
      if (!in_support[s] && gradient[s] < mu - 1e-14 * std::max(1.0, scale) &&
          (violated == k || gradient[s] < gradient[violated])) {
        violated = s;
      }
    }
    if (violated < k) {
      in_support[violated] = 1;
      continue;
    }
    // Not worse, up to the rounding of f near its minimum.
    if (qp_objective(a, b, pi) <= fx + 1e-12 * std::max(1.0, std::abs(fx))) out.pi = pi;
    break;
  }
  return out;
}

}  // namespace

Result<SimplexQpResult> minimize_on_simplex(std::span<const double> a, std::span<const double> b,
                                            const SimplexQpOptions& options) {
  const std::size_t k = b.size();
  if (k == 0) return invalid_argument(fmt::format("{}: b is empty", kQp));
  if (a.size() != k * k) {
    return invalid_argument(fmt::format(
        "{}: A holds {} values: expected {} x {} for {} entries of b", kQp, a.size(), k, k, k));
  }
  if (options.exact_max_size > kMaxExactSize) {
    return invalid_argument(fmt::format("{}: exact_max_size is {}: expected at most {}", kQp,
                                        options.exact_max_size, kMaxExactSize));
  }
  if (k > options.exact_max_size && options.max_iterations == 0) {
    return invalid_argument(fmt::format("{}: max_iterations is 0", kQp));
  }
  double scale = 0.0;
  for (std::size_t e = 0; e < a.size(); ++e) {
    if (!std::isfinite(a[e])) {
      return invalid_argument(
          fmt::format("{}: A[{}][{}] is {}: expected a finite value", kQp, e / k, e % k, a[e]));
    }
    scale = std::max(scale, std::abs(a[e]));
  }
  for (std::size_t s = 0; s < k; ++s) {
    if (!std::isfinite(b[s])) {
      return invalid_argument(
          fmt::format("{}: b[{}] is {}: expected a finite value", kQp, s, b[s]));
    }
  }
  for (std::size_t s = 0; s < k; ++s) {
    for (std::size_t t = s + 1; t < k; ++t) {
      if (std::abs(a[s * k + t] - a[t * k + s]) > 1e-12 * scale) {
        return invalid_argument(
            fmt::format("{}: A is not symmetric: A[{}][{}] = {}, A[{}][{}] = {}", kQp, s, t,
                        a[s * k + t], t, s, a[t * k + s]));
      }
    }
  }
  SimplexQpResult out = k <= options.exact_max_size ? solve_exact(a, b, scale)
                                                    : solve_iterative(a, b, scale, options);
  out.objective = qp_objective(a, b, out.pi);
  out.kkt_residual = kkt_residual(a, b, out.pi);
  return out;
}

}  // namespace parity::plan
