#include "parity/multivariate/pairwise.h"

#include <algorithm>
#include <cstring>

#include "parity/core/check.h"

namespace parity::compare::detail {

namespace {

constexpr std::size_t kPanel = PackedRows::kPanel;
constexpr std::size_t kQueries = 4;

// Eight doubles, one panel row of PackedRows (GCC vector extension: one AVX-512 register in the
// avx512f clone, two AVX2 registers in the avx2 clone, four SSE2 registers in the baseline).
typedef double Double8 __attribute__((vector_size(64)));  // NOLINT(modernize-use-using)

// acc[q][l] = |query_q - panel row l|^2 for four queries and one panel. Each lane sums its own
// column terms in column order, so every clone computes the same values.
__attribute__((target_clones("avx512f", "avx2", "default"))) void panel_kernel(
    const double* q0, const double* q1, const double* q2, const double* q3, const double* panel,
    std::size_t cols, double* acc) {
  static_assert(kPanel == 8);
  Double8 a[kQueries] = {};
  for (std::size_t t = 0; t < cols; ++t) {
    Double8 p;
    std::memcpy(&p, panel + t * kPanel, sizeof p);
    const double v[kQueries] = {q0[t], q1[t], q2[t], q3[t]};
    for (std::size_t q = 0; q < kQueries; ++q) {
      const Double8 e = v[q] - p;
      a[q] += e * e;
    }
  }
  for (std::size_t q = 0; q < kQueries; ++q) std::memcpy(acc + q * kPanel, &a[q], sizeof a[q]);
}

}  // namespace

PackedRows::PackedRows(const double* rows, std::size_t count, std::size_t cols)
    : count_(count), cols_(cols) {
  data_.resize(panels() * kPanel * cols);
  for (std::size_t p = 0; p < panels(); ++p) {
    double* out = data_.data() + p * kPanel * cols;
    for (std::size_t l = 0; l < kPanel; ++l) {
      const std::size_t r = std::min(p * kPanel + l, count - 1);
      for (std::size_t t = 0; t < cols; ++t) out[t * kPanel + l] = rows[r * cols + t];
    }
  }
}

void squared_distances(const double* queries, std::size_t nq, const PackedRows& refs,
                       std::size_t ref_begin, std::size_t ref_end, double* out,
                       std::size_t out_stride) {
  PARITY_CHECK(ref_begin % kPanel == 0 && ref_end <= refs.count() && ref_begin <= ref_end);
  const std::size_t cols = refs.cols();
  double acc[kQueries * kPanel];
  for (std::size_t q = 0; q < nq; q += kQueries) {
    const std::size_t qn = std::min(kQueries, nq - q);
    const double* qp[kQueries];
    for (std::size_t i = 0; i < kQueries; ++i) {
      qp[i] = queries + (q + std::min(i, qn - 1)) * cols;
    }
    for (std::size_t j = ref_begin; j < ref_end; j += kPanel) {
      panel_kernel(qp[0], qp[1], qp[2], qp[3], refs.panel(j / kPanel), cols, acc);
      const std::size_t jn = std::min(kPanel, ref_end - j);
      for (std::size_t i = 0; i < qn; ++i) {
        double* row = out + (q + i) * out_stride + (j - ref_begin);
        for (std::size_t l = 0; l < jn; ++l) row[l] = acc[i * kPanel + l];
      }
    }
  }
}

}  // namespace parity::compare::detail
