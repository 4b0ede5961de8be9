// Per-episode sampling weights written for a data loader: one row per training episode with its
// catalog id, where it lives (source path, episode index, time range) and its weight. The CSV
// and JSON Lines forms are also what `parity compare --train-weights file:PATH` reads back.
// A PyTorch WeightedRandomSampler or a LeRobot loader reads them directly (docs/plan.md).
#pragma once

#include <filesystem>
#include <span>

#include "parity/core/status.h"
#include "parity/export/table_writer.h"
#include "parity/parity/selection.h"

namespace parity::plan {

// Columns: episode_id (string), source (string), episode_index (int64: the dataset's own
// episode_index attribute when the episode has one, else the catalog index), start_ns, end_ns
// (int64), weight (double). `weights` has one value per episode of `sample`. The file appears
// only when complete. Errors: kInvalidArgument (size mismatch, a negative or non-finite
// weight), those of open_table_writer().
Status write_weights_file(const std::filesystem::path& path, TableFormat format,
                          const compare::Sample& sample, std::span<const double> weights);

}  // namespace parity::plan
