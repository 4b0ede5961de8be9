// ROS 2 `.msg` schemas: the model and the parser for the `ros2msg` schema encoding.
//
// An MCAP Schema record with encoding `ros2msg` (MCAP registry, "ros2msg" schema encoding)
// carries the main type's .msg text followed by every type it depends on, each introduced by
// a separator line of `=` characters and a `MSG: pkg/Type` (or `MSG: pkg/msg/Type`) line:
//
//   std_msgs/Header header
//   float64[] position
//   ================================================================================
//   MSG: std_msgs/Header
//   builtin_interfaces/Time stamp
//   string frame_id
//   ...
//
// Field syntax (ROS 2 design article "Interface definitions", rosidl_adapter):
//   <type> <name> [<default>]     type: primitive | pkg/Type | pkg/msg/Type | Type
//   <type> <NAME>=<value>         a constant (no wire representation)
//   # comment                     anywhere; a '#' inside a quoted string is not a comment
// with array suffixes `T[N]` (fixed), `T[<=N]` (bounded), `T[]` (unbounded) and bounded
// strings `string<=N`. `Header` alone means std_msgs/msg/Header; the ROS 1 primitives `time`
// and `duration` mean builtin_interfaces/msg/Time and Duration (built in when the text does
// not define them).
//
// rosbag2 service-event channels ("pkg/srv/Name_Event") carry the .srv text (request, `---`,
// response); the parser expands it to the wire type {service_msgs/msg/ServiceEventInfo info,
// pkg/srv/Name_Request[<=1] request, pkg/srv/Name_Response[<=1] response}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {

enum class PrimitiveType : std::uint8_t {
  kBool,
  kByte,  // octet: an unsigned 8-bit value
  kChar,  // ROS 2 `char` is an unsigned 8-bit value
  kInt8,
  kUint8,
  kInt16,
  kUint16,
  kInt32,
  kUint32,
  kInt64,
  kUint64,
  kFloat32,
  kFloat64,
  kString,
  kWString,
  kMessage,  // a nested message type; see FieldType::message_index
};

// The .msg spelling of a primitive ("float64"); "message" for kMessage.
std::string_view primitive_type_name(PrimitiveType type);

// Fewest CDR wire bytes of one scalar of `type`: its size, 4 (the length prefix) for strings,
// and 1 for kMessage (the caller knows the message's own minimum).
std::uint64_t primitive_min_size(PrimitiveType type);

enum class ArrayKind : std::uint8_t {
  kNone,       // a single value
  kFixed,      // T[N]: N elements, no count on the wire
  kBounded,    // T[<=N]: a u32 count <= N, then the elements
  kUnbounded,  // T[]: a u32 count, then the elements
};

struct FieldType {
  PrimitiveType primitive = PrimitiveType::kInt32;
  std::uint32_t string_bound = 0;  // string<=N / wstring<=N; 0 = unbounded
  ArrayKind array = ArrayKind::kNone;
  std::uint32_t array_size = 0;     // N of T[N] or T[<=N]; 0 otherwise
  std::string message_type;         // resolved full name "pkg/msg/Type" when kMessage
  std::uint32_t message_index = 0;  // index into MsgSchema::types() when kMessage

  bool is_array() const { return array != ArrayKind::kNone; }
  // "float64[<=3]", "string<=10", "geometry_msgs/msg/Point[]" ...
  std::string to_string() const;
};

struct MsgField {
  std::string name;
  FieldType type;
  // The default value given in the .msg (`int32 x 5`), parsed to the field's type (an Array
  // for array fields); null when none was given.
  Value default_value;
  std::uint32_t line = 0;  // 1-based line in the full schema text
};

struct MsgConstant {
  std::string name;
  FieldType type;  // always a primitive scalar
  Value value;     // parsed to the constant's type
  std::uint32_t line = 0;
};

// One message type: its fields in wire order and its constants.
struct MsgType {
  std::string name;  // full name "pkg/msg/Type"
  std::vector<MsgField> fields;
  std::vector<MsgConstant> constants;
  // Fewest bytes one value of this type occupies on the wire (ignoring alignment), saturating
  // at UINT64_MAX; always >= 1 (a type without fields is one padding byte, as rosidl does).
  // Decoders use it to bound element counts by the bytes actually left.
  std::uint64_t min_wire_size = 1;
};

// A parsed, fully resolved schema: every message reference points to a type in types(), the
// reference graph is acyclic and at most kMaxNestingDepth deep. Immutable once built; safe to
// share between threads.
class MsgSchema {
 public:
  static constexpr std::size_t kMaxNestingDepth = 64;

  const MsgType& root() const { return types_.front(); }
  const std::vector<MsgType>& types() const { return types_; }
  const MsgType& type(std::uint32_t index) const { return types_.at(index); }
  // A type by full or short name ("pkg/msg/Type" or "pkg/Type"); nullptr when absent.
  const MsgType* find(std::string_view name) const;

 private:
  friend Result<MsgSchema> parse_ros2msg(std::string_view, std::string_view);
  friend Result<MsgSchema> parse_ros1msg(std::string_view, std::string_view);
  std::vector<MsgType> types_;  // types_[0] is the root
};

// Parses a `ros2msg` schema text. `type_name` names the main (first) type, e.g.
// "sensor_msgs/msg/Imu" or "sensor_msgs/Imu"; it gives the package for unqualified field types.
// Definitions of the same type given twice are accepted (rosbag2 repeats shared dependencies);
// the first one is used. Types defined but not referenced are kept (and must resolve too).
// Errors (kCorrupt, message "<type>: line <n>: <what was wrong>"): a malformed field or
// constant line, an unknown primitive, a bad array or string bound, a constant or default that
// does not parse as its type, a duplicate field name, a `MSG:` line without a name, a
// referenced type that is not defined (the message names it), a recursive type, nesting
// deeper than kMaxNestingDepth. kUnsupported when the text holds an `IDL:` section, or a `---`
// separator outside a service-event schema (services, actions).
// kInvalidArgument when `type_name` is not "pkg/Type", "pkg/msg/Type" or "pkg/<sub>/Type".
Result<MsgSchema> parse_ros2msg(std::string_view type_name, std::string_view text);

// Parses a ROS 1 `.msg` text (the `message_definition` of a bag connection, or an MCAP schema
// with encoding `ros1msg`): the grammar, the MSG: sections and the errors of parse_ros2msg(),
// with the ROS 1 (genmsg) meanings:
//   - `time` is the struct ros1/msg/Time {uint32 secs, uint32 nsecs} and `duration`
//     ros1/msg/Duration {int32 secs, int32 nsecs} (roscpp_core rostime);
//   - `Header` is std_msgs/msg/Header; when the text does not define it, the ROS 1 definition
//     {uint32 seq, time stamp, string frame_id} is used;
//   - `byte` constants are int8 (the field type stays kByte: decode_ros1() reads it signed);
//   - a string constant's value is the rest of its line after '=', trimmed, '#' included.
Result<MsgSchema> parse_ros1msg(std::string_view type_name, std::string_view text);

// "pkg/Type" or "pkg/msg/Type" -> "pkg/msg/Type"; "pkg/srv/Type" (any middle part) is kept;
// "" when `name` is none of these (one part, empty parts, characters outside [A-Za-z0-9_]).
std::string canonical_type_name(std::string_view name);

}  // namespace parity::ros2
