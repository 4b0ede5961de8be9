#include "parity/univariate/sample_checks.h"

#include <cmath>
#include <string>

namespace parity::compare::detail {

Status check_not_empty(std::size_t count, std::string_view side) {
  if (count == 0) return invalid_argument(std::string(side) + " is empty: need at least 1 value");
  return {};
}

Status check_finite(std::span<const double> values, std::string_view side) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return invalid_argument(std::string(side) + "[" + std::to_string(i) +
                              "] is not finite: " + std::to_string(values[i]));
    }
  }
  return {};
}

Status check_weights(std::span<const double> weights, std::size_t count) {
  if (weights.empty()) return {};
  if (weights.size() != count) {
    return invalid_argument("train_weights has " + std::to_string(weights.size()) +
                            " entries, expected 0 or " + std::to_string(count) +
                            " (one per training value)");
  }
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0.0) {
      return invalid_argument("train_weights[" + std::to_string(i) +
                              "] must be finite and >= 0, found " + std::to_string(weights[i]));
    }
    total += weights[i];
  }
  if (!(total > 0.0)) return invalid_argument("train_weights are all zero: need a positive sum");
  return {};
}

double kish_effective_size(std::span<const double> weights, std::size_t count) {
  if (weights.empty()) return static_cast<double>(count);
  double sum = 0;
  double sum_squares = 0;
  for (const double w : weights) {
    sum += w;
    sum_squares += w * w;
  }
  return sum * sum / sum_squares;
}

bool equal_weights(std::span<const double> weights) {
  for (const double w : weights) {
    if (w != weights.front()) return false;
  }
  return true;
}

}  // namespace parity::compare::detail
