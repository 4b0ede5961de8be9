// Blocked squared Euclidean distances: the inner kernel of the k-NN search, the kernel matrix
// and the median heuristic.
#pragma once

#include <cstddef>
#include <vector>

namespace parity::compare::detail {

// Rows of a row-major matrix re-laid out for distance blocks: panels of kPanel rows, each panel
// stored column-major (d values of 8 consecutive rows interleaved), the last panel padded by
// repeating its last row.
class PackedRows {
 public:
  static constexpr std::size_t kPanel = 8;

  PackedRows(const double* rows, std::size_t count, std::size_t cols);

  std::size_t count() const { return count_; }
  std::size_t cols() const { return cols_; }
  std::size_t panels() const { return (count_ + kPanel - 1) / kPanel; }
  const double* panel(std::size_t p) const { return data_.data() + p * kPanel * cols_; }

 private:
  std::size_t count_;
  std::size_t cols_;
  std::vector<double> data_;
};

// out[i * out_stride + (j - ref_begin)] = |q_i - ref_j|^2 for the queries q_0 .. q_{nq-1}
// (row-major, `cols` columns each, consecutive) and the reference rows [ref_begin, ref_end) of
// `refs`; ref_begin is a multiple of PackedRows::kPanel. Sums run over the columns in order, so
// a distance does not depend on the block it was computed in (exact symmetric results).
void squared_distances(const double* queries, std::size_t nq, const PackedRows& refs,
                       std::size_t ref_begin, std::size_t ref_end, double* out,
                       std::size_t out_stride);

}  // namespace parity::compare::detail
