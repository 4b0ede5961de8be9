// rosbag2 split bags without a metadata.yaml: the storage files of one bag, named as rosbag2
// names split files.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity {

// The files of `dir` with `extension` (".mcap", ".db3") when they form one rosbag2 split
// series <name>_0<ext>, <name>_1<ext>, ..., <name>_<n-1><ext> (one common <name>, indexes
// without leading zeros: `episode_000.mcap, episode_001.mcap` are separate recordings), in
// index order. Errors: kUnsupported "<dir>: not a rosbag2 <kind> directory: <why>" when there
// are no such files, several names, or a gap in the numbering; kIoError when `dir` cannot be
// listed.
Result<std::vector<std::filesystem::path>> split_file_series(const std::filesystem::path& dir,
                                                             std::string_view extension,
                                                             std::string_view kind);

}  // namespace parity
