// The catalog's data model (DESIGN.md "Data model"): sources, episodes, streams, typed
// attributes and provenance. Plain values; the Catalog class stores and loads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace parity {

// A typed attribute value: text, number or boolean. Numbers are doubles (units in the key's
// documentation, e.g. `ambient_lux`).
using AttributeValue = std::variant<std::string, double, bool>;

// Parses "true"/"false" as bool, a full decimal number as double, anything else as text.
AttributeValue parse_attribute_value(const std::string& text);
std::string attribute_value_to_string(const AttributeValue& value);
std::string_view attribute_type_name(const AttributeValue& value);  // "string" | "number" | "bool"

struct Attribute {
  std::string key;  // e.g. "lighting", "site"
  AttributeValue value;
  std::string origin;  // "cli" | "sidecar" | "metadata" | "path" | "derived"

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// One sensor or command channel inside an episode.
struct StreamRecord {
  std::string name;      // topic or key
  std::string role;      // "camera/front", "joints", "imu", ... ; "" when unknown
  std::string type;      // message type, e.g. "sensor_msgs/msg/Imu"
  std::string encoding;  // message encoding, e.g. "cdr"
  std::uint64_t message_count = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  double rate_hz = 0.0;              // (count - 1) / duration; 0 when undefined
  std::string metadata_json = "{}";  // reader-specific extras (QoS, md5sum, ...) as a JSON object

  friend bool operator==(const StreamRecord&, const StreamRecord&) = default;
};

// Where an episode's bytes came from, so it can be re-read and verified exactly.
struct ProvenanceRecord {
  std::string file;       // absolute path at ingest time
  std::string file_hash;  // xxh3-128 hex of the whole file
  std::uint64_t file_bytes = 0;
  std::uint64_t byte_start = 0;  // range of the file this episode uses ([0, size) for whole files)
  std::uint64_t byte_end = 0;
  std::string reader;               // e.g. "mcap"
  std::string reader_version;       // Parity version that read it
  std::string options_json = "{}";  // reader options and role mappings used

  friend bool operator==(const ProvenanceRecord&, const ProvenanceRecord&) = default;
};

struct EpisodeRecord {
  std::string id;  // stable: xxh3-128 hex of (source content hash, index)
  std::string source_id;
  std::int64_t index = 0;  // position within the source
  std::string task;
  std::string embodiment;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::uint64_t message_count = 0;
  std::string outcome = "unknown";  // success | failure | partial | unknown
  std::vector<Attribute> attributes;
  std::vector<StreamRecord> streams;
  std::vector<ProvenanceRecord> provenance;

  // Seconds from start to end (0 when end <= start). Divides by 1e9 (correctly rounded), so
  // whole seconds stay exact and `duration_s > 30` does not match a 30 s episode.
  double duration_s() const {
    // The unsigned difference is exact even when end_ns - start_ns overflows int64.
    return end_ns > start_ns ? static_cast<double>(static_cast<std::uint64_t>(end_ns) -
                                                   static_cast<std::uint64_t>(start_ns)) /
                                   1e9
                             : 0.0;
  }

  friend bool operator==(const EpisodeRecord&, const EpisodeRecord&) = default;
};

// One dataset on disk (a file or a directory that reads as one unit).
struct SourceRecord {
  std::string id;      // content hash hex (same bytes -> same id)
  std::string path;    // absolute path
  std::string format;  // "mcap", "rosbag2-mcap", ...
  std::string domain;  // lab | sim | field | "" (unset)
  std::string
      kind;  // demonstration | teleop | autonomous | correction | simulation | deployment | ""
  std::string content_hash;  // xxh3-128 hex over the files' bytes, in order
  std::uint64_t size_bytes = 0;
  std::vector<Attribute> attributes;
  std::optional<std::string> previous_version_id;  // the source at the same path it replaces
  std::string ingested_at;                         // ISO-8601 UTC, set by the catalog
  bool current = true;  // false once a newer version of the same path was ingested

  friend bool operator==(const SourceRecord&, const SourceRecord&) = default;
};

}  // namespace parity
