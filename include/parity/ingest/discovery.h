// Finding sources (recordings) under the paths a user gives `parity ingest`.
#pragma once

#include <filesystem>
#include <vector>

#include "parity/core/status.h"

namespace parity {

// Expands `input` into the recordings it holds, sorted by path: `input` itself when it is
// a recording (a file, or a directory that reads as one, like a rosbag2 bag); otherwise every
// recording found by walking the directory (a directory that is a recording is not descended
// into). Hidden entries (names starting with '.') are skipped; symlinks are followed once.
// Errors: kNotFound when `input` does not exist; kUnsupported when `input` is a file that no
// reader recognises (the message lists the supported formats).
Result<std::vector<std::filesystem::path>> discover_sources(const std::filesystem::path& input);

}  // namespace parity
