// `parity compare --train EXPR [--train-weights SPEC] --target EXPR [--json] [--fail-under S]`:
// does the training data look like the field? (docs/metrics.md)
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "cli/context.h"
#include "parity/parity/compare.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct CompareArgs {
  std::string train, target, weights, target_label;
  double fail_under = -1;
  std::size_t min_slice_count = 5;
  std::size_t slice_order = 2;
  std::size_t bootstrap = 200;
  std::size_t permutations = 200;
  std::uint64_t seed = 1;
  std::size_t top = 10;
};

void print_report(const compare::CompareReport& report, std::size_t top) {
  fmt::print(
      "parity score {:.2f} (95% interval {:.2f}-{:.2f}); {} training episodes (effective "
      "{:.0f}) vs {} target\n\n",
      report.score, report.score_low, report.score_high, report.n_train, report.train_ess,
      report.n_target);
  if (!report.explanations.empty()) {
    fmt::print("top gaps\n");
    for (const std::string& line : report.explanations) fmt::print("  - {}\n", line);
    fmt::print("\n");
  }
  const auto& m = report.multivariate;
  if (m.computed) {
    const std::string auc =
        std::isfinite(m.auc)
            ? fmt::format("classifier AUC {:.2f} [{:.2f}, {:.2f}]", m.auc, m.auc_low, m.auc_high)
            : std::string("classifier AUC n/a (a side has fewer than 2 episodes)");
    fmt::print(
        "joint ({} features): coverage {:.2f}, precision {:.2f}, recall {:.2f}, density "
        "{:.2f} (k={}); {}; MMD^2 {:.3g} (p={:.3g})\n\n",
        m.features, m.coverage, m.precision, m.recall, m.density, m.k, auc, m.mmd2, m.mmd_p);
  }
  TextTable features({"feature", "W1/sd", "KS", "q", "PSI", "train p50", "target p50", "flag"},
                     {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                      TextTable::Align::kRight, TextTable::Align::kRight, TextTable::Align::kRight,
                      TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const auto& f : report.features) {
    if (features.row_count() >= top) break;
    if (!f.missing_side.empty()) {
      features.add_row({f.name, "-", "-", "-", "-", f.missing_side == "train" ? "absent" : "",
                        f.missing_side == "target" ? "absent" : "", f.flagged ? "gap" : ""});
      continue;
    }
    features.add_row({f.name, fmt::format("{:.2f}", f.w1_normalized), fmt::format("{:.2f}", f.ks),
                      fmt::format("{:.2g}", f.ks_q), fmt::format("{:.2f}", f.psi),
                      fmt::format("{:.4g}", f.train_p50), fmt::format("{:.4g}", f.target_p50),
                      f.flagged ? "gap" : ""});
  }
  fmt::print("{}\n", features.render(48));
  TextTable attributes({"attribute", "JS", "L-inf", "moved most", "missing in training"},
                       {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                        TextTable::Align::kLeft, TextTable::Align::kLeft});
  for (const auto& a : report.attributes) {
    if (attributes.row_count() >= top) break;
    attributes.add_row({a.name, fmt::format("{:.2f}", a.js), fmt::format("{:.2f}", a.linf),
                        a.linf_category, fmt::format("{}", fmt::join(a.missing_in_train, ", "))});
  }
  if (attributes.row_count() > 0) fmt::print("{}\n", attributes.render(48));
  fmt::print("target mass in under-supported slices: {:.0f}%\n",
             report.slices.unsupported_target_mass * 100);
}

}  // namespace

Verb add_compare_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare training data with target (field) data: per feature, attribute, slice "
      "and jointly, with a parity score");
  command->add_option("--train", args->train, "Selector for the training episodes")->required();
  command->add_option("--target", args->target, "Selector for the target (field) episodes")
      ->required();
  command->add_option("--train-weights", args->weights,
                      "Training mix: KEY=VALUE:W,... (e.g. domain=lab:0.7,sim:0.3) or file:PATH "
                      "(per-episode weights, CSV or JSON Lines)");
  command->add_option("--target-label", args->target_label,
                      "How explanations name the target (default: the value of a simple "
                      "selector like 'domain = field', else 'target')");
  command
      ->add_option("--fail-under", args->fail_under,
                   "Exit 5 when the parity score is below this (a CI gate)")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--min-slice-count", args->min_slice_count,
                      "Training episodes a slice needs to count as supported (default 5)");
  command->add_option("--slice-order", args->slice_order, "1, 2 (default) or 3-wise slices")
      ->check(CLI::Range(1, 3));
  command->add_option("--bootstrap", args->bootstrap, "Bootstrap replicates (default 200)");
  command->add_option("--permutations", args->permutations, "MMD permutations (default 200)");
  command->add_option("--seed", args->seed, "Random seed (default 1)");
  command->add_option("--top", args->top, "Rows per table in the terminal summary (default 10)");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            compare::CompareOptions options;
            options.train.where = args->train;
            options.target.where = args->target;
            options.train_weights.text = args->weights;
            options.slices.min_train_count = args->min_slice_count;
            options.slices.max_order = args->slice_order;
            options.bootstrap = args->bootstrap;
            options.permutations = args->permutations;
            options.seed = args->seed;
            options.target_label =
                args->target_label.empty() ? target_label_for(args->target) : args->target_label;
            PARITY_ASSIGN_OR_RETURN(const compare::CompareReport report,
                                    compare::compare_selections(*catalog, options));
            if (global.json) {
              print_json(compare::report_json(report));
            } else {
              print_report(report, args->top);
            }
            if (args->fail_under >= 0 && report.score < args->fail_under) {
              return failed_precondition(fmt::format("parity score {:.3f} is below --fail-under {}",
                                                     report.score, args->fail_under));
            }
            return {};
          }};
}

}  // namespace parity::cli
