#include "parity/formats/rosbag2/rosbag2_sqlite.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "formats/rosbag2/sqlite_db.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/split_series.h"
#include "parity/io/byte_source.h"

namespace parity::rosbag2 {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kFormat = "rosbag2-sqlite3";
constexpr std::string_view kLibrary = "rosbag2 (sqlite3)";
// Rows between two on_progress calls.
constexpr std::uint64_t kProgressEveryRows = 256;

// ------------------------------------------------------------------------ metadata.yaml

struct BagMetadata {
  std::vector<fs::path> files;
  std::optional<std::uint64_t> message_count;  // rosbag2_bagfile_information.message_count
  std::map<std::string, std::string> entries;  // for the "rosbag2" MetadataRecord
};

std::string scalar_or_empty(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return {};
  return node.as<std::string>();
}

// Fills `entries` from a rosbag2_bagfile_information map (metadata.yaml, or the YAML copy the
// sqlite3 plugin keeps in its `metadata` table).
void read_bag_information(const YAML::Node& info, std::map<std::string, std::string>& entries,
                          std::optional<std::uint64_t>& message_count) {
  const auto put = [&](const char* key, const YAML::Node& node) {
    std::string value = scalar_or_empty(node);
    if (!value.empty()) entries[key] = std::move(value);
  };
  put("version", info["version"]);
  put("storage_identifier", info["storage_identifier"]);
  put("ros_distro", info["ros_distro"]);
  put("compression_format", info["compression_format"]);
  put("compression_mode", info["compression_mode"]);
  if (info["duration"]) put("duration_ns", info["duration"]["nanoseconds"]);
  if (info["starting_time"]) {
    put("starting_time_ns", info["starting_time"]["nanoseconds_since_epoch"]);
  }
  put("message_count", info["message_count"]);
  const YAML::Node custom = info["custom_data"];
  if (custom && custom.IsMap()) {
    for (const auto& item : custom) {
      const std::string key = scalar_or_empty(item.first);
      const std::string value = scalar_or_empty(item.second);
      if (!key.empty()) entries["custom_data." + key] = value;
    }
  }
  if (info["message_count"] && info["message_count"].IsScalar()) {
    message_count = info["message_count"].as<std::uint64_t>();
  }
}

Result<BagMetadata> read_metadata_yaml(const fs::path& dir, const fs::path& yaml_path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(yaml_path.string());
  } catch (const std::exception& e) {
    return corrupt(fmt::format("{}: cannot parse YAML: {}", yaml_path.string(), e.what()));
  }
  BagMetadata out;
  try {
    const YAML::Node info = root["rosbag2_bagfile_information"];
    if (!info || !info.IsMap()) {
      return unsupported(
          fmt::format("{}: no 'rosbag2_bagfile_information' map: not a rosbag2 metadata file",
                      yaml_path.string()));
    }
    const std::string storage = scalar_or_empty(info["storage_identifier"]);
    if (storage != "sqlite3") {
      return unsupported(
          fmt::format("{}: rosbag2 storage '{}' is not sqlite3", yaml_path.string(), storage));
    }
    const std::string compression_mode = scalar_or_empty(info["compression_mode"]);
    if (!compression_mode.empty() && compression_mode != "none" && compression_mode != "NONE") {
      return unsupported(fmt::format(
          "{}: rosbag2 compression_mode '{}' (compressed files or messages) is not supported",
          yaml_path.string(), compression_mode));
    }
    read_bag_information(info, out.entries, out.message_count);
    const YAML::Node paths = info["relative_file_paths"];
    if (!paths || !paths.IsSequence() || paths.size() == 0) {
      return corrupt(
          fmt::format("{}: 'relative_file_paths' is missing or empty", yaml_path.string()));
    }
    for (const YAML::Node& node : paths) {
      const fs::path relative = node.as<std::string>();
      fs::path file = dir / relative;
      std::error_code ec;
      // Old rosbag2 versions wrote "<bag dir>/<file>": fall back to the file name.
      if (!fs::is_regular_file(file, ec) && fs::is_regular_file(dir / relative.filename(), ec)) {
        file = dir / relative.filename();
      }
      if (!fs::is_regular_file(file, ec)) {
        return not_found(fmt::format("{}: listed file '{}' does not exist", yaml_path.string(),
                                     relative.string()));
      }
      out.files.push_back(file);
    }
  } catch (const std::exception& e) {
    return corrupt(
        fmt::format("{}: unexpected rosbag2 metadata layout: {}", yaml_path.string(), e.what()));
  }
  return out;
}

// A directory without metadata.yaml: its .db3 files must be one <name>_<N>.db3 series.
Result<std::vector<fs::path>> files_from_names(const fs::path& dir) {
  return split_file_series(dir, ".db3", "sqlite3");
}

Result<BagMetadata> bag_directory(const fs::path& dir) {
  std::error_code ec;
  const fs::path yaml = dir / "metadata.yaml";
  if (fs::is_regular_file(yaml, ec)) return read_metadata_yaml(dir, yaml);
  BagMetadata out;
  PARITY_ASSIGN_OR_RETURN(out.files, files_from_names(dir));
  return out;
}

// ------------------------------------------------------------------------ one .db3 file

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Checks the 100-byte SQLite header (SQLite file format, section 1.3): the magic, and that the
// file is as long as the in-header database size says (offset 28, valid when the change
// counter at offset 24 equals the version-valid-for number at offset 92).
Status check_header(const fs::path& path, std::uint64_t* size_bytes) {
  PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  *size_bytes = source->size();
  constexpr std::size_t kHeaderSize = 100;
  if (source->size() < kHeaderSize) {
    return corrupt(
        fmt::format("{}: {} bytes: too short for an SQLite database (the header alone is {} bytes)",
                    path.string(), source->size(), kHeaderSize));
  }
  PARITY_ASSIGN_OR_RETURN(const auto header, source->read_vector(0, kHeaderSize));
  if (!has_sqlite_magic(header)) {
    return corrupt(
        fmt::format("{}: offset 0: expected the SQLite magic \"SQLite format 3\\0\", "
                    "found {:02x}",
                    path.string(), fmt::join(header.begin(), header.begin() + 16, "")));
  }
  const std::uint32_t raw_page_size = (std::uint32_t{header[16]} << 8) | header[17];
  const std::uint64_t page_size = raw_page_size == 1 ? 65536 : raw_page_size;
  const std::uint32_t pages = read_be32(&header[28]);
  const bool size_valid = read_be32(&header[24]) == read_be32(&header[92]) && pages != 0;
  std::error_code ec;
  const bool has_wal = fs::exists(fs::path(path.string() + "-wal"), ec);
  if (size_valid && !has_wal && page_size >= 512 && pages * page_size > source->size()) {
    return corrupt(fmt::format(
        "{}: truncated: the SQLite header declares {} pages of {} bytes ({} bytes), the file "
        "has {} bytes",
        path.string(), pages, page_size, pages * page_size, source->size()));
  }
  return {};
}

struct TopicRow {
  std::int64_t id = 0;
  std::string name;
  std::string type;
  std::string serialization_format;
  std::string offered_qos_profiles;
  std::string type_description_hash;
};

struct Definition {
  std::string encoding;
  std::string text;
};

struct TopicStats {
  std::uint64_t count = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
};

struct BagFile {
  fs::path path;
  SqliteDb db;
  std::uint64_t size_bytes = 0;
  std::uint64_t rows = 0;                           // messages of known topics
  std::map<std::int64_t, std::uint32_t> stream_of;  // topics.id -> index into info.streams
};

Result<std::vector<TopicRow>> read_topics(const SqliteDb& db) {
  PARITY_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT * FROM topics ORDER BY id", "read the topics table"));
  std::vector<TopicRow> topics;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    TopicRow topic;
    bool has_id = false;
    for (int c = 0; c < stmt.column_count(); ++c) {
      const std::string column = stmt.column_name(c);
      if (column == "id") {
        topic.id = stmt.int64(c);
        has_id = true;
      } else if (column == "name") {
        topic.name = stmt.text(c);
      } else if (column == "type") {
        topic.type = stmt.text(c);
      } else if (column == "serialization_format") {
        topic.serialization_format = stmt.text(c);
      } else if (column == "offered_qos_profiles") {
        topic.offered_qos_profiles = stmt.text(c);
      } else if (column == "type_description_hash") {
        topic.type_description_hash = stmt.text(c);
      }
    }
    if (!has_id) return corrupt(fmt::format("{}: the topics table has no 'id' column", db.file()));
    topics.push_back(std::move(topic));
  }
  return topics;
}

// topic_type -> definition, from the optional message_definitions table (rosbag2 Iron and
// later). Rows with encoding "unknown" or an empty text are left out.
Result<std::map<std::string, Definition>> read_definitions(const SqliteDb& db) {
  std::map<std::string, Definition> out;
  PARITY_ASSIGN_OR_RETURN(const bool present, db.has_table("message_definitions"));
  if (!present) return out;
  PARITY_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT topic_type, encoding, encoded_message_definition FROM "
                                     "message_definitions ORDER BY id",
                                     "read the message_definitions table"));
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    Definition definition{stmt.text(1), stmt.text(2)};
    if (definition.text.empty() || definition.encoding.empty() ||
        definition.encoding == "unknown") {
      continue;
    }
    out.emplace(stmt.text(0), std::move(definition));
  }
  return out;
}

Result<std::map<std::int64_t, TopicStats>> read_stats(const SqliteDb& db) {
  PARITY_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT topic_id, COUNT(*), MIN(timestamp), MAX(timestamp) FROM "
                            "messages GROUP BY topic_id",
                            "count the messages per topic"));
  std::map<std::int64_t, TopicStats> out;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) break;
    out[stmt.int64(0)] = {static_cast<std::uint64_t>(stmt.int64(1)), stmt.int64(2), stmt.int64(3)};
  }
  return out;
}

// The `schema` table (schema_version, ros_distro) and the newest YAML in the `metadata` table,
// both optional (rosbag2 Foxy and later write them).
// The copy's message_count is not compared with the file: a split bag's files each carry the
// whole bag's count.
Status read_file_facts(const SqliteDb& db, std::map<std::string, std::string>& entries,
                       DiagnosticSink& diagnostics) {
  PARITY_ASSIGN_OR_RETURN(const bool has_schema, db.has_table("schema"));
  if (has_schema) {
    PARITY_ASSIGN_OR_RETURN(auto stmt,
                            db.prepare("SELECT * FROM schema LIMIT 1", "read the schema table"));
    PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
    for (int c = 0; row && c < stmt.column_count(); ++c) {
      const std::string column = stmt.column_name(c);
      if (column == "schema_version") entries["schema_version"] = stmt.text(c);
      if (column == "ros_distro" && !entries.count("ros_distro")) {
        entries["ros_distro"] = stmt.text(c);
      }
    }
  }
  if (entries.count("version") != 0) return {};  // metadata.yaml was read already
  PARITY_ASSIGN_OR_RETURN(const bool has_metadata, db.has_table("metadata"));
  if (!has_metadata) return {};
  PARITY_ASSIGN_OR_RETURN(auto stmt,
                          db.prepare("SELECT metadata FROM metadata ORDER BY id DESC LIMIT 1",
                                     "read the metadata table"));
  PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
  if (!row) return {};
  try {
    const YAML::Node root = YAML::Load(stmt.text(0));
    const YAML::Node info = root["rosbag2_bagfile_information"];
    std::optional<std::uint64_t> message_count;
    if (info && info.IsMap()) read_bag_information(info, entries, message_count);
  } catch (const std::exception& e) {
    diagnostics.warn(
        db.file(), std::nullopt,
        fmt::format("the metadata table's YAML does not parse ({}); ignored", e.what()));
  }
  return {};
}

std::string join_ids(const std::vector<std::int64_t>& ids) {
  return fmt::format("{}", fmt::join(ids, ","));
}

// ------------------------------------------------------------------------ the recording

// A row of the messages table without its data.
struct RowHead {
  std::int64_t id = 0;
  std::int64_t topic_id = 0;
  std::int64_t timestamp = 0;
};

class Rosbag2SqliteRecording final : public Recording {
 public:
  Rosbag2SqliteRecording(std::vector<BagFile> files, RecordingInfo info)
      : files_(std::move(files)), info_(std::move(info)) {}

  const RecordingInfo& info() const override { return info_; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override {
    if (options.episode && *options.episode != 0) return {};  // one episode: index 0
    if (options.limit && *options.limit == 0) return {};
    if (options.start_ns && options.end_ns && *options.end_ns <= *options.start_ns) return {};
    const std::set<std::string> topics(options.topics.begin(), options.topics.end());
    Progress progress(files_, options.on_progress, info_.size_bytes);
    std::uint64_t delivered = 0;
    const auto done = [&] { return options.limit && delivered >= *options.limit; };
    const auto deliver = [&](std::size_t file, const RowHead& head,
                             std::span<const std::uint8_t> data) -> Status {
      const auto stream = files_[file].stream_of.find(head.topic_id);
      if (stream == files_[file].stream_of.end()) return {};  // excluded by the SQL filter
      MessageView view;
      view.stream = &info_.streams[stream->second];
      view.log_time_ns = head.timestamp;
      view.publish_time_ns = head.timestamp;
      view.data = data;
      view.file_index = file;
      view.file_offset = static_cast<std::uint64_t>(head.id);
      ++delivered;
      return on_message(view);
    };

    std::vector<std::optional<SqliteStatement>> cursors(files_.size());
    for (std::size_t i = 0; i < files_.size(); ++i) {
      std::vector<std::int64_t> ids;
      for (const auto& [topic_id, stream] : files_[i].stream_of) {
        if (topics.empty() || topics.count(info_.streams[stream].topic) != 0) {
          ids.push_back(topic_id);
        }
      }
      if (ids.empty()) continue;
      // File order scans the table by rowid; the unary + keeps the planner off timestamp_idx
      // (which would need a sort of whole rows). Log-time order walks timestamp_idx and reads
      // each row's data separately, so no sorter ever holds message data.
      const bool by_time = options.log_time_order;
      std::string sql = by_time ? "SELECT id, topic_id, timestamp FROM messages"
                                : "SELECT id, topic_id, timestamp, data FROM messages";
      sql += fmt::format(" WHERE topic_id IN ({})", join_ids(ids));
      if (options.start_ns) sql += by_time ? " AND timestamp >= ?1" : " AND +timestamp >= ?1";
      if (options.end_ns) sql += by_time ? " AND timestamp < ?2" : " AND +timestamp < ?2";
      sql += by_time ? " ORDER BY timestamp, id" : " ORDER BY id";
      PARITY_ASSIGN_OR_RETURN(auto stmt, files_[i].db.prepare(sql, "read the messages table"));
      if (options.start_ns) PARITY_RETURN_IF_ERROR(stmt.bind_int64(1, *options.start_ns));
      if (options.end_ns) PARITY_RETURN_IF_ERROR(stmt.bind_int64(2, *options.end_ns));
      cursors[i] = std::move(stmt);
    }
    const auto step = [&](std::size_t i, RowHead& head) -> Result<bool> {
      Result<bool> row = cursors[i]->step();
      if (!row.ok()) {
        return Status(row.status().code(),
                      fmt::format("{} (after row {})", row.status().message(), head.id));
      }
      if (!*row) return false;
      head = {cursors[i]->int64(0), cursors[i]->int64(1), cursors[i]->int64(2)};
      progress.row(i);
      return true;
    };

    if (!options.log_time_order) {
      for (std::size_t i = 0; i < files_.size() && !done(); ++i) {
        if (!cursors[i]) continue;
        RowHead head;
        while (!done()) {
          PARITY_ASSIGN_OR_RETURN(const bool row, step(i, head));
          if (!row) break;
          PARITY_RETURN_IF_ERROR(deliver(i, head, cursors[i]->blob(3)));
        }
      }
      progress.finish();
      return {};
    }

    std::vector<std::optional<SqliteStatement>> fetch(files_.size());
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (!cursors[i]) continue;
      PARITY_ASSIGN_OR_RETURN(fetch[i], files_[i].db.prepare("SELECT data FROM messages WHERE "
                                                             "id = ?1",
                                                             "read a message's data"));
    }
    const auto deliver_fetched = [&](std::size_t i, const RowHead& head) -> Status {
      SqliteStatement& stmt = *fetch[i];
      stmt.reset();
      PARITY_RETURN_IF_ERROR(stmt.bind_int64(1, head.id));
      PARITY_ASSIGN_OR_RETURN(const bool row, stmt.step());
      if (!row) {
        return corrupt(fmt::format("{}: row {}: message vanished between index and table",
                                   files_[i].path.string(), head.id));
      }
      return deliver(i, head, stmt.blob(0));
    };
    // k-way merge of the files' (timestamp, id)-ordered cursors; ties go to the earlier file.
    std::vector<RowHead> heads(files_.size());
    std::vector<std::size_t> heap;
    const auto later = [&](std::size_t a, std::size_t b) {
      return heads[a].timestamp != heads[b].timestamp ? heads[a].timestamp > heads[b].timestamp
                                                      : a > b;
    };
    for (std::size_t i = 0; i < files_.size(); ++i) {
      if (!cursors[i]) continue;
      PARITY_ASSIGN_OR_RETURN(const bool row, step(i, heads[i]));
      if (row) heap.push_back(i);
    }
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty() && !done()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const std::size_t i = heap.back();
      heap.pop_back();
      PARITY_RETURN_IF_ERROR(deliver_fetched(i, heads[i]));
      PARITY_ASSIGN_OR_RETURN(const bool row, step(i, heads[i]));
      if (row) {
        heap.push_back(i);
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    progress.finish();
    return {};
  }

 private:
  // Reports (estimated bytes consumed, total bytes): each row stepped over in file i counts
  // size_bytes(i) / rows(i).
  class Progress {
   public:
    Progress(const std::vector<BagFile>& files,
             const std::function<void(std::uint64_t, std::uint64_t)>& callback, std::uint64_t total)
        : files_(files), callback_(callback), total_(total), rows_(files.size(), 0) {}

    void row(std::size_t file) {
      if (!callback_) return;
      ++rows_[file];
      if (++since_report_ < kProgressEveryRows) return;
      since_report_ = 0;
      report();
    }
    void finish() {
      if (callback_) callback_(total_, total_);
    }

   private:
    void report() {
      std::uint64_t sum = 0;
      for (std::size_t i = 0; i < files_.size(); ++i) {
        const BagFile& f = files_[i];
        if (f.rows == 0) continue;
        const double share =
            std::min(1.0, static_cast<double>(rows_[i]) / static_cast<double>(f.rows));
        sum += static_cast<std::uint64_t>(share * static_cast<double>(f.size_bytes));
      }
      callback_(std::min(sum, total_), total_);
    }

    const std::vector<BagFile>& files_;
    const std::function<void(std::uint64_t, std::uint64_t)>& callback_;
    std::uint64_t total_;
    std::vector<std::uint64_t> rows_;
    std::uint64_t since_report_ = 0;
  };

  std::vector<BagFile> files_;
  RecordingInfo info_;
};

// Opens one .db3 file and checks it is a rosbag2 database. `listed`: the file was named by a
// bag directory (a missing table is then damage, kCorrupt) rather than given alone
// (kUnsupported).
Result<BagFile> open_bag_file(const fs::path& path, bool listed) {
  BagFile file;
  file.path = path;
  PARITY_RETURN_IF_ERROR(check_header(path, &file.size_bytes));
  PARITY_ASSIGN_OR_RETURN(file.db, SqliteDb::open_read_only(path));
  for (const char* table : {"topics", "messages"}) {
    PARITY_ASSIGN_OR_RETURN(const bool present, file.db.has_table(table));
    if (!present) {
      return Status(listed ? StatusCode::kCorrupt : StatusCode::kUnsupported,
                    fmt::format("{}: SQLite database without a '{}' table: not a rosbag2 "
                                "sqlite3 bag",
                                path.string(), table));
    }
  }
  return file;
}

Result<std::unique_ptr<Recording>> open_files(std::vector<fs::path> paths, BagMetadata metadata,
                                              bool listed, DiagnosticSink& diagnostics) {
  RecordingInfo info;
  info.format = kFormat;
  info.profile = "ros2";
  info.library = kLibrary;
  info.indexed = true;
  std::vector<BagFile> files;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint32_t> by_key;
  bool any_message = false;
  for (const fs::path& path : paths) {
    PARITY_ASSIGN_OR_RETURN(BagFile file, open_bag_file(path, listed));
    PARITY_RETURN_IF_ERROR(read_file_facts(file.db, metadata.entries, diagnostics));
    PARITY_ASSIGN_OR_RETURN(const auto topics, read_topics(file.db));
    PARITY_ASSIGN_OR_RETURN(const auto definitions, read_definitions(file.db));
    PARITY_ASSIGN_OR_RETURN(const auto stats, read_stats(file.db));
    for (const TopicRow& topic : topics) {
      const auto key = std::make_tuple(topic.name, topic.type, topic.serialization_format);
      auto found = by_key.find(key);
      std::uint32_t index;
      if (found != by_key.end()) {
        index = found->second;
      } else {
        index = static_cast<std::uint32_t>(info.streams.size());
        by_key.emplace(key, index);
        StreamInfo stream;
        stream.id = index;
        stream.topic = topic.name;
        stream.type = topic.type;
        stream.message_encoding = topic.serialization_format;
        if (!topic.offered_qos_profiles.empty()) {
          stream.metadata["offered_qos_profiles"] = topic.offered_qos_profiles;
        }
        if (!topic.type_description_hash.empty()) {
          stream.metadata["type_description_hash"] = topic.type_description_hash;
        }
        const auto definition = definitions.find(topic.type);
        const std::string_view bundled = ros2::ros2msg_definition(topic.type);
        if (definition != definitions.end()) {
          stream.schema_encoding = definition->second.encoding;
          stream.schema = definition->second.text;
          stream.metadata["schema_source"] = "message_definitions";
        } else if (!bundled.empty()) {
          stream.schema_encoding = "ros2msg";
          stream.schema = std::string(bundled);
          stream.metadata["schema_source"] = "built-in";
        } else {
          stream.metadata["schema_source"] = "none";
        }
        info.streams.push_back(std::move(stream));
      }
      file.stream_of[topic.id] = index;
    }
    for (const auto& [topic_id, stat] : stats) {
      const auto it = file.stream_of.find(topic_id);
      if (it == file.stream_of.end()) {
        diagnostics.warn(path.string(), std::nullopt,
                         fmt::format("{} messages have topic_id {}, which is not in the topics "
                                     "table; they are skipped",
                                     stat.count, topic_id));
        continue;
      }
      StreamInfo& stream = info.streams[it->second];
      if (stream.message_count == 0 || stat.min_ns < stream.start_ns) stream.start_ns = stat.min_ns;
      if (stream.message_count == 0 || stat.max_ns > stream.end_ns) stream.end_ns = stat.max_ns;
      stream.message_count += stat.count;
      if (!any_message || stat.min_ns < info.start_ns) info.start_ns = stat.min_ns;
      if (!any_message || stat.max_ns > info.end_ns) info.end_ns = stat.max_ns;
      any_message = true;
      info.message_count += stat.count;
      file.rows += stat.count;
    }
    info.files.push_back(path);
    info.size_bytes += file.size_bytes;
    files.push_back(std::move(file));
  }
  if (metadata.message_count && *metadata.message_count != info.message_count) {
    diagnostics.warn(info.files.front().string(), std::nullopt,
                     fmt::format("rosbag2 metadata says {} messages, the .db3 files hold {}",
                                 *metadata.message_count, info.message_count));
  }
  for (const StreamInfo& stream : info.streams) {
    if (stream.metadata.at("schema_source") == "none") {
      diagnostics.warn(info.files.front().string(), std::nullopt,
                       fmt::format("topic {}: no message definition for type '{}' in the bag "
                                   "and none bundled with Parity; its messages cannot be decoded",
                                   stream.topic, stream.type));
    }
  }
  metadata.entries.erase("message_count");
  info.metadata.push_back({"rosbag2", std::move(metadata.entries)});
  info.episodes.push_back(whole_recording_episode(info));
  return std::unique_ptr<Recording>(new Rosbag2SqliteRecording(std::move(files), std::move(info)));
}

}  // namespace

bool has_sqlite_magic(std::span<const std::uint8_t> head) {
  return head.size() >= kSqliteMagic.size() &&
         std::equal(kSqliteMagic.begin(), kSqliteMagic.end(), head.begin());
}

bool is_rosbag2_sqlite_dir(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return false;
  return bag_directory(path).ok();
}

bool is_rosbag2_sqlite_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::uint64_t size = 0;
  if (!check_header(path, &size).ok()) return false;
  return open_bag_file(path, /*listed=*/false).ok();
}

Result<std::unique_ptr<Recording>> open_rosbag2_sqlite(const fs::path& path,
                                                       DiagnosticSink& diagnostics) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  if (fs::is_directory(status)) {
    PARITY_ASSIGN_OR_RETURN(BagMetadata metadata, bag_directory(path));
    std::vector<fs::path> files = std::move(metadata.files);
    return open_files(std::move(files), std::move(metadata), /*listed=*/true, diagnostics);
  }
  return open_files({path}, BagMetadata{}, /*listed=*/false, diagnostics);
}

}  // namespace parity::rosbag2
