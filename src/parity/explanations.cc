#include "parity/parity/explanations.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace parity::compare {
namespace {

// Words for the direction of a shift in a known feature ("field images are blurrier").
struct Direction {
  std::string_view feature;  // the name part after the role, without the aggregate
  std::string_view lower;    // what target < train means
  std::string_view higher;
};
constexpr Direction kDirections[] = {
    {"luma_mean", "darker", "brighter"},
    {"luma_p50", "darker", "brighter"},
    {"sharpness", "blurrier", "sharper"},
    {"noise_sigma", "less noisy", "noisier"},
    {"edge_density", "less cluttered", "more cluttered"},
    {"entropy", "less cluttered", "more cluttered"},
    {"over_exposed", "less over-exposed", "more over-exposed"},
    {"under_exposed", "less under-exposed", "more under-exposed"},
    {"saturation_mean", "less saturated", "more saturated"},
    {"near_occupancy", "less occluded", "more occluded"},
    {"vel_rms", "slower", "faster"},
    {"duration_s", "shorter", "longer"},
};

std::string percent(double share) {
  const double pct = share * 100.0;
  return pct > 0 && pct < 1 ? fmt::format("{:.1f}%", pct) : fmt::format("{:.0f}%", pct);
}

std::string number(double value) {
  return fmt::format("{:.3g}", value);
}

// "camera/front.sharpness.p50" -> ("camera/front", "sharpness").
std::pair<std::string, std::string> role_and_base(const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return {"", name};
  std::string rest = name.substr(dot + 1);
  const auto last = rest.rfind('.');
  if (last != std::string::npos) rest = rest.substr(0, last);
  return {name.substr(0, dot), rest};
}

std::string subject(const std::string& role) {
  if (role.rfind("camera/", 0) == 0) return role + " images are";
  if (role.rfind("depth/", 0) == 0) return role + " depth images are";
  if (role == "joints") return "joint motions are";
  if (role == "episode") return "episodes are";
  return role + " is";
}

}  // namespace

std::vector<std::string> explain(const CompareReport& report, const ExplainOptions& options) {
  struct Candidate {
    double weight;
    std::string text;
  };
  std::vector<Candidate> candidates;
  const std::string& target = options.target_label;

  // Attribute values the target has far more of than training.
  for (const AttributeResult& attribute : report.attributes) {
    if (attribute.separates_sides) continue;  // it names the split, not a condition
    for (const CategoryResult& category : attribute.categories) {
      const double excess = category.target_share - category.train_share;
      if (excess < 0.05 || category.value.empty()) continue;
      candidates.push_back({excess + (category.train_count == 0 ? 0.25 : 0.0),
                            fmt::format("{}: {} of episodes have {} = {}, training: {}{}", target,
                                        percent(category.target_share), attribute.name,
                                        category.value, percent(category.train_share),
                                        category.train_count == 0 ? " (none in training)" : "")});
    }
  }
  // Flagged numeric features, with words for the direction where the feature has them; one
  // sentence per feature whatever its aggregates (features come sorted by effect size).
  // Roles one side has and the other lacks entirely: one sentence per side, naming the roles.
  // A sensor the field has and training lacks is the largest gap there is (ranked first); the
  // reverse often means the same sensor goes by another name.
  std::set<std::string> roles_with_values, target_only, train_only;
  for (const FeatureResult& feature : report.features) {
    const std::string role = role_and_base(feature.name).first;
    if (feature.missing_side.empty()) roles_with_values.insert(role);
  }
  for (const FeatureResult& feature : report.features) {
    const std::string role = role_and_base(feature.name).first;
    if (role.empty() || roles_with_values.count(role) != 0) continue;
    if (feature.missing_side == "train") target_only.insert(role);
    if (feature.missing_side == "target") train_only.insert(role);
  }
  if (!target_only.empty()) {
    candidates.push_back({2.0, fmt::format("{} has {} data that no training episode has", target,
                                           fmt::join(target_only, ", "))});
  }
  if (!train_only.empty()) {
    candidates.push_back({1.0, fmt::format("training has {} data that no {} episode has",
                                           fmt::join(train_only, ", "), target)});
  }
  std::set<std::string> explained;
  for (const FeatureResult& feature : report.features) {
    if (!feature.flagged || !feature.missing_side.empty()) continue;
    const auto [role, base] = role_and_base(feature.name);
    if (!explained.insert(role + "." + base).second) continue;
    std::string words;
    for (const Direction& direction : kDirections) {
      if (base == direction.feature) {
        words = fmt::format(
            "{} {} {}: ", target, subject(role),
            feature.target_p50 < feature.train_p50 ? direction.lower : direction.higher);
        break;
      }
    }
    if (words.empty()) words = target + " differs: ";
    candidates.push_back(
        {std::min(1.0, feature.w1_normalized / 4.0),
         fmt::format("{}{} median {} vs training {} (W1 = {} {}, KS {})", words, feature.name,
                     number(feature.target_p50), number(feature.train_p50),
                     number(feature.w1_normalized), feature.w1_unit, number(feature.ks))});
  }
  // Target slices training does not support.
  for (const Slice& slice : report.slices.slices) {
    if (!slice.under_supported || slice.target_share < 0.05 || slice.attributes.size() < 2) {
      continue;
    }
    std::vector<std::string> parts;
    for (const auto& [key, value] : slice.attributes) parts.push_back(key + " = " + value);
    candidates.push_back(
        {slice.gap, fmt::format("{} of {} episodes have {}; training has {} such episodes",
                                percent(slice.target_share), target,
                                fmt::format("{}", fmt::join(parts, " and ")), slice.train_count)});
  }
  // The joint view: low coverage, or a classifier that separates the sides (which also catches
  // shifts the marginals do not show, such as a changed correlation), with its drivers.
  const MultivariateResult& joint = report.multivariate;
  std::vector<std::string> drivers;
  // Up to three drivers, each at least half as strong as the first (drivers come sorted).
  for (const auto& [name, coefficient] : joint.drivers) {
    if (drivers.size() >= 3 ||
        std::abs(coefficient) < 0.5 * std::abs(joint.drivers.front().second)) {
      break;
    }
    drivers.push_back(name);
  }
  const std::string driven_by =
      drivers.empty() ? "" : fmt::format(", mostly on {}", fmt::join(drivers, ", "));
  const bool separable = std::isfinite(joint.auc) && joint.auc_low > 0.6;
  if (joint.computed && joint.coverage < 0.8) {
    candidates.push_back(
        {1.0 - joint.coverage,
         fmt::format("only {} of {} episodes have a training episode among their nearest "
                     "neighbours (k-NN coverage){}",
                     percent(joint.coverage), target,
                     separable ? fmt::format("; a classifier tells the two apart with AUC {}{}",
                                             number(joint.auc), driven_by)
                               : "")});
  } else if (joint.computed && separable) {
    candidates.push_back(
        {2.0 * (joint.auc - 0.5) - 0.2,
         fmt::format("{} episodes differ from training jointly: a classifier tells them apart "
                     "with AUC {} (95% interval {}-{}){}",
                     target, number(joint.auc), number(joint.auc_low), number(joint.auc_high),
                     driven_by)});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
  std::vector<std::string> out;
  for (const Candidate& candidate : candidates) {
    if (out.size() >= options.max) break;
    out.push_back(candidate.text);
  }
  return out;
}

}  // namespace parity::compare
