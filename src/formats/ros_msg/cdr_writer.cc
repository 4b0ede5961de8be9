#include "parity/formats/ros_msg/cdr_writer.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "formats/ros_msg/typed_fields.h"

namespace parity::ros2 {

CdrWriter::CdrWriter(std::size_t reserve_bytes)
    : buffer_(std::max<std::size_t>(reserve_bytes, 16)) {
  reset();
}

void CdrWriter::reset() {
  // Encapsulation header: CDR_LE, options 0 (DDS-RTPS 2.5 section 10.2).
  buffer_[0] = 0x00;
  buffer_[1] = 0x01;
  buffer_[2] = 0x00;
  buffer_[3] = 0x00;
  size_ = kHeaderSize;
}

void CdrWriter::grow(std::size_t extra) {
  buffer_.resize(std::max(buffer_.size() * 2, size_ + extra));
}

void CdrWriter::align(std::size_t alignment) {
  const std::size_t body = size_ - kHeaderSize;
  const std::size_t padding = (alignment - body % alignment) % alignment;
  if (padding == 0) return;
  if (size_ + padding > buffer_.size()) grow(padding);
  std::memset(buffer_.data() + size_, 0, padding);
  size_ += padding;
}

void CdrWriter::write_count(std::size_t count) {
  PARITY_CHECK_MSG(count <= std::numeric_limits<std::uint32_t>::max(),
                   "CDR sequence longer than UINT32_MAX elements");
  write_u32(static_cast<std::uint32_t>(count));
}

void CdrWriter::write_string(std::string_view s) {
  write_count(s.size() + 1);
  put(s.data(), s.size());
  const std::uint8_t nul = 0;
  put(&nul, 1);
}

void CdrWriter::write_f64_array(std::span<const double> values) {
  if (values.empty()) return;
  align(8);
  put(values.data(), values.size_bytes());
}

void CdrWriter::write_f32_array(std::span<const float> values) {
  if (values.empty()) return;
  align(4);
  put(values.data(), values.size_bytes());
}

std::span<const std::uint8_t> CdrWriter::finish_view() {
  align(4);
  return {buffer_.data(), size_};
}

std::vector<std::uint8_t> CdrWriter::finish() {
  const std::span<const std::uint8_t> bytes = finish_view();
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  reset();
  return out;
}

namespace {

static_assert(std::endian::native == std::endian::little,
              "CdrWriter copies host-order values: it needs a little-endian host");

class CdrWriteArchive {
 public:
  explicit CdrWriteArchive(CdrWriter& writer) : w_(writer) {}

  template <typename T>
  void field(const char* /*name*/, const T& member) {
    write(member);
  }

  void stamp(const char* /*name*/, const std::int64_t& stamp_ns) {
    constexpr std::int64_t kMinSec = std::numeric_limits<std::int32_t>::min();
    constexpr std::int64_t kMaxSec = std::numeric_limits<std::int32_t>::max();
    std::int64_t sec = stamp_ns / kNsPerSecond;
    std::int64_t nanosec = stamp_ns % kNsPerSecond;
    if (nanosec < 0) {
      nanosec += kNsPerSecond;
      --sec;
    }
    if (sec < kMinSec) {
      sec = kMinSec;
      nanosec = 0;
    } else if (sec > kMaxSec) {
      sec = kMaxSec;
      nanosec = kNsPerSecond - 1;
    }
    w_.write_i32(static_cast<std::int32_t>(sec));
    w_.write_u32(static_cast<std::uint32_t>(nanosec));
  }

 private:
  template <typename T>
  void write(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      w_.write_bool(value);
    } else if constexpr (std::is_same_v<T, std::uint8_t>) {
      w_.write_u8(value);
    } else if constexpr (std::is_same_v<T, std::int8_t>) {
      w_.write_i8(value);
    } else if constexpr (std::is_same_v<T, std::uint16_t>) {
      w_.write_u16(value);
    } else if constexpr (std::is_same_v<T, std::int16_t>) {
      w_.write_i16(value);
    } else if constexpr (std::is_same_v<T, std::uint32_t>) {
      w_.write_u32(value);
    } else if constexpr (std::is_same_v<T, std::int32_t>) {
      w_.write_i32(value);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
      w_.write_u64(value);
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      w_.write_i64(value);
    } else if constexpr (std::is_same_v<T, float>) {
      w_.write_f32(value);
    } else if constexpr (std::is_same_v<T, double>) {
      w_.write_f64(value);
    } else if constexpr (std::is_same_v<T, std::string>) {
      w_.write_string(value);
    } else if constexpr (IsVector<T>::value) {
      w_.write_count(value.size());
      write_elements(std::span(value.data(), value.size()));
    } else if constexpr (IsStdArray<T>::value) {
      write_elements(std::span(value.data(), value.size()));
    } else {
      visit_fields(*this, value);
    }
  }

  template <typename E>
  void write_elements(std::span<const E> elements) {
    if constexpr (std::is_same_v<E, std::uint8_t>) {
      w_.write_raw(elements);
    } else if constexpr (std::is_same_v<E, double>) {
      w_.write_f64_array(elements);
    } else if constexpr (std::is_same_v<E, float>) {
      w_.write_f32_array(elements);
    } else {
      for (const E& element : elements) write(element);
    }
  }

  CdrWriter& w_;
};

}  // namespace

template <TypedMessage T>
void encode_fields(CdrWriter& writer, const T& message) {
  CdrWriteArchive archive(writer);
  visit_fields(archive, message);
}

template <TypedMessage T>
std::span<const std::uint8_t> encode_cdr(CdrWriter& writer, const T& message) {
  writer.reset();
  encode_fields(writer, message);
  return writer.finish_view();
}

template <TypedMessage T>
std::vector<std::uint8_t> encode_cdr(const T& message) {
  CdrWriter writer(256);
  encode_fields(writer, message);
  return writer.finish();
}

#define PARITY_INSTANTIATE(Type)                                                    \
  template void encode_fields<Type>(CdrWriter&, const Type&);                       \
  template std::span<const std::uint8_t> encode_cdr<Type>(CdrWriter&, const Type&); \
  template std::vector<std::uint8_t> encode_cdr<Type>(const Type&);
PARITY_ROS2_FOR_EACH_TYPED_MESSAGE(PARITY_INSTANTIATE)
#undef PARITY_INSTANTIATE

}  // namespace parity::ros2
