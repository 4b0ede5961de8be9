// Where a policy fails, and what its lab / sim results say about the field.
//
//  - success_by(): k / n with an interval per combination of attribute values.
//  - find_failure_slices(): attribute-value conjunctions (up to 3-wise) whose failure rate is
//    significantly above the overall rate, with support and effect thresholds, ranked by
//    SliceLine's score (Sagadeeva & Boehm, "SliceLine: Fast, Linear-Algebra-based Slice Finding
//    for ML Model Debugging", SIGMOD 2021).
//  - deployment_weighted_success(): post-stratified expected success under the field's
//    condition frequencies, with the field mass no evaluation covers reported as bounds.
//
// Plain data in: one row per rollout, its attributes (name -> value) and its outcome.
// Conventions as parity/evaluation/intervals.h.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "parity/core/status.h"
#include "parity/evaluation/intervals.h"

namespace parity::eval {

struct EvalRow {
  std::map<std::string, std::string> attributes;
  bool success = false;
};

// attribute = value, sorted by attribute name.
using SliceKey = std::vector<std::pair<std::string, std::string>>;

// "lighting=dim, table=wood" (the empty key: "all").
std::string slice_key_text(const SliceKey& key);

struct GroupRate {
  SliceKey key;
  Proportion proportion;
};
struct GroupedRates {
  std::vector<GroupRate> groups;  // sorted by key
  std::int64_t rows_skipped = 0;  // rows lacking one of the attributes
};

// Success per combination of the values of `by` (all rows in one group when `by` is empty).
// Rows that lack one of the attributes are skipped and counted. Errors: a repeated attribute
// in `by`; confidence outside (0, 1).
Result<GroupedRates> success_by(std::span<const EvalRow> rows, std::span<const std::string> by,
                                double confidence = 0.95,
                                IntervalMethod method = IntervalMethod::kWilson);

enum class Adjustment : std::uint8_t { kNone, kHolm, kBenjaminiHochberg };

struct SliceOptions {
  int max_order = 2;              // 1..3 predicates per slice
  std::int64_t min_support = 10;  // rows a slice must hold (also prunes its refinements)
  double min_effect = 0.1;        // failure rate - overall failure rate, at least
  double alpha = 0.05;            // significance after adjustment
  Adjustment adjustment = Adjustment::kBenjaminiHochberg;
  double score_weight = 0.95;  // SliceLine's alpha: error term vs size term
  double confidence = 0.95;    // of the Wilson interval on the slice's success rate
};

struct Slice {
  SliceKey key;
  std::int64_t n = 0;
  std::int64_t failures = 0;
  double failure_rate = 0.0;
  Interval success_interval;  // Wilson, on the success rate 1 - failure_rate
  double effect = 0.0;        // failure_rate - overall failure rate
  double p_value = 1.0;       // one-sided exact binomial, see find_failure_slices()
  double adjusted_p_value = 1.0;
  double score = 0.0;  // SliceLine score
};

struct SliceReport {
  std::int64_t n = 0;
  std::int64_t failures = 0;
  double failure_rate = 0.0;
  std::int64_t slices_tested = 0;  // slices meeting min_support: the adjustment's family
  std::vector<Slice> slices;       // the significant ones meeting min_effect, best first
};

// Enumerates conjunctions of attribute = value predicates on distinct attributes, level by
// level (a slice is only refined when it meets min_support, as SliceLine's size pruning). A row
// lacking an attribute belongs to no slice on it. Every slice meeting min_support is tested:
// H0 "its failure probability is at most the overall failure rate e" with the exact one-sided
// binomial p-value P(X >= failures), X ~ Binomial(n_slice, e) (e is treated as known; it
// includes the slice itself, which makes the test conservative). p-values are adjusted over
// all tested slices; a slice is reported when adjusted p <= alpha and effect >= min_effect.
// Ranking: SliceLine's score sc = w (e_S / e - 1) - (1 - w) (N / n_S - 1), w = score_weight,
// then adjusted p-value, then key. No failures at all gives no slices. Errors
// (kInvalidArgument): max_order outside 1..3, min_support < 1, alpha or confidence outside
// (0, 1), score_weight outside [0, 1], a non-finite min_effect, no rows.
Result<SliceReport> find_failure_slices(std::span<const EvalRow> rows,
                                        const SliceOptions& options = {});

// The field's frequency of one condition combination: attributes and a nonnegative mass
// (episodes, hours, or a share: only ratios matter).
struct FieldCell {
  std::map<std::string, std::string> attributes;
  double mass = 0.0;
};

struct StratumEstimate {
  SliceKey stratum;          // the values of `by`
  double field_share = 0.0;  // w_s: mass / total field mass
  std::int64_t k = 0;
  std::int64_t n = 0;  // 0 when no evaluation covers the stratum
  double rate = 0.0;   // k / n; NaN when uncovered
};

// Post-stratification (e.g. Little 1993): E = sum over field strata w_s p_s with p_s the
// evaluated success rate of stratum s. For strata no evaluation covers, p_s is unknown: the
// bounds take it as 0 (low) and 1 (high), so high - low = uncovered_share exactly.
struct DeploymentEstimate {
  double covered_share = 0.0;    // sum of w_s over covered strata
  double uncovered_share = 0.0;  // 1 - covered_share
  double low = 0.0;              // sum over covered w_s p_s (uncovered counted as failures)
  double high = 0.0;             // low + uncovered_share (uncovered counted as successes)
  // Sampling standard error of `low`: sqrt(sum over covered w_s^2 p_s (1 - p_s) / n_s).
  double standard_error = 0.0;
  // low / covered_share: the expectation if uncovered strata behaved like the covered ones
  // (an assumption, not a bound); NaN when nothing is covered.
  double covered_only = 0.0;
  std::vector<StratumEstimate> strata;           // field strata, largest share first
  std::vector<SliceKey> evaluated_not_in_field;  // evaluated strata with no field mass
};

// Errors (kInvalidArgument): `by` empty or repeating an attribute; no evaluation rows; a field
// cell with a negative or non-finite mass; total field mass 0; an evaluation row or field cell
// lacking an attribute of `by` (naming its index and the attribute).
Result<DeploymentEstimate> deployment_weighted_success(std::span<const EvalRow> evaluation,
                                                       std::span<const FieldCell> field,
                                                       std::span<const std::string> by);

}  // namespace parity::eval
