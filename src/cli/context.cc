#include "cli/context.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

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

std::string target_label_for(const std::string& where) {
  static const std::regex simple(R"(^\s*\w+\s*=\s*'?([A-Za-z0-9_./-]+)'?\s*$)");
  std::smatch match;
  return std::regex_match(where, match, simple) ? match[1].str() : "target";
}

Status write_file_atomically(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      return io_error(fmt::format("{}: cannot write", path));
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return io_error(fmt::format("{}: cannot write: {}", path, ec.message()));
  return {};
}

}  // namespace parity::cli
