// Budgeted subset selection by kernel herding without repetition, against random subsets of
// the same size (definitions in parity/plan/subset.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/random.h"
#include "parity/plan/subset.h"
#include "plan/math/kernel_sums.h"

namespace parity::plan {

namespace {

constexpr std::string_view kSubset = "select_subset";

// sum_{i, i'} K(x_i, x_i') over all ordered pairs of the rows of m.
double kernel_total(const Matrix& m, double gamma, unsigned threads) {
  const detail::PackedRows packed(m.values.data(), m.rows, m.cols);
  std::vector<double> sums(m.rows);
  detail::kernel_sums(m.values.data(), m.rows, packed, {}, {}, 1,
                      std::span<const double>(&gamma, 1), threads, sums.data());
  double total = 0.0;
  for (const double s : sums) total += s;
  return total;
}

}  // namespace

Result<SubsetResult> select_subset(const Matrix& train, std::span<const double> base_weights,
                                   const Matrix& target, std::size_t budget,
                                   const SubsetOptions& options) {
  PARITY_RETURN_IF_ERROR(detail::validate(kSubset, train, base_weights, target));
  if (!std::isfinite(options.bandwidth) || options.bandwidth < 0.0) {
    return invalid_argument(
        fmt::format("{}: bandwidth is {}: expected 0 (median heuristic) or a finite value > 0",
                    kSubset, options.bandwidth));
  }
  if (options.bandwidth_subsample < 2) {
    return invalid_argument(fmt::format("{}: bandwidth_subsample is {}: expected at least 2",
                                        kSubset, options.bandwidth_subsample));
  }
  if (options.max_target_rows < 2) {
    return invalid_argument(fmt::format("{}: max_target_rows is {}: expected at least 2", kSubset,
                                        options.max_target_rows));
  }
  if (target.rows < 2) {
    return invalid_argument(
        fmt::format("{}: needs at least 2 target rows, found {}", kSubset, target.rows));
  }
  compare::detail::WeightedRows candidates = compare::detail::weighted_rows(train, base_weights);
  const std::size_t n = candidates.rows.rows;
  if (budget == 0 || budget > n) {
    return invalid_argument(
        fmt::format("{}: budget is {}: expected between 1 and the {} train rows of non-zero weight",
                    kSubset, budget, n));
  }
  const unsigned threads = compare::detail::thread_count(options.threads);

  SubsetResult out;
  out.bandwidth = options.bandwidth;
  if (out.bandwidth == 0.0) {
    PARITY_ASSIGN_OR_RETURN(
        out.bandwidth, compare::median_heuristic_bandwidth(
                           train, base_weights, target, options.bandwidth_subsample, options.seed));
  }
  const double gamma = detail::gamma_of(out.bandwidth);

  // The target's embedding mu_Q at every candidate, and c.
  Matrix reference;
  if (target.rows > options.max_target_rows) {
    compare::detail::Rng rng(detail::stream_seed(options.seed, detail::Stream::kSubsetTarget));
    reference = compare::detail::select_rows(
        target, compare::detail::subsample_indices(target.rows, options.max_target_rows, rng));
  } else {
    reference = target;
  }
  const std::size_t m = reference.rows;
  out.target_rows = m;
  const double md = static_cast<double>(m);
  std::vector<double> mu(n);
  {
    const detail::PackedRows packed(reference.values.data(), m, reference.cols);
    detail::kernel_sums(candidates.rows.values.data(), n, packed, {}, {}, 1,
                        std::span<const double>(&gamma, 1), threads, mu.data());
    for (double& v : mu) v /= md;
  }
  const double c = (kernel_total(reference, gamma, threads) - md) / (md * (md - 1.0));

  // Greedy selection.
  const detail::PackedRows packed(candidates.rows.values.data(), n, candidates.rows.cols);
  std::vector<double> acc(n, 0.0);  // sum_{j in S} K(x_i, x_j)
  std::vector<char> chosen(n, 0);
  std::vector<double> k_row(n);
  double sum_kk = 0.0;
  double sum_mu = 0.0;
  double chosen_mmd2 = 0.0;
  for (std::size_t t = 0; t < budget; ++t) {
    const double inv = 1.0 / static_cast<double>(t + 1);
    double best = -std::numeric_limits<double>::infinity();
    std::size_t pick = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (chosen[i]) continue;
      const double score = mu[i] - acc[i] * inv;
      if (score > best) {
        best = score;
        pick = i;
      }
    }
    chosen[pick] = 1;
    out.rows.push_back(candidates.original[pick]);
    sum_kk += 2.0 * acc[pick] + 1.0;
    sum_mu += mu[pick];
    chosen_mmd2 = sum_kk * inv * inv - 2.0 * sum_mu * inv + c;
    out.mmd2_by_size.push_back(chosen_mmd2);
    if (t + 1 < budget) {
      detail::kernel_row(candidates.rows.values.data() + pick * candidates.rows.cols, packed, gamma,
                         threads, k_row.data());
      for (std::size_t i = 0; i < n; ++i) acc[i] += k_row[i];
    }
  }
  out.mmd2 = chosen_mmd2;

  // Random subsets of the same size.
  out.random_subsets = options.random_subsets;
  if (options.random_subsets == 0) {
    out.random_mean = out.random_p05 = out.random_p95 = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  const double bd = static_cast<double>(budget);
  std::vector<double> random_mmd2;
  for (std::size_t r = 0; r < options.random_subsets; ++r) {
    compare::detail::Rng rng(detail::stream_seed(options.seed, detail::Stream::kSubsetRandom, r));
    const std::vector<std::size_t> pick = compare::detail::subsample_indices(n, budget, rng);
    const Matrix rows = compare::detail::select_rows(candidates.rows, pick);
    double mu_sum = 0.0;
    for (const std::size_t i : pick) mu_sum += mu[i];
    random_mmd2.push_back(kernel_total(rows, gamma, threads) / (bd * bd) - 2.0 * mu_sum / bd + c);
  }
  double total = 0.0;
  std::size_t beaten = 0;
  for (const double v : random_mmd2) {
    total += v;
    if (out.mmd2 < v) ++beaten;
  }
  out.random_mean = total / static_cast<double>(random_mmd2.size());
  out.beats_random = static_cast<double>(beaten) / static_cast<double>(random_mmd2.size());
  out.random_p05 = detail::quantile(random_mmd2, 0.05);
  out.random_p95 = detail::quantile(random_mmd2, 0.95);
  return out;
}

}  // namespace parity::plan
