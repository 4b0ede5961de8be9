#include "parity/ingest/discovery.h"

#include <fmt/format.h>

#include <algorithm>

#include "parity/formats/recording.h"

namespace parity {
namespace {

namespace fs = std::filesystem;

void walk(const fs::path& dir, std::vector<fs::path>& out, int depth) {
  constexpr int kMaxDepth = 64;  // guards against symlink loops
  if (depth > kMaxDepth) return;
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') continue;
    entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& entry : entries) {
    if (looks_like_recording(entry)) {
      out.push_back(entry);
    } else if (fs::is_directory(entry, ec)) {
      walk(entry, out, depth + 1);
    }
  }
}

}  // namespace

Result<std::vector<fs::path>> discover_sources(const fs::path& input) {
  std::error_code ec;
  if (!fs::exists(input, ec)) {
    return not_found(fmt::format("{}: no such file or directory", input.string()));
  }
  std::vector<fs::path> out;
  if (looks_like_recording(input)) {
    out.push_back(input);
    return out;
  }
  if (!fs::is_directory(input, ec)) {
    return unsupported(fmt::format("{}: not a recording Parity can read; {}", input.string(),
                                   supported_formats()));
  }
  walk(input, out, 0);
  return out;
}

}  // namespace parity
