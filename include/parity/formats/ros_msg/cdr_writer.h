// CdrWriter: little-endian plain CDR (XCDR1) serialization, and encode_cdr() for the typed
// messages of typed_messages.h. The output is what rmw_fastrtps / rmw_cyclonedds put into a
// rosbag2 MCAP (layout rules in cdr_decoder.h): header `00 01 00 00`, alignment counted from
// the byte after the header, and the message padded with zeros to a multiple of 4 bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {

class CdrWriter {
 public:
  // Starts a message: writes the encapsulation header. `reserve_bytes` pre-sizes the buffer.
  explicit CdrWriter(std::size_t reserve_bytes = 256);

  // Discards the message and starts a new one, keeping the buffer's capacity (so a loop that
  // encodes millions of messages does not allocate per message).
  void reset();

  void write_bool(bool v) { write_u8(v ? 1 : 0); }
  void write_u8(std::uint8_t v) { put(&v, 1); }
  void write_i8(std::int8_t v) { put(&v, 1); }
  void write_u16(std::uint16_t v) { aligned_put(&v, 2); }
  void write_i16(std::int16_t v) { aligned_put(&v, 2); }
  void write_u32(std::uint32_t v) { aligned_put(&v, 4); }
  void write_i32(std::int32_t v) { aligned_put(&v, 4); }
  void write_u64(std::uint64_t v) { aligned_put(&v, 8); }
  void write_i64(std::int64_t v) { aligned_put(&v, 8); }
  void write_f32(float v) { aligned_put(&v, 4); }
  void write_f64(double v) { aligned_put(&v, 8); }
  // u32 length (bytes + 1), the bytes, a NUL.
  void write_string(std::string_view s);
  // A sequence count (u32). Precondition: count <= UINT32_MAX.
  void write_count(std::size_t count);
  // Raw bytes without a count (the elements of a uint8[] after write_count, or a uint8[N]).
  void write_raw(std::span<const std::uint8_t> bytes) { put(bytes.data(), bytes.size()); }
  // Arrays of 8-byte / 4-byte values without a count: one alignment, then a bulk copy.
  void write_f64_array(std::span<const double> values);
  void write_f32_array(std::span<const float> values);
  // Pads with zeros to a multiple of `alignment` (1, 2, 4 or 8) counted after the header.
  void align(std::size_t alignment);

  // Bytes written so far, header included (the message is not yet padded to 4 bytes).
  std::span<const std::uint8_t> data() const { return {buffer_.data(), size_}; }
  std::size_t size() const { return size_; }

  // Pads the message to a multiple of 4 bytes and returns it (the writer is then reset).
  std::vector<std::uint8_t> finish();
  // Pads the message to a multiple of 4 bytes and returns a view valid until the next call on
  // this writer.
  std::span<const std::uint8_t> finish_view();

 private:
  static constexpr std::size_t kHeaderSize = 4;

  void grow(std::size_t extra);
  void put(const void* bytes, std::size_t n) {
    if (n == 0) return;  // an empty span's data() may be null, which memcpy must not get
    if (size_ + n > buffer_.size()) grow(n);
    std::memcpy(buffer_.data() + size_, bytes, n);
    size_ += n;
  }
  void aligned_put(const void* bytes, std::size_t n) {
    align(n);
    put(bytes, n);
  }

  std::vector<std::uint8_t> buffer_;  // capacity in use; bytes past size_ are scratch
  std::size_t size_ = 0;
};

// Appends the fields of `message` to `writer` (no header, no final padding: for nesting).
template <TypedMessage T>
void encode_fields(CdrWriter& writer, const T& message);

// One complete CDR message (header, fields, padding to 4 bytes). Header stamps are written as
// builtin_interfaces/Time {sec = floor(stamp_ns / 1e9), nanosec = the rest}; seconds outside
// the int32 range (before 1901 or after 2038) are clamped to it.
template <TypedMessage T>
std::vector<std::uint8_t> encode_cdr(const T& message);

// Encodes into a reused writer: writer.reset(), the fields, then finish_view(). The view is
// valid until the writer is next used. No allocation once the writer's buffer is large enough.
template <TypedMessage T>
std::span<const std::uint8_t> encode_cdr(CdrWriter& writer, const T& message);

inline std::vector<std::uint8_t> encode_header(const Header& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_string(const String& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_float32(const Float32& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_float64(const Float64& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_joint_state(const JointState& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_imu(const Imu& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_image(const Image& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_compressed_image(const CompressedImage& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_odometry(const Odometry& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_pose_stamped(const PoseStamped& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_tf_message(const TFMessage& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_point_cloud2(const PointCloud2& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_camera_info(const CameraInfo& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_laser_scan(const LaserScan& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_nav_sat_fix(const NavSatFix& m) {
  return encode_cdr(m);
}
inline std::vector<std::uint8_t> encode_magnetic_field(const MagneticField& m) {
  return encode_cdr(m);
}

}  // namespace parity::ros2
