// The format registry: open_recording() / looks_like_recording() (parity/formats/recording.h).
// Readers are tried by file magic first, then by directory layout.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "parity/io/byte_source.h"

namespace parity {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSupported =
    "supported formats: mcap (a .mcap file), rosbag2-mcap (a directory with metadata.yaml and "
    "MCAP storage, or <name>_0.mcap, <name>_1.mcap, ...)";

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// The first bytes of a file (fewer when the file is shorter); empty on error.
std::vector<std::uint8_t> read_head(const ByteSource& source, std::uint64_t n) {
  auto bytes = source.read_vector(0, std::min(n, source.size()));
  return bytes.ok() ? std::move(bytes).value() : std::vector<std::uint8_t>{};
}

}  // namespace

Result<std::unique_ptr<Recording>> open_recording(const fs::path& path,
                                                  DiagnosticSink& diagnostics) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return not_found(fmt::format("{}: no such file or directory", path.string()));
  }
  if (fs::is_directory(status)) {
    if (mcap::is_rosbag2_mcap_dir(path)) return mcap::open_mcap_recording(path, diagnostics);
    auto files = mcap::rosbag2_mcap_files(path);
    // A rosbag2 bag with a problem we can name (missing file, bad YAML): say so.
    if (files.status().code() != StatusCode::kUnsupported ||
        fs::is_regular_file(path / "metadata.yaml", ec)) {
      return Status(files.status().code(),
                    fmt::format("{}; {}", files.status().message(), kSupported));
    }
    return unsupported(fmt::format("{}: directory is not a recording Parity can read; {}",
                                   path.string(), kSupported));
  }
  PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  if (source->size() == 0) {
    return truncated(fmt::format("{}: empty file (0 bytes)", path.string()));
  }
  const std::vector<std::uint8_t> head = read_head(*source, mcap::kMagic.size());
  if (mcap::has_mcap_magic(head) || lower_extension(path) == ".mcap") {
    return mcap::open_mcap_recording(path, diagnostics);
  }
  return unsupported(
      fmt::format("{}: not a recording Parity can read (unknown magic and "
                  "extension); {}",
                  path.string(), kSupported));
}

bool looks_like_recording(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return mcap::is_rosbag2_mcap_dir(path);
  if (!fs::is_regular_file(path, ec) || lower_extension(path) != ".mcap") return false;
  auto source = open_file_source(path);
  if (!source.ok()) return false;
  return mcap::has_mcap_magic(read_head(**source, mcap::kMagic.size()));
}

}  // namespace parity
