// Typed ROS 1 decoding (decode_ros1_into): the field lists of typed_fields.h read with the
// ROS 1 wire rules of ros1_decoder.h, without building a Value tree.
#include <fmt/format.h>

#include <cstring>
#include <string>
#include <type_traits>

#include "formats/ros_msg/typed_fields.h"
#include "parity/formats/ros_msg/ros1_decoder.h"

namespace parity::ros2 {
namespace {

// Bounds-checked little-endian cursor without alignment. Statuses are built only on failure.
class Ros1Cursor {
 public:
  explicit Ros1Cursor(std::span<const std::uint8_t> data)
      : data_(data.data()), size_(data.size()) {}

  std::size_t remaining() const { return size_ - pos_; }
  const Status& error() const { return error_; }

  template <typename T>
  bool read(T& value) {
    if (remaining() < sizeof(T)) [[unlikely]] {
      return short_read(sizeof(T));
    }
    std::memcpy(&value, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

  bool read_string(std::string& out) {
    const std::size_t at = pos_;
    std::uint32_t length = 0;
    if (!read(length)) return false;
    if (length > remaining()) [[unlikely]] {
      return fail(corrupt(fmt::format("offset {}: string length {} exceeds the {} bytes left", at,
                                      length, remaining())));
    }
    out.assign(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length;
    return true;
  }

  // A sequence count whose elements (at least `min_size` bytes each) must fit in what is left.
  bool read_count(std::uint32_t& count, std::uint64_t min_size) {
    if (!read(count)) return false;
    if (count > remaining() / (min_size == 0 ? 1 : min_size)) [[unlikely]] {
      return fail(corrupt(fmt::format(
          "offset {}: sequence count {} needs at least {} bytes ({} per element), {} left", pos_,
          count, std::uint64_t{count} * min_size, min_size, remaining())));
    }
    return true;
  }

  // `n` values stored back to back (no count): one check, one copy.
  template <typename T>
  bool read_array(T* out, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (remaining() < bytes) [[unlikely]] {
      return short_read(bytes);
    }
    if (bytes != 0) std::memcpy(out, data_ + pos_, bytes);
    pos_ += bytes;
    return true;
  }

 private:
  bool fail(Status status) {
    error_ = std::move(status);
    return false;
  }
  [[gnu::cold]] bool short_read(std::size_t need) {
    return fail(
        truncated(fmt::format("offset {}: needs {} bytes, {} left", pos_, need, remaining())));
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
  Status error_;
};

// The path of the field being read, rendered only on error.
class Path {
 public:
  void push(const char* name) { entries_.push_back({name, 0}); }
  void push_index(std::size_t index) { entries_.push_back({nullptr, index}); }
  void pop() { entries_.pop_back(); }
  std::string render() const {
    std::string out;
    for (const auto& [name, index] : entries_) {
      if (name != nullptr) {
        if (!out.empty()) out += '.';
        out += name;
      } else {
        out += fmt::format("[{}]", index);
      }
    }
    return out;
  }

 private:
  std::vector<std::pair<const char*, std::size_t>> entries_;
};

struct NoPath {
  void push(const char* /*name*/) {}
  void push_index(std::size_t /*index*/) {}
  void pop() {}
};

template <bool kTrackPath>
class Ros1ReadArchive {
 public:
  explicit Ros1ReadArchive(std::span<const std::uint8_t> data) : in_(data) {}

  template <typename T>
  void field(const char* name, T& member) {
    if (!ok_) return;
    path_.push(name);
    read(member);
    if (ok_) path_.pop();
  }

  // A ROS 1 time {uint32 secs, uint32 nsecs}.
  void stamp(const char* name, std::int64_t& stamp_ns) {
    if (!ok_) return;
    std::uint32_t secs = 0, nsecs = 0;
    if (!in_.read(secs) || !in_.read(nsecs)) [[unlikely]] {
      path_.push(name);
      ok_ = false;
      return;
    }
    stamp_ns = static_cast<std::int64_t>(secs) * kNsPerSecond + nsecs;
  }

  bool ok() const { return ok_; }
  Status error(std::string_view type_name) const {
    if constexpr (kTrackPath) {
      return {in_.error().code(),
              fmt::format("{}: field '{}': {}", type_name, path_.render(), in_.error().message())};
    } else {
      return {in_.error().code(), fmt::format("{}: {}", type_name, in_.error().message())};
    }
  }

  template <typename T>
  void read(T& value) {
    if constexpr (std::is_same_v<T, Header>) {
      std::uint32_t seq = 0;  // ROS 1 std_msgs/Header starts with seq; not kept
      if (!in_.read(seq)) [[unlikely]] {
        path_.push("seq");
        ok_ = false;
        return;
      }
      visit_fields(*this, value);
    } else if constexpr (std::is_same_v<T, bool>) {
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
      if (!in_.read_string(value)) [[unlikely]] {
        ok_ = false;
      }
    } else if constexpr (IsVector<T>::value) {
      using E = typename IsVector<T>::Element;
      std::uint32_t count = 0;
      if (!in_.read_count(count, min_wire_size<E>())) [[unlikely]] {
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

 private:
  template <typename E>
  void read_elements(E* elements, std::size_t count) {
    if constexpr (std::is_arithmetic_v<E> && !std::is_same_v<E, bool>) {
      if (in_.read_array(elements, count)) return;
      if constexpr (!kTrackPath) {
        ok_ = false;
        return;
      }
    }
    for (std::size_t i = 0; i < count && ok_; ++i) {
      path_.push_index(i);
      read(elements[i]);
      if (ok_) path_.pop();
    }
  }

  Ros1Cursor in_;
  [[no_unique_address]] std::conditional_t<kTrackPath, Path, NoPath> path_;
  bool ok_ = true;
};

template <TypedMessage T>
[[gnu::cold, gnu::noinline]] Status ros1_field_error(std::span<const std::uint8_t> data, T& out) {
  Ros1ReadArchive<true> archive(data);
  archive.read(out);
  PARITY_CHECK_MSG(!archive.ok(), "a ROS 1 decode failed once and succeeded on the same bytes");
  return archive.error(MessageTraits<T>::kTypeName);
}

}  // namespace

template <TypedMessage T>
[[gnu::flatten]] Status decode_ros1_into(std::span<const std::uint8_t> data, T& out) {
  Ros1ReadArchive<false> archive(data);
  archive.read(out);
  if (archive.ok()) [[likely]] {
    return {};
  }
  return ros1_field_error(data, out);
}

// NOLINTBEGIN(bugprone-macro-parentheses): `Type` is a type name in template arguments.
#define PARITY_INSTANTIATE(Type) \
  template Status decode_ros1_into<Type>(std::span<const std::uint8_t>, Type&);
PARITY_ROS2_FOR_EACH_TYPED_MESSAGE(PARITY_INSTANTIATE)
#undef PARITY_INSTANTIATE
// NOLINTEND(bugprone-macro-parentheses)

}  // namespace parity::ros2
