// `parity snapshot create | ls | show | verify`: named, frozen, verifiable selections.
#include <fmt/format.h>

#include "cli/context.h"
#include "parity/report/table.h"

namespace parity::cli {
namespace {

nlohmann::json info_json(const SnapshotInfo& info) {
  return {{"name", info.name},
          {"where", info.where},
          {"description", info.description},
          {"created_at", info.created_at},
          {"episode_count", info.episode_count},
          {"file_count", info.file_count}};
}

nlohmann::json files_json(const std::vector<SnapshotFile>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const SnapshotFile& f : files) {
    out.push_back({{"file", f.file}, {"file_hash", f.file_hash}, {"file_bytes", f.file_bytes}});
  }
  return out;
}

Verb create_verb(CLI::App& parent, const GlobalOptions& global) {
  struct Args {
    std::string name, where, description;
  };
  auto args = std::make_shared<Args>();
  CLI::App* command = parent.add_subcommand("create", "Freeze the selected episodes under a name");
  command->add_option("name", args->name, "Snapshot name ([A-Za-z0-9._-]+)")->required();
  command->add_option("-w,--where", args->where, "Selector of the episodes to freeze")->required();
  command->add_option("-d,--description", args->description, "What this snapshot is for");
  return {command, [&global, args]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(
                const SnapshotInfo info,
                catalog->create_snapshot(args->name, args->where, args->description));
            if (global.json) {
              print_json(info_json(info));
            } else {
              fmt::print("Created snapshot '{}': {} episodes, {} files (use it as snapshot:{})\n",
                         info.name, info.episode_count, info.file_count, info.name);
            }
            return {};
          }};
}

Verb list_verb(CLI::App& parent, const GlobalOptions& global) {
  CLI::App* command = parent.add_subcommand("ls", "List snapshots");
  return {command, [&global]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(const auto snapshots, catalog->list_snapshots());
            if (global.json) {
              nlohmann::json out = nlohmann::json::array();
              for (const SnapshotInfo& s : snapshots) out.push_back(info_json(s));
              print_json(out);
              return {};
            }
            TextTable table(
                {"name", "episodes", "files", "created", "where"},
                {TextTable::Align::kLeft, TextTable::Align::kRight, TextTable::Align::kRight,
                 TextTable::Align::kLeft, TextTable::Align::kLeft});
            for (const SnapshotInfo& s : snapshots) {
              table.add_row({s.name, std::to_string(s.episode_count), std::to_string(s.file_count),
                             s.created_at, s.where});
            }
            fmt::print("{}", table.render(60));
            return {};
          }};
}

Verb show_verb(CLI::App& parent, const GlobalOptions& global) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand("show", "Show a snapshot's episodes and files");
  command->add_option("name", *name, "Snapshot name")->required();
  return {command, [&global, name]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(const SnapshotDetail detail, catalog->get_snapshot(*name));
            if (global.json) {
              nlohmann::json episodes = nlohmann::json::array();
              for (const SnapshotEpisode& e : detail.episodes) {
                episodes.push_back({{"id", e.episode_id},
                                    {"source_id", e.source_id},
                                    {"content_hash", e.content_hash},
                                    {"files", files_json(e.files)}});
              }
              nlohmann::json out = info_json(detail.info);
              out["episodes"] = episodes;
              out["files"] = files_json(detail.files);
              print_json(out);
              return {};
            }
            fmt::print("snapshot  {}\nwhere     {}\ncreated   {}\n", detail.info.name,
                       detail.info.where, detail.info.created_at);
            if (!detail.info.description.empty())
              fmt::print("about     {}\n", detail.info.description);
            fmt::print("\n{} episodes:\n", detail.episodes.size());
            for (const SnapshotEpisode& e : detail.episodes) fmt::print("  {}\n", e.episode_id);
            fmt::print("\n{} files:\n", detail.files.size());
            for (const SnapshotFile& f : detail.files)
              fmt::print("  {}  {}\n", f.file_hash, f.file);
            return {};
          }};
}

Verb verify_verb(CLI::App& parent, const GlobalOptions& global) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand(
      "verify", "Re-hash a snapshot's files; exit 5 when any changed or vanished");
  command->add_option("name", *name, "Snapshot name")->required();
  return {command, [&global, name]() -> Status {
            PARITY_ASSIGN_OR_RETURN(auto catalog, open_catalog(global));
            PARITY_ASSIGN_OR_RETURN(const SnapshotVerification v, catalog->verify_snapshot(*name));
            std::size_t bad = 0;
            for (const FileVerification& f : v.files) bad += f.state == FileState::kOk ? 0 : 1;
            if (global.json) {
              nlohmann::json files = nlohmann::json::array();
              for (const FileVerification& f : v.files) {
                files.push_back({{"file", f.file},
                                 {"state", std::string(file_state_name(f.state))},
                                 {"expected_hash", f.expected_hash},
                                 {"found_hash", f.found_hash},
                                 {"message", f.message}});
              }
              print_json({{"name", v.name},
                          {"ok", v.ok},
                          {"episode_count", v.episode_count},
                          {"missing_episode_ids", v.missing_episode_ids},
                          {"files", files}});
            } else {
              for (const FileVerification& f : v.files) {
                fmt::print(
                    "{:<10} {}{}\n", file_state_name(f.state), f.file,
                    f.state == FileState::kChanged
                        ? fmt::format("  (expected {}, found {})", f.expected_hash, f.found_hash)
                        : "");
              }
              fmt::print(
                  "{}: {} files, {} changed or missing; {} episodes, {} missing from the catalog\n",
                  v.ok ? "ok" : "FAILED", v.files.size(), bad, v.episode_count,
                  v.missing_episode_ids.size());
            }
            if (!v.ok) {
              return failed_precondition(
                  fmt::format("snapshot '{}' does not verify: {} of {} files changed or missing, "
                              "{} episodes missing",
                              v.name, bad, v.files.size(), v.missing_episode_ids.size()));
            }
            return {};
          }};
}

}  // namespace

std::vector<Verb> add_snapshot_verbs(CLI::App& app, const GlobalOptions& global) {
  CLI::App* snapshot = app.add_subcommand("snapshot", "Named, frozen selections of episodes");
  snapshot->require_subcommand(1);
  return {create_verb(*snapshot, global), list_verb(*snapshot, global),
          show_verb(*snapshot, global), verify_verb(*snapshot, global)};
}

}  // namespace parity::cli
