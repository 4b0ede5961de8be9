// The top gaps of a comparison in words ("field: 31% of episodes have lighting = dim, training:
// 2%"; "field camera/front images are blurrier: ... median 120 vs training 410").
#pragma once

#include <string>
#include <vector>

#include "parity/parity/compare.h"

namespace parity::compare {

struct ExplainOptions {
  std::string target_label = "target";  // how the target is named in sentences ("field")
  std::size_t max = 8;
};

// Ranked by size: attribute values over-represented in the target (by share difference), roles
// one side lacks entirely (named, one sentence per side), flagged features (by normalised W1),
// under-supported 2-wise slices (by gap), low joint coverage or a classifier that separates the
// sides (AUC interval above 0.6), with its strongest drivers.
std::vector<std::string> explain(const CompareReport& report, const ExplainOptions& options);

}  // namespace parity::compare
