// ROS bag v2.0 records: framing, header fields and the typed records (private to the ros1
// stage; the reader is ros1_bag.cc, the writer bag_writer.cc).
//
// Layout (ROS wiki "Bags/Format/2.0", section "Records"): the file starts with the 13 bytes
// "#ROSBAG V2.0\n", then records, each
//   header_len:u32le  header[header_len]  data_len:u32le  data[data_len]
// A header is a sequence of fields `field_len:u32le` + `name=value` (field_len counts the name,
// the '=' and the value; values are binary). Every header has `op` (1 byte):
//   0x02 message data  conn:u32 time:u64           data: the serialized message
//   0x03 bag header    index_pos:u64 conn_count:u32 chunk_count:u32   data: padding
//   0x04 index data    ver:u32(=1) conn:u32 count:u32   data: count x (time:u64, offset:u32)
//   0x05 chunk         compression:"none"|"bz2"|"lz4" size:u32 (uncompressed)
//                      data: the compressed records (connections and messages)
//   0x06 chunk info    ver:u32(=1) chunk_pos:u64 start_time:u64 end_time:u64 count:u32
//                      data: count x (conn:u32, count:u32)
//   0x07 connection    conn:u32 topic:string   data: a second header with topic, type,
//                      md5sum, message_definition and optionally callerid, latching
// A time is sec:u32le then nsec:u32le (ros::Time).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "parity/core/status.h"
#include "parity/io/codecs.h"

namespace parity::ros1 {

inline constexpr std::string_view kBagMagic = "#ROSBAG V2.0\n";
inline constexpr std::uint64_t kBagMagicSize = 13;

enum class Op : std::uint8_t {
  kMessageData = 0x02,
  kBagHeader = 0x03,
  kIndexData = 0x04,
  kChunk = 0x05,
  kChunkInfo = 0x06,
  kConnection = 0x07,
};

// "message data", "bag header", ... or "op 0x1f" for unknown codes.
std::string op_name(std::uint8_t op);

inline std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // the project only builds for little-endian hosts (x86-64, aarch64)
}
inline std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// A ros::Time (sec, nsec) as nanoseconds since the epoch. nsec is not checked against 1e9.
inline std::int64_t time_to_ns(std::uint64_t packed) {
  const auto sec = static_cast<std::int64_t>(packed & 0xffffffffu);
  const auto nsec = static_cast<std::int64_t>(packed >> 32);
  return sec * 1'000'000'000 + nsec;
}

// Calls fn(std::string_view name, std::span<const std::uint8_t> value) for every field of a
// record header (or of a connection record's data, which has the same layout).
// Errors (kCorrupt): a field length running past the header, a field without '='.
template <typename Fn>
Status for_each_field(std::span<const std::uint8_t> header, Fn&& fn) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    if (header.size() - pos < 4) {
      return corrupt(fmt::format("header field at byte {}: {} bytes left, a field length needs 4",
                                 pos, header.size() - pos));
    }
    const std::uint32_t len = load_u32(header.data() + pos);
    pos += 4;
    if (len > header.size() - pos) {
      return corrupt(fmt::format("header field at byte {}: length {} exceeds the {} bytes left",
                                 pos - 4, len, header.size() - pos));
    }
    const auto* field = header.data() + pos;
    const void* eq = std::memchr(field, '=', len);
    if (eq == nullptr) {
      return corrupt(fmt::format("header field at byte {}: no '=' in its {} bytes", pos - 4, len));
    }
    const auto name_len = static_cast<std::size_t>(static_cast<const std::uint8_t*>(eq) - field);
    fn(std::string_view(reinterpret_cast<const char*>(field), name_len),
       header.subspan(pos + name_len + 1, len - name_len - 1));
    pos += len;
  }
  return {};
}

// One header field: whether it was present and its raw value (a view into the header bytes).
struct Field {
  bool present = false;
  std::span<const std::uint8_t> value;

  std::string_view text() const {
    return {reinterpret_cast<const char*>(value.data()), value.size()};
  }
};

// The header fields Parity reads. Other fields are ignored; a repeated field keeps its last
// value.
struct HeaderFields {
  bool has_op = false;
  std::uint8_t op = 0;
  Field conn, time, topic, compression, size, index_pos, conn_count, chunk_count, ver, count,
      chunk_pos, start_time, end_time;
};

// Parses a record header. Errors: those of for_each_field(); kCorrupt when `op` is missing or
// not 1 byte.
Status parse_header(std::span<const std::uint8_t> header, HeaderFields& out);

// A field as an integer. Errors (kCorrupt): absent, or not exactly 4 / 8 bytes; the message
// names the field.
Result<std::uint32_t> field_u32(const Field& field, std::string_view name);
Result<std::uint64_t> field_u64(const Field& field, std::string_view name);

// A chunk's `compression` value -> codec. Errors: kUnsupported for other names (quoted).
Result<Codec> chunk_codec(std::string_view compression);

// The framing of one record inside a byte range: where its header and data are.
struct RecordFrame {
  std::uint64_t header_offset = 0;  // first header byte
  std::uint32_t header_len = 0;
  std::uint64_t data_offset = 0;  // first data byte
  std::uint32_t data_len = 0;
  std::uint64_t end = 0;  // one past the last data byte
};

// Reads the framing of the record at `offset` of `bytes` (a decompressed chunk).
// Errors: kTruncated "offset N: ..." when the lengths run past the end of `bytes`.
Result<RecordFrame> frame_in_buffer(std::span<const std::uint8_t> bytes, std::uint64_t offset);

}  // namespace parity::ros1
