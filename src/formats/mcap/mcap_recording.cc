#include "parity/formats/mcap/mcap_recording.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "parity/formats/split_series.h"
#include "parity/io/byte_source.h"

namespace parity::mcap {
namespace fs = std::filesystem;

namespace {

struct Part {
  fs::path path;
  std::unique_ptr<ByteSource> source;
  std::unique_ptr<McapReader> reader;
  std::vector<std::uint32_t> stream_by_channel;  // channel id -> index into info.streams
};

constexpr std::uint32_t kNoStream = std::numeric_limits<std::uint32_t>::max();

class McapRecording final : public Recording {
 public:
  McapRecording(std::vector<Part> parts, RecordingInfo info)
      : parts_(std::move(parts)), info_(std::move(info)) {}

  const RecordingInfo& info() const override { return info_; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override {
    if (options.end_ns && *options.end_ns <= 0) return {};
    if (options.limit && *options.limit == 0) return {};
    if (options.episode && *options.episode != 0) return {};  // one episode: index 0
    std::set<std::string> topics(options.topics.begin(), options.topics.end());
    // Per part: the reader options and a cursor.
    std::vector<std::unique_ptr<McapMessageCursor>> cursors(parts_.size());
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      McapReadOptions read;
      if (options.start_ns && *options.start_ns > 0) {
        read.start_time = static_cast<std::uint64_t>(*options.start_ns);
      }
      if (options.end_ns) read.end_time = static_cast<std::uint64_t>(*options.end_ns);
      read.log_time_order = options.log_time_order;
      if (!topics.empty()) {
        for (const auto& [id, channel] : parts_[i].reader->summary().channels) {
          if (topics.count(channel.topic) != 0) read.channel_ids.push_back(id);
        }
        if (read.channel_ids.empty()) continue;  // nothing wanted in this file
      }
      PARITY_ASSIGN_OR_RETURN(cursors[i], parts_[i].reader->messages(read));
    }
    Progress progress(parts_, options.on_progress, info_.size_bytes);
    std::uint64_t delivered = 0;
    auto deliver = [&](std::size_t part, const McapMessageView& view) -> Status {
      MessageView out;
      out.stream = &info_.streams[parts_[part].stream_by_channel[view.message.channel_id]];
      out.log_time_ns = static_cast<std::int64_t>(view.message.log_time);
      out.publish_time_ns = static_cast<std::int64_t>(view.message.publish_time);
      out.sequence = view.message.sequence;
      out.data = view.message.data;
      out.file_index = part;
      out.file_offset = view.record_offset;
      ++delivered;
      return on_message(out);
    };
    auto done = [&]() { return options.limit && delivered >= *options.limit; };

    McapMessageView view;
    if (!options.log_time_order || parts_.size() == 1) {
      for (std::size_t i = 0; i < parts_.size() && !done(); ++i) {
        if (!cursors[i]) continue;
        while (!done()) {
          PARITY_ASSIGN_OR_RETURN(const bool more, cursors[i]->next(view));
          progress.update(i, *cursors[i]);
          if (!more) break;
          PARITY_RETURN_IF_ERROR(deliver(i, view));
        }
      }
      progress.finish();
      return {};
    }
    // k-way merge of the files' log-time-ordered streams; ties go to the earlier file.
    std::vector<McapMessageView> heads(parts_.size());
    std::vector<std::size_t> heap;
    auto later = [&](std::size_t a, std::size_t b) {
      const std::uint64_t ta = heads[a].message.log_time;
      const std::uint64_t tb = heads[b].message.log_time;
      return ta != tb ? ta > tb : a > b;
    };
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if (!cursors[i]) continue;
      PARITY_ASSIGN_OR_RETURN(const bool more, cursors[i]->next(heads[i]));
      if (more) heap.push_back(i);
    }
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty() && !done()) {
      std::pop_heap(heap.begin(), heap.end(), later);
      const std::size_t i = heap.back();
      heap.pop_back();
      PARITY_RETURN_IF_ERROR(deliver(i, heads[i]));
      PARITY_ASSIGN_OR_RETURN(const bool more, cursors[i]->next(heads[i]));
      progress.update(i, *cursors[i]);
      if (more) {
        heap.push_back(i);
        std::push_heap(heap.begin(), heap.end(), later);
      }
    }
    progress.finish();
    return {};
  }

 private:
  // Reports (bytes consumed over all files, total bytes) whenever the figure changes.
  class Progress {
   public:
    Progress(const std::vector<Part>& parts,
             const std::function<void(std::uint64_t, std::uint64_t)>& callback, std::uint64_t total)
        : callback_(callback), total_(total), consumed_(parts.size(), 0) {}
    void update(std::size_t part, const McapMessageCursor& cursor) {
      if (!callback_) return;
      const std::uint64_t now = cursor.bytes_consumed();
      if (now == consumed_[part]) return;
      sum_ += now - consumed_[part];
      consumed_[part] = now;
      callback_(std::min(sum_, total_), total_);
    }
    void finish() {
      if (callback_ && sum_ != total_) callback_(total_, total_);
    }

   private:
    const std::function<void(std::uint64_t, std::uint64_t)>& callback_;
    std::uint64_t total_;
    std::vector<std::uint64_t> consumed_;
    std::uint64_t sum_ = 0;
  };

  std::vector<Part> parts_;
  RecordingInfo info_;
};

std::string schema_name(const McapSummary& summary, const Channel& channel) {
  auto it = summary.schemas.find(channel.schema_id);
  return it == summary.schemas.end() ? std::string() : it->second.name;
}

Result<std::unique_ptr<Recording>> open_parts(const std::vector<fs::path>& files,
                                              std::string format, DiagnosticSink& diagnostics,
                                              const McapReaderOptions& options) {
  const bool dense_ids = format != "mcap";
  RecordingInfo info;
  info.format = std::move(format);
  info.indexed = true;
  std::vector<Part> parts;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint32_t> by_key;
  bool any_message = false;
  for (const fs::path& file : files) {
    Part part;
    part.path = file;
    PARITY_ASSIGN_OR_RETURN(part.source, open_file_source(file));
    PARITY_ASSIGN_OR_RETURN(part.reader, McapReader::open(*part.source, diagnostics, options));
    const McapSummary& summary = part.reader->summary();
    if (parts.empty()) {
      info.profile = summary.header.profile;
      info.library = summary.header.library;
    }
    info.files.push_back(file);
    info.size_bytes += part.source->size();
    info.indexed = info.indexed && summary.indexed;
    info.chunk_count += summary.statistics.chunk_count;
    for (const auto& [compression, n] : summary.chunk_compression_counts) {
      info.chunk_compression_counts[compression] += n;
    }
    for (const Metadata& m : summary.metadata) info.metadata.push_back({m.name, m.metadata});
    for (const AttachmentInfo& a : summary.attachments) {
      info.attachments.push_back({a.name, a.media_type, static_cast<std::int64_t>(a.log_time),
                                  static_cast<std::int64_t>(a.create_time), a.data_size});
    }
    part.stream_by_channel.assign(
        summary.channels.empty() ? 0 : std::size_t{summary.channels.rbegin()->first} + 1,
        kNoStream);
    for (const auto& [id, channel] : summary.channels) {
      const std::string type = schema_name(summary, channel);
      std::uint32_t index;
      auto key = std::make_tuple(channel.topic, type, channel.message_encoding);
      auto found = dense_ids ? by_key.find(key) : by_key.end();
      if (found != by_key.end()) {
        index = found->second;
      } else {
        index = static_cast<std::uint32_t>(info.streams.size());
        if (dense_ids) by_key.emplace(key, index);
        StreamInfo stream;
        stream.id = dense_ids ? index : id;
        stream.topic = channel.topic;
        stream.type = type;
        stream.message_encoding = channel.message_encoding;
        auto schema = summary.schemas.find(channel.schema_id);
        if (schema != summary.schemas.end()) {
          stream.schema_encoding = schema->second.encoding;
          stream.schema.assign(schema->second.data.begin(), schema->second.data.end());
        }
        stream.metadata = channel.metadata;
        info.streams.push_back(std::move(stream));
      }
      part.stream_by_channel[id] = index;
      StreamInfo& stream = info.streams[index];
      const ChannelStats& stats = summary.channel_stats.at(id);
      if (stats.message_count == 0) continue;
      const auto start = static_cast<std::int64_t>(stats.start_time);
      const auto end = static_cast<std::int64_t>(stats.end_time);
      if (stream.message_count == 0 || start < stream.start_ns) stream.start_ns = start;
      if (stream.message_count == 0 || end > stream.end_ns) stream.end_ns = end;
      stream.message_count += stats.message_count;
      if (!any_message || start < info.start_ns) info.start_ns = start;
      if (!any_message || end > info.end_ns) info.end_ns = end;
      any_message = true;
      info.message_count += stats.message_count;
    }
    parts.push_back(std::move(part));
  }
  std::sort(info.streams.begin(), info.streams.end(),
            [](const StreamInfo& a, const StreamInfo& b) { return a.id < b.id; });
  if (!dense_ids) {
    // Stream indexes changed with the sort: map channel ids to their new positions.
    for (Part& part : parts) {
      for (std::size_t i = 0; i < info.streams.size(); ++i) {
        part.stream_by_channel[info.streams[i].id] = static_cast<std::uint32_t>(i);
      }
    }
  }
  info.episodes.push_back(whole_recording_episode(info));
  return std::unique_ptr<Recording>(new McapRecording(std::move(parts), std::move(info)));
}

// metadata.yaml of a rosbag2 bag: the MCAP files it lists.
Result<std::vector<fs::path>> files_from_metadata(const fs::path& dir, const fs::path& yaml_path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(yaml_path.string());
  } catch (const std::exception& e) {
    return corrupt(fmt::format("{}: cannot parse YAML: {}", yaml_path.string(), e.what()));
  }
  try {
    const YAML::Node info = root["rosbag2_bagfile_information"];
    if (!info || !info.IsMap()) {
      return unsupported(
          fmt::format("{}: no 'rosbag2_bagfile_information' map: not a rosbag2 "
                      "metadata file",
                      yaml_path.string()));
    }
    const std::string storage =
        info["storage_identifier"] ? info["storage_identifier"].as<std::string>() : "";
    if (storage != "mcap") {
      return unsupported(
          fmt::format("{}: rosbag2 storage '{}' is not supported here (only "
                      "'mcap')",
                      yaml_path.string(), storage));
    }
    const std::string compression_mode =
        info["compression_mode"] ? info["compression_mode"].as<std::string>() : "";
    if (!compression_mode.empty()) {
      return unsupported(
          fmt::format("{}: rosbag2 compression_mode '{}' (compressed files or "
                      "messages) is not supported",
                      yaml_path.string(), compression_mode));
    }
    const YAML::Node paths = info["relative_file_paths"];
    if (!paths || !paths.IsSequence() || paths.size() == 0) {
      return corrupt(
          fmt::format("{}: 'relative_file_paths' is missing or empty", yaml_path.string()));
    }
    std::vector<fs::path> files;
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
      files.push_back(file);
    }
    return files;
  } catch (const std::exception& e) {
    return corrupt(
        fmt::format("{}: unexpected rosbag2 metadata layout: {}", yaml_path.string(), e.what()));
  }
}

// A directory without metadata.yaml: every .mcap file must be <name>_<i>.mcap with one common
// <name> and i = 0..n-1 written without leading zeros, as rosbag2 names split files
// (`episode_000.mcap, episode_001.mcap` are separate recordings, not one bag).
Result<std::vector<fs::path>> files_from_names(const fs::path& dir) {
  return split_file_series(dir, ".mcap", "MCAP");
}

}  // namespace

Result<std::vector<fs::path>> rosbag2_mcap_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return unsupported(fmt::format("{}: not a directory", dir.string()));
  }
  const fs::path yaml = dir / "metadata.yaml";
  if (fs::is_regular_file(yaml, ec)) return files_from_metadata(dir, yaml);
  return files_from_names(dir);
}

bool is_rosbag2_mcap_dir(const fs::path& dir) {
  return rosbag2_mcap_files(dir).ok();
}

Result<std::unique_ptr<Recording>> open_mcap_recording(const fs::path& path,
                                                       DiagnosticSink& diagnostics,
                                                       McapReaderOptions options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  if (fs::is_directory(path, ec)) {
    PARITY_ASSIGN_OR_RETURN(auto files, rosbag2_mcap_files(path));
    return open_parts(files, "rosbag2-mcap", diagnostics, options);
  }
  return open_parts({path}, "mcap", diagnostics, options);
}

}  // namespace parity::mcap
