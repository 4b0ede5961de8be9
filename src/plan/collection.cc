#include "parity/plan/collection.h"

#include <algorithm>
#include <cmath>

namespace parity::plan {
namespace {

using compare::in_slice;

constexpr double kMinTargetShare = 0.01;

// `coarse` is `fine` with some attributes left out (episodes of `fine` belong to `coarse`).
bool refines(const std::map<std::string, std::string>& fine,
             const std::map<std::string, std::string>& coarse) {
  return fine.size() > coarse.size() && in_slice(fine, coarse);
}

std::optional<double> failure_rate(const compare::Sample& target,
                                   const std::map<std::string, std::string>& slice,
                                   const std::vector<std::string>& failure_values) {
  std::size_t failures = 0, known = 0;
  for (const auto& attributes : target.attributes) {
    if (!in_slice(attributes, slice)) continue;
    const auto it = attributes.find("outcome");
    if (it == attributes.end() || it->second.empty() || it->second == "unknown") continue;
    ++known;
    if (std::find(failure_values.begin(), failure_values.end(), it->second) !=
        failure_values.end()) {
      ++failures;
    }
  }
  if (known == 0) return std::nullopt;
  return (static_cast<double>(failures) + 1.0) / (static_cast<double>(known) + 2.0);
}

}  // namespace

CollectionPlan plan_collection(const compare::Sample& train, const compare::Sample& target,
                               const compare::SliceCoverage& coverage,
                               const compare::SliceOptions& slice_options,
                               const CollectionOptions& options) {
  CollectionPlan plan;
  plan.unsupported_before = coverage.unsupported_target_mass;
  double total_weight = 0;
  for (std::size_t i = 0; i < train.size(); ++i) {
    total_weight += train.weights.empty() ? 1.0 : train.weights[i];
  }
  const double min_count = static_cast<double>(slice_options.min_train_count);

  // Candidates: slices short of the count or of the share goal.
  std::vector<CollectionItem> items;
  for (const compare::Slice& slice : coverage.slices) {
    if (slice.target_share < kMinTargetShare) continue;
    const double wanted_share = options.share_goal * slice.target_share;
    const double share_deficit =
        wanted_share > 0 ? 1.0 - std::min(1.0, slice.train_share / wanted_share) : 0.0;
    const double count_deficit =
        min_count > 0 ? 1.0 - std::min(1.0, static_cast<double>(slice.train_count) / min_count)
                      : 0.0;
    const double deficit = std::max(share_deficit, count_deficit);
    if (deficit <= 0) continue;
    CollectionItem item;
    item.slice = slice.attributes;
    item.target_share = slice.target_share;
    item.train_share = slice.train_share;
    item.train_count = slice.train_count;
    item.deficit = deficit;
    item.failure_rate = failure_rate(target, slice.attributes, options.failure_values);
    item.priority = slice.target_share * deficit * item.failure_rate.value_or(1.0);
    items.push_back(std::move(item));
  }
  // A finer slice holding the same target episodes as a coarser candidate says nothing more
  // (with every field episode at task = hdd, "dim and task = hdd" is "dim").
  std::vector<CollectionItem> distinct;
  for (const CollectionItem& item : items) {
    const bool redundant =
        std::any_of(items.begin(), items.end(), [&](const CollectionItem& other) {
          return refines(item.slice, other.slice) && other.target_share == item.target_share;
        });
    if (!redundant) distinct.push_back(item);
  }
  items = std::move(distinct);
  std::stable_sort(
      items.begin(), items.end(),
      [](const CollectionItem& a, const CollectionItem& b) { return a.priority > b.priority; });
  if (items.size() > options.max_items) items.resize(options.max_items);
  if (items.empty() || target.size() == 0) return plan;

  // The collected episodes mirror the target episodes of the planned slices (U): each of them
  // stands for X / |U| new episodes, so a slice s gets X t_s / t_U of them. X is the least
  // total that brings every planned slice to the count and share goals.
  std::vector<bool> mirrored(target.size(), false);
  for (const CollectionItem& item : items) {
    for (std::size_t e = 0; e < target.size(); ++e) {
      if (in_slice(target.attributes[e], item.slice)) mirrored[e] = true;
    }
  }
  const double mirrored_share =
      static_cast<double>(std::count(mirrored.begin(), mirrored.end(), true)) /
      static_cast<double>(target.size());
  const double g = options.share_goal;
  double total = 0;
  for (const CollectionItem& item : items) {
    const double fraction = item.target_share / mirrored_share;  // of the collected episodes
    total = std::max(total, (min_count - static_cast<double>(item.train_count)) / fraction);
    const double weight = item.train_share * total_weight;
    const double gain = fraction - g * item.target_share;  // > 0: t_U <= 1 and g < 1
    if (gain > 0) {
      total = std::max(total, (g * item.target_share * total_weight - weight) / gain);
    }
  }
  total = std::ceil(std::max(0.0, total) - 1e-9);
  plan.episodes_total = static_cast<std::size_t>(total);
  for (CollectionItem& item : items) {
    item.episodes_needed =
        static_cast<std::size_t>(std::ceil(total * item.target_share / mirrored_share - 1e-9));
  }

  // Under-supported slices left after collecting: the same model applied to every slice.
  const auto added = [&](const compare::Slice& slice) {
    std::size_t in_both = 0;
    for (std::size_t e = 0; e < target.size(); ++e) {
      in_both += mirrored[e] && in_slice(target.attributes[e], slice.attributes) ? 1 : 0;
    }
    return total * static_cast<double>(in_both) /
           (mirrored_share * static_cast<double>(target.size()));
  };
  std::vector<bool> unsupported(target.size(), false);
  for (const compare::Slice& slice : coverage.slices) {
    if (!slice.under_supported) continue;
    if (static_cast<double>(slice.train_count) + added(slice) + 1e-9 >= min_count) continue;
    for (std::size_t e = 0; e < target.size(); ++e) {
      if (in_slice(target.attributes[e], slice.attributes)) unsupported[e] = true;
    }
  }
  const auto left = std::count(unsupported.begin(), unsupported.end(), true);
  plan.unsupported_after = static_cast<double>(left) / static_cast<double>(target.size());
  plan.items = std::move(items);
  return plan;
}

}  // namespace parity::plan
