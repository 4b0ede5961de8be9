// `parity plan --train EXPR --target EXPR [...]`: weights, source mix, subset, collection plan
// and randomization spec (docs/plan.md). `parity weights ... --out FILE`: the sampler weights
// alone, for a data loader.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/context.h"
#include "parity/plan/plan.h"
#include "parity/plan/weights_file.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct PlanArgs {
  std::string train, target, weights, target_label, method = "classifier", mix_by = "domain";
  std::string weights_out, weights_format, randomization_out;
  std::size_t budget = 0;
  std::size_t min_slice_count = 5;
  double share_goal = 0.5;
  std::uint64_t seed = 1;
};

void add_selection_options(CLI::App& command, PlanArgs& args) {
  command.add_option("--train", args.train, "Selector for the training episodes")->required();
  command.add_option("--target", args.target, "Selector for the target (field) episodes")
      ->required();
  command.add_option("--train-weights", args.weights,
                     "Current training mix: KEY=VALUE:W,... or file:PATH (as for compare)");
  command
      .add_option("--method", args.method,
                  "Importance weights: classifier (density ratio from the domain classifier, "
                  "default) or kliep")
      ->check(CLI::IsMember({"classifier", "kliep"}));
  command.add_option("--seed", args.seed, "Random seed (default 1)");
}

plan::PlanOptions plan_options(const PlanArgs& args) {
  plan::PlanOptions options;
  options.compare.train.where = args.train;
  options.compare.target.where = args.target;
  options.compare.train_weights.text = args.weights;
  options.compare.slices.min_train_count = args.min_slice_count;
  options.compare.seed = args.seed;
  options.compare.target_label =
      args.target_label.empty() ? target_label_for(args.target) : args.target_label;
  options.weight_method =
      args.method == "kliep" ? plan::WeightMethod::kKliep : plan::WeightMethod::kClassifier;
  options.mix_by = args.mix_by;
  options.subset_budget = args.budget;
  options.collection.share_goal = args.share_goal;
  return options;
}

// The plan's importance weights (every episode 1 when the plan has none).
Status write_weights(const plan::PlanReport& report, const std::string& path) {
  PARITY_ASSIGN_OR_RETURN(const TableFormat format, resolve_table_format("", path));
  std::vector<double> weights = report.weights.weights;
  if (!report.joint) weights.assign(report.samples.train.size(), 1.0);
  return plan::write_weights_file(path, format, report.samples.train, weights);
}

void print_plan(const plan::PlanReport& report) {
  fmt::print(
      "parity score {:.2f} (95% interval {:.2f}-{:.2f}); {} training vs {} target episodes\n\n",
      report.before.score, report.before.score_low, report.before.score_high, report.before.n_train,
      report.before.n_target);
  fmt::print("what to do\n");
  for (const std::string& line : report.advice) fmt::print("  - {}\n", line);
  fmt::print("\n");
  if (report.joint) {
    fmt::print(
        "importance weights ({}): ESS {:.0f} of {} ({:.0f}%), max weight {:.2f}, {} clipped; "
        "parity score with them {:.2f}\n\n",
        report.weights.method, report.weights.ess, report.weights.rows,
        report.weights.ess_fraction * 100, report.weights.max_weight, report.weights.clipped,
        report.weighted_score);
  }
  if (report.mix) {
    TextTable mix({"mix", "proportions", "MMD^2", "score"},
                  {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kRight,
                   TextTable::Align::kRight});
    for (const plan::MixCandidate& c : report.mix_candidates) {
      std::vector<std::string> parts;
      for (std::size_t s = 0; s < report.sources.size(); ++s) {
        parts.push_back(fmt::format("{} {:.2f}", report.sources[s], c.proportions[s]));
      }
      mix.add_row({c.name, fmt::format("{}", fmt::join(parts, ", ")), fmt::format("{:.3g}", c.mmd2),
                   fmt::format("{:.2f}", c.score)});
    }
    fmt::print("{}\n", mix.render(60));
  }
  if (report.subset) {
    fmt::print(
        "subset of {} episodes (kernel herding): MMD^2 {:.3g}; random subsets {:.3g} "
        "(5-95%: {:.3g}-{:.3g}), beaten by {:.0f}% of them\n\n",
        report.subset->rows.size(), report.subset->mmd2, report.subset->random_mean,
        report.subset->random_p05, report.subset->random_p95,
        (1.0 - report.subset->beats_random) * 100);
  }
  if (!report.collection.items.empty()) {
    TextTable table({"collect", "field share", "training", "failure rate", "episodes"},
                    {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                     TextTable::Align::kRight, TextTable::Align::kRight});
    for (const plan::CollectionItem& item : report.collection.items) {
      table.add_row({compare::slice_text(item.slice),
                     fmt::format("{:.0f}%", item.target_share * 100),
                     fmt::format("{}", item.train_count),
                     item.failure_rate ? fmt::format("{:.0f}%", *item.failure_rate * 100) : "-",
                     fmt::format("{}", item.episodes_needed)});
    }
    fmt::print("{}\n", table.render(60));
    fmt::print("expected parity score after collecting: {:.2f}\n", report.expected_score_after);
  }
}

}  // namespace

Verb add_plan_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* command = app.add_subcommand(
      "plan",
      "Turn a comparison into actions: importance weights, source mix, subset, collection plan "
      "and simulator randomization spec");
  add_selection_options(*command, *args);
  command->add_option("--target-label", args->target_label, "How sentences name the target");
  command->add_option("--mix-by", args->mix_by,
                      "Attribute or field that names the training sources of the mix (default "
                      "domain; 'source' = the source files)");
  command->add_option("--budget", args->budget,
                      "Also choose a subset of this many training episodes (kernel herding)");
  command->add_option("--min-slice-count", args->min_slice_count,
                      "Training episodes a slice needs to count as supported (default 5)");
  command
      ->add_option("--share-goal", args->share_goal,
                   "A slice is covered when its training share reaches this x its field share "
                   "(default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--weights-out", args->weights_out,
                      "Write the importance weights to FILE.{csv,jsonl,parquet}");
  command->add_option("--randomization", args->randomization_out,
                      "Write the simulator randomization spec to FILE.yaml");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(const plan::PlanReport report,
                                    plan::plan_selections(*catalog, plan_options(*args)));
            if (!args->weights_out.empty()) {
              PARITY_RETURN_IF_ERROR(write_weights(report, args->weights_out));
            }
            if (!args->randomization_out.empty()) {
              PARITY_RETURN_IF_ERROR(write_file_atomically(
                  args->randomization_out,
                  plan::randomization_yaml(report.randomization, args->target)));
            }
            if (global.json) {
              print_json(plan::plan_json(report, args->target));
            } else {
              print_plan(report);
            }
            return {};
          }};
}

Verb add_weights_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<PlanArgs>();
  CLI::App* command = app.add_subcommand(
      "weights",
      "Write per-episode sampling weights that make the training data look like the target "
      "(for a PyTorch WeightedRandomSampler or a LeRobot loader; docs/plan.md)");
  add_selection_options(*command, *args);
  command->add_option("--out", args->weights_out, "FILE.{csv,jsonl,parquet}")->required();
  command->add_option("--format", args->weights_format,
                      "csv, jsonl or parquet (default: by extension)");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            plan::PlanOptions options = plan_options(*args);
            PARITY_ASSIGN_OR_RETURN(compare::ComparedSamples samples,
                                    compare::load_compared_samples(*catalog, options.compare.train,
                                                                   options.compare.target,
                                                                   options.compare.train_weights));
            PARITY_ASSIGN_OR_RETURN(
                const std::optional<plan::WeightResult> weights,
                plan::importance_weights(samples, compare::joint_inputs(samples), options));
            if (!weights) {
              return invalid_argument(
                  "no weights: a side has fewer than 2 episodes or the sides share no feature");
            }
            PARITY_ASSIGN_OR_RETURN(const TableFormat format,
                                    resolve_table_format(args->weights_format, args->weights_out));
            PARITY_RETURN_IF_ERROR(plan::write_weights_file(args->weights_out, format,
                                                            samples.train, weights->weights));
            const nlohmann::json summary = {{"out", args->weights_out},
                                            {"episodes", samples.train.size()},
                                            {"method", weights->method},
                                            {"ess", weights->ess},
                                            {"ess_fraction", weights->ess_fraction},
                                            {"max_weight", weights->max_weight},
                                            {"clipped", weights->clipped}};
            if (global.json) {
              print_json(summary);
            } else {
              fmt::print(
                  "wrote {} weights to {} ({}; ESS {:.0f}, {:.0f}% of the episodes; max "
                  "weight {:.2f})\n",
                  samples.train.size(), args->weights_out, weights->method, weights->ess,
                  weights->ess_fraction * 100, weights->max_weight);
            }
            return {};
          }};
}

}  // namespace parity::cli
