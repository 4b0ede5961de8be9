// Input checks shared by the univariate comparisons (internal to parity_univariate).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "parity/core/status.h"

namespace parity::compare::detail {

// kInvalidArgument unless `count` > 0 ("<side> is empty").
Status check_not_empty(std::size_t count, std::string_view side);

// kInvalidArgument naming the first non-finite value of `values` ("<side>[i] is not finite").
Status check_finite(std::span<const double> values, std::string_view side);

// kInvalidArgument unless `weights` is empty or has `count` finite, non-negative entries with a
// positive sum.
Status check_weights(std::span<const double> weights, std::size_t count);

// Kish effective sample size (sum w)^2 / sum w^2; `count` when `weights` is empty.
double kish_effective_size(std::span<const double> weights, std::size_t count);

// True when `weights` is empty or all its entries are equal.
bool equal_weights(std::span<const double> weights);

}  // namespace parity::compare::detail
