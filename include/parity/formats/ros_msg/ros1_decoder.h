// Dynamic decoding of ROS 1 serialized messages: bytes + a schema parsed by parse_ros1msg()
// -> ros2::Value, the same tree the CDR decoder builds, so dump, feature extractors and
// extract<T>() (typed_messages.h) read ROS 1 and ROS 2 messages alike.
//
// Wire format (ROS wiki "roscpp/Overview/MessagesSerializationAndAdaptingTypes", genpy /
// roscpp serialization): little-endian, no alignment, no encapsulation header;
//   bool, int8, uint8, byte (int8), char (uint8): 1 byte; int16/uint16: 2; int32/uint32/float32:
//   4; int64/uint64/float64: 8; time {uint32 secs, uint32 nsecs}, duration {int32 secs,
//   int32 nsecs}: 8;
//   string: u32 byte length, then the bytes (no NUL);
//   T[]: u32 count, then the elements; T[N]: the N elements, no count;
//   a nested message: its fields in order (an empty message is 0 bytes).
// Bytes left after the last field are ignored.
#pragma once

#include <cstdint>
#include <span>

#include "parity/core/status.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {

// Decodes one ROS 1 message of type `schema.root()` (a schema from parse_ros1msg()).
// The tree's structs carry every field in schema order (a Header keeps `seq`; time and duration
// are structs {secs, nsecs}); uint8 / byte / char arrays become Value::Bytes, other arrays
// Value::Array; scalar byte and int* are kInt, uint* and char kUint, float32 is widened to
// double.
// Errors name the type, the field path and the byte offset, e.g. "sensor_msgs/msg/Image: field
// 'data': offset 40: sequence count 921600 needs at least 921600 bytes (1 per uint8), 12 left":
//   kTruncated: the data ends inside a scalar or a fixed array;
//   kCorrupt: a sequence count or string length larger than the bytes left allow.
// Allocation is bounded by a constant multiple of data.size(): every element a count asks for
// must have at least one byte left, checked before reserving (so an array of empty messages
// can hold at most as many elements as bytes remain).
Result<Value> decode_ros1(const MsgSchema& schema, std::span<const std::uint8_t> data);

// The schema of a stream whose message_encoding is "ros1": parse_ros1msg(stream.type,
// stream.schema). Errors: kUnsupported when schema_encoding is not "ros1msg" (the message names
// it and the topic), plus those of parse_ros1msg(). An empty schema text with encoding
// "ros1msg" is a message without fields (std_msgs/Empty).
Result<MsgSchema> ros1_schema_for_stream(const StreamInfo& stream);

// Decodes a T straight from ROS 1 bytes into `out`, without building a tree: the typed fast path
// for 1 kHz JointState / Imu streams of bags. The caller must know the bytes hold T's ROS 1
// layout: the fields of T's struct in the same order (true for every type of typed_messages.h),
// with each std_msgs/Header read as {uint32 seq (dropped), time stamp, string frame_id}.
// Same reuse contract as decode_cdr_into(): every member of `out` is overwritten and string /
// vector capacity is reused, so decoding messages of the same shape allocates nothing.
// Errors: kTruncated / kCorrupt "<type>: field '<path>': offset <n>: <what>" (a failed decode is
// repeated once with path tracking to name the field). Bytes after the last field are ignored.
template <TypedMessage T>
Status decode_ros1_into(std::span<const std::uint8_t> data, T& out);

// Decodes a fresh T with decode_ros1_into(). Same errors.
template <TypedMessage T>
Result<T> decode_ros1_as(std::span<const std::uint8_t> data) {
  T message{};
  Status status = decode_ros1_into(data, message);
  if (!status.ok()) return status;
  return message;
}

}  // namespace parity::ros2
