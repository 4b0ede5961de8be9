// `parity compare`: does the training data look like the target (field)? Per feature, per
// attribute, per slice and jointly, with effect sizes, intervals, a headline parity score and
// the top gaps in words. Definitions, references, defaults and pitfalls: docs/metrics.md.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/status.h"
#include "parity/parity/multivariate.h"
#include "parity/parity/selection.h"
#include "parity/parity/slices.h"

namespace parity::compare {

// Effect-size thresholds: the primary flags (p-values only confirm, after Benjamini-Hochberg).
struct Thresholds {
  double w1_normalized = 0.25;  // W1 in target standard deviations
  double ks = 0.2;
  double psi = 0.2;   // the usual "significant shift" line of credit scoring
  double js = 0.1;    // Jensen-Shannon distance (base 2)
  double fdr = 0.05;  // Benjamini-Hochberg level for the KS p-values
};

struct CompareOptions {
  EpisodeFilter train;
  EpisodeFilter target;
  WeightSpec train_weights;
  Thresholds thresholds;
  SliceOptions slices;
  std::size_t bootstrap = 200;
  std::size_t permutations = 200;
  std::uint64_t seed = 1;
  std::size_t max_explanations = 8;
  std::string target_label = "target";  // the target's name in explanations ("field")
};

struct FeatureResult {
  std::string name;
  std::size_t n_train = 0, n_target = 0;  // episodes with a value
  double w1_normalized = 0, ks = 0, ks_p = 1, ks_q = 1, psi = 0;
  double w1_low = 0, w1_high = 0;  // bootstrap interval of w1_normalized
  // What w1_normalized is measured in: "target SDs"; "training SDs" when the target's values
  // are all equal (a single target episode); "units" when both sides' are.
  std::string w1_unit = "target SDs";
  double train_p50 = 0, target_p50 = 0;
  bool flagged = false;
  std::string missing_side;  // "train" / "target" when one side has no value at all, else ""
};

struct CategoryResult {
  std::string value;
  double train_share = 0, target_share = 0;
  std::size_t train_count = 0, target_count = 0;
};

struct AttributeResult {
  std::string name;
  double js = 0, linf = 0, cramers_v = 0;
  std::string linf_category;
  std::vector<std::string> missing_in_train;
  std::optional<double> chi2_p;
  bool flagged = false;
  // The target has one value and training never has it (a site, a path-template field): the
  // attribute names the split rather than a condition. Left out of slices and explanations.
  bool separates_sides = false;
  std::vector<CategoryResult> categories;
};

struct MultivariateResult {
  std::size_t features = 0;  // columns used (see docs/metrics.md "Feature set")
  double mmd2 = 0, mmd_p = 1;
  double auc = 0.5, auc_low = 0.5, auc_high = 0.5;
  double precision = 0, recall = 0, density = 0, coverage = 0;
  std::size_t k = 0;
  std::vector<std::pair<std::string, double>> drivers;  // features that separate the sides
  bool computed = false;  // false when a side has fewer than 2 episodes or no usable feature
};

struct CompareReport {
  std::size_t n_train = 0, n_target = 0;
  double train_ess = 0;
  double score = 0, score_low = 0, score_high = 0;
  std::vector<FeatureResult> features;      // sorted: flagged first, then by w1_normalized
  std::vector<AttributeResult> attributes;  // sorted by js
  SliceCoverage slices;
  MultivariateResult multivariate;
  std::vector<std::string> explanations;
};

// The joint view's inputs: the columns the joint statistics use (per-frame features by their
// median, bookkeeping counts left out, columns at least half of the target episodes have), both
// sides standardised by the target (compare::standardize). nullopt when a side has fewer than 2
// episodes or no column qualifies.
struct JointInputs {
  Matrix train, target;
  std::vector<std::string> features;  // the columns, in order
};
std::optional<JointInputs> joint_inputs(const ComparedSamples& samples);

// Errors: those of load_compared_samples().
Result<CompareReport> compare_selections(const Catalog& catalog, const CompareOptions& options);
// The same on samples already loaded.
CompareReport compare_samples(const ComparedSamples& samples, const CompareOptions& options);

// The stable JSON schema of docs/metrics.md ("JSON output").
nlohmann::json report_json(const CompareReport& report);

}  // namespace parity::compare
