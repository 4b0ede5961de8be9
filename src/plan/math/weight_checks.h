// Option checks shared by the importance-weight estimators.
#pragma once

#include <string_view>

#include "parity/core/status.h"
#include "parity/plan/weights.h"

namespace parity::plan::detail {

// clip_quantile in (0, 1]; max_ratio 0 or finite >= 1. `function` prefixes the messages.
Status check_weight_options(std::string_view function, const WeightOptions& options);

}  // namespace parity::plan::detail
