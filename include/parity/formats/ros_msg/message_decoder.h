// MessageDecoder: turns the serialized messages of one stream into ros2::Value trees, and
// to_json() renders a tree for `parity dump`.
//
// Supported (MCAP registry message encodings):
//   - `cdr` with a `ros2msg` schema (or no schema, when ros2msg_definition() knows the type);
//   - `json`: UTF-8 JSON, one document per message (the schema is not needed);
//   - the array encodings of parity/formats/tensor.h (`tensor`, `image`, `text`): a
//     parity/Tensor step becomes nested arrays by shape (uint8 steps one byte blob), a
//     parity/Image a sensor_msgs/msg/Image-shaped struct, a parity/CompressedImage a
//     sensor_msgs/msg/CompressedImage-shaped one and a parity/String a std_msgs/msg/String-shaped
//     one, so extract<Image>() and friends read them like ROS messages (header stamp 0).
//   - `ros1` with a `ros1msg` schema (ROS 1 bags, ros1-profile MCAP): see ros1_decoder.h.
// Everything else (`ros2idl` schemas, `protobuf`, `flatbuffer`, `cbor`, `msgpack`, ...)
// is kUnsupported with the encoding named, so callers can count and skip such streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "parity/core/status.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {

struct TensorLayout;

enum class MessageEncoding : std::uint8_t { kCdr, kJson, kTensor, kRos1 };

class MessageDecoder {
 public:
  // Builds a decoder for `stream`, parsing its schema once.
  // Errors: kUnsupported (message or schema encoding not handled: the message names it and
  // the topic), kCorrupt / kInvalidArgument from parse_ros2msg() with the topic as context.
  static Result<MessageDecoder> for_stream(const StreamInfo& stream);

  // Decodes one message. Thread-safe (the decoder is immutable).
  // Errors: those of decode_cdr() or decode_json(), prefixed with "<topic>: ".
  Result<Value> decode(std::span<const std::uint8_t> data) const;

  MessageEncoding encoding() const { return encoding_; }
  const std::string& topic() const { return topic_; }
  const std::string& type_name() const { return type_name_; }
  // The parsed schema for kCdr and kRos1; nullptr otherwise.
  const MsgSchema* schema() const { return schema_.get(); }

 private:
  MessageEncoding encoding_ = MessageEncoding::kCdr;
  std::string topic_;
  std::string type_name_;
  std::shared_ptr<const MsgSchema> schema_;
  std::shared_ptr<const TensorLayout> tensor_;  // kTensor only
};

// Parses one UTF-8 JSON document into a Value: objects become structs (members in document
// order), integers kInt (kUint above INT64_MAX), other numbers kDouble.
// Errors: kCorrupt (not valid JSON: the message gives the parser's byte position and reason;
// nesting deeper than 256 levels).
Result<Value> decode_json(std::span<const std::uint8_t> data);

enum class BytesFormat : std::uint8_t {
  kSummary,  // {"bytes": <size>, "head": "<hex of the first bytes_head bytes>"}
  kBase64,   // the whole blob as a base64 string (RFC 4648, with padding)
  kArray,    // the whole blob as an array of numbers
};

struct JsonOptions {
  // Arrays longer than this render as {"count": <size>, "head": [<first max_array_items>]}.
  std::size_t max_array_items = 64;
  BytesFormat bytes = BytesFormat::kSummary;
  // Blobs of at most this many bytes always render in full (as kArray), whatever `bytes` says.
  std::size_t bytes_inline_max = 16;
  std::size_t bytes_head = 16;  // bytes shown in a kSummary "head"
};

// Renders a Value as JSON. Structs become objects (nlohmann::json keeps keys sorted), NaN and
// infinities the strings "nan", "inf", "-inf".
nlohmann::json to_json(const Value& value, const JsonOptions& options = {});

}  // namespace parity::ros2
