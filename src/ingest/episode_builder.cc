#include "parity/ingest/episode_builder.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "parity/core/hash.h"
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

  EpisodeRecord episode;
  episode.index = 0;
  episode.id = episode_id(hashes.content_hash, episode.index);
  episode.source_id = source.id;
  episode.task = field_value(settings, "task");
  episode.embodiment = field_value(settings, "embodiment");
  const std::string outcome = field_value(settings, "outcome");
  episode.outcome = outcome.empty() ? "unknown" : outcome;
  episode.start_ns = info.start_ns;
  episode.end_ns = info.end_ns;
  episode.message_count = info.message_count;
  episode.attributes = source.attributes;

  for (const StreamInfo& stream : info.streams) {
    StreamRecord record;
    record.name = stream.topic;
    record.role = resolve_role(stream.type, stream.topic, settings.roles);
    record.type = stream.type;
    record.encoding = stream.message_encoding;
    record.message_count = stream.message_count;
    record.start_ns = stream.start_ns;
    record.end_ns = stream.end_ns;
    if (stream.message_count > 1 && stream.end_ns > stream.start_ns) {
      record.rate_hz = static_cast<double>(stream.message_count - 1) /
                       (static_cast<double>(stream.end_ns - stream.start_ns) * 1e-9);
    }
    nlohmann::json metadata = nlohmann::json::object();
    metadata["schema_encoding"] = stream.schema_encoding;
    for (const auto& [key, value] : stream.metadata) metadata["channel"][key] = value;
    record.metadata_json = metadata.dump();
    episode.streams.push_back(std::move(record));
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
  built.episodes.push_back(std::move(episode));
  return built;
}

}  // namespace parity
