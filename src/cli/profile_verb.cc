// `parity profile [--where EXPR] [--threads N] ...`: computes the features of ingested episodes
// that lack them (resumable), derives attributes with the taxonomy, and optionally writes the
// mergeable profile of the selection.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <thread>

#include "cli/context.h"
#include "parity/features/embedding.h"
#include "parity/features/profile_builder.h"
#include "parity/features/profile_runner.h"
#include "parity/report/progress_bar.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct ProfileArgs {
  std::string where;
  unsigned threads = 0;
  std::uint32_t frame_stride = 1;
  std::uint64_t max_frames = 0;
  std::uint32_t analysis_size = 320;
  std::string embed_model;
  std::size_t embed_samples = 8;
  std::string taxonomy;
  bool replace_taxonomy = false;
  bool force = false;
  bool retag = false;
  std::string out;
  bool verbose = false;
};

Result<features::Taxonomy> taxonomy_for(const ProfileArgs& args) {
  if (args.taxonomy.empty()) return features::default_taxonomy();
  PARITY_ASSIGN_OR_RETURN(features::Taxonomy mine, features::load_taxonomy(args.taxonomy));
  if (args.replace_taxonomy) return mine;
  return features::extend_taxonomy(features::default_taxonomy(), mine);
}

nlohmann::json summary_json(const features::ProfileRunSummary& summary) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& failure : summary.failures) {
    failures.push_back({{"episode", failure.episode_id}, {"message", failure.message}});
  }
  return {{"selected", summary.selected}, {"up_to_date", summary.up_to_date},
          {"profiled", summary.profiled}, {"failed", summary.failures.size()},
          {"features", summary.features}, {"derived_attributes", summary.derived_attributes},
          {"notes", summary.notes},       {"failures", failures}};
}

void print_diagnostics(const DiagnosticCollector& diagnostics, bool verbose) {
  const auto all = diagnostics.diagnostics();
  const std::size_t shown = verbose ? all.size() : std::min<std::size_t>(all.size(), 5);
  for (std::size_t i = 0; i < shown; ++i) fmt::print(stderr, "{}\n", all[i].to_string());
  if (shown < all.size()) {
    fmt::print(stderr, "... {} more warnings (--verbose shows them all)\n", all.size() - shown);
  }
}

nlohmann::json profile_json(const profile::Profile& p) {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& [name, summary] : p.features()) {
    nlohmann::json entry = {
        {"name", name}, {"count", summary.quantiles.count()}, {"missing", p.missing(name)}};
    if (summary.quantiles.count() > 0) {
      entry["mean"] = summary.moments.mean();
      entry["p10"] = summary.quantiles.quantile(0.1);
      entry["p50"] = summary.quantiles.quantile(0.5);
      entry["p90"] = summary.quantiles.quantile(0.9);
    }
    features.push_back(std::move(entry));
  }
  nlohmann::json attributes = nlohmann::json::array();
  for (const auto& [key, summary] : p.attributes()) {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [value, count] : summary.values.counts()) counts[value] = count;
    attributes.push_back({{"name", key},
                          {"counts", std::move(counts)},
                          {"distinct", summary.distinct.estimate()},
                          {"missing", p.attribute_missing(key)}});
  }
  return {{"episodes", p.episode_count()},
          {"distinct_episodes", p.distinct_episodes()},
          {"metadata", p.metadata()},
          {"features", std::move(features)},
          {"attributes", std::move(attributes)}};
}

void print_profile(const profile::Profile& p) {
  fmt::print("{} episodes ({:.0f} distinct), {} features, {} attributes\n", p.episode_count(),
             p.distinct_episodes(), p.features().size(), p.attributes().size());
  TextTable features(
      {"feature", "n", "missing", "p10", "p50", "p90"},
      {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
       TextTable::Align::kRight, TextTable::Align::kRight, TextTable::Align::kRight});
  for (const auto& [name, summary] : p.features()) {
    const bool any = summary.quantiles.count() > 0;
    features.add_row({name, fmt::format("{}", summary.quantiles.count()),
                      fmt::format("{}", p.missing(name)),
                      any ? fmt::format("{:.4g}", summary.quantiles.quantile(0.1)) : "-",
                      any ? fmt::format("{:.4g}", summary.quantiles.quantile(0.5)) : "-",
                      any ? fmt::format("{:.4g}", summary.quantiles.quantile(0.9)) : "-"});
  }
  fmt::print("{}", features.render(70));
  TextTable attributes(
      {"attribute", "values (count)", "missing"},
      {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kRight});
  for (const auto& [key, summary] : p.attributes()) {
    std::vector<std::string> parts;
    for (const auto& [value, count] : summary.values.counts()) {
      parts.push_back(fmt::format("{} ({})", value, count));
    }
    attributes.add_row({key, fmt::format("{}", fmt::join(parts, ", ")),
                        fmt::format("{}", p.attribute_missing(key))});
  }
  fmt::print("{}", attributes.render(90));
}

Verb add_profile_show_verb(CLI::App& parent, const GlobalOptions& global) {
  auto path = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand("show", "Print a profile file (.pprof)");
  command->add_option("file", *path, "Profile written by `parity profile --out`")->required();
  return {command, [&global, path]() -> Status {
            PARITY_ASSIGN_OR_RETURN(const profile::Profile p, profile::Profile::read_file(*path));
            if (global.json) {
              print_json(profile_json(p));
            } else {
              print_profile(p);
            }
            return {};
          }};
}

Verb add_profile_merge_verb(CLI::App& parent, const GlobalOptions& global) {
  struct MergeArgs {
    std::vector<std::string> inputs;
    std::string out;
  };
  auto args = std::make_shared<MergeArgs>();
  CLI::App* command =
      parent.add_subcommand("merge", "Merge profiles of shards (threads, machines, days) into one");
  command->add_option("files", args->inputs, "Profiles to merge")->required();
  command->add_option("-o,--out", args->out, "Merged profile")->required();
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(profile::Profile merged,
                                    profile::Profile::read_file(args->inputs.front()));
            for (std::size_t i = 1; i < args->inputs.size(); ++i) {
              PARITY_ASSIGN_OR_RETURN(const profile::Profile next,
                                      profile::Profile::read_file(args->inputs[i]));
              PARITY_RETURN_IF_ERROR(merged.merge(next).with_context(args->inputs[i]));
            }
            PARITY_RETURN_IF_ERROR(merged.write_file(args->out));
            if (global.json) {
              print_json({{"path", args->out},
                          {"inputs", args->inputs.size()},
                          {"episodes", merged.episode_count()}});
            } else {
              fmt::print("merged {} profiles ({} episodes) into {}\n", args->inputs.size(),
                         merged.episode_count(), args->out);
            }
            return {};
          }};
}

}  // namespace

Verb add_profile_run_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* command = app.add_subcommand(
      "profile", "Compute features for ingested episodes that lack them and derive attributes");
  command->require_subcommand(0, 1);
  command->add_option("-w,--where", args->where, "Selector for the episodes to profile");
  command->add_option("-j,--threads", args->threads,
                      "Worker threads, episodes in parallel (default: all cores)");
  command
      ->add_option("--frame-stride", args->frame_stride,
                   "Analyse every N-th camera / depth frame (default 1)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-frames", args->max_frames,
                      "Analyse at most N frames per camera stream and episode (0 = all)");
  command
      ->add_option("--analysis-size", args->analysis_size,
                   "Longer side in pixels frames are reduced to before analysis (default 320)")
      ->check(CLI::Range(16, 4096));
  command->add_option("--embed-model", args->embed_model,
                      "ONNX image encoder: store embeddings of sampled frames (OpenCV DNN)");
  command->add_option("--embed-samples", args->embed_samples,
                      "Frames embedded per camera stream and episode (default 8)");
  command->add_option("--taxonomy", args->taxonomy,
                      "Taxonomy YAML extending the default one (docs/taxonomy.md)");
  command->add_flag("--replace-taxonomy", args->replace_taxonomy,
                    "Use --taxonomy instead of the default taxonomy, not on top of it");
  command->add_flag("--force", args->force, "Recompute episodes that already have features");
  command->add_flag("--retag", args->retag,
                    "Only re-derive attributes from stored features (after a taxonomy change)");
  command->add_option("-o,--out", args->out,
                      "Also write the mergeable profile of the selection to FILE (.pprof)");
  command->add_flag("-v,--verbose", args->verbose, "Print every warning");
  return {
      command, [&global, args]() -> Status {
        PARITY_ASSIGN_OR_RETURN(const features::Taxonomy taxonomy, taxonomy_for(*args));
        PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
        EpisodeFilter filter;
        filter.where = args->where;
        if (args->retag) {
          PARITY_ASSIGN_OR_RETURN(const std::size_t updated,
                                  features::retag_episodes(*catalog, filter, taxonomy));
          if (global.json) {
            print_json({{"retagged", updated}});
          } else {
            fmt::print("re-derived the attributes of {} episodes ({})\n", updated, taxonomy.name);
          }
          return {};
        }
        features::ProfileRunOptions options;
        options.filter = filter;
        options.threads =
            args->threads > 0 ? args->threads : std::max(1u, std::thread::hardware_concurrency());
        options.extraction.frame_stride = args->frame_stride;
        if (args->max_frames > 0) options.extraction.max_frames = args->max_frames;
        options.extraction.analysis.max_side = args->analysis_size;
        std::optional<features::ImageEmbedder> embedder;
        if (!args->embed_model.empty()) {
          PARITY_ASSIGN_OR_RETURN(embedder, features::ImageEmbedder::load(args->embed_model));
          options.extraction.embedder = &*embedder;
          options.extraction.embed_samples = args->embed_samples;
        }
        options.taxonomy = &taxonomy;
        options.force = args->force;
        ProgressBar bar("profile", global.show_progress());
        bar.set_unit("episodes");
        options.on_progress = [&bar](std::size_t done, std::size_t total) {
          bar.update(done, total);
        };
        DiagnosticCollector diagnostics;
        PARITY_ASSIGN_OR_RETURN(const features::ProfileRunSummary summary,
                                features::run_profile(*catalog, options, diagnostics));
        bar.finish();
        nlohmann::json out = summary_json(summary);
        if (!args->out.empty()) {
          PARITY_ASSIGN_OR_RETURN(const profile::Profile profile,
                                  features::build_profile(*catalog, filter));
          PARITY_RETURN_IF_ERROR(profile.write_file(args->out));
          out["profile"] = args->out;
        }
        if (global.json) {
          print_json(out);
        } else {
          if (!global.quiet) print_diagnostics(diagnostics, args->verbose);
          if (args->verbose) {
            for (const std::string& note : summary.notes) {
              fmt::print(stderr, "not profiled: {}\n", note);
            }
          }
          fmt::print(
              "profiled {} episodes ({} already up to date, {} failed): {} features, "
              "{} derived attributes\n",
              summary.profiled, summary.up_to_date, summary.failures.size(), summary.features,
              summary.derived_attributes);
          for (const auto& failure : summary.failures) {
            fmt::print("  failed {}: {}\n", failure.episode_id.substr(0, 12), failure.message);
          }
          if (!args->out.empty()) fmt::print("wrote the profile to {}\n", args->out);
        }
        if (!summary.failures.empty()) {
          return Status(StatusCode::kCorrupt,
                        fmt::format("{} of {} episodes failed; first: {}", summary.failures.size(),
                                    summary.failures.size() + summary.profiled,
                                    summary.failures.front().message));
        }
        return {};
      }};
}

std::vector<Verb> add_profile_verbs(CLI::App& app, const GlobalOptions& global) {
  Verb run = add_profile_run_verb(app, global);
  return {add_profile_show_verb(*run.command, global), add_profile_merge_verb(*run.command, global),
          std::move(run)};
}

}  // namespace parity::cli
