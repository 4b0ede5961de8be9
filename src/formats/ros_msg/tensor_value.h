// Decoding of the array encodings of parity/formats/tensor.h into ros2::Value trees, for
// MessageDecoder. Private to the formats stage.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "parity/core/status.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/value.h"
#include "parity/formats/tensor.h"

namespace parity::ros2 {

// How one array-encoded stream turns into Values.
struct TensorLayout {
  enum class Kind : std::uint8_t {
    kTensor,           // parity/Tensor: nested arrays by shape (uint8/bool: one byte blob)
    kImage,            // parity/Image: a sensor_msgs/msg/Image-shaped struct
    kCompressedImage,  // parity/CompressedImage: a sensor_msgs/msg/CompressedImage-shaped struct
    kText,             // parity/String: a std_msgs/msg/String-shaped struct
  };
  Kind kind = Kind::kTensor;
  TensorSpec spec;             // kTensor and kImage
  std::string image_encoding;  // kImage: "rgb8", "mono16", ...; kCompressedImage: "jpeg", ...
};

// The layout of `stream` when its message encoding is "tensor", "image" or "text".
// Errors: kUnsupported for other encodings; kCorrupt when a tensor schema does not parse or an
// image tensor is not H x W or H x W x C.
Result<TensorLayout> tensor_layout(const StreamInfo& stream);

// One message of such a stream. Errors: kCorrupt when a tensor step is not exactly
// spec.byte_size() bytes ("expected N bytes, found M").
Result<Value> decode_tensor_message(const TensorLayout& layout, std::span<const std::uint8_t> data);

}  // namespace parity::ros2
