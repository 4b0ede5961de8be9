// Per-episode aggregation of frame-level values: mean, std, p10, p50, p90.
#pragma once

#include <span>
#include <string_view>

#include "parity/features/feature_spec.h"

namespace parity::features {

// The suffixes a per-frame feature expands to, in this order.
inline constexpr std::string_view kFrameAggregates[] = {"mean", "std", "p10", "p50", "p90"};

// Appends "<name>.mean", "<name>.std", "<name>.p10", "<name>.p50", "<name>.p90" of the finite
// entries of `values` to `out` (non-finite entries are skipped). std is the population standard
// deviation (0 for one value); percentiles interpolate linearly between order statistics (NumPy's
// default "linear" method). Appends nothing when no entry is finite. `values` is reordered.
void append_frame_aggregates(std::string_view name, std::span<double> values, FeatureValues& out);

// The q-quantile (0 <= q <= 1) of `values` with NumPy's "linear" interpolation. Precondition:
// values is non-empty and finite. `values` is reordered (nth_element).
double linear_quantile(std::span<double> values, double q);

}  // namespace parity::features
