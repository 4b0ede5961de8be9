// MCAP recordings behind the generic parity::Recording contract (parity/formats/recording.h).
//
//  - a single `.mcap` file: format "mcap"; stream ids are the MCAP channel ids;
//  - a rosbag2 directory whose storage is MCAP (metadata.yaml with storage_identifier "mcap"
//    and relative_file_paths, or no metadata.yaml and files <name>_0.mcap ... <name>_N.mcap):
//    format "rosbag2-mcap"; the files are read in order as one recording; streams are merged
//    by (topic, type, message encoding) across files, counts summed, time ranges joined; stream
//    ids are dense (0, 1, ... in order of first appearance). Metadata and attachments of every
//    file are listed in file order.
//
// read_messages() in log-time order merges the files' log-time-ordered streams (k-way).
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/recording.h"

namespace parity::mcap {

// Opens a `.mcap` file or a rosbag2 MCAP directory. `diagnostics` must outlive the recording.
// Errors: kNotFound, kTruncated (e.g. an empty file), kCorrupt, kUnsupported (a directory that
// is not a rosbag2 MCAP bag), each naming the path.
Result<std::unique_ptr<Recording>> open_mcap_recording(const std::filesystem::path& path,
                                                       DiagnosticSink& diagnostics,
                                                       McapReaderOptions options = {});

// The MCAP files of a rosbag2 directory, in order. Errors: kUnsupported (not a rosbag2 MCAP
// directory, another storage such as sqlite3, or file-level compression), kCorrupt (a
// metadata.yaml that does not parse), kNotFound (a listed file is missing).
Result<std::vector<std::filesystem::path>> rosbag2_mcap_files(const std::filesystem::path& dir);

// True when `dir` is a directory that rosbag2_mcap_files() accepts.
bool is_rosbag2_mcap_dir(const std::filesystem::path& dir);

}  // namespace parity::mcap
