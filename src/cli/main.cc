// The `parity` command line: wires verbs to the library and is the single place where a
// Status becomes an exit code (docs/cli.md lists them).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/context.h"
#include "cli/exit_codes.h"
#include "parity/ingest/version.h"

namespace {

int report_error(const parity::Status& status, const parity::cli::GlobalOptions& global) {
  if (global.json && !parity::cli::json_printed()) {
    parity::cli::print_json({{"error",
                              {{"code", std::string(parity::status_code_name(status.code()))},
                               {"message", status.message()}}}});
  }
  std::cerr << "parity: error: " << status.message() << '\n';
  return parity::cli::exit_code_for(status);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace parity::cli;
  CLI::App app{"Parity: measure and close the gap between robot training data and the field."};
  app.name("parity");
  app.set_version_flag("--version", std::string(parity::parity_version()));
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--catalog", global.catalog,
                 "Catalog database (default: $PARITY_CATALOG, else ./parity.db)");
  app.add_flag("--json", global.json, "Machine-readable JSON on stdout");
  app.add_flag("-q,--quiet", global.quiet, "No progress bar or notes on stderr");
  app.add_flag("--no-progress", global.no_progress, "No progress bar");

  std::vector<Verb> verbs = {
      add_init_verb(app, global),   add_ingest_verb(app, global),   add_ls_verb(app, global),
      add_show_verb(app, global),   add_info_verb(app, global),     add_dump_verb(app, global),
      add_export_verb(app, global), add_features_verb(app, global), add_compare_verb(app, global),
      add_plan_verb(app, global),   add_weights_verb(app, global),  add_report_verb(app, global)};
  for (Verb& verb : add_profile_verbs(app, global)) verbs.push_back(std::move(verb));
  for (Verb& verb : add_snapshot_verbs(app, global)) verbs.push_back(std::move(verb));
  for (Verb& verb : add_demo_verbs(app, global)) verbs.push_back(std::move(verb));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return kExitUsage;
  }

  for (const Verb& verb : verbs) {
    if (verb.command->parsed() && verb.run) {
      const parity::Status status = verb.run();
      return status.ok() ? kExitOk : report_error(status, global);
    }
  }
  std::cerr << app.help();
  return kExitUsage;
}
