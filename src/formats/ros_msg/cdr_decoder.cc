// Schema-driven CDR (XCDR1) decoder; layout rules in cdr_decoder.h.
#include "parity/formats/ros_msg/cdr_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "formats/ros_msg/cdr_reader.h"

namespace parity::ros2 {
namespace {

// Fewest wire bytes one element of `type` occupies (a sequence element, or one of N).
std::uint64_t element_min_size(const MsgSchema& schema, const FieldType& type) {
  return type.primitive == PrimitiveType::kMessage ? schema.type(type.message_index).min_wire_size
                                                   : primitive_min_size(type.primitive);
}

bool is_byte_like(PrimitiveType type) {
  return type == PrimitiveType::kUint8 || type == PrimitiveType::kByte ||
         type == PrimitiveType::kChar;
}

class TreeDecoder {
 public:
  TreeDecoder(const MsgSchema& schema, std::span<const std::uint8_t> data, bool little_endian)
      : schema_(schema), in_(data, little_endian) {}

  Result<Value> run() {
    Value root;
    if (!decode_struct(schema_.root(), root)) return error_status();
    return root;
  }

 private:
  bool fail(Status status) {
    error_ = std::move(status);
    return false;
  }
  bool fail_reader() { return fail(in_.error()); }

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

  bool decode_struct(const MsgType& type, Value& out) {
    Value::Struct members;
    if (type.fields.empty()) {
      std::uint8_t dummy = 0;  // rosidl's structure_needs_at_least_one_member
      if (!in_.read(dummy)) return fail_reader();
      out = Value(std::move(members));
      return true;
    }
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
        std::uint32_t count = 0;
        const std::size_t count_offset = in_.aligned_offset(4);
        if (!in_.read(count)) return fail_reader();
        if (type.array == ArrayKind::kBounded && count > type.array_size) {
          return fail(corrupt(fmt::format("offset {}: sequence count {} exceeds the bound {}",
                                          count_offset, count, type.array_size)));
        }
        return decode_elements(type, count, false, out);
      }
    }
    return true;
  }

  // `count` elements of `type`'s element type; `fixed` selects the error code when the bytes
  // left cannot hold them (a fixed array is truncated, a sequence count is corrupt).
  bool decode_elements(const FieldType& type, std::uint64_t count, bool fixed, Value& out) {
    const std::uint64_t min_size = element_min_size(schema_, type);
    const std::uint64_t left = in_.remaining();
    if (count > left / min_size) {
      const std::string element = type.primitive == PrimitiveType::kMessage
                                      ? type.message_type
                                      : std::string(primitive_type_name(type.primitive));
      const std::uint64_t need = count > UINT64_MAX / min_size ? UINT64_MAX : count * min_size;
      if (fixed) {
        return fail(
            truncated(fmt::format("offset {}: fixed array of {} {} needs at least {} "
                                  "bytes, {} left",
                                  in_.offset(), count, element, need, left)));
      }
      return fail(
          corrupt(fmt::format("offset {}: sequence count {} needs at least {} bytes ({} "
                              "per {}), {} left",
                              in_.offset(), count, need, min_size, element, left)));
    }
    const auto n = static_cast<std::size_t>(count);
    if (is_byte_like(type.primitive)) {
      Value::Bytes bytes(n);
      if (!in_.read_bytes(bytes.data(), n)) return fail_reader();
      out = Value(std::move(bytes));
      return true;
    }
    Value::Array items;
    items.resize(n);
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

  template <typename Wire, typename Out>
  bool read_numbers(Value::Array& items, Value& out) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      Wire v{};
      if (!in_.read(v)) {
        path_.push_back(fmt::format("[{}]", i));
        return fail_reader();
      }
      items[i] = Value(static_cast<Out>(v));
    }
    out = Value(std::move(items));
    return true;
  }

  template <typename Wire, typename Out>
  bool read_scalar(Value& out) {
    Wire v{};
    if (!in_.read(v)) return fail_reader();
    out = Value(static_cast<Out>(v));
    return true;
  }

  bool decode_single(const FieldType& type, Value& out) {
    switch (type.primitive) {
      case PrimitiveType::kBool: {
        std::uint8_t v = 0;
        if (!in_.read(v)) return fail_reader();
        out = Value(v != 0);
        return true;
      }
      case PrimitiveType::kByte:
      case PrimitiveType::kChar:
      case PrimitiveType::kUint8: return read_scalar<std::uint8_t, std::uint64_t>(out);
      case PrimitiveType::kInt8: return read_scalar<std::int8_t, std::int64_t>(out);
      case PrimitiveType::kInt16: return read_scalar<std::int16_t, std::int64_t>(out);
      case PrimitiveType::kUint16: return read_scalar<std::uint16_t, std::uint64_t>(out);
      case PrimitiveType::kInt32: return read_scalar<std::int32_t, std::int64_t>(out);
      case PrimitiveType::kUint32: return read_scalar<std::uint32_t, std::uint64_t>(out);
      case PrimitiveType::kInt64: return read_scalar<std::int64_t, std::int64_t>(out);
      case PrimitiveType::kUint64: return read_scalar<std::uint64_t, std::uint64_t>(out);
      case PrimitiveType::kFloat32: return read_scalar<float, double>(out);
      case PrimitiveType::kFloat64: return read_scalar<double, double>(out);
      case PrimitiveType::kString: {
        std::string s;
        if (!in_.read_string(s, type.string_bound)) return fail_reader();
        out = Value(std::move(s));
        return true;
      }
      case PrimitiveType::kWString: {
        std::string s;
        if (!in_.read_wstring(s, type.string_bound)) return fail_reader();
        out = Value(std::move(s));
        return true;
      }
      case PrimitiveType::kMessage: return decode_struct(schema_.type(type.message_index), out);
    }
    return true;
  }

  const MsgSchema& schema_;
  CdrReader in_;
  Status error_;
  std::vector<std::string> path_;  // innermost first, filled while unwinding after an error
};

}  // namespace

Result<bool> read_cdr_encapsulation(std::span<const std::uint8_t> data) {
  return CdrReader::read_encapsulation(data);
}

Result<Value> decode_cdr(const MsgSchema& schema, std::span<const std::uint8_t> data) {
  auto little = read_cdr_encapsulation(data);
  if (!little.ok()) return little.status().with_context(schema.root().name);
  return TreeDecoder(schema, data, *little).run();
}

}  // namespace parity::ros2
