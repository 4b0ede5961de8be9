// Stream encodings for array-oriented containers (HDF5 demonstrations, RLDS / TFRecord,
// LeRobot Parquet). Such a container stores one array per signal with time along the first
// axis; its reader delivers one message per time step so that every consumer (ingest, `parity
// dump`, feature extractors) sees them through the same Recording contract as bag messages.
//
// StreamInfo of such a stream:
//   type              message_encoding  schema_encoding  schema           data of one message
//   parity/Tensor     "tensor"          "tensor"         "float32[7]"     one step, C order, LE
//   parity/Image      "tensor"          "tensor"         "uint8[84,84,3]" one H x W x C frame
//   parity/CompressedImage  "image"     ""               ""               one encoded file
//                                                                         (JPEG, PNG, ...)
//   parity/String     "text"            ""               ""               UTF-8 bytes
// The schema of a tensor stream is a TensorSpec: the dtype and the shape of ONE step ("[]" for
// a scalar per step). Stream metadata keys (all optional):
//   "names"           per-element names, comma-separated, for 1-D steps ("x,y,z,qx,...")
//   "image_encoding"  for parity/Image: a sensor_msgs/Image encoding ("rgb8", "bgr8", "mono8",
//                     "16UC1", "32FC1")
//   "image_format"    for parity/CompressedImage: "jpeg", "png", ... when the container says
//   "time_source"     "synthetic" when log times are step index x period (the container has no
//                     clock), "relative" when they are offsets the data records (LeRobot's
//                     `timestamp`) with episodes laid end to end from 0, "recorded" when they
//                     are wall-clock times from the data
//   "rate_hz"         the step rate used for synthetic times
//   "source_key"      the container's own name for the array ("data/demo_1/obs/agentview")
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity {

inline constexpr std::string_view kTensorType = "parity/Tensor";
inline constexpr std::string_view kImageType = "parity/Image";
inline constexpr std::string_view kCompressedImageType = "parity/CompressedImage";
inline constexpr std::string_view kStringType = "parity/String";
inline constexpr std::string_view kTensorEncoding = "tensor";
inline constexpr std::string_view kImageEncoding = "image";
inline constexpr std::string_view kTextEncoding = "text";

enum class DType : std::uint8_t {
  kBool,  // one byte, 0 or 1
  kInt8,
  kUint8,
  kInt16,
  kUint16,
  kInt32,
  kUint32,
  kInt64,
  kUint64,
  kFloat16,  // IEEE 754 binary16
  kFloat32,
  kFloat64,
};

// "bool", "int8", ..., "float16", "float32", "float64".
std::string_view dtype_name(DType dtype);
// Bytes of one element.
std::size_t dtype_size(DType dtype);
// The inverse of dtype_name(); also accepts NumPy spellings ("<f4", "f8", "|u1", "?", "float",
// "double", "uint8"). kInvalidArgument naming `name` when unknown.
Result<DType> parse_dtype(std::string_view name);

// The element type and the shape of one step of a tensor stream.
struct TensorSpec {
  DType dtype = DType::kFloat32;
  std::vector<std::uint64_t> shape;  // empty = one scalar per step

  // Product of `shape` (1 for a scalar); saturates at UINT64_MAX.
  std::uint64_t element_count() const;
  // element_count() * dtype_size(); saturates at UINT64_MAX.
  std::uint64_t byte_size() const;
  // "float32[7]", "uint8[84,84,3]", "float64[]".
  std::string to_string() const;
  friend bool operator==(const TensorSpec&, const TensorSpec&) = default;
};

// Parses "<dtype>[d1,d2,...]" (no spaces; "[]" for a scalar). kInvalidArgument with the text
// and the position of the problem otherwise.
Result<TensorSpec> parse_tensor_spec(std::string_view text);

// One element of a step as a double (float16 widened exactly; 64-bit integers rounded).
// Precondition: (index + 1) * dtype_size(dtype) <= data.size().
double tensor_element(DType dtype, std::span<const std::uint8_t> data, std::size_t index);

}  // namespace parity
