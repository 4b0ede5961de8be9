// What every verb shares: global options, catalog opening, and output helpers.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/status.h"

namespace parity::cli {

struct GlobalOptions {
  std::string catalog;       // --catalog; "" = $PARITY_CATALOG or ./parity.db
  bool json = false;         // --json: machine-readable output on stdout
  bool quiet = false;        // --quiet: no progress bar, no notes on stderr
  bool no_progress = false;  // --no-progress

  // The catalog path after applying the precedence --catalog > $PARITY_CATALOG > ./parity.db.
  std::string catalog_path() const;
  // True when a progress bar should be drawn (stderr is a TTY, not --json/--quiet).
  bool show_progress() const;
};

// Opens the catalog; with `create`, creates it when missing.
Result<std::unique_ptr<Catalog>> open_catalog(const GlobalOptions& options, bool create = false);

// Prints `value` as indented JSON plus a newline on stdout.
void print_json(const nlohmann::json& value);
// True once print_json() has printed: a verb that fails after printing its JSON result (e.g.
// a snapshot that does not verify) must not get a second JSON document on stdout.
bool json_printed();

// Writes `text` to `path` through "<path>.partial" and a rename: the file appears whole or not at
// all. Errors: kIoError naming the path.
Status write_file_atomically(const std::string& path, const std::string& text);

// How sentences name a target selection: "domain = field" -> "field"; anything else "target".
std::string target_label_for(const std::string& where);

// A verb registers its options on its subcommand and returns the function that runs it.
using VerbRunner = std::function<Status()>;
struct Verb {
  CLI::App* command = nullptr;
  VerbRunner run;
};

// Each verb file defines one of these (thin: parse options, call the library, print).
Verb add_init_verb(CLI::App& app, const GlobalOptions& global);
Verb add_ingest_verb(CLI::App& app, const GlobalOptions& global);
Verb add_ls_verb(CLI::App& app, const GlobalOptions& global);
Verb add_show_verb(CLI::App& app, const GlobalOptions& global);
Verb add_info_verb(CLI::App& app, const GlobalOptions& global);
Verb add_dump_verb(CLI::App& app, const GlobalOptions& global);
Verb add_export_verb(CLI::App& app, const GlobalOptions& global);
Verb add_features_verb(CLI::App& app, const GlobalOptions& global);
Verb add_compare_verb(CLI::App& app, const GlobalOptions& global);
// profile, profile show, profile merge (children first: a parsed child wins over its parent).
std::vector<Verb> add_profile_verbs(CLI::App& app, const GlobalOptions& global);
std::vector<Verb> add_snapshot_verbs(CLI::App& app, const GlobalOptions& global);
std::vector<Verb> add_demo_verbs(CLI::App& app, const GlobalOptions& global);
Verb add_plan_verb(CLI::App& app, const GlobalOptions& global);
Verb add_weights_verb(CLI::App& app, const GlobalOptions& global);
Verb add_report_verb(CLI::App& app, const GlobalOptions& global);

}  // namespace parity::cli
