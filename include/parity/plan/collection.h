// The collection plan: which field conditions the training data under-covers, ranked by how much
// of the field they hold x how short training falls (x how often the robot fails there, when
// outcomes are known), how many episodes to collect per condition, and the parity score to
// expect afterwards. Definitions and assumptions: docs/plan.md "Collection plan".
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parity/parity/selection.h"
#include "parity/parity/slices.h"

namespace parity::plan {

struct CollectionOptions {
  // A slice is covered when its training episodes number at least SliceOptions::min_train_count
  // and its training share reaches share_goal x its target share.
  double share_goal = 0.5;
  std::size_t max_items = 20;
  // Outcome values that count as failures (the attribute "outcome" of target episodes).
  std::vector<std::string> failure_values = {"failure", "failed", "fail"};
};

struct CollectionItem {
  std::map<std::string, std::string> slice;  // attribute -> value
  double target_share = 0;
  double train_share = 0;
  std::size_t train_count = 0;
  double deficit = 0;  // max(1 - train_share / (share_goal x target_share), 1 - count / min)
  // Laplace-smoothed failure rate (failures + 1) / (with outcome + 2) of the slice's target
  // episodes; unset when none of them has an outcome.
  std::optional<double> failure_rate;
  double priority = 0;  // target_share x deficit (x failure_rate when set)
  // How many of the planned episodes fall into this slice. Slices overlap (one episode is dim
  // AND cluttered), so these do not add up to episodes_total.
  std::size_t episodes_needed = 0;
};

struct CollectionPlan {
  std::vector<CollectionItem> items;  // by priority, highest first
  // Episodes to collect in all, mirroring the target episodes of the planned slices (their
  // attribute combinations in their target proportions).
  std::size_t episodes_total = 0;
  // Share of target episodes in at least one under-supported slice, before and after the plan.
  double unsupported_before = 0, unsupported_after = 0;
};

// Plans from a slice coverage computed on (train, target) with `slice_options`. Candidates:
// slices with at least 1% of the target short of the count or the share goal, less those that
// hold exactly the target episodes of a coarser candidate; the max_items of highest priority are
// planned. The collected episodes mirror the target episodes U of the planned slices, so a slice
// s receives X t_s / t_U of X collected episodes; X is the least total with, for every planned
// slice, train_count + X t_s / t_U >= min_train_count and (w + X t_s / t_U) / (W + X) >=
// share_goal x t_s (w: the slice's training weight, W: the total, weights summing to the episode
// count; collected episodes weigh 1).
CollectionPlan plan_collection(const compare::Sample& train, const compare::Sample& target,
                               const compare::SliceCoverage& coverage,
                               const compare::SliceOptions& slice_options,
                               const CollectionOptions& options = {});

}  // namespace parity::plan
