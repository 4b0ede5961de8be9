// Input checks, weight normalisation and the thread helper shared by the multivariate tests.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/parity/multivariate.h"

namespace parity::compare::detail {

// Checks the shapes, the weights and (unless allow_nan) that every value is finite; +-inf is
// always rejected. `function` prefixes the messages.
Status validate_inputs(std::string_view function, const Matrix& train,
                       std::span<const double> weights, const Matrix& target, bool allow_nan);

// The training rows of non-zero weight and their weights normalised to sum 1.
// Precondition: validate_inputs() passed.
struct WeightedRows {
  Matrix rows;
  std::vector<double> weights;
  std::vector<std::size_t> original;  // index of each kept row in the input
  bool equal_weights = true;          // every kept weight is the same
};
WeightedRows weighted_rows(const Matrix& train, std::span<const double> weights);

// The given rows of `m`, in that order.
Matrix select_rows(const Matrix& m, std::span<const std::size_t> rows);

// Kish effective sample size (sum w)^2 / sum w^2.
double kish_effective_size(std::span<const double> weights);

// `requested`, or the hardware's thread count when 0 (at least 1).
unsigned thread_count(unsigned requested);

// Calls body(begin, end) over [0, count) in chunks of `chunk` items, from `threads` threads
// (the calling thread included) that take chunks in turn; returns when all are done. body must
// be safe to run concurrently on disjoint ranges. The results must not depend on which thread
// ran a chunk.
void parallel_chunks(std::size_t count, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t begin, std::size_t end)>& body);

}  // namespace parity::compare::detail
