// `parity show EPISODE`: one episode with its streams, attributes and provenance.
#include <fmt/format.h>

#include "cli/context.h"
#include "cli/episode_json.h"
#include "parity/report/table.h"

namespace parity::cli {

Verb add_show_verb(CLI::App& app, const GlobalOptions& global) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("show", "Show one episode (by id or unique id prefix)");
  command->add_option("episode", *id, "Episode id or a unique prefix of at least 4 characters")
      ->required();
  return {
      command, [&global, id]() -> Status {
        PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
        PARITY_ASSIGN_OR_RETURN(const EpisodeRecord episode, catalog->get_episode(*id));
        PARITY_ASSIGN_OR_RETURN(const SourceRecord source, catalog->get_source(episode.source_id));
        if (global.json) {
          print_json(episode_json(episode, source));
          return {};
        }
        fmt::print("episode   {}\n", episode.id);
        fmt::print("source    {} ({}{})\n", source.path, source.format,
                   source.current ? "" : ", superseded");
        fmt::print("domain    {}    kind {}    task {}    embodiment {}    outcome {}\n",
                   source.domain.empty() ? "-" : source.domain,
                   source.kind.empty() ? "-" : source.kind,
                   episode.task.empty() ? "-" : episode.task,
                   episode.embodiment.empty() ? "-" : episode.embodiment, episode.outcome);
        fmt::print("time      {} .. {}  ({:.3f} s, {} messages)\n",
                   format_time_ns(episode.start_ns), format_time_ns(episode.end_ns),
                   episode.duration_s(), episode.message_count);
        if (!episode.attributes.empty()) {
          fmt::print("\nattributes\n");
          for (const Attribute& a : episode.attributes) {
            fmt::print("  {} = {}  ({})\n", a.key, attribute_value_to_string(a.value), a.origin);
          }
        }
        TextTable streams(
            {"stream", "role", "type", "count", "rate_hz"},
            {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kLeft,
             TextTable::Align::kRight, TextTable::Align::kRight});
        for (const StreamRecord& s : episode.streams) {
          streams.add_row({s.name, s.role.empty() ? "-" : s.role, s.type,
                           std::to_string(s.message_count), fmt::format("{:.1f}", s.rate_hz)});
        }
        fmt::print("\n{}", streams.render(60));
        fmt::print("\nprovenance\n");
        for (const ProvenanceRecord& p : episode.provenance) {
          fmt::print("  {}  bytes [{}, {})  xxh3-128 {}  read by {} {}\n", p.file, p.byte_start,
                     p.byte_end, p.file_hash, p.reader, p.reader_version);
        }
        return {};
      }};
}

}  // namespace parity::cli
