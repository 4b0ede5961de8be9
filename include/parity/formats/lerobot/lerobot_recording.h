// LeRobot datasets (huggingface/lerobot LeRobotDataset v2.0, v2.1 and v3.0) behind the generic
// parity::Recording contract (parity/formats/recording.h). Layout, mapping and the checks
// made: docs/formats/lerobot.md.
//
// A dataset directory holds meta/info.json (fps, robot_type, features, path templates), a task
// table, an episode table, Parquet data files (one per episode in v2.x; shared files with row
// ranges in v3.0) and, for video features, MP4 files (one per episode and camera in v2.x; shared
// files with per-episode time segments in v3.0).
//
// One recording = the dataset; one episode per episode_index found in the DATA (counts and
// times come from the Parquet rows, never from the meta's claims), in episode_index order,
// named "episode_<index:06d>". Streams, topics = the feature keys:
//   numeric / bool columns (flat or list)  -> parity/Tensor, schema from the column's type and
//                                             info.json's shape ("float32[26]")
//   string columns                         -> parity/String
//   image features (struct {bytes, path})  -> parity/CompressedImage
//   video features                         -> parity/Image "uint8[H,W,3]" rgb8, frames decoded
//                                             from the episode's segment of its video file
// Bookkeeping columns (timestamp, frame_index, episode_index, index, task_index) are not
// streams. Times: episodes laid end to end at the dataset's fps (episode k starts where the
// rows of the earlier episodes end), each row at its start + the row's `timestamp`.
//
// Inconsistencies between meta and data (counts, totals, splits, missing or misplaced files, a
// codec claim that differs from the file, non-standard keys) are warnings; rows or frames that
// cannot be decoded are errors (damage).
#pragma once

#include <filesystem>
#include <memory>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/recording.h"

namespace parity::lerobot {

// True when `path` is a directory holding meta/info.json with codebase_version v2.x or v3.x.
bool is_lerobot_dataset(const std::filesystem::path& path);

// Opens a LeRobot dataset directory. Opening reads the meta tables, the bookkeeping columns of
// every data file (episode_index, timestamp) and the header of every video file; no data or
// frame is decoded. `diagnostics` must outlive the recording. Errors name the file: kNotFound
// (no meta/info.json, no data files), kUnsupported (another codebase_version), kCorrupt (a
// data file that does not parse, an episode whose rows are not contiguous, columns that differ
// between data files).
Result<std::unique_ptr<Recording>> open_lerobot(const std::filesystem::path& path,
                                                DiagnosticSink& diagnostics);

}  // namespace parity::lerobot
