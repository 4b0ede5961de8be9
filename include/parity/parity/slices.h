// Slice coverage, Operational-Design-Domain style: the combinations of attribute values the
// target (field) shows, how much of the target each holds, and how well the training data
// supports it. A slice is under-supported when its training count (episodes with non-zero
// weight) is below a minimum.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parity/parity/selection.h"

namespace parity::compare {

struct SliceOptions {
  std::size_t max_order = 2;        // 1-wise and 2-wise combinations (3 = also 3-wise)
  std::size_t min_train_count = 5;  // below: under-supported
  std::size_t max_values = 20;      // attributes with more distinct values are left out
  // Attributes never sliced: identifiers, the fields that usually tell the sides apart, and the
  // outcome (a result, not a condition; the collection plan weighs slices by it).
  std::vector<std::string> exclude = {"domain",       "kind", "episode_index",
                                      "episode_name", "id",   "outcome"};
};

struct Slice {
  std::map<std::string, std::string> attributes;  // attribute -> value
  double target_share = 0;                        // fraction of target episodes in the slice
  double train_share = 0;       // weighted fraction of training episodes in the slice
  std::size_t train_count = 0;  // training episodes (weight > 0) in the slice
  std::size_t target_count = 0;
  bool under_supported = false;  // train_count < min_train_count
  double gap = 0;                // target_share x max(0, 1 - train_count / min_train_count)
};

struct SliceCoverage {
  std::vector<std::string> attributes;  // the attributes sliced, sorted
  std::vector<Slice> slices;            // every slice the target shows; sorted by gap, then share
  // Fraction of target episodes in at least one under-supported slice.
  double unsupported_target_mass = 0;
  // Per target episode: true when every slice it belongs to is supported.
  std::vector<bool> target_supported;
};

SliceCoverage slice_coverage(const Sample& train, const Sample& target,
                             const SliceOptions& options = {});

// True when an episode with `attributes` belongs to `slice` (has every attribute = value).
bool in_slice(const std::map<std::string, std::string>& attributes,
              const std::map<std::string, std::string>& slice);

// "lighting = dim, clutter = high" (attributes in key order, joined by `separator`).
std::string slice_text(const std::map<std::string, std::string>& slice,
                       std::string_view separator = ", ");

}  // namespace parity::compare
