#include "parity/formats/ros_msg/message_decoder.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "formats/ros_msg/tensor_value.h"
#include "formats/ros_msg/utf8.h"
#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/ros1_decoder.h"

namespace parity::ros2 {
namespace {

constexpr std::size_t kMaxJsonDepth = 256;

// Converts a parsed document; recursion bounded by kMaxJsonDepth.
Result<Value> from_json(const nlohmann::ordered_json& j, std::size_t depth) {
  if (depth > kMaxJsonDepth) {
    return corrupt(fmt::format("JSON nests deeper than {} levels", kMaxJsonDepth));
  }
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value();
    case nlohmann::ordered_json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      const auto v = j.get<std::uint64_t>();
      if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value(static_cast<std::int64_t>(v));
      }
      return Value(v);
    }
    case nlohmann::ordered_json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      Value::Array items;
      items.reserve(j.size());
      for (const auto& item : j) {
        PARITY_ASSIGN_OR_RETURN(Value v, from_json(item, depth + 1));
        items.push_back(std::move(v));
      }
      return Value(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Value::Struct members;
      members.reserve(j.size());
      for (const auto& [key, item] : j.items()) {
        PARITY_ASSIGN_OR_RETURN(Value v, from_json(item, depth + 1));
        members.push_back({key, std::move(v)});
      }
      return Value(std::move(members));
    }
    case nlohmann::ordered_json::value_t::binary:
      return Value(Value::Bytes(j.get_binary().begin(), j.get_binary().end()));
    case nlohmann::ordered_json::value_t::discarded: break;
  }
  return corrupt("unexpected JSON value");
}

// nlohmann's parser keeps its own explicit stack, but destroying a very deep document recurses;
// reject absurd nesting before parsing.
bool nesting_exceeds(std::span<const std::uint8_t> data, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<char>(data[i]);
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const Value::Bytes& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += kBase64Alphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += kBase64Alphabet[(v >> 18) & 63];
    out += kBase64Alphabet[(v >> 12) & 63];
    out += kBase64Alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string hex(const Value::Bytes& bytes, std::size_t limit) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = std::min(limit, bytes.size());
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

nlohmann::json double_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

}  // namespace

Result<MessageDecoder> MessageDecoder::for_stream(const StreamInfo& stream) {
  MessageDecoder decoder;
  decoder.topic_ = stream.topic;
  decoder.type_name_ = stream.type;
  const auto context = [&](const Status& status) {
    return status.with_context(fmt::format("topic {}", stream.topic));
  };
  if (stream.message_encoding == "json") {
    decoder.encoding_ = MessageEncoding::kJson;
    return decoder;
  }
  if (stream.message_encoding == kTensorEncoding || stream.message_encoding == kImageEncoding ||
      stream.message_encoding == kTextEncoding) {
    auto layout = tensor_layout(stream);
    if (!layout.ok()) return context(layout.status());
    decoder.encoding_ = MessageEncoding::kTensor;
    decoder.tensor_ = std::make_shared<const TensorLayout>(std::move(layout).value());
    return decoder;
  }
  if (stream.message_encoding == "ros1") {
    auto schema = ros1_schema_for_stream(stream);  // errors name the topic already
    if (!schema.ok()) return schema.status();
    decoder.encoding_ = MessageEncoding::kRos1;
    decoder.schema_ = std::make_shared<const MsgSchema>(std::move(schema).value());
    return decoder;
  }
  if (stream.message_encoding != "cdr") {
    return context(
        unsupported(fmt::format("message encoding '{}' is not supported (supported: "
                                "cdr with ros2msg schemas, json, ros1 with ros1msg schemas, "
                                "tensor, image, text)",
                                stream.message_encoding)));
  }
  decoder.encoding_ = MessageEncoding::kCdr;
  std::string_view text = stream.schema;
  if (stream.schema_encoding.empty() || stream.schema.empty()) {
    text = ros2msg_definition(stream.type);
    if (text.empty()) {
      return context(unsupported(
          fmt::format("cdr messages of type '{}' come without a schema and Parity has no built-in "
                      "definition for that type",
                      stream.type)));
    }
  } else if (stream.schema_encoding != "ros2msg") {
    return context(
        unsupported(fmt::format("schema encoding '{}' is not supported for cdr "
                                "messages (supported: ros2msg)",
                                stream.schema_encoding)));
  }
  auto schema = parse_ros2msg(stream.type, text);
  if (!schema.ok()) return context(schema.status());
  decoder.schema_ = std::make_shared<const MsgSchema>(std::move(schema).value());
  return decoder;
}

Result<Value> MessageDecoder::decode(std::span<const std::uint8_t> data) const {
  Result<Value> value = Value();
  switch (encoding_) {
    case MessageEncoding::kJson: value = decode_json(data); break;
    case MessageEncoding::kTensor: value = decode_tensor_message(*tensor_, data); break;
    case MessageEncoding::kCdr: value = decode_cdr(*schema_, data); break;
    case MessageEncoding::kRos1: value = decode_ros1(*schema_, data); break;
  }
  if (!value.ok()) return value.status().with_context(topic_);
  return value;
}

Result<Value> decode_json(std::span<const std::uint8_t> data) {
  if (nesting_exceeds(data, kMaxJsonDepth)) {
    return corrupt(fmt::format("JSON nests deeper than {} levels", kMaxJsonDepth));
  }
  try {
    const auto document = nlohmann::ordered_json::parse(data.begin(), data.end());
    return from_json(document, 0);
  } catch (const nlohmann::json::exception& e) {
    return corrupt(fmt::format("invalid JSON message ({} bytes): {}", data.size(), e.what()));
  } catch (const std::exception& e) {
    return internal_error(fmt::format("JSON parser failed: {}", e.what()));
  }
}

nlohmann::json to_json(const Value& value, const JsonOptions& options) {
  switch (value.kind()) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kBool: return value.as_bool();
    case Value::Kind::kInt: return value.as_int();
    case Value::Kind::kUint: return value.as_uint();
    case Value::Kind::kDouble: return double_to_json(value.as_double());
    case Value::Kind::kString: {
      const std::string& s = value.as_string();
      if (is_valid_utf8(s)) return s;
      return sanitize_utf8(s);
    }
    case Value::Kind::kBytes: {
      const Value::Bytes& bytes = value.as_bytes();
      if (bytes.size() <= options.bytes_inline_max || options.bytes == BytesFormat::kArray) {
        return nlohmann::json(bytes);
      }
      if (options.bytes == BytesFormat::kBase64) return base64(bytes);
      return {{"bytes", bytes.size()}, {"head", hex(bytes, options.bytes_head)}};
    }
    case Value::Kind::kArray: {
      const Value::Array& items = value.as_array();
      nlohmann::json out = nlohmann::json::array();
      const std::size_t n = std::min(items.size(), options.max_array_items);
      for (std::size_t i = 0; i < n; ++i) out.push_back(to_json(items[i], options));
      if (n == items.size()) return out;
      return {{"count", items.size()}, {"head", std::move(out)}};
    }
    case Value::Kind::kStruct: {
      nlohmann::json out = nlohmann::json::object();
      for (const NamedValue& member : value.as_struct()) {
        out[is_valid_utf8(member.name) ? member.name : sanitize_utf8(member.name)] =
            to_json(member.value, options);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace parity::ros2
