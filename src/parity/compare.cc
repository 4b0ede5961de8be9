#include "parity/parity/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "parity/core/parallel.h"
#include "parity/parity/explanations.h"
#include "parity/parity/multivariate.h"
#include "parity/parity/univariate.h"

namespace parity::compare {
namespace {

// Bookkeeping counts that say how much was recorded, not what it looked like.
constexpr std::string_view kBookkeeping[] = {"samples",  "skipped", "non_monotonic",
                                             "messages", "streams", "frames",
                                             "scans",    "joints",  "dims"};

// Unflagged features rank by effect size only with this many values on each side.
constexpr std::size_t kMinRankedValues = 5;

bool is_bookkeeping(const std::string& name) {
  const auto last = name.rfind('.');
  const std::string_view tail =
      last == std::string::npos ? name : std::string_view(name).substr(last + 1);
  return std::find(std::begin(kBookkeeping), std::end(kBookkeeping), tail) !=
         std::end(kBookkeeping);
}

// Per-frame features enter the joint tests by their median only (".p50"); the other aggregates
// are strongly correlated with it. Episode-level features enter as they are.
bool joint_candidate(const std::string& name) {
  if (is_bookkeeping(name)) return false;
  for (std::string_view aggregate : {".mean", ".std", ".p10", ".p90"}) {
    if (name.ends_with(aggregate)) return false;
  }
  return true;
}

// Values of one column with their training weights, missing values left out.
void column(const std::vector<double>& values, std::size_t columns, std::size_t c,
            const std::vector<double>& weights, std::vector<double>& out_values,
            std::vector<double>& out_weights) {
  out_values.clear();
  out_weights.clear();
  const std::size_t rows = columns == 0 ? 0 : values.size() / columns;
  for (std::size_t r = 0; r < rows; ++r) {
    const double v = values[r * columns + c];
    if (std::isnan(v)) continue;
    out_values.push_back(v);
    if (!weights.empty()) out_weights.push_back(weights[r]);
  }
}

// One column's comparison; nullopt when neither side has a value or the comparison fails.
struct ColumnResult {
  std::optional<FeatureResult> result;
  bool tested = false;  // has a KS p-value (both sides have values)
};

ColumnResult compare_column(const ComparedSamples& samples, std::size_t c,
                            const NumericOptions& numeric) {
  const std::size_t columns = samples.features.size();
  std::vector<double> train, train_weights, target, no_weights;
  FeatureResult result;
  result.name = samples.features[c];
  column(samples.train_values, columns, c, samples.train.weights, train, train_weights);
  column(samples.target_values, columns, c, {}, target, no_weights);
  // Zero-weight training episodes do not count.
  std::size_t positive = 0;
  for (double w : train_weights) positive += w > 0 ? 1 : 0;
  result.n_train = positive;
  result.n_target = target.size();
  if (target.empty() && positive == 0) return {};
  if (target.empty() || positive == 0) {
    result.missing_side = target.empty() ? "target" : "train";
    // A role one side lacks is a gap only when the target has it.
    result.flagged = result.missing_side == "train";
    return {std::move(result), false};
  }
  auto comparison = compare_numeric(train, train_weights, target, numeric);
  if (!comparison.ok()) return {};
  result.w1_normalized = comparison->w1_normalized;
  result.w1_unit = comparison->spread_source == SpreadSource::kTargetStd  ? "target SDs"
                   : comparison->spread_source == SpreadSource::kTrainStd ? "training SDs"
                                                                          : "units";
  result.w1_low = comparison->w1_normalized_ci.low;
  result.w1_high = comparison->w1_normalized_ci.high;
  result.ks = comparison->ks;
  result.ks_p = comparison->ks_p;
  result.psi = comparison->psi;
  result.train_p50 = comparison->train_p50;
  result.target_p50 = comparison->target_p50;
  return {std::move(result), true};
}

// Columns are compared in parallel (each with the same seed, so the results do not depend on
// the thread count), then collected in column order.
std::vector<FeatureResult> compare_features(const ComparedSamples& samples,
                                            const CompareOptions& options) {
  NumericOptions numeric;
  numeric.bootstrap = options.bootstrap;
  numeric.seed = options.seed;
  const std::size_t columns = samples.features.size();
  std::vector<ColumnResult> by_column(columns);
  const Status done = parallel_consume<ColumnResult>(
      columns, std::max(1u, std::thread::hardware_concurrency()),
      [&](std::size_t c) { return compare_column(samples, c, numeric); },
      [&](std::size_t c, ColumnResult&& result) {
        by_column[c] = std::move(result);
        return Status{};
      });
  PARITY_CHECK(done.ok());  // consume never fails
  std::vector<FeatureResult> results;
  std::vector<std::size_t> tested;
  for (ColumnResult& column_result : by_column) {
    if (!column_result.result) continue;
    if (column_result.tested) tested.push_back(results.size());
    results.push_back(std::move(*column_result.result));
  }
  std::vector<double> p_values;
  for (std::size_t i : tested) p_values.push_back(results[i].ks_p);
  const std::vector<double> q_values = benjamini_hochberg(p_values);
  const Thresholds& t = options.thresholds;
  for (std::size_t j = 0; j < tested.size(); ++j) {
    FeatureResult& result = results[tested[j]];
    result.ks_q = q_values[j];
    // Effect size first; the p-value only confirms that the effect is not noise.
    const bool large =
        result.w1_normalized >= t.w1_normalized || result.ks >= t.ks || result.psi >= t.psi;
    result.flagged = large && result.ks_q <= t.fdr;
  }
  // Flagged first; then features with enough values on both sides to rank by their effect;
  // then the rest (a W1 from one or two values says little).
  const auto enough = [](const FeatureResult& f) {
    return f.n_train >= kMinRankedValues && f.n_target >= kMinRankedValues;
  };
  std::stable_sort(results.begin(), results.end(),
                   [&](const FeatureResult& a, const FeatureResult& b) {
                     if (a.flagged != b.flagged) return a.flagged;
                     if (enough(a) != enough(b)) return enough(a);
                     return a.w1_normalized > b.w1_normalized;
                   });
  return results;
}

std::vector<AttributeResult> compare_attributes(const ComparedSamples& samples,
                                                const CompareOptions& options) {
  std::set<std::string> keys;
  for (const auto& attributes : samples.target.attributes) {
    for (const auto& entry : attributes) keys.insert(entry.first);
  }
  std::vector<AttributeResult> results;
  std::vector<std::string> train, target;
  for (const std::string& key : keys) {
    if (std::find(options.slices.exclude.begin(), options.slices.exclude.end(), key) !=
        options.slices.exclude.end()) {
      continue;
    }
    const auto value_of = [&](const std::map<std::string, std::string>& attributes) {
      const auto it = attributes.find(key);
      return it == attributes.end() ? std::string() : it->second;
    };
    train.clear();
    target.clear();
    for (const auto& attributes : samples.train.attributes) train.push_back(value_of(attributes));
    for (const auto& attributes : samples.target.attributes) target.push_back(value_of(attributes));
    auto comparison = compare_categorical(train, samples.train.weights, target);
    if (!comparison.ok()) continue;
    if (comparison->categories.size() > options.slices.max_values) continue;  // identifiers
    AttributeResult result;
    result.name = key;
    result.js = comparison->js;
    result.linf = comparison->linf;
    result.linf_category = comparison->linf_category;
    result.cramers_v = comparison->cramers_v;
    result.missing_in_train = comparison->missing_in_train;
    if (comparison->chi2_valid) result.chi2_p = comparison->chi2_p;
    result.flagged = result.js >= options.thresholds.js || !result.missing_in_train.empty();
    std::size_t target_values = 0;
    bool target_value_in_train = false;
    for (const auto& category : comparison->categories) {
      if (category.target_count == 0) continue;
      ++target_values;
      target_value_in_train = category.train_share > 0;
    }
    result.separates_sides = target_values == 1 && !target_value_in_train;
    for (const auto& category : comparison->categories) {
      result.categories.push_back({category.name, category.train_share, category.target_share,
                                   category.train_count, category.target_count});
    }
    results.push_back(std::move(result));
  }
  std::stable_sort(results.begin(), results.end(),
                   [](const AttributeResult& a, const AttributeResult& b) { return a.js > b.js; });
  return results;
}

}  // namespace

std::optional<JointInputs> joint_inputs(const ComparedSamples& samples) {
  const std::size_t columns = samples.features.size();
  std::vector<std::size_t> used;
  for (std::size_t c = 0; c < columns; ++c) {
    if (!joint_candidate(samples.features[c])) continue;
    std::size_t present = 0;
    for (std::size_t r = 0; r < samples.target.size(); ++r) {
      present += std::isnan(samples.target_values[r * columns + c]) ? 0 : 1;
    }
    if (2 * present >= samples.target.size() && present > 0) used.push_back(c);
  }
  if (used.empty() || samples.train.size() < 2 || samples.target.size() < 2) return std::nullopt;
  Matrix train{samples.train.size(), used.size(), {}};
  Matrix target{samples.target.size(), used.size(), {}};
  for (const auto& [from, to, rows] :
       {std::tuple{&samples.train_values, &train, samples.train.size()},
        std::tuple{&samples.target_values, &target, samples.target.size()}}) {
    to->values.reserve(rows * used.size());
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c : used) to->values.push_back((*from)[r * columns + c]);
    }
  }
  auto standardized = standardize(train, samples.train.weights, target);
  if (!standardized.ok()) return std::nullopt;
  JointInputs inputs;
  inputs.train = std::move(standardized->train);
  inputs.target = std::move(standardized->target);
  for (std::size_t c : used) inputs.features.push_back(samples.features[c]);
  return inputs;
}

namespace {

// The joint view on the columns most target episodes have.
MultivariateResult compare_joint(const ComparedSamples& samples, const CompareOptions& options) {
  MultivariateResult result;
  const std::optional<JointInputs> inputs = joint_inputs(samples);
  if (!inputs) return result;
  const Matrix& x_train = inputs->train;
  const Matrix& x_target = inputs->target;
  result.features = inputs->features.size();

  MmdOptions mmd;
  mmd.permutations = options.permutations;
  mmd.seed = options.seed;
  if (auto m = mmd_rbf(x_train, samples.train.weights, x_target, mmd); m.ok()) {
    result.mmd2 = m->mmd2;
    result.mmd_p = m->p_value;
  }
  ClassifierOptions classifier;
  classifier.seed = options.seed;
  // Five folds, fewer when a side has fewer episodes (each fold needs one of each side).
  std::size_t weighted_train = 0;
  for (double w : samples.train.weights) weighted_train += w > 0 ? 1 : 0;
  classifier.folds = std::min({classifier.folds, weighted_train, samples.target.size()});
  result.auc = result.auc_low = result.auc_high = std::nan("");
  if (auto c = domain_classifier(x_train, samples.train.weights, x_target, classifier); c.ok()) {
    result.auc = c->auc;
    result.auc_low = c->auc_ci.low;
    result.auc_high = c->auc_ci.high;
    for (const auto& [index, coefficient] : c->top_features) {
      if (result.drivers.size() >= 5) break;
      result.drivers.emplace_back(inputs->features[index], coefficient);
    }
  }
  if (auto p = prdc(x_train, samples.train.weights, x_target, PrdcOptions{}); p.ok()) {
    result.precision = p->precision;
    result.recall = p->recall;
    result.density = p->density;
    result.coverage = p->coverage;
    result.k = p->k;
  }
  result.computed = true;
  return result;
}

// score = coverage x supported target mass. Interval: percentile bootstrap over target episodes
// for the supported mass, times a draw of the coverage from Beta(n c + 1, n (1 - c) + 1) (the
// posterior of a share of n target episodes under a uniform prior; the k-NN radii are not
// recomputed per replicate).
void score(const MultivariateResult& joint, const std::vector<bool>& supported,
           const CompareOptions& options, CompareReport& report) {
  const std::size_t n = supported.size();
  const double coverage = joint.computed ? joint.coverage : 1.0;
  double supported_count = 0;
  for (bool s : supported) supported_count += s ? 1.0 : 0.0;
  report.score = n == 0 ? 0.0 : coverage * supported_count / static_cast<double>(n);
  if (n == 0 || options.bootstrap == 0) {
    report.score_low = report.score_high = report.score;
    return;
  }
  std::mt19937_64 rng(options.seed ^ 0x5c0feULL);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  const double n_real = static_cast<double>(n);
  std::gamma_distribution<double> covered_draw(n_real * coverage + 1.0, 1.0);
  std::gamma_distribution<double> uncovered_draw(n_real * (1.0 - coverage) + 1.0, 1.0);
  std::vector<double> draws;
  draws.reserve(options.bootstrap);
  for (std::size_t b = 0; b < options.bootstrap; ++b) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += supported[pick(rng)] ? 1.0 : 0.0;
    double c = 1.0;
    if (joint.computed) {
      const double x = covered_draw(rng), y = uncovered_draw(rng);
      c = x / (x + y);
    }
    draws.push_back(c * s / n_real);
  }
  std::sort(draws.begin(), draws.end());
  const auto at = [&](double q) {
    return draws[static_cast<std::size_t>(std::round(q * static_cast<double>(draws.size() - 1)))];
  };
  report.score_low = std::min(at(0.025), report.score);
  report.score_high = std::max(at(0.975), report.score);
}

}  // namespace

CompareReport compare_samples(const ComparedSamples& samples, const CompareOptions& options) {
  CompareReport report;
  report.n_train = samples.train.size();
  report.n_target = samples.target.size();
  double sum = 0, squares = 0;
  for (double w : samples.train.weights) {
    sum += w;
    squares += w * w;
  }
  report.train_ess = squares > 0 ? sum * sum / squares : 0.0;
  report.features = compare_features(samples, options);
  report.attributes = compare_attributes(samples, options);
  SliceOptions slice_options = options.slices;
  for (const AttributeResult& attribute : report.attributes) {
    if (attribute.separates_sides) slice_options.exclude.push_back(attribute.name);
  }
  report.slices = slice_coverage(samples.train, samples.target, slice_options);
  report.multivariate = compare_joint(samples, options);
  score(report.multivariate, report.slices.target_supported, options, report);
  report.explanations =
      explain(report, ExplainOptions{options.target_label, options.max_explanations});
  return report;
}

Result<CompareReport> compare_selections(const Catalog& catalog, const CompareOptions& options) {
  PARITY_ASSIGN_OR_RETURN(
      const ComparedSamples samples,
      load_compared_samples(catalog, options.train, options.target, options.train_weights));
  return compare_samples(samples, options);
}

nlohmann::json report_json(const CompareReport& report) {
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureResult& f : report.features) {
    features.push_back({{"name", f.name},
                        {"w1_normalized", f.w1_normalized},
                        {"w1_normalized_interval", {f.w1_low, f.w1_high}},
                        {"w1_unit", f.w1_unit},
                        {"ks", f.ks},
                        {"ks_p", f.ks_p},
                        {"ks_q", f.ks_q},
                        {"psi", f.psi},
                        {"train_p50", f.train_p50},
                        {"target_p50", f.target_p50},
                        {"n_train", f.n_train},
                        {"n_target", f.n_target},
                        {"missing_side", f.missing_side.empty() ? nlohmann::json()
                                                                : nlohmann::json(f.missing_side)},
                        {"flagged", f.flagged}});
  }
  nlohmann::json attributes = nlohmann::json::array();
  for (const AttributeResult& a : report.attributes) {
    nlohmann::json categories = nlohmann::json::array();
    for (const CategoryResult& c : a.categories) {
      categories.push_back({{"value", c.value},
                            {"train_share", c.train_share},
                            {"target_share", c.target_share},
                            {"train_count", c.train_count},
                            {"target_count", c.target_count}});
    }
    attributes.push_back({{"name", a.name},
                          {"js", a.js},
                          {"linf", a.linf},
                          {"linf_category", a.linf_category},
                          {"cramers_v", a.cramers_v},
                          {"chi2_p", a.chi2_p ? nlohmann::json(*a.chi2_p) : nlohmann::json()},
                          {"missing_in_train", a.missing_in_train},
                          {"flagged", a.flagged},
                          {"separates_sides", a.separates_sides},
                          {"categories", categories}});
  }
  nlohmann::json slices = nlohmann::json::array();
  for (const Slice& s : report.slices.slices) {
    slices.push_back({{"attributes", s.attributes},
                      {"target_share", s.target_share},
                      {"train_share", s.train_share},
                      {"train_count", s.train_count},
                      {"target_count", s.target_count},
                      {"under_supported", s.under_supported},
                      {"gap", s.gap}});
  }
  const MultivariateResult& m = report.multivariate;
  nlohmann::json drivers = nlohmann::json::array();
  for (const auto& [name, coefficient] : m.drivers) {
    drivers.push_back({{"feature", name}, {"coefficient", coefficient}});
  }
  const auto or_null = [&](double value) {
    return m.computed && std::isfinite(value) ? nlohmann::json(value) : nlohmann::json();
  };
  return {{"score", report.score},
          {"score_interval", {report.score_low, report.score_high}},
          {"n_train", report.n_train},
          {"n_target", report.n_target},
          {"train_ess", report.train_ess},
          {"features", features},
          {"attributes", attributes},
          {"slices", slices},
          {"unsupported_target_mass", report.slices.unsupported_target_mass},
          {"multivariate",
           {{"features", m.features},
            {"mmd2", or_null(m.mmd2)},
            {"mmd_p", or_null(m.mmd_p)},
            {"auc", or_null(m.auc)},
            {"auc_interval", m.computed && std::isfinite(m.auc)
                                 ? nlohmann::json({m.auc_low, m.auc_high})
                                 : nlohmann::json()},
            {"precision", or_null(m.precision)},
            {"recall", or_null(m.recall)},
            {"density", or_null(m.density)},
            {"coverage", or_null(m.coverage)},
            {"k", m.k},
            {"drivers", drivers}}},
          {"explanations", report.explanations}};
}

}  // namespace parity::compare
