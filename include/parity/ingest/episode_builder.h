// Turning one opened recording into catalog records (the format-independent half of ingest).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "parity/catalog/model.h"
#include "parity/formats/recording.h"
#include "parity/ingest/settings.h"

namespace parity {

// Per-file hashes of a source, in RecordingInfo::files order, and the source's content hash.
struct SourceHashes {
  std::vector<std::string> file_hashes;  // xxh3-128 hex
  std::vector<std::uint64_t> file_sizes;
  std::string content_hash;  // the file hash for one file; else the hash of the
                             // concatenated bytes of all files in order
};

// Hashes every file in one streaming pass each. `on_bytes(n)` is called as bytes are read.
Result<SourceHashes> hash_source_files(const std::vector<std::filesystem::path>& files,
                                       const std::function<void(std::uint64_t)>& on_bytes);

// Attributes carried inside the file: MCAP Metadata records named "parity" or "attributes"
// give their entries as attributes as they are; `rosbag2` records give `ros_distro`; any
// other record `R` gives `R.<key>`. Origin "metadata".
DeclaredSettings metadata_settings(const RecordingInfo& info);

// The episode id: xxh3-128 hex of "<content hash>:<index>". Stable across re-ingests.
std::string episode_id(const std::string& content_hash, std::int64_t index);

// Builds the source and its episodes (one per RecordingInfo::episodes entry: an MCAP file or a
// bag is one, an HDF5 demo file or an RLDS shard many) from the recording's info, the hashes
// and the merged settings. `settings` must already be validated (validate_field_values).
// Per-episode container metadata (EpisodeInfo::attributes) becomes episode attributes and may
// set task / embodiment / outcome, unless the user declared them (command line, sidecar, path);
// an outcome outside {success, failure, partial, unknown} is recorded as "unknown". A named
// episode gets the attribute `episode_name`. `options_json` is recorded in the provenance.
struct BuiltSource {
  SourceRecord source;
  std::vector<EpisodeRecord> episodes;
};
BuiltSource build_source(const std::filesystem::path& source_path, const RecordingInfo& info,
                         const SourceHashes& hashes, const DeclaredSettings& settings,
                         const std::string& options_json);

}  // namespace parity
