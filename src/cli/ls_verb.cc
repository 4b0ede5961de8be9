// `parity ls [--where EXPR]`: list episodes.
#include <fmt/format.h>

#include "cli/context.h"
#include "cli/episode_json.h"
#include "parity/catalog/model.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

struct LsArgs {
  std::string where;
  std::size_t limit = 0;
  bool all_versions = false;
};

std::string attributes_text(const std::vector<Attribute>& attributes) {
  std::string out;
  for (const Attribute& a : attributes) {
    if (!out.empty()) out += ' ';
    out += a.key + "=" + attribute_value_to_string(a.value);
  }
  return out;
}

}  // namespace

Verb add_ls_verb(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<LsArgs>();
  CLI::App* command = app.add_subcommand("ls", "List episodes in the catalog");
  command->add_option(
      "-w,--where", args->where,
      "Selector, e.g. \"domain = field and lighting in (dim, dark)\" or snapshot:NAME");
  command->add_option("-n,--limit", args->limit, "Show at most N episodes");
  command->add_flag("--all-versions", args->all_versions,
                    "Include episodes of superseded source versions");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            EpisodeFilter filter;
            filter.where = args->where;
            filter.include_superseded = args->all_versions;
            if (args->limit > 0) filter.limit = args->limit;
            PARITY_ASSIGN_OR_RETURN(const auto episodes, catalog->list_episodes(filter));
            if (global.json) {
              nlohmann::json out = nlohmann::json::array();
              for (const EpisodeSummary& e : episodes) out.push_back(episode_summary_json(e));
              print_json(out);
              return {};
            }
            TextTable table(
                {"id", "domain", "kind", "duration_s", "messages", "attributes", "source"},
                {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kLeft,
                 TextTable::Align::kRight, TextTable::Align::kRight, TextTable::Align::kLeft,
                 TextTable::Align::kLeft});
            for (const EpisodeSummary& e : episodes) {
              table.add_row({e.id.substr(0, 12), e.domain, e.kind,
                             fmt::format("{:.1f}", e.duration_s), std::to_string(e.message_count),
                             attributes_text(e.attributes), e.source_path});
            }
            fmt::print("{}{} episode{}\n", table.render(48), episodes.size(),
                       episodes.size() == 1 ? "" : "s");
            return {};
          }};
}

}  // namespace parity::cli
