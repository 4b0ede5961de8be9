// The `meta/` folder of a LeRobot dataset (huggingface/lerobot, LeRobotDataset v2.0, v2.1 and
// v3.0): info.json, the task table and the episode table, as the files state them. Nothing here
// is trusted: lerobot_recording.cc checks every claim against the data files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"

namespace parity::lerobot {

// One entry of info.json "features".
struct FeatureMeta {
  std::string key;    // "observation.state", "observation.images.top", ...
  std::string dtype;  // "float32", "int64", "bool", "string", "video", "image", ...
  std::vector<std::uint64_t> shape;
  std::vector<std::string> names;  // flattened per-element names; empty when absent
  // Video features ("info" block): what the metadata claims about the encoded stream.
  std::string video_codec;
  int video_width = 0;
  int video_height = 0;
  double video_fps = 0;
  bool is_depth_map = false;

  bool is_video() const { return dtype == "video"; }
  bool is_image() const { return dtype == "image"; }
};

// meta/info.json.
struct InfoMeta {
  std::string codebase_version;  // "v2.0", "v2.1", "v3.0"
  int major_version = 0;         // 2 or 3
  std::string robot_type;
  double fps = 0;
  std::optional<std::uint64_t> total_episodes;
  std::optional<std::uint64_t> total_frames;
  std::optional<std::uint64_t> total_tasks;
  std::uint64_t chunks_size = 1000;
  std::string data_path;   // path template, e.g. "data/chunk-{chunk_index:03d}/file-..."
  std::string video_path;  // "" when the dataset has no video features
  std::map<std::string, std::string> splits;  // "train" -> "0:50"
  std::vector<FeatureMeta> features;          // in info.json order

  const FeatureMeta* find_feature(const std::string& key) const;
};

// A video file segment of one episode and one video key (v3.0: several episodes share a file).
struct VideoSegment {
  std::uint64_t chunk_index = 0;
  std::uint64_t file_index = 0;
  double from_timestamp_s = 0;  // the episode's first frame, in the file's time
  std::optional<double> to_timestamp_s;
};

// One row of the episode table.
struct EpisodeMeta {
  std::uint64_t episode_index = 0;
  std::vector<std::string> tasks;
  std::optional<std::uint64_t> length;  // frames, as the meta claims
  // v3.0 only: where the episode's rows live.
  std::optional<std::uint64_t> data_chunk_index;
  std::optional<std::uint64_t> data_file_index;
  std::optional<std::uint64_t> dataset_from_index;  // global `index` of its first row
  std::optional<std::uint64_t> dataset_to_index;    // one past its last row
  std::map<std::string, VideoSegment> videos;       // video key -> segment
};

struct DatasetMeta {
  std::filesystem::path root;
  InfoMeta info;
  std::map<std::uint64_t, std::string> tasks;     // task_index -> task text
  std::vector<EpisodeMeta> episodes;              // sorted by episode_index
  std::vector<std::filesystem::path> meta_files;  // every meta file read (for provenance)
};

// True when `dir` holds meta/info.json whose codebase_version starts with "v2" or "v3". Cheap.
bool is_lerobot_dir(const std::filesystem::path& dir);

// Reads meta/info.json, the tasks table (tasks.jsonl or tasks.parquet) and the episode table
// (episodes.jsonl, or meta/episodes/chunk-*/file-*.parquet). Missing or unreadable task and
// episode tables are warnings (the data files still define the episodes). Errors name the
// file: kNotFound (no meta/info.json), kCorrupt (info.json is not JSON, lacks fps or a
// feature's dtype), kUnsupported (codebase_version other than v2.x / v3.x).
Result<DatasetMeta> read_dataset_meta(const std::filesystem::path& root,
                                      DiagnosticSink& diagnostics);

// Expands a LeRobot path template: "{name}" and "{name:03d}"-style integer fields from
// `integers`, "{video_key}" and other strings from `strings`. kInvalidArgument naming the
// template and the field when a field is unknown or malformed.
Result<std::string> expand_path_template(const std::string& pattern,
                                         const std::map<std::string, std::uint64_t>& integers,
                                         const std::map<std::string, std::string>& strings);

}  // namespace parity::lerobot
