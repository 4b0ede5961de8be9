// Benjamini & Hochberg (J. R. Statist. Soc. B 57(1), 1995) step-up adjusted p-values.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "parity/core/check.h"
#include "parity/parity/univariate.h"

namespace parity::compare {

std::vector<double> benjamini_hochberg(std::span<const double> p_values) {
  std::vector<double> adjusted(p_values.begin(), p_values.end());
  std::vector<std::size_t> order;
  order.reserve(p_values.size());
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    if (std::isnan(p_values[i])) continue;
    PARITY_CHECK_MSG(p_values[i] >= 0.0 && p_values[i] <= 1.0, "p-values must lie in [0, 1]");
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  const double m = static_cast<double>(order.size());
  double running_min = 1.0;
  for (std::size_t rank = order.size(); rank-- > 0;) {
    const std::size_t i = order[rank];
    running_min = std::min(running_min, p_values[i] * m / static_cast<double>(rank + 1));
    adjusted[i] = running_min;
  }
  return adjusted;
}

}  // namespace parity::compare
