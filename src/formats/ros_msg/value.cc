#include "parity/formats/ros_msg/value.h"

#include <charconv>

#include "parity/core/check.h"

namespace parity::ros2 {

bool Value::as_bool() const {
  PARITY_CHECK(is_bool());
  return std::get<bool>(data_);
}
std::int64_t Value::as_int() const {
  PARITY_CHECK(is_int());
  return std::get<std::int64_t>(data_);
}
std::uint64_t Value::as_uint() const {
  PARITY_CHECK(is_uint());
  return std::get<std::uint64_t>(data_);
}
double Value::as_double() const {
  PARITY_CHECK(is_double());
  return std::get<double>(data_);
}
const std::string& Value::as_string() const {
  PARITY_CHECK(is_string());
  return std::get<std::string>(data_);
}
const Value::Bytes& Value::as_bytes() const {
  PARITY_CHECK(is_bytes());
  return std::get<Bytes>(data_);
}
const Value::Array& Value::as_array() const {
  PARITY_CHECK(is_array());
  return std::get<Array>(data_);
}
const Value::Struct& Value::as_struct() const {
  PARITY_CHECK(is_struct());
  return std::get<Struct>(data_);
}
Value::Bytes& Value::as_bytes() {
  PARITY_CHECK(is_bytes());
  return std::get<Bytes>(data_);
}
Value::Array& Value::as_array() {
  PARITY_CHECK(is_array());
  return std::get<Array>(data_);
}
Value::Struct& Value::as_struct() {
  PARITY_CHECK(is_struct());
  return std::get<Struct>(data_);
}

double Value::to_double() const {
  switch (kind()) {
    case Kind::kInt: return static_cast<double>(std::get<std::int64_t>(data_));
    case Kind::kUint: return static_cast<double>(std::get<std::uint64_t>(data_));
    case Kind::kDouble: return std::get<double>(data_);
    default: PARITY_CHECK_MSG(false, "Value::to_double() on a non-number");
  }
  return 0;
}

const Value* Value::find(std::string_view name) const {
  if (!is_struct()) return nullptr;
  for (const NamedValue& member : std::get<Struct>(data_)) {
    if (member.name == name) return &member.value;
  }
  return nullptr;
}

const Value* Value::at_path(std::string_view path) const {
  const Value* current = this;
  std::size_t pos = 0;
  while (pos < path.size() && current != nullptr) {
    if (path[pos] == '.') {
      ++pos;
      continue;
    }
    if (path[pos] == '[') {
      const std::size_t close = path.find(']', pos);
      if (close == std::string_view::npos || !current->is_array()) return nullptr;
      std::size_t index = 0;
      const char* first = path.data() + pos + 1;
      const char* last = path.data() + close;
      const auto [end, ec] = std::from_chars(first, last, index);
      if (ec != std::errc() || end != last) return nullptr;
      const Array& array = current->as_array();
      if (index >= array.size()) return nullptr;
      current = &array[index];
      pos = close + 1;
      continue;
    }
    std::size_t end = path.find_first_of(".[", pos);
    if (end == std::string_view::npos) end = path.size();
    current = current->find(path.substr(pos, end - pos));
    pos = end;
  }
  return current;
}

std::string_view Value::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint: return "uint";
    case Kind::kDouble: return "double";
    case Kind::kString: return "string";
    case Kind::kBytes: return "bytes";
    case Kind::kArray: return "array";
    case Kind::kStruct: return "struct";
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  return a.data_ == b.data_;
}

}  // namespace parity::ros2
