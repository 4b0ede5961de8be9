// Typed extraction (from a Value tree) and typed CDR decoding; field lists in typed_fields.h.
#include "parity/formats/ros_msg/typed_messages.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "formats/ros_msg/cdr_reader.h"
#include "formats/ros_msg/typed_fields.h"

namespace parity::ros2 {
namespace {

// The path of the field being read ("transforms[2].header.frame_id"), kept as a small stack of
// names and indexes; only rendered to a string when an error occurs.
class FieldPath {
 public:
  void push(const char* name) {
    if (depth_ < kMax) entries_[depth_] = {name, kNoIndex};
    ++depth_;
  }
  void push_index(std::size_t index) {
    if (depth_ < kMax) entries_[depth_] = {nullptr, index};
    ++depth_;
  }
  void pop() { --depth_; }

  std::string render() const {
    std::string out;
    for (std::size_t i = 0; i < depth_ && i < kMax; ++i) {
      if (entries_[i].name != nullptr) {
        if (!out.empty()) out += '.';
        out += entries_[i].name;
      } else {
        out += fmt::format("[{}]", entries_[i].index);
      }
    }
    return out;
  }

 private:
  static constexpr std::size_t kMax = 16;
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
  struct Entry {
    const char* name;
    std::size_t index;
  };
  // Only entries_[0, min(depth_, kMax)) are ever read; left uninitialised because zeroing 256
  // bytes per decoded message showed up in profiles of the CDR fast path.
  Entry entries_[kMax];
  std::size_t depth_ = 0;
};

// ------------------------------------------------------------------------- CDR -> struct

// FieldPath's interface doing nothing: the path of the fast pass.
struct NoFieldPath {
  void push(const char* /*name*/) {}
  void push_index(std::size_t /*index*/) {}
  void pop() {}
  std::string render() const { return {}; }
};

// Reads the fields of a typed message in wire order (typed_fields.h) into an existing object,
// overwriting every member: strings and vectors are assigned or resized, so their capacity
// (and that of the strings inside a std::vector<std::string>) is reused. After the first
// failure every later field is skipped. The success path neither allocates once the
// capacities suffice nor builds a Status. With kTrackPath the archive also keeps the path of
// the field being read, left pointing at the failing field: decode_cdr_into() decodes without
// it and repeats a failed decode with it to name the field.
template <bool kTrackPath>
class CdrReadArchive {
 public:
  CdrReadArchive(std::span<const std::uint8_t> data, bool little_endian)
      : in_(data, little_endian) {}

  template <typename T>
  void field(const char* name, T& member) {
    if (!ok_) return;
    path_.push(name);
    read(member);
    if (ok_) path_.pop();
  }

  void stamp(const char* name, std::int64_t& stamp_ns) {
    if (!ok_) return;
    std::int32_t sec = 0;
    std::uint32_t nanosec = 0;
    if (!in_.read(sec) || !in_.read(nanosec)) [[unlikely]] {
      path_.push(name);
      ok_ = false;
      return;
    }
    stamp_ns = static_cast<std::int64_t>(sec) * kNsPerSecond + nanosec;
  }

  bool ok() const { return ok_; }

  // "<type>: field '<path>': <reader error>". Precondition: !ok() and kTrackPath.
  Status error(std::string_view type_name) const {
    static_assert(kTrackPath);
    return {in_.error().code(),
            fmt::format("{}: field '{}': {}", type_name, path_.render(), in_.error().message())};
  }

 private:
  template <typename T>
  void read(T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t b = 0;
      if (!in_.read(b)) [[unlikely]] {
        ok_ = false;
        return;
      }
      value = b != 0;
    } else if constexpr (std::is_arithmetic_v<T>) {
      if (!in_.read(value)) [[unlikely]] {
        ok_ = false;
      }
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!in_.read_string(value, 0)) [[unlikely]] {
        ok_ = false;
      }
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
      std::uint32_t count = 0;
      if (!in_.read_count(count, 1, 0) || !in_.read_bytes(value, count)) [[unlikely]] {
        ok_ = false;
      }
    } else if constexpr (IsVector<T>::value) {
      using E = typename IsVector<T>::Element;
      std::uint32_t count = 0;
      if (!in_.read_count(count, min_wire_size<E>(), 0)) [[unlikely]] {
        ok_ = false;
        return;
      }
      value.resize(count);
      read_elements(value.data(), count);
    } else if constexpr (IsStdArray<T>::value) {
      read_elements(value.data(), value.size());
    } else {
      visit_fields(*this, value);
    }
  }

  template <typename E>
  void read_elements(E* elements, std::size_t count) {
    if constexpr (std::is_same_v<E, std::uint8_t>) {
      if (!in_.read_bytes(elements, count)) ok_ = false;
      return;
    } else if constexpr (std::is_arithmetic_v<E> && !std::is_same_v<E, bool>) {
      // One bounds check and one copy for the whole array; when it does not fit, the loop
      // below finds (and names) the first element that does not.
      if (in_.try_read_array(elements, count)) return;
    }
    for (std::size_t i = 0; i < count && ok_; ++i) {
      path_.push_index(i);
      read(elements[i]);
      if (ok_) path_.pop();
    }
  }

  CdrReader in_;
  [[no_unique_address]] std::conditional_t<kTrackPath, FieldPath, NoFieldPath> path_;
  bool ok_ = true;
};

// ----------------------------------------------------------------------- Value -> struct

class ValueArchive {
 public:
  explicit ValueArchive(const Value& root) : current_(&root) {}

  template <typename T>
  void field(const char* name, T& member) {
    if (!ok_) return;
    path_.push(name);
    if (const Value* value = find_member(name)) {
      read(*value, member);
    } else {
      fail("is missing");
    }
    path_.pop();
  }

  void stamp(const char* name, std::int64_t& stamp_ns) {
    if (!ok_) return;
    path_.push(name);
    const Value* stamp = current_->find(name);
    if (stamp == nullptr) {
      fail("is missing");
    } else if (!stamp->is_struct()) {
      fail_kind("a builtin_interfaces/Time struct", *stamp);
    } else {
      // builtin_interfaces/Time {int32 sec, uint32 nanosec}; ROS 1 time {uint32 secs,
      // uint32 nsecs}; Foxglove {sec, nsec}.
      const Value* sec = stamp->find("sec");
      if (sec == nullptr) sec = stamp->find("secs");
      const Value* nanosec = stamp->find("nanosec");
      if (nanosec == nullptr) nanosec = stamp->find("nsec");
      if (nanosec == nullptr) nanosec = stamp->find("nsecs");
      std::int64_t s = 0;
      std::uint32_t ns = 0;
      if (sec == nullptr || nanosec == nullptr) {
        fail("needs members 'sec' and 'nanosec'");
      } else {
        const Value* saved = current_;
        current_ = stamp;
        path_.push("sec");
        read(*sec, s);
        // int32 (ROS 2) or uint32 (ROS 1) seconds; the bound also keeps stamp_ns from overflowing.
        if (ok_ && (s < std::numeric_limits<std::int32_t>::min() ||
                    s > std::numeric_limits<std::uint32_t>::max())) {
          fail(fmt::format("value {} is out of range [{}, {}]", s,
                           std::numeric_limits<std::int32_t>::min(),
                           std::numeric_limits<std::uint32_t>::max()));
        }
        path_.pop();
        path_.push("nanosec");
        read(*nanosec, ns);
        path_.pop();
        current_ = saved;
        if (ok_) stamp_ns = s * kNsPerSecond + ns;
      }
    }
    path_.pop();
  }

  Status status(std::string_view type_name) const {
    if (ok_) return Status::ok_status();
    return invalid_argument(fmt::format("{}: field '{}' {}", type_name, error_path_, error_));
  }

  template <typename T>
  void read(const Value& value, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
      if (value.is_bool()) {
        out = value.as_bool();
      } else if (value.is_number() && (value.to_double() == 0 || value.to_double() == 1)) {
        out = value.to_double() != 0;
      } else {
        fail_kind("a bool", value);
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!value.is_number()) return fail_kind("a number", value);
      out = static_cast<T>(value.to_double());
    } else if constexpr (std::is_integral_v<T>) {
      read_integer(value, out);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!value.is_string()) return fail_kind("a string", value);
      out = value.as_string();
    } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
      if (value.is_bytes()) {
        out = value.as_bytes();
        return;
      }
      if (!value.is_array()) return fail_kind("bytes or an array of integers", value);
      out.resize(value.as_array().size());
      read_elements(value.as_array(), out.data());
    } else if constexpr (IsVector<T>::value) {
      if (!value.is_array()) return fail_kind("an array", value);
      out.resize(value.as_array().size());
      read_elements(value.as_array(), out.data());
    } else if constexpr (IsStdArray<T>::value) {
      if (!value.is_array()) return fail_kind("an array", value);
      if (value.as_array().size() != out.size()) {
        return fail(fmt::format("has {} elements, expected exactly {}", value.as_array().size(),
                                out.size()));
      }
      read_elements(value.as_array(), out.data());
    } else {
      if (!value.is_struct()) return fail_kind("a struct", value);
      const Value* saved = current_;
      current_ = &value;
      visit_fields(*this, out);
      current_ = saved;
    }
  }

 private:
  // The member `name` of the current struct. ROS 1 spells CameraInfo's one-letter matrices
  // D, K, R, P in upper case where ROS 2 has d, k, r, p: a missing one-letter member is looked
  // up in upper case too.
  const Value* find_member(const char* name) const {
    if (const Value* value = current_->find(name)) return value;
    if (name[0] >= 'a' && name[0] <= 'z' && name[1] == '\0') {
      const char upper[2] = {static_cast<char>(name[0] - 'a' + 'A'), '\0'};
      return current_->find(upper);
    }
    return nullptr;
  }

  void fail(std::string message) {
    ok_ = false;
    error_ = std::move(message);
    error_path_ = path_.render();
  }
  void fail_kind(std::string_view expected, const Value& found) {
    fail(fmt::format("must be {}, found {}", expected, Value::kind_name(found.kind())));
  }

  template <typename T>
  void read_integer(const Value& value, T& out) {
    using Limits = std::numeric_limits<T>;
    const auto out_of_range = [&](auto v) {
      fail(fmt::format("value {} is out of range [{}, {}]", v, +Limits::min(), +Limits::max()));
    };
    if (value.is_int()) {
      const std::int64_t v = value.as_int();
      if (!std::in_range<T>(v)) return out_of_range(v);
      out = static_cast<T>(v);
    } else if (value.is_uint()) {
      const std::uint64_t v = value.as_uint();
      if (!std::in_range<T>(v)) return out_of_range(v);
      out = static_cast<T>(v);
    } else if (value.is_double()) {
      const double v = value.as_double();
      // Exactly representable integers only (a JSON 5.0 for an int32 field).
      if (!(v >= static_cast<double>(Limits::min()) && v <= static_cast<double>(Limits::max())) ||
          std::trunc(v) != v) {
        return fail(fmt::format("value {} is not an integer in [{}, {}]", v, +Limits::min(),
                                +Limits::max()));
      }
      out = static_cast<T>(v);
    } else {
      fail_kind("an integer", value);
    }
  }

  // Reads `items` into `elements` (room for items.size() elements).
  template <typename E>
  void read_elements(const Value::Array& items, E* elements) {
    for (std::size_t i = 0; i < items.size() && ok_; ++i) {
      path_.push_index(i);
      read(items[i], elements[i]);
      path_.pop();
    }
  }

  const Value* current_;
  FieldPath path_;
  bool ok_ = true;
  std::string error_;
  std::string error_path_;
};

// The error of a header try_plain_encapsulation() rejected, with the type as context.
[[gnu::cold, gnu::noinline]] Status encapsulation_error(std::span<const std::uint8_t> data,
                                                        std::string_view type_name) {
  Result<bool> little_endian = CdrReader::read_encapsulation(data);
  PARITY_CHECK_MSG(!little_endian.ok(), "try_plain_encapsulation rejected a valid CDR header");
  return little_endian.status().with_context(type_name);
}

// The error of a decode that failed without tracking the field path: decodes `data` again
// (the same bytes fail at the same place) keeping the path.
template <TypedMessage T>
[[gnu::cold, gnu::noinline]] Status field_error(std::span<const std::uint8_t> data,
                                                bool little_endian, T& out) {
  CdrReadArchive<true> archive(data, little_endian);
  visit_fields(archive, out);
  PARITY_CHECK_MSG(!archive.ok(), "a CDR decode failed once and succeeded on the same bytes");
  return archive.error(MessageTraits<T>::kTypeName);
}

}  // namespace

template <TypedMessage T>
Result<T> extract(const Value& value) {
  T message{};
  if (!value.is_struct()) {
    return invalid_argument(fmt::format("{}: expected a struct, found {}",
                                        MessageTraits<T>::kTypeName,
                                        Value::kind_name(value.kind())));
  }
  ValueArchive archive(value);
  visit_fields(archive, message);
  PARITY_RETURN_IF_ERROR(archive.status(MessageTraits<T>::kTypeName));
  return message;
}

// Flattened: the archive, the CdrReader reads and the nested visit_fields() calls are all
// inlined into one function per message type (the cold error paths stay out of line). GCC
// otherwise keeps helpers such as read_count() or visit_fields<Vector3> as calls, which for a
// 300-byte JointState cost as much as the copying.
template <TypedMessage T>
[[gnu::flatten]] Status decode_cdr_into(std::span<const std::uint8_t> data, T& out) {
  bool little_endian = true;
  if (!CdrReader::try_plain_encapsulation(data, little_endian)) [[unlikely]] {
    return encapsulation_error(data, MessageTraits<T>::kTypeName);
  }
  CdrReadArchive<false> archive(data, little_endian);
  visit_fields(archive, out);
  if (archive.ok()) [[likely]] {
    return {};
  }
  return field_error(data, little_endian, out);
}

// NOLINTBEGIN(bugprone-macro-parentheses): `Type` is a type name in template arguments.
#define PARITY_INSTANTIATE(Type)                     \
  template Result<Type> extract<Type>(const Value&); \
  template Status decode_cdr_into<Type>(std::span<const std::uint8_t>, Type&);
PARITY_ROS2_FOR_EACH_TYPED_MESSAGE(PARITY_INSTANTIATE)
#undef PARITY_INSTANTIATE
// NOLINTEND(bugprone-macro-parentheses)

// ------------------------------------------------------------------------- point clouds

std::uint32_t point_field_size(std::uint8_t datatype) {
  switch (datatype) {
    case PointField::kInt8:
    case PointField::kUint8: return 1;
    case PointField::kInt16:
    case PointField::kUint16: return 2;
    case PointField::kInt32:
    case PointField::kUint32:
    case PointField::kFloat32: return 4;
    case PointField::kFloat64: return 8;
    default: return 0;
  }
}

Result<PointFieldReader> PointFieldReader::create(const PointCloud2& cloud, std::string_view name) {
  const PointField* field = nullptr;
  std::string names;
  for (const PointField& f : cloud.fields) {
    if (f.name == name) field = &f;
    names += names.empty() ? f.name : ", " + f.name;
  }
  if (field == nullptr) {
    return not_found(fmt::format("PointCloud2 has no field '{}' (fields: {})", name,
                                 names.empty() ? "none" : names));
  }
  const std::uint32_t size = point_field_size(field->datatype);
  if (size == 0) {
    return corrupt(fmt::format("PointCloud2 field '{}': unknown datatype {}, expected 1..8", name,
                               field->datatype));
  }
  if (field->count == 0) {
    return corrupt(fmt::format("PointCloud2 field '{}': count is 0", name));
  }
  if (std::uint64_t{field->offset} + size > cloud.point_step) {
    return corrupt(
        fmt::format("PointCloud2 field '{}': offset {} + size {} runs past "
                    "point_step {}",
                    name, field->offset, size, cloud.point_step));
  }
  const std::uint64_t row_bytes = std::uint64_t{cloud.width} * cloud.point_step;
  if (cloud.height > 1 && cloud.row_step < row_bytes) {
    return corrupt(fmt::format("PointCloud2: row_step {} is less than width {} * point_step {}",
                               cloud.row_step, cloud.width, cloud.point_step));
  }
  const std::uint64_t needed = cloud.height == 0 || cloud.width == 0
                                   ? 0
                                   : std::uint64_t{cloud.height - 1} * cloud.row_step + row_bytes;
  if (cloud.data.size() < needed) {
    return corrupt(fmt::format(
        "PointCloud2: data has {} bytes, {} x {} points with row_step {} "
        "and point_step {} need {}",
        cloud.data.size(), cloud.height, cloud.width, cloud.row_step, cloud.point_step, needed));
  }
  PointFieldReader reader;
  reader.data_ = cloud.data.data();
  reader.width_ = cloud.width;
  reader.height_ = cloud.height;
  reader.point_step_ = cloud.point_step;
  reader.row_step_ = cloud.row_step;
  reader.offset_ = field->offset;
  reader.datatype_ = field->datatype;
  reader.big_endian_ = cloud.is_bigendian;
  return reader;
}

namespace {

template <typename T>
double load(const std::uint8_t* p, bool big_endian) {
  using U = std::conditional_t<
      sizeof(T) == 1, std::uint8_t,
      std::conditional_t<sizeof(T) == 2, std::uint16_t,
                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
  U raw;
  std::memcpy(&raw, p, sizeof(T));
  if (big_endian) {
    if constexpr (sizeof(T) == 2) raw = __builtin_bswap16(raw);
    if constexpr (sizeof(T) == 4) raw = __builtin_bswap32(raw);
    if constexpr (sizeof(T) == 8) raw = __builtin_bswap64(raw);
  }
  T value;
  std::memcpy(&value, &raw, sizeof(T));
  return static_cast<double>(value);
}

}  // namespace

double PointFieldReader::at(std::size_t index) const {
  PARITY_CHECK(index < size());
  const std::size_t row = index / width_;
  const std::size_t column = index % width_;
  const std::uint8_t* p = data_ + row * row_step_ + column * point_step_ + offset_;
  switch (datatype_) {
    case PointField::kInt8: return load<std::int8_t>(p, big_endian_);
    case PointField::kUint8: return load<std::uint8_t>(p, big_endian_);
    case PointField::kInt16: return load<std::int16_t>(p, big_endian_);
    case PointField::kUint16: return load<std::uint16_t>(p, big_endian_);
    case PointField::kInt32: return load<std::int32_t>(p, big_endian_);
    case PointField::kUint32: return load<std::uint32_t>(p, big_endian_);
    case PointField::kFloat32: return load<float>(p, big_endian_);
    case PointField::kFloat64: return load<double>(p, big_endian_);
    default: break;
  }
  PARITY_CHECK_MSG(false, "PointFieldReader with an unchecked datatype");
  return 0;
}

Result<std::vector<std::array<float, 3>>> read_xyz(const PointCloud2& cloud) {
  PARITY_ASSIGN_OR_RETURN(const PointFieldReader x, PointFieldReader::create(cloud, "x"));
  PARITY_ASSIGN_OR_RETURN(const PointFieldReader y, PointFieldReader::create(cloud, "y"));
  PARITY_ASSIGN_OR_RETURN(const PointFieldReader z, PointFieldReader::create(cloud, "z"));
  std::vector<std::array<float, 3>> points(x.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    points[i] = {static_cast<float>(x.at(i)), static_cast<float>(y.at(i)),
                 static_cast<float>(z.at(i))};
  }
  return points;
}

}  // namespace parity::ros2
