#include "cli/context.h"

#include <cstdlib>
#include <iostream>

#include "parity/report/progress_bar.h"

namespace parity::cli {

std::string GlobalOptions::catalog_path() const {
  if (!catalog.empty()) return catalog;
  if (const char* env = std::getenv("PARITY_CATALOG"); env != nullptr && *env != '\0') return env;
  return "parity.db";
}

bool GlobalOptions::show_progress() const {
  return !json && !quiet && !no_progress && ProgressBar::stderr_is_terminal();
}

Result<std::unique_ptr<Catalog>> open_catalog(const GlobalOptions& options, bool create) {
  CatalogOptions catalog_options;
  catalog_options.create_if_missing = create;
  return Catalog::open(options.catalog_path(), catalog_options);
}

namespace {
bool g_json_printed = false;
}  // namespace

bool json_printed() {
  return g_json_printed;
}

void print_json(const nlohmann::json& value) {
  g_json_printed = true;
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace parity::cli
