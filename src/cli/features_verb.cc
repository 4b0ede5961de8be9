// `parity features [--where EXPR] [--json | --out FILE]`: the feature table of profiled
// episodes; `--markdown` prints docs/features.md from the registry, `--taxonomy` the default
// taxonomy.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cli/context.h"
#include "parity/export/catalog_tables.h"
#include "parity/features/feature_registry.h"
#include "parity/features/taxonomy.h"
#include "parity/ingest/version.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct FeaturesArgs {
  std::string where;
  std::string out;
  std::string format;
  bool markdown = false;
  bool taxonomy = false;
};

// The JSON contract: [{"id": ..., "features": {name: number | null}}], every episode listing
// every column of the table.
nlohmann::json table_json(const FeatureTable& table) {
  nlohmann::json episodes = nlohmann::json::array();
  for (std::size_t r = 0; r < table.episode_ids.size(); ++r) {
    nlohmann::json values = nlohmann::json::object();
    for (std::size_t c = 0; c < table.names.size(); ++c) {
      const double value = table.at(r, c);
      values[table.names[c]] =
          FeatureTable::is_missing(value) ? nlohmann::json() : nlohmann::json(value);
    }
    episodes.push_back({{"id", table.episode_ids[r]}, {"features", std::move(values)}});
  }
  return episodes;
}

void print_summary(const FeatureTable& table) {
  TextTable text({"feature", "episodes", "missing", "min", "mean", "max"},
                 {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                  TextTable::Align::kRight, TextTable::Align::kRight, TextTable::Align::kRight});
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    std::size_t present = 0;
    double sum = 0, low = INFINITY, high = -INFINITY;
    for (std::size_t r = 0; r < table.episode_ids.size(); ++r) {
      const double value = table.at(r, c);
      if (FeatureTable::is_missing(value)) continue;
      ++present;
      sum += value;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    const bool any = present > 0;
    text.add_row({table.names[c], fmt::format("{}", present),
                  fmt::format("{}", table.episode_ids.size() - present),
                  any ? fmt::format("{:.4g}", low) : "-",
                  any ? fmt::format("{:.4g}", sum / static_cast<double>(present)) : "-",
                  any ? fmt::format("{:.4g}", high) : "-"});
  }
  fmt::print("{}", text.render(70));
  fmt::print("{} episodes x {} features (export: parity features --out FILE.parquet)\n",
             table.episode_ids.size(), table.names.size());
}

}  // namespace

Verb add_features_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* command =
      app.add_subcommand("features", "Show or export the feature table of profiled episodes");
  command->add_option("-w,--where", args->where, "Selector for the episodes");
  command->add_option("-o,--out", args->out, "Write the table to FILE (.csv, .jsonl, .parquet)");
  command->add_option("-f,--format", args->format,
                      "csv, jsonl or parquet (default: from the --out extension)");
  command->add_flag("--markdown", args->markdown,
                    "Print the feature documentation (docs/features.md) from the registry");
  command->add_flag("--taxonomy", args->taxonomy, "Print the default taxonomy (YAML)");
  return {command, [&global, args]() -> Status {
            if (args->markdown) {
              fmt::print("{}", features::features_markdown());
              return {};
            }
            if (args->taxonomy) {
              fmt::print("{}", features::default_taxonomy_yaml());
              return {};
            }
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            EpisodeFilter filter;
            filter.where = args->where;
            PARITY_ASSIGN_OR_RETURN(const FeatureTable table, catalog->load_feature_table(filter));
            if (!args->out.empty()) {
              PARITY_ASSIGN_OR_RETURN(const TableFormat format,
                                      resolve_table_format(args->format, args->out));
              const TableData data = feature_table_data(table);
              TableWriterOptions options;
              options.metadata = {{"parity.version", std::string(parity_version())},
                                  {"parity.table", "features"},
                                  {"parity.where", args->where}};
              PARITY_ASSIGN_OR_RETURN(auto writer,
                                      open_table_writer(args->out, data.schema, format, options));
              PARITY_RETURN_IF_ERROR(writer->write(data.rows));
              PARITY_RETURN_IF_ERROR(writer->close());
              if (global.json) {
                print_json({{"path", args->out},
                            {"format", table_format_name(format)},
                            {"episodes", table.episode_ids.size()},
                            {"features", table.names.size()}});
              } else {
                fmt::print("wrote {} episodes x {} features to {}\n", table.episode_ids.size(),
                           table.names.size(), args->out);
              }
              return {};
            }
            if (global.json) {
              print_json(table_json(table));
            } else {
              print_summary(table);
            }
            return {};
          }};
}

}  // namespace parity::cli
