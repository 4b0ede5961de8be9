#include "lerobot_meta.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "parity/formats/parquet/parquet_reader.h"
#include "parity/io/byte_source.h"

namespace parity::lerobot {
namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kMaxMetaFileBytes = 256ull << 20;

Result<std::string> read_text_file(const fs::path& path) {
  return read_small_file(path, kMaxMetaFileBytes, "a meta file");
}

std::optional<std::uint64_t> unsigned_field(const Json& node, const char* key) {
  const auto it = node.find(key);
  if (it == node.end()) return std::nullopt;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
  }
  return std::nullopt;
}

std::string string_field(const Json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// LeRobot writes names as a flat list, a list of lists (v2.0 "motors"), a {"axes": [...]}
// object, or null; all flatten to one list of strings.
void flatten_names(const Json& node, std::vector<std::string>& out) {
  if (node.is_string()) {
    out.push_back(node.get<std::string>());
  } else if (node.is_array()) {
    for (const Json& item : node) flatten_names(item, out);
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items()) flatten_names(value, out);
  }
}

Result<FeatureMeta> parse_feature(const fs::path& file, const std::string& key, const Json& node) {
  FeatureMeta feature;
  feature.key = key;
  if (!node.is_object()) {
    return corrupt(fmt::format("{}: feature '{}' is not an object", file.string(), key));
  }
  feature.dtype = string_field(node, "dtype");
  if (feature.dtype.empty()) {
    return corrupt(fmt::format("{}: feature '{}' has no dtype", file.string(), key));
  }
  if (const auto shape = node.find("shape"); shape != node.end() && shape->is_array()) {
    for (const Json& d : *shape) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0) {
        return corrupt(fmt::format("{}: feature '{}': shape {} is not a list of sizes",
                                   file.string(), key, shape->dump()));
      }
      feature.shape.push_back(d.get<std::uint64_t>());
    }
  }
  if (const auto names = node.find("names"); names != node.end()) {
    // Video and image features name their axes ("height", "width", "channel"), not elements.
    if (!feature.is_video() && !feature.is_image()) flatten_names(*names, feature.names);
  }
  if (const auto info = node.find("info"); info != node.end() && info->is_object()) {
    feature.video_codec = string_field(*info, "video.codec");
    feature.video_width = static_cast<int>(unsigned_field(*info, "video.width").value_or(0));
    feature.video_height = static_cast<int>(unsigned_field(*info, "video.height").value_or(0));
    if (const auto fps = info->find("video.fps"); fps != info->end() && fps->is_number()) {
      feature.video_fps = fps->get<double>();
    }
    if (const auto depth = info->find("video.is_depth_map");
        depth != info->end() && depth->is_boolean()) {
      feature.is_depth_map = depth->get<bool>();
    }
  }
  return feature;
}

Result<InfoMeta> read_info(const fs::path& file) {
  PARITY_ASSIGN_OR_RETURN(const std::string text, read_text_file(file));
  InfoMeta info;
  try {
    const Json root = Json::parse(text);
    if (!root.is_object()) return corrupt(fmt::format("{}: not a JSON object", file.string()));
    info.codebase_version = string_field(root, "codebase_version");
    if (info.codebase_version.starts_with("v2")) {
      info.major_version = 2;
    } else if (info.codebase_version.starts_with("v3")) {
      info.major_version = 3;
    } else {
      return unsupported(fmt::format(
          "{}: codebase_version '{}': only LeRobot datasets v2.0, v2.1 and v3.0 are supported",
          file.string(), info.codebase_version));
    }
    info.robot_type = string_field(root, "robot_type");
    if (const auto fps = root.find("fps"); fps != root.end() && fps->is_number()) {
      info.fps = fps->get<double>();
    }
    if (!(info.fps > 0 && info.fps <= 100000)) {
      return corrupt(fmt::format("{}: fps is missing or not a positive rate", file.string()));
    }
    info.total_episodes = unsigned_field(root, "total_episodes");
    info.total_frames = unsigned_field(root, "total_frames");
    info.total_tasks = unsigned_field(root, "total_tasks");
    info.chunks_size = unsigned_field(root, "chunks_size").value_or(1000);
    if (info.chunks_size == 0) info.chunks_size = 1000;
    info.data_path = string_field(root, "data_path");
    info.video_path = string_field(root, "video_path");
    if (const auto splits = root.find("splits"); splits != root.end() && splits->is_object()) {
      for (const auto& [name, range] : splits->items()) {
        if (range.is_string()) info.splits[name] = range.get<std::string>();
      }
    }
    const auto features = root.find("features");
    if (features == root.end() || !features->is_object()) {
      return corrupt(fmt::format("{}: no 'features' object", file.string()));
    }
    for (const auto& [key, node] : features->items()) {
      PARITY_ASSIGN_OR_RETURN(FeatureMeta feature, parse_feature(file, key, node));
      info.features.push_back(std::move(feature));
    }
  } catch (const std::exception& e) {
    return corrupt(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
  if (info.data_path.empty()) {
    info.data_path = info.major_version == 2
                         ? "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet"
                         : "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet";
  }
  return info;
}

// Calls `on_line` with each JSON object of a JSON Lines file; bad lines are warnings.
Status for_each_json_line(const fs::path& file, DiagnosticSink& diagnostics,
                          const std::function<void(const Json&)>& on_line) {
  PARITY_ASSIGN_OR_RETURN(const std::string text, read_text_file(file));
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      const Json node = Json::parse(line);
      if (!node.is_object()) throw std::runtime_error("not a JSON object");
      on_line(node);
    } catch (const std::exception& e) {
      diagnostics.warn(file.string(), std::nullopt,
                       fmt::format("line {}: skipped: {}", line_number, e.what()));
    }
  }
  return {};
}

// Value `row` of a flat integer column as unsigned, if present and non-negative.
std::optional<std::uint64_t> integer_at(const parquet::ColumnData* column, std::size_t row) {
  if (column == nullptr || column->is_null(row)) return std::nullopt;
  const std::vector<std::size_t> offsets = column->row_offsets();
  if (row + 1 >= offsets.size() || offsets[row] == offsets[row + 1]) return std::nullopt;
  const double value = column->as_double(offsets[row]);
  if (!(value >= 0)) return std::nullopt;
  return static_cast<std::uint64_t>(value);
}

std::optional<double> double_at(const parquet::ColumnData* column, std::size_t row) {
  if (column == nullptr || column->is_null(row)) return std::nullopt;
  const std::vector<std::size_t> offsets = column->row_offsets();
  if (row + 1 >= offsets.size() || offsets[row] == offsets[row + 1]) return std::nullopt;
  return column->as_double(offsets[row]);
}

// Strings of row `row` of a string or list<string> column.
std::vector<std::string> strings_at(const parquet::ColumnData* column, std::size_t row) {
  std::vector<std::string> out;
  if (column == nullptr) return out;
  const auto* bytes = std::get_if<parquet::ByteArrays>(&column->values);
  if (bytes == nullptr) return out;
  const std::vector<std::size_t> offsets = column->row_offsets();
  if (row + 1 >= offsets.size()) return out;
  for (std::size_t i = offsets[row]; i < offsets[row + 1] && i < bytes->size(); ++i) {
    out.emplace_back(bytes->view(i));
  }
  return out;
}

// The named top-level columns that exist in a file, read whole. The batch's column descriptors
// point into the reader's metadata, so the two travel together.
struct ParquetTable {
  std::unique_ptr<parquet::FileReader> reader;
  parquet::RecordBatch batch;
};

Result<ParquetTable> read_parquet_columns(const fs::path& file,
                                          const std::vector<std::string>& wanted) {
  ParquetTable table;
  PARITY_ASSIGN_OR_RETURN(table.reader, parquet::FileReader::open(file));
  parquet::ReadRequest request;
  for (const std::string& name : wanted) {
    if (!table.reader->metadata().find_field(name).empty()) request.columns.push_back(name);
  }
  if (request.columns.empty()) {
    return not_found(fmt::format("{}: none of the columns {} is present", file.string(),
                                 fmt::join(wanted, ", ")));
  }
  PARITY_ASSIGN_OR_RETURN(table.batch, parquet::read_all(*table.reader, std::move(request)));
  return table;
}

Status read_tasks_parquet(const fs::path& file, DatasetMeta& meta) {
  PARITY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::open(file));
  // pandas writes the task text as the index ("__index_level_0__"); later writers as "task".
  std::string text_column;
  for (const std::string& name : reader->metadata().top_level_names()) {
    const auto leaves = reader->metadata().find_field(name);
    if (leaves.size() == 1 && leaves[0]->physical_type == parquet::PhysicalType::kByteArray &&
        (text_column.empty() || name == "task")) {
      text_column = name;
    }
  }
  if (text_column.empty() || reader->metadata().find_field("task_index").empty()) {
    return corrupt(fmt::format("{}: no task_index and task text columns", file.string()));
  }
  parquet::ReadRequest request;
  request.columns = {"task_index", text_column};
  PARITY_ASSIGN_OR_RETURN(const parquet::RecordBatch batch,
                          parquet::read_all(*reader, std::move(request)));
  const parquet::ColumnData* index = batch.find("task_index");
  const parquet::ColumnData* text = batch.find(text_column);
  for (std::size_t row = 0; row < batch.num_rows; ++row) {
    const auto task_index = integer_at(index, row);
    const auto task = strings_at(text, row);
    if (task_index && !task.empty()) meta.tasks[*task_index] = task.front();
  }
  return {};
}

Status read_episodes_parquet(const fs::path& file, DatasetMeta& meta) {
  std::vector<std::string> columns = {"episode_index",    "tasks",           "length",
                                      "data/chunk_index", "data/file_index", "dataset_from_index",
                                      "dataset_to_index"};
  std::vector<std::string> video_keys;
  for (const FeatureMeta& feature : meta.info.features) {
    if (!feature.is_video()) continue;
    video_keys.push_back(feature.key);
    for (const char* field : {"chunk_index", "file_index", "from_timestamp", "to_timestamp"}) {
      columns.push_back(fmt::format("videos/{}/{}", feature.key, field));
    }
  }
  PARITY_ASSIGN_OR_RETURN(const ParquetTable table, read_parquet_columns(file, columns));
  const parquet::RecordBatch& batch = table.batch;
  const parquet::ColumnData* episode_index = batch.find("episode_index");
  if (episode_index == nullptr) {
    return corrupt(fmt::format("{}: no episode_index column", file.string()));
  }
  for (std::size_t row = 0; row < batch.num_rows; ++row) {
    const auto index = integer_at(episode_index, row);
    if (!index) {
      return corrupt(fmt::format("{}: row {}: episode_index is null", file.string(), row));
    }
    EpisodeMeta episode;
    episode.episode_index = *index;
    episode.tasks = strings_at(batch.find("tasks"), row);
    episode.length = integer_at(batch.find("length"), row);
    episode.data_chunk_index = integer_at(batch.find("data/chunk_index"), row);
    episode.data_file_index = integer_at(batch.find("data/file_index"), row);
    episode.dataset_from_index = integer_at(batch.find("dataset_from_index"), row);
    episode.dataset_to_index = integer_at(batch.find("dataset_to_index"), row);
    for (const std::string& key : video_keys) {
      const auto chunk = integer_at(batch.find(fmt::format("videos/{}/chunk_index", key)), row);
      const auto file_index = integer_at(batch.find(fmt::format("videos/{}/file_index", key)), row);
      if (!chunk || !file_index) continue;
      VideoSegment segment;
      segment.chunk_index = *chunk;
      segment.file_index = *file_index;
      segment.from_timestamp_s =
          double_at(batch.find(fmt::format("videos/{}/from_timestamp", key)), row).value_or(0);
      segment.to_timestamp_s =
          double_at(batch.find(fmt::format("videos/{}/to_timestamp", key)), row);
      episode.videos[key] = segment;
    }
    meta.episodes.push_back(std::move(episode));
  }
  return {};
}

std::vector<fs::path> sorted_files(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == extension) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

const FeatureMeta* InfoMeta::find_feature(const std::string& key) const {
  for (const FeatureMeta& feature : features) {
    if (feature.key == key) return &feature;
  }
  return nullptr;
}

bool is_lerobot_dir(const fs::path& dir) {
  std::error_code ec;
  const fs::path file = dir / "meta" / "info.json";
  if (!fs::is_regular_file(file, ec)) return false;
  const auto size = fs::file_size(file, ec);
  if (ec || size > kMaxMetaFileBytes) return false;
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return false;
  const std::string version = string_field(root, "codebase_version");
  return version.starts_with("v2") || version.starts_with("v3");
}

Result<DatasetMeta> read_dataset_meta(const fs::path& root, DiagnosticSink& diagnostics) {
  DatasetMeta meta;
  meta.root = root;
  const fs::path info_file = root / "meta" / "info.json";
  std::error_code ec;
  if (!fs::is_regular_file(info_file, ec)) {
    return not_found(fmt::format("{}: no such file: not a LeRobot dataset", info_file.string()));
  }
  PARITY_ASSIGN_OR_RETURN(meta.info, read_info(info_file));
  meta.meta_files.push_back(info_file);

  // Tasks: tasks.jsonl (v2.x) or tasks.parquet (v3.0); either is accepted in both.
  const fs::path tasks_jsonl = root / "meta" / "tasks.jsonl";
  const fs::path tasks_parquet = root / "meta" / "tasks.parquet";
  Status tasks_status;
  if (fs::is_regular_file(tasks_jsonl, ec)) {
    meta.meta_files.push_back(tasks_jsonl);
    tasks_status = for_each_json_line(tasks_jsonl, diagnostics, [&](const Json& line) {
      const auto index = unsigned_field(line, "task_index");
      const std::string task = string_field(line, "task");
      if (index) meta.tasks[*index] = task;
    });
  } else if (fs::is_regular_file(tasks_parquet, ec)) {
    meta.meta_files.push_back(tasks_parquet);
    tasks_status = read_tasks_parquet(tasks_parquet, meta);
  } else {
    diagnostics.warn(root.string(), std::nullopt,
                     "no meta/tasks.jsonl or meta/tasks.parquet: episodes have no task");
  }
  if (!tasks_status.ok()) {
    diagnostics.warn(root.string(), std::nullopt,
                     fmt::format("task table not read: {}", tasks_status.message()));
  }

  // Episodes: episodes.jsonl (v2.x) or meta/episodes/**/*.parquet (v3.0).
  const fs::path episodes_jsonl = root / "meta" / "episodes.jsonl";
  const fs::path episodes_dir = root / "meta" / "episodes";
  if (fs::is_regular_file(episodes_jsonl, ec)) {
    meta.meta_files.push_back(episodes_jsonl);
    const Status read = for_each_json_line(episodes_jsonl, diagnostics, [&](const Json& line) {
      const auto index = unsigned_field(line, "episode_index");
      if (!index) return;
      EpisodeMeta episode;
      episode.episode_index = *index;
      episode.length = unsigned_field(line, "length");
      if (const auto tasks = line.find("tasks"); tasks != line.end() && tasks->is_array()) {
        for (const Json& task : *tasks) {
          if (task.is_string()) episode.tasks.push_back(task.get<std::string>());
        }
      }
      meta.episodes.push_back(std::move(episode));
    });
    if (!read.ok()) {
      diagnostics.warn(root.string(), std::nullopt,
                       fmt::format("episode table not read: {}", read.message()));
    }
  } else if (fs::is_directory(episodes_dir, ec)) {
    for (const fs::path& file : sorted_files(episodes_dir, ".parquet")) {
      meta.meta_files.push_back(file);
      const Status read = read_episodes_parquet(file, meta);
      if (!read.ok()) {
        diagnostics.warn(file.string(), std::nullopt,
                         fmt::format("episode table not read: {}", read.message()));
      }
    }
  } else {
    diagnostics.warn(root.string(), std::nullopt,
                     "no meta/episodes.jsonl or meta/episodes/: episodes are taken from the data "
                     "files alone");
  }
  std::stable_sort(
      meta.episodes.begin(), meta.episodes.end(),
      [](const EpisodeMeta& a, const EpisodeMeta& b) { return a.episode_index < b.episode_index; });
  std::set<std::uint64_t> seen;
  std::erase_if(meta.episodes, [&](const EpisodeMeta& e) {
    if (seen.insert(e.episode_index).second) return false;
    diagnostics.warn(root.string(), std::nullopt,
                     fmt::format("episode {} is listed twice in the episode table; the first "
                                 "entry is used",
                                 e.episode_index));
    return true;
  });
  return meta;
}

Result<std::string> expand_path_template(const std::string& pattern,
                                         const std::map<std::string, std::uint64_t>& integers,
                                         const std::map<std::string, std::string>& strings) {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const std::size_t open = pattern.find('{', at);
    if (open == std::string::npos) {
      out.append(pattern, at, std::string::npos);
      break;
    }
    out.append(pattern, at, open - at);
    const std::size_t close = pattern.find('}', open);
    if (close == std::string::npos) {
      return invalid_argument(
          fmt::format("path template '{}': unclosed '{{' at {}", pattern, open));
    }
    const std::string field = pattern.substr(open + 1, close - open - 1);
    const std::size_t colon = field.find(':');
    const std::string name = field.substr(0, colon);
    if (const auto it = integers.find(name); it != integers.end()) {
      std::size_t width = 0;
      if (colon != std::string::npos) {
        const std::string spec = field.substr(colon + 1);  // "03d"
        if (spec.size() < 2 || spec.back() != 'd' ||
            spec.find_first_not_of("0123456789", 0) != spec.size() - 1) {
          return invalid_argument(
              fmt::format("path template '{}': format '{}' of field '{}' is not like '03d'",
                          pattern, spec, name));
        }
        width = std::stoul(spec.substr(0, spec.size() - 1));
      }
      std::string digits = std::to_string(it->second);
      if (digits.size() < width) out.append(width - digits.size(), '0');
      out += digits;
    } else if (const auto s = strings.find(name);
               s != strings.end() && colon == std::string::npos) {
      out += s->second;
    } else {
      return invalid_argument(fmt::format("path template '{}': unknown field '{}'", pattern, name));
    }
    at = close + 1;
  }
  return out;
}

}  // namespace parity::lerobot
