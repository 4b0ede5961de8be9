// Mapping files: how to read an HDF5 file whose layout Parity does not recognise on its own.
//
//   # demo.parity.yaml, next to demo.hdf5 (see docs/formats/hdf5.md)
//   episodes: "runs/*"        # groups that are episodes; "/" = the whole file is one episode
//   rate_hz: 30               # step rate for synthetic times (default 20)
//   streams:                  # optional; default: every per-step dataset under the episode
//     - path: cam/wrist       # dataset path relative to the episode group
//       name: camera/wrist    # stream topic (default: path)
//       type: image           # tensor | image | compressed_image (default: from the data)
//       image_encoding: rgb8  # image: rgb8 | bgr8 | mono8 | rgba8 | ... (default: from channels)
//     - path: joints/position
//       rate_hz: 100          # per-stream rate (default: the top-level rate_hz)
//   attributes:               # recording-level catalog attributes, as-is
//     task: pick_cube
//     embodiment: ur5e
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity::hdf5 {

// How a per-step dataset is delivered (see parity/formats/tensor.h).
enum class Hdf5StreamKind : std::uint8_t {
  kTensor,           // parity/Tensor: one step of the array
  kImage,            // parity/Image: one H x W x C uint8 frame
  kCompressedImage,  // parity/CompressedImage: one encoded file (JPEG, PNG) per row
};

struct Hdf5StreamMapping {
  std::string path;                    // relative to the episode group; no leading '/'
  std::string name;                    // stream topic; defaults to `path`
  std::optional<Hdf5StreamKind> type;  // nullopt: decided from dtype and shape
  std::string image_encoding;          // kImage: "rgb8", "bgr8", "mono8", "rgba8", ...
  std::string image_format;            // kCompressedImage: "jpeg", "png", ...
  std::optional<double> rate_hz;       // nullopt: Hdf5Mapping::rate_hz
};

struct Hdf5Mapping {
  // '/'-separated group pattern; each component is a name or a glob with '*' (any run of
  // characters) and '?' (one character). "/" (or "") = the root group is the single episode.
  std::string episodes;
  std::optional<double> rate_hz;                  // nullopt: 20 Hz (an info diagnostic says so)
  std::vector<Hdf5StreamMapping> streams;         // empty: every per-step dataset, auto-typed
  std::map<std::string, std::string> attributes;  // MetadataRecord "attributes"
};

// Inclusive bounds accepted for every rate in Parity's HDF5 reader (mapping files and rates
// read from the file), in Hz.
inline constexpr double kHdf5MinRateHz = 0.5;
inline constexpr double kHdf5MaxRateHz = 1e6;

// Parses mapping YAML. Unknown keys are errors (a typo must not silently change the reading).
// Errors: kInvalidArgument naming `source_label`, the line and the problem (YAML syntax, a
// missing `episodes`, a bad type/encoding, a rate outside [kHdf5MinRateHz, kHdf5MaxRateHz],
// a stream path that is empty, absolute or has empty components, duplicate stream names).
Result<Hdf5Mapping> parse_hdf5_mapping(std::string_view yaml_text,
                                       std::string_view source_label = "mapping");

// True when `name` matches the glob `pattern` ('*' any run, '?' one character; no escapes).
bool hdf5_glob_match(std::string_view pattern, std::string_view name);

}  // namespace parity::hdf5
