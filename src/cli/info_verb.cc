// `parity info FILE`: summarise any supported recording, like `ros2 bag info`.
#include <fmt/format.h>

#include <iostream>

#include "cli/context.h"
#include "cli/episode_json.h"
#include "parity/formats/recording.h"
#include "parity/ingest/roles.h"
#include "parity/report/progress_bar.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

bool relative_times(const RecordingInfo& info) {
  return std::any_of(info.streams.begin(), info.streams.end(), relative_clock);
}

double duration_s_between(std::int64_t start_ns, std::int64_t end_ns) {
  return end_ns > start_ns ? static_cast<double>(end_ns - start_ns) * 1e-9 : 0.0;
}

nlohmann::json info_json(const RecordingInfo& info, const RoleMap& roles,
                         const std::vector<Diagnostic>& diagnostics) {
  nlohmann::json streams = nlohmann::json::array();
  for (const StreamInfo& s : info.streams) {
    streams.push_back({{"id", s.id},
                       {"name", s.topic},
                       {"type", s.type},
                       {"encoding", s.message_encoding},
                       {"schema_encoding", s.schema_encoding},
                       {"count", s.message_count},
                       {"start_ns", s.start_ns},
                       {"end_ns", s.end_ns},
                       {"role", resolve_role(s.type, s.topic, roles)},
                       {"metadata", s.metadata}});
  }
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : info.files) files.push_back(f.string());
  nlohmann::json metadata = nlohmann::json::array();
  for (const MetadataRecord& m : info.metadata) {
    metadata.push_back({{"name", m.name}, {"entries", m.entries}});
  }
  nlohmann::json attachments = nlohmann::json::array();
  for (const AttachmentInfo& a : info.attachments) {
    attachments.push_back({{"name", a.name},
                           {"media_type", a.media_type},
                           {"log_time_ns", a.log_time_ns},
                           {"size_bytes", a.size_bytes}});
  }
  nlohmann::json notes = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) {
    notes.push_back({{"severity", std::string(severity_name(d.severity))},
                     {"file", d.file},
                     {"offset", d.offset ? nlohmann::json(*d.offset) : nlohmann::json()},
                     {"message", d.message}});
  }
  nlohmann::json episodes = nlohmann::json::array();
  for (const EpisodeInfo& e : info.episodes) {
    nlohmann::json spans = nlohmann::json::array();
    for (const StreamSpan& span : e.streams) {
      spans.push_back({{"id", span.stream_id},
                       {"count", span.message_count},
                       {"start_ns", span.start_ns},
                       {"end_ns", span.end_ns}});
    }
    episodes.push_back({{"index", e.index},
                        {"name", e.name},
                        {"message_count", e.message_count},
                        {"start_ns", e.start_ns},
                        {"end_ns", e.end_ns},
                        {"duration_s", duration_s_between(e.start_ns, e.end_ns)},
                        {"attributes", e.attributes},
                        {"streams", spans}});
  }
  return {{"format", info.format},
          {"profile", info.profile},
          {"library", info.library},
          {"files", files},
          {"size_bytes", info.size_bytes},
          {"message_count", info.message_count},
          {"start_ns", info.start_ns},
          {"end_ns", info.end_ns},
          {"duration_s", duration_s_between(info.start_ns, info.end_ns)},
          {"episode_count", info.episodes.size()},
          {"episodes", episodes},
          {"chunk_count", info.chunk_count},
          {"chunk_compression", info.chunk_compression_counts},
          {"indexed", info.indexed},
          {"streams", streams},
          {"metadata", metadata},
          {"attachments", attachments},
          {"diagnostics", notes}};
}

// Episodes listed in full by the text output; longer lists show the first and last few.
constexpr std::size_t kEpisodesShown = 12;

void print_episodes(const RecordingInfo& info) {
  TextTable table({"episode", "name", "messages", "duration"},
                  {TextTable::Align::kRight, TextTable::Align::kLeft, TextTable::Align::kRight,
                   TextTable::Align::kRight});
  const std::size_t n = info.episodes.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (n > kEpisodesShown && i == kEpisodesShown / 2) {
      table.add_row({"...", fmt::format("({} more)", n - kEpisodesShown), "", ""});
      i = n - kEpisodesShown / 2;
    }
    const EpisodeInfo& e = info.episodes[i];
    table.add_row({std::to_string(e.index), e.name.empty() ? "-" : e.name,
                   std::to_string(e.message_count),
                   fmt::format("{:.3f} s", duration_s_between(e.start_ns, e.end_ns))});
  }
  fmt::print("\n{}", table.render(48));
}

void print_human(const RecordingInfo& info, const RoleMap& roles) {
  const double duration_s = duration_s_between(info.start_ns, info.end_ns);
  // Datasets can span thousands of files: show the first and last few (--json lists all).
  constexpr std::size_t kFilesShown = 8;
  std::string files;
  const std::size_t n_files = info.files.size();
  for (std::size_t i = 0; i < n_files; ++i) {
    if (n_files > kFilesShown && i == kFilesShown / 2) {
      files += fmt::format("\n                   ... ({} more)", n_files - kFilesShown);
      i = n_files - kFilesShown / 2;
    }
    files += (files.empty() ? "" : "\n                   ") + info.files[i].string();
  }
  std::string compression;
  for (const auto& [name, count] : info.chunk_compression_counts) {
    compression += fmt::format("{}{} {}", compression.empty() ? "" : ", ", count,
                               name.empty() ? "none" : name);
  }
  fmt::print("Files:             {}\n", files);
  fmt::print("Size:              {}\n",
             ProgressBar::format_bytes(static_cast<double>(info.size_bytes)));
  fmt::print("Format:            {}{}{}\n", info.format,
             info.profile.empty() ? "" : " (profile " + info.profile + ")",
             info.library.empty() ? "" : ", written by " + info.library);
  if (info.episodes.size() > 1) {
    double total_s = 0;
    for (const EpisodeInfo& e : info.episodes) total_s += duration_s_between(e.start_ns, e.end_ns);
    fmt::print("Duration:          {:.3f} s over {} episodes\n", total_s, info.episodes.size());
  } else {
    fmt::print("Duration:          {:.3f} s\n", duration_s);
  }
  if (relative_times(info)) {
    const bool synthetic = std::any_of(info.streams.begin(), info.streams.end(), [](const auto& s) {
      const auto it = s.metadata.find("time_source");
      return it != s.metadata.end() && it->second == "synthetic";
    });
    fmt::print("Clock:             {}\n",
               synthetic ? "synthetic (step index x period; the format records no time)"
                         : "relative (the data's own timestamps; episodes end to end from 0)");
  } else {
    fmt::print("Start:             {} ({})\n", format_time_ns(info.start_ns), info.start_ns);
    fmt::print("End:               {} ({})\n", format_time_ns(info.end_ns), info.end_ns);
  }
  fmt::print("Messages:          {}\n", info.message_count);
  fmt::print("Episodes:          {}\n", info.episodes.size());
  if (info.chunk_count > 0) {
    fmt::print("Chunks:            {}{}\n", info.chunk_count,
               compression.empty() ? "" : " (" + compression + ")");
  }
  fmt::print("Index:             {}\n", info.indexed ? "index used" : "sequential scan");
  if (!info.metadata.empty()) {
    std::string names;
    for (const MetadataRecord& m : info.metadata) names += (names.empty() ? "" : ", ") + m.name;
    fmt::print("Metadata records:  {}\n", names);
  }
  if (!info.attachments.empty()) fmt::print("Attachments:       {}\n", info.attachments.size());
  TextTable table({"topic", "type", "encoding", "count", "role"},
                  {TextTable::Align::kLeft, TextTable::Align::kLeft, TextTable::Align::kLeft,
                   TextTable::Align::kRight, TextTable::Align::kLeft});
  for (const StreamInfo& s : info.streams) {
    const std::string role = resolve_role(s.type, s.topic, roles);
    table.add_row({s.topic, s.type, s.message_encoding, std::to_string(s.message_count),
                   role.empty() ? "-" : role});
  }
  fmt::print("\n{}", table.render(64));
  if (info.episodes.size() > 1) print_episodes(info);
}

}  // namespace

Verb add_info_verb(CLI::App& app, const GlobalOptions& global) {
  struct Args {
    std::string path;
    std::vector<std::string> maps;
  };
  auto args = std::make_shared<Args>();
  CLI::App* command =
      app.add_subcommand("info", "Summarise a recording (topics, types, counts, times)");
  command->add_option("path", args->path, "Recording file or directory")->required();
  command->add_option("--map", args->maps, "Stream role TOPIC=ROLE (repeatable)");
  return {command, [&global, args]() -> Status {
            RoleMap roles;
            for (const std::string& map : args->maps) {
              const std::size_t eq = map.find('=');
              if (eq == std::string::npos || eq == 0) {
                return invalid_argument(fmt::format("--map expects TOPIC=ROLE, found '{}'", map));
              }
              roles[map.substr(0, eq)] = map.substr(eq + 1);
            }
            DiagnosticCollector diagnostics;
            PARITY_ASSIGN_OR_RETURN(auto recording, open_recording(args->path, diagnostics));
            if (global.json) {
              print_json(info_json(recording->info(), roles, diagnostics.diagnostics()));
              return {};
            }
            print_human(recording->info(), roles);
            if (!global.quiet) {
              for (const Diagnostic& d : diagnostics.diagnostics()) {
                std::cerr << "parity: " << severity_name(d.severity) << ": " << d.to_string()
                          << '\n';
              }
            }
            return {};
          }};
}

}  // namespace parity::cli
