#include "formats/parquet/thrift_compact_reader.h"

#include <fmt/format.h>

#include <cstring>

namespace parity::parquet {

std::string_view thrift_type_name(ThriftType type) {
  switch (type) {
    case ThriftType::kStop: return "STOP";
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse: return "BOOL";
    case ThriftType::kByte: return "BYTE";
    case ThriftType::kI16: return "I16";
    case ThriftType::kI32: return "I32";
    case ThriftType::kI64: return "I64";
    case ThriftType::kDouble: return "DOUBLE";
    case ThriftType::kBinary: return "BINARY";
    case ThriftType::kList: return "LIST";
    case ThriftType::kSet: return "SET";
    case ThriftType::kMap: return "MAP";
    case ThriftType::kStruct: return "STRUCT";
    case ThriftType::kUuid: return "UUID";
  }
  return "UNKNOWN";
}

Status ThriftCompactReader::error(std::string_view what) const {
  return corrupt(fmt::format("offset {}: Thrift: {}", file_offset(), what));
}

Status ThriftCompactReader::need(std::uint64_t n) const {
  if (n > remaining()) {
    return truncated(
        fmt::format("offset {}: Thrift: needs {} bytes, {} left", file_offset(), n, remaining()));
  }
  return {};
}

Status ThriftCompactReader::enter() {
  if (++depth_ > kMaxDepth) {
    return error(fmt::format("nesting deeper than {} levels", kMaxDepth));
  }
  return {};
}

Status ThriftCompactReader::read_byte(std::uint8_t& out) {
  PARITY_RETURN_IF_ERROR(need(1));
  out = data_[pos_++];
  return {};
}

Status ThriftCompactReader::read_varint(std::uint64_t& out) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    std::uint8_t byte = 0;
    PARITY_RETURN_IF_ERROR(read_byte(byte));
    if (shift == 63 && (byte & 0x7e) != 0) return error("varint overflows 64 bits");
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      out = value;
      return {};
    }
  }
  return error("varint longer than 10 bytes");
}

Status ThriftCompactReader::read_zigzag(std::int64_t& out) {
  std::uint64_t raw = 0;
  PARITY_RETURN_IF_ERROR(read_varint(raw));
  out = static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
  return {};
}

Status ThriftCompactReader::expect(ThriftType actual, ThriftType expected,
                                   std::string_view what) const {
  if (actual != expected) {
    return error(fmt::format("expected {} for {}, found {}", thrift_type_name(expected), what,
                             thrift_type_name(actual)));
  }
  return {};
}

Status ThriftCompactReader::read_field_header(std::int16_t last_id, std::int16_t& id,
                                              ThriftType& type) {
  std::uint8_t byte = 0;
  PARITY_RETURN_IF_ERROR(read_byte(byte));
  const std::uint8_t type_bits = byte & 0x0f;
  if (type_bits > static_cast<std::uint8_t>(ThriftType::kUuid)) {
    return error(fmt::format("unknown field type {}", type_bits));
  }
  type = static_cast<ThriftType>(type_bits);
  if (type == ThriftType::kStop) {
    id = 0;
    return {};
  }
  const int delta = byte >> 4;
  if (delta != 0) {
    id = static_cast<std::int16_t>(last_id + delta);
    return {};
  }
  std::int64_t raw = 0;
  PARITY_RETURN_IF_ERROR(read_zigzag(raw));
  if (raw < INT16_MIN || raw > INT16_MAX) {
    return error(fmt::format("field id {} outside i16", raw));
  }
  id = static_cast<std::int16_t>(raw);
  return {};
}

Status ThriftCompactReader::read_bool(ThriftType type, bool& out) {
  if (type == ThriftType::kBoolTrue) {
    out = true;
    return {};
  }
  if (type == ThriftType::kBoolFalse) {
    out = false;
    return {};
  }
  return error(fmt::format("expected BOOL, found {}", thrift_type_name(type)));
}

Status ThriftCompactReader::read_element_bool(ThriftType element_type, bool& out) {
  if (element_type != ThriftType::kBoolTrue && element_type != ThriftType::kBoolFalse) {
    return error(fmt::format("expected BOOL elements, found {}", thrift_type_name(element_type)));
  }
  std::uint8_t byte = 0;
  PARITY_RETURN_IF_ERROR(read_byte(byte));
  out = byte == 1;
  return {};
}

Status ThriftCompactReader::read_i8(ThriftType type, std::int8_t& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kByte, "an i8"));
  std::uint8_t byte = 0;
  PARITY_RETURN_IF_ERROR(read_byte(byte));
  out = static_cast<std::int8_t>(byte);
  return {};
}

Status ThriftCompactReader::read_i16(ThriftType type, std::int16_t& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kI16, "an i16"));
  std::int64_t v = 0;
  PARITY_RETURN_IF_ERROR(read_zigzag(v));
  if (v < INT16_MIN || v > INT16_MAX) return error(fmt::format("i16 value {} out of range", v));
  out = static_cast<std::int16_t>(v);
  return {};
}

Status ThriftCompactReader::read_i32(ThriftType type, std::int32_t& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kI32, "an i32"));
  std::int64_t v = 0;
  PARITY_RETURN_IF_ERROR(read_zigzag(v));
  if (v < INT32_MIN || v > INT32_MAX) return error(fmt::format("i32 value {} out of range", v));
  out = static_cast<std::int32_t>(v);
  return {};
}

Status ThriftCompactReader::read_i64(ThriftType type, std::int64_t& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kI64, "an i64"));
  return read_zigzag(out);
}

Status ThriftCompactReader::read_double(ThriftType type, double& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kDouble, "a double"));
  PARITY_RETURN_IF_ERROR(need(8));
  std::memcpy(&out, data_.data() + pos_, 8);
  pos_ += 8;
  return {};
}

Status ThriftCompactReader::read_binary(ThriftType type, std::string_view& out) {
  PARITY_RETURN_IF_ERROR(expect(type, ThriftType::kBinary, "a binary"));
  std::uint64_t length = 0;
  PARITY_RETURN_IF_ERROR(read_varint(length));
  PARITY_RETURN_IF_ERROR(need(length));
  out = std::string_view(reinterpret_cast<const char*>(data_.data() + pos_),
                         static_cast<std::size_t>(length));
  pos_ += static_cast<std::size_t>(length);
  return {};
}

Status ThriftCompactReader::read_string(ThriftType type, std::string& out) {
  std::string_view view;
  PARITY_RETURN_IF_ERROR(read_binary(type, view));
  out.assign(view);
  return {};
}

Status ThriftCompactReader::read_list_header(ThriftType type, ThriftType& element_type,
                                             std::uint32_t& size) {
  if (type != ThriftType::kList && type != ThriftType::kSet) {
    return error(fmt::format("expected LIST, found {}", thrift_type_name(type)));
  }
  std::uint8_t byte = 0;
  PARITY_RETURN_IF_ERROR(read_byte(byte));
  const std::uint8_t element_bits = byte & 0x0f;
  if (element_bits == 0 || element_bits > static_cast<std::uint8_t>(ThriftType::kUuid)) {
    return error(fmt::format("unknown list element type {}", element_bits));
  }
  element_type = static_cast<ThriftType>(element_bits);
  std::uint64_t n = byte >> 4;
  if (n == 15) {
    PARITY_RETURN_IF_ERROR(read_varint(n));
    if (n > INT32_MAX) return error(fmt::format("list size {} exceeds 2^31-1", n));
  }
  // Every element takes at least one byte, so a size above the bytes left cannot be true.
  if (n > remaining()) {
    return truncated(fmt::format("offset {}: Thrift: list of {} elements with {} bytes left",
                                 file_offset(), n, remaining()));
  }
  size = static_cast<std::uint32_t>(n);
  return {};
}

Status ThriftCompactReader::skip(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse: return {};
    case ThriftType::kByte: {
      std::uint8_t byte = 0;
      return read_byte(byte);
    }
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64: {
      std::uint64_t v = 0;
      return read_varint(v);
    }
    case ThriftType::kDouble:
      PARITY_RETURN_IF_ERROR(need(8));
      pos_ += 8;
      return {};
    case ThriftType::kUuid:
      PARITY_RETURN_IF_ERROR(need(16));
      pos_ += 16;
      return {};
    case ThriftType::kBinary: {
      std::uint64_t length = 0;
      PARITY_RETURN_IF_ERROR(read_varint(length));
      PARITY_RETURN_IF_ERROR(need(length));
      pos_ += static_cast<std::size_t>(length);
      return {};
    }
    case ThriftType::kList:
    case ThriftType::kSet:
      return read_list(type, [&](ThriftType element_type, std::uint32_t) -> Status {
        if (element_type == ThriftType::kBoolTrue || element_type == ThriftType::kBoolFalse) {
          std::uint8_t byte = 0;
          return read_byte(byte);
        }
        return skip(element_type);
      });
    case ThriftType::kMap: {
      std::uint64_t n = 0;
      PARITY_RETURN_IF_ERROR(read_varint(n));
      if (n == 0) return {};
      std::uint8_t types = 0;
      PARITY_RETURN_IF_ERROR(read_byte(types));
      const std::uint8_t key_bits = types >> 4;
      const std::uint8_t value_bits = types & 0x0f;
      const auto max_bits = static_cast<std::uint8_t>(ThriftType::kUuid);
      if (key_bits == 0 || key_bits > max_bits || value_bits == 0 || value_bits > max_bits) {
        return error(fmt::format("unknown map key/value types 0x{:02x}", types));
      }
      if (n > remaining() / 2) {
        return truncated(fmt::format("offset {}: Thrift: map of {} entries with {} bytes left",
                                     file_offset(), n, remaining()));
      }
      PARITY_RETURN_IF_ERROR(enter());
      for (std::uint64_t i = 0; i < n; ++i) {
        for (const std::uint8_t bits : {key_bits, value_bits}) {
          const auto t = static_cast<ThriftType>(bits);
          if (t == ThriftType::kBoolTrue || t == ThriftType::kBoolFalse) {
            std::uint8_t byte = 0;
            PARITY_RETURN_IF_ERROR(read_byte(byte));
          } else {
            PARITY_RETURN_IF_ERROR(skip(t));
          }
        }
      }
      --depth_;
      return {};
    }
    case ThriftType::kStruct:
      return read_struct([&](std::int16_t, ThriftType field_type) { return skip(field_type); });
    case ThriftType::kStop: break;
  }
  return error(fmt::format("cannot skip a value of type {}", thrift_type_name(type)));
}

}  // namespace parity::parquet
