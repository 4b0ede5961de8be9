// tf.train.Example decoding, by hand (no protobuf library), following
// tensorflow/core/example/example.proto and feature.proto:
//
//   message Example   { Features features = 1; }
//   message Features  { map<string, Feature> feature = 1; }  // entry: string key = 1;
//                                                            //        Feature value = 2
//   message Feature   { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
//                                    Int64List int64_list = 3; } }
//   message BytesList { repeated bytes value = 1; }
//   message FloatList { repeated float value = 1 [packed = true]; }
//   message Int64List { repeated int64 value = 1 [packed = true]; }
//
// Protobuf wire format (protobuf.dev/programming-guides/encoding): each field is a varint tag
// (field number << 3 | wire type) followed by a varint (type 0), 8 bytes (1), a varint length
// and that many bytes (2), or 4 bytes (5). Packed and unpacked repeated numbers are both
// accepted; unknown fields are skipped; a repeated embedded message merges, a map key seen
// twice keeps its last value, and a oneof keeps the last member set (protobuf semantics).
// Group wire types (3, 4) and anything running past its enclosing length are kCorrupt.
// Memory use is bounded by the input size.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity::rlds {

enum class FeatureKind : std::uint8_t { kNone, kBytes, kFloat, kInt64 };

// "none", "bytes_list", "float_list", "int64_list".
std::string_view feature_kind_name(FeatureKind kind);

struct Feature {
  FeatureKind kind = FeatureKind::kNone;
  // kBytes: views into the bytes given to parse_example() / parse_feature(), valid as long as
  // those bytes are.
  std::vector<std::span<const std::uint8_t>> bytes;
  std::vector<float> floats;         // kFloat
  std::vector<std::int64_t> int64s;  // kInt64

  // Number of values of the active kind.
  std::size_t size() const;
};

struct Example {
  std::map<std::string, Feature, std::less<>> features;

  // nullptr when `key` is absent.
  const Feature* find(std::string_view key) const;
};

// Decodes a serialized Example. Errors: kCorrupt "Example: offset N: <what>" (offsets are
// relative to `bytes`).
Result<Example> parse_example(std::span<const std::uint8_t> bytes);

// Decodes one serialized Feature message. Errors as parse_example().
Result<Feature> parse_feature(std::span<const std::uint8_t> bytes);

// Where one map entry's Feature message lies, found without decoding it.
struct FeatureLocation {
  std::string key;
  std::uint64_t offset = 0;  // of the serialized Feature message, relative to the Example
  std::uint64_t length = 0;
};

// Walks the Example structure only, reading through `read(offset, out)` (which fills `out` with
// the bytes at `offset` of the `size`-byte serialized Example or fails), and reports every map
// entry's key and Feature location to `on_entry` in file order. Reads a few bytes per entry
// (tags, lengths, the key), never the values: an Example with large images is scanned with a
// handful of small reads. Errors: kCorrupt as parse_example(), errors of `read`.
Status scan_example(std::uint64_t size,
                    const std::function<Status(std::uint64_t, std::span<std::uint8_t>)>& read,
                    const std::function<void(FeatureLocation)>& on_entry);

}  // namespace parity::rlds
