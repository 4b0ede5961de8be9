// RLDS datasets stored by TensorFlow Datasets as TFRecord shards, behind the generic
// parity::Recording contract (parity/formats/recording.h). Layout, mapping, defaults and damage
// handling: docs/formats/rlds.md.
//
// A dataset version directory `<name>/<version>/` holds dataset_info.json, features.json and
// shards `<name>-<split>.tfrecord-NNNNN-of-MMMMM`. One recording = every split present (or the
// one chosen), shards in dataset_info order; one episode per record (tf.train.Example), indexed
// across shards; EpisodeInfo::name "<shard file name>:<record index in the shard>".
//
// Streams: one per readable per-step leaf of features.json, topic = the flattened key
// ("steps/action", "steps/observation/image_0"), ids dense in key order:
//   tensor -> parity/Tensor ("tensor", TensorSpec schema such as "float32[7]", "bool[]")
//   image  -> parity/CompressedImage ("image", metadata image_format "jpeg" / "png")
//   text   -> parity/String ("text")
// Every stream has metadata time_source "synthetic", rate_hz, source_key and, when declared,
// description and tfds_dtype. RLDS has no clock: step k of the dataset (counting every step of
// the earlier episodes) is at llround(k * 1e9 / rate_hz) ns, so episodes follow each other.
//
// Opening reads the 12-byte record headers of every shard (checking their length CRCs) and, per
// record, only the small features needed for the episode table (the step-count leaf,
// steps/is_last, episode_metadata, the language instruction), with a few small reads per record.
// Record data CRCs are checked when an episode is read.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/recording.h"

namespace parity::rlds {

// Synthetic step rate when neither the options nor the table of known datasets give one:
// 10 Hz, the most common control rate among the Open X-Embodiment datasets.
inline constexpr double kDefaultRldsRateHz = 10.0;

struct RldsOptions {
  std::string split;              // "" = every split with shards present
  std::optional<double> rate_hz;  // overrides the known-dataset / default rate; (0, 10000]
};

// True when `path` resolves to an RLDS dataset version directory: itself, or a dataset
// directory with exactly one version subdirectory, holding dataset_info.json (fileFormat
// "tfrecord" or absent) and features.json. Cheap: parses dataset_info.json only.
bool is_rlds_dir(const std::filesystem::path& path);

// Opens a version directory, a dataset directory with one version, or one shard file (then only
// that shard). `diagnostics` must outlive the recording and receives: missing shard files,
// record counts that differ from shardLengths, truncated shard tails, records whose structure
// does not parse (skipped), episodes without a step with is_last = 1 (one summary warning),
// episode values not kept as attributes. Errors (naming the path): kNotFound, kUnsupported
// (another file format, no readable per-step feature, several versions), kCorrupt (bad JSON,
// lost framing: a record length CRC mismatch or an impossible length, with file and offset),
// kInvalidArgument (a bad option), kIoError.
Result<std::unique_ptr<Recording>> open_rlds(const std::filesystem::path& path,
                                             DiagnosticSink& diagnostics,
                                             const RldsOptions& options = {});

}  // namespace parity::rlds
