#include "parity/formats/hdf5/hdf5_recording.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "formats/hdf5/hdf5_access.h"
#include "formats/hdf5/hdf5_tree_walk.h"
#include "parity/formats/hdf5/hdf5_layout.h"
#include "parity/formats/hdf5/hdf5_mapping.h"

namespace parity::hdf5 {
namespace fs = std::filesystem;

namespace {

using detail::Handle;
using detail::LibraryGuard;

constexpr std::uint64_t kMaxMappingBytes = 1 << 20;
constexpr std::uint64_t kMaxChunkCacheBytes = 64ull << 20;

Result<std::optional<fs::path>> find_mapping(const fs::path& path, const Hdf5OpenOptions& options) {
  std::error_code ec;
  if (options.mapping_file) {
    if (!fs::is_regular_file(*options.mapping_file, ec)) {
      return not_found(fmt::format("{}: mapping file not found", options.mapping_file->string()));
    }
    return std::optional<fs::path>(*options.mapping_file);
  }
  const fs::path beside = hdf5_mapping_path_for(path);
  if (fs::is_regular_file(beside, ec)) return std::optional<fs::path>(beside);
  const fs::path directory = path.parent_path() / kHdf5DirectoryMappingName;
  if (fs::is_regular_file(directory, ec)) return std::optional<fs::path>(directory);
  return std::optional<fs::path>();
}

Result<Hdf5Mapping> load_mapping(const fs::path& path) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) return io_error(fmt::format("{}: cannot read its size: {}", path.string(), ec.message()));
  if (size > kMaxMappingBytes) {
    return invalid_argument(fmt::format("{}: mapping file is {} bytes, more than the {} allowed",
                                        path.string(), size, kMaxMappingBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(fmt::format("{}: cannot open for reading", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_hdf5_mapping(text.str(), path.string());
}

// The in-memory element type for a stream's dtype: little-endian standard types (libhdf5
// converts from any byte order); IEEE binary16 built from the float32 type; bools read as stored
// (h5py's 8-bit enum has no conversion path to integers).
Handle memory_type(DType dtype, hid_t file_type) {
  switch (dtype) {
    case DType::kBool: return detail::type_handle(H5Tcopy(file_type));
    case DType::kInt8: return detail::type_handle(H5Tcopy(H5T_STD_I8LE));
    case DType::kUint8: return detail::type_handle(H5Tcopy(H5T_STD_U8LE));
    case DType::kInt16: return detail::type_handle(H5Tcopy(H5T_STD_I16LE));
    case DType::kUint16: return detail::type_handle(H5Tcopy(H5T_STD_U16LE));
    case DType::kInt32: return detail::type_handle(H5Tcopy(H5T_STD_I32LE));
    case DType::kUint32: return detail::type_handle(H5Tcopy(H5T_STD_U32LE));
    case DType::kInt64: return detail::type_handle(H5Tcopy(H5T_STD_I64LE));
    case DType::kUint64: return detail::type_handle(H5Tcopy(H5T_STD_U64LE));
    case DType::kFloat16: {
      Handle half = detail::type_handle(H5Tcopy(H5T_IEEE_F32LE));
      if (!half.valid() || H5Tset_fields(half.get(), 15, 10, 5, 0, 10) < 0 ||
          H5Tset_precision(half.get(), 16) < 0 || H5Tset_size(half.get(), 2) < 0 ||
          H5Tset_ebias(half.get(), 15) < 0) {
        return {};
      }
      return half;
    }
    case DType::kFloat32: return detail::type_handle(H5Tcopy(H5T_IEEE_F32LE));
    case DType::kFloat64: return detail::type_handle(H5Tcopy(H5T_IEEE_F64LE));
  }
  return {};
}

// The bytes of an encoded image inside a zero-padded row (ALOHA pads every JPEG to the longest):
// JPEG through its last EOI marker (FF D9), PNG through its IEND chunk, anything else with
// trailing zero bytes removed. `found_end` says whether a format end marker was found.
std::span<const std::uint8_t> trim_encoded_image(std::span<const std::uint8_t> row,
                                                 bool& found_end) {
  found_end = false;
  if (row.size() >= 4 && row[0] == 0xFF && row[1] == 0xD8) {
    for (std::size_t i = row.size(); i >= 2; --i) {
      if (row[i - 2] == 0xFF && row[i - 1] == 0xD9) {
        found_end = true;
        return row.first(i);
      }
    }
  } else if (row.size() >= 8 && row[0] == 0x89 && row[1] == 'P' && row[2] == 'N' && row[3] == 'G') {
    static constexpr std::uint8_t kIend[] = {'I', 'E', 'N', 'D'};
    for (std::size_t i = row.size(); i >= 8; --i) {
      if (std::memcmp(row.data() + i - 8, kIend, 4) == 0) {
        found_end = true;
        return row.first(i);
      }
    }
  }
  std::size_t end = row.size();
  while (end > 0 && row[end - 1] == 0) --end;
  return row.first(end);
}

class Hdf5Recording final : public Recording {
 public:
  Hdf5Recording(fs::path path, Handle file, Hdf5Plan plan, DiagnosticSink& diagnostics,
                std::uint64_t block_bytes)
      : path_(std::move(path)),
        file_(std::move(file)),
        plan_(std::move(plan)),
        diagnostics_(diagnostics),
        block_bytes_(std::max<std::uint64_t>(block_bytes, 1)) {}

  const RecordingInfo& info() const override { return plan_.info; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override;

  void set_files(std::uint64_t size_bytes) {
    plan_.info.files = {path_};
    plan_.info.size_bytes = size_bytes;
  }

 private:
  // One stream's dataset in the episode being read, with its current block of rows.
  struct Cursor {
    const Hdf5DatasetPlan* dataset = nullptr;
    const Hdf5StreamPlan* stream = nullptr;
    std::uint64_t next = 0;  // next row to deliver
    std::uint64_t end = 0;   // one past the last row to deliver
    std::int64_t next_time = 0;
    Handle handle;  // opened on first use
    Handle type;
    std::vector<hsize_t> dims;
    std::uint64_t block_start = 0;
    std::uint64_t block_rows = 0;
    std::vector<std::uint8_t> block;
    bool contiguous = false;
    std::uint64_t contiguous_offset = 0;
    std::uint64_t stored_row_bytes = 0;
    std::uint64_t chunk_offset_row = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t chunk_offset = 0;
    bool failed = false;
    bool warned_trim = false;
  };

  // First row whose time is >= t (rows if none).
  static std::uint64_t first_row_at(std::int64_t base, std::uint64_t rows, double rate,
                                    std::int64_t t) {
    std::uint64_t lo = 0;
    std::uint64_t hi = rows;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (hdf5_step_time_ns(base, mid, rate) < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  Status open_cursor(Cursor& cursor, const std::string& episode_label);
  Status fill_block(Cursor& cursor, const std::string& episode_label);
  std::uint64_t row_offset(Cursor& cursor, std::uint64_t row);
  void fail_cursor(Cursor& cursor, const std::string& episode_label, const Status& why);

  fs::path path_;
  Handle file_;
  Hdf5Plan plan_;
  DiagnosticSink& diagnostics_;
  std::uint64_t block_bytes_;
  std::uint64_t consumed_ = 0;
  std::uint64_t total_ = 0;
  const ReadOptions* options_ = nullptr;
};

void Hdf5Recording::fail_cursor(Cursor& cursor, const std::string& episode_label,
                                const Status& why) {
  cursor.failed = true;
  diagnostics_.error(
      path_.string(), std::nullopt,
      fmt::format("{}: {}; rows {}..{} of stream '{}' in {} are not delivered",
                  cursor.dataset->path, why.message(), cursor.next, cursor.end,
                  plan_.info.streams[cursor.dataset->stream_id].topic, episode_label));
  cursor.next = cursor.end;
}

Status Hdf5Recording::open_cursor(Cursor& cursor, const std::string& episode_label) {
  (void)episode_label;
  LibraryGuard guard;
  Handle dapl = detail::plist_handle(H5Pcreate(H5P_DATASET_ACCESS));
  if (dapl.valid() && cursor.dataset->chunk_rows > 0) {
    // Let one chunk stay cached while a block covers only part of it.
    const std::uint64_t chunk_bytes =
        std::min(kMaxChunkCacheBytes, cursor.dataset->chunk_rows * cursor.dataset->row_bytes);
    H5Pset_chunk_cache(dapl.get(), 521, std::max<std::uint64_t>(chunk_bytes, 1 << 20), 1.0);
  }
  cursor.handle = detail::dataset_handle(
      H5Dopen2(file_.get(), cursor.dataset->path.c_str(), dapl.valid() ? dapl.get() : H5P_DEFAULT));
  if (!cursor.handle.valid()) {
    return corrupt(fmt::format("cannot open the dataset: {}", detail::error_text()));
  }
  Handle file_type = detail::type_handle(H5Dget_type(cursor.handle.get()));
  Handle space = detail::space_handle(H5Dget_space(cursor.handle.get()));
  if (!file_type.valid() || !space.valid()) {
    return corrupt(fmt::format("cannot read the datatype: {}", detail::error_text()));
  }
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 32) return corrupt(fmt::format("rank {} changed since opening", rank));
  cursor.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), cursor.dims.data(), nullptr);
  if (cursor.dims[0] < cursor.end) {
    return corrupt(fmt::format("has {} rows, {} expected", cursor.dims[0], cursor.end));
  }
  cursor.type = memory_type(cursor.stream->step.dtype, file_type.get());
  if (!cursor.type.valid() ||
      H5Tget_size(cursor.type.get()) != dtype_size(cursor.stream->step.dtype)) {
    return internal_error(
        fmt::format("no memory type for {}", dtype_name(cursor.stream->step.dtype)));
  }
  std::uint64_t elements = 1;
  for (std::size_t i = 1; i < cursor.dims.size(); ++i) elements *= cursor.dims[i];
  cursor.stored_row_bytes = elements * H5Tget_size(file_type.get());
  Handle dcpl = detail::plist_handle(H5Dget_create_plist(cursor.handle.get()));
  if (dcpl.valid() && H5Pget_layout(dcpl.get()) == H5D_CONTIGUOUS) {
    const haddr_t address = H5Dget_offset(cursor.handle.get());
    if (address != HADDR_UNDEF) {
      cursor.contiguous = true;
      cursor.contiguous_offset = address;
    }
  }
  H5Eclear2(H5E_DEFAULT);
  return {};
}

Status Hdf5Recording::fill_block(Cursor& cursor, const std::string& episode_label) {
  if (!cursor.handle.valid()) PARITY_RETURN_IF_ERROR(open_cursor(cursor, episode_label));
  const std::uint64_t row_bytes = cursor.dataset->row_bytes;
  std::uint64_t rows = std::max<std::uint64_t>(1, block_bytes_ / row_bytes);
  const std::uint64_t chunk = cursor.dataset->chunk_rows;
  if (chunk > 0) {
    // End blocks on chunk boundaries: whole chunks when they fit, else the chunk's rest.
    const std::uint64_t chunks = std::max<std::uint64_t>(1, rows / chunk);
    const std::uint64_t boundary = (cursor.next / chunk + chunks) * chunk;
    rows = chunk * row_bytes <= 4 * block_bytes_ ? boundary - cursor.next
                                                 : std::min(rows, boundary - cursor.next);
  }
  rows = std::min(rows, cursor.end - cursor.next);
  cursor.block.resize(static_cast<std::size_t>(rows * row_bytes));
  {
    LibraryGuard guard;
    PARITY_RETURN_IF_ERROR(detail::read_rows(cursor.handle.get(), cursor.type.get(), cursor.dims,
                                             cursor.next, rows, cursor.block));
  }
  cursor.block_start = cursor.next;
  cursor.block_rows = rows;
  consumed_ += rows * row_bytes;
  if (options_->on_progress) options_->on_progress(consumed_, total_);
  return {};
}

std::uint64_t Hdf5Recording::row_offset(Cursor& cursor, std::uint64_t row) {
  if (cursor.contiguous) return cursor.contiguous_offset + row * cursor.stored_row_bytes;
  const std::uint64_t chunk = cursor.dataset->chunk_rows;
  if (chunk == 0) return 0;
  const std::uint64_t first = row / chunk * chunk;
  if (first != cursor.chunk_offset_row) {
    cursor.chunk_offset_row = first;
    cursor.chunk_offset = 0;
#if H5_VERSION_GE(1, 10, 5)
    LibraryGuard guard;
    std::vector<hsize_t> coordinates(cursor.dims.size(), 0);
    coordinates[0] = first;
    unsigned filter_mask = 0;
    haddr_t address = HADDR_UNDEF;
    hsize_t size = 0;
    if (H5Dget_chunk_info_by_coord(cursor.handle.get(), coordinates.data(), &filter_mask, &address,
                                   &size) >= 0 &&
        address != HADDR_UNDEF) {
      cursor.chunk_offset = address;
    }
    H5Eclear2(H5E_DEFAULT);
#endif
  }
  return cursor.chunk_offset;
}

Status Hdf5Recording::read_messages(const ReadOptions& options, const MessageCallback& on_message) {
  if (options.limit && *options.limit == 0) return {};
  options_ = &options;
  std::vector<bool> wanted(plan_.info.streams.size(), options.topics.empty());
  if (!options.topics.empty()) {
    const std::set<std::string> topics(options.topics.begin(), options.topics.end());
    for (const StreamInfo& stream : plan_.info.streams) {
      wanted[stream.id] = topics.count(stream.topic) != 0;
    }
  }
  std::size_t first_episode = 0;
  std::size_t last_episode = plan_.episodes.size();
  if (options.episode) {
    if (*options.episode >= plan_.episodes.size()) return {};
    first_episode = *options.episode;
    last_episode = first_episode + 1;
  }

  // Row ranges per episode and dataset, and the bytes they hold (for on_progress).
  struct Range {
    std::uint64_t first = 0;
    std::uint64_t end = 0;
  };
  std::vector<std::vector<Range>> ranges(plan_.episodes.size());
  consumed_ = 0;
  total_ = 0;
  for (std::size_t e = first_episode; e < last_episode; ++e) {
    const Hdf5EpisodePlan& episode = plan_.episodes[e];
    for (const Hdf5DatasetPlan& dataset : episode.datasets) {
      Range range;
      if (wanted[dataset.stream_id]) {
        const double rate = plan_.streams[dataset.stream_id].rate_hz;
        range.end = dataset.rows;
        if (options.start_ns) {
          range.first = first_row_at(episode.base_ns, dataset.rows, rate, *options.start_ns);
        }
        if (options.end_ns) {
          range.end = first_row_at(episode.base_ns, dataset.rows, rate, *options.end_ns);
        }
        range.end = std::max(range.first, range.end);
        total_ += (range.end - range.first) * dataset.row_bytes;
      }
      ranges[e].push_back(range);
    }
  }

  std::uint64_t delivered = 0;
  for (std::size_t e = first_episode; e < last_episode; ++e) {
    const Hdf5EpisodePlan& episode = plan_.episodes[e];
    const std::string label = episode.group_path.empty() ? "/" : episode.group_path;
    std::vector<Cursor> cursors;
    cursors.reserve(episode.datasets.size());
    for (std::size_t d = 0; d < episode.datasets.size(); ++d) {
      if (ranges[e][d].first >= ranges[e][d].end) continue;
      Cursor cursor;
      cursor.dataset = &episode.datasets[d];
      cursor.stream = &plan_.streams[cursor.dataset->stream_id];
      cursor.next = ranges[e][d].first;
      cursor.end = ranges[e][d].end;
      cursor.next_time = hdf5_step_time_ns(episode.base_ns, cursor.next, cursor.stream->rate_hz);
      cursors.push_back(std::move(cursor));
    }
    // Merge by (log time, stream id): one message per stream per step, in step order.
    while (true) {
      Cursor* best = nullptr;
      for (Cursor& cursor : cursors) {
        if (cursor.next >= cursor.end) continue;
        if (best == nullptr || cursor.next_time < best->next_time) best = &cursor;
      }
      if (best == nullptr) break;
      Cursor& cursor = *best;
      if (cursor.next < cursor.block_start ||
          cursor.next >= cursor.block_start + cursor.block_rows) {
        const Status status = fill_block(cursor, label);
        if (!status.ok()) {
          fail_cursor(cursor, label, status);
          continue;
        }
      }
      const std::uint64_t row_bytes = cursor.dataset->row_bytes;
      std::span<const std::uint8_t> data(
          cursor.block.data() + (cursor.next - cursor.block_start) * row_bytes,
          static_cast<std::size_t>(row_bytes));
      if (cursor.stream->kind == Hdf5StreamKind::kCompressedImage) {
        bool found_end = false;
        data = trim_encoded_image(data, found_end);
        if (!found_end && !cursor.warned_trim) {
          cursor.warned_trim = true;
          diagnostics_.warn(path_.string(), std::nullopt,
                            fmt::format("{}: row {}: no JPEG/PNG end marker; delivering the row "
                                        "without trailing zero bytes ({} bytes)",
                                        cursor.dataset->path, cursor.next, data.size()));
        }
      }
      MessageView view;
      view.stream = &plan_.info.streams[cursor.dataset->stream_id];
      view.log_time_ns = cursor.next_time;
      view.publish_time_ns = cursor.next_time;
      view.sequence = static_cast<std::uint32_t>(
          std::min<std::uint64_t>(cursor.next, std::numeric_limits<std::uint32_t>::max()));
      view.data = data;
      view.file_index = 0;
      view.file_offset = row_offset(cursor, cursor.next);
      view.episode = static_cast<std::uint32_t>(e);
      ++cursor.next;
      cursor.next_time = hdf5_step_time_ns(episode.base_ns, cursor.next, cursor.stream->rate_hz);
      PARITY_RETURN_IF_ERROR(on_message(view));
      if (options.limit && ++delivered >= *options.limit) return {};
    }
  }
  return {};
}

}  // namespace

bool has_hdf5_magic(std::span<const std::uint8_t> head) {
  for (const std::size_t offset : {0u, 512u, 1024u, 2048u}) {
    if (head.size() < offset + sizeof(kHdf5Signature)) break;
    if (std::memcmp(head.data() + offset, kHdf5Signature, sizeof(kHdf5Signature)) == 0) {
      return true;
    }
  }
  return false;
}

fs::path hdf5_mapping_path_for(const fs::path& hdf5_path) {
  fs::path mapping = hdf5_path;
  mapping.replace_extension(".parity.yaml");
  return mapping;
}

Result<std::unique_ptr<Recording>> open_hdf5_recording(const fs::path& path,
                                                       DiagnosticSink& diagnostics,
                                                       const Hdf5OpenOptions& options) {
  PARITY_ASSIGN_OR_RETURN(const std::optional<fs::path> mapping_path, find_mapping(path, options));
  std::optional<Hdf5Mapping> mapping;
  if (mapping_path) {
    PARITY_ASSIGN_OR_RETURN(mapping, load_mapping(*mapping_path));
    diagnostics.info(path.string(), std::nullopt,
                     fmt::format("read with the mapping file {}", mapping_path->string()));
  }
  PARITY_ASSIGN_OR_RETURN(detail::OpenedFile opened, detail::open_file(path));
  Hdf5Tree tree;
  detail::describe_open_file(opened.file.get(), opened.size_bytes, path.string(), options.limits,
                             tree, diagnostics);
  PARITY_ASSIGN_OR_RETURN(Hdf5Plan plan, plan_hdf5_recording(tree, mapping ? &*mapping : nullptr,
                                                             path.string(), diagnostics));
  auto recording = std::make_unique<Hdf5Recording>(path, std::move(opened.file), std::move(plan),
                                                   diagnostics, options.block_bytes);
  recording->set_files(opened.size_bytes);
  return std::unique_ptr<Recording>(std::move(recording));
}

}  // namespace parity::hdf5
