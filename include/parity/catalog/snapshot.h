// Snapshots: named, frozen selections of episodes (ids, source content hashes, provenance
// files and their hashes), so a training set can be named, reproduced and verified later.
// Created and read through parity::Catalog (catalog.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parity {

// True when `name` matches [A-Za-z0-9._-]+ (the names create_snapshot accepts).
bool is_valid_snapshot_name(std::string_view name);

struct SnapshotInfo {
  std::string name;
  std::string where;  // the selector text as given to create_snapshot
  std::string description;
  std::string created_at;  // ISO-8601 UTC
  std::size_t episode_count = 0;
  std::size_t file_count = 0;  // distinct (file, hash) pairs frozen with the episodes
};

struct SnapshotFile {
  std::string file;       // path recorded in the episode's provenance
  std::string file_hash;  // xxh3-128 hex at snapshot time
  std::uint64_t file_bytes = 0;

  friend bool operator==(const SnapshotFile&, const SnapshotFile&) = default;
};

struct SnapshotEpisode {
  std::string episode_id;
  std::string source_id;
  std::string content_hash;         // the source's content hash at snapshot time
  std::vector<SnapshotFile> files;  // provenance files of this episode, sorted by path
};

struct SnapshotDetail {
  SnapshotInfo info;
  std::vector<SnapshotEpisode> episodes;  // sorted by episode id
  std::vector<SnapshotFile> files;        // distinct (file, hash) pairs, sorted
};

enum class FileState : std::uint8_t {
  kOk,          // re-hashed to the frozen hash
  kChanged,     // exists but hashes differently
  kMissing,     // no longer exists
  kUnreadable,  // exists but could not be read (see message)
};

// "ok" | "changed" | "missing" | "unreadable".
std::string_view file_state_name(FileState state);

struct FileVerification {
  std::string file;
  FileState state = FileState::kOk;
  std::string expected_hash;
  std::string found_hash;  // "" unless the file could be hashed
  std::uint64_t expected_bytes = 0;
  std::string message;  // the I/O error for kUnreadable, else ""
};

struct SnapshotVerification {
  std::string name;
  bool ok = false;                      // every file kOk and every episode still in the catalog
  std::vector<FileVerification> files;  // one per SnapshotDetail::files entry, same order
  std::size_t episode_count = 0;
  std::vector<std::string> missing_episode_ids;  // frozen episodes no longer in the catalog
};

}  // namespace parity
