// The format registry: open_recording() / looks_like_recording() (parity/formats/recording.h).
// Files are recognised by their magic first, then by their extension (so a damaged file of a
// known kind reaches its reader and gets that reader's precise error); directories by their
// layout.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "parity/formats/hdf5/hdf5_recording.h"
#include "parity/formats/lerobot/lerobot_recording.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "parity/formats/rlds/rlds_recording.h"
#include "parity/formats/ros1/ros1_bag.h"
#include "parity/formats/rosbag2/rosbag2_sqlite.h"
#include "parity/io/byte_source.h"

namespace parity {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSupported =
    "supported formats: mcap (a .mcap file), rosbag2-mcap (a directory with metadata.yaml and "
    "MCAP storage, or <name>_0.mcap, <name>_1.mcap, ...), ros1-bag (a ROS 1 .bag file, v2.0), "
    "rosbag2-sqlite3 (a directory with metadata.yaml and .db3 storage, or a .db3 file), hdf5 "
    "(robomimic, robosuite, LIBERO, MimicGen, ALOHA or a mapped layout; .hdf5 / .h5), rlds (a "
    "TFDS dataset directory with dataset_info.json, features.json and .tfrecord shards), lerobot "
    "(a LeRobot v2.0 / v2.1 / v3.0 dataset directory with meta/info.json, Parquet data and MP4 "
    "videos)";

// Enough of the head to see an HDF5 superblock at 0, 512, 1024 or 2048.
constexpr std::uint64_t kHeadBytes = 2048 + 8;

enum class FileKind : std::uint8_t { kUnknown, kMcap, kRos1Bag, kSqlite, kHdf5, kTfRecord };

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool is_tfrecord_name(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.find(".tfrecord") != std::string::npos || lower_extension(path) == ".tfrecord";
}

FileKind kind_by_magic(std::span<const std::uint8_t> head) {
  if (mcap::has_mcap_magic(head)) return FileKind::kMcap;
  if (ros1::has_ros1_bag_magic(head)) return FileKind::kRos1Bag;
  if (rosbag2::has_sqlite_magic(head)) return FileKind::kSqlite;
  if (hdf5::has_hdf5_magic(head)) return FileKind::kHdf5;
  return FileKind::kUnknown;
}

FileKind kind_by_name(const fs::path& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".mcap") return FileKind::kMcap;
  if (ext == ".bag") return FileKind::kRos1Bag;
  if (ext == ".db3") return FileKind::kSqlite;
  if (ext == ".hdf5" || ext == ".h5" || ext == ".he5") return FileKind::kHdf5;
  if (is_tfrecord_name(path)) return FileKind::kTfRecord;
  return FileKind::kUnknown;
}

// The first bytes of a file (fewer when the file is shorter); empty on error.
std::vector<std::uint8_t> read_head(const ByteSource& source, std::uint64_t n) {
  auto bytes = source.read_vector(0, std::min(n, source.size()));
  return bytes.ok() ? std::move(bytes).value() : std::vector<std::uint8_t>{};
}

enum class DirKind : std::uint8_t { kNone, kRosbag2Mcap, kRosbag2Sqlite, kRlds, kLeRobot };

DirKind kind_of_directory(const fs::path& path) {
  if (mcap::is_rosbag2_mcap_dir(path)) return DirKind::kRosbag2Mcap;
  if (rosbag2::is_rosbag2_sqlite_dir(path)) return DirKind::kRosbag2Sqlite;
  if (rlds::is_rlds_dir(path)) return DirKind::kRlds;
  if (lerobot::is_lerobot_dataset(path)) return DirKind::kLeRobot;
  return DirKind::kNone;
}

Result<std::unique_ptr<Recording>> open_directory(const fs::path& path,
                                                  DiagnosticSink& diagnostics) {
  switch (kind_of_directory(path)) {
    case DirKind::kRosbag2Mcap: return mcap::open_mcap_recording(path, diagnostics);
    case DirKind::kRosbag2Sqlite: return rosbag2::open_rosbag2_sqlite(path, diagnostics);
    case DirKind::kRlds: return rlds::open_rlds(path, diagnostics);
    case DirKind::kLeRobot: return lerobot::open_lerobot(path, diagnostics);
    case DirKind::kNone: break;
  }
  std::error_code ec;
  const bool has_bag_metadata = fs::is_regular_file(path / "metadata.yaml", ec);
  const bool has_dataset_info = fs::is_regular_file(path / "dataset_info.json", ec);
  if (has_dataset_info) return rlds::open_rlds(path, diagnostics);  // its error names the problem
  if (fs::is_regular_file(path / "meta" / "info.json", ec)) {
    return lerobot::open_lerobot(path, diagnostics);  // e.g. an unsupported codebase_version
  }
  auto files = mcap::rosbag2_mcap_files(path);
  // A rosbag2 bag with a problem we can name (missing file, bad YAML): say so.
  if (files.status().code() != StatusCode::kUnsupported || has_bag_metadata) {
    return Status(files.status().code(),
                  fmt::format("{}; {}", files.status().message(), kSupported));
  }
  return unsupported(fmt::format("{}: directory is not a recording Parity can read; {}",
                                 path.string(), kSupported));
}

}  // namespace

std::string_view supported_formats() {
  return kSupported;
}

Result<std::unique_ptr<Recording>> open_recording(const fs::path& path,
                                                  DiagnosticSink& diagnostics) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  if (fs::is_directory(status)) return open_directory(path, diagnostics);
  PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  if (source->size() == 0) {
    return truncated(fmt::format("{}: empty file (0 bytes)", path.string()));
  }
  FileKind kind = kind_by_magic(read_head(*source, kHeadBytes));
  if (kind == FileKind::kUnknown) kind = kind_by_name(path);
  source.reset();
  switch (kind) {
    case FileKind::kMcap: return mcap::open_mcap_recording(path, diagnostics);
    case FileKind::kRos1Bag: return ros1::open_ros1_bag(path, diagnostics);
    case FileKind::kSqlite: return rosbag2::open_rosbag2_sqlite(path, diagnostics);
    case FileKind::kHdf5: return hdf5::open_hdf5_recording(path, diagnostics);
    case FileKind::kTfRecord: return rlds::open_rlds(path, diagnostics);
    case FileKind::kUnknown: break;
  }
  return unsupported(
      fmt::format("{}: not a recording Parity can read (unknown magic and extension); {}",
                  path.string(), kSupported));
}

bool looks_like_recording(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return kind_of_directory(path) != DirKind::kNone;
  if (!fs::is_regular_file(path, ec)) return false;
  // A file of a known kind by name is a candidate even when damaged, so that ingest reports it
  // instead of skipping it silently. Loose TFRecord shards are read through their dataset
  // directory, never on their own.
  const FileKind by_name = kind_by_name(path);
  if (by_name == FileKind::kTfRecord) return false;
  if (by_name != FileKind::kUnknown) return true;
  auto source = open_file_source(path);
  if (!source.ok()) return false;
  const FileKind by_magic = kind_by_magic(read_head(**source, kHeadBytes));
  // Extension-less files only when the magic is unambiguous (not SQLite: any database).
  return by_magic == FileKind::kMcap || by_magic == FileKind::kRos1Bag;
}

}  // namespace parity
