// compare_numeric_sketch(): W1 and KS from two KLL sketches' CDFs on a merged grid.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "parity/parity/univariate.h"

namespace parity::compare {
namespace {

constexpr std::size_t kMinGridPoints = 64;

Status check_sketch(const profile::KllSketch& sketch, const char* side) {
  if (sketch.empty()) return invalid_argument(std::string(side) + " sketch is empty");
  if (!std::isfinite(sketch.min()) || !std::isfinite(sketch.max())) {
    return invalid_argument(std::string(side) + " sketch holds an infinite item (min " +
                            std::to_string(sketch.min()) + ", max " + std::to_string(sketch.max()) +
                            "): W1 is undefined");
  }
  return {};
}

}  // namespace

Result<SketchComparison> compare_numeric_sketch(const profile::KllSketch& train,
                                                const profile::KllSketch& target) {
  PARITY_RETURN_IF_ERROR(check_sketch(train, "train"));
  PARITY_RETURN_IF_ERROR(check_sketch(target, "target"));
  const std::size_t points =
      std::max(kMinGridPoints, 2 * std::max(train.num_retained(), target.num_retained()));
  std::vector<double> grid;
  grid.reserve(2 * (points + 1));
  for (std::size_t i = 0; i <= points; ++i) {
    const double q = static_cast<double>(i) / static_cast<double>(points);
    grid.push_back(train.quantile(q));
    grid.push_back(target.quantile(q));
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  PARITY_ASSIGN_OR_RETURN(const std::vector<double> cdf_train, train.cdf(grid));
  PARITY_ASSIGN_OR_RETURN(const std::vector<double> cdf_target, target.cdf(grid));

  SketchComparison out;
  out.n_train = train.count();
  out.n_target = target.count();
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double gap = std::abs(cdf_train[i] - cdf_target[i]);
    out.ks = std::max(out.ks, gap);
    if (i + 1 < grid.size()) out.w1 += gap * (grid[i + 1] - grid[i]);
  }
  const double grid_error = 2.0 / static_cast<double>(points);
  out.ks_error_bound = train.rank_error_bound() + target.rank_error_bound() + grid_error;
  out.w1_error_bound = out.ks_error_bound * (grid.back() - grid.front());
  return out;
}

}  // namespace parity::compare
