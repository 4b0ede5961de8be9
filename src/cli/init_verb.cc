// `parity init`: create (or migrate) the catalog.
#include <fmt/format.h>

#include <filesystem>

#include "cli/context.h"

namespace parity::cli {

Verb add_init_verb(CLI::App& app, const GlobalOptions& global) {
  CLI::App* command = app.add_subcommand("init", "Create the catalog (or migrate an existing one)");
  return {command, [&global]() -> Status {
            const bool existed = std::filesystem::exists(global.catalog_path());
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global, /*create=*/true));
            if (global.json) {
              print_json({{"catalog", std::filesystem::absolute(catalog->path()).string()},
                          {"schema_version", catalog->schema_version()},
                          {"created", !existed}});
            } else {
              fmt::print("{} catalog {} (schema version {})\n", existed ? "Opened" : "Created",
                         catalog->path().string(), catalog->schema_version());
            }
            return {};
          }};
}

}  // namespace parity::cli
