// RBF kernel sums and rows shared by the plan statistics (weights, mix, subset), on top of the
// blocked distances of the multivariate stage, plus the input checks they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/multivariate/pairwise.h"
#include "parity/parity/multivariate.h"

namespace parity::plan::detail {

using compare::Matrix;
using compare::detail::PackedRows;

// Independent random streams per purpose.
enum class Stream : std::uint64_t {
  kKliepRows = 11,
  kMixSubsample = 12,
  kMixFeatures = 13,
  kSubsetTarget = 14,
  kSubsetRandom = 15,
};
std::uint64_t stream_seed(std::uint64_t seed, Stream stream, std::uint64_t index = 0);

// The shape, value and base-weight checks of compare::detail::validate_inputs() (NaN rejected).
Status validate(std::string_view function, const Matrix& train,
                std::span<const double> base_weights, const Matrix& target);

// Base weight of row i (1 when none are given).
inline double base_weight(std::span<const double> base_weights, std::size_t i) {
  return base_weights.empty() ? 1.0 : base_weights[i];
}

// For every query row q_i (row-major, refs.cols() columns) and every gamma g_h:
//   out[(i * gammas.size() + h) * groups + group[j]] = sum_j weight[j] exp(-g_h |q_i - r_j|^2)
// over the reference rows j (weight empty = 1 each; group empty = all in group 0, groups = 1).
// Each sum runs over j in order, so results do not depend on the thread count. out is
// overwritten (nq x gammas x groups values).
void kernel_sums(const double* queries, std::size_t nq, const PackedRows& refs,
                 std::span<const double> weight, std::span<const std::uint32_t> group,
                 std::size_t groups, std::span<const double> gammas, unsigned threads, double* out);

// out[j] = exp(-gamma |query - r_j|^2) for every reference row j (refs.count() values).
void kernel_row(const double* query, const PackedRows& refs, double gamma, unsigned threads,
                double* out);

// gamma = 1 / (2 sigma^2).
inline double gamma_of(double bandwidth) {
  return 1.0 / (2.0 * bandwidth * bandwidth);
}

// NumPy's default quantile (linear interpolation between order statistics) of `values`, which
// is reordered. Precondition: not empty, q in [0, 1].
double quantile(std::vector<double>& values, double q);

}  // namespace parity::plan::detail
