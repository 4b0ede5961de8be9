// Catalog snapshots: create, list, show, verify (snapshot.h, docs/catalog.md "Snapshots").
#include "parity/catalog/snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "catalog/episode_query.h"
#include "catalog/sqlite_statement.h"
#include "parity/catalog/catalog.h"
#include "parity/catalog/selector.h"
#include "parity/core/hash.h"

namespace parity {
namespace {

using sqlite::Statement;
using sqlite::Transaction;

constexpr const char* kSnapshotInfoQuery =
    "SELECT s.name, s.where_expr, s.description, s.created_at, s.episode_count, "
    "(SELECT count(*) FROM (SELECT DISTINCT f.file, f.file_hash FROM snapshot_files f "
    "WHERE f.snapshot = s.name)) FROM snapshots s";

SnapshotInfo read_info(const Statement& stmt) {
  SnapshotInfo info;
  info.name = stmt.text(0);
  info.where = stmt.text(1);
  info.description = stmt.text(2);
  info.created_at = stmt.text(3);
  info.episode_count = static_cast<std::size_t>(std::max<std::int64_t>(0, stmt.int64(4)));
  info.file_count = static_cast<std::size_t>(std::max<std::int64_t>(0, stmt.int64(5)));
  return info;
}

Result<std::optional<SnapshotInfo>> find_snapshot(sqlite3* db, const std::string& name) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, Statement::prepare(db, std::string(kSnapshotInfoQuery) + " WHERE s.name = ?"));
  stmt.bind(1, std::string_view(name));
  PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return std::optional<SnapshotInfo>();
  return std::optional<SnapshotInfo>(read_info(stmt));
}

Status no_such_snapshot(const std::string& name) {
  return not_found(fmt::format("no snapshot named '{}' (see `parity snapshot list`)", name));
}

}  // namespace

bool is_valid_snapshot_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string_view file_state_name(FileState state) {
  switch (state) {
    case FileState::kOk: return "ok";
    case FileState::kChanged: return "changed";
    case FileState::kMissing: return "missing";
    case FileState::kUnreadable: return "unreadable";
  }
  return "unknown";
}

Result<SnapshotInfo> Catalog::create_snapshot(const std::string& name, const std::string& where,
                                              const std::string& description) {
  if (!is_valid_snapshot_name(name)) {
    return invalid_argument(
        fmt::format("snapshot name '{}' is invalid: expected [A-Za-z0-9._-]+", name));
  }
  PARITY_ASSIGN_OR_RETURN(const auto ast, parse_selector(where));
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kWrite));
  PARITY_ASSIGN_OR_RETURN(const auto existing, find_snapshot(db_, name));
  if (existing) {
    return already_exists(fmt::format("snapshot '{}' already exists (created {}, where '{}')", name,
                                      existing->created_at, existing->where));
  }
  PARITY_ASSIGN_OR_RETURN(const auto clause,
                          catalog_detail::episode_where(db_, *ast, /*include_superseded=*/false));

  PARITY_ASSIGN_OR_RETURN(
      auto insert, Statement::prepare(db_,
                                      "INSERT INTO snapshots (name, where_expr, description, "
                                      "created_at, episode_count) VALUES (?, ?, ?, ?, 0)"));
  insert.bind(1, std::string_view(name));
  insert.bind(2, std::string_view(where));
  insert.bind(3, std::string_view(description));
  insert.bind(4, std::string_view(now_utc()));
  PARITY_RETURN_IF_ERROR(insert.run());

  PARITY_ASSIGN_OR_RETURN(
      auto freeze, Statement::prepare(
                       db_,
                       "INSERT INTO snapshot_episodes (snapshot, episode_id, source_id, "
                       "content_hash) SELECT ?, e.id, e.source_id, s.content_hash FROM episodes e "
                       "JOIN sources s ON s.id = e.source_id WHERE " +
                           clause.sql));
  freeze.bind(1, std::string_view(name));
  catalog_detail::bind_params(freeze, 2, clause.params);
  PARITY_RETURN_IF_ERROR(freeze.run());
  const auto episode_count = static_cast<std::int64_t>(sqlite3_changes64(db_));
  if (episode_count == 0) {
    return invalid_argument(fmt::format(
        "snapshot '{}': the selector '{}' selects no episodes; a snapshot needs at least one", name,
        where));
  }

  PARITY_ASSIGN_OR_RETURN(
      auto files,
      Statement::prepare(db_,
                         "INSERT OR IGNORE INTO snapshot_files (snapshot, episode_id, file, "
                         "file_hash, file_bytes) SELECT se.snapshot, p.episode_id, p.file, "
                         "p.file_hash, p.file_bytes FROM snapshot_episodes se JOIN provenance p "
                         "ON p.episode_id = se.episode_id WHERE se.snapshot = ?"));
  files.bind(1, std::string_view(name));
  PARITY_RETURN_IF_ERROR(files.run());

  PARITY_ASSIGN_OR_RETURN(
      auto count, Statement::prepare(db_, "UPDATE snapshots SET episode_count = ? WHERE name = ?"));
  count.bind(1, episode_count);
  count.bind(2, std::string_view(name));
  PARITY_RETURN_IF_ERROR(count.run());

  PARITY_ASSIGN_OR_RETURN(const auto created, find_snapshot(db_, name));
  PARITY_RETURN_IF_ERROR(txn.commit());
  if (!created) return internal_error(fmt::format("snapshot '{}' vanished while created", name));
  return *created;
}

Result<std::vector<SnapshotInfo>> Catalog::list_snapshots() const {
  PARITY_ASSIGN_OR_RETURN(auto stmt, Statement::prepare(db_, std::string(kSnapshotInfoQuery) +
                                                                 " ORDER BY s.created_at, s.name"));
  std::vector<SnapshotInfo> snapshots;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    snapshots.push_back(read_info(stmt));
  }
  return snapshots;
}

Result<SnapshotDetail> Catalog::get_snapshot(const std::string& name) const {
  PARITY_ASSIGN_OR_RETURN(auto txn, Transaction::begin(db_, Transaction::Mode::kRead));
  PARITY_ASSIGN_OR_RETURN(auto info, find_snapshot(db_, name));
  if (!info) return no_such_snapshot(name);
  SnapshotDetail detail;
  detail.info = std::move(*info);

  PARITY_ASSIGN_OR_RETURN(
      auto episodes,
      Statement::prepare(db_,
                         "SELECT episode_id, source_id, content_hash FROM "
                         "snapshot_episodes WHERE snapshot = ? ORDER BY episode_id"));
  episodes.bind(1, std::string_view(name));
  std::map<std::string, std::size_t> by_id;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, episodes.step());
    if (!row) break;
    by_id[episodes.text(0)] = detail.episodes.size();
    detail.episodes.push_back({episodes.text(0), episodes.text(1), episodes.text(2), {}});
  }

  PARITY_ASSIGN_OR_RETURN(
      auto files, Statement::prepare(db_,
                                     "SELECT episode_id, file, file_hash, file_bytes FROM "
                                     "snapshot_files WHERE snapshot = ? ORDER BY file, file_hash, "
                                     "episode_id"));
  files.bind(1, std::string_view(name));
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, files.step());
    if (!row) break;
    const std::int64_t bytes = files.int64(3);
    if (bytes < 0) {
      return corrupt(
          fmt::format("snapshot '{}': file {} has a negative size {}", name, files.text(1), bytes));
    }
    SnapshotFile file{files.text(1), files.text(2), static_cast<std::uint64_t>(bytes)};
    if (const auto it = by_id.find(files.text(0)); it != by_id.end()) {
      detail.episodes[it->second].files.push_back(file);
    }
    if (detail.files.empty() || detail.files.back().file != file.file ||
        detail.files.back().file_hash != file.file_hash) {
      detail.files.push_back(std::move(file));
    }
  }
  PARITY_RETURN_IF_ERROR(txn.commit());
  return detail;
}

Result<SnapshotVerification> Catalog::verify_snapshot(const std::string& name) const {
  PARITY_ASSIGN_OR_RETURN(const SnapshotDetail detail, get_snapshot(name));
  SnapshotVerification verification;
  verification.name = name;
  verification.episode_count = detail.episodes.size();

  std::map<std::string, Result<Hash128>> hashes;  // each distinct path is read once
  for (const SnapshotFile& file : detail.files) {
    auto it = hashes.find(file.file);
    if (it == hashes.end()) it = hashes.emplace(file.file, hash_file(file.file)).first;
    FileVerification check;
    check.file = file.file;
    check.expected_hash = file.file_hash;
    check.expected_bytes = file.file_bytes;
    const Result<Hash128>& hash = it->second;
    if (hash.ok()) {
      check.found_hash = hash->to_hex();
      check.state = check.found_hash == file.file_hash ? FileState::kOk : FileState::kChanged;
    } else if (hash.status().code() == StatusCode::kNotFound) {
      check.state = FileState::kMissing;
    } else {
      check.state = FileState::kUnreadable;
      check.message = hash.status().message();
    }
    verification.files.push_back(std::move(check));
  }

  PARITY_ASSIGN_OR_RETURN(
      auto missing, Statement::prepare(db_,
                                       "SELECT se.episode_id FROM snapshot_episodes se WHERE "
                                       "se.snapshot = ? AND NOT EXISTS (SELECT 1 FROM episodes e "
                                       "WHERE e.id = se.episode_id) ORDER BY se.episode_id"));
  missing.bind(1, std::string_view(name));
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, missing.step());
    if (!row) break;
    verification.missing_episode_ids.push_back(missing.text(0));
  }
  verification.ok =
      verification.missing_episode_ids.empty() &&
      std::all_of(verification.files.begin(), verification.files.end(),
                  [](const FileVerification& f) { return f.state == FileState::kOk; });
  return verification;
}

}  // namespace parity
