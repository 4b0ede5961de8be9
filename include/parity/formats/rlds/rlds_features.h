// The TFDS feature layout of an RLDS dataset (features.json) and the splitting of one episode's
// tf.train.Example back into per-step messages.
//
// features.json is the proto-JSON form of a TFDS FeaturesDict
// (tensorflow_datasets/core/proto/feature.proto): nested `featuresDict.features` maps, a
// `sequence.feature` (the `steps` Dataset feature, `sequence.length` -1) around the per-step
// features, and leaves `tensor {shape {dimensions}, dtype, encoding}`, `image {shape, dtype,
// encodingFormat}`, `text {}` and `classLabel {numClasses}`. TFDS serializes an episode as one
// Example whose keys are the leaf paths joined with '/' ("steps/observation/image_0",
// "episode_metadata/file_path"); a per-step leaf holds the values of every step concatenated
// (float_list of steps x 7 for a float32[7] action, a bytes_list of one encoded image per step).
// Floats of any width are stored as float_list (float32); integers and bools as int64_list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/rlds/example.h"
#include "parity/formats/tensor.h"

namespace parity::rlds {

enum class LeafKind : std::uint8_t {
  kTensor,  // parity/Tensor (Tensor, Scalar, ClassLabel)
  kImage,   // parity/CompressedImage (Image)
  kText,    // parity/String (Text, or a scalar tensor of dtype string)
};

struct FeatureSpec {
  std::string key;        // flattened path, e.g. "steps/action"
  bool per_step = false;  // inside the steps sequence
  LeafKind kind = LeafKind::kTensor;
  std::string tfds_dtype;  // as declared: "float32", "bool", "uint8", "string", ...
  // Element type delivered for kTensor: float16/float32/float64 are float32 (what float_list
  // holds); integers and bool as declared.
  DType dtype = DType::kFloat32;
  std::vector<std::int64_t> shape;  // declared dimensions, -1 where unknown
  std::string encoding;             // tensor encoding: "none" (default), "bytes", "zlib"
  std::string image_format;         // kImage: "jpeg", "png", ... ("" when not declared)
  std::string description;
  std::string unsupported;  // why the leaf cannot be read ("" when it can)

  // TensorSpec of one step (kTensor only).
  TensorSpec tensor_spec() const;
  // Elements per step (kTensor: product of the shape; kImage / kText: 1).
  std::uint64_t elements() const;
};

struct FeatureLayout {
  std::vector<FeatureSpec> features;  // sorted by key
  // Index into `features` of the per-step leaf whose value count gives the step count:
  // "steps/is_first" when present, else the readable per-step tensor with the fewest elements,
  // else the first readable per-step image or text. nullopt when there is no readable per-step
  // leaf.
  std::optional<std::size_t> step_count_feature;

  const FeatureSpec* find(std::string_view key) const;
};

// Parses features.json. Errors: kCorrupt (not JSON, or no featuresDict at the top: the message
// names what was expected). Leaves Parity cannot read get `unsupported` set; nested sequences
// inside steps and unknown leaf types are such leaves.
Result<FeatureLayout> parse_features_json(std::string_view json);

// Number of steps of an episode from the step-count feature of `example`; nullopt when the
// layout has none or the Example lacks it, or its value count is not a multiple of the step
// size.
std::optional<std::uint64_t> count_steps(const Example& example, const FeatureLayout& layout);

// One per-step feature of one episode split into steps.
struct StepData {
  std::vector<std::span<const std::uint8_t>> steps;  // one view per step; empty when the
                                                     // feature is missing or malformed
  std::vector<std::uint8_t> storage;  // converted values the views point into (tensors)
};

struct SplitEpisode {
  std::uint64_t steps = 0;
  // Parallel to FeatureLayout::features (empty for episode-level and unsupported leaves).
  // The views point into `storage` or into the bytes parse_example() read: valid while both
  // live, and not across a move of the SplitEpisode.
  std::vector<StepData> features;
};

// Splits the per-step features of `example` into steps. Problems (a missing key, a value count
// that is not steps x elements, a wrong list kind, integers out of the dtype's range, an
// encoded tensor of the wrong size) are reported to `diagnostics` with `where` as the file and
// `offset` (the record's), and that feature gets no steps; the rest is still split.
SplitEpisode split_episode(const Example& example, const FeatureLayout& layout,
                           DiagnosticSink& diagnostics, const std::string& where,
                           std::optional<std::uint64_t> offset = std::nullopt);

// Episode-level values (leaves outside `steps`) as attributes: key = the leaf path without its
// "episode_metadata/" prefix; scalars as text (bools "true"/"false", floats shortest
// round-trip), 1-D tensors of up to 16 elements comma-joined, texts of up to 256 bytes of
// UTF-8 without control characters. Longer or other values are left out with an info
// diagnostic. Adds "task" = the first non-empty step of a per-step text leaf named
// "language_instruction" when present in `example`.
std::map<std::string, std::string> episode_attributes(
    const Example& example, const FeatureLayout& layout, DiagnosticSink& diagnostics,
    const std::string& where, std::optional<std::uint64_t> offset = std::nullopt);

}  // namespace parity::rlds
