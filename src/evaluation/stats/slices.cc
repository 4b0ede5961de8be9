#include "parity/evaluation/slices.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "evaluation/stats/special.h"
#include "parity/evaluation/tests.h"

namespace parity::eval {

namespace {

Status check_by(std::string_view function, std::span<const std::string> by) {
  std::set<std::string> seen;
  for (const std::string& attribute : by) {
    if (!seen.insert(attribute).second) {
      return invalid_argument(std::string(function) + ": attribute '" + attribute +
                              "' is listed twice");
    }
  }
  return {};
}

// The values of `by` in `attributes`, or nullopt-like false when one is missing (its name in
// *missing).
bool stratum_of(const std::map<std::string, std::string>& attributes,
                std::span<const std::string> by, SliceKey* key, std::string* missing) {
  key->clear();
  for (const std::string& attribute : by) {
    const auto it = attributes.find(attribute);
    if (it == attributes.end()) {
      if (missing != nullptr) *missing = attribute;
      return false;
    }
    key->emplace_back(attribute, it->second);
  }
  std::sort(key->begin(), key->end());
  return true;
}

struct Candidate {
  SliceKey key;
  std::vector<std::uint32_t> rows;  // sorted row indices
};

}  // namespace

std::string slice_key_text(const SliceKey& key) {
  if (key.empty()) return "all";
  std::string text;
  for (const auto& [attribute, value] : key) {
    if (!text.empty()) text += ", ";
    text += attribute + "=" + value;
  }
  return text;
}

Result<GroupedRates> success_by(std::span<const EvalRow> rows, std::span<const std::string> by,
                                double confidence, IntervalMethod method) {
  PARITY_RETURN_IF_ERROR(check_by("success_by", by));
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return invalid_argument("success_by: confidence must lie in (0, 1), got " +
                            std::to_string(confidence));
  }
  std::map<SliceKey, std::pair<std::int64_t, std::int64_t>> counts;
  GroupedRates out;
  SliceKey key;
  for (const EvalRow& row : rows) {
    if (!stratum_of(row.attributes, by, &key, nullptr)) {
      ++out.rows_skipped;
      continue;
    }
    auto& [k, n] = counts[key];
    k += row.success ? 1 : 0;
    ++n;
  }
  for (const auto& [group, kn] : counts) {
    PARITY_ASSIGN_OR_RETURN(Proportion p, proportion(kn.first, kn.second, confidence, method));
    out.groups.push_back({group, p});
  }
  return out;
}

Result<SliceReport> find_failure_slices(std::span<const EvalRow> rows,
                                        const SliceOptions& options) {
  if (options.max_order < 1 || options.max_order > 3) {
    return invalid_argument("find_failure_slices: max_order must lie in 1..3, got " +
                            std::to_string(options.max_order));
  }
  if (options.min_support < 1) {
    return invalid_argument("find_failure_slices: min_support must be at least 1, got " +
                            std::to_string(options.min_support));
  }
  if (!(options.alpha > 0.0 && options.alpha < 1.0) ||
      !(options.confidence > 0.0 && options.confidence < 1.0)) {
    return invalid_argument("find_failure_slices: alpha and confidence must lie in (0, 1), got " +
                            std::to_string(options.alpha) + " and " +
                            std::to_string(options.confidence));
  }
  if (!(options.score_weight >= 0.0 && options.score_weight <= 1.0)) {
    return invalid_argument("find_failure_slices: score_weight must lie in [0, 1], got " +
                            std::to_string(options.score_weight));
  }
  if (!std::isfinite(options.min_effect)) {
    return invalid_argument("find_failure_slices: min_effect must be finite");
  }
  if (rows.empty()) return invalid_argument("find_failure_slices: no rows");
  if (rows.size() > std::numeric_limits<std::uint32_t>::max()) {
    return invalid_argument("find_failure_slices: more than 2^32 - 1 rows");
  }

  SliceReport report;
  report.n = static_cast<std::int64_t>(rows.size());
  for (const EvalRow& row : rows) report.failures += row.success ? 0 : 1;
  report.failure_rate = static_cast<double>(report.failures) / static_cast<double>(report.n);

  // Level 1: one predicate each.
  std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> singles;
  for (std::uint32_t i = 0; i < rows.size(); ++i) {
    for (const auto& [attribute, value] : rows[i].attributes)
      singles[{attribute, value}].push_back(i);
  }
  std::vector<Candidate> level;
  for (auto& [predicate, members] : singles) {
    if (static_cast<std::int64_t>(members.size()) >= options.min_support) {
      level.push_back({{predicate}, members});
    }
  }
  const std::vector<Candidate> base = level;
  std::vector<Candidate> tested;
  for (int order = 1; !level.empty(); ++order) {
    tested.insert(tested.end(), level.begin(), level.end());
    if (order == options.max_order) break;
    std::vector<Candidate> next;
    for (const Candidate& parent : level) {
      const std::string& last_attribute = parent.key.back().first;
      for (const Candidate& single : base) {
        if (single.key.front().first <= last_attribute) continue;
        Candidate child;
        child.key = parent.key;
        child.key.push_back(single.key.front());
        std::set_intersection(parent.rows.begin(), parent.rows.end(), single.rows.begin(),
                              single.rows.end(), std::back_inserter(child.rows));
        if (static_cast<std::int64_t>(child.rows.size()) >= options.min_support) {
          next.push_back(std::move(child));
        }
      }
    }
    level = std::move(next);
  }
  report.slices_tested = static_cast<std::int64_t>(tested.size());
  if (report.failures == 0 || tested.empty()) return report;

  std::vector<Slice> slices;
  std::vector<double> p_values;
  const auto total = static_cast<double>(report.n);
  for (const Candidate& c : tested) {
    Slice s;
    s.key = c.key;
    s.n = static_cast<std::int64_t>(c.rows.size());
    for (const std::uint32_t i : c.rows) s.failures += rows[i].success ? 0 : 1;
    const auto n = static_cast<double>(s.n);
    s.failure_rate = static_cast<double>(s.failures) / n;
    s.effect = s.failure_rate - report.failure_rate;
    s.p_value = special::binomial_upper_tail(s.failures, s.n, report.failure_rate);
    s.score = options.score_weight * (s.failure_rate / report.failure_rate - 1.0) -
              (1.0 - options.score_weight) * (total / n - 1.0);
    PARITY_ASSIGN_OR_RETURN(s.success_interval,
                            wilson_interval(s.n - s.failures, s.n, options.confidence));
    p_values.push_back(s.p_value);
    slices.push_back(std::move(s));
  }
  std::vector<double> adjusted = p_values;
  if (options.adjustment == Adjustment::kHolm) {
    PARITY_ASSIGN_OR_RETURN(adjusted, holm_adjust(p_values));
  } else if (options.adjustment == Adjustment::kBenjaminiHochberg) {
    PARITY_ASSIGN_OR_RETURN(adjusted, benjamini_hochberg_adjust(p_values));
  }
  for (std::size_t i = 0; i < slices.size(); ++i) {
    slices[i].adjusted_p_value = adjusted[i];
    if (adjusted[i] <= options.alpha && slices[i].effect >= options.min_effect) {
      report.slices.push_back(std::move(slices[i]));
    }
  }
  std::sort(report.slices.begin(), report.slices.end(), [](const Slice& a, const Slice& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.adjusted_p_value != b.adjusted_p_value) return a.adjusted_p_value < b.adjusted_p_value;
    return a.key < b.key;
  });
  return report;
}

Result<DeploymentEstimate> deployment_weighted_success(std::span<const EvalRow> evaluation,
                                                       std::span<const FieldCell> field,
                                                       std::span<const std::string> by) {
  if (by.empty()) return invalid_argument("deployment_weighted_success: no stratum attributes");
  PARITY_RETURN_IF_ERROR(check_by("deployment_weighted_success", by));
  if (evaluation.empty())
    return invalid_argument("deployment_weighted_success: no evaluation rows");
  std::map<SliceKey, std::pair<std::int64_t, std::int64_t>> evaluated;
  SliceKey key;
  std::string missing;
  for (std::size_t i = 0; i < evaluation.size(); ++i) {
    if (!stratum_of(evaluation[i].attributes, by, &key, &missing)) {
      return invalid_argument("deployment_weighted_success: evaluation row " + std::to_string(i) +
                              " has no attribute '" + missing + "'");
    }
    auto& [k, n] = evaluated[key];
    k += evaluation[i].success ? 1 : 0;
    ++n;
  }
  std::map<SliceKey, double> mass;
  double total = 0.0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (!(field[i].mass >= 0.0 && std::isfinite(field[i].mass))) {
      return invalid_argument("deployment_weighted_success: field cell " + std::to_string(i) +
                              ": mass must be finite and >= 0, got " +
                              std::to_string(field[i].mass));
    }
    if (!stratum_of(field[i].attributes, by, &key, &missing)) {
      return invalid_argument("deployment_weighted_success: field cell " + std::to_string(i) +
                              " has no attribute '" + missing + "'");
    }
    mass[key] += field[i].mass;
    total += field[i].mass;
  }
  if (!(total > 0.0)) {
    return invalid_argument("deployment_weighted_success: the field's total mass is 0");
  }
  DeploymentEstimate out;
  double variance = 0.0;
  for (const auto& [stratum, m] : mass) {
    StratumEstimate s;
    s.stratum = stratum;
    s.field_share = m / total;
    const auto it = evaluated.find(stratum);
    if (it == evaluated.end()) {
      s.rate = std::numeric_limits<double>::quiet_NaN();
    } else {
      s.k = it->second.first;
      s.n = it->second.second;
      s.rate = static_cast<double>(s.k) / static_cast<double>(s.n);
      out.covered_share += s.field_share;
      out.low += s.field_share * s.rate;
      variance +=
          s.field_share * s.field_share * s.rate * (1.0 - s.rate) / static_cast<double>(s.n);
    }
    out.strata.push_back(std::move(s));
  }
  out.uncovered_share = std::max(0.0, 1.0 - out.covered_share);
  out.high = out.low + out.uncovered_share;
  out.standard_error = std::sqrt(variance);
  out.covered_only = out.covered_share > 0.0 ? out.low / out.covered_share
                                             : std::numeric_limits<double>::quiet_NaN();
  std::stable_sort(out.strata.begin(), out.strata.end(),
                   [](const StratumEstimate& a, const StratumEstimate& b) {
                     return a.field_share > b.field_share;
                   });
  for (const auto& [stratum, kn] : evaluated) {
    const auto it = mass.find(stratum);
    if (it == mass.end() || it->second == 0.0) out.evaluated_not_in_field.push_back(stratum);
  }
  return out;
}

}  // namespace parity::eval
