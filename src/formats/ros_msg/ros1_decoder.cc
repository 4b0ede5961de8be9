// Schema-driven ROS 1 deserializer; wire format in ros1_decoder.h.
#include "parity/formats/ros_msg/ros1_decoder.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "formats/ros_msg/saturating.h"

namespace parity::ros2 {
namespace {

// Fewest ROS 1 wire bytes of one scalar of a primitive (not kMessage).
std::uint64_t ros1_primitive_size(PrimitiveType type) {
  return primitive_min_size(type);  // same sizes; strings and sequences: the u32 prefix
}

bool is_byte_like(PrimitiveType type) {
  return type == PrimitiveType::kUint8 || type == PrimitiveType::kByte ||
         type == PrimitiveType::kChar;
}

class Ros1TreeDecoder {
 public:
  Ros1TreeDecoder(const MsgSchema& schema, std::span<const std::uint8_t> data)
      : schema_(schema), data_(data), min_size_(schema.types().size(), kUnknown) {}

  Result<Value> run() {
    Value root;
    if (!decode_struct(0, root)) return error_status();
    return root;
  }

 private:
  static constexpr std::uint64_t kUnknown = kSaturated;

  // ROS 1 minimum size of a type (an empty message is 0 bytes, unlike CDR). The schema is
  // acyclic and at most MsgSchema::kMaxNestingDepth deep, so the recursion is bounded.
  std::uint64_t type_min_size(std::uint32_t index) {
    if (min_size_[index] != kUnknown) return min_size_[index];
    std::uint64_t total = 0;
    for (const MsgField& field : schema_.type(index).fields) {
      if (field.type.array == ArrayKind::kBounded || field.type.array == ArrayKind::kUnbounded) {
        total = saturating_add(total, 4);
        continue;
      }
      const std::uint64_t element = element_min_size(field.type);
      total = saturating_add(total, field.type.array == ArrayKind::kFixed
                                        ? saturating_mul(element, field.type.array_size)
                                        : element);
    }
    // kUnknown doubles as the saturated value; a saturated type is never decodable anyway.
    min_size_[index] = total;
    return total;
  }
  std::uint64_t element_min_size(const FieldType& type) {
    return type.primitive == PrimitiveType::kMessage ? type_min_size(type.message_index)
                                                     : ros1_primitive_size(type.primitive);
  }

  std::uint64_t remaining() const { return data_.size() - pos_; }

  bool fail(Status status) {
    error_ = std::move(status);
    return false;
  }
  bool fail_short(std::uint64_t need, std::string_view what) {
    return fail(truncated(
        fmt::format("offset {}: {} needs {} bytes, {} left", pos_, what, need, remaining())));
  }

  Status error_status() const {
    std::string path;
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      if (!path.empty() && it->front() != '[') path += '.';
      path += *it;
    }
    const std::string& root = schema_.root().name;
    if (path.empty()) return {error_.code(), fmt::format("{}: {}", root, error_.message())};
    return {error_.code(), fmt::format("{}: field '{}': {}", root, path, error_.message())};
  }

  template <typename T>
  bool read(T& out, std::string_view what) {
    if (remaining() < sizeof(T)) return fail_short(sizeof(T), what);
    std::memcpy(&out, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

  bool decode_struct(std::uint32_t index, Value& out) {
    const MsgType& type = schema_.type(index);
    Value::Struct members;
    members.reserve(type.fields.size());
    for (const MsgField& field : type.fields) {
      NamedValue& member = members.emplace_back();
      member.name = field.name;
      if (!decode_field(field.type, member.value)) {
        path_.push_back(field.name);
        return false;
      }
    }
    out = Value(std::move(members));
    return true;
  }

  bool decode_field(const FieldType& type, Value& out) {
    switch (type.array) {
      case ArrayKind::kNone: return decode_single(type, out);
      case ArrayKind::kFixed: return decode_elements(type, type.array_size, true, out);
      case ArrayKind::kBounded:
      case ArrayKind::kUnbounded: {
        const std::uint64_t count_offset = pos_;
        std::uint32_t count = 0;
        if (!read(count, "a sequence count")) return false;
        if (type.array == ArrayKind::kBounded && count > type.array_size) {
          return fail(corrupt(fmt::format("offset {}: sequence count {} exceeds the bound {}",
                                          count_offset, count, type.array_size)));
        }
        return decode_elements(type, count, false, out);
      }
    }
    return true;
  }

  bool decode_elements(const FieldType& type, std::uint64_t count, bool fixed, Value& out) {
    const std::uint64_t exact = element_min_size(type);
    const std::uint64_t min_size = exact == 0 ? 1 : exact;
    const std::uint64_t left = remaining();
    if (count > left / min_size) {
      const std::string element = type.primitive == PrimitiveType::kMessage
                                      ? type.message_type
                                      : std::string(primitive_type_name(type.primitive));
      const std::uint64_t need = saturating_mul(count, min_size);
      if (fixed) {
        return fail(truncated(
            fmt::format("offset {}: fixed array of {} {} needs at least {} bytes, {} left", pos_,
                        count, element, need, left)));
      }
      return fail(corrupt(
          fmt::format("offset {}: sequence count {} needs at least {} bytes ({} per {}), {} left",
                      pos_, count, need, min_size, element, left)));
    }
    const auto n = static_cast<std::size_t>(count);
    if (is_byte_like(type.primitive)) {
      Value::Bytes bytes(data_.begin() + static_cast<std::ptrdiff_t>(pos_),
                         data_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
      pos_ += n;
      out = Value(std::move(bytes));
      return true;
    }
    Value::Array items(n);
    switch (type.primitive) {
      case PrimitiveType::kFloat64: return read_numbers<double, double>(items, out);
      case PrimitiveType::kFloat32: return read_numbers<float, double>(items, out);
      case PrimitiveType::kInt32: return read_numbers<std::int32_t, std::int64_t>(items, out);
      case PrimitiveType::kUint32: return read_numbers<std::uint32_t, std::uint64_t>(items, out);
      case PrimitiveType::kInt64: return read_numbers<std::int64_t, std::int64_t>(items, out);
      case PrimitiveType::kUint64: return read_numbers<std::uint64_t, std::uint64_t>(items, out);
      default: break;
    }
    FieldType element = type;
    element.array = ArrayKind::kNone;
    for (std::size_t i = 0; i < n; ++i) {
      if (!decode_single(element, items[i])) {
        path_.push_back(fmt::format("[{}]", i));
        return false;
      }
    }
    out = Value(std::move(items));
    return true;
  }

  // Every element fits: decode_elements() checked count * sizeof(Wire) <= remaining().
  template <typename Wire, typename Out>
  bool read_numbers(Value::Array& items, Value& out) {
    for (Value& item : items) {
      Wire v;
      std::memcpy(&v, data_.data() + pos_, sizeof(Wire));
      pos_ += sizeof(Wire);
      item = Value(static_cast<Out>(v));
    }
    out = Value(std::move(items));
    return true;
  }

  template <typename Wire, typename Out>
  bool read_scalar(Value& out, std::string_view what) {
    Wire v{};
    if (!read(v, what)) return false;
    out = Value(static_cast<Out>(v));
    return true;
  }

  bool decode_single(const FieldType& type, Value& out) {
    switch (type.primitive) {
      case PrimitiveType::kBool: {
        std::uint8_t v = 0;
        if (!read(v, "a bool")) return false;
        out = Value(v != 0);
        return true;
      }
      case PrimitiveType::kByte: return read_scalar<std::int8_t, std::int64_t>(out, "a byte");
      case PrimitiveType::kChar: return read_scalar<std::uint8_t, std::uint64_t>(out, "a char");
      case PrimitiveType::kUint8: return read_scalar<std::uint8_t, std::uint64_t>(out, "a uint8");
      case PrimitiveType::kInt8: return read_scalar<std::int8_t, std::int64_t>(out, "an int8");
      case PrimitiveType::kInt16: return read_scalar<std::int16_t, std::int64_t>(out, "an int16");
      case PrimitiveType::kUint16:
        return read_scalar<std::uint16_t, std::uint64_t>(out, "a uint16");
      case PrimitiveType::kInt32: return read_scalar<std::int32_t, std::int64_t>(out, "an int32");
      case PrimitiveType::kUint32:
        return read_scalar<std::uint32_t, std::uint64_t>(out, "a uint32");
      case PrimitiveType::kInt64: return read_scalar<std::int64_t, std::int64_t>(out, "an int64");
      case PrimitiveType::kUint64:
        return read_scalar<std::uint64_t, std::uint64_t>(out, "a uint64");
      case PrimitiveType::kFloat32: return read_scalar<float, double>(out, "a float32");
      case PrimitiveType::kFloat64: return read_scalar<double, double>(out, "a float64");
      case PrimitiveType::kString:
      case PrimitiveType::kWString: {  // ROS 1 has no wstring; read it as a string
        const std::uint64_t length_offset = pos_;
        std::uint32_t length = 0;
        if (!read(length, "a string length")) return false;
        if (length > remaining()) {
          return fail(corrupt(fmt::format("offset {}: string length {} exceeds the {} bytes left",
                                          length_offset, length, remaining())));
        }
        if (type.string_bound != 0 && length > type.string_bound) {
          return fail(corrupt(fmt::format("offset {}: string length {} exceeds the bound {}",
                                          length_offset, length, type.string_bound)));
        }
        out = Value(std::string(reinterpret_cast<const char*>(data_.data() + pos_), length));
        pos_ += length;
        return true;
      }
      case PrimitiveType::kMessage: return decode_struct(type.message_index, out);
    }
    return true;
  }

  const MsgSchema& schema_;
  std::span<const std::uint8_t> data_;
  std::uint64_t pos_ = 0;
  std::vector<std::uint64_t> min_size_;
  Status error_;
  std::vector<std::string> path_;  // innermost first, filled while unwinding after an error
};

}  // namespace

Result<Value> decode_ros1(const MsgSchema& schema, std::span<const std::uint8_t> data) {
  return Ros1TreeDecoder(schema, data).run();
}

Result<MsgSchema> ros1_schema_for_stream(const StreamInfo& stream) {
  if (stream.schema_encoding != "ros1msg") {
    return unsupported(
        fmt::format("topic {}: ros1 messages need a 'ros1msg' schema, found schema encoding '{}'",
                    stream.topic, stream.schema_encoding));
  }
  auto schema = parse_ros1msg(stream.type, stream.schema);
  if (!schema.ok()) return schema.status().with_context(fmt::format("topic {}", stream.topic));
  return schema;
}

}  // namespace parity::ros2
