#include "formats/ros_msg/tensor_value.h"

#include <fmt/format.h>

#include <cstring>

namespace parity::ros2 {
namespace {

template <typename T>
T load_exact(std::span<const std::uint8_t> data, std::size_t index) {
  T value;
  std::memcpy(&value, data.data() + index * sizeof(T), sizeof(T));
  return value;
}

// One element as the Value kind its dtype decodes to (64-bit integers exactly).
Value scalar(DType dtype, std::span<const std::uint8_t> data, std::size_t index) {
  switch (dtype) {
    case DType::kBool: return Value(data[index] != 0);
    case DType::kInt64: return Value(load_exact<std::int64_t>(data, index));
    case DType::kUint64: return Value(load_exact<std::uint64_t>(data, index));
    case DType::kInt8:
    case DType::kInt16:
    case DType::kInt32: return Value(static_cast<std::int64_t>(tensor_element(dtype, data, index)));
    case DType::kUint8:
    case DType::kUint16:
    case DType::kUint32:
      return Value(static_cast<std::uint64_t>(tensor_element(dtype, data, index)));
    case DType::kFloat16:
    case DType::kFloat32:
    case DType::kFloat64: break;
  }
  return Value(tensor_element(dtype, data, index));
}

// Elements [first, first + prod(shape[axis:])) nested by the remaining axes.
Value nested(const TensorSpec& spec, std::span<const std::uint8_t> data, std::size_t axis,
             std::size_t first) {
  if (axis == spec.shape.size()) return scalar(spec.dtype, data, first);
  std::size_t stride = 1;
  for (std::size_t a = axis + 1; a < spec.shape.size(); ++a) stride *= spec.shape[a];
  Value::Array items;
  items.reserve(spec.shape[axis]);
  for (std::size_t i = 0; i < spec.shape[axis]; ++i) {
    items.push_back(nested(spec, data, axis + 1, first + i * stride));
  }
  return Value(std::move(items));
}

Value zero_header() {
  Value::Struct stamp;
  stamp.push_back({"sec", Value(std::int64_t{0})});
  stamp.push_back({"nanosec", Value(std::uint64_t{0})});
  Value::Struct header;
  header.push_back({"stamp", Value(std::move(stamp))});
  header.push_back({"frame_id", Value(std::string())});
  return Value(std::move(header));
}

std::string default_image_encoding(const TensorSpec& spec) {
  const std::uint64_t channels = spec.shape.size() == 3 ? spec.shape[2] : 1;
  switch (spec.dtype) {
    case DType::kUint8:
      return channels == 1   ? "mono8"
             : channels == 3 ? "rgb8"
             : channels == 4 ? "rgba8"
                             : "8UC" + std::to_string(channels);
    case DType::kUint16: return channels == 1 ? "mono16" : "16UC" + std::to_string(channels);
    case DType::kFloat32: return "32FC" + std::to_string(channels);
    default: return std::string(dtype_name(spec.dtype));
  }
}

}  // namespace

Result<TensorLayout> tensor_layout(const StreamInfo& stream) {
  TensorLayout layout;
  const auto metadata = [&](const char* key) {
    const auto it = stream.metadata.find(key);
    return it == stream.metadata.end() ? std::string() : it->second;
  };
  if (stream.message_encoding == kTextEncoding) {
    layout.kind = TensorLayout::Kind::kText;
    return layout;
  }
  if (stream.message_encoding == kImageEncoding) {
    layout.kind = TensorLayout::Kind::kCompressedImage;
    layout.image_encoding = metadata("image_format");
    return layout;
  }
  if (stream.message_encoding != kTensorEncoding) {
    return unsupported(
        fmt::format("message encoding '{}' is not an array encoding", stream.message_encoding));
  }
  auto spec = parse_tensor_spec(stream.schema);
  if (!spec.ok()) return corrupt(std::string(spec.status().message()));
  layout.spec = std::move(spec).value();
  if (stream.type != kImageType) return layout;
  layout.kind = TensorLayout::Kind::kImage;
  const std::size_t rank = layout.spec.shape.size();
  if (rank != 2 && rank != 3) {
    return corrupt(fmt::format("image stream with tensor schema '{}': expected H x W or H x W x C",
                               stream.schema));
  }
  layout.image_encoding = metadata("image_encoding");
  if (layout.image_encoding.empty()) layout.image_encoding = default_image_encoding(layout.spec);
  return layout;
}

Result<Value> decode_tensor_message(const TensorLayout& layout,
                                    std::span<const std::uint8_t> data) {
  using Kind = TensorLayout::Kind;
  if (layout.kind == Kind::kText) {
    Value::Struct message;
    message.push_back({"data", Value(std::string(data.begin(), data.end()))});
    return Value(std::move(message));
  }
  if (layout.kind == Kind::kCompressedImage) {
    Value::Struct message;
    message.push_back({"header", zero_header()});
    message.push_back({"format", Value(layout.image_encoding)});
    message.push_back({"data", Value(Value::Bytes(data.begin(), data.end()))});
    return Value(std::move(message));
  }
  const TensorSpec& spec = layout.spec;
  if (data.size() != spec.byte_size()) {
    return corrupt(fmt::format("tensor step {}: expected {} bytes, found {}", spec.to_string(),
                               spec.byte_size(), data.size()));
  }
  if (layout.kind == Kind::kImage) {
    const std::uint64_t height = spec.shape[0];
    const std::uint64_t width = spec.shape[1];
    const std::uint64_t channels = spec.shape.size() == 3 ? spec.shape[2] : 1;
    Value::Struct message;
    message.push_back({"header", zero_header()});
    message.push_back({"height", Value(height)});
    message.push_back({"width", Value(width)});
    message.push_back({"encoding", Value(layout.image_encoding)});
    message.push_back({"is_bigendian", Value(std::uint64_t{0})});
    message.push_back({"step", Value(width * channels * dtype_size(spec.dtype))});
    message.push_back({"data", Value(Value::Bytes(data.begin(), data.end()))});
    return Value(std::move(message));
  }
  if (spec.dtype == DType::kUint8 && !spec.shape.empty()) {
    return Value(Value::Bytes(data.begin(), data.end()));
  }
  return nested(spec, data, 0, 0);
}

}  // namespace parity::ros2
