#include "parity/formats/rlds/rlds_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "formats/ros_msg/utf8.h"

namespace parity::rlds {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxAttributeElements = 16;
constexpr std::size_t kMaxAttributeText = 256;
constexpr std::size_t kMaxTaskText = 1024;
constexpr int kMaxJsonDepth = 64;
constexpr std::string_view kEpisodeMetadataPrefix = "episode_metadata/";

std::string json_string(const Json& node, const char* key) {
  const auto it = node.find(key);
  if (it == node.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// shape {dimensions: ["64", "64", "3"]} (proto-JSON int64 as strings, or numbers).
std::vector<std::int64_t> json_shape(const Json& leaf) {
  std::vector<std::int64_t> dims;
  const auto shape = leaf.find("shape");
  if (shape == leaf.end() || !shape->is_object()) return dims;
  const auto list = shape->find("dimensions");
  if (list == shape->end() || !list->is_array()) return dims;
  for (const Json& d : *list) {
    std::int64_t value = -1;
    if (d.is_number_integer()) {
      value = d.get<std::int64_t>();
    } else if (d.is_string()) {
      const std::string text = d.get<std::string>();
      char* end = nullptr;
      const long long parsed = std::strtoll(text.c_str(), &end, 10);
      if (end != text.c_str() && *end == '\0') value = parsed;
    }
    dims.push_back(value < 0 ? -1 : value);
  }
  return dims;
}

bool known_shape(const std::vector<std::int64_t>& shape) {
  return std::all_of(shape.begin(), shape.end(), [](std::int64_t d) { return d >= 0; });
}

void set_dtype(FeatureSpec& spec, const std::string& dtype) {
  spec.tfds_dtype = dtype;
  if (dtype == "string") {
    if (spec.shape.empty()) {
      spec.kind = LeafKind::kText;
    } else {
      spec.unsupported = fmt::format("string tensor of shape [{}]", fmt::join(spec.shape, ","));
    }
    return;
  }
  auto parsed = parse_dtype(dtype);
  if (!parsed.ok()) {
    spec.unsupported = fmt::format("unknown dtype '{}'", dtype);
    return;
  }
  const DType d = *parsed;
  spec.dtype = (d == DType::kFloat16 || d == DType::kFloat64) ? DType::kFloat32 : d;
}

FeatureSpec leaf_spec(const Json& node, std::string key, bool per_step) {
  FeatureSpec spec;
  spec.key = std::move(key);
  spec.per_step = per_step;
  spec.description = json_string(node, "description");
  if (const auto t = node.find("tensor"); t != node.end() && t->is_object()) {
    spec.kind = LeafKind::kTensor;
    spec.shape = json_shape(*t);
    spec.encoding = json_string(*t, "encoding");
    if (spec.encoding.empty()) spec.encoding = "none";
    set_dtype(spec, json_string(*t, "dtype"));
    if (spec.unsupported.empty() && spec.kind == LeafKind::kTensor) {
      if (spec.encoding != "none" && spec.encoding != "bytes") {
        spec.unsupported = fmt::format("tensor encoding '{}'", spec.encoding);
      } else if (per_step && !known_shape(spec.shape)) {
        spec.unsupported =
            fmt::format("per-step tensor of variable shape [{}]", fmt::join(spec.shape, ","));
      }
    }
  } else if (const auto im = node.find("image"); im != node.end() && im->is_object()) {
    spec.kind = LeafKind::kImage;
    spec.shape = json_shape(*im);
    spec.tfds_dtype = json_string(*im, "dtype");
    spec.dtype = DType::kUint8;
    spec.image_format = json_string(*im, "encodingFormat");
    if (spec.image_format.empty()) spec.image_format = "png";  // TFDS Image's default
  } else if (const auto tx = node.find("text"); tx != node.end()) {
    spec.kind = LeafKind::kText;
    spec.tfds_dtype = "string";
  } else if (const auto cl = node.find("classLabel"); cl != node.end()) {
    spec.kind = LeafKind::kTensor;
    spec.tfds_dtype = "int64";
    spec.dtype = DType::kInt64;
    spec.encoding = "none";
  } else {
    const std::string type = json_string(node, "pythonClassName");
    spec.unsupported =
        fmt::format("feature type '{}' is not read", type.empty() ? "unknown" : type);
  }
  return spec;
}

Status walk(const Json& node, const std::string& key, bool per_step, int depth,
            std::vector<FeatureSpec>& out) {
  if (depth > kMaxJsonDepth) {
    return corrupt(
        fmt::format("features.json: '{}' nests deeper than {} levels", key, kMaxJsonDepth));
  }
  if (!node.is_object()) {
    return corrupt(fmt::format("features.json: feature '{}' is not an object", key));
  }
  if (const auto dict = node.find("featuresDict"); dict != node.end()) {
    const auto features = dict->is_object() ? dict->find("features") : dict->end();
    if (features == dict->end() || !features->is_object()) {
      return corrupt(
          fmt::format("features.json: featuresDict of '{}' has no 'features' object", key));
    }
    for (const auto& [name, child] : features->items()) {
      const std::string child_key = key.empty() ? name : key + "/" + name;
      PARITY_RETURN_IF_ERROR(walk(child, child_key, per_step, depth + 1, out));
    }
    return {};
  }
  if (const auto sequence = node.find("sequence"); sequence != node.end()) {
    if (per_step || key != "steps") {
      FeatureSpec spec;
      spec.key = key;
      spec.per_step = per_step;
      spec.unsupported = per_step ? "a sequence inside steps" : "a sequence other than 'steps'";
      out.push_back(std::move(spec));
      return {};
    }
    const auto feature = sequence->is_object() ? sequence->find("feature") : sequence->end();
    if (feature == sequence->end()) {
      return corrupt(fmt::format("features.json: sequence '{}' has no 'feature'", key));
    }
    return walk(*feature, key, /*per_step=*/true, depth + 1, out);
  }
  out.push_back(leaf_spec(node, key, per_step));
  return {};
}

std::uint64_t steps_of(const FeatureSpec& spec, const Feature& feature) {
  if (spec.kind != LeafKind::kTensor || spec.encoding == "bytes") return feature.size();
  const std::uint64_t elements = spec.elements();
  if (elements == 0 || feature.size() % elements != 0)
    return std::numeric_limits<std::uint64_t>::max();
  return feature.size() / elements;
}

bool fits(DType dtype, std::int64_t v) {
  switch (dtype) {
    case DType::kBool: return v == 0 || v == 1;
    case DType::kInt8: return v >= -128 && v <= 127;
    case DType::kUint8: return v >= 0 && v <= 255;
    case DType::kInt16: return v >= -32768 && v <= 32767;
    case DType::kUint16: return v >= 0 && v <= 65535;
    case DType::kInt32:
      return v >= std::numeric_limits<std::int32_t>::min() &&
             v <= std::numeric_limits<std::int32_t>::max();
    case DType::kUint32:
      return v >= 0 && v <= std::int64_t{std::numeric_limits<std::uint32_t>::max()};
    default: return true;  // int64, uint64 (stored as its two's-complement int64)
  }
}

// Appends `v` as `dtype` (little-endian), wrapping out-of-range values; bool is v != 0.
void append_integer(std::vector<std::uint8_t>& out, DType dtype, std::int64_t v) {
  const std::size_t size = dtype_size(dtype);
  const std::uint64_t bits =
      dtype == DType::kBool ? (v != 0 ? 1u : 0u) : static_cast<std::uint64_t>(v);
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

bool is_integer_dtype(DType dtype) {
  return dtype != DType::kFloat16 && dtype != DType::kFloat32 && dtype != DType::kFloat64;
}

std::string describe(const Feature& feature) {
  return fmt::format("{} of {} values", feature_kind_name(feature.kind), feature.size());
}

// Splits one per-step feature; returns "" or the reason it could not be split.
std::string split_feature(const FeatureSpec& spec, const Feature& feature, std::uint64_t steps,
                          StepData& out) {
  if (steps == 0) return {};
  const bool bytes_per_step = spec.kind != LeafKind::kTensor || spec.encoding == "bytes";
  if (bytes_per_step) {
    if (feature.kind != FeatureKind::kBytes || feature.bytes.size() != steps) {
      return fmt::format("expected a bytes_list of {} values (one per step), found {}", steps,
                         describe(feature));
    }
    if (spec.kind == LeafKind::kTensor) {
      const std::uint64_t size = spec.tensor_spec().byte_size();
      for (std::size_t s = 0; s < feature.bytes.size(); ++s) {
        if (feature.bytes[s].size() != size) {
          return fmt::format("step {}: encoded tensor of {} bytes, {} needs {}", s,
                             feature.bytes[s].size(), spec.tensor_spec().to_string(), size);
        }
      }
    }
    out.steps = feature.bytes;
    return {};
  }
  const std::uint64_t elements = spec.elements();
  const std::uint64_t expected = steps * elements;
  const bool integer = is_integer_dtype(spec.dtype);
  const FeatureKind want = integer ? FeatureKind::kInt64 : FeatureKind::kFloat;
  if (feature.kind != want || feature.size() != expected) {
    return fmt::format("expected a {} of {} values ({} steps x {}), found {}",
                       feature_kind_name(want), expected, steps, elements, describe(feature));
  }
  std::string note;
  if (integer) {
    out.storage.reserve(expected * dtype_size(spec.dtype));
    std::size_t out_of_range = 0;
    for (const std::int64_t v : feature.int64s) {
      if (!fits(spec.dtype, v)) ++out_of_range;
      append_integer(out.storage, spec.dtype, v);
    }
    if (out_of_range > 0) {
      note = fmt::format("{} values do not fit {} and were wrapped", out_of_range,
                         dtype_name(spec.dtype));
    }
  } else {
    out.storage.resize(expected * sizeof(float));
    std::memcpy(out.storage.data(), feature.floats.data(), out.storage.size());
  }
  const std::size_t step_bytes = elements * dtype_size(spec.dtype);
  out.steps.reserve(steps);
  for (std::uint64_t s = 0; s < steps; ++s) {
    out.steps.emplace_back(out.storage.data() + s * step_bytes, step_bytes);
  }
  return note.empty() ? std::string() : "note: " + note;
}

std::string attribute_key(std::string_view key) {
  if (key.substr(0, kEpisodeMetadataPrefix.size()) == kEpisodeMetadataPrefix) {
    key.remove_prefix(kEpisodeMetadataPrefix.size());
  }
  std::string out(key);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '/' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

// A text value fit for an attribute, or the reason it is not.
std::string text_problem(std::span<const std::uint8_t> bytes, std::size_t max_size) {
  if (bytes.size() > max_size)
    return fmt::format("{} bytes of text (limit {})", bytes.size(), max_size);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!ros2::is_valid_utf8(text)) return "text is not valid UTF-8";
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return "text contains control characters";
  }
  return {};
}

// Renders an episode-level leaf; `problem` says why not when the result is empty.
std::optional<std::string> render(const FeatureSpec& spec, const Feature& feature,
                                  std::string& problem) {
  if (spec.kind == LeafKind::kImage) {
    problem = "images are not attributes";
    return std::nullopt;
  }
  if (spec.kind == LeafKind::kText || feature.kind == FeatureKind::kBytes) {
    if (feature.kind != FeatureKind::kBytes || feature.bytes.size() != 1) {
      problem = fmt::format("expected one text value, found {}", describe(feature));
      return std::nullopt;
    }
    problem = text_problem(feature.bytes[0], kMaxAttributeText);
    if (!problem.empty()) return std::nullopt;
    return std::string(feature.bytes[0].begin(), feature.bytes[0].end());
  }
  if (feature.size() == 0 || feature.size() > kMaxAttributeElements) {
    problem = fmt::format("{} (attributes take 1 to {} numbers)", describe(feature),
                          kMaxAttributeElements);
    return std::nullopt;
  }
  std::vector<std::string> parts;
  if (feature.kind == FeatureKind::kFloat) {
    for (const float v : feature.floats) parts.push_back(fmt::format("{}", v));
  } else {
    for (const std::int64_t v : feature.int64s) {
      if (spec.dtype == DType::kBool) {
        parts.emplace_back(v != 0 ? "true" : "false");
      } else if (spec.dtype == DType::kUint64) {
        parts.push_back(fmt::format("{}", static_cast<std::uint64_t>(v)));
      } else {
        parts.push_back(fmt::format("{}", v));
      }
    }
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

bool is_instruction(const FeatureSpec& spec) {
  if (!spec.per_step || spec.kind != LeafKind::kText || !spec.unsupported.empty()) return false;
  const std::string_view key = spec.key;
  constexpr std::string_view kName = "language_instruction";
  return key.size() >= kName.size() && key.substr(key.size() - kName.size()) == kName;
}

}  // namespace

TensorSpec FeatureSpec::tensor_spec() const {
  TensorSpec spec;
  spec.dtype = dtype;
  for (const std::int64_t d : shape)
    spec.shape.push_back(d < 0 ? 0 : static_cast<std::uint64_t>(d));
  return spec;
}

std::uint64_t FeatureSpec::elements() const {
  if (kind != LeafKind::kTensor) return 1;
  return tensor_spec().element_count();
}

const FeatureSpec* FeatureLayout::find(std::string_view key) const {
  for (const FeatureSpec& spec : features) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

Result<FeatureLayout> parse_features_json(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json.begin(), json.end());
  } catch (const std::exception& e) {
    return corrupt(fmt::format("features.json: not valid JSON: {}", e.what()));
  }
  if (!root.is_object() || !root.contains("featuresDict")) {
    return corrupt("features.json: expected a TFDS FeaturesDict (an object with 'featuresDict')");
  }
  FeatureLayout layout;
  try {
    PARITY_RETURN_IF_ERROR(walk(root, "", /*per_step=*/false, 0, layout.features));
  } catch (const std::exception& e) {
    return corrupt(fmt::format("features.json: unexpected layout: {}", e.what()));
  }
  std::sort(layout.features.begin(), layout.features.end(),
            [](const FeatureSpec& a, const FeatureSpec& b) { return a.key < b.key; });
  std::optional<std::size_t> smallest_tensor;
  std::optional<std::size_t> first_other;
  for (std::size_t i = 0; i < layout.features.size(); ++i) {
    const FeatureSpec& spec = layout.features[i];
    if (!spec.per_step || !spec.unsupported.empty()) continue;
    if (spec.key == "steps/is_first") {
      layout.step_count_feature = i;
      return layout;
    }
    if (spec.kind == LeafKind::kTensor && spec.encoding == "none" && spec.elements() > 0) {
      if (!smallest_tensor || spec.elements() < layout.features[*smallest_tensor].elements()) {
        smallest_tensor = i;
      }
    } else if (!first_other) {
      first_other = i;
    }
  }
  layout.step_count_feature = smallest_tensor ? smallest_tensor : first_other;
  return layout;
}

std::optional<std::uint64_t> count_steps(const Example& example, const FeatureLayout& layout) {
  if (!layout.step_count_feature) return std::nullopt;
  const FeatureSpec& spec = layout.features[*layout.step_count_feature];
  const Feature* feature = example.find(spec.key);
  if (feature == nullptr) return std::nullopt;
  const std::uint64_t steps = steps_of(spec, *feature);
  if (steps == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
  return steps;
}

SplitEpisode split_episode(const Example& example, const FeatureLayout& layout,
                           DiagnosticSink& diagnostics, const std::string& where,
                           std::optional<std::uint64_t> offset) {
  SplitEpisode out;
  out.features.resize(layout.features.size());
  const std::optional<std::uint64_t> steps = count_steps(example, layout);
  if (!steps) {
    if (layout.step_count_feature) {
      diagnostics.error(where, offset,
                        fmt::format("cannot count the steps: feature '{}' is missing or malformed; "
                                    "no step data delivered",
                                    layout.features[*layout.step_count_feature].key));
    }
    return out;
  }
  out.steps = *steps;
  for (std::size_t i = 0; i < layout.features.size(); ++i) {
    const FeatureSpec& spec = layout.features[i];
    if (!spec.per_step || !spec.unsupported.empty()) continue;
    const Feature* feature = example.find(spec.key);
    if (feature == nullptr) {
      if (out.steps > 0) {
        diagnostics.warn(where, offset,
                         fmt::format("feature '{}' is missing: no messages for it", spec.key));
      }
      continue;
    }
    std::string problem = split_feature(spec, *feature, out.steps, out.features[i]);
    if (problem.empty()) continue;
    if (problem.rfind("note: ", 0) == 0) {
      diagnostics.warn(where, offset, fmt::format("feature '{}': {}", spec.key, problem.substr(6)));
      continue;
    }
    out.features[i] = StepData{};
    diagnostics.warn(where, offset,
                     fmt::format("feature '{}': {}; no messages for it", spec.key, problem));
  }
  return out;
}

std::map<std::string, std::string> episode_attributes(const Example& example,
                                                      const FeatureLayout& layout,
                                                      DiagnosticSink& diagnostics,
                                                      const std::string& where,
                                                      std::optional<std::uint64_t> offset) {
  std::map<std::string, std::string> attributes;
  for (const FeatureSpec& spec : layout.features) {
    if (spec.per_step || !spec.unsupported.empty()) continue;
    const Feature* feature = example.find(spec.key);
    if (feature == nullptr) continue;
    std::string problem;
    auto value = render(spec, *feature, problem);
    if (!value) {
      diagnostics.info(
          where, offset,
          fmt::format("episode value '{}' is not kept as an attribute: {}", spec.key, problem));
      continue;
    }
    attributes[attribute_key(spec.key)] = std::move(*value);
  }
  if (attributes.count("task") != 0) return attributes;
  for (const FeatureSpec& spec : layout.features) {
    if (!is_instruction(spec)) continue;
    const Feature* feature = example.find(spec.key);
    if (feature == nullptr || feature->kind != FeatureKind::kBytes) continue;
    for (const auto bytes : feature->bytes) {
      if (bytes.empty() || !text_problem(bytes, kMaxTaskText).empty()) continue;
      attributes["task"] = std::string(bytes.begin(), bytes.end());
      return attributes;
    }
  }
  return attributes;
}

}  // namespace parity::rlds
