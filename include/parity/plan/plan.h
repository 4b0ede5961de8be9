// `parity plan`: a comparison turned into actions. Importance weights for the training episodes
// (with their effective sample size and the parity score they reach), the source mix closest to
// the target, an optional budgeted subset, the collection plan with the score to expect after
// it, the simulator randomization spec, and plain advice when weighting cannot close the gap.
// Definitions: docs/plan.md.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/features/taxonomy.h"
#include "parity/parity/compare.h"
#include "parity/plan/collection.h"
#include "parity/plan/mix.h"
#include "parity/plan/randomization.h"
#include "parity/plan/subset.h"
#include "parity/plan/weights.h"

namespace parity::plan {

enum class WeightMethod : std::uint8_t { kClassifier, kKliep };

struct PlanOptions {
  compare::CompareOptions compare;  // selections, base training weights, slices, seed
  WeightMethod weight_method = WeightMethod::kClassifier;
  WeightOptions weights;
  // Groups the training episodes into sources for the mix: an attribute or catalog field
  // (domain, kind, task, ...), or "source" for the source files themselves.
  std::string mix_by = "domain";
  std::size_t subset_budget = 0;  // 0: no subset selection
  CollectionOptions collection;
  RandomizationOptions randomization;
  // Below this effective-sample fraction weighting is declared unable to fix the gap.
  double min_ess_fraction = 0.1;
  const features::Taxonomy* taxonomy = nullptr;  // null: the default taxonomy
};

struct MixCandidate {
  std::string name;  // "optimal", "current" or "only <source>"
  std::vector<double> proportions;
  double mmd2 = 0;
  double score = 0;  // the parity score with the training episodes weighted to this mix
};

struct PlanReport {
  compare::ComparedSamples samples;  // the selections (the weights below follow train's order)
  compare::CompareReport before;     // the comparison as the training data stands
  bool joint = false;  // false: too few episodes or features for weights, mix and subset
  WeightResult weights;
  double weighted_score = 0;         // the parity score with the importance weights applied
  std::vector<std::string> sources;  // mix sources (values of mix_by), in label order
  std::optional<MixResult> mix;      // unset with a single source or too few rows per source
  std::vector<MixCandidate> mix_candidates;
  std::optional<SubsetResult> subset;
  CollectionPlan collection;
  double expected_score_after = 0;
  RandomizationSpec randomization;
  std::vector<std::string> advice;  // plain sentences, most important first
};

// The importance weights alone (PlanOptions::weight_method) on the joint inputs of `samples`
// (compare::joint_inputs()); nullopt when there are none or a side has fewer than 2 episodes.
Result<std::optional<WeightResult>> importance_weights(
    const compare::ComparedSamples& samples, const std::optional<compare::JointInputs>& inputs,
    const PlanOptions& options);

// Errors: those of compare::compare_selections().
Result<PlanReport> plan_selections(const Catalog& catalog, const PlanOptions& options);
// The same on samples already loaded. Errors: a weight, mix or subset computation that fails
// on valid selections (reported, not skipped).
Result<PlanReport> plan_samples(compare::ComparedSamples samples, const PlanOptions& options);

// The JSON of docs/plan.md: weights {ess, ess_fraction, max_weight, ...}, mix [{source,
// proportion}], collection [{slice, target_share, train_count, episodes_needed, ...}],
// expected_score_after, and the rest.
nlohmann::json plan_json(const PlanReport& report, const std::string& target_selector);

}  // namespace parity::plan
