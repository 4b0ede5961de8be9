// Parser for the `ros2msg` schema encoding; see msg_schema.h for the grammar.
#include "parity/formats/ros_msg/msg_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "formats/ros_msg/saturating.h"

namespace parity::ros2 {
namespace {

// Which .msg dialect a text is in. ROS 1 (genmsg): `time` and `duration` are primitives
// {uint32 secs, uint32 nsecs} and {int32 secs, int32 nsecs}, `Header` is std_msgs/Header
// {uint32 seq, time stamp, string frame_id}, `byte` is an int8, and a string constant's value is
// the rest of its line, verbatim.
enum class Dialect : std::uint8_t { kRos2, kRos1 };

constexpr std::string_view kRos1Time = "ros1/msg/Time";
constexpr std::string_view kRos1Duration = "ros1/msg/Duration";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '_';
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_ident_start(s.front())) return false;
  for (char c : s) {
    if (!is_ident_char(c)) return false;
  }
  return true;
}

// Printable rendering of untrusted text for error messages (bounded length, no controls).
std::string quote(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > 80) out += "...";
  out += "'";
  return out;
}

// Drops a trailing comment: the first '#' that is not inside a quoted string.
std::string_view strip_comment(std::string_view line) {
  char in_quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == in_quote) {
        in_quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      in_quote = c;
    } else if (c == '#') {
      return line.substr(0, i);
    }
  }
  return line;
}

struct PrimitiveInfo {
  std::string_view name;
  PrimitiveType type;
};

constexpr PrimitiveInfo kPrimitives[] = {
    {"bool", PrimitiveType::kBool},       {"byte", PrimitiveType::kByte},
    {"char", PrimitiveType::kChar},       {"int8", PrimitiveType::kInt8},
    {"uint8", PrimitiveType::kUint8},     {"int16", PrimitiveType::kInt16},
    {"uint16", PrimitiveType::kUint16},   {"int32", PrimitiveType::kInt32},
    {"uint32", PrimitiveType::kUint32},   {"int64", PrimitiveType::kInt64},
    {"uint64", PrimitiveType::kUint64},   {"float32", PrimitiveType::kFloat32},
    {"float64", PrimitiveType::kFloat64}, {"string", PrimitiveType::kString},
    {"wstring", PrimitiveType::kWString},
};

std::optional<PrimitiveType> find_primitive(std::string_view name) {
  for (const PrimitiveInfo& info : kPrimitives) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

Result<std::uint32_t> parse_bound(std::string_view text) {
  std::uint32_t value = 0;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc() || end != last) {
    return corrupt(fmt::format("bad array or string bound {}: expected a decimal number up to {}",
                               quote(text), std::numeric_limits<std::uint32_t>::max()));
  }
  if (value == 0) return corrupt("array and string bounds must be positive, found 0");
  return value;
}

// Package of a full type name: "sensor_msgs/msg/Imu" -> "sensor_msgs".
std::string_view package_of(std::string_view full_name) {
  return full_name.substr(0, full_name.find('/'));
}

// Parses the type token of a field line ("float64[<=3]", "string<=10", "Header",
// "geometry_msgs/Point[]"). `package` resolves unqualified message names.
Result<FieldType> parse_field_type(std::string_view token, std::string_view package,
                                   Dialect dialect) {
  FieldType type;
  std::string_view base = token;
  if (!base.empty() && base.back() == ']') {
    const std::size_t open = base.rfind('[');
    if (open == std::string_view::npos) {
      return corrupt(fmt::format("malformed array type {}", quote(token)));
    }
    const std::string_view inside = base.substr(open + 1, base.size() - open - 2);
    base = base.substr(0, open);
    if (inside.empty()) {
      type.array = ArrayKind::kUnbounded;
    } else if (inside.starts_with("<=")) {
      type.array = ArrayKind::kBounded;
      PARITY_ASSIGN_OR_RETURN(type.array_size, parse_bound(inside.substr(2)));
    } else {
      type.array = ArrayKind::kFixed;
      PARITY_ASSIGN_OR_RETURN(type.array_size, parse_bound(inside));
    }
  }
  if (base.find('[') != std::string_view::npos || base.find(']') != std::string_view::npos) {
    return corrupt(fmt::format("malformed array type {}", quote(token)));
  }
  const std::size_t bound_at = base.find("<=");
  if (bound_at != std::string_view::npos) {
    const std::string_view bounded = base.substr(0, bound_at);
    if (bounded != "string" && bounded != "wstring") {
      return corrupt(fmt::format("only string and wstring take a bound, found {}", quote(token)));
    }
    PARITY_ASSIGN_OR_RETURN(type.string_bound, parse_bound(base.substr(bound_at + 2)));
    base = bounded;
  }
  if (const auto primitive = find_primitive(base)) {
    type.primitive = *primitive;
    return type;
  }
  type.primitive = PrimitiveType::kMessage;
  if (base == "time") {
    type.message_type =
        dialect == Dialect::kRos1 ? std::string(kRos1Time) : "builtin_interfaces/msg/Time";
  } else if (base == "duration") {
    type.message_type =
        dialect == Dialect::kRos1 ? std::string(kRos1Duration) : "builtin_interfaces/msg/Duration";
  } else if (base == "Header") {
    type.message_type = "std_msgs/msg/Header";
  } else if (base.find('/') == std::string_view::npos) {
    if (!is_identifier(base)) {
      return corrupt(fmt::format("unknown field type {}", quote(token)));
    }
    type.message_type = fmt::format("{}/msg/{}", package, base);
  } else {
    type.message_type = canonical_type_name(base);
    if (type.message_type.empty()) {
      return corrupt(fmt::format("malformed message type name {}", quote(token)));
    }
  }
  return type;
}

// Parses a quoted ('...' or "...") or bare string literal.
Result<std::string> parse_string_literal(std::string_view text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      char c = text[i];
      if (c == '\\' && i + 2 < text.size()) {
        c = text[++i];
        switch (c) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          default: break;
        }
      } else if (c == text.front()) {
        return corrupt(fmt::format("unescaped quote inside the string literal {}", quote(text)));
      }
      out += c;
    }
    return out;
  }
  if (!text.empty() && (text.front() == '"' || text.front() == '\'')) {
    return corrupt(fmt::format("unterminated string literal {}", quote(text)));
  }
  return std::string(text);
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, out);
  return !text.empty() && ec == std::errc() && end == last;
}

// Parses one scalar literal of a primitive type (not kMessage).
Result<Value> parse_scalar(const FieldType& type, std::string_view text) {
  text = trim(text);
  const auto bad = [&](std::string_view expected) {
    return corrupt(fmt::format("{} is not a valid {} value: expected {}", quote(text),
                               primitive_type_name(type.primitive), expected));
  };
  const auto in_range = [&](std::int64_t lo, std::uint64_t hi) -> Result<Value> {
    if (!text.empty() && text.front() == '-') {
      std::int64_t v = 0;
      if (!parse_number(text, v) || v < lo)
        return bad(fmt::format("an integer in [{}, {}]", lo, hi));
      return Value(v);
    }
    std::uint64_t v = 0;
    if (!parse_number(text, v) || v > hi) return bad(fmt::format("an integer in [{}, {}]", lo, hi));
    if (lo < 0) return Value(static_cast<std::int64_t>(v));
    return Value(v);
  };
  switch (type.primitive) {
    case PrimitiveType::kBool:
      if (text == "true" || text == "True" || text == "1") return Value(true);
      if (text == "false" || text == "False" || text == "0") return Value(false);
      return bad("true, false, 1 or 0");
    case PrimitiveType::kByte:
    case PrimitiveType::kChar:
    case PrimitiveType::kUint8: return in_range(0, 0xff);
    case PrimitiveType::kInt8: return in_range(-128, 127);
    case PrimitiveType::kInt16: return in_range(-32768, 32767);
    case PrimitiveType::kUint16: return in_range(0, 0xffff);
    case PrimitiveType::kInt32:
      return in_range(std::numeric_limits<std::int32_t>::min(),
                      std::numeric_limits<std::int32_t>::max());
    case PrimitiveType::kUint32: return in_range(0, std::numeric_limits<std::uint32_t>::max());
    case PrimitiveType::kInt64:
      return in_range(std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int64_t>::max());
    case PrimitiveType::kUint64: return in_range(0, std::numeric_limits<std::uint64_t>::max());
    case PrimitiveType::kFloat32:
    case PrimitiveType::kFloat64: {
      double v = 0;
      if (!parse_number(text, v)) return bad("a decimal floating-point number");
      return Value(v);
    }
    case PrimitiveType::kString:
    case PrimitiveType::kWString: {
      PARITY_ASSIGN_OR_RETURN(std::string s, parse_string_literal(text));
      if (type.string_bound != 0 && s.size() > type.string_bound) {
        return corrupt(
            fmt::format("string of {} bytes exceeds the bound {}", s.size(), type.string_bound));
      }
      return Value(std::move(s));
    }
    case PrimitiveType::kMessage: break;
  }
  return corrupt("message-typed fields cannot have a default value");
}

// Splits "[a, "b,c", d]" into its elements (commas inside quotes do not split).
Result<std::vector<std::string_view>> split_array_literal(std::string_view text) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return corrupt(fmt::format("array default {} must be written [a, b, ...]", quote(text)));
  }
  text = trim(text.substr(1, text.size() - 2));
  std::vector<std::string_view> items;
  if (text.empty()) return items;
  char in_quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == in_quote) {
        in_quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      in_quote = c;
    } else if (c == ',') {
      items.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(trim(text.substr(start)));
  return items;
}

Result<Value> parse_default(const FieldType& type, std::string_view text) {
  if (type.primitive == PrimitiveType::kMessage) {
    return corrupt("message-typed fields cannot have a default value");
  }
  if (!type.is_array()) return parse_scalar(type, text);
  PARITY_ASSIGN_OR_RETURN(const auto items, split_array_literal(text));
  if (type.array == ArrayKind::kFixed && items.size() != type.array_size) {
    return corrupt(fmt::format("default has {} elements, the fixed array needs {}", items.size(),
                               type.array_size));
  }
  if (type.array == ArrayKind::kBounded && items.size() > type.array_size) {
    return corrupt(
        fmt::format("default has {} elements, over the bound {}", items.size(), type.array_size));
  }
  FieldType element = type;
  element.array = ArrayKind::kNone;
  element.array_size = 0;
  Value::Array values;
  values.reserve(items.size());
  for (std::string_view item : items) {
    PARITY_ASSIGN_OR_RETURN(Value v, parse_scalar(element, item));
    values.push_back(std::move(v));
  }
  return Value(std::move(values));
}

struct Line {
  std::string_view text;
  std::uint32_t number = 0;
};

struct Section {
  std::string name;        // canonical full name
  std::uint32_t line = 0;  // line of its MSG: header (1 for the root)
  std::vector<Line> lines;
};

bool is_separator(std::string_view line) {
  line = trim(line);
  if (line.size() < 3) return false;
  for (char c : line) {
    if (c != '=') return false;
  }
  return true;
}

Result<std::vector<Section>> split_sections(std::string_view root_name, std::string_view text) {
  std::vector<Section> sections;
  sections.push_back({std::string(root_name), 1, {}});
  bool expect_header = false;
  std::uint32_t number = 0;
  std::size_t pos = 0;
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;  // UTF-8 byte order mark
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    ++number;
    pos = end + 1;
    if (is_separator(line)) {
      expect_header = true;
      continue;
    }
    if (expect_header) {
      const std::string_view t = trim(strip_comment(line));
      if (t.empty()) continue;
      if (t.starts_with("IDL:")) {
        return unsupported(fmt::format("{}: line {}: ros2idl sections ({}) are not supported",
                                       root_name, number, quote(t)));
      }
      if (!t.starts_with("MSG:")) {
        return corrupt(
            fmt::format("{}: line {}: expected 'MSG: pkg/Type' after a separator line, "
                        "found {}",
                        root_name, number, quote(t)));
      }
      const std::string_view name = trim(t.substr(4));
      std::string full = canonical_type_name(name);
      if (full.empty()) {
        return corrupt(
            fmt::format("{}: line {}: malformed type name {} after MSG:, expected "
                        "pkg/Type or pkg/msg/Type",
                        root_name, number, quote(name)));
      }
      sections.push_back({std::move(full), number, {}});
      expect_header = false;
      continue;
    }
    sections.back().lines.push_back({line, number});
  }
  if (expect_header) {
    return corrupt(fmt::format("{}: line {}: separator line without a following 'MSG: pkg/Type'",
                               root_name, number));
  }
  return sections;
}

Result<MsgType> parse_section(const Section& section, Dialect dialect) {
  MsgType type;
  type.name = section.name;
  const std::string_view package = package_of(section.name);
  std::set<std::string, std::less<>> names;
  for (const Line& line : section.lines) {
    const auto fail = [&](const Status& status) {
      return Status(status.code(),
                    fmt::format("{}: line {}: {}", section.name, line.number, status.message()));
    };
    const std::string_view text = trim(strip_comment(line.text));
    if (text.empty()) continue;
    if (text == "---") {
      return fail(unsupported(
          "a '---' separator: service and action definitions are not supported as message "
          "schemas (only rosbag2 service events, pkg/srv/Name_Event)"));
    }
    std::size_t split = 0;
    while (split < text.size() && !is_space(text[split])) ++split;
    const std::string_view type_token = text.substr(0, split);
    const std::string_view rest = trim(text.substr(split));
    // `rest` is NAME, NAME=VALUE, NAME = VALUE or NAME DEFAULT.
    std::size_t name_end = 0;
    while (name_end < rest.size() && is_ident_char(rest[name_end])) ++name_end;
    const std::string_view name = rest.substr(0, name_end);
    const std::string_view after = trim(rest.substr(name_end));
    if (type_token.find('=') != std::string_view::npos &&
        type_token.find("<=") == std::string_view::npos) {
      return fail(corrupt(fmt::format("expected '<type> <name>', found {}", quote(text))));
    }
    if (name.empty() || !is_identifier(name)) {
      return fail(
          corrupt(fmt::format("expected a field or constant name after the type {}, "
                              "found {}",
                              quote(type_token), quote(rest))));
    }
    if (!after.empty() && after.front() != '=' && name_end < rest.size() &&
        !is_space(rest[name_end])) {
      return fail(corrupt(fmt::format("invalid character in the name {}", quote(rest))));
    }
    auto field_type = parse_field_type(type_token, package, dialect);
    if (!field_type.ok()) return fail(field_type.status());
    if (!names.insert(std::string(name)).second) {
      return fail(corrupt(fmt::format("duplicate name '{}'", name)));
    }
    if (!after.empty() && after.front() == '=') {
      if (field_type->primitive == PrimitiveType::kMessage || field_type->is_array()) {
        return fail(corrupt(fmt::format("constant '{}' must have a primitive scalar type, found {}",
                                        name, quote(type_token))));
      }
      FieldType literal_type = *field_type;
      if (dialect == Dialect::kRos1 && literal_type.primitive == PrimitiveType::kByte) {
        literal_type.primitive = PrimitiveType::kInt8;  // ROS 1 byte is signed
      }
      auto value = parse_scalar(literal_type, after.substr(1));
      if (dialect == Dialect::kRos1 && field_type->primitive == PrimitiveType::kString) {
        // genmsg: everything after the '=' is the value, '#' included, whitespace trimmed.
        const std::size_t eq = line.text.find('=');
        value = Value(std::string(trim(line.text.substr(eq + 1))));
      }
      if (!value.ok()) {
        return fail(value.status().with_context(fmt::format("constant '{}'", name)));
      }
      type.constants.push_back(
          {std::string(name), std::move(*field_type), std::move(*value), line.number});
      continue;
    }
    MsgField field;
    field.name = std::string(name);
    field.line = line.number;
    if (!after.empty()) {
      auto value = parse_default(*field_type, after);
      if (!value.ok()) {
        return fail(value.status().with_context(fmt::format("default of field '{}'", name)));
      }
      field.default_value = std::move(*value);
    }
    field.type = std::move(*field_type);
    type.fields.push_back(std::move(field));
  }
  return type;
}

// Built-in definitions used when a schema references them without defining them (the ROS 1
// `time` / `duration` primitives).
std::optional<MsgType> builtin_type(std::string_view name, Dialect dialect) {
  const auto scalar = [](PrimitiveType primitive) {
    FieldType type;
    type.primitive = primitive;
    return type;
  };
  MsgType type;
  type.name = std::string(name);
  if (dialect == Dialect::kRos1) {
    // genmsg's built-in `time` / `duration` (roscpp_core rostime) and std_msgs/Header.
    if (name == kRos1Time) {
      type.fields.push_back({"secs", scalar(PrimitiveType::kUint32), Value(), 0});
      type.fields.push_back({"nsecs", scalar(PrimitiveType::kUint32), Value(), 0});
      return type;
    }
    if (name == kRos1Duration) {
      type.fields.push_back({"secs", scalar(PrimitiveType::kInt32), Value(), 0});
      type.fields.push_back({"nsecs", scalar(PrimitiveType::kInt32), Value(), 0});
      return type;
    }
    if (name == "std_msgs/msg/Header") {
      FieldType stamp = scalar(PrimitiveType::kMessage);
      stamp.message_type = std::string(kRos1Time);
      type.fields.push_back({"seq", scalar(PrimitiveType::kUint32), Value(), 0});
      type.fields.push_back({"stamp", stamp, Value(), 0});
      type.fields.push_back({"frame_id", scalar(PrimitiveType::kString), Value(), 0});
      return type;
    }
  }
  if (name == "builtin_interfaces/msg/Time" || name == "builtin_interfaces/msg/Duration") {
    type.fields.push_back({"sec", scalar(PrimitiveType::kInt32), Value(), 0});
    type.fields.push_back({"nanosec", scalar(PrimitiveType::kUint32), Value(), 0});
    return type;
  }
  if (name == "service_msgs/msg/ServiceEventInfo") {
    // ros2/rcl_interfaces service_msgs/msg/ServiceEventInfo.msg (Iron and later).
    FieldType stamp = scalar(PrimitiveType::kMessage);
    stamp.message_type = "builtin_interfaces/msg/Time";
    FieldType gid = scalar(PrimitiveType::kChar);
    gid.array = ArrayKind::kFixed;
    gid.array_size = 16;
    type.fields.push_back({"event_type", scalar(PrimitiveType::kUint8), Value(), 0});
    type.fields.push_back({"stamp", stamp, Value(), 0});
    type.fields.push_back({"client_gid", gid, Value(), 0});
    type.fields.push_back({"sequence_number", scalar(PrimitiveType::kInt64), Value(), 0});
    return type;
  }
  return std::nullopt;
}

// rosbag2 records a service's events on "<service>/_service_event" with the type
// "pkg/srv/Name_Event" and the .srv text (request, "---", response) as the schema. The wire
// type is {service_msgs/ServiceEventInfo info; Name_Request[<=1] request;
// Name_Response[<=1] response} (rosidl service event generation, ROS 2 Iron and later).
// Rewrites sections[0] into those three sections; leaves other schemas alone.
Status expand_service_event(std::vector<Section>& sections, std::string& storage) {
  Section& root = sections.front();
  const auto is_dashes = [](const Line& line) { return trim(strip_comment(line.text)) == "---"; };
  const auto split = std::find_if(root.lines.begin(), root.lines.end(), is_dashes);
  if (split == root.lines.end()) return Status::ok_status();
  const std::string_view name = root.name;
  const std::size_t srv = name.find("/srv/");
  if (!name.ends_with("_Event") || srv == std::string_view::npos ||
      std::find_if(split + 1, root.lines.end(), is_dashes) != root.lines.end()) {
    return unsupported(fmt::format(
        "{}: line {}: a '---' separator: service and action definitions are not supported as "
        "message schemas (only rosbag2 service events, pkg/srv/Name_Event)",
        name, split->number));
  }
  const std::string base(name.substr(0, name.size() - 6));  // pkg/srv/Name
  Section request{base + "_Request", root.line, {root.lines.begin(), split}};
  Section response{base + "_Response", split->number, {split + 1, root.lines.end()}};
  storage = fmt::format(
      "service_msgs/msg/ServiceEventInfo info\n{0}_Request[<=1] request\n"
      "{0}_Response[<=1] response\n",
      base);
  root.lines.clear();
  std::size_t pos = 0;
  while (pos < storage.size()) {
    const std::size_t end = storage.find('\n', pos);
    root.lines.push_back({std::string_view(storage).substr(pos, end - pos), root.line});
    pos = end + 1;
  }
  sections.insert(sections.begin() + 1, std::move(response));
  sections.insert(sections.begin() + 1, std::move(request));
  return Status::ok_status();
}

// Depth-first check for cycles and nesting depth; fills min_wire_size. The recursion is
// bounded: a path longer than kMaxNestingDepth fails before going deeper.
class Resolver {
 public:
  explicit Resolver(std::vector<MsgType>& types)
      : types_(types), state_(types.size(), 0), height_(types.size(), 0) {}

  Status visit(std::uint32_t index, std::size_t depth) {
    MsgType& type = types_[index];
    if (state_[index] == 2) return Status::ok_status();
    if (state_[index] == 1) {
      return corrupt(fmt::format("{}: recursive type: it contains itself", type.name));
    }
    if (depth > MsgSchema::kMaxNestingDepth) return too_deep();
    state_[index] = 1;
    std::uint64_t total = 0;
    std::size_t height = 1;
    for (const MsgField& field : type.fields) {
      std::uint64_t element = primitive_min_size(field.type.primitive);
      if (field.type.primitive == PrimitiveType::kMessage) {
        PARITY_RETURN_IF_ERROR(visit(field.type.message_index, depth + 1));
        element = types_[field.type.message_index].min_wire_size;
        height = std::max(height, height_[field.type.message_index] + 1);
      }
      switch (field.type.array) {
        case ArrayKind::kNone: total = saturating_add(total, element); break;
        case ArrayKind::kFixed:
          total = saturating_add(total, saturating_mul(element, field.type.array_size));
          break;
        case ArrayKind::kBounded:
        case ArrayKind::kUnbounded: total = saturating_add(total, 4); break;
      }
    }
    if (height > MsgSchema::kMaxNestingDepth) return too_deep();
    type.min_wire_size = total == 0 ? 1 : total;
    height_[index] = height;
    state_[index] = 2;
    return Status::ok_status();
  }

 private:
  Status too_deep() const {
    return corrupt(fmt::format("{}: messages nest deeper than {} levels", types_[0].name,
                               MsgSchema::kMaxNestingDepth));
  }

  std::vector<MsgType>& types_;
  std::vector<std::uint8_t> state_;  // 0 unvisited, 1 on the current path, 2 done
  std::vector<std::size_t> height_;  // levels of nesting below and including each type
};

}  // namespace

std::string_view primitive_type_name(PrimitiveType type) {
  for (const PrimitiveInfo& info : kPrimitives) {
    if (info.type == type) return info.name;
  }
  return "message";
}

std::string FieldType::to_string() const {
  std::string out = primitive == PrimitiveType::kMessage
                        ? message_type
                        : std::string(primitive_type_name(primitive));
  if (string_bound != 0) out += fmt::format("<={}", string_bound);
  switch (array) {
    case ArrayKind::kNone: break;
    case ArrayKind::kFixed: out += fmt::format("[{}]", array_size); break;
    case ArrayKind::kBounded: out += fmt::format("[<={}]", array_size); break;
    case ArrayKind::kUnbounded: out += "[]"; break;
  }
  return out;
}

std::string canonical_type_name(std::string_view name) {
  name = trim(name);
  const std::size_t first = name.find('/');
  if (first == std::string_view::npos) return "";
  const std::size_t last = name.rfind('/');
  const std::string_view package = name.substr(0, first);
  const std::string_view type = name.substr(last + 1);
  const auto valid_part = [](std::string_view part) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!is_ident_char(c)) return false;
    }
    return true;
  };
  if (!valid_part(package) || !valid_part(type)) return "";
  if (first == last) return fmt::format("{}/msg/{}", package, type);
  const std::string_view middle = name.substr(first + 1, last - first - 1);
  if (!valid_part(middle)) return "";
  return std::string(name);
}

const MsgType* MsgSchema::find(std::string_view name) const {
  const std::string full = canonical_type_name(name);
  for (const MsgType& type : types_) {
    if (type.name == full) return &type;
  }
  return nullptr;
}

namespace {

// The resolved types of a schema text (types[0] is the root); see parse_ros2msg().
Result<std::vector<MsgType>> parse_msg_text(std::string_view type_name, std::string_view text,
                                            Dialect dialect) {
  const std::string root_name = canonical_type_name(type_name);
  if (root_name.empty()) {
    return invalid_argument(fmt::format(
        "schema type name {} is not of the form pkg/Type or pkg/msg/Type", quote(type_name)));
  }
  PARITY_ASSIGN_OR_RETURN(std::vector<Section> sections, split_sections(root_name, text));
  std::string service_event_storage;  // text of a synthesized service-event root (see above)
  PARITY_RETURN_IF_ERROR(expand_service_event(sections, service_event_storage));

  std::vector<MsgType> types;
  std::map<std::string, std::uint32_t, std::less<>> index_of;
  for (const Section& section : sections) {
    if (index_of.contains(section.name)) continue;  // rosbag2 repeats shared dependencies
    PARITY_ASSIGN_OR_RETURN(MsgType type, parse_section(section, dialect));
    index_of.emplace(type.name, static_cast<std::uint32_t>(types.size()));
    types.push_back(std::move(type));
  }

  // Resolve references (the vector may grow with built-in types while we go).
  for (std::size_t t = 0; t < types.size(); ++t) {
    for (std::size_t f = 0; f < types[t].fields.size(); ++f) {
      MsgField& field = types[t].fields[f];
      if (field.type.primitive != PrimitiveType::kMessage) continue;
      auto it = index_of.find(field.type.message_type);
      if (it == index_of.end() && dialect == Dialect::kRos1) {
        // ROS 1 built-ins come before the short-name fallback: `time` must never resolve to a
        // user type that happens to be called Time.
        if (auto builtin = builtin_type(field.type.message_type, dialect)) {
          const auto index = static_cast<std::uint32_t>(types.size());
          index_of.emplace(builtin->name, index);
          field.type.message_index = index;
          types.push_back(std::move(*builtin));  // invalidates `field`
          continue;
        }
      }
      if (it == index_of.end()) {
        // A unique type with the same short name (writers that qualify differently).
        const std::string_view short_name =
            std::string_view(field.type.message_type).substr(field.type.message_type.rfind('/'));
        std::optional<std::uint32_t> unique;
        bool ambiguous = false;
        for (const auto& [name, index] : index_of) {
          if (std::string_view(name).ends_with(short_name)) {
            ambiguous = unique.has_value();
            unique = index;
          }
        }
        if (unique && !ambiguous) {
          field.type.message_type = types[*unique].name;
          field.type.message_index = *unique;
          continue;
        }
        if (auto builtin = builtin_type(field.type.message_type, Dialect::kRos2)) {
          const auto index = static_cast<std::uint32_t>(types.size());
          index_of.emplace(builtin->name, index);
          field.type.message_index = index;
          types.push_back(std::move(*builtin));  // invalidates `field`
          continue;
        }
        return corrupt(
            fmt::format("{}: line {}: type '{}' of field '{}' is not defined in the "
                        "schema",
                        types[t].name, field.line, field.type.message_type, field.name));
      }
      field.type.message_index = it->second;
    }
  }

  Resolver resolver(types);
  for (std::uint32_t i = 0; i < types.size(); ++i) {
    PARITY_RETURN_IF_ERROR(resolver.visit(i, 0));
  }
  return types;
}

}  // namespace

Result<MsgSchema> parse_ros2msg(std::string_view type_name, std::string_view text) {
  PARITY_ASSIGN_OR_RETURN(std::vector<MsgType> types,
                          parse_msg_text(type_name, text, Dialect::kRos2));
  MsgSchema schema;
  schema.types_ = std::move(types);
  return schema;
}

Result<MsgSchema> parse_ros1msg(std::string_view type_name, std::string_view text) {
  PARITY_ASSIGN_OR_RETURN(std::vector<MsgType> types,
                          parse_msg_text(type_name, text, Dialect::kRos1));
  MsgSchema schema;
  schema.types_ = std::move(types);
  return schema;
}

std::uint64_t primitive_min_size(PrimitiveType type) {
  switch (type) {
    case PrimitiveType::kBool:
    case PrimitiveType::kByte:
    case PrimitiveType::kChar:
    case PrimitiveType::kInt8:
    case PrimitiveType::kUint8: return 1;
    case PrimitiveType::kInt16:
    case PrimitiveType::kUint16: return 2;
    case PrimitiveType::kInt32:
    case PrimitiveType::kUint32:
    case PrimitiveType::kFloat32:
    case PrimitiveType::kString:
    case PrimitiveType::kWString: return 4;
    case PrimitiveType::kInt64:
    case PrimitiveType::kUint64:
    case PrimitiveType::kFloat64: return 8;
    case PrimitiveType::kMessage: return 1;
  }
  return 1;
}

}  // namespace parity::ros2
