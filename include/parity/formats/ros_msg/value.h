// ros2::Value: the generic, schema-less tree a decoded message becomes.
//
// Every message decoder (CDR with a ros2msg schema, JSON) produces this tree, so `parity dump`,
// feature extractors and typed extraction (typed_messages.h) read messages the same way
// whatever their wire encoding. A struct keeps its members in schema (or JSON document) order.
// Blobs of uint8/byte (images, point-cloud data) are kept as one byte vector, never as a
// vector of Values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace parity::ros2 {

struct NamedValue;

class Value {
 public:
  enum class Kind : std::uint8_t {
    kNull,    // JSON null; never produced by the CDR decoder
    kBool,    // bool
    kInt,     // int8..int64
    kUint,    // uint8..uint64, byte, char (scalars)
    kDouble,  // float32 (widened exactly), float64
    kString,  // string, wstring (as UTF-8)
    kBytes,   // uint8[] / byte[] (fixed, bounded or unbounded)
    kArray,   // every other array or sequence
    kStruct,  // a nested message: named members in order
  };

  using Bytes = std::vector<std::uint8_t>;
  using Array = std::vector<Value>;
  using Struct = std::vector<NamedValue>;

  // Defined below NamedValue, which must be complete first.
  Value();  // null
  explicit Value(bool v);
  explicit Value(std::int64_t v);
  explicit Value(std::uint64_t v);
  explicit Value(double v);
  explicit Value(std::string v);
  explicit Value(Bytes v);
  explicit Value(Array v);
  explicit Value(Struct v);

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_uint() const { return kind() == Kind::kUint; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_uint() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_bytes() const { return kind() == Kind::kBytes; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_struct() const { return kind() == Kind::kStruct; }

  // Typed accessors. Precondition: the matching is_*() is true (PARITY_CHECK otherwise).
  bool as_bool() const;
  std::int64_t as_int() const;
  std::uint64_t as_uint() const;
  double as_double() const;
  const std::string& as_string() const;
  const Bytes& as_bytes() const;
  const Array& as_array() const;
  const Struct& as_struct() const;
  Bytes& as_bytes();
  Array& as_array();
  Struct& as_struct();

  // Any number (int, uint or double) as a double; nullopt-free: precondition is_number().
  double to_double() const;

  // The member named `name` of a struct, or nullptr when absent or when this is not a struct.
  // The pointer is valid while this Value is alive and not modified.
  const Value* find(std::string_view name) const;

  // Follows a dotted path of member names and [i] indexes, e.g. "header.stamp.sec" or
  // "transforms[0].transform.rotation.w"; nullptr when any step is missing.
  const Value* at_path(std::string_view path) const;

  // Name of a kind for error messages: "null", "bool", "int", "uint", "double", "string",
  // "bytes", "array", "struct".
  static std::string_view kind_name(Kind kind);

  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Bytes, Array,
               Struct>
      data_;
};

struct NamedValue {
  std::string name;
  Value value;

  friend bool operator==(const NamedValue& a, const NamedValue& b) = default;
};

inline Value::Value() = default;
inline Value::Value(bool v) : data_(v) {}
inline Value::Value(std::int64_t v) : data_(v) {}
inline Value::Value(std::uint64_t v) : data_(v) {}
inline Value::Value(double v) : data_(v) {}
inline Value::Value(std::string v) : data_(std::move(v)) {}
inline Value::Value(Bytes v) : data_(std::move(v)) {}
inline Value::Value(Array v) : data_(std::move(v)) {}
inline Value::Value(Struct v) : data_(std::move(v)) {}

}  // namespace parity::ros2
