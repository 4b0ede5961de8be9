#include "parity/formats/split_series.h"

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>
#include <string>

namespace parity {
namespace fs = std::filesystem;

Result<std::vector<fs::path>> split_file_series(const fs::path& dir, std::string_view extension,
                                                std::string_view kind) {
  // <name>_<index><extension>; the index has no leading zeros and at most 9 digits.
  static const std::regex kSplit(R"((.*)_(0|[1-9]\d{0,8}))");
  std::map<std::uint64_t, fs::path> by_index;
  std::set<std::string> prefixes;
  std::size_t files_with_extension = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || entry.path().extension() != extension) continue;
    ++files_with_extension;
    std::smatch match;
    const std::string stem = entry.path().stem().string();
    if (!std::regex_match(stem, match, kSplit)) continue;
    prefixes.insert(match[1].str());
    by_index[std::stoull(match[2].str())] = entry.path();
  }
  if (ec) return io_error(fmt::format("{}: cannot list directory: {}", dir.string(), ec.message()));
  const auto not_a_bag = [&](const std::string& why) {
    return unsupported(fmt::format("{}: not a rosbag2 {} directory: {}", dir.string(), kind, why));
  };
  if (files_with_extension == 0) {
    return not_a_bag(fmt::format("no metadata.yaml and no {} files", extension));
  }
  if (prefixes.size() != 1 || by_index.size() != files_with_extension) {
    return not_a_bag(fmt::format(
        "no metadata.yaml and the {} files are not one <name>_<N>{} series", extension, extension));
  }
  std::vector<fs::path> files;
  std::uint64_t expected = 0;
  for (const auto& [index, path] : by_index) {
    if (index != expected++) {
      return not_a_bag(fmt::format("split files are not numbered 0..{} (missing _{})",
                                   by_index.size() - 1, expected - 1));
    }
    files.push_back(path);
  }
  return files;
}

}  // namespace parity
