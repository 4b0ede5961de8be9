// `parity ingest PATH...`: read recordings into the catalog.
#include <fmt/format.h>

#include <iostream>

#include "cli/context.h"
#include "parity/ingest/ingest.h"
#include "parity/report/progress_bar.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct IngestArgs {
  std::vector<std::string> paths;
  std::string domain, kind, task, embodiment, attrs_from_path;
  std::vector<std::string> attrs, maps;
  bool salvage = false;
};

Result<std::pair<std::string, std::string>> split_pair(const std::string& text,
                                                       const char* option) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return invalid_argument(fmt::format("{} expects KEY=VALUE, found '{}'", option, text));
  }
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

Result<IngestOptions> to_options(const IngestArgs& args) {
  IngestOptions options;
  const std::pair<const char*, const std::string*> fields[] = {{"domain", &args.domain},
                                                               {"kind", &args.kind},
                                                               {"task", &args.task},
                                                               {"embodiment", &args.embodiment}};
  for (const auto& [key, value] : fields) {
    if (!value->empty()) options.cli.set(key, *value, "cli");
  }
  for (const std::string& attr : args.attrs) {
    PARITY_ASSIGN_OR_RETURN(const auto kv, split_pair(attr, "--attr"));
    options.cli.set(kv.first, parse_attribute_value(kv.second), "cli");
  }
  for (const std::string& map : args.maps) {
    PARITY_ASSIGN_OR_RETURN(const auto kv, split_pair(map, "--map"));
    options.cli.roles[kv.first] = kv.second;
  }
  PARITY_RETURN_IF_ERROR(validate_field_values(options.cli));
  if (!args.attrs_from_path.empty()) {
    PARITY_ASSIGN_OR_RETURN(options.path_template, PathTemplate::parse(args.attrs_from_path));
  }
  options.salvage = args.salvage;
  nlohmann::json argv_json = {{"paths", args.paths},
                              {"attr", args.attrs},
                              {"map", args.maps},
                              {"domain", args.domain},
                              {"kind", args.kind},
                              {"task", args.task},
                              {"attrs_from_path", args.attrs_from_path},
                              {"salvage", args.salvage}};
  options.args_json = argv_json.dump();
  return options;
}

nlohmann::json to_json(const IngestSummary& summary) {
  nlohmann::json sources = nlohmann::json::array();
  for (const SourceIngestResult& source : summary.sources) {
    nlohmann::json item = {{"path", source.path.string()},
                           {"outcome", std::string(source_outcome_name(source.outcome))},
                           {"source_id", source.source_id},
                           {"format", source.format},
                           {"episodes", source.episodes},
                           {"messages", source.messages},
                           {"size_bytes", source.size_bytes}};
    if (!source.error.ok()) {
      item["error"] = {{"code", std::string(status_code_name(source.error.code()))},
                       {"message", source.error.message()}};
    }
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const Diagnostic& d : source.diagnostics) {
      diagnostics.push_back({{"severity", std::string(severity_name(d.severity))},
                             {"file", d.file},
                             {"offset", d.offset ? nlohmann::json(*d.offset) : nlohmann::json()},
                             {"message", d.message}});
    }
    item["diagnostics"] = diagnostics;
    sources.push_back(item);
  }
  return {{"run_id", summary.run_id},
          {"inserted", summary.count(SourceOutcome::kInserted)},
          {"unchanged", summary.count(SourceOutcome::kUnchanged)},
          {"new_version", summary.count(SourceOutcome::kNewVersion)},
          {"failed", summary.count(SourceOutcome::kFailed)},
          {"sources", sources}};
}

void print_human(const IngestSummary& summary, bool quiet) {
  TextTable table({"outcome", "episodes", "messages", "size", "source"},
                  {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                   TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const SourceIngestResult& source : summary.sources) {
    table.add_row({std::string(source_outcome_name(source.outcome)),
                   std::to_string(source.episodes), std::to_string(source.messages),
                   ProgressBar::format_bytes(static_cast<double>(source.size_bytes)),
                   source.path.string()});
  }
  if (table.row_count() > 0) fmt::print("{}", table.render(100));
  for (const SourceIngestResult& source : summary.sources) {
    if (!source.error.ok()) std::cerr << "parity: error: " << source.error.message() << '\n';
    if (quiet) continue;
    for (const Diagnostic& d : source.diagnostics) {
      if (d.severity != Severity::kInfo) {
        std::cerr << "parity: " << severity_name(d.severity) << ": " << d.to_string() << '\n';
      }
    }
  }
  fmt::print("{} inserted, {} unchanged, {} new versions, {} failed (run {})\n",
             summary.count(SourceOutcome::kInserted), summary.count(SourceOutcome::kUnchanged),
             summary.count(SourceOutcome::kNewVersion), summary.count(SourceOutcome::kFailed),
             summary.run_id);
}

}  // namespace

Verb add_ingest_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* command = app.add_subcommand(
      "ingest",
      "Read recordings (files or directories) into the catalog; one transaction per source");
  command->add_option("paths", args->paths, "Recordings or directories to scan")->required();
  command->add_option("--domain", args->domain, "lab | sim | field");
  command->add_option("--kind", args->kind,
                      "demonstration | teleop | autonomous | correction | simulation | deployment");
  command->add_option("--task", args->task, "Task name for every episode");
  command->add_option("--embodiment", args->embodiment, "Robot / embodiment name");
  command->add_option("--attr", args->attrs, "Attribute KEY=VALUE (repeatable)");
  command->add_option("--map", args->maps,
                      "Stream role TOPIC=ROLE (repeatable; TOPIC may end in *)");
  command->add_option("--attrs-from-path", args->attrs_from_path,
                      "Path template, e.g. '{site}/{date}/*.mcap'");
  command->add_flag("--salvage", args->salvage,
                    "Store what can be recovered from damaged files instead of failing them");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(IngestOptions options, to_options(*args));
            for (const std::string& path : args->paths) {  // before a catalog is created
              std::error_code ec;
              if (!std::filesystem::exists(path, ec)) {
                return not_found(fmt::format("{}: no such file or directory", path));
              }
            }
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global, /*create=*/true));
            ProgressBar bar("ingest", global.show_progress());
            options.on_progress = [&bar](std::uint64_t done, std::uint64_t total) {
              bar.update(done, total);
            };
            std::vector<std::filesystem::path> paths(args->paths.begin(), args->paths.end());
            PARITY_ASSIGN_OR_RETURN(const IngestSummary summary, ingest(*catalog, paths, options));
            bar.finish();
            if (global.json) {
              print_json(to_json(summary));
            } else {
              print_human(summary, global.quiet);
            }
            const std::size_t failed = summary.count(SourceOutcome::kFailed);
            if (failed > 0) {
              for (const SourceIngestResult& source : summary.sources) {
                if (!source.error.ok()) {
                  return Status(source.error.code(),
                                fmt::format("{} of {} sources failed; first: {}", failed,
                                            summary.sources.size(), source.error.message()));
                }
              }
            }
            return {};
          }};
}

}  // namespace parity::cli
