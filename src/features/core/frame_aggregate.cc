#include "parity/features/frame_aggregate.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "parity/core/check.h"

namespace parity::features {

double linear_quantile(std::span<double> values, double q) {
  PARITY_CHECK(!values.empty());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const double fraction = position - static_cast<double>(lower);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lower),
                   values.end());
  const double low = values[lower];
  if (fraction == 0.0 || lower + 1 >= values.size()) return low;
  // The next order statistic is the minimum of the upper part after nth_element.
  const double high =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lower) + 1, values.end());
  return low + fraction * (high - low);
}

void append_frame_aggregates(std::string_view name, std::span<double> values, FeatureValues& out) {
  const auto finite_end =
      std::partition(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
  const std::span<double> finite(values.begin(), finite_end);
  if (finite.empty()) return;
  double sum = 0.0;
  for (double v : finite) sum += v;
  const double mean = sum / static_cast<double>(finite.size());
  double squares = 0.0;
  for (double v : finite) squares += (v - mean) * (v - mean);
  const double std_dev = std::sqrt(squares / static_cast<double>(finite.size()));
  const std::string prefix(name);
  out.emplace_back(prefix + ".mean", mean);
  out.emplace_back(prefix + ".std", std_dev);
  out.emplace_back(prefix + ".p10", linear_quantile(finite, 0.10));
  out.emplace_back(prefix + ".p50", linear_quantile(finite, 0.50));
  out.emplace_back(prefix + ".p90", linear_quantile(finite, 0.90));
}

}  // namespace parity::features
