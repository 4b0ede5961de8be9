// `parity export [episodes|streams|sources] --out FILE [--format csv|jsonl|parquet]
// [--where EXPR]`: writes a catalog table for pandas, DuckDB, Arrow or a spreadsheet.
#include <fmt/format.h>

#include "cli/context.h"
#include "parity/export/catalog_tables.h"
#include "parity/ingest/version.h"

namespace parity::cli {
namespace {

struct ExportArgs {
  std::string table = "episodes";
  std::string out;
  std::string format;
  std::string where;
  bool all_versions = false;
};

}  // namespace

Verb add_export_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* command = app.add_subcommand("export",
                                         "Write a catalog table (episodes, streams, sources or "
                                         "features) as CSV, JSON Lines or Parquet");
  command->add_option("table", args->table, "episodes (default), streams, sources or features")
      ->check(CLI::IsMember({"episodes", "streams", "sources", "features"}));
  command->add_option("-o,--out", args->out, "Output file (.csv, .jsonl or .parquet)")->required();
  command->add_option("-f,--format", args->format,
                      "csv, jsonl or parquet (default: from the --out extension)");
  command->add_option("-w,--where", args->where, "Selector for the episodes to export");
  command->add_flag("--all-versions", args->all_versions,
                    "Include episodes and sources of superseded versions");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(const TableFormat format,
                                    resolve_table_format(args->format, args->out));
            PARITY_ASSIGN_OR_RETURN(const CatalogTable which, parse_catalog_table(args->table));
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            EpisodeFilter filter;
            filter.where = args->where;
            filter.include_superseded = args->all_versions;
            PARITY_ASSIGN_OR_RETURN(const TableData table, catalog_table(*catalog, which, filter));
            TableWriterOptions options;
            options.metadata = {{"parity.version", std::string(parity_version())},
                                {"parity.table", args->table},
                                {"parity.where", args->where}};
            PARITY_ASSIGN_OR_RETURN(auto writer,
                                    open_table_writer(args->out, table.schema, format, options));
            PARITY_RETURN_IF_ERROR(writer->write(table.rows));
            PARITY_RETURN_IF_ERROR(writer->close());
            if (global.json) {
              nlohmann::json columns = nlohmann::json::array();
              for (const TableColumn& c : table.schema) {
                columns.push_back({{"name", c.name}, {"type", cell_type_name(c.type)}});
              }
              print_json({{"table", args->table},
                          {"format", table_format_name(format)},
                          {"path", args->out},
                          {"rows", table.rows.size()},
                          {"columns", columns}});
            } else {
              fmt::print("wrote {} {} rows ({} columns) to {}\n", table.rows.size(), args->table,
                         table.schema.size(), args->out);
            }
            return {};
          }};
}

}  // namespace parity::cli
