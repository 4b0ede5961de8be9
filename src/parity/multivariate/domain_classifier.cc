// Domain-classifier two-sample test: class-balanced, L2-regularised logistic regression by
// Newton's method, stratified cross-validated out-of-fold predictions, weighted AUC with a
// DeLong interval, and the coefficients of the fit on all rows (definitions in multivariate.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <numeric>

#include "parity/multivariate/inputs.h"
#include "parity/multivariate/random.h"
#include "parity/parity/multivariate.h"

namespace parity::compare {

namespace {

constexpr std::size_t kChunkRows = 2048;
constexpr int kMaxNewtonIterations = 100;
constexpr std::size_t kHessianRows = 32768;
constexpr double kObjectiveNoise = 1e-12;

// The design: features, label (1 = target) and sample weight per row.
struct Design {
  const Matrix* train;
  const Matrix* target;
  std::vector<double> weight;  // per row: training rows first, then target rows
  std::size_t n = 0;
  std::size_t cols = 0;
  const double* row(std::size_t i) const {
    return i < n ? train->values.data() + i * cols : target->values.data() + (i - n) * cols;
  }
  double label(std::size_t i) const { return i < n ? 0.0 : 1.0; }
};

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// log(1 + e^z) without overflow.
double softplus(double z) {
  return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

typedef double Double4 __attribute__((vector_size(32)));  // NOLINT(modernize-use-using)

// beta[0] + sum_t beta[t + 1] x[t], summed in four interleaved lanes (t mod 4) and then lane by
// lane, so that both clones give the same value.
__attribute__((target_clones("avx2", "default"))) double margin_kernel(const double* x,
                                                                       const double* beta,
                                                                       std::size_t cols) {
  Double4 acc = {};
  std::size_t t = 0;
  for (; t + 4 <= cols; t += 4) {
    Double4 xv;
    Double4 bv;
    std::memcpy(&xv, x + t, sizeof xv);
    std::memcpy(&bv, beta + 1 + t, sizeof bv);
    acc += xv * bv;
  }
  double z = beta[0] + ((acc[0] + acc[1]) + (acc[2] + acc[3]));
  for (; t < cols; ++t) z += beta[t + 1] * x[t];
  return z;
}

double margin(const double* x, std::span<const double> beta, std::size_t cols) {
  return margin_kernel(x, beta.data(), cols);
}

// g[t] += r x[t].
__attribute__((target_clones("avx2", "default"))) void add_scaled(double* g, const double* x,
                                                                  double r, std::size_t cols) {
  for (std::size_t t = 0; t < cols; ++t) g[t] += r * x[t];
}

constexpr std::size_t kOuterRows = 8;

// H += sum_r w_r x~_r x~_r' on the upper triangle (x~ = (1, x), dimension cols + 1) for
// kOuterRows rows at once (pad with weight 0), so that H streams through the cache once per
// block; each entry adds its kOuterRows terms in row order, by vectors of four entries of a row
// of H (the same operations in every lane and in the scalar tail, so both clones agree).
__attribute__((target_clones("avx2", "default"))) void add_outer_block(double* h,
                                                                       const double* const* xs,
                                                                       const double* ws,
                                                                       std::size_t cols) {
  const std::size_t dim = cols + 1;
  double w_sum = 0.0;
  for (std::size_t r = 0; r < kOuterRows; ++r) w_sum += ws[r];
  h[0] += w_sum;
  for (std::size_t k = 1; k < dim; ++k) {
    double v = 0.0;
    for (std::size_t r = 0; r < kOuterRows; ++r) v += ws[r] * xs[r][k - 1];
    h[k] += v;
  }
  for (std::size_t j = 1; j < dim; ++j) {
    double a[kOuterRows];
    for (std::size_t r = 0; r < kOuterRows; ++r) a[r] = ws[r] * xs[r][j - 1];
    // Entries k = j .. dim - 1 of row j, i.e. x columns t = k - 1 = j - 1 .. cols - 1.
    double* hj = h + j * dim + 1;
    std::size_t t = j - 1;
    // Four independent sums at once (named, so that they stay in registers) hide the latency of
    // each entry's chain of additions.
    for (; t + 16 <= cols; t += 16) {
      Double4 x0, x1, x2, x3;
      std::memcpy(&x0, xs[0] + t, sizeof x0);
      std::memcpy(&x1, xs[0] + t + 4, sizeof x1);
      std::memcpy(&x2, xs[0] + t + 8, sizeof x2);
      std::memcpy(&x3, xs[0] + t + 12, sizeof x3);
      Double4 v0 = a[0] * x0;
      Double4 v1 = a[0] * x1;
      Double4 v2 = a[0] * x2;
      Double4 v3 = a[0] * x3;
      for (std::size_t r = 1; r < kOuterRows; ++r) {
        std::memcpy(&x0, xs[r] + t, sizeof x0);
        std::memcpy(&x1, xs[r] + t + 4, sizeof x1);
        std::memcpy(&x2, xs[r] + t + 8, sizeof x2);
        std::memcpy(&x3, xs[r] + t + 12, sizeof x3);
        v0 += a[r] * x0;
        v1 += a[r] * x1;
        v2 += a[r] * x2;
        v3 += a[r] * x3;
      }
      const Double4 sums[4] = {v0, v1, v2, v3};
      for (std::size_t q = 0; q < 4; ++q) {
        Double4 hv;
        std::memcpy(&hv, hj + t + 4 * q, sizeof hv);
        hv += sums[q];
        std::memcpy(hj + t + 4 * q, &hv, sizeof hv);
      }
    }
    for (; t + 4 <= cols; t += 4) {
      Double4 x;
      std::memcpy(&x, xs[0] + t, sizeof x);
      Double4 v = a[0] * x;
      for (std::size_t r = 1; r < kOuterRows; ++r) {
        std::memcpy(&x, xs[r] + t, sizeof x);
        v += a[r] * x;
      }
      Double4 hv;
      std::memcpy(&hv, hj + t, sizeof hv);
      hv += v;
      std::memcpy(hj + t, &hv, sizeof hv);
    }
    for (; t < cols; ++t) {
      double v = a[0] * xs[0][t];
      for (std::size_t r = 1; r < kOuterRows; ++r) v += a[r] * xs[r][t];
      hj[t] += v;
    }
  }
}

// Objective, gradient and (optionally) Hessian over the rows, summed chunk by chunk in order so
// that the result does not depend on the thread count.
struct Evaluation {
  double objective = 0.0;
  std::vector<double> gradient;
  std::vector<double> hessian;  // dim x dim, full
};

// full_hessian: the Hessian over every row, else over every stride-th row above kHessianRows.
Evaluation evaluate(const Design& design, std::span<const std::size_t> rows,
                    std::span<const double> beta, double c, bool with_hessian, bool full_hessian,
                    unsigned threads) {
  const std::size_t cols = design.cols;
  const std::size_t dim = cols + 1;
  const std::size_t chunks = (rows.size() + kChunkRows - 1) / kChunkRows;
  std::vector<double> objective(chunks, 0.0);
  std::vector<double> gradient(chunks * dim, 0.0);
  std::vector<double> hessian(with_hessian ? chunks * dim * dim : 0, 0.0);
  // Above kHessianRows rows the Hessian sums every stride-th row, scaled up.
  const std::size_t stride = full_hessian ? 1 : (rows.size() + kHessianRows - 1) / kHessianRows;
  const double hessian_scale =
      static_cast<double>(rows.size()) / static_cast<double>((rows.size() + stride - 1) / stride);
  detail::parallel_chunks(rows.size(), kChunkRows, threads,
                          [&](std::size_t begin, std::size_t end) {
                            const std::size_t chunk = begin / kChunkRows;
                            double* g = gradient.data() + chunk * dim;
                            double* h = with_hessian ? hessian.data() + chunk * dim * dim : nullptr;
                            double f = 0.0;
                            const double* block_x[kOuterRows];
                            double block_w[kOuterRows];
                            std::size_t in_block = 0;
                            for (std::size_t r = begin; r < end; ++r) {
                              const std::size_t i = rows[r];
                              const double* x = design.row(i);
                              const double s = design.weight[i];
                              const double y = design.label(i);
                              const double z = margin(x, beta, cols);
                              f += s * (softplus(z) - y * z);
                              const double p = sigmoid(z);
                              const double residual = s * (p - y);
                              g[0] += residual;
                              add_scaled(g + 1, x, residual, cols);
                              if (h != nullptr && r % stride == 0) {
                                block_x[in_block] = x;
                                block_w[in_block] = hessian_scale * s * p * (1.0 - p);
                                if (++in_block == kOuterRows) {
                                  add_outer_block(h, block_x, block_w, cols);
                                  in_block = 0;
                                }
                              }
                            }
                            if (in_block > 0) {
                              for (std::size_t b = in_block; b < kOuterRows; ++b) {
                                block_x[b] = block_x[0];
                                block_w[b] = 0.0;
                              }
                              add_outer_block(h, block_x, block_w, cols);
                            }
                            objective[chunk] = f;
                          });
  Evaluation out;
  out.gradient.assign(dim, 0.0);
  if (with_hessian) out.hessian.assign(dim * dim, 0.0);
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    out.objective += objective[chunk];
    for (std::size_t k = 0; k < dim; ++k) out.gradient[k] += gradient[chunk * dim + k];
    if (with_hessian) {
      for (std::size_t k = 0; k < dim * dim; ++k) out.hessian[k] += hessian[chunk * dim * dim + k];
    }
  }
  double penalty = 0.0;
  for (std::size_t k = 1; k < dim; ++k) {
    penalty += beta[k] * beta[k];
    out.gradient[k] += beta[k] / c;
  }
  out.objective += penalty / (2.0 * c);
  if (with_hessian) {
    for (std::size_t j = 0; j < dim; ++j) {
      if (j > 0) out.hessian[j * dim + j] += 1.0 / c;
      for (std::size_t k = 0; k < j; ++k) out.hessian[j * dim + k] = out.hessian[k * dim + j];
    }
  }
  return out;
}

// Solves H x = b for a symmetric positive definite H (Cholesky); false when H is not.
bool cholesky_solve(std::vector<double> h, std::vector<double>& b, std::size_t dim) {
  for (std::size_t j = 0; j < dim; ++j) {
    double diag = h[j * dim + j];
    for (std::size_t k = 0; k < j; ++k) diag -= h[j * dim + k] * h[j * dim + k];
    if (!(diag > 0.0)) return false;
    const double l = std::sqrt(diag);
    h[j * dim + j] = l;
    for (std::size_t i = j + 1; i < dim; ++i) {
      double v = h[i * dim + j];
      for (std::size_t k = 0; k < j; ++k) v -= h[i * dim + k] * h[j * dim + k];
      h[i * dim + j] = v / l;
    }
  }
  for (std::size_t i = 0; i < dim; ++i) {
    double v = b[i];
    for (std::size_t k = 0; k < i; ++k) v -= h[i * dim + k] * b[k];
    b[i] = v / h[i * dim + i];
  }
  for (std::size_t i = dim; i-- > 0;) {
    double v = b[i];
    for (std::size_t k = i + 1; k < dim; ++k) v -= h[k * dim + i] * b[k];
    b[i] = v / h[i * dim + i];
  }
  return true;
}

// Newton's method with backtracking from `beta` (intercept, coefficients...); returns the
// optimum. Above kHessianRows rows the Hessian is subsampled until an iteration stalls (lowers
// the objective by no more than its rounding, or finds no decrease): a subsampled Hessian
// converges only linearly and can cycle there, above the gradient tolerance; the exact Newton
// steps that follow reach it.
std::vector<double> fit(const Design& design, std::span<const std::size_t> rows, double c,
                        unsigned threads, std::vector<double> beta) {
  const std::size_t dim = design.cols + 1;
  double weight_total = 0.0;
  for (const std::size_t i : rows) weight_total += design.weight[i];
  const double tolerance = 1e-9 * std::max(1.0, weight_total);
  bool full_hessian = rows.size() <= kHessianRows;
  Evaluation current = evaluate(design, rows, beta, c, true, full_hessian, threads);
  for (int iteration = 0; iteration < kMaxNewtonIterations; ++iteration) {
    double norm = 0.0;
    for (const double g : current.gradient) norm = std::max(norm, std::abs(g));
    if (norm <= tolerance) break;
    std::vector<double> step = current.gradient;
    if (!cholesky_solve(current.hessian, step, dim)) break;
    double slope = 0.0;
    for (std::size_t k = 0; k < dim; ++k) slope += current.gradient[k] * step[k];
    double t = 1.0;
    std::vector<double> trial(dim);
    bool moved = false;
    Evaluation next;
    const double noise = kObjectiveNoise * std::abs(current.objective);
    for (int halving = 0; halving < 40; ++halving, t *= 0.5) {
      for (std::size_t k = 0; k < dim; ++k) trial[k] = beta[k] - t * step[k];
      // The full step is usually taken: evaluate it with its Hessian at once.
      next = evaluate(design, rows, trial, c, halving == 0, full_hessian, threads);
      // Armijo's condition, up to the rounding of a sum over many rows: near the optimum the
      // predicted decrease falls below it and the full step is taken.
      if (next.objective <= current.objective - 1e-4 * t * slope + noise) {
        moved = true;
        break;
      }
    }
    if (!moved) {
      if (full_hessian) break;
      full_hessian = true;
      current = evaluate(design, rows, beta, c, true, full_hessian, threads);
      continue;
    }
    const bool stalled = !full_hessian && current.objective - next.objective <= noise;
    if (stalled) full_hessian = true;
    beta = trial;
    current = next.hessian.empty() || stalled
                  ? evaluate(design, rows, beta, c, true, full_hessian, threads)
                  : std::move(next);
  }
  return beta;
}

// Inverse of the standard normal CDF by bisection on erfc (|error| < 1e-15).
double normal_quantile(double p) {
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (0.5 * std::erfc(-mid / std::numbers::sqrt2) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// Sorted values with cumulative weights: weight strictly below and equal to a value.
struct WeightedSorted {
  std::vector<double> values;
  std::vector<double> cumulative;  // cumulative[k] = weight of values[0..k)
  WeightedSorted(std::span<const double> v, std::span<const double> w) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return v[x] < v[y] || (v[x] == v[y] && x < y); });
    values.reserve(v.size());
    cumulative.assign(v.size() + 1, 0.0);
    for (std::size_t k = 0; k < order.size(); ++k) {
      values.push_back(v[order[k]]);
      cumulative[k + 1] = cumulative[k] + w[order[k]];
    }
  }
  // Weight below x plus half the weight equal to x.
  double below_half(double x) const {
    const auto lo = std::lower_bound(values.begin(), values.end(), x) - values.begin();
    const auto hi = std::upper_bound(values.begin(), values.end(), x) - values.begin();
    return cumulative[static_cast<std::size_t>(lo)] +
           0.5 * (cumulative[static_cast<std::size_t>(hi)] -
                  cumulative[static_cast<std::size_t>(lo)]);
  }
  double total() const { return cumulative.back(); }
};

// The model terms of `columns` columns (see multivariate.h for the order).
std::vector<ClassifierTerm> model_terms(std::size_t columns, bool products) {
  std::vector<ClassifierTerm> terms;
  for (std::size_t c = 0; c < columns; ++c) terms.push_back({c, ClassifierTerm::kLinearTerm, 0.0});
  for (std::size_t c = 0; c < columns; ++c) terms.push_back({c, c, 0.0});
  if (products) {
    for (std::size_t c = 0; c < columns; ++c) {
      for (std::size_t e = c + 1; e < columns; ++e) terms.push_back({c, e, 0.0});
    }
  }
  return terms;
}

Matrix expand(const Matrix& m, const std::vector<ClassifierTerm>& terms) {
  Matrix out;
  out.rows = m.rows;
  out.cols = terms.size();
  out.values.resize(out.rows * out.cols);
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double* x = m.values.data() + r * m.cols;
    double* y = out.values.data() + r * out.cols;
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const ClassifierTerm& term = terms[t];
      y[t] = term.other == ClassifierTerm::kLinearTerm ? x[term.column]
                                                       : x[term.column] * x[term.other];
    }
  }
  return out;
}

Status check_options(const ClassifierOptions& options, std::size_t train_rows,
                     std::size_t target_rows) {
  if (options.folds < 2 || options.folds > std::min(train_rows, target_rows)) {
    return invalid_argument(fmt::format(
        "domain_classifier: {} folds: expected 2 to {} (the smaller side's rows: {} train rows "
        "of non-zero weight, {} target rows)",
        options.folds, std::max<std::size_t>(2, std::min(train_rows, target_rows)), train_rows,
        target_rows));
  }
  if (!(options.c > 0.0) || !std::isfinite(options.c)) {
    return invalid_argument(
        fmt::format("domain_classifier: c {}: expected a finite value > 0", options.c));
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    return invalid_argument(fmt::format(
        "domain_classifier: confidence {}: expected a value in (0, 1)", options.confidence));
  }
  return {};
}

}  // namespace

std::vector<std::uint32_t> stratified_folds(std::size_t n_train, std::size_t n_target,
                                            std::size_t folds, std::uint64_t seed) {
  PARITY_CHECK(folds >= 1);
  std::vector<std::uint32_t> out(n_train + n_target);
  detail::Rng rng(seed);
  for (const auto& [begin, count] :
       {std::pair{std::size_t{0}, n_train}, std::pair{n_train, n_target}}) {
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), begin);
    rng.shuffle(std::span<std::size_t>(order));
    for (std::size_t r = 0; r < count; ++r) {
      out[order[r]] = static_cast<std::uint32_t>(r % folds);
    }
  }
  return out;
}

Result<ClassifierResult> domain_classifier(const Matrix& train, std::span<const double> weights,
                                           const Matrix& target, const ClassifierOptions& options) {
  PARITY_RETURN_IF_ERROR(
      detail::validate_inputs("domain_classifier", train, weights, target, false));
  const std::size_t n = train.rows;
  const std::size_t m = target.rows;
  std::vector<double> a(n, 1.0 / static_cast<double>(n));  // normalised training weights
  std::size_t positive = n;
  if (!weights.empty()) {
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    positive = 0;
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = weights[i] / total;
      positive += weights[i] > 0.0 ? 1 : 0;
    }
  }
  PARITY_RETURN_IF_ERROR(check_options(options, positive, m));
  const unsigned threads = detail::thread_count(options.threads);

  std::vector<ClassifierTerm> terms =
      model_terms(train.cols, train.cols <= options.quadratic_max_columns);
  const Matrix train_terms = expand(train, terms);
  const Matrix target_terms = expand(target, terms);
  Design design;
  design.train = &train_terms;
  design.target = &target_terms;
  design.n = n;
  design.cols = terms.size();
  const double half = 0.5 * static_cast<double>(n + m);
  design.weight.resize(n + m);
  for (std::size_t i = 0; i < n; ++i) design.weight[i] = a[i] * half;
  for (std::size_t j = 0; j < m; ++j) design.weight[n + j] = half / static_cast<double>(m);

  std::vector<std::size_t> all_rows;
  for (std::size_t i = 0; i < n + m; ++i) {
    if (design.weight[i] > 0.0) all_rows.push_back(i);
  }
  const std::vector<double> full =
      fit(design, all_rows, options.c, threads, std::vector<double>(design.cols + 1, 0.0));

  const std::vector<std::uint32_t> fold = stratified_folds(n, m, options.folds, options.seed);
  std::vector<double> prediction(n + m, 0.5);
  for (std::uint32_t f = 0; f < options.folds; ++f) {
    std::vector<std::size_t> fit_rows;
    std::vector<std::size_t> held_out;
    for (std::size_t i = 0; i < n + m; ++i) {
      if (fold[i] == f) {
        held_out.push_back(i);
      } else if (design.weight[i] > 0.0) {
        fit_rows.push_back(i);
      }
    }
    const std::vector<double> beta = fit(design, fit_rows, options.c, threads, full);
    for (const std::size_t i : held_out) {
      prediction[i] = sigmoid(margin(design.row(i), beta, design.cols));
    }
  }

  ClassifierResult result;
  result.folds = options.folds;
  result.p_target_train.assign(prediction.begin(),
                               prediction.begin() + static_cast<std::ptrdiff_t>(n));
  result.p_target_target.assign(prediction.begin() + static_cast<std::ptrdiff_t>(n),
                                prediction.end());

  // Weighted Mann-Whitney AUC and DeLong's structural components.
  const std::vector<double> target_weight(m, 1.0 / static_cast<double>(m));
  const WeightedSorted train_sorted(result.p_target_train, a);
  const WeightedSorted target_sorted(result.p_target_target, target_weight);
  std::vector<double> v10(m);
  double auc = 0.0;
  for (std::size_t j = 0; j < m; ++j) {
    v10[j] = train_sorted.below_half(result.p_target_target[j]);
    auc += v10[j];
  }
  auc /= static_cast<double>(m);
  double s10 = 0.0;
  for (const double v : v10) s10 += (v - auc) * (v - auc);
  s10 /= static_cast<double>(m - 1);
  double s01 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] == 0.0) continue;
    const double v01 = 1.0 - target_sorted.below_half(result.p_target_train[i]);
    s01 += a[i] * (v01 - auc) * (v01 - auc);
  }
  const double n_eff = detail::kish_effective_size(a);
  s01 *= n_eff / (n_eff - 1.0);
  const double se = std::sqrt(s10 / static_cast<double>(m) + s01 / n_eff);
  const double z = normal_quantile(0.5 + 0.5 * options.confidence);
  result.auc = auc;
  result.auc_ci = {std::clamp(auc - z * se, 0.0, 1.0), std::clamp(auc + z * se, 0.0, 1.0)};

  for (std::size_t t = 0; t < terms.size(); ++t) terms[t].coefficient = full[t + 1];
  std::vector<ClassifierTerm> ranked = terms;
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ClassifierTerm& x, const ClassifierTerm& y) {
                     return std::abs(x.coefficient) > std::abs(y.coefficient);
                   });
  // Columns in the order their first (largest) term appears.
  std::vector<unsigned char> seen(train.cols, 0);
  for (const ClassifierTerm& term : ranked) {
    for (const std::size_t column : {term.column, term.other}) {
      if (column == ClassifierTerm::kLinearTerm || seen[column] != 0) continue;
      seen[column] = 1;
      if (result.top_features.size() < options.top_features) {
        result.top_features.emplace_back(column, term.coefficient);
      }
    }
  }
  ranked.resize(std::min(ranked.size(), options.top_features));
  result.terms = std::move(ranked);
  return result;
}

}  // namespace parity::compare
