// Dynamic CDR decoding: serialized ROS 2 messages + a parsed ros2msg schema -> ros2::Value.
//
// Wire format: OMG DDS-XTypes 1.3 section 7.4.3 (extended CDR, encoding version 1, "XCDR1"
// / plain CDR) as written by the ROS 2 rmw layers for final types:
//   - a 4-byte encapsulation header (DDS-RTPS 2.x section 10.2): representation identifier
//     `00 00` CDR_BE or `00 01` CDR_LE, then 2 option bytes (ignored);
//   - every primitive aligned to its size (8-byte types to 8), offsets counted from the first
//     byte after the header;
//   - bool, byte, char, int8, uint8: 1 byte; string: u32 length including the NUL, then the
//     bytes; wstring: u32 length in UTF-16 code units, then one u32 per unit (rmw_fastrtps
//     convention); sequence T[] / T[<=N]: u32 count then the elements; fixed array T[N]: the
//     N elements; a nested message: its fields in order (an empty message is 1 byte).
// Bytes left after the last field (rmw pads messages to 4 bytes) are ignored.
#pragma once

#include <cstdint>
#include <span>

#include "parity/core/status.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {

// Reads the 4-byte encapsulation header. Returns true for little-endian data.
// Errors: kTruncated (fewer than 4 bytes), kUnsupported (a parameter-list or XCDR2
// representation, named in the message), kCorrupt (an unknown representation identifier).
Result<bool> read_cdr_encapsulation(std::span<const std::uint8_t> data);

// Decodes one CDR message of type `schema.root()` (see the file comment for the layout).
// The tree's structs carry every field in schema order; uint8/byte/char arrays become
// Value::Bytes, other arrays Value::Array, float32 values are widened to double.
// Errors name the type, the field path and the byte offset counted from the start of `data`
// (header included), e.g. "sensor_msgs/msg/PointCloud2: field 'fields[3].name': offset 88:
// string length 4000 exceeds the 12 bytes left":
//   kTruncated: the data ends inside a value;
//   kCorrupt: a sequence count or string length larger than the bytes left allow, a count
//     or length over its declared bound, a string without room for its NUL;
//   plus the errors of read_cdr_encapsulation().
// Allocation is bounded by a constant multiple of data.size(): every element a count asks
// for must have at least one byte left (MsgType::min_wire_size), checked before reserving.
Result<Value> decode_cdr(const MsgSchema& schema, std::span<const std::uint8_t> data);

}  // namespace parity::ros2
