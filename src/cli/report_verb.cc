// `parity report --train EXPR --target EXPR --out report.html [...]`: compare, plan (and, with
// --eval, evaluation results) as one self-contained HTML file (docs/report.md).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <set>

#include "cli/context.h"
#include "cli/episode_json.h"
#include "parity/ingest/version.h"
#include "parity/plan/plan.h"
#include "parity/report/html_report.h"

namespace parity::cli {
namespace {

struct ReportArgs {
  std::string train, target, weights, target_label, out, title = "Dataset parity report";
  std::string eval_json, mix_by = "domain";
  std::size_t budget = 0;
  std::uint64_t seed = 1;
};

std::string shell_quote(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_./:=,-") == std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The command line that rebuilds this report.
std::string command_line(const GlobalOptions& global, const ReportArgs& args) {
  std::string line = "parity --catalog " + shell_quote(global.catalog_path()) + " report";
  const auto add = [&](const char* flag, const std::string& value) {
    if (!value.empty()) line += std::string(" ") + flag + " " + shell_quote(value);
  };
  add("--train", args.train);
  add("--target", args.target);
  add("--train-weights", args.weights);
  add("--target-label", args.target_label);
  add("--mix-by", args.mix_by == "domain" ? "" : args.mix_by);
  add("--budget", args.budget == 0 ? "" : std::to_string(args.budget));
  add("--eval", args.eval_json);
  add("--seed", args.seed == 1 ? "" : std::to_string(args.seed));
  add("--out", args.out);
  return line;
}

Result<nlohmann::json> read_eval(const std::string& path) {
  if (path.empty()) return nlohmann::json();
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(fmt::format("{}: cannot open the evaluation results", path));
  nlohmann::json value = nlohmann::json::parse(in, nullptr, false);
  if (value.is_discarded()) {
    return invalid_argument(
        fmt::format("{}: not a JSON document (expected `parity eval ... "
                    "--json` output)",
                    path));
  }
  return value;
}

}  // namespace

Verb add_report_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* command = app.add_subcommand(
      "report",
      "Write a self-contained HTML report: parity score, top gaps with overlays, slice "
      "coverage, plan, evaluation and provenance");
  command->add_option("--train", args->train, "Selector for the training episodes")->required();
  command->add_option("--target", args->target, "Selector for the target (field) episodes")
      ->required();
  command->add_option("--out", args->out, "The HTML file to write")->required();
  command->add_option("--train-weights", args->weights, "Training mix (as for compare)");
  command->add_option("--target-label", args->target_label, "How the report names the target");
  command->add_option("--title", args->title, "Report title");
  command->add_option("--mix-by", args->mix_by, "Sources of the mix (as for plan)");
  command->add_option("--budget", args->budget, "Also choose a subset of this many episodes");
  command->add_option("--eval", args->eval_json,
                      "Evaluation results to include: the JSON of `parity eval report --json`");
  command->add_option("--seed", args->seed, "Random seed (default 1)");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(nlohmann::json evaluation, read_eval(args->eval_json));
            plan::PlanOptions options;
            options.compare.train.where = args->train;
            options.compare.target.where = args->target;
            options.compare.train_weights.text = args->weights;
            options.compare.seed = args->seed;
            const std::string label =
                args->target_label.empty() ? target_label_for(args->target) : args->target_label;
            options.compare.target_label = label;
            options.mix_by = args->mix_by;
            options.subset_budget = args->budget;
            PARITY_ASSIGN_OR_RETURN(const plan::PlanReport plan,
                                    plan::plan_selections(*catalog, options));
            report::ReportInputs inputs;
            inputs.title = args->title;
            inputs.train_selector = args->train;
            inputs.target_selector = args->target;
            inputs.target_label = label;
            inputs.plan = &plan;
            inputs.randomization_yaml = plan::randomization_yaml(plan.randomization, args->target);
            inputs.evaluation = std::move(evaluation);
            std::set<std::string> used(plan.samples.train.sources.begin(),
                                       plan.samples.train.sources.end());
            used.insert(plan.samples.target.sources.begin(), plan.samples.target.sources.end());
            PARITY_ASSIGN_OR_RETURN(const std::vector<SourceRecord> sources,
                                    catalog->list_sources());
            for (const SourceRecord& source : sources) {
              if (used.count(source.path) != 0) inputs.sources.push_back(source);
            }
            inputs.parity_version = std::string(parity_version());
            inputs.command_lines = {command_line(global, *args)};
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            inputs.generated_at =
                format_time_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
            PARITY_RETURN_IF_ERROR(
                write_file_atomically(args->out, report::render_html_report(inputs)));
            if (global.json) {
              print_json(
                  {{"out", args->out},
                   {"score", plan.before.score},
                   {"sections",
                    {"score", "gaps", "slices", "features", "plan", "evaluation", "provenance"}}});
            } else {
              fmt::print("wrote {} (parity score {:.2f}; {} gaps explained)\n", args->out,
                         plan.before.score, plan.before.explanations.size());
            }
            return {};
          }};
}

}  // namespace parity::cli
