// KLIEP importance weights (Sugiyama et al. 2008): Gaussian-kernel ratio model centred on target
// rows, fitted by projected gradient ascent of the target log-likelihood, bandwidth by
// likelihood cross-validation (definitions in parity/plan/weights.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/random.h"
#include "parity/plan/weights.h"
#include "plan/math/kernel_sums.h"
#include "plan/math/weight_checks.h"

namespace parity::plan {

namespace {

constexpr std::string_view kKliep = "kliep_weights";

Status check_kliep_options(const KliepOptions& o) {
  auto bad = [](std::string_view what) {
    return invalid_argument(fmt::format("{}: {}", kKliep, what));
  };
  if (o.centers == 0) return bad("centers is 0: expected at least 1");
  if (o.max_target_rows == 0) return bad("max_target_rows is 0: expected at least 1");
  if (!std::isfinite(o.bandwidth) || o.bandwidth < 0.0) {
    return bad(fmt::format("bandwidth is {}: expected 0 (median heuristic) or a finite value > 0",
                           o.bandwidth));
  }
  if (o.bandwidth_factors.empty()) return bad("bandwidth_factors is empty");
  for (std::size_t i = 0; i < o.bandwidth_factors.size(); ++i) {
    const double f = o.bandwidth_factors[i];
    if (!std::isfinite(f) || f <= 0.0) {
      return bad(fmt::format("bandwidth factor {} is {}: expected a finite value > 0", i, f));
    }
  }
  if (o.max_iterations == 0) return bad("max_iterations is 0");
  if (!(o.tolerance >= 0.0) || !std::isfinite(o.tolerance)) {
    return bad(fmt::format("tolerance is {}: expected a finite value >= 0", o.tolerance));
  }
  if (o.bandwidth_subsample < 2) {
    return bad(
        fmt::format("bandwidth_subsample is {}: expected at least 2", o.bandwidth_subsample));
  }
  return {};
}

// One KLIEP problem at one bandwidth, in beta coordinates over the active centres (b_l > 0):
// a[j * cols + c] = K(y_j, c_{active[c]}) / b_{active[c]} for every objective row j.
struct Problem {
  std::vector<double> a;
  std::size_t cols = 0;
  std::vector<std::size_t> active;
};

struct FitResult {
  std::vector<double> beta;  // per active centre
  double objective = -std::numeric_limits<double>::infinity();
  std::size_t iterations = 0;
  double gap = std::numeric_limits<double>::infinity();
};

// J(beta) = mean over `rows` of log (a beta)_j, -inf when an entry is not positive; with
// `gradient`, also dJ/dbeta (meaningful only when J is finite).
double log_likelihood(const Problem& p, std::span<const std::size_t> rows, const double* beta,
                      double* gradient) {
  const std::size_t cols = p.cols;
  double sum = 0.0;
  bool positive = true;
  if (gradient != nullptr) std::fill(gradient, gradient + cols, 0.0);
  for (const std::size_t r : rows) {
    const double* row = p.a.data() + r * cols;
    double v = 0.0;
    for (std::size_t c = 0; c < cols; ++c) v += row[c] * beta[c];
    if (!(v > 0.0)) {
      positive = false;
      continue;
    }
    sum += std::log(v);
    if (gradient != nullptr) {
      const double inv = 1.0 / v;
      for (std::size_t c = 0; c < cols; ++c) gradient[c] += row[c] * inv;
    }
  }
  if (!positive) return -std::numeric_limits<double>::infinity();
  const double inv_rows = 1.0 / static_cast<double>(rows.size());
  if (gradient != nullptr) {
    for (std::size_t c = 0; c < cols; ++c) gradient[c] *= inv_rows;
  }
  return sum * inv_rows;
}

// Euclidean projection onto the probability simplex (Duchi, Shalev-Shwartz, Singer & Chandra
// 2008), in place.
void project_to_simplex(std::vector<double>& v, std::vector<double>& sorted) {
  sorted = v;
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double cumulative = 0.0;
  double theta = 0.0;
  for (std::size_t j = 0; j < sorted.size(); ++j) {
    cumulative += sorted[j];
    const double t = (cumulative - 1.0) / static_cast<double>(j + 1);
    if (sorted[j] - t > 0.0) theta = t;
  }
  for (double& x : v) x = std::max(0.0, x - theta);
}

double gap_bound(const std::vector<double>& gradient) {
  double top = -std::numeric_limits<double>::infinity();
  for (const double g : gradient) top = std::max(top, g);
  return top - 1.0;
}

// Maximises J over the simplex on the objective rows `rows` (each with a positive value in
// some column) by FISTA with backtracking and monotone restarts. Precondition: p.cols >= 1.
FitResult fit(const Problem& p, std::span<const std::size_t> rows, const KliepOptions& o) {
  const std::size_t nc = p.cols;
  std::vector<double> x(nc, 1.0 / static_cast<double>(nc));
  std::vector<double> gx(nc);
  double jx = log_likelihood(p, rows, x.data(), gx.data());
  double gap = gap_bound(gx);
  std::vector<double> y = x;
  std::vector<double> gy = gx;
  double jy = jx;
  std::vector<double> z(nc);
  std::vector<double> scratch;
  double t = 1.0;
  double lipschitz = 1.0;
  std::size_t it = 0;
  while (gap > o.tolerance && it < o.max_iterations) {
    ++it;
    lipschitz *= 0.5;
    double jz = -std::numeric_limits<double>::infinity();
    for (int attempt = 0; attempt < 64; ++attempt) {
      for (std::size_t c = 0; c < nc; ++c) z[c] = y[c] + gy[c] / lipschitz;
      project_to_simplex(z, scratch);
      jz = log_likelihood(p, rows, z.data(), nullptr);
      double linear = 0.0;
      double squared = 0.0;
      for (std::size_t c = 0; c < nc; ++c) {
        const double d = z[c] - y[c];
        linear += gy[c] * d;
        squared += d * d;
      }
      if (jz >= jy + linear - 0.5 * lipschitz * squared) break;
      lipschitz *= 2.0;
    }
    if (!(jz >= jx)) {
      // Not monotone: restart the momentum from x.
      y = x;
      gy = gx;
      jy = jx;
      t = 1.0;
      continue;
    }
    const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
    const double momentum = (t - 1.0) / t_next;
    for (std::size_t c = 0; c < nc; ++c) y[c] = z[c] + momentum * (z[c] - x[c]);
    x = z;
    jx = log_likelihood(p, rows, x.data(), gx.data());
    gap = gap_bound(gx);
    t = t_next;
    jy = log_likelihood(p, rows, y.data(), gy.data());
    if (!std::isfinite(jy)) {
      // The extrapolated point left the domain of J: restart from x.
      y = x;
      gy = gx;
      jy = jx;
      t = 1.0;
    }
  }
  FitResult out;
  out.beta = std::move(x);
  out.objective = jx;
  out.iterations = it;
  out.gap = gap;
  return out;
}

// The rows of `rows` with a positive value in some column.
std::vector<std::size_t> reachable(const Problem& p, std::span<const std::size_t> rows) {
  std::vector<std::size_t> out;
  for (const std::size_t r : rows) {
    const double* row = p.a.data() + r * p.cols;
    if (std::any_of(row, row + p.cols, [](double v) { return v > 0.0; })) out.push_back(r);
  }
  return out;
}

}  // namespace

Result<KliepResult> kliep_weights(const Matrix& train, std::span<const double> base_weights,
                                  const Matrix& target, const WeightOptions& options,
                                  const KliepOptions& kliep) {
  PARITY_RETURN_IF_ERROR(detail::validate(kKliep, train, base_weights, target));
  PARITY_RETURN_IF_ERROR(detail::check_weight_options(kKliep, options));
  PARITY_RETURN_IF_ERROR(check_kliep_options(kliep));
  if (target.rows < 2) {
    return invalid_argument(
        fmt::format("{}: needs at least 2 target rows, found {}", kKliep, target.rows));
  }
  const std::size_t nc = std::min(kliep.centers, target.rows / 2);
  const std::size_t m_used = std::min(target.rows - nc, kliep.max_target_rows);
  if (kliep.bandwidth_factors.size() > 1 && kliep.cv_folds < 2) {
    return invalid_argument(
        fmt::format("{}: cv_folds is {}: expected at least 2", kKliep, kliep.cv_folds));
  }
  const bool cross_validate = kliep.bandwidth_factors.size() > 1 && m_used >= 2;
  const std::size_t folds = std::min(kliep.cv_folds, m_used);
  const unsigned threads = compare::detail::thread_count(kliep.threads);

  // Centres, then objective rows: disjoint ranges of one seeded shuffle of the target rows.
  std::vector<std::size_t> order(target.rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  compare::detail::Rng rng(detail::stream_seed(kliep.seed, detail::Stream::kKliepRows));
  rng.shuffle(std::span<std::size_t>(order));
  KliepResult result;
  KliepModel& model = result.model;
  const auto first = order.begin() + static_cast<std::ptrdiff_t>(nc);
  model.centers.assign(order.begin(), first);
  model.objective_rows.assign(first, first + static_cast<std::ptrdiff_t>(m_used));
  const Matrix centers = compare::detail::select_rows(target, model.centers);
  const Matrix objective = compare::detail::select_rows(target, model.objective_rows);

  double sigma0 = kliep.bandwidth;
  if (sigma0 == 0.0) {
    PARITY_ASSIGN_OR_RETURN(
        sigma0, compare::median_heuristic_bandwidth(train, base_weights, target,
                                                    kliep.bandwidth_subsample, kliep.seed));
  }
  const std::size_t factors = kliep.bandwidth_factors.size();
  std::vector<double> gammas(factors);
  for (std::size_t h = 0; h < factors; ++h) {
    gammas[h] = detail::gamma_of(kliep.bandwidth_factors[h] * sigma0);
  }

  // b[h][l] = sum_i a_i K_h(c_l, x_i) over the training rows of non-zero base weight.
  std::vector<std::vector<double>> b(factors, std::vector<double>(nc));
  {
    compare::detail::WeightedRows wr = compare::detail::weighted_rows(train, base_weights);
    const detail::PackedRows packed(wr.rows.values.data(), wr.rows.rows, wr.rows.cols);
    wr.rows.values = {};
    std::vector<double> sums(nc * factors);
    detail::kernel_sums(centers.values.data(), nc, packed, wr.weights, {}, 1, gammas, threads,
                        sums.data());
    for (std::size_t l = 0; l < nc; ++l) {
      for (std::size_t h = 0; h < factors; ++h) b[h][l] = sums[l * factors + h];
    }
  }
  // Problem h: K_h(objective row, centre) / b_l, from one set of squared distances.
  std::vector<Problem> problems(factors);
  {
    const detail::PackedRows packed(centers.values.data(), nc, centers.cols);
    std::vector<double> dist(m_used * nc);
    compare::detail::squared_distances(objective.values.data(), m_used, packed, 0, nc, dist.data(),
                                       nc);
    for (std::size_t h = 0; h < factors; ++h) {
      Problem& p = problems[h];
      for (std::size_t l = 0; l < nc; ++l) {
        if (b[h][l] > 0.0) p.active.push_back(l);
      }
      p.cols = p.active.size();
      p.a.resize(m_used * p.cols);
      for (std::size_t j = 0; j < m_used; ++j) {
        for (std::size_t c = 0; c < p.cols; ++c) {
          const std::size_t l = p.active[c];
          p.a[j * p.cols + c] = std::exp(-gammas[h] * dist[j * nc + l]) / b[h][l];
        }
      }
    }
  }

  std::size_t chosen = 0;
  if (kliep.bandwidth_factors.size() > 1 && !cross_validate) {
    // A single objective row: no cross-validation; the factor nearest 1 (in ratio).
    for (std::size_t h = 1; h < factors; ++h) {
      if (std::abs(std::log(kliep.bandwidth_factors[h])) <
          std::abs(std::log(kliep.bandwidth_factors[chosen]))) {
        chosen = h;
      }
    }
  }
  if (cross_validate) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t h = 0; h < factors; ++h) {
      const Problem& p = problems[h];
      double score = 0.0;
      for (std::size_t f = 0; f < folds; ++f) {
        std::vector<std::size_t> fit_rows;
        std::vector<std::size_t> held_out;
        for (std::size_t r = 0; r < m_used; ++r) {
          (r % folds == f ? held_out : fit_rows).push_back(r);
        }
        const std::vector<std::size_t> usable = reachable(p, fit_rows);
        if (p.cols == 0 || usable.empty()) {
          score = -std::numeric_limits<double>::infinity();
          break;
        }
        const FitResult fitted = fit(p, usable, kliep);
        score += log_likelihood(p, held_out, fitted.beta.data(), nullptr);
      }
      score /= static_cast<double>(folds);
      result.weights.cv_log_likelihood.push_back(score);
      if (score > best) {
        best = score;
        chosen = h;
      }
    }
  }

  const Problem& p = problems[chosen];
  const double sigma = kliep.bandwidth_factors[chosen] * sigma0;
  if (p.active.empty()) {
    return invalid_argument(
        fmt::format("{}: bandwidth {}: every training row has a zero kernel value at every centre",
                    kKliep, sigma));
  }
  std::vector<std::size_t> all_rows(m_used);
  std::iota(all_rows.begin(), all_rows.end(), std::size_t{0});
  const std::vector<std::size_t> usable = reachable(p, all_rows);
  if (usable.empty()) {
    return invalid_argument(fmt::format(
        "{}: bandwidth {}: every objective target row has a zero kernel value at every centre",
        kKliep, sigma));
  }
  const FitResult fitted = fit(p, usable, kliep);
  model.alpha.assign(nc, 0.0);
  for (std::size_t c = 0; c < p.cols; ++c) {
    model.alpha[p.active[c]] = fitted.beta[c] / b[chosen][p.active[c]];
  }
  model.log_likelihood = fitted.objective;
  model.iterations = fitted.iterations;
  model.gap = fitted.gap;

  // ratio(x_i) for every training row.
  std::vector<double> ratio(train.rows);
  {
    const detail::PackedRows packed(centers.values.data(), nc, centers.cols);
    const double gamma = gammas[chosen];
    detail::kernel_sums(train.values.data(), train.rows, packed, model.alpha, {}, 1,
                        std::span<const double>(&gamma, 1), threads, ratio.data());
  }
  auto finalized = finalize_weights(ratio, base_weights, options);
  if (!finalized.ok()) return finalized.status().with_context(kKliep);
  std::vector<double> cv = std::move(result.weights.cv_log_likelihood);
  result.weights = std::move(finalized).value();
  result.weights.cv_log_likelihood = std::move(cv);
  result.weights.method = "kliep";
  result.weights.auc = std::numeric_limits<double>::quiet_NaN();
  result.weights.bandwidth = sigma;
  return result;
}

}  // namespace parity::plan
