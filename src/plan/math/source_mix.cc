// The source mix minimising MMD^2 to the target: A, b, c exactly or from random Fourier
// features, then the simplex QP (definitions in parity/plan/mix.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/random.h"
#include "parity/plan/mix.h"
#include "plan/math/kernel_sums.h"

namespace parity::plan {

namespace {

constexpr std::string_view kMix = "source_mix";
constexpr std::string_view kMixWeights = "mix_row_weights";
constexpr std::size_t kRffSegment = 1024;

// Rows of each source and each row's weight within its source (base weights; equal weights in
// a source whose base weights are all zero).
struct Sources {
  std::vector<std::vector<std::size_t>> rows;  // per source, rows of positive within-weight
  std::vector<std::size_t> all_rows;           // per source, every row
  std::vector<double> within;                  // per training row
  std::vector<double> base_total;              // per source
};

Result<Sources> group_sources(std::string_view function, std::size_t n,
                              std::span<const std::size_t> source, std::size_t source_count,
                              std::span<const double> base_weights) {
  if (source_count == 0) return invalid_argument(fmt::format("{}: source_count is 0", function));
  if (source.size() != n) {
    return invalid_argument(
        fmt::format("{}: {} source labels for {} train rows", function, source.size(), n));
  }
  if (!base_weights.empty() && base_weights.size() != n) {
    return invalid_argument(
        fmt::format("{}: {} base weights for {} train rows", function, base_weights.size(), n));
  }
  Sources out;
  out.rows.resize(source_count);
  out.all_rows.assign(source_count, 0);
  out.base_total.assign(source_count, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (source[i] >= source_count) {
      return invalid_argument(fmt::format("{}: train row {} has source {}: expected < {}", function,
                                          i, source[i], source_count));
    }
    const double w = detail::base_weight(base_weights, i);
    if (!std::isfinite(w) || w < 0.0) {
      return invalid_argument(
          fmt::format("{}: train weight {} is {}: expected a finite value >= 0", function, i, w));
    }
    ++out.all_rows[source[i]];
    out.base_total[source[i]] += w;
  }
  out.within.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = source[i];
    out.within[i] = out.base_total[s] > 0.0 ? detail::base_weight(base_weights, i) : 1.0;
    if (out.within[i] > 0.0) out.rows[s].push_back(i);
  }
  return out;
}

// The cos features of rows [begin, end) of `x`, weighted sums accumulated into sum_phi (D) and
// sum_sq (the sum of w_i^2 |phi_i|^2).
void rff_accumulate(const double* x, std::size_t d, std::span<const double> w_t,
                    std::span<const double> phase, double amplitude, std::size_t begin,
                    std::size_t end, std::span<const double> row_weight, double* sum_phi,
                    double* sum_sq) {
  const std::size_t features = phase.size();
  std::vector<double> z(features);
  for (std::size_t i = begin; i < end; ++i) {
    std::copy(phase.begin(), phase.end(), z.begin());
    const double* xi = x + i * d;
    for (std::size_t t = 0; t < d; ++t) {
      const double* wt = w_t.data() + t * features;
      const double xt = xi[t];
      for (std::size_t f = 0; f < features; ++f) z[f] += wt[f] * xt;
    }
    double sq = 0.0;
    const double w = row_weight[i];
    for (std::size_t f = 0; f < features; ++f) {
      const double phi = amplitude * std::cos(z[f]);
      sq += phi * phi;
      sum_phi[f] += w * phi;
    }
    *sum_sq += w * w * sq;
  }
}

}  // namespace

Result<MixResult> source_mix(const Matrix& train, std::span<const std::size_t> source,
                             std::size_t source_count, std::span<const double> base_weights,
                             const Matrix& target, const MixOptions& options) {
  PARITY_RETURN_IF_ERROR(detail::validate(kMix, train, base_weights, target));
  if (!std::isfinite(options.bandwidth) || options.bandwidth < 0.0) {
    return invalid_argument(
        fmt::format("{}: bandwidth is {}: expected 0 (median heuristic) or a finite value > 0",
                    kMix, options.bandwidth));
  }
  if (options.bandwidth_subsample < 2 || options.max_rows_per_source < 2 ||
      options.max_target_rows < 2) {
    return invalid_argument(fmt::format(
        "{}: bandwidth_subsample {}, max_rows_per_source {}, max_target_rows {}: expected at "
        "least 2 each",
        kMix, options.bandwidth_subsample, options.max_rows_per_source, options.max_target_rows));
  }
  if (options.rff_features == 0)
    return invalid_argument(fmt::format("{}: rff_features is 0", kMix));
  PARITY_ASSIGN_OR_RETURN(Sources groups,
                          group_sources(kMix, train.rows, source, source_count, base_weights));
  const std::size_t k = source_count;
  for (std::size_t s = 0; s < k; ++s) {
    if (groups.all_rows[s] == 0) {
      return invalid_argument(fmt::format("{}: source {} has no rows", kMix, s));
    }
  }
  if (target.rows < 2) {
    return invalid_argument(
        fmt::format("{}: needs at least 2 target rows, found {}", kMix, target.rows));
  }
  const unsigned threads = compare::detail::thread_count(options.threads);

  MixResult out;
  out.source_rows = groups.all_rows;
  double base_sum = 0.0;
  for (const double t : groups.base_total) base_sum += t;
  for (std::size_t s = 0; s < k; ++s)
    out.current_proportions.push_back(groups.base_total[s] / base_sum);

  out.bandwidth = options.bandwidth;
  if (out.bandwidth == 0.0) {
    PARITY_ASSIGN_OR_RETURN(out.bandwidth,
                            compare::median_heuristic_bandwidth(
                                train, {}, target, options.bandwidth_subsample, options.seed));
  }

  // Pooled rows: each source's (subsampled) rows, then the (subsampled) target; group s or k.
  std::vector<std::size_t> train_rows;
  std::vector<std::uint32_t> group;
  std::vector<double> weight;
  std::vector<double> sum_a2(k, 0.0);
  for (std::size_t s = 0; s < k; ++s) {
    std::vector<std::size_t> rows = groups.rows[s];
    if (rows.size() > options.max_rows_per_source) {
      compare::detail::Rng rng(detail::stream_seed(options.seed, detail::Stream::kMixSubsample, s));
      const std::vector<std::size_t> pick =
          compare::detail::subsample_indices(rows.size(), options.max_rows_per_source, rng);
      std::vector<std::size_t> kept;
      for (const std::size_t p : pick) kept.push_back(rows[p]);
      rows = std::move(kept);
    }
    double total = 0.0;
    for (const std::size_t i : rows) total += groups.within[i];
    for (const std::size_t i : rows) {
      const double a = groups.within[i] / total;
      train_rows.push_back(i);
      group.push_back(static_cast<std::uint32_t>(s));
      weight.push_back(a);
      sum_a2[s] += a * a;
    }
  }
  std::vector<std::size_t> target_rows(target.rows);
  for (std::size_t j = 0; j < target.rows; ++j) target_rows[j] = j;
  if (target.rows > options.max_target_rows) {
    compare::detail::Rng rng(detail::stream_seed(options.seed, detail::Stream::kMixSubsample, k));
    target_rows = compare::detail::subsample_indices(target.rows, options.max_target_rows, rng);
  }
  const std::size_t m_used = target_rows.size();
  const double md = static_cast<double>(m_used);
  Matrix pooled = compare::detail::select_rows(train, train_rows);
  {
    const Matrix t = compare::detail::select_rows(target, target_rows);
    pooled.values.insert(pooled.values.end(), t.values.begin(), t.values.end());
    pooled.rows += m_used;
  }
  for (std::size_t j = 0; j < m_used; ++j) {
    group.push_back(static_cast<std::uint32_t>(k));
    weight.push_back(1.0 / md);
  }
  const std::size_t big_n = pooled.rows;
  const std::size_t d = pooled.cols;

  std::vector<double>& a = out.gram;
  std::vector<double>& b = out.affinity;
  a.assign(k * k, 0.0);
  b.assign(k, 0.0);
  if (big_n <= options.exact_max_rows) {
    out.estimator = "exact";
    const detail::PackedRows packed(pooled.values.data(), big_n, d);
    const double gamma = detail::gamma_of(out.bandwidth);
    std::vector<double> sums(big_n * (k + 1));
    detail::kernel_sums(pooled.values.data(), big_n, packed, weight, group, k + 1,
                        std::span<const double>(&gamma, 1), threads, sums.data());
    double yy = 0.0;
    for (std::size_t i = 0; i < big_n; ++i) {
      const std::size_t s = group[i];
      const double* row = sums.data() + i * (k + 1);
      if (s == k) {
        yy += weight[i] * row[k];
        continue;
      }
      for (std::size_t t = 0; t < k; ++t) a[s * k + t] += weight[i] * row[t];
      b[s] += weight[i] * row[k];
    }
    // Within-source U-statistics: drop the i = i' terms a_i^2 K(x_i, x_i) = a_i^2.
    for (std::size_t s = 0; s < k; ++s)
      // A single-row source keeps the V-statistic K(x, x) = 1.
      if (sum_a2[s] < 1.0) a[s * k + s] = (a[s * k + s] - sum_a2[s]) / (1.0 - sum_a2[s]);
    out.target_self = (yy - 1.0 / md) / (1.0 - 1.0 / md);
  } else {
    out.estimator = "rff";
    const std::size_t features = options.rff_features;
    std::vector<double> w_t(d * features);  // w_t[t * features + f]
    std::vector<double> phase(features);
    compare::detail::Rng rng(detail::stream_seed(options.seed, detail::Stream::kMixFeatures));
    for (std::size_t f = 0; f < features; ++f) {
      for (std::size_t t = 0; t < d; ++t) w_t[t * features + f] = rng.normal() / out.bandwidth;
    }
    for (double& u : phase) u = 2.0 * std::numbers::pi * rng.uniform();
    const double amplitude = std::sqrt(2.0 / static_cast<double>(features));
    // Segments of at most kRffSegment rows within one group, each with its own partial sums
    // (summed per group in segment order: independent of the thread count).
    struct Segment {
      std::size_t group, begin, end;
    };
    std::vector<Segment> segments;
    for (std::size_t i = 0; i < big_n;) {
      std::size_t e = i;
      while (e < big_n && e - i < kRffSegment && group[e] == group[i]) ++e;
      segments.push_back({group[i], i, e});
      i = e;
    }
    std::vector<double> partial(segments.size() * (features + 1), 0.0);
    compare::detail::parallel_chunks(
        segments.size(), 1, threads, [&](std::size_t lo, std::size_t hi) {
          for (std::size_t g = lo; g < hi; ++g) {
            double* p = partial.data() + g * (features + 1);
            rff_accumulate(pooled.values.data(), d, w_t, phase, amplitude, segments[g].begin,
                           segments[g].end, weight, p, p + features);
          }
        });
    std::vector<double> mean_phi((k + 1) * features, 0.0);
    std::vector<double> diag(k + 1, 0.0);
    for (std::size_t g = 0; g < segments.size(); ++g) {
      const double* p = partial.data() + g * (features + 1);
      double* m = mean_phi.data() + segments[g].group * features;
      for (std::size_t f = 0; f < features; ++f) m[f] += p[f];
      diag[segments[g].group] += p[features];
    }
    auto dot = [&](std::size_t s, std::size_t t) {
      double v = 0.0;
      for (std::size_t f = 0; f < features; ++f) {
        v += mean_phi[s * features + f] * mean_phi[t * features + f];
      }
      return v;
    };
    for (std::size_t s = 0; s < k; ++s) {
      for (std::size_t t = 0; t < k; ++t) a[s * k + t] = dot(s, t);
      if (sum_a2[s] < 1.0) a[s * k + s] = (a[s * k + s] - diag[s]) / (1.0 - sum_a2[s]);
      b[s] = dot(s, k);
    }
    out.target_self = (dot(k, k) - diag[k]) / (1.0 - 1.0 / md);
  }
  // Exact symmetry (the two triangles were summed in different orders).
  for (std::size_t s = 0; s < k; ++s) {
    for (std::size_t t = s + 1; t < k; ++t) {
      const double v = 0.5 * (a[s * k + t] + a[t * k + s]);
      a[s * k + t] = v;
      a[t * k + s] = v;
    }
  }

  auto qp = minimize_on_simplex(a, b, options.solver);
  if (!qp.ok()) return qp.status().with_context(kMix);
  const double c = out.target_self;
  out.proportions = qp->pi;
  out.mmd2 = qp->objective + c;
  out.kkt_residual = qp->kkt_residual;
  out.solver = qp->solver;
  auto mmd2_at = [&](std::span<const double> pi) {
    double v = c;
    for (std::size_t s = 0; s < k; ++s) {
      for (std::size_t t = 0; t < k; ++t) v += pi[s] * a[s * k + t] * pi[t];
      v -= 2.0 * b[s] * pi[s];
    }
    return v;
  };
  for (std::size_t s = 0; s < k; ++s) {
    out.single_source_mmd2.push_back(a[s * k + s] - 2.0 * b[s] + c);
  }
  out.current_mmd2 = mmd2_at(out.current_proportions);
  return out;
}

Result<std::vector<double>> mix_row_weights(std::span<const std::size_t> source,
                                            std::size_t source_count,
                                            std::span<const double> base_weights,
                                            std::span<const double> proportions) {
  PARITY_ASSIGN_OR_RETURN(Sources groups, group_sources(kMixWeights, source.size(), source,
                                                        source_count, base_weights));
  if (proportions.size() != source_count) {
    return invalid_argument(fmt::format("{}: {} proportions for {} sources", kMixWeights,
                                        proportions.size(), source_count));
  }
  double total = 0.0;
  for (std::size_t s = 0; s < source_count; ++s) {
    if (!std::isfinite(proportions[s]) || proportions[s] < 0.0) {
      return invalid_argument(fmt::format("{}: proportion {} is {}: expected a finite value >= 0",
                                          kMixWeights, s, proportions[s]));
    }
    total += proportions[s];
  }
  if (!(total > 0.0)) return invalid_argument(fmt::format("{}: proportions sum to 0", kMixWeights));
  std::vector<double> within_total(source_count, 0.0);
  for (std::size_t i = 0; i < source.size(); ++i) within_total[source[i]] += groups.within[i];
  for (std::size_t s = 0; s < source_count; ++s) {
    if (proportions[s] > 0.0 && groups.all_rows[s] == 0) {
      return invalid_argument(fmt::format("{}: source {} has proportion {} but no rows",
                                          kMixWeights, s, proportions[s]));
    }
  }
  const double n = static_cast<double>(source.size());
  std::vector<double> out(source.size(), 0.0);
  for (std::size_t i = 0; i < source.size(); ++i) {
    const std::size_t s = source[i];
    out[i] = proportions[s] / total * groups.within[i] / within_total[s] * n;
  }
  return out;
}

}  // namespace parity::plan
