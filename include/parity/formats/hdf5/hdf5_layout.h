// Layout detection and recording planning for HDF5 demonstration files: pure functions of an
// Hdf5Tree (hdf5_tree.h), no file access. The plan fixes everything open_hdf5_recording()
// reports (streams, episodes, counts, synthetic times, metadata) and which dataset backs which
// stream in which episode; the recording then only reads rows.
//
// Layouts (exact keys in docs/formats/hdf5.md):
//   robomimic  data/demo_<i>/{actions, states, rewards, dones, obs/*, next_obs/*}, data attrs
//              env_args (JSON) and total, demo attr num_samples, optional mask/<filter_key>
//   robosuite  raw robosuite demo.hdf5: data attrs repository_version, env, date, time
//              [, env_info JSON (>= 1.0)], data/demo_<i> (from 1) with states, actions ...
//   libero     robomimic-like plus data attrs problem_info / bddl_file_name / bddl_file_content
//   mimicgen   robomimic-like plus per-demo datagen_info/ group or src_demo_inds dataset
//   aloha      one episode per file: /observations/qpos, /action, /observations/images/<cam>
//   mapped     anything else, described by a mapping file (hdf5_mapping.h)
//
// Time: every stream has a step rate (see docs); step i of a stream in episode e has log time
// episode_base_ns(e) + round(i * 1e9 / rate_hz). Episodes follow each other on one timeline:
// the first starts at 0, each next one one default period after the previous one's last
// message, so file order (episode by episode, step by step) is also log-time order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/hdf5/hdf5_mapping.h"
#include "parity/formats/hdf5/hdf5_tree.h"
#include "parity/formats/recording.h"
#include "parity/formats/tensor.h"

namespace parity::hdf5 {

enum class Hdf5Layout : std::uint8_t {
  kRobomimic,
  kRobosuite,
  kLibero,
  kMimicgen,
  kAloha,
  kMapped,
};

// "robomimic", "robosuite", "libero", "mimicgen", "aloha", "mapped".
std::string_view hdf5_layout_name(Hdf5Layout layout);
// RecordingInfo::format: "hdf5-" + hdf5_layout_name().
std::string hdf5_format_string(Hdf5Layout layout);

// Default step rates (Hz) when the file does not say (robosuite's default control_freq; ACT's
// DT = 0.02 s; the mapping default).
inline constexpr double kRobosuiteDefaultRateHz = 20.0;
inline constexpr double kAlohaRateHz = 50.0;
inline constexpr double kMappedDefaultRateHz = 20.0;

// Largest per-step row Parity reads (bytes); larger rows are not delivered as streams.
inline constexpr std::uint64_t kHdf5MaxRowBytes = 256ull << 20;
// Largest number of steps in one dataset.
inline constexpr std::uint64_t kHdf5MaxSteps = 1ull << 32;
// A dataset whose logical size exceeds its stored bytes by more than this factor (plus 1 MiB)
// is treated as hostile (a declared extent no compressor can produce) and skipped.
inline constexpr std::uint64_t kHdf5MaxExpansion = 4096;

// Which built-in layout `tree` follows. Errors: kUnsupported naming `file_label`, what the top
// level holds (groups and datasets), the supported layouts and the mapping file to write.
Result<Hdf5Layout> detect_hdf5_layout(const Hdf5Tree& tree, std::string_view file_label);

struct Hdf5StreamPlan {
  Hdf5StreamKind kind = Hdf5StreamKind::kTensor;
  TensorSpec step;        // dtype and per-step shape as delivered (compressed: uint8[row])
  double rate_hz = 20.0;  // synthetic step rate
};

// One dataset backing one stream in one episode.
struct Hdf5DatasetPlan {
  std::uint32_t stream_id = 0;
  std::string path;              // from the root, no leading '/': "data/demo_3/obs/agentview_image"
  std::uint64_t rows = 0;        // steps delivered (first dimension)
  std::uint64_t chunk_rows = 0;  // rows per chunk; 0 when not chunked
  std::uint64_t row_bytes = 0;   // bytes of one row as delivered (before JPEG trimming)
};

struct Hdf5EpisodePlan {
  std::string group_path;  // "" for the root
  std::int64_t base_ns = 0;
  std::vector<Hdf5DatasetPlan> datasets;  // sorted by stream_id, one per stream at most
};

struct Hdf5Plan {
  Hdf5Layout layout = Hdf5Layout::kRobomimic;
  // format, library, metadata, streams (id == index, sorted), episodes, message_count,
  // start_ns, end_ns, indexed. `files` and `size_bytes` are left to the caller.
  RecordingInfo info;
  std::vector<Hdf5StreamPlan> streams;    // parallel to info.streams
  std::vector<Hdf5EpisodePlan> episodes;  // parallel to info.episodes (never empty)
};

// Detects the layout (or applies `mapping` when non-null, which takes precedence) and plans the
// recording. Recoverable oddities go to `diagnostics` with `file_label` (skipped datasets,
// row-count mismatches, bad JSON in env_args, tree omissions). Errors: kUnsupported (unknown
// layout, see detect_hdf5_layout(); a mapping whose episode pattern matches no group),
// kCorrupt (a recognised layout with no usable episode, e.g. data/ holds no demo_<i> groups).
Result<Hdf5Plan> plan_hdf5_recording(const Hdf5Tree& tree, const Hdf5Mapping* mapping,
                                     std::string_view file_label, DiagnosticSink& diagnostics);

// Log time of step `row` of a stream: base_ns + round(row * 1e9 / rate_hz), saturating at
// INT64_MAX. Precondition: rate_hz in [kHdf5MinRateHz, kHdf5MaxRateHz].
std::int64_t hdf5_step_time_ns(std::int64_t base_ns, std::uint64_t row, double rate_hz);

// Sorts names so that embedded numbers compare numerically ("demo_2" < "demo_10").
bool hdf5_natural_less(std::string_view a, std::string_view b);

}  // namespace parity::hdf5
