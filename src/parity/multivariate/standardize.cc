// standardize(): both sides on the target's per-column scale (see multivariate.h).
#include <cmath>

#include "parity/multivariate/inputs.h"
#include "parity/parity/multivariate.h"

namespace parity::compare {

namespace {

struct Moments {
  double mean = 0.0;
  double std = 0.0;
  bool any = false;
};

// Weighted mean and population standard deviation of the finite values of column c (two
// passes; weight 1 each when `weights` is empty).
Moments column_moments(const Matrix& m, std::size_t c, std::span<const double> weights) {
  double total = 0.0;
  double sum = 0.0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double v = m.at(r, c);
    const double w = weights.empty() ? 1.0 : weights[r];
    if (std::isnan(v) || w == 0.0) continue;
    total += w;
    sum += w * v;
  }
  Moments out;
  if (!(total > 0.0)) return out;
  out.any = true;
  out.mean = sum / total;
  double squares = 0.0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double v = m.at(r, c);
    const double w = weights.empty() ? 1.0 : weights[r];
    if (std::isnan(v) || w == 0.0) continue;
    squares += w * (v - out.mean) * (v - out.mean);
  }
  out.std = std::sqrt(squares / total);
  return out;
}

void apply(Matrix& m, const std::vector<double>& center, const std::vector<double>& scale) {
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (std::size_t c = 0; c < m.cols; ++c) {
      double& v = m.values[r * m.cols + c];
      v = std::isnan(v) ? 0.0 : (v - center[c]) / scale[c];
    }
  }
}

}  // namespace

Result<Standardized> standardize(const Matrix& train, std::span<const double> train_weights,
                                 const Matrix& target) {
  PARITY_RETURN_IF_ERROR(
      detail::validate_inputs("standardize", train, train_weights, target, /*allow_nan=*/true));
  Standardized out;
  out.center.assign(train.cols, 0.0);
  out.scale.assign(train.cols, 1.0);
  for (std::size_t c = 0; c < train.cols; ++c) {
    Moments moments = column_moments(target, c, {});
    if (!moments.any) moments = column_moments(train, c, train_weights);
    if (!moments.any) continue;
    out.center[c] = moments.mean;
    if (moments.std > 0.0) out.scale[c] = moments.std;
  }
  out.train = train;
  out.target = target;
  apply(out.train, out.center, out.scale);
  apply(out.target, out.center, out.scale);
  return out;
}

}  // namespace parity::compare
