#include "parity/formats/rlds/rlds_recording.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <list>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "parity/formats/rlds/example.h"
#include "parity/formats/rlds/rlds_features.h"
#include "parity/formats/rlds/tfrecord.h"
#include "parity/formats/tensor.h"
#include "parity/io/byte_source.h"

namespace parity::rlds {
namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kMaxJsonFileBytes = 64ull << 20;
constexpr std::size_t kMaxInfoText = 512;  // description / citation kept in the "rlds" record
constexpr double kMaxRateHz = 10000.0;
constexpr std::string_view kDefaultTemplate = "{DATASET}-{SPLIT}.{FILEFORMAT}-{SHARD_X_OF_Y}";

// Facts about well-known Open X-Embodiment datasets (robot and control rate as published with
// each dataset: BridgeData V2 5 Hz, RT-1 "fractal" 3 Hz, DROID 15 Hz). rate_hz 0: not listed.
struct KnownDataset {
  std::string_view name;
  std::string_view embodiment;
  double rate_hz;
};
constexpr KnownDataset kKnownDatasets[] = {
    {"bridge_dataset", "widowx", 5.0},
    {"bridge", "widowx", 5.0},
    {"bridge_orig", "widowx", 5.0},
    {"fractal20220817_data", "google_robot", 3.0},
    {"droid", "franka", 15.0},
    {"taco_play", "franka", 0.0},
    {"toto", "franka", 0.0},
    {"viola", "franka", 0.0},
    {"jaco_play", "jaco", 0.0},
    {"roboturk", "sawyer", 0.0},
    {"berkeley_autolab_ur5", "ur5", 0.0},
    {"kuka", "kuka_iiwa", 0.0},
};

const KnownDataset* known_dataset(std::string_view name) {
  for (const KnownDataset& d : kKnownDatasets) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// ------------------------------------------------------------------------ dataset_info.json

struct SplitInfo {
  std::string name;
  std::string file_template;
  std::vector<std::uint64_t> shard_lengths;
  std::string num_bytes;
};

struct DatasetInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string citation;
  std::string module_name;
  std::string file_format;
  std::vector<SplitInfo> splits;
};

Result<std::string> read_text_file(const fs::path& path) {
  return read_small_file(path, kMaxJsonFileBytes, "a TFDS JSON file");
}

std::string str(const Json& node, const char* key) {
  const auto it = node.find(key);
  if (it == node.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return {};
}

Result<DatasetInfo> read_dataset_info(const fs::path& path) {
  PARITY_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  DatasetInfo info;
  try {
    const Json root = Json::parse(text);
    if (!root.is_object()) return corrupt(fmt::format("{}: not a JSON object", path.string()));
    info.name = str(root, "name");
    info.version = str(root, "version");
    info.description = str(root, "description");
    info.citation = str(root, "citation");
    info.module_name = str(root, "moduleName");
    info.file_format = str(root, "fileFormat");
    const auto splits = root.find("splits");
    if (splits != root.end() && splits->is_array()) {
      for (const Json& s : *splits) {
        if (!s.is_object()) continue;
        SplitInfo split;
        split.name = str(s, "name");
        split.file_template = str(s, "filepathTemplate");
        split.num_bytes = str(s, "numBytes");
        const auto lengths = s.find("shardLengths");
        if (lengths != s.end() && lengths->is_array()) {
          for (const Json& n : *lengths) {
            const std::string v = n.is_string() ? n.get<std::string>() : n.dump();
            char* end = nullptr;
            const unsigned long long parsed = std::strtoull(v.c_str(), &end, 10);
            if (end == v.c_str() || *end != '\0') {
              return corrupt(fmt::format("{}: split '{}': shard length '{}' is not a number",
                                         path.string(), split.name, v));
            }
            split.shard_lengths.push_back(parsed);
          }
        }
        if (split.shard_lengths.size() > 100000) {
          return corrupt(fmt::format("{}: split '{}' lists {} shards", path.string(), split.name,
                                     split.shard_lengths.size()));
        }
        if (!split.name.empty()) info.splits.push_back(std::move(split));
      }
    }
  } catch (const std::exception& e) {
    return corrupt(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
  if (info.name.empty()) {
    return corrupt(fmt::format("{}: no dataset 'name'", path.string()));
  }
  return info;
}

bool is_version_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "dataset_info.json", ec) &&
         fs::is_regular_file(dir / "features.json", ec);
}

struct Location {
  fs::path version_dir;
  std::optional<fs::path> shard;  // when the path named one shard file
};

Result<Location> locate(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  if (fs::is_regular_file(status)) {
    if (!is_version_dir(path.parent_path())) {
      return unsupported(
          fmt::format("{}: no dataset_info.json and features.json next to it: not "
                      "a TFDS shard",
                      path.string()));
    }
    return Location{path.parent_path(), path};
  }
  if (is_version_dir(path)) return Location{path, std::nullopt};
  std::vector<fs::path> versions;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_directory(ec) && is_version_dir(entry.path())) versions.push_back(entry.path());
  }
  if (versions.size() == 1) return Location{versions[0], std::nullopt};
  if (versions.empty()) {
    return unsupported(
        fmt::format("{}: not an RLDS / TFDS dataset directory (no "
                    "dataset_info.json and features.json here or in one "
                    "version subdirectory)",
                    path.string()));
  }
  std::vector<std::string> names;
  for (const fs::path& v : versions) names.push_back(v.filename().string());
  std::sort(names.begin(), names.end());
  return unsupported(fmt::format("{}: holds several dataset versions ({}): open one of them",
                                 path.string(), fmt::join(names, ", ")));
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Shard file names of one split (TFDS naming: tensorflow_datasets/core/naming.py).
std::vector<std::string> shard_names(const DatasetInfo& info, const SplitInfo& split,
                                     const fs::path& dir) {
  const std::string format = info.file_format.empty() ? "tfrecord" : info.file_format;
  std::vector<std::string> names;
  if (split.shard_lengths.empty()) {  // no lengths recorded: every file of the split
    const std::string prefix = fmt::format("{}-{}.{}", info.name, split.name, format);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file(ec) && name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  const std::string base = replace_all(
      replace_all(replace_all(split.file_template.empty() ? std::string(kDefaultTemplate)
                                                          : split.file_template,
                              "{DATASET}", info.name),
                  "{SPLIT}", split.name),
      "{FILEFORMAT}", format);
  const std::size_t n = split.shard_lengths.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = replace_all(base, "{SHARD_X_OF_Y}", fmt::format("{:05d}-of-{:05d}", i, n));
    name = replace_all(name, "{SHARD_INDEX}", fmt::format("{:05d}", i));
    names.push_back(std::move(name));
  }
  return names;
}

std::string clip(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;  // UTF-8
  return text.substr(0, cut) + "...";
}

std::string format_rate(double rate_hz) {
  return fmt::format("{}", rate_hz);
}

// ------------------------------------------------------------------------ the recording

struct Shard {
  fs::path path;
  std::string split;
  std::unique_ptr<ByteSource> source;
};

struct EpisodeRef {
  std::uint32_t shard = 0;
  std::uint32_t record = 0;  // index of the record in its shard
  TfRecordEntry entry;
  std::uint64_t steps = 0;
  std::uint64_t first_step = 0;  // dataset-wide index of the episode's first step
};

class RldsRecording final : public Recording {
 public:
  RldsRecording(std::vector<Shard> shards, FeatureLayout layout,
                std::vector<std::size_t> stream_feature, std::vector<EpisodeRef> episodes,
                double rate_hz, RecordingInfo info, DiagnosticSink& diagnostics)
      : shards_(std::move(shards)),
        layout_(std::move(layout)),
        stream_feature_(std::move(stream_feature)),
        episodes_(std::move(episodes)),
        rate_hz_(rate_hz),
        info_(std::move(info)),
        diagnostics_(diagnostics) {}

  const RecordingInfo& info() const override { return info_; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override {
    if (options.limit && *options.limit == 0) return {};
    std::vector<bool> wanted(info_.streams.size(), options.topics.empty());
    for (const std::string& topic : options.topics) {
      for (std::size_t s = 0; s < info_.streams.size(); ++s) {
        if (info_.streams[s].topic == topic) wanted[s] = true;
      }
    }
    std::vector<std::size_t> visit;
    std::uint64_t total = 0;
    for (std::size_t e = 0; e < episodes_.size(); ++e) {
      if (options.episode && *options.episode != e) continue;
      const EpisodeInfo& episode = info_.episodes[e];
      if (episode.message_count == 0) continue;
      if (options.start_ns && episode.end_ns < *options.start_ns) continue;
      if (options.end_ns && episode.start_ns >= *options.end_ns) continue;
      bool any = false;
      for (const StreamSpan& span : episode.streams) any = any || wanted[span.stream_id];
      if (!any) continue;
      visit.push_back(e);
      total += episodes_[e].entry.end_offset() - episodes_[e].entry.offset;
    }
    std::uint64_t done_bytes = 0;
    std::uint64_t delivered = 0;
    for (const std::size_t e : visit) {
      const EpisodeRef& ref = episodes_[e];
      const Shard& shard = shards_[ref.shard];
      const Status read = read_tfrecord(*shard.source, ref.entry, buffer_);
      if (read.code() == StatusCode::kCorrupt) {
        diagnostics_.error(
            shard.path.string(), ref.entry.offset,
            fmt::format("episode {} ({}) skipped: {}", e, info_.episodes[e].name, read.message()));
      } else if (!read.ok()) {
        return read;
      } else {
        PARITY_RETURN_IF_ERROR(deliver_episode(e, wanted, options, on_message, delivered));
        if (options.limit && delivered >= *options.limit) break;
      }
      done_bytes += ref.entry.end_offset() - ref.entry.offset;
      if (options.on_progress) options.on_progress(done_bytes, total);
    }
    return {};
  }

 private:
  std::int64_t step_time(std::uint64_t step) const {
    return static_cast<std::int64_t>(
        std::llround(static_cast<long double>(step) * 1e9L / static_cast<long double>(rate_hz_)));
  }

  Status deliver_episode(std::size_t e, const std::vector<bool>& wanted, const ReadOptions& options,
                         const MessageCallback& on_message, std::uint64_t& delivered) {
    const EpisodeRef& ref = episodes_[e];
    const Shard& shard = shards_[ref.shard];
    auto example = parse_example(buffer_);
    if (!example.ok()) {
      diagnostics_.error(shard.path.string(), ref.entry.offset,
                         fmt::format("episode {} ({}) skipped: {}", e, info_.episodes[e].name,
                                     example.status().message()));
      return {};
    }
    const SplitEpisode split =
        split_episode(*example, layout_, diagnostics_, shard.path.string(), ref.entry.offset);
    if (split.steps != ref.steps) {
      diagnostics_.error(shard.path.string(), ref.entry.offset,
                         fmt::format("episode {}: {} steps when read, {} when opened; skipped", e,
                                     split.steps, ref.steps));
      return {};
    }
    MessageView view;
    view.file_index = ref.shard;
    view.file_offset = ref.entry.offset;
    view.episode = static_cast<std::uint32_t>(e);
    for (std::uint64_t step = 0; step < split.steps; ++step) {
      const std::int64_t t = step_time(ref.first_step + step);
      if (options.start_ns && t < *options.start_ns) continue;
      if (options.end_ns && t >= *options.end_ns) break;
      for (std::size_t s = 0; s < info_.streams.size(); ++s) {
        if (!wanted[s]) continue;
        const StepData& data = split.features[stream_feature_[s]];
        if (data.steps.size() != split.steps) continue;
        view.stream = &info_.streams[s];
        view.log_time_ns = t;
        view.publish_time_ns = t;
        view.sequence = static_cast<std::uint32_t>(step);
        view.data = data.steps[step];
        ++delivered;
        PARITY_RETURN_IF_ERROR(on_message(view));
        if (options.limit && delivered >= *options.limit) return {};
      }
    }
    return {};
  }

  std::vector<Shard> shards_;
  FeatureLayout layout_;
  std::vector<std::size_t> stream_feature_;  // stream id -> index into layout_.features
  std::vector<EpisodeRef> episodes_;
  double rate_hz_;
  RecordingInfo info_;
  DiagnosticSink& diagnostics_;
  std::vector<std::uint8_t> buffer_;  // the record being read
};

StreamInfo make_stream(const FeatureSpec& spec, std::uint32_t id, double rate_hz) {
  StreamInfo stream;
  stream.id = id;
  stream.topic = spec.key;
  switch (spec.kind) {
    case LeafKind::kTensor:
      stream.type = kTensorType;
      stream.message_encoding = kTensorEncoding;
      stream.schema_encoding = "tensor";
      stream.schema = spec.tensor_spec().to_string();
      break;
    case LeafKind::kImage:
      stream.type = kCompressedImageType;
      stream.message_encoding = kImageEncoding;
      stream.metadata["image_format"] = spec.image_format;
      break;
    case LeafKind::kText:
      stream.type = kStringType;
      stream.message_encoding = kTextEncoding;
      break;
  }
  stream.metadata["time_source"] = "synthetic";
  stream.metadata["rate_hz"] = format_rate(rate_hz);
  stream.metadata["source_key"] = spec.key;
  if (!spec.tfds_dtype.empty()) stream.metadata["tfds_dtype"] = spec.tfds_dtype;
  if (!spec.description.empty()) stream.metadata["description"] = spec.description;
  return stream;
}

// What the open-time scan of one record learned.
struct RecordScan {
  std::uint64_t steps = 0;
  std::set<std::string> keys;  // every key present
  bool has_is_last = false;
  bool any_is_last = false;
  std::map<std::string, std::string> attributes;
};

// Reads the structure of one record and the few features the episode table needs.
Result<RecordScan> scan_record(const Shard& shard, const TfRecordEntry& entry,
                               const FeatureLayout& layout, const std::set<std::string>& wanted,
                               DiagnosticSink& diagnostics) {
  const ByteSource& source = *shard.source;
  const auto read = [&](std::uint64_t offset, std::span<std::uint8_t> out) -> Status {
    return source.read_at(entry.data_offset() + offset, out);
  };
  std::vector<FeatureLocation> locations;
  PARITY_RETURN_IF_ERROR(scan_example(entry.length, read, [&](FeatureLocation location) {
    locations.push_back(std::move(location));
  }));
  RecordScan scan;
  Example partial;
  std::list<std::vector<std::uint8_t>> buffers;  // stable storage for the partial Example
  for (const FeatureLocation& location : locations) {
    scan.keys.insert(location.key);
    if (wanted.count(location.key) == 0) continue;
    std::vector<std::uint8_t>& bytes = buffers.emplace_back(location.length);
    PARITY_RETURN_IF_ERROR(read(location.offset, bytes));
    auto feature = parse_feature(bytes);
    if (!feature.ok()) {
      return corrupt(fmt::format("feature '{}': {}", location.key, feature.status().message()));
    }
    partial.features.insert_or_assign(location.key, std::move(feature).value());
  }
  const auto steps = count_steps(partial, layout);
  if (!steps) {
    return corrupt(fmt::format("cannot count the steps: feature '{}' is missing or malformed",
                               layout.features[*layout.step_count_feature].key));
  }
  scan.steps = *steps;
  if (const Feature* is_last = partial.find("steps/is_last")) {
    scan.has_is_last = true;
    scan.any_is_last = std::any_of(is_last->int64s.begin(), is_last->int64s.end(),
                                   [](std::int64_t v) { return v != 0; });
  }
  scan.attributes =
      episode_attributes(partial, layout, diagnostics, shard.path.string(), entry.offset);
  return scan;
}

}  // namespace

bool is_rlds_dir(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return false;
  auto location = locate(path);
  if (!location.ok()) return false;
  auto info = read_dataset_info(location->version_dir / "dataset_info.json");
  return info.ok() && (info->file_format.empty() || info->file_format == "tfrecord");
}

Result<std::unique_ptr<Recording>> open_rlds(const fs::path& path, DiagnosticSink& diagnostics,
                                             const RldsOptions& options) {
  if (options.rate_hz && !(*options.rate_hz > 0 && *options.rate_hz <= kMaxRateHz)) {
    return invalid_argument(
        fmt::format("rate_hz {} is outside (0, {}]", *options.rate_hz, kMaxRateHz));
  }
  PARITY_ASSIGN_OR_RETURN(const Location location, locate(path));
  const fs::path& dir = location.version_dir;
  PARITY_ASSIGN_OR_RETURN(const DatasetInfo dataset, read_dataset_info(dir / "dataset_info.json"));
  if (!dataset.file_format.empty() && dataset.file_format != "tfrecord") {
    return unsupported(fmt::format("{}: TFDS file format '{}' is not supported (only tfrecord)",
                                   (dir / "dataset_info.json").string(), dataset.file_format));
  }
  PARITY_ASSIGN_OR_RETURN(const std::string features_text, read_text_file(dir / "features.json"));
  auto parsed_layout = parse_features_json(features_text);
  if (!parsed_layout.ok()) {
    return parsed_layout.status().with_context((dir / "features.json").string());
  }
  FeatureLayout layout = std::move(parsed_layout).value();
  if (!layout.step_count_feature) {
    return unsupported(fmt::format("{}: no readable per-step feature under 'steps'",
                                   (dir / "features.json").string()));
  }
  for (const FeatureSpec& spec : layout.features) {
    if (!spec.unsupported.empty()) {
      diagnostics.warn((dir / "features.json").string(), std::nullopt,
                       fmt::format("feature '{}' is not read: {}", spec.key, spec.unsupported));
    }
  }

  // Rate: option, known dataset, default.
  const KnownDataset* known = known_dataset(dataset.name);
  double rate_hz = kDefaultRldsRateHz;
  std::string rate_source = "default";
  if (options.rate_hz) {
    rate_hz = *options.rate_hz;
    rate_source = "option";
  } else if (known != nullptr && known->rate_hz > 0) {
    rate_hz = known->rate_hz;
    rate_source = "known dataset";
  }

  // Shards.
  std::vector<Shard> shards;
  std::vector<std::string> splits_read;
  std::vector<std::uint64_t> expected_records;  // per shard, from shardLengths (or max)
  bool split_found = options.split.empty();
  for (const SplitInfo& split : dataset.splits) {
    if (!options.split.empty() && split.name != options.split) continue;
    split_found = true;
    const std::vector<std::string> names = shard_names(dataset, split, dir);
    bool any = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const fs::path file = dir / names[i];
      if (location.shard && fs::path(names[i]) != location.shard->filename()) continue;
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) {
        diagnostics.warn(
            file.string(), std::nullopt,
            fmt::format("split '{}': shard file is missing; its {} episodes are "
                        "absent",
                        split.name,
                        i < split.shard_lengths.size() ? fmt::format("{}", split.shard_lengths[i])
                                                       : std::string("unknown")));
        continue;
      }
      PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(file));
      shards.push_back({file, split.name, std::move(source)});
      expected_records.push_back(i < split.shard_lengths.size()
                                     ? split.shard_lengths[i]
                                     : std::numeric_limits<std::uint64_t>::max());
      any = true;
    }
    if (any) splits_read.push_back(split.name);
  }
  if (!split_found) {
    return not_found(
        fmt::format("{}: no split '{}' in dataset_info.json", dir.string(), options.split));
  }
  if (shards.empty()) {
    return not_found(fmt::format(
        "{}: no shard files of {} found", dir.string(),
        location.shard ? location.shard->filename().string() : std::string("any split")));
  }

  // Features the open-time scan reads.
  std::set<std::string> wanted = {layout.features[*layout.step_count_feature].key, "steps/is_last"};
  for (const FeatureSpec& spec : layout.features) {
    const bool instruction =
        spec.per_step && spec.kind == LeafKind::kText && spec.key.size() >= 20 &&
        spec.key.compare(spec.key.size() - 20, 20, "language_instruction") == 0;
    if ((!spec.per_step || instruction) && spec.unsupported.empty()) wanted.insert(spec.key);
  }

  // Streams: readable per-step leaves in key order.
  RecordingInfo info;
  info.format = "rlds";
  info.library = fmt::format("tfds ({} {})", dataset.name, dataset.version);
  info.indexed = true;
  std::vector<std::size_t> stream_feature;
  for (std::size_t i = 0; i < layout.features.size(); ++i) {
    const FeatureSpec& spec = layout.features[i];
    if (!spec.per_step || !spec.unsupported.empty()) continue;
    info.streams.push_back(
        make_stream(spec, static_cast<std::uint32_t>(info.streams.size()), rate_hz));
    stream_feature.push_back(i);
  }

  // Records and episodes.
  std::vector<EpisodeRef> episodes;
  std::uint64_t next_step = 0;
  std::uint64_t without_is_last = 0;
  const auto time_of = [&](std::uint64_t step) {
    return static_cast<std::int64_t>(
        std::llround(static_cast<long double>(step) * 1e9L / static_cast<long double>(rate_hz)));
  };
  for (std::size_t s = 0; s < shards.size(); ++s) {
    const Shard& shard = shards[s];
    info.files.push_back(shard.path);
    info.size_bytes += shard.source->size();
    PARITY_ASSIGN_OR_RETURN(const auto entries, index_tfrecords(*shard.source, diagnostics));
    if (expected_records[s] != std::numeric_limits<std::uint64_t>::max() &&
        entries.size() != expected_records[s]) {
      diagnostics.warn(shard.path.string(), std::nullopt,
                       fmt::format("{} records, dataset_info.json shardLengths says {}",
                                   entries.size(), expected_records[s]));
    }
    for (std::size_t r = 0; r < entries.size(); ++r) {
      auto scan = scan_record(shard, entries[r], layout, wanted, diagnostics);
      if (!scan.ok()) {
        if (scan.status().code() == StatusCode::kIoError) return scan.status();
        diagnostics.error(shard.path.string(), entries[r].offset,
                          fmt::format("record {} skipped: {}", r, scan.status().message()));
        continue;
      }
      EpisodeRef ref{static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(r), entries[r],
                     scan->steps, next_step};
      EpisodeInfo episode;
      episode.index = static_cast<std::uint32_t>(episodes.size());
      episode.name = fmt::format("{}:{}", shard.path.filename().string(), r);
      episode.attributes = std::move(scan->attributes);
      episode.attributes["split"] = shard.split;
      if (scan->steps > 0) {
        episode.start_ns = time_of(next_step);
        episode.end_ns = time_of(next_step + scan->steps - 1);
        for (std::uint32_t id = 0; id < info.streams.size(); ++id) {
          if (scan->keys.count(info.streams[id].topic) == 0) continue;
          StreamInfo& stream = info.streams[id];
          episode.streams.push_back({id, scan->steps, episode.start_ns, episode.end_ns});
          episode.message_count += scan->steps;
          if (stream.message_count == 0) stream.start_ns = episode.start_ns;
          stream.end_ns = episode.end_ns;
          stream.message_count += scan->steps;
        }
      }
      if (scan->has_is_last && !scan->any_is_last) ++without_is_last;
      if (episode.message_count > 0) {
        if (info.message_count == 0) info.start_ns = episode.start_ns;
        info.end_ns = episode.end_ns;
        info.message_count += episode.message_count;
      }
      next_step += scan->steps;
      info.episodes.push_back(std::move(episode));
      episodes.push_back(ref);
    }
  }
  if (without_is_last > 0) {
    diagnostics.warn(dir.string(), std::nullopt,
                     fmt::format("{} of {} episodes have no step with steps/is_last = 1: they are "
                                 "truncated (the recording stopped before the episode ended)",
                                 without_is_last, episodes.size()));
  }
  if (info.episodes.empty()) {
    // Never empty (recording.h): an empty dataset is one empty episode.
    info.episodes.push_back(whole_recording_episode(info));
  }

  MetadataRecord rlds{"rlds", {}};
  rlds.entries["name"] = dataset.name;
  rlds.entries["version"] = dataset.version;
  rlds.entries["split"] = fmt::format("{}", fmt::join(splits_read, ","));
  if (!dataset.module_name.empty()) rlds.entries["module_name"] = dataset.module_name;
  rlds.entries["file_format"] = dataset.file_format.empty() ? "tfrecord" : dataset.file_format;
  if (!dataset.description.empty()) {
    rlds.entries["description"] = clip(dataset.description, kMaxInfoText);
  }
  if (!dataset.citation.empty()) rlds.entries["citation"] = clip(dataset.citation, kMaxInfoText);
  for (const SplitInfo& split : dataset.splits) {
    std::uint64_t total = 0;
    for (const std::uint64_t n : split.shard_lengths) total += n;
    rlds.entries[fmt::format("splits.{}.shards", split.name)] =
        fmt::format("{}", split.shard_lengths.size());
    rlds.entries[fmt::format("splits.{}.episodes", split.name)] = fmt::format("{}", total);
    if (!split.num_bytes.empty()) {
      rlds.entries[fmt::format("splits.{}.num_bytes", split.name)] = split.num_bytes;
    }
  }
  rlds.entries["time_source"] = "synthetic";
  rlds.entries["rate_hz"] = format_rate(rate_hz);
  rlds.entries["rate_source"] = rate_source;
  info.metadata.push_back(std::move(rlds));
  if (known != nullptr) {
    info.metadata.push_back({"attributes", {{"embodiment", std::string(known->embodiment)}}});
  }

  return std::unique_ptr<Recording>(
      new RldsRecording(std::move(shards), std::move(layout), std::move(stream_feature),
                        std::move(episodes), rate_hz, std::move(info), diagnostics));
}

}  // namespace parity::rlds
