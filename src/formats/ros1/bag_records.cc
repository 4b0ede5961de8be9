// ROS bag v2.0 record framing and header fields; layout in bag_records.h.
#include "formats/ros1/bag_records.h"

namespace parity::ros1 {

std::string op_name(std::uint8_t op) {
  switch (static_cast<Op>(op)) {
    case Op::kMessageData: return "message data";
    case Op::kBagHeader: return "bag header";
    case Op::kIndexData: return "index data";
    case Op::kChunk: return "chunk";
    case Op::kChunkInfo: return "chunk info";
    case Op::kConnection: return "connection";
  }
  return fmt::format("op 0x{:02x}", op);
}

Status parse_header(std::span<const std::uint8_t> header, HeaderFields& out) {
  out = HeaderFields{};
  Status op_error;
  PARITY_RETURN_IF_ERROR(
      for_each_field(header, [&](std::string_view name, std::span<const std::uint8_t> value) {
        const auto set = [&](Field& field) {
          field.present = true;
          field.value = value;
        };
        if (name == "op") {
          if (value.size() != 1) {
            op_error = corrupt(fmt::format("field 'op' has {} bytes, expected 1", value.size()));
            return;
          }
          out.has_op = true;
          out.op = value[0];
        } else if (name == "conn") {
          set(out.conn);
        } else if (name == "time") {
          set(out.time);
        } else if (name == "topic") {
          set(out.topic);
        } else if (name == "compression") {
          set(out.compression);
        } else if (name == "size") {
          set(out.size);
        } else if (name == "index_pos") {
          set(out.index_pos);
        } else if (name == "conn_count") {
          set(out.conn_count);
        } else if (name == "chunk_count") {
          set(out.chunk_count);
        } else if (name == "ver") {
          set(out.ver);
        } else if (name == "count") {
          set(out.count);
        } else if (name == "chunk_pos") {
          set(out.chunk_pos);
        } else if (name == "start_time") {
          set(out.start_time);
        } else if (name == "end_time") {
          set(out.end_time);
        }
      }));
  if (!op_error.ok()) return op_error;
  if (!out.has_op) return corrupt("record header has no 'op' field");
  return {};
}

Result<std::uint32_t> field_u32(const Field& field, std::string_view name) {
  if (!field.present) return corrupt(fmt::format("header field '{}' is missing", name));
  if (field.value.size() != 4) {
    return corrupt(
        fmt::format("header field '{}' has {} bytes, expected 4", name, field.value.size()));
  }
  return load_u32(field.value.data());
}

Result<std::uint64_t> field_u64(const Field& field, std::string_view name) {
  if (!field.present) return corrupt(fmt::format("header field '{}' is missing", name));
  if (field.value.size() != 8) {
    return corrupt(
        fmt::format("header field '{}' has {} bytes, expected 8", name, field.value.size()));
  }
  return load_u64(field.value.data());
}

Result<Codec> chunk_codec(std::string_view compression) {
  if (compression == "none" || compression.empty()) return Codec::kNone;
  if (compression == "lz4") return Codec::kLz4;
  if (compression == "bz2") return Codec::kBz2;
  std::string shown;
  for (char c : compression.substr(0, 32)) {
    shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return unsupported(
      fmt::format("chunk compression '{}' is not supported (supported: none, bz2, lz4)", shown));
}

Result<RecordFrame> frame_in_buffer(std::span<const std::uint8_t> bytes, std::uint64_t offset) {
  const std::uint64_t size = bytes.size();
  if (offset > size || size - offset < 4) {
    return truncated(fmt::format("offset {}: {} bytes left, a record header length needs 4", offset,
                                 offset > size ? 0 : size - offset));
  }
  RecordFrame frame;
  frame.header_len = load_u32(bytes.data() + offset);
  frame.header_offset = offset + 4;
  if (frame.header_len > size - frame.header_offset ||
      size - frame.header_offset - frame.header_len < 4) {
    return truncated(fmt::format(
        "offset {}: record header of {} bytes and its data length run past the end ({} bytes "
        "left)",
        offset, frame.header_len, size - frame.header_offset));
  }
  const std::uint64_t data_len_at = frame.header_offset + frame.header_len;
  frame.data_len = load_u32(bytes.data() + data_len_at);
  frame.data_offset = data_len_at + 4;
  if (frame.data_len > size - frame.data_offset) {
    return truncated(fmt::format("offset {}: record data of {} bytes runs past the end ({} left)",
                                 offset, frame.data_len, size - frame.data_offset));
  }
  frame.end = frame.data_offset + frame.data_len;
  return frame;
}

}  // namespace parity::ros1
