// Importance weights from the domain classifier's out-of-fold odds, and the clipping,
// normalisation and effective-sample-size report shared with KLIEP (definitions in
// parity/plan/weights.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "parity/plan/weights.h"
#include "plan/math/kernel_sums.h"
#include "plan/math/weight_checks.h"

namespace parity::plan {

namespace {

// p(target | x) is kept within [kProbabilityFloor, 1 - kProbabilityFloor].
constexpr double kProbabilityFloor = 1e-9;

}  // namespace

namespace detail {

Status check_weight_options(std::string_view function, const WeightOptions& options) {
  if (!(options.clip_quantile > 0.0 && options.clip_quantile <= 1.0)) {
    return invalid_argument(fmt::format("{}: clip_quantile is {}: expected a value in (0, 1]",
                                        function, options.clip_quantile));
  }
  if (!(options.max_ratio == 0.0 ||
        (options.max_ratio >= 1.0 && std::isfinite(options.max_ratio)))) {
    return invalid_argument(
        fmt::format("{}: max_ratio is {}: expected 0 (no cap) or a finite value >= 1", function,
                    options.max_ratio));
  }
  return {};
}

}  // namespace detail

Result<WeightResult> finalize_weights(std::span<const double> ratio,
                                      std::span<const double> base_weights,
                                      const WeightOptions& options) {
  constexpr std::string_view kFunction = "finalize_weights";
  PARITY_RETURN_IF_ERROR(detail::check_weight_options(kFunction, options));
  if (ratio.empty()) return invalid_argument(fmt::format("{}: no ratios", kFunction));
  if (!base_weights.empty() && base_weights.size() != ratio.size()) {
    return invalid_argument(fmt::format("{}: {} base weights for {} ratios", kFunction,
                                        base_weights.size(), ratio.size()));
  }
  double base_total = 0.0;
  for (std::size_t i = 0; i < base_weights.size(); ++i) {
    if (!std::isfinite(base_weights[i]) || base_weights[i] < 0.0) {
      return invalid_argument(fmt::format("{}: base weight {} is {}: expected a finite value >= 0",
                                          kFunction, i, base_weights[i]));
    }
    base_total += base_weights[i];
  }
  if (!base_weights.empty() && !(base_total > 0.0)) {
    return invalid_argument(fmt::format("{}: base weights are all zero", kFunction));
  }
  for (std::size_t i = 0; i < ratio.size(); ++i) {
    if (!std::isfinite(ratio[i]) || ratio[i] < 0.0) {
      return invalid_argument(
          fmt::format("{}: ratio {} is {}: expected a finite value >= 0", kFunction, i, ratio[i]));
    }
  }

  WeightResult out;
  out.ratio.assign(ratio.begin(), ratio.end());
  out.weights.assign(ratio.size(), 0.0);
  std::vector<std::size_t> used;
  double total = 0.0;
  for (std::size_t i = 0; i < ratio.size(); ++i) {
    const double base = detail::base_weight(base_weights, i);
    if (base == 0.0) continue;
    used.push_back(i);
    out.weights[i] = base * ratio[i];
    total += out.weights[i];
  }
  if (!(total > 0.0)) {
    return invalid_argument(
        fmt::format("{}: the ratios are zero on every row of non-zero base weight ({} rows)",
                    kFunction, used.size()));
  }
  const double n = static_cast<double>(used.size());
  for (const std::size_t i : used) out.weights[i] *= n / total;

  double cap = std::numeric_limits<double>::infinity();
  if (options.clip_quantile < 1.0) {
    std::vector<double> values;
    values.reserve(used.size());
    for (const std::size_t i : used) values.push_back(out.weights[i]);
    cap = detail::quantile(values, options.clip_quantile);
  }
  if (options.max_ratio > 0.0) cap = std::min(cap, options.max_ratio);
  total = 0.0;
  for (const std::size_t i : used) {
    if (out.weights[i] > cap) {
      out.weights[i] = cap;
      ++out.clipped;
    }
    total += out.weights[i];
  }
  double sum = 0.0;
  double sum2 = 0.0;
  for (const std::size_t i : used) {
    out.weights[i] *= n / total;
    sum += out.weights[i];
    sum2 += out.weights[i] * out.weights[i];
    out.max_weight = std::max(out.max_weight, out.weights[i]);
  }
  out.rows = used.size();
  out.ess = sum * sum / sum2;
  out.ess_fraction = out.ess / n;
  return out;
}

Result<WeightResult> density_ratio_weights(const Matrix& train,
                                           std::span<const double> base_weights,
                                           const Matrix& target, const WeightOptions& options,
                                           const compare::ClassifierOptions& classifier) {
  constexpr std::string_view kFunction = "density_ratio_weights";
  PARITY_RETURN_IF_ERROR(detail::validate(kFunction, train, base_weights, target));
  PARITY_RETURN_IF_ERROR(detail::check_weight_options(kFunction, options));
  auto fit = compare::domain_classifier(train, base_weights, target, classifier);
  if (!fit.ok()) return fit.status().with_context(kFunction);
  std::vector<double> ratio(train.rows);
  for (std::size_t i = 0; i < train.rows; ++i) {
    const double p = std::clamp(fit->p_target_train[i], kProbabilityFloor, 1.0 - kProbabilityFloor);
    ratio[i] = p / (1.0 - p);
  }
  PARITY_ASSIGN_OR_RETURN(WeightResult out, finalize_weights(ratio, base_weights, options));
  out.method = "classifier";
  out.auc = fit->auc;
  return out;
}

}  // namespace parity::plan
