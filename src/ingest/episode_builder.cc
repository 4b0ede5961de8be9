#include "parity/ingest/episode_builder.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "parity/core/hash.h"
#include "parity/formats/tensor.h"
#include "parity/ingest/roles.h"
#include "parity/ingest/version.h"

namespace parity {
namespace {

std::string field_value(const DeclaredSettings& settings, std::string_view key) {
  const Attribute* attribute = settings.find(key);
  return attribute == nullptr ? "" : attribute_value_to_string(attribute->value);
}

// Attribute keys must match [A-Za-z0-9_./-]+ so selectors can name them; keys from files are
// made to fit by replacing every other character with '_'.
std::string attribute_key(std::string key) {
  for (char& c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '/' || c == '-';
    if (!ok) c = '_';
  }
  return key.empty() ? "_" : key;
}

bool is_field_key(std::string_view key) {
  return std::find(std::begin(kFieldKeys), std::end(kFieldKeys), key) != std::end(kFieldKeys);
}

bool is_valid_outcome(std::string_view outcome) {
  return outcome == "success" || outcome == "failure" || outcome == "partial" ||
         outcome == "unknown";
}

// The attributes of one episode: the source's, then the container's per-episode metadata,
// which overrides what the file declared at source level ("metadata" origin) but never what the
// user declared (command line, sidecar, path template).
std::vector<Attribute> episode_attributes(const std::vector<Attribute>& source_attributes,
                                          const DeclaredSettings& settings,
                                          const EpisodeInfo& episode) {
  DeclaredSettings merged;
  for (const Attribute& attribute : source_attributes) {
    merged.set(attribute.key, attribute.value, attribute.origin);
  }
  const auto user_declared = [&](const std::string& key) {
    const Attribute* declared = settings.find(key);
    return declared != nullptr && declared->origin != "metadata";
  };
  for (const auto& [raw_key, value] : episode.attributes) {
    const std::string key = attribute_key(raw_key);
    // Field keys (task, outcome, ...) set episode fields (episode_field()), not attributes.
    if (is_field_key(key) || user_declared(key)) continue;
    merged.set(key, parse_attribute_value(value), "metadata");
  }
  if (!episode.name.empty() && !user_declared("episode_name")) {
    merged.set("episode_name", AttributeValue(episode.name), "metadata");
  }
  return std::move(merged.attributes);
}

// A field (task, embodiment, outcome) of one episode: the user's declaration, else the
// container's per-episode value, else the container's source-level value.
std::string episode_field(const DeclaredSettings& settings, const EpisodeInfo& episode,
                          std::string_view key) {
  const Attribute* declared = settings.find(key);
  if (declared != nullptr && declared->origin != "metadata") {
    return attribute_value_to_string(declared->value);
  }
  if (const auto it = episode.attributes.find(std::string(key)); it != episode.attributes.end()) {
    return it->second;
  }
  return declared == nullptr ? "" : attribute_value_to_string(declared->value);
}

StreamRecord stream_record(const StreamInfo& stream, const StreamSpan& span,
                           const DeclaredSettings& settings) {
  StreamRecord record;
  record.name = stream.topic;
  record.role = resolve_role(stream.type, stream.topic, settings.roles);
  // A camera stream its container marks as a depth map (LeRobot video.is_depth_map) is depth,
  // unless the user mapped the topic themselves.
  const auto depth_map = stream.metadata.find("is_depth_map");
  if (depth_map != stream.metadata.end() && depth_map->second == "true" &&
      record.role.starts_with("camera/") &&
      record.role == default_role(stream.type, stream.topic)) {
    record.role = "depth/" + record.role.substr(7);
  }
  record.type = stream.type;
  record.encoding = stream.message_encoding;
  record.message_count = span.message_count;
  record.start_ns = span.start_ns;
  record.end_ns = span.end_ns;
  if (span.message_count > 1 && span.end_ns > span.start_ns) {
    record.rate_hz = static_cast<double>(span.message_count - 1) /
                     (static_cast<double>(span.end_ns - span.start_ns) * 1e-9);
  }
  nlohmann::json metadata = nlohmann::json::object();
  metadata["schema_encoding"] = stream.schema_encoding;
  if (stream.message_encoding == kTensorEncoding) metadata["tensor"] = stream.schema;
  for (const auto& [key, value] : stream.metadata) metadata["channel"][key] = value;
  record.metadata_json = metadata.dump();
  return record;
}

EpisodeRecord build_episode(const RecordingInfo& info, const EpisodeInfo& info_episode,
                            const SourceHashes& hashes, const DeclaredSettings& settings,
                            const SourceRecord& source, const std::string& options_json) {
  EpisodeRecord episode;
  episode.index = info_episode.index;
  episode.id = episode_id(hashes.content_hash, episode.index);
  episode.source_id = source.id;
  episode.task = episode_field(settings, info_episode, "task");
  episode.embodiment = episode_field(settings, info_episode, "embodiment");
  const std::string outcome = episode_field(settings, info_episode, "outcome");
  episode.outcome = outcome.empty() ? "unknown" : outcome;
  if (!is_valid_outcome(episode.outcome)) episode.outcome = "unknown";
  episode.start_ns = info_episode.start_ns;
  episode.end_ns = info_episode.end_ns;
  episode.message_count = info_episode.message_count;
  episode.attributes = episode_attributes(source.attributes, settings, info_episode);

  for (const StreamSpan& span : info_episode.streams) {
    const StreamInfo* stream = info.find_stream(span.stream_id);
    if (stream != nullptr) episode.streams.push_back(stream_record(*stream, span, settings));
  }

  for (std::size_t i = 0; i < info.files.size(); ++i) {
    ProvenanceRecord provenance;
    provenance.file = info.files[i].string();
    provenance.file_hash = i < hashes.file_hashes.size() ? hashes.file_hashes[i] : "";
    provenance.file_bytes = i < hashes.file_sizes.size() ? hashes.file_sizes[i] : 0;
    provenance.byte_start = 0;
    provenance.byte_end = provenance.file_bytes;
    provenance.reader = info.format;
    provenance.reader_version = std::string(parity_version());
    provenance.options_json = options_json;
    episode.provenance.push_back(std::move(provenance));
  }
  return episode;
}

}  // namespace

Result<SourceHashes> hash_source_files(const std::vector<std::filesystem::path>& files,
                                       const std::function<void(std::uint64_t)>& on_bytes) {
  SourceHashes out;
  ContentHasher combined;
  std::vector<std::uint8_t> block(1 << 20);
  for (const std::filesystem::path& path : files) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) {
      return io_error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    }
    ContentHasher per_file;
    std::uint64_t size = 0;
    while (true) {
      const std::size_t n = std::fread(block.data(), 1, block.size(), file.get());
      if (n > 0) {
        const std::span<const std::uint8_t> bytes(block.data(), n);
        per_file.update(bytes);
        combined.update(bytes);
        size += n;
        if (on_bytes) on_bytes(n);
      }
      if (n < block.size()) {
        if (std::ferror(file.get())) {
          return io_error(fmt::format("{}: read failed at offset {}: {}", path.string(), size,
                                      std::strerror(errno)));
        }
        break;
      }
    }
    out.file_hashes.push_back(per_file.digest().to_hex());
    out.file_sizes.push_back(size);
  }
  out.content_hash = files.size() == 1 ? out.file_hashes.front() : combined.digest().to_hex();
  return out;
}

DeclaredSettings metadata_settings(const RecordingInfo& info) {
  DeclaredSettings out;
  for (const MetadataRecord& record : info.metadata) {
    if (record.name == "rosbag2") {
      if (const auto it = record.entries.find("ROS_DISTRO"); it != record.entries.end()) {
        out.set("ros_distro", it->second, "metadata");
      }
      continue;
    }
    const bool plain = record.name == "parity" || record.name == "attributes";
    for (const auto& [key, value] : record.entries) {
      out.set(attribute_key(plain ? key : record.name + "." + key), parse_attribute_value(value),
              "metadata");
    }
  }
  return out;
}

std::string episode_id(const std::string& content_hash, std::int64_t index) {
  return hash_string(fmt::format("{}:{}", content_hash, index)).to_hex();
}

BuiltSource build_source(const std::filesystem::path& source_path, const RecordingInfo& info,
                         const SourceHashes& hashes, const DeclaredSettings& settings,
                         const std::string& options_json) {
  BuiltSource built;
  SourceRecord& source = built.source;
  source.id = hashes.content_hash;
  source.path = source_path.string();
  source.format = info.format;
  source.domain = field_value(settings, "domain");
  source.kind = field_value(settings, "kind");
  source.content_hash = hashes.content_hash;
  for (std::uint64_t size : hashes.file_sizes) source.size_bytes += size;
  for (const Attribute& attribute : settings.attributes) {
    if (!is_field_key(attribute.key)) source.attributes.push_back(attribute);
  }

  for (const EpisodeInfo& info_episode : info.episodes) {
    built.episodes.push_back(
        build_episode(info, info_episode, hashes, settings, source, options_json));
  }
  return built;
}

}  // namespace parity
