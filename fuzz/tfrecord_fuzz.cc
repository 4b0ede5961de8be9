// libFuzzer target for the RLDS / TFRecord layers: TFRecord framing over an in-memory
// ByteSource, record CRCs, tf.train.Example decoding (whole and by structure scan), the split of
// an episode into steps against a fixed feature layout, episode attributes, and features.json
// parsing. The whole input is also decoded as one Example, so the fuzzer reaches the protobuf
// decoder without having to forge CRCs. Any crash, hang, sanitizer report or unbounded
// allocation is a bug. Seeds: fuzz/corpus/tfrecord/.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "parity/core/diagnostics.h"
#include "parity/formats/rlds/example.h"
#include "parity/formats/rlds/rlds_features.h"
#include "parity/formats/rlds/tfrecord.h"
#include "parity/io/byte_source.h"

namespace {

constexpr std::string_view kLayout = R"({
  "featuresDict": {"features": {
    "steps": {"sequence": {"length": "-1", "feature": {"featuresDict": {"features": {
      "is_first": {"tensor": {"shape": {}, "dtype": "bool"}},
      "action": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "float32"}},
      "joint": {"tensor": {"shape": {"dimensions": ["3"]}, "dtype": "int16"}},
      "raw": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "uint16", "encoding": "bytes"}},
      "image": {"image": {"shape": {"dimensions": ["2", "2", "3"]}, "dtype": "uint8",
                          "encodingFormat": "jpeg"}},
      "language_instruction": {"text": {}}
    }}}}},
    "episode_metadata": {"featuresDict": {"features": {
      "id": {"tensor": {"shape": {}, "dtype": "int64"}},
      "name": {"text": {}},
      "gain": {"tensor": {"shape": {"dimensions": ["2"]}, "dtype": "float32"}}
    }}}
  }}
})";

const parity::rlds::FeatureLayout& layout() {
  static const parity::rlds::FeatureLayout kLayoutParsed =
      parity::rlds::parse_features_json(kLayout).value();
  return kLayoutParsed;
}

void exercise_example(std::span<const std::uint8_t> bytes, parity::DiagnosticSink& sink) {
  auto example = parity::rlds::parse_example(bytes);
  if (example.ok()) {
    const auto split = parity::rlds::split_episode(*example, layout(), sink, "fuzz");
    std::size_t total = 0;
    for (const auto& feature : split.features) {
      for (const auto step : feature.steps) total += step.size();
    }
    (void)total;
    (void)parity::rlds::episode_attributes(*example, layout(), sink, "fuzz");
  }
  const auto read = [&](std::uint64_t offset, std::span<std::uint8_t> out) -> parity::Status {
    if (offset > bytes.size() || out.size() > bytes.size() - offset) {
      return parity::truncated("past the end");
    }
    if (!out.empty()) std::memcpy(out.data(), bytes.data() + offset, out.size());
    return {};
  };
  parity::rlds::scan_example(bytes.size(), read, [&](parity::rlds::FeatureLocation location) {
    if (location.offset <= bytes.size() && location.length <= bytes.size() - location.offset) {
      (void)parity::rlds::parse_feature(bytes.subspan(location.offset, location.length));
    }
  }).ignore();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  parity::NullDiagnosticSink sink;
  auto source = parity::memory_source_view(input, "fuzz.tfrecord");
  auto entries = parity::rlds::index_tfrecords(*source, sink);
  if (entries.ok()) {
    std::vector<std::uint8_t> record;
    for (const auto& entry : *entries) {
      const parity::Status status = parity::rlds::read_tfrecord(*source, entry, record);
      // Decode the data even when its CRC does not match, as a reader skipping nothing would.
      exercise_example(input.subspan(entry.data_offset(), entry.length), sink);
      (void)status;
    }
  }
  exercise_example(input, sink);
  if (size > 0 && data[0] == '{') {
    (void)parity::rlds::parse_features_json(
        std::string_view(reinterpret_cast<const char*>(data), size));
  }
  return 0;
}
