// Sorting of doubles for the univariate comparisons (internal to parity_univariate).
#pragma once

#include <vector>

namespace parity::compare::detail {

// Sorts finite `values` ascending and applies the same permutation to `payload` when it is not
// null (same size). Stable (equal values keep their input order); -0.0 and +0.0 end up
// adjacent in unspecified order. O(n) for large inputs (LSD radix sort on order-preserving
// 64-bit keys, 11-bit digits, passes where every key has the same digit skipped);
// std::stable_sort below 1024 values.
void sort_values(std::vector<double>& values, std::vector<double>* payload);

}  // namespace parity::compare::detail
