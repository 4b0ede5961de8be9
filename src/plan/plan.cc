#include "parity/plan/plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace parity::plan {
namespace {

using compare::ComparedSamples;
using compare::CompareOptions;

// The parity score of `samples` with the training episodes weighted by `weights` (any scale;
// rescaled to sum to the episode count). Intervals and p-values are not needed here.
double score_with(const ComparedSamples& samples, const std::vector<double>& weights,
                  const CompareOptions& options) {
  ComparedSamples weighted = samples;
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) return 0;
  const double scale = static_cast<double>(weights.size()) / total;
  for (std::size_t i = 0; i < weights.size(); ++i) weighted.train.weights[i] = weights[i] * scale;
  CompareOptions quick = options;
  quick.bootstrap = 0;
  quick.permutations = 20;
  return compare::compare_samples(weighted, quick).score;
}

// The mix source of each training episode: the value of `key`, or for "source" the source path
// without the directory all of them share.
std::vector<std::string> source_names(const compare::Sample& train, const std::string& key) {
  std::vector<std::string> names;
  names.reserve(train.size());
  if (key == "source") {
    std::string common = train.sources.empty() ? "" : train.sources.front();
    for (const std::string& source : train.sources) {
      std::size_t n = 0;
      while (n < common.size() && n < source.size() && common[n] == source[n]) ++n;
      common.resize(n);
    }
    const std::size_t cut = common.rfind('/') == std::string::npos ? 0 : common.rfind('/') + 1;
    for (const std::string& source : train.sources) names.push_back(source.substr(cut));
    return names;
  }
  for (std::size_t i = 0; i < train.size(); ++i) {
    const auto it = train.attributes[i].find(key);
    names.push_back(it == train.attributes[i].end() ? "(none)" : it->second);
  }
  return names;
}

std::string percent(double share) {
  return fmt::format("{:.0f}%", share * 100.0);
}

void add_mix(const compare::JointInputs& inputs, const ComparedSamples& samples,
             const PlanOptions& options, PlanReport& report) {
  const std::vector<std::string> names = source_names(samples.train, options.mix_by);
  std::map<std::string, std::size_t> label_of;
  for (const std::string& name : names) label_of.emplace(name, 0);
  for (auto& [name, label] : label_of) {
    label = report.sources.size();
    report.sources.push_back(name);
  }
  if (report.sources.size() < 2) return;
  std::vector<std::size_t> labels;
  std::vector<std::size_t> rows(report.sources.size(), 0);
  for (const std::string& name : names) {
    labels.push_back(label_of.at(name));
    ++rows[labels.back()];
  }
  for (std::size_t s = 0; s < rows.size(); ++s) {
    if (rows[s] < 2) {
      report.advice.push_back(
          fmt::format("No source mix: source '{}' ({} = {}) has a single training episode.",
                      report.sources[s], options.mix_by, report.sources[s]));
      return;
    }
  }
  MixOptions mix_options;
  mix_options.seed = options.compare.seed;
  auto mix = source_mix(inputs.train, labels, report.sources.size(), samples.train.weights,
                        inputs.target, mix_options);
  if (!mix.ok()) {
    report.advice.push_back("No source mix: " + mix.status().message());
    return;
  }
  const auto candidate = [&](std::string name, const std::vector<double>& proportions,
                             double mmd2) {
    auto weights =
        mix_row_weights(labels, report.sources.size(), samples.train.weights, proportions);
    MixCandidate c{std::move(name), proportions, mmd2, 0.0};
    if (weights.ok()) c.score = score_with(samples, *weights, options.compare);
    report.mix_candidates.push_back(std::move(c));
  };
  candidate("optimal", mix->proportions, mix->mmd2);
  candidate("current", mix->current_proportions, mix->current_mmd2);
  for (std::size_t s = 0; s < report.sources.size(); ++s) {
    std::vector<double> only(report.sources.size(), 0.0);
    only[s] = 1.0;
    candidate("only " + report.sources[s], only, mix->single_source_mmd2[s]);
  }
  report.mix = std::move(*mix);
}

void add_advice(const PlanOptions& options, PlanReport& report) {
  std::vector<std::string> advice;
  std::vector<std::string> absent;
  for (const CollectionItem& item : report.collection.items) {
    if (item.train_count == 0 && item.slice.size() == 1)
      absent.push_back(compare::slice_text(item.slice));
  }
  if (!absent.empty()) {
    advice.push_back(fmt::format(
        "Training has no episode with {}: no weighting can create them; collect them (see the "
        "collection plan).",
        fmt::join(absent, ", ")));
  }
  if (report.joint && report.weights.ess_fraction < options.min_ess_fraction) {
    advice.push_back(fmt::format(
        "Weighting alone cannot close this gap: the weights leave an effective sample of {:.0f} "
        "of {} training episodes ({}); collect data instead (see the collection plan).",
        report.weights.ess, report.weights.rows, percent(report.weights.ess_fraction)));
  } else if (report.joint) {
    advice.push_back(fmt::format(
        "Importance weights {} the parity score ({:.2f} -> {:.2f}) at an effective sample of "
        "{:.0f} of {} training episodes ({}).",
        report.weighted_score > report.before.score + 0.005 ? "raise" : "do not raise",
        report.before.score, report.weighted_score, report.weights.ess, report.weights.rows,
        percent(report.weights.ess_fraction)));
  }
  if (report.mix && !report.mix_candidates.empty()) {
    const MixCandidate& best = report.mix_candidates.front();
    std::vector<std::string> parts;
    for (std::size_t s = 0; s < report.sources.size(); ++s) {
      parts.push_back(fmt::format("{} {:.2f}", report.sources[s], best.proportions[s]));
    }
    advice.push_back(
        fmt::format("The source mix closest to the target is {} (MMD^2 {:.3g}, "
                    "now {:.3g}; parity score {:.2f}).",
                    fmt::join(parts, ", "), best.mmd2, report.mix->current_mmd2, best.score));
  }
  if (!report.collection.items.empty()) {
    advice.push_back(fmt::format(
        "Collecting {} episodes in {} conditions (first: {}) would bring the parity score from "
        "{:.2f} to about {:.2f}.",
        report.collection.episodes_total, report.collection.items.size(),
        compare::slice_text(report.collection.items.front().slice, " and "), report.before.score,
        report.expected_score_after));
  }
  advice.insert(advice.end(), report.advice.begin(), report.advice.end());
  report.advice = std::move(advice);
}

}  // namespace

Result<std::optional<WeightResult>> importance_weights(
    const ComparedSamples& samples, const std::optional<compare::JointInputs>& inputs,
    const PlanOptions& options) {
  std::size_t weighted_train = 0;
  for (double w : samples.train.weights) weighted_train += w > 0 ? 1 : 0;
  const std::size_t folds = std::min<std::size_t>({5, weighted_train, samples.target.size()});
  if (!inputs || folds < 2) return std::optional<WeightResult>();
  if (options.weight_method == WeightMethod::kKliep) {
    KliepOptions kliep;
    kliep.seed = options.compare.seed;
    kliep.cv_folds = std::min<std::size_t>(kliep.cv_folds, samples.target.size());
    PARITY_ASSIGN_OR_RETURN(KliepResult fit, kliep_weights(inputs->train, samples.train.weights,
                                                           inputs->target, options.weights, kliep));
    return std::optional<WeightResult>(std::move(fit.weights));
  }
  compare::ClassifierOptions classifier;
  classifier.seed = options.compare.seed;
  classifier.folds = folds;
  PARITY_ASSIGN_OR_RETURN(WeightResult result,
                          density_ratio_weights(inputs->train, samples.train.weights,
                                                inputs->target, options.weights, classifier));
  return std::optional<WeightResult>(std::move(result));
}

Result<PlanReport> plan_samples(ComparedSamples samples, const PlanOptions& options) {
  PlanReport report;
  report.before = compare::compare_samples(samples, options.compare);
  const std::optional<compare::JointInputs> inputs = compare::joint_inputs(samples);
  PARITY_ASSIGN_OR_RETURN(std::optional<WeightResult> weights,
                          importance_weights(samples, inputs, options));
  report.joint = weights.has_value();
  std::size_t weighted_train = 0;
  for (double w : samples.train.weights) weighted_train += w > 0 ? 1 : 0;
  if (report.joint) {
    report.weights = std::move(*weights);
    report.weighted_score = score_with(samples, report.weights.weights, options.compare);
    add_mix(*inputs, samples, options, report);
    if (options.subset_budget > 0) {
      SubsetOptions subset;
      subset.seed = options.compare.seed;
      PARITY_ASSIGN_OR_RETURN(
          report.subset, select_subset(inputs->train, samples.train.weights, inputs->target,
                                       std::min(options.subset_budget, weighted_train), subset));
    }
  } else {
    report.advice.push_back(
        "No weights, mix or subset: a side has fewer than 2 episodes or the sides share no "
        "feature.");
  }
  report.collection = plan_collection(samples.train, samples.target, report.before.slices,
                                      options.compare.slices, options.collection);
  // The collected episodes are assumed to look like the field episodes of their slices.
  const double coverage =
      report.before.multivariate.computed ? report.before.multivariate.coverage : 1.0;
  const double addressed = std::max(
      0.0, report.before.slices.unsupported_target_mass - report.collection.unsupported_after);
  const double coverage_after = std::min(1.0, coverage + (1.0 - coverage) * addressed);
  report.expected_score_after = coverage_after * (1.0 - report.collection.unsupported_after);
  const features::Taxonomy& taxonomy =
      options.taxonomy != nullptr ? *options.taxonomy : features::default_taxonomy();
  report.randomization = randomization_spec(report.collection, samples.target, samples.features,
                                            samples.target_values, taxonomy, options.randomization);
  add_advice(options, report);
  report.samples = std::move(samples);
  return report;
}

Result<PlanReport> plan_selections(const Catalog& catalog, const PlanOptions& options) {
  PARITY_ASSIGN_OR_RETURN(
      ComparedSamples samples,
      compare::load_compared_samples(catalog, options.compare.train, options.compare.target,
                                     options.compare.train_weights));
  return plan_samples(std::move(samples), options);
}

nlohmann::json plan_json(const PlanReport& report, const std::string& target_selector) {
  const auto number = [](double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  };
  nlohmann::json weights = nullptr;
  if (report.joint) {
    weights = {{"method", report.weights.method},
               {"ess", report.weights.ess},
               {"ess_fraction", report.weights.ess_fraction},
               {"max_weight", report.weights.max_weight},
               {"clipped", report.weights.clipped},
               {"rows", report.weights.rows},
               {"score_after", report.weighted_score}};
  }
  nlohmann::json mix = nlohmann::json::array();
  nlohmann::json candidates = nlohmann::json::array();
  if (report.mix) {
    for (std::size_t s = 0; s < report.sources.size(); ++s) {
      mix.push_back({{"source", report.sources[s]},
                     {"proportion", report.mix->proportions[s]},
                     {"current", report.mix->current_proportions[s]}});
    }
    for (const MixCandidate& c : report.mix_candidates) {
      candidates.push_back(
          {{"name", c.name}, {"proportions", c.proportions}, {"mmd2", c.mmd2}, {"score", c.score}});
    }
  }
  nlohmann::json collection = nlohmann::json::array();
  for (const CollectionItem& item : report.collection.items) {
    collection.push_back({{"slice", item.slice},
                          {"target_share", item.target_share},
                          {"train_share", item.train_share},
                          {"train_count", item.train_count},
                          {"deficit", item.deficit},
                          {"failure_rate", item.failure_rate ? nlohmann::json(*item.failure_rate)
                                                             : nlohmann::json()},
                          {"priority", item.priority},
                          {"episodes_needed", item.episodes_needed}});
  }
  nlohmann::json subset = nullptr;
  if (report.subset) {
    subset = {{"budget", report.subset->rows.size()},
              {"mmd2", report.subset->mmd2},
              {"random_mean", number(report.subset->random_mean)},
              {"random_p05", number(report.subset->random_p05)},
              {"random_p95", number(report.subset->random_p95)},
              {"beats_random", report.subset->beats_random}};
    nlohmann::json episodes = nlohmann::json::array();
    for (std::size_t row : report.subset->rows) {
      episodes.push_back(report.samples.train.episode_ids[row]);
    }
    subset["episodes"] = std::move(episodes);
  }
  return {{"score", report.before.score},
          {"score_interval", {report.before.score_low, report.before.score_high}},
          {"n_train", report.before.n_train},
          {"n_target", report.before.n_target},
          {"weights", weights},
          {"mix", mix},
          {"mix_candidates", candidates},
          {"subset", subset},
          {"collection", collection},
          {"collection_episodes", report.collection.episodes_total},
          {"expected_score_after", report.expected_score_after},
          {"randomization",
           nlohmann::json::parse(randomization_json(report.randomization, target_selector).dump())},
          {"advice", report.advice}};
}

}  // namespace parity::plan
