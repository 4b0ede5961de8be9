// ROS 2 bags with the sqlite3 storage plugin (rosbag2_storage_default_plugins, `.db3` files)
// behind the generic parity::Recording contract (parity/formats/recording.h). Layout and
// mapping: docs/formats/rosbag2-sqlite.md.
//
// Accepted inputs:
//  - a bag directory with metadata.yaml (`storage_identifier: sqlite3`) and the .db3 files its
//    `relative_file_paths` list, read in that order as one recording;
//  - a directory without metadata.yaml whose .db3 files form one split series
//    <name>_0.db3, <name>_1.db3, ... (numbers without leading zeros);
//  - a lone .db3 file (SQLite magic and the tables `topics` and `messages`).
// Files are opened read-only (`mode=ro&immutable=1`) and never modified.
//
// Streams: one per distinct (topic name, type, serialization format) over all files, ids dense
// in order of first appearance. message_encoding = serialization_format ("cdr"); schema from the
// `message_definitions` table when it has the type (schema_encoding "ros2msg" or "ros2idl" as
// stored), else Parity's bundled definition (ros2::ros2msg_definition()), else none (decoding
// then fails with kUnsupported naming the type). Stream metadata: "offered_qos_profiles",
// "type_description_hash" (when non-empty) and "schema_source" ("message_definitions",
// "built-in" or "none").
//
// Counts and time ranges come from SQL aggregates over `messages` (no blob is read). Format
// "rosbag2-sqlite3", profile "ros2", library "rosbag2 (sqlite3)"; a MetadataRecord "rosbag2"
// holds the metadata.yaml facts (ros_distro, version, duration_ns, ...) and the `schema` table's
// schema_version. One episode.
//
// MessageView: log_time_ns = publish_time_ns = the `timestamp` column; file_offset = the
// message's row id in its file's `messages` table (not a byte offset); sequence = 0.
// read_messages(): file order = files in order, rows by id; log-time order = rows by
// (timestamp, id), merged across files (ties go to the earlier file). on_progress receives
// bytes estimated from the row position (each row of a file counts file_size / file_rows).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/recording.h"

namespace parity::rosbag2 {

// The 16-byte SQLite 3 file header string, "SQLite format 3" and a NUL (SQLite file format,
// section 1.3 "The Database Header", offset 0).
inline constexpr std::array<std::uint8_t, 16> kSqliteMagic = {
    'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

// True when `head` starts with kSqliteMagic (at least 16 bytes are needed).
bool has_sqlite_magic(std::span<const std::uint8_t> head);

// True when `path` is a directory open_rosbag2_sqlite() accepts: metadata.yaml with storage
// sqlite3, or (no metadata.yaml) a <name>_N.db3 series. Cheap: reads metadata.yaml and lists the
// directory, opens no database.
bool is_rosbag2_sqlite_dir(const std::filesystem::path& path);

// True when `path` is a regular file with the SQLite magic whose schema has the tables `topics`
// and `messages` (opens the database read-only and queries sqlite_master only). A Parity catalog
// or any other SQLite database is not a bag.
bool is_rosbag2_sqlite_file(const std::filesystem::path& path);

// Opens a bag directory or a lone .db3 file. `diagnostics` must outlive the recording and
// receives: a metadata.yaml message count that disagrees with the files, messages whose topic_id
// is not in `topics` (skipped), a missing message definition resolved from the bundled ones.
// Errors (each naming the path): kNotFound (no such path, a listed file missing), kUnsupported
// (a directory that is no sqlite3 bag, another storage, compressed bags, a valid SQLite file
// without the rosbag2 tables), kCorrupt (bad metadata.yaml, a damaged or truncated .db3: the
// message includes SQLite's own), kIoError.
Result<std::unique_ptr<Recording>> open_rosbag2_sqlite(const std::filesystem::path& path,
                                                       DiagnosticSink& diagnostics);

}  // namespace parity::rosbag2
