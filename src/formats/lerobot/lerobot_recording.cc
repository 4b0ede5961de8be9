#include "parity/formats/lerobot/lerobot_recording.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "lerobot_meta.h"
#include "parity/formats/parquet/parquet_reader.h"
#include "parity/formats/tensor.h"
#include "parity/formats/video/video_reader.h"

namespace parity::lerobot {
namespace fs = std::filesystem;

namespace {

// Columns LeRobot writes into every data file to place a row; they are not streams.
constexpr std::string_view kBookkeepingColumns[] = {"timestamp", "frame_index", "episode_index",
                                                    "index", "task_index"};
// Keys some datasets use in place of LeRobot's standard ones.
struct KeyAlias {
  std::string_view key;
  std::string_view standard;
};
constexpr KeyAlias kNonStandardKeys[] = {{"actions", "action"},
                                         {"state", "observation.state"},
                                         {"states", "observation.state"},
                                         {"image", "observation.images.<camera>"},
                                         {"images", "observation.images.<camera>"}};

constexpr std::uint64_t kScanBatchRows = 65536;
constexpr std::size_t kMaxListedEpisodes = 8;

bool is_bookkeeping(std::string_view key) {
  return std::find(std::begin(kBookkeepingColumns), std::end(kBookkeepingColumns), key) !=
         std::end(kBookkeepingColumns);
}

// "0, 3, 4, ... (98 in all)".
std::string episode_list(const std::vector<std::uint64_t>& episodes);

// "episode 2", "episodes 0, 3, 4, ... (98 in all)".
std::string episodes_named(const std::vector<std::uint64_t>& episodes) {
  return (episodes.size() == 1 ? "episode " : "episodes ") + episode_list(episodes);
}

std::string episode_list(const std::vector<std::uint64_t>& episodes) {
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < episodes.size() && i < kMaxListedEpisodes; ++i) {
    shown.push_back(std::to_string(episodes[i]));
  }
  if (episodes.size() > kMaxListedEpisodes) {
    return fmt::format("{}, ... ({} in all)", fmt::join(shown, ", "), episodes.size());
  }
  return fmt::format("{}", fmt::join(shown, ", "));
}

// libavcodec names a codec after its format; info.json sometimes names the encoder instead.
std::string normalized_codec(std::string codec) {
  std::transform(codec.begin(), codec.end(), codec.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (codec == "libsvtav1" || codec == "libaom-av1" || codec == "libdav1d" || codec == "av01") {
    return "av1";
  }
  if (codec == "libx264" || codec == "avc" || codec == "avc1") return "h264";
  if (codec == "libx265" || codec == "h265" || codec == "hvc1") return "hevc";
  return codec;
}

// ------------------------------------------------------------------------ streams

enum class SourceKind : std::uint8_t { kTensor, kText, kImageBytes, kVideo };

struct StreamSource {
  SourceKind kind = SourceKind::kTensor;
  std::string column;  // top-level data column (tensor, text, image bytes); the key for video
  TensorSpec spec;     // kTensor, kVideo
  std::size_t video_slot = 0;  // kVideo: index into EpisodeRef::videos
};

Result<DType> dtype_of_leaf(const parquet::ColumnDescriptor& leaf) {
  using parquet::LogicalType;
  using parquet::PhysicalType;
  const LogicalType& logical = leaf.logical_type;
  switch (leaf.physical_type) {
    case PhysicalType::kBoolean: return DType::kBool;
    case PhysicalType::kFloat: return DType::kFloat32;
    case PhysicalType::kDouble: return DType::kFloat64;
    case PhysicalType::kInt32:
      if (logical.kind == LogicalType::Kind::kInteger) {
        if (logical.bit_width == 8) return logical.is_signed ? DType::kInt8 : DType::kUint8;
        if (logical.bit_width == 16) return logical.is_signed ? DType::kInt16 : DType::kUint16;
        if (!logical.is_signed) return DType::kUint32;
      }
      return DType::kInt32;
    case PhysicalType::kInt64:
      return logical.kind == LogicalType::Kind::kInteger && !logical.is_signed ? DType::kUint64
                                                                               : DType::kInt64;
    case PhysicalType::kFixedLenByteArray:
      if (logical.kind == LogicalType::Kind::kFloat16 && leaf.type_length == 2) {
        return DType::kFloat16;
      }
      break;
    default: break;
  }
  return unsupported(fmt::format("column '{}' of physical type {} is not a numeric array",
                                 leaf.dotted_path(),
                                 parquet::physical_type_name(leaf.physical_type)));
}

// Appends values [begin, end) of `column` to `out` as `dtype` elements (little-endian).
void append_elements(const parquet::ColumnData& column, std::size_t begin, std::size_t end,
                     DType dtype, std::vector<std::uint8_t>& out) {
  const std::size_t size = dtype_size(dtype);
  const std::size_t at = out.size();
  out.resize(at + (end - begin) * size);
  std::uint8_t* dst = out.data() + at;
  std::visit(
      [&](const auto& values) {
        using Vector = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<Vector, std::vector<bool>>) {
          for (std::size_t i = begin; i < end; ++i) *dst++ = values[i] ? 1 : 0;
        } else if constexpr (std::is_same_v<Vector, parquet::ByteArrays>) {
          for (std::size_t i = begin; i < end; ++i, dst += size) {  // FLOAT16 as FLBA(2)
            const std::string_view v = values.view(i);
            std::memcpy(dst, v.data(), std::min(v.size(), size));
          }
        } else if constexpr (std::is_arithmetic_v<typename Vector::value_type>) {
          using T = typename Vector::value_type;
          if (sizeof(T) == size) {
            std::memcpy(dst, values.data() + begin, (end - begin) * size);
          } else {  // INT32 holding 8- or 16-bit integers: keep the low bytes (little-endian)
            for (std::size_t i = begin; i < end; ++i, dst += size) {
              const auto wide = static_cast<std::uint64_t>(values[i]);
              for (std::size_t b = 0; b < size; ++b) {
                dst[b] = static_cast<std::uint8_t>(wide >> (8 * b));
              }
            }
          }
        }
      },
      column.values);
}

// ------------------------------------------------------------------------ the dataset

struct DataFile {
  fs::path path;
  std::uint64_t size_bytes = 0;
  std::uint64_t rows = 0;
};

struct VideoRef {
  fs::path path;
  double from_s = 0;  // the episode's time 0 in the file's time
};

struct EpisodeRef {
  std::uint64_t episode_index = 0;
  std::size_t data_file = 0;
  std::uint64_t first_row = 0;  // within the data file
  std::uint64_t rows = 0;
  double first_timestamp_s = 0;
  double last_timestamp_s = 0;
  std::int64_t offset_ns = 0;  // where the episode's time 0 sits on the recording's timeline
  std::optional<std::uint64_t> task_index;
  std::vector<std::optional<VideoRef>> videos;  // per video slot
};

// One run of consecutive rows of one episode in one data file, found by the scan.
struct RowRun {
  std::uint64_t episode_index = 0;
  std::size_t data_file = 0;
  std::uint64_t first_row = 0;
  std::uint64_t rows = 0;
  double first_timestamp_s = 0;
  double last_timestamp_s = 0;
  std::optional<std::uint64_t> task_index;
};

// Reads the bookkeeping columns of one data file, sets its row count and appends its row runs.
Status scan_data_file(DataFile& file, std::size_t file_index, double fps,
                      std::vector<RowRun>& runs) {
  PARITY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::open(file.path));
  const parquet::FileMetadata& metadata = reader->metadata();
  file.rows = metadata.num_rows;
  parquet::ReadRequest request;
  if (metadata.find_field("episode_index").empty()) {
    return corrupt(fmt::format("{}: no episode_index column (fields: {})", file.path.string(),
                               fmt::join(metadata.top_level_names(), ", ")));
  }
  request.columns = {"episode_index"};
  const bool has_timestamp = !metadata.find_field("timestamp").empty();
  const bool has_task = !metadata.find_field("task_index").empty();
  if (has_timestamp) request.columns.push_back("timestamp");
  if (has_task) request.columns.push_back("task_index");
  request.batch_rows = kScanBatchRows;
  PARITY_RETURN_IF_ERROR(reader->start(request));
  parquet::RecordBatch batch;
  const std::size_t first_run = runs.size();
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool more, reader->next(batch));
    if (!more) break;
    const parquet::ColumnData* episodes = batch.find("episode_index");
    const parquet::ColumnData* timestamps = has_timestamp ? batch.find("timestamp") : nullptr;
    const parquet::ColumnData* tasks = has_task ? batch.find("task_index") : nullptr;
    if (episodes == nullptr || episodes->value_count() != batch.num_rows ||
        (timestamps != nullptr && timestamps->value_count() != batch.num_rows)) {
      return corrupt(fmt::format("{}: rows {}..{}: episode_index or timestamp has nulls",
                                 file.path.string(), batch.first_row,
                                 batch.first_row + batch.num_rows));
    }
    for (std::size_t r = 0; r < batch.num_rows; ++r) {
      const double episode_value = episodes->as_double(r);
      if (!(episode_value >= 0)) {
        return corrupt(fmt::format("{}: row {}: episode_index {} is negative", file.path.string(),
                                   batch.first_row + r, episode_value));
      }
      const auto episode = static_cast<std::uint64_t>(episode_value);
      const std::uint64_t row = batch.first_row + r;
      const bool continues = runs.size() > first_run && runs.back().episode_index == episode;
      if (!continues) {
        RowRun run;
        run.episode_index = episode;
        run.data_file = file_index;
        run.first_row = row;
        runs.push_back(run);
      }
      RowRun& run = runs.back();
      const double timestamp =
          timestamps != nullptr ? timestamps->as_double(r) : static_cast<double>(run.rows) / fps;
      if (run.rows == 0) {
        run.first_timestamp_s = timestamp;
        if (tasks != nullptr && !tasks->is_null(r)) {
          const std::size_t at = tasks->row_offsets()[r];
          const double task = tasks->as_double(at);
          if (task >= 0) run.task_index = static_cast<std::uint64_t>(task);
        }
      }
      run.last_timestamp_s = timestamp;
      ++run.rows;
    }
  }
  return {};
}

class LeRobotRecording final : public Recording {
 public:
  LeRobotRecording(DatasetMeta meta, std::vector<DataFile> data_files,
                   std::vector<StreamSource> sources, std::vector<EpisodeRef> episodes,
                   RecordingInfo info, DiagnosticSink& diagnostics)
      : meta_(std::move(meta)),
        data_files_(std::move(data_files)),
        sources_(std::move(sources)),
        episodes_(std::move(episodes)),
        info_(std::move(info)),
        diagnostics_(diagnostics) {}

  const RecordingInfo& info() const override { return info_; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override {
    if (options.limit && *options.limit == 0) return {};
    if (options.frame_stride == 0) return invalid_argument("frame_stride must be at least 1");
    std::vector<bool> wanted(info_.streams.size(), options.topics.empty());
    for (const std::string& topic : options.topics) {
      for (std::size_t s = 0; s < info_.streams.size(); ++s) {
        if (info_.streams[s].topic == topic) wanted[s] = true;
      }
    }
    std::uint64_t total = 0;
    for (const DataFile& file : data_files_) total += file.size_bytes;
    std::uint64_t done = 0;
    std::uint64_t delivered = 0;
    for (std::size_t e = 0; e < episodes_.size(); ++e) {
      const EpisodeRef& ref = episodes_[e];
      const DataFile& file = data_files_[ref.data_file];
      const std::uint64_t share =
          file.rows == 0 ? 0 : file.size_bytes * ref.rows / std::max<std::uint64_t>(file.rows, 1);
      const EpisodeInfo& episode = info_.episodes[e];
      const bool skip = (options.episode && *options.episode != e) || episode.message_count == 0 ||
                        (options.start_ns && episode.end_ns < *options.start_ns) ||
                        (options.end_ns && episode.start_ns >= *options.end_ns);
      if (!skip) {
        PARITY_RETURN_IF_ERROR(deliver_episode(e, wanted, options, on_message, delivered));
        if (options.limit && delivered >= *options.limit) break;
      }
      done += share;
      if (options.on_progress) options.on_progress(done, total);
    }
    return {};
  }

 private:
  // Decoding state of one video stream within one episode.
  struct VideoCursor {
    video::VideoReader* reader = nullptr;
    bool started = false;
    bool ended = false;
    bool have_frame = false;  // `frame` holds a decoded frame not yet passed
    video::VideoFrame frame;
    std::uint64_t delivered = 0;
    std::uint64_t missing = 0;
    std::string failure;  // why decoding stopped early ("" = it did not)
    // ReadOptions::video_max_side: the stream as delivered (its schema states the reduced
    // frame shape), built from the first reduced frame; unset at native size.
    std::optional<StreamInfo> reduced;
    std::vector<std::uint64_t> reduced_shape;
  };

  // The stream description of `cursor`'s current frame: the stream itself at native size, else
  // a copy whose schema has the frame's shape. Returns null when the frame's size matches
  // neither (a damaged frame).
  const StreamInfo* delivered_stream(const StreamSource& source, const StreamInfo& stream,
                                     VideoCursor& cursor) {
    const video::VideoFrame& frame = cursor.frame;
    if (frame.pixels.size() == source.spec.byte_size()) return &stream;
    if (source.spec.shape.size() != 3 || source.spec.shape[2] != 3 || frame.width <= 0 ||
        frame.height <= 0 ||
        frame.pixels.size() != static_cast<std::size_t>(frame.width) * frame.height * 3) {
      return nullptr;
    }
    const std::vector<std::uint64_t> shape{static_cast<std::uint64_t>(frame.height),
                                           static_cast<std::uint64_t>(frame.width), 3};
    if (!cursor.reduced || cursor.reduced_shape != shape) {
      TensorSpec spec = source.spec;
      spec.shape = shape;
      cursor.reduced = stream;
      cursor.reduced->schema = spec.to_string();
      cursor.reduced_shape = shape;
    }
    return &*cursor.reduced;
  }

  // The open reader of `path` delivering frames of at most `max_side` (0 = native size).
  Result<video::VideoReader*> video_reader(const fs::path& path, std::uint32_t max_side) {
    const auto key = std::make_pair(path, max_side);
    const auto it = video_readers_.find(key);
    if (it != video_readers_.end()) return it->second.get();
    video::VideoReaderOptions options;
    options.diagnostics = &diagnostics_;  // frames the decoder had to conceal
    options.max_side = static_cast<int>(max_side);
    PARITY_ASSIGN_OR_RETURN(auto reader, video::VideoReader::open(path, options));
    video::VideoReader* raw = reader.get();
    video_readers_.emplace(key, std::move(reader));
    return raw;
  }

  // Advances `cursor` to the frame at `target_s` (within half a frame period). Returns false
  // (and counts a missing frame) when the video has no frame there. A video that cannot be
  // decoded further (truncated, damaged) ends the stream for this episode; the reason is kept
  // for the episode's diagnostic.
  bool frame_at(VideoCursor& cursor, double target_s) {
    const double half_period = 0.5 / meta_.info.fps;
    if (!cursor.started) {
      cursor.started = true;
      if (const Status seek = cursor.reader->seek(target_s); !seek.ok()) {
        cursor.ended = true;
        cursor.failure = seek.message();
      }
    }
    while (!cursor.ended) {
      if (!cursor.have_frame) {
        auto got = cursor.reader->next(cursor.frame);
        if (!got.ok() || !*got) {
          cursor.ended = true;
          if (!got.ok()) cursor.failure = got.status().message();
          break;
        }
        cursor.have_frame = true;
      }
      if (cursor.frame.pts_s < target_s - half_period) {
        cursor.have_frame = false;  // an earlier frame: pass it
        continue;
      }
      if (cursor.frame.pts_s <= target_s + half_period) return true;
      break;  // the next frame is later than the target: this one is missing
    }
    ++cursor.missing;
    return false;
  }

  Status deliver_episode(std::size_t e, const std::vector<bool>& wanted, const ReadOptions& options,
                         const MessageCallback& on_message, std::uint64_t& delivered) {
    const EpisodeRef& ref = episodes_[e];
    const DataFile& file = data_files_[ref.data_file];
    parquet::ReadRequest request;
    request.first_row = ref.first_row;
    request.row_count = ref.rows;
    request.batch_rows = 1024;
    if (!parquet_reader_ || parquet_file_ != ref.data_file) {
      PARITY_ASSIGN_OR_RETURN(parquet_reader_, parquet::FileReader::open(file.path));
      parquet_file_ = ref.data_file;
    }
    const bool has_timestamp = !parquet_reader_->metadata().find_field("timestamp").empty();
    if (has_timestamp) request.columns.push_back("timestamp");
    std::vector<VideoCursor> cursors(sources_.size());
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      if (!wanted[s]) continue;
      const StreamSource& source = sources_[s];
      if (source.kind != SourceKind::kVideo) {
        request.columns.push_back(source.column);
      } else if (options.need_data && ref.videos[source.video_slot]) {
        auto reader = video_reader(ref.videos[source.video_slot]->path, options.video_max_side);
        if (!reader.ok()) {
          diagnostics_.error(ref.videos[source.video_slot]->path.string(), std::nullopt,
                             fmt::format("episode {}: {} frames not decoded: {}", ref.episode_index,
                                         source.column, reader.status().message()));
          continue;
        }
        cursors[s].reader = *reader;
      }
    }
    PARITY_RETURN_IF_ERROR(parquet_reader_->start(request));
    MessageView view;
    view.file_index = ref.data_file;
    view.episode = static_cast<std::uint32_t>(e);
    parquet::RecordBatch batch;
    std::uint64_t row_in_episode = 0;
    std::vector<std::uint8_t>& bytes = message_bytes_;
    while (true) {
      auto more = parquet_reader_->next(batch);
      if (!more.ok()) {
        diagnostics_.error(
            file.path.string(), std::nullopt,
            fmt::format("episode {}: rows from {} on not read: {}", ref.episode_index,
                        ref.first_row + row_in_episode, more.status().message()));
        break;
      }
      if (!*more) break;
      const parquet::ColumnData* timestamps = has_timestamp ? batch.find("timestamp") : nullptr;
      std::vector<std::vector<std::size_t>> offsets(sources_.size());
      std::vector<const parquet::ColumnData*> columns(sources_.size(), nullptr);
      for (std::size_t s = 0; s < sources_.size(); ++s) {
        if (!wanted[s] || sources_[s].kind == SourceKind::kVideo) continue;
        columns[s] = batch.find(sources_[s].column);
        if (columns[s] != nullptr) offsets[s] = columns[s]->row_offsets();
      }
      for (std::size_t r = 0; r < batch.num_rows; ++r, ++row_in_episode) {
        const double timestamp_s = timestamps != nullptr
                                       ? timestamps->as_double(r)
                                       : static_cast<double>(row_in_episode) / meta_.info.fps;
        const std::int64_t t =
            ref.offset_ns + static_cast<std::int64_t>(std::llround(timestamp_s * 1e9));
        if (options.start_ns && t < *options.start_ns) continue;
        if (options.end_ns && t >= *options.end_ns) return {};
        view.log_time_ns = t;
        view.publish_time_ns = t;
        view.sequence = static_cast<std::uint32_t>(row_in_episode);
        view.file_offset = ref.first_row + row_in_episode;  // the row within the data file
        for (std::size_t s = 0; s < sources_.size(); ++s) {
          if (!wanted[s]) continue;
          const StreamSource& source = sources_[s];
          bytes.clear();
          view.stream = &info_.streams[s];
          if (source.kind == SourceKind::kVideo) {
            if (!ref.videos[source.video_slot]) continue;
            VideoCursor& cursor = cursors[s];
            if (row_in_episode % options.frame_stride != 0) continue;
            if (options.max_frames && cursor.delivered >= *options.max_frames) continue;
            if (options.need_data) {
              if (cursor.reader == nullptr) continue;
              if (!frame_at(cursor, ref.videos[source.video_slot]->from_s + timestamp_s)) {
                continue;
              }
              view.stream = delivered_stream(source, info_.streams[s], cursor);
              if (view.stream == nullptr) {
                ++cursor.missing;
                continue;
              }
              view.data = cursor.frame.pixels;
            } else {
              view.data = {};
            }
            ++cursor.delivered;
          } else {
            const parquet::ColumnData* column = columns[s];
            if (column == nullptr || r + 1 >= offsets[s].size()) continue;
            const std::size_t begin = offsets[s][r];
            const std::size_t end = offsets[s][r + 1];
            if (source.kind == SourceKind::kTensor) {
              if (end - begin != source.spec.element_count()) {
                diagnostics_.error(
                    file.path.string(), std::nullopt,
                    fmt::format("row {}: {} holds {} values, {} expected; row skipped",
                                ref.first_row + row_in_episode, source.column, end - begin,
                                source.spec.element_count()));
                continue;
              }
              append_elements(*column, begin, end, source.spec.dtype, bytes);
            } else {
              const auto* strings = std::get_if<parquet::ByteArrays>(&column->values);
              if (strings == nullptr || end <= begin) continue;
              const std::string_view value = strings->view(begin);
              bytes.assign(value.begin(), value.end());
            }
            view.data = bytes;
          }
          ++delivered;
          PARITY_RETURN_IF_ERROR(on_message(view));
          if (options.limit && delivered >= *options.limit) return {};
        }
      }
    }
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      if (cursors[s].missing == 0) continue;
      diagnostics_.error(
          ref.videos[sources_[s].video_slot]->path.string(), std::nullopt,
          fmt::format("episode {}: {}: {} frames missing or undecodable{}", ref.episode_index,
                      sources_[s].column, cursors[s].missing,
                      cursors[s].failure.empty() ? "" : " (" + cursors[s].failure + ")"));
    }
    return {};
  }

  DatasetMeta meta_;
  std::vector<DataFile> data_files_;
  std::vector<StreamSource> sources_;  // per stream id
  std::vector<EpisodeRef> episodes_;
  RecordingInfo info_;
  DiagnosticSink& diagnostics_;
  std::unique_ptr<parquet::FileReader> parquet_reader_;
  std::size_t parquet_file_ = 0;
  std::map<std::pair<fs::path, std::uint32_t>, std::unique_ptr<video::VideoReader>> video_readers_;
  std::vector<std::uint8_t> message_bytes_;
};

// ------------------------------------------------------------------------ opening

std::vector<fs::path> data_file_paths(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / "data", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".parquet") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Where the video of `key` for `episode` should be, by video_path; nullopt when it cannot be
// named (v3.0 without a segment in the episode table).
std::optional<std::pair<fs::path, double>> expected_video(const DatasetMeta& meta,
                                                          const std::string& key,
                                                          std::uint64_t episode_index,
                                                          const EpisodeMeta* episode) {
  std::map<std::string, std::uint64_t> integers;
  double from_s = 0;
  if (meta.info.major_version == 2) {
    integers["episode_chunk"] = episode_index / meta.info.chunks_size;
    integers["episode_index"] = episode_index;
  } else {
    if (episode == nullptr) return std::nullopt;
    const auto it = episode->videos.find(key);
    if (it == episode->videos.end()) return std::nullopt;
    integers["chunk_index"] = it->second.chunk_index;
    integers["file_index"] = it->second.file_index;
    from_s = it->second.from_timestamp_s;
  }
  const std::string pattern =
      !meta.info.video_path.empty()
          ? meta.info.video_path
          : (meta.info.major_version == 2
                 ? "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4"
                 : "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4");
  auto relative = expand_path_template(pattern, integers, {{"video_key", key}});
  if (!relative.ok()) return std::nullopt;
  return std::make_pair(meta.root / *relative, from_s);
}

// The same relative path under other folder names datasets use ("video/" for "videos/").
std::optional<fs::path> misplaced_video(const fs::path& root, const fs::path& expected) {
  const fs::path relative = expected.lexically_relative(root);
  auto it = relative.begin();
  if (it == relative.end()) return std::nullopt;
  const std::string first = it->string();
  fs::path rest;
  for (++it; it != relative.end(); ++it) rest /= *it;
  for (const char* folder : {"video", "videos", "Videos", "movies"}) {
    if (first == folder) continue;
    const fs::path candidate = root / folder / rest;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

class Opener {
 public:
  Opener(const fs::path& root, DiagnosticSink& diagnostics)
      : root_(root), diagnostics_(diagnostics) {}

  Result<std::unique_ptr<Recording>> open() {
    PARITY_ASSIGN_OR_RETURN(meta_, read_dataset_meta(root_, diagnostics_));
    PARITY_RETURN_IF_ERROR(scan_data());
    PARITY_RETURN_IF_ERROR(build_streams());
    check_meta_against_data();
    locate_videos();
    build_info();
    return std::unique_ptr<Recording>(
        new LeRobotRecording(std::move(meta_), std::move(data_files_), std::move(sources_),
                             std::move(episodes_), std::move(info_), diagnostics_));
  }

 private:
  Status scan_data() {
    const std::vector<fs::path> paths = data_file_paths(root_);
    if (paths.empty()) {
      return not_found(fmt::format("{}: no Parquet data files under data/", root_.string()));
    }
    std::vector<RowRun> runs;
    for (const fs::path& path : paths) {
      DataFile file;
      file.path = path;
      std::error_code ec;
      file.size_bytes = fs::file_size(path, ec);
      data_files_.push_back(std::move(file));
      PARITY_RETURN_IF_ERROR(
          scan_data_file(data_files_.back(), data_files_.size() - 1, meta_.info.fps, runs));
    }
    std::sort(runs.begin(), runs.end(),
              [](const RowRun& a, const RowRun& b) { return a.episode_index < b.episode_index; });
    for (std::size_t i = 1; i < runs.size(); ++i) {
      if (runs[i].episode_index == runs[i - 1].episode_index) {
        const RowRun& run = runs[i];
        return corrupt(fmt::format(
            "{}: row {}: episode {} continues here after rows of other episodes (its rows must "
            "be contiguous within one data file)",
            data_files_[run.data_file].path.string(), run.first_row, run.episode_index));
      }
    }
    std::uint64_t rows_before = 0;
    for (const RowRun& run : runs) {
      EpisodeRef ref;
      ref.episode_index = run.episode_index;
      ref.data_file = run.data_file;
      ref.first_row = run.first_row;
      ref.rows = run.rows;
      ref.first_timestamp_s = run.first_timestamp_s;
      ref.last_timestamp_s = run.last_timestamp_s;
      ref.task_index = run.task_index;
      ref.offset_ns = static_cast<std::int64_t>(
          std::llround(static_cast<double>(rows_before) * 1e9 / meta_.info.fps));
      rows_before += run.rows;
      episodes_.push_back(std::move(ref));
    }
    return {};
  }

  // Streams from the first data file's columns, described by info.json's features.
  Status build_streams() {
    PARITY_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::open(data_files_.front().path));
    const parquet::FileMetadata& metadata = reader->metadata();
    const std::string file = data_files_.front().path.string();
    std::vector<std::string> keys;
    for (const FeatureMeta& feature : meta_.info.features) keys.push_back(feature.key);
    for (const std::string& name : metadata.top_level_names()) {
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
        keys.push_back(name);
        if (!is_bookkeeping(name)) {
          diagnostics_.warn(file, std::nullopt,
                            fmt::format("column '{}' is not described in meta/info.json; read "
                                        "with its Parquet type",
                                        name));
        }
      }
    }
    std::vector<std::string> aliased;
    for (const std::string& key : keys) {
      if (is_bookkeeping(key)) continue;
      const FeatureMeta* feature = meta_.info.find_feature(key);
      for (const KeyAlias& alias : kNonStandardKeys) {
        if (alias.key == key) {
          aliased.push_back(
              fmt::format("'{}' (LeRobot's standard key is '{}')", key, alias.standard));
        }
      }
      if (feature != nullptr && feature->is_video()) {
        StreamSource source;
        source.kind = SourceKind::kVideo;
        source.column = key;
        source.video_slot = video_keys_.size();
        video_keys_.push_back(key);
        add_source(std::move(source), feature);
        continue;
      }
      const auto leaves = metadata.find_field(key);
      if (leaves.empty()) {
        diagnostics_.warn(file, std::nullopt,
                          fmt::format("feature '{}' of meta/info.json has no column in the data "
                                      "files; it is not read",
                                      key));
        continue;
      }
      StreamSource source;
      source.column = key;
      if (feature != nullptr && feature->is_image()) {
        const parquet::ColumnDescriptor* bytes_leaf = nullptr;
        for (const parquet::ColumnDescriptor* leaf : leaves) {
          if (leaf->path.back() == "bytes") bytes_leaf = leaf;
        }
        if (bytes_leaf == nullptr) {
          diagnostics_.warn(file, std::nullopt,
                            fmt::format("image feature '{}' has no 'bytes' field; not read", key));
          continue;
        }
        source.kind = SourceKind::kImageBytes;
        source.column = bytes_leaf->dotted_path();
        add_source(std::move(source), feature);
        continue;
      }
      if (leaves.size() != 1) {
        diagnostics_.warn(
            file, std::nullopt,
            fmt::format("column '{}' is a struct of {} fields; not read", key, leaves.size()));
        continue;
      }
      const parquet::ColumnDescriptor& leaf = *leaves.front();
      if (leaf.physical_type == parquet::PhysicalType::kByteArray) {
        source.kind = SourceKind::kText;
        add_source(std::move(source), feature);
        continue;
      }
      auto dtype = dtype_of_leaf(leaf);
      if (!dtype.ok()) {
        diagnostics_.warn(file, std::nullopt,
                          fmt::format("{}; not read", dtype.status().message()));
        continue;
      }
      source.spec.dtype = *dtype;
      if (feature != nullptr) source.spec.shape = feature->shape;
      if (leaf.is_list && (feature == nullptr || feature->shape.empty())) {
        PARITY_ASSIGN_OR_RETURN(source.spec.shape, first_row_shape(*reader, key));
      } else if (!leaf.is_list && source.spec.element_count() != 1) {
        diagnostics_.warn(
            file, std::nullopt,
            fmt::format("feature '{}': meta/info.json gives shape [{}] but the column "
                        "holds one value per row",
                        key, fmt::join(source.spec.shape, ",")));
        source.spec.shape = {1};
      }
      if (feature != nullptr && feature->dtype != dtype_name(*dtype)) {
        diagnostics_.warn(file, std::nullopt,
                          fmt::format("feature '{}': meta/info.json says {} but the column holds "
                                      "{}; read as {}",
                                      key, feature->dtype, dtype_name(*dtype), dtype_name(*dtype)));
      }
      add_source(std::move(source), feature);
    }
    if (!aliased.empty()) {
      diagnostics_.warn((root_ / "meta" / "info.json").string(), std::nullopt,
                        fmt::format("non-standard feature keys {}: read under their own names",
                                    fmt::join(aliased, ", ")));
    }
    return {};
  }

  // The element count of the first row of list column `key` ([n]).
  static Result<std::vector<std::uint64_t>> first_row_shape(parquet::FileReader& reader,
                                                            const std::string& key) {
    parquet::ReadRequest request;
    request.columns = {key};
    request.row_count = 1;
    PARITY_ASSIGN_OR_RETURN(const parquet::RecordBatch batch, parquet::read_all(reader, request));
    if (batch.columns.empty() || batch.num_rows == 0) return std::vector<std::uint64_t>{0};
    const std::vector<std::size_t> offsets = batch.columns.front().row_offsets();
    return std::vector<std::uint64_t>{offsets.size() > 1 ? offsets[1] - offsets[0] : 0};
  }

  void add_source(StreamSource source, const FeatureMeta* feature) {
    StreamInfo stream;
    stream.id = static_cast<std::uint32_t>(info_.streams.size());
    stream.topic = source.kind == SourceKind::kImageBytes
                       ? source.column.substr(0, source.column.rfind(".bytes"))
                       : source.column;
    switch (source.kind) {
      case SourceKind::kTensor:
        stream.type = kTensorType;
        stream.message_encoding = kTensorEncoding;
        stream.schema_encoding = "tensor";
        stream.schema = source.spec.to_string();
        if (feature != nullptr && !feature->names.empty() &&
            feature->names.size() == source.spec.element_count()) {
          stream.metadata["names"] = fmt::format("{}", fmt::join(feature->names, ","));
        }
        break;
      case SourceKind::kText:
        stream.type = kStringType;
        stream.message_encoding = kTextEncoding;
        break;
      case SourceKind::kImageBytes:
        stream.type = kCompressedImageType;
        stream.message_encoding = kImageEncoding;
        break;
      case SourceKind::kVideo:
        stream.type = kImageType;
        stream.message_encoding = kTensorEncoding;
        stream.schema_encoding = "tensor";
        stream.metadata["image_encoding"] = "rgb8";
        if (feature != nullptr && feature->is_depth_map) stream.metadata["is_depth_map"] = "true";
        break;
    }
    stream.metadata["time_source"] = "relative";
    stream.metadata["rate_hz"] = fmt::format("{}", meta_.info.fps);
    stream.metadata["source_key"] = source.column;
    info_.streams.push_back(std::move(stream));
    sources_.push_back(std::move(source));
  }

  // The data file a v3.0 episode table entry names (data/chunk_index, data/file_index through
  // data_path); nullopt for v2.x or when the entry does not say.
  std::optional<fs::path> listed_data_file(const EpisodeMeta& episode) const {
    if (!episode.data_chunk_index || !episode.data_file_index) return std::nullopt;
    auto relative = expand_path_template(
        meta_.info.data_path,
        {{"chunk_index", *episode.data_chunk_index}, {"file_index", *episode.data_file_index}}, {});
    if (!relative.ok()) return std::nullopt;
    return root_ / *relative;
  }

  void check_meta_against_data() {
    const std::string info_file = (root_ / "meta" / "info.json").string();
    std::map<std::uint64_t, const EpisodeMeta*> listed;
    for (const EpisodeMeta& episode : meta_.episodes) listed[episode.episode_index] = &episode;
    std::set<std::uint64_t> found;
    std::uint64_t rows = 0;
    std::vector<std::uint64_t> unlisted;
    std::vector<std::string> length_mismatches;
    std::vector<std::uint64_t> misplaced;
    std::string misplaced_example;
    for (const EpisodeRef& ref : episodes_) {
      found.insert(ref.episode_index);
      rows += ref.rows;
      const auto it = listed.find(ref.episode_index);
      if (it == listed.end()) {
        if (!meta_.episodes.empty()) unlisted.push_back(ref.episode_index);
        continue;
      }
      if (const auto placed = listed_data_file(*it->second);
          placed &&
          placed->lexically_normal() != data_files_[ref.data_file].path.lexically_normal()) {
        misplaced.push_back(ref.episode_index);
        if (misplaced.size() == 1) {
          misplaced_example =
              fmt::format("episode {}: listed in {}, found in {}", ref.episode_index,
                          placed->lexically_relative(root_).string(),
                          data_files_[ref.data_file].path.lexically_relative(root_).string());
        }
      }
      if (it->second->length && *it->second->length != ref.rows) {
        length_mismatches.push_back(fmt::format("episode {}: {} rows, the episode table says {}",
                                                ref.episode_index, ref.rows, *it->second->length));
      }
    }
    std::vector<std::uint64_t> without_rows;
    for (const EpisodeMeta& episode : meta_.episodes) {
      if (found.count(episode.episode_index) == 0) without_rows.push_back(episode.episode_index);
    }
    if (!unlisted.empty()) {
      diagnostics_.warn(root_.string(), std::nullopt,
                        fmt::format("not in the episode table, but with rows in the data: {}",
                                    episodes_named(unlisted)));
    }
    if (!without_rows.empty()) {
      diagnostics_.warn(root_.string(), std::nullopt,
                        fmt::format("in the episode table but without rows in the data files "
                                    "(left out): {}",
                                    episodes_named(without_rows)));
    }
    if (!misplaced.empty()) {
      diagnostics_.warn(root_.string(), std::nullopt,
                        fmt::format("not in the data file the episode table names ({}): {}; "
                                    "read from where their rows are",
                                    misplaced_example, episodes_named(misplaced)));
    }
    if (!length_mismatches.empty()) {
      const std::size_t shown = std::min(length_mismatches.size(), kMaxListedEpisodes);
      diagnostics_.warn(root_.string(), std::nullopt,
                        fmt::format("{} episodes differ in length from the episode table "
                                    "(lengths are taken from the data): {}",
                                    length_mismatches.size(),
                                    fmt::join(length_mismatches.begin(),
                                              length_mismatches.begin() + shown, "; ")));
    }
    const InfoMeta& info = meta_.info;
    if (info.total_episodes && *info.total_episodes != episodes_.size()) {
      diagnostics_.warn(info_file, std::nullopt,
                        fmt::format("total_episodes is {} but the data holds {} episodes",
                                    *info.total_episodes, episodes_.size()));
    }
    if (info.total_frames && *info.total_frames != rows) {
      diagnostics_.warn(
          info_file, std::nullopt,
          fmt::format("total_frames is {} but the data holds {} frames", *info.total_frames, rows));
    }
    if (info.total_tasks && !meta_.tasks.empty() && *info.total_tasks != meta_.tasks.size()) {
      diagnostics_.warn(info_file, std::nullopt,
                        fmt::format("total_tasks is {} but the task table holds {} tasks",
                                    *info.total_tasks, meta_.tasks.size()));
    }
    const std::uint64_t last_episode = episodes_.empty() ? 0 : episodes_.back().episode_index + 1;
    for (const auto& [split, range] : info.splits) {
      std::uint64_t from = 0;
      std::uint64_t to = 0;
      const char* begin = range.data();
      const char* end = range.data() + range.size();
      const auto first = std::from_chars(begin, end, from);
      const bool parsed = first.ec == std::errc() && first.ptr != end && *first.ptr == ':' &&
                          std::from_chars(first.ptr + 1, end, to).ptr == end;
      if (!parsed || from > to) {
        diagnostics_.warn(info_file, std::nullopt,
                          fmt::format("split '{}': range '{}' is not 'from:to'", split, range));
        continue;
      }
      splits_.emplace_back(split, std::make_pair(from, to));
      if (to > last_episode) {
        diagnostics_.warn(info_file, std::nullopt,
                          fmt::format("split '{}' is '{}' but the data holds episodes up to {}",
                                      split, range, last_episode == 0 ? 0 : last_episode - 1));
      }
    }
  }

  void locate_videos() {
    std::map<std::uint64_t, const EpisodeMeta*> listed;
    for (const EpisodeMeta& episode : meta_.episodes) listed[episode.episode_index] = &episode;
    for (EpisodeRef& ref : episodes_) ref.videos.resize(video_keys_.size());
    for (std::size_t slot = 0; slot < video_keys_.size(); ++slot) {
      const std::string& key = video_keys_[slot];
      const FeatureMeta* feature = meta_.info.find_feature(key);
      std::vector<std::uint64_t> missing;
      std::vector<std::uint64_t> short_videos;
      std::optional<fs::path> misplaced_example;
      std::optional<video::VideoStreamInfo> first_probe;
      std::set<std::string> codecs;
      for (EpisodeRef& ref : episodes_) {
        const auto it = listed.find(ref.episode_index);
        const auto expected = expected_video(meta_, key, ref.episode_index,
                                             it == listed.end() ? nullptr : it->second);
        if (!expected) {
          missing.push_back(ref.episode_index);
          continue;
        }
        fs::path path = expected->first;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
          const auto moved = misplaced_video(root_, path);
          if (!moved) {
            missing.push_back(ref.episode_index);
            continue;
          }
          if (!misplaced_example) misplaced_example = expected->first;
          path = *moved;
        }
        const video::VideoStreamInfo* probe = probe_cached(path);
        if (probe == nullptr) {
          missing.push_back(ref.episode_index);
          continue;
        }
        if (!first_probe) first_probe = *probe;
        codecs.insert(probe->codec);
        const double needed_s = expected->second + ref.last_timestamp_s;
        const double period = 1.0 / meta_.info.fps;
        if (probe->duration_s > 0 && needed_s > probe->start_s + probe->duration_s + 0.5 * period) {
          short_videos.push_back(ref.episode_index);
        }
        ref.videos[slot] = VideoRef{path, expected->second};
      }
      StreamInfo& stream = info_.streams[stream_of_slot(slot)];
      const int width = first_probe ? first_probe->width : (feature ? feature->video_width : 0);
      const int height = first_probe ? first_probe->height : (feature ? feature->video_height : 0);
      stream.schema = TensorSpec{
          DType::kUint8,
          {static_cast<std::uint64_t>(height), static_cast<std::uint64_t>(width),
           3}}.to_string();
      sources_[stream_of_slot(slot)].spec = *parse_tensor_spec(stream.schema);
      if (first_probe) {
        stream.metadata["video_codec"] = first_probe->codec;
        stream.metadata["video_pixel_format"] = first_probe->pixel_format;
      }
      const std::string where = (root_ / "meta" / "info.json").string();
      if (misplaced_example) {
        diagnostics_.warn(root_.string(), std::nullopt,
                          fmt::format("videos of '{}' are not where video_path '{}' puts them "
                                      "(e.g. {}); found under a non-standard folder and read "
                                      "from there",
                                      key, meta_.info.video_path,
                                      misplaced_example->lexically_relative(root_).string()));
      }
      if (!missing.empty()) {
        diagnostics_.warn(
            root_.string(), std::nullopt,
            fmt::format("'{}': no video file for {} of {} episodes ({}): those "
                        "episodes have no '{}' frames",
                        key, missing.size(), episodes_.size(), episode_list(missing), key));
      }
      if (feature != nullptr && !feature->video_codec.empty()) {
        for (const std::string& codec : codecs) {
          if (normalized_codec(feature->video_codec) == normalized_codec(codec)) continue;
          diagnostics_.warn(where, std::nullopt,
                            fmt::format("'{}': info.json says codec {} but the video files hold "
                                        "{}; decoded as {}",
                                        key, feature->video_codec, codec, codec));
        }
      }
      if (feature != nullptr && first_probe && feature->video_width > 0 &&
          (feature->video_width != first_probe->width ||
           feature->video_height != first_probe->height)) {
        diagnostics_.warn(where, std::nullopt,
                          fmt::format("'{}': info.json says {}x{} but the video is {}x{}", key,
                                      feature->video_width, feature->video_height,
                                      first_probe->width, first_probe->height));
      }
      if (!short_videos.empty()) {
        diagnostics_.warn(root_.string(), std::nullopt,
                          fmt::format("'{}': the video ends before the last rows of {}: their "
                                      "last frames are missing",
                                      key, episodes_named(short_videos)));
      }
    }
  }

  const video::VideoStreamInfo* probe_cached(const fs::path& path) {
    const auto it = probes_.find(path);
    if (it != probes_.end()) return it->second ? &*it->second : nullptr;
    auto probe = video::probe_video(path);
    if (!probe.ok()) {
      diagnostics_.error(path.string(), std::nullopt,
                         fmt::format("video not readable: {}", probe.status().message()));
      probes_[path] = std::nullopt;
      return nullptr;
    }
    info_.files.push_back(path);
    std::error_code ec;
    info_.size_bytes += fs::file_size(path, ec);
    return &*(probes_[path] = *probe);
  }

  std::size_t stream_of_slot(std::size_t slot) const {
    for (std::size_t s = 0; s < sources_.size(); ++s) {
      if (sources_[s].kind == SourceKind::kVideo && sources_[s].video_slot == slot) return s;
    }
    return 0;
  }

  void build_info() {
    info_.format = "lerobot";
    info_.profile = meta_.info.codebase_version;
    info_.library = "lerobot " + meta_.info.codebase_version;
    info_.indexed = true;
    std::vector<fs::path> files = meta_.meta_files;
    for (const DataFile& file : data_files_) {
      files.push_back(file.path);
      info_.size_bytes += file.size_bytes;
    }
    for (const fs::path& path : meta_.meta_files) {
      std::error_code ec;
      info_.size_bytes += fs::file_size(path, ec);
    }
    files.insert(files.end(), info_.files.begin(), info_.files.end());  // videos, probed order
    info_.files = std::move(files);

    std::map<std::uint64_t, const EpisodeMeta*> listed;
    for (const EpisodeMeta& episode : meta_.episodes) listed[episode.episode_index] = &episode;
    for (std::size_t e = 0; e < episodes_.size(); ++e) {
      const EpisodeRef& ref = episodes_[e];
      EpisodeInfo episode;
      episode.index = static_cast<std::uint32_t>(e);
      episode.name = fmt::format("episode_{:06d}", ref.episode_index);
      episode.start_ns = ref.offset_ns + std::llround(ref.first_timestamp_s * 1e9);
      episode.end_ns = ref.offset_ns + std::llround(ref.last_timestamp_s * 1e9);
      for (std::uint32_t s = 0; s < sources_.size(); ++s) {
        const StreamSource& source = sources_[s];
        if (source.kind == SourceKind::kVideo && !ref.videos[source.video_slot]) continue;
        if (ref.rows == 0) continue;
        episode.streams.push_back({s, ref.rows, episode.start_ns, episode.end_ns});
        episode.message_count += ref.rows;
        StreamInfo& stream = info_.streams[s];
        if (stream.message_count == 0) stream.start_ns = episode.start_ns;
        stream.end_ns = episode.end_ns;
        stream.message_count += ref.rows;
      }
      episode.attributes["episode_index"] = std::to_string(ref.episode_index);
      std::vector<std::string> tasks;
      if (const auto it = listed.find(ref.episode_index); it != listed.end()) {
        tasks = it->second->tasks;
      }
      if (tasks.empty() && ref.task_index) {
        if (const auto t = meta_.tasks.find(*ref.task_index); t != meta_.tasks.end()) {
          tasks.push_back(t->second);
        }
      }
      if (!tasks.empty()) episode.attributes["task"] = tasks.front();
      if (tasks.size() > 1)
        episode.attributes["tasks"] = fmt::format("{}", fmt::join(tasks, " | "));
      for (const auto& [split, range] : splits_) {
        if (ref.episode_index >= range.first && ref.episode_index < range.second) {
          episode.attributes["split"] = split;
        }
      }
      if (episode.message_count > 0) {
        if (info_.message_count == 0) info_.start_ns = episode.start_ns;
        info_.end_ns = episode.end_ns;
        info_.message_count += episode.message_count;
      }
      info_.episodes.push_back(std::move(episode));
    }
    if (info_.episodes.empty()) info_.episodes.push_back(whole_recording_episode(info_));

    MetadataRecord lerobot{"lerobot", {}};
    lerobot.entries["codebase_version"] = meta_.info.codebase_version;
    lerobot.entries["fps"] = fmt::format("{}", meta_.info.fps);
    if (!meta_.info.robot_type.empty()) lerobot.entries["robot_type"] = meta_.info.robot_type;
    info_.metadata.push_back(std::move(lerobot));
    if (!meta_.info.robot_type.empty()) {
      info_.metadata.push_back({"attributes", {{"embodiment", meta_.info.robot_type}}});
    }
  }

  fs::path root_;
  DiagnosticSink& diagnostics_;
  DatasetMeta meta_;
  std::vector<DataFile> data_files_;
  std::vector<EpisodeRef> episodes_;
  std::vector<StreamSource> sources_;
  std::vector<std::string> video_keys_;
  std::vector<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>> splits_;
  std::map<fs::path, std::optional<video::VideoStreamInfo>> probes_;
  RecordingInfo info_;
};

}  // namespace

bool is_lerobot_dataset(const fs::path& path) {
  return is_lerobot_dir(path);
}

Result<std::unique_ptr<Recording>> open_lerobot(const fs::path& path, DiagnosticSink& diagnostics) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  return Opener(path, diagnostics).open();
}

}  // namespace parity::lerobot
