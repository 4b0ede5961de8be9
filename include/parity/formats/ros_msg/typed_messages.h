// Plain C++ structs for the ROS 2 messages Parity's feature extractors read, with
//   - extract<T>(const Value&): from a decoded tree (any wire encoding, see message_decoder.h);
//   - decode_cdr_as<T>(bytes) and decode_cdr_into(bytes, out): straight from CDR without
//     building a tree (the fast path for 1 kHz joint and IMU streams; decode_cdr_into reuses
//     `out`'s buffers and does not allocate per message);
//   - encode_cdr<T>() in cdr_writer.h for the reverse.
// Field names and order follow the ROS 2 interface definitions (common_interfaces,
// geometry2, rcl_interfaces); ros2msg_definition() (msg_definitions.h) gives their .msg text.
// Every std_msgs/Header is flattened to {stamp_ns, frame_id}: stamp_ns = sec * 1e9 + nanosec.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {

// ---------------------------------------------------------------- std_msgs, builtin_interfaces

struct Header {
  std::int64_t stamp_ns = 0;  // builtin_interfaces/Time as nanoseconds since the epoch
  std::string frame_id;
  friend bool operator==(const Header&, const Header&) = default;
};

struct String {
  std::string data;
  friend bool operator==(const String&, const String&) = default;
};
struct Bool {
  bool data = false;
  friend bool operator==(const Bool&, const Bool&) = default;
};
struct Float32 {
  float data = 0;
  friend bool operator==(const Float32&, const Float32&) = default;
};
struct Float64 {
  double data = 0;
  friend bool operator==(const Float64&, const Float64&) = default;
};
struct Int8 {
  std::int8_t data = 0;
  friend bool operator==(const Int8&, const Int8&) = default;
};
struct Int16 {
  std::int16_t data = 0;
  friend bool operator==(const Int16&, const Int16&) = default;
};
struct Int32 {
  std::int32_t data = 0;
  friend bool operator==(const Int32&, const Int32&) = default;
};
struct Int64 {
  std::int64_t data = 0;
  friend bool operator==(const Int64&, const Int64&) = default;
};
struct UInt8 {
  std::uint8_t data = 0;
  friend bool operator==(const UInt8&, const UInt8&) = default;
};
struct UInt16 {
  std::uint16_t data = 0;
  friend bool operator==(const UInt16&, const UInt16&) = default;
};
struct UInt32 {
  std::uint32_t data = 0;
  friend bool operator==(const UInt32&, const UInt32&) = default;
};
struct UInt64 {
  std::uint64_t data = 0;
  friend bool operator==(const UInt64&, const UInt64&) = default;
};

// ---------------------------------------------------------------------------- geometry_msgs

struct Vector3 {
  double x = 0, y = 0, z = 0;
  friend bool operator==(const Vector3&, const Vector3&) = default;
};
struct Point {
  double x = 0, y = 0, z = 0;  // m
  friend bool operator==(const Point&, const Point&) = default;
};
struct Quaternion {
  double x = 0, y = 0, z = 0, w = 1;
  friend bool operator==(const Quaternion&, const Quaternion&) = default;
};
struct Pose {
  Point position;
  Quaternion orientation;
  friend bool operator==(const Pose&, const Pose&) = default;
};
struct PoseStamped {
  Header header;
  Pose pose;
  friend bool operator==(const PoseStamped&, const PoseStamped&) = default;
};
struct PoseWithCovariance {
  Pose pose;
  std::array<double, 36> covariance{};  // row-major 6x6 over (x, y, z, rot x, rot y, rot z)
  friend bool operator==(const PoseWithCovariance&, const PoseWithCovariance&) = default;
};
struct PoseWithCovarianceStamped {
  Header header;
  PoseWithCovariance pose;
  friend bool operator==(const PoseWithCovarianceStamped&,
                         const PoseWithCovarianceStamped&) = default;
};
struct Twist {
  Vector3 linear;   // m/s
  Vector3 angular;  // rad/s
  friend bool operator==(const Twist&, const Twist&) = default;
};
struct TwistStamped {
  Header header;
  Twist twist;
  friend bool operator==(const TwistStamped&, const TwistStamped&) = default;
};
struct TwistWithCovariance {
  Twist twist;
  std::array<double, 36> covariance{};
  friend bool operator==(const TwistWithCovariance&, const TwistWithCovariance&) = default;
};
struct TwistWithCovarianceStamped {
  Header header;
  TwistWithCovariance twist;
  friend bool operator==(const TwistWithCovarianceStamped&,
                         const TwistWithCovarianceStamped&) = default;
};
struct Transform {
  Vector3 translation;  // m
  Quaternion rotation;
  friend bool operator==(const Transform&, const Transform&) = default;
};
struct TransformStamped {
  Header header;
  std::string child_frame_id;
  Transform transform;
  friend bool operator==(const TransformStamped&, const TransformStamped&) = default;
};

// --------------------------------------------------------------------------- tf2, nav_msgs

struct TFMessage {
  std::vector<TransformStamped> transforms;
  friend bool operator==(const TFMessage&, const TFMessage&) = default;
};

struct Odometry {
  Header header;
  std::string child_frame_id;
  PoseWithCovariance pose;
  TwistWithCovariance twist;
  friend bool operator==(const Odometry&, const Odometry&) = default;
};

// ------------------------------------------------------------------------------ sensor_msgs

struct Image {
  Header header;
  std::uint32_t height = 0;  // rows, pixels
  std::uint32_t width = 0;   // columns, pixels
  std::string encoding;      // "rgb8", "mono16", "bayer_rggb8", ...
  std::uint8_t is_bigendian = 0;
  std::uint32_t step = 0;  // row length in bytes
  std::vector<std::uint8_t> data;
  friend bool operator==(const Image&, const Image&) = default;
};

struct CompressedImage {
  Header header;
  std::string format;  // "jpeg", "png", "rgb8; jpeg compressed bgr8", ...
  std::vector<std::uint8_t> data;
  friend bool operator==(const CompressedImage&, const CompressedImage&) = default;
};

struct RegionOfInterest {
  std::uint32_t x_offset = 0, y_offset = 0, height = 0, width = 0;
  bool do_rectify = false;
  friend bool operator==(const RegionOfInterest&, const RegionOfInterest&) = default;
};

struct CameraInfo {
  Header header;
  std::uint32_t height = 0, width = 0;
  std::string distortion_model;
  std::vector<double> d;
  std::array<double, 9> k{};
  std::array<double, 9> r{};
  std::array<double, 12> p{};
  std::uint32_t binning_x = 0, binning_y = 0;
  RegionOfInterest roi;
  friend bool operator==(const CameraInfo&, const CameraInfo&) = default;
};

struct JointState {
  Header header;
  std::vector<std::string> name;
  std::vector<double> position;  // rad or m
  std::vector<double> velocity;  // rad/s or m/s
  std::vector<double> effort;    // N·m or N
  friend bool operator==(const JointState&, const JointState&) = default;
};

struct Imu {
  Header header;
  Quaternion orientation;
  std::array<double, 9> orientation_covariance{};
  Vector3 angular_velocity;  // rad/s
  std::array<double, 9> angular_velocity_covariance{};
  Vector3 linear_acceleration;  // m/s^2
  std::array<double, 9> linear_acceleration_covariance{};
  friend bool operator==(const Imu&, const Imu&) = default;
};

struct PointField {
  static constexpr std::uint8_t kInt8 = 1;
  static constexpr std::uint8_t kUint8 = 2;
  static constexpr std::uint8_t kInt16 = 3;
  static constexpr std::uint8_t kUint16 = 4;
  static constexpr std::uint8_t kInt32 = 5;
  static constexpr std::uint8_t kUint32 = 6;
  static constexpr std::uint8_t kFloat32 = 7;
  static constexpr std::uint8_t kFloat64 = 8;

  std::string name;
  std::uint32_t offset = 0;  // bytes from the start of a point
  std::uint8_t datatype = 0;
  std::uint32_t count = 0;  // elements in the field
  friend bool operator==(const PointField&, const PointField&) = default;
};

// Size in bytes of a PointField datatype; 0 for an unknown datatype.
std::uint32_t point_field_size(std::uint8_t datatype);

struct PointCloud2 {
  Header header;
  std::uint32_t height = 0;
  std::uint32_t width = 0;
  std::vector<PointField> fields;
  bool is_bigendian = false;
  std::uint32_t point_step = 0;  // bytes per point
  std::uint32_t row_step = 0;    // bytes per row
  std::vector<std::uint8_t> data;
  bool is_dense = false;
  friend bool operator==(const PointCloud2&, const PointCloud2&) = default;
};

// Reads one numeric field (e.g. "x") of every point of a PointCloud2, honouring the field's
// offset and datatype, is_bigendian, point_step and row_step. Holds a pointer to the cloud:
// valid while the cloud is alive and unmodified.
class PointFieldReader {
 public:
  // Errors: kNotFound (no field `name`; the message lists the fields), kCorrupt (unknown
  // datatype, count 0, the field runs past point_step, row_step < width * point_step, or
  // data shorter than (height - 1) * row_step + width * point_step).
  static Result<PointFieldReader> create(const PointCloud2& cloud, std::string_view name);

  std::size_t size() const { return width_ * height_; }  // number of points
  // Value of the field's first element at point `index`, converted to double.
  // Precondition: index < size().
  double at(std::size_t index) const;

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t width_ = 0, height_ = 0, point_step_ = 0, row_step_ = 0, offset_ = 0;
  std::uint8_t datatype_ = 0;
  bool big_endian_ = false;
};

// The x, y, z float coordinates of every point (in row-major point order).
// Errors: those of PointFieldReader::create() for "x", "y" and "z".
Result<std::vector<std::array<float, 3>>> read_xyz(const PointCloud2& cloud);

struct LaserScan {
  Header header;
  float angle_min = 0;        // rad
  float angle_max = 0;        // rad
  float angle_increment = 0;  // rad
  float time_increment = 0;   // s
  float scan_time = 0;        // s
  float range_min = 0;        // m
  float range_max = 0;        // m
  std::vector<float> ranges;  // m
  std::vector<float> intensities;
  friend bool operator==(const LaserScan&, const LaserScan&) = default;
};

struct NavSatStatus {
  static constexpr std::int8_t kStatusNoFix = -1;
  static constexpr std::int8_t kStatusFix = 0;
  static constexpr std::int8_t kStatusSbasFix = 1;
  static constexpr std::int8_t kStatusGbasFix = 2;
  static constexpr std::uint16_t kServiceGps = 1;
  static constexpr std::uint16_t kServiceGlonass = 2;
  static constexpr std::uint16_t kServiceCompass = 4;
  static constexpr std::uint16_t kServiceGalileo = 8;

  std::int8_t status = 0;
  std::uint16_t service = 0;
  friend bool operator==(const NavSatStatus&, const NavSatStatus&) = default;
};

struct NavSatFix {
  static constexpr std::uint8_t kCovarianceTypeUnknown = 0;
  static constexpr std::uint8_t kCovarianceTypeApproximated = 1;
  static constexpr std::uint8_t kCovarianceTypeDiagonalKnown = 2;
  static constexpr std::uint8_t kCovarianceTypeKnown = 3;

  Header header;
  NavSatStatus status;
  double latitude = 0;                          // degrees
  double longitude = 0;                         // degrees
  double altitude = 0;                          // m above the WGS 84 ellipsoid
  std::array<double, 9> position_covariance{};  // m^2, ENU
  std::uint8_t position_covariance_type = 0;
  friend bool operator==(const NavSatFix&, const NavSatFix&) = default;
};

struct MagneticField {
  Header header;
  Vector3 magnetic_field;  // T
  std::array<double, 9> magnetic_field_covariance{};
  friend bool operator==(const MagneticField&, const MagneticField&) = default;
};

// ------------------------------------------------------------------------------ the traits

// The ROS 2 full type name of a typed struct: MessageTraits<Imu>::kTypeName ==
// "sensor_msgs/msg/Imu". Specialised for every struct above.
template <typename T>
struct MessageTraits;

template <typename T>
concept TypedMessage = requires {
  MessageTraits<T>::kTypeName;
};

#define PARITY_ROS2_MESSAGE_TRAITS(Type, name)          \
  template <>                                           \
  struct MessageTraits<Type> {                          \
    static constexpr std::string_view kTypeName = name; \
  }

PARITY_ROS2_MESSAGE_TRAITS(Header, "std_msgs/msg/Header");
PARITY_ROS2_MESSAGE_TRAITS(String, "std_msgs/msg/String");
PARITY_ROS2_MESSAGE_TRAITS(Bool, "std_msgs/msg/Bool");
PARITY_ROS2_MESSAGE_TRAITS(Float32, "std_msgs/msg/Float32");
PARITY_ROS2_MESSAGE_TRAITS(Float64, "std_msgs/msg/Float64");
PARITY_ROS2_MESSAGE_TRAITS(Int8, "std_msgs/msg/Int8");
PARITY_ROS2_MESSAGE_TRAITS(Int16, "std_msgs/msg/Int16");
PARITY_ROS2_MESSAGE_TRAITS(Int32, "std_msgs/msg/Int32");
PARITY_ROS2_MESSAGE_TRAITS(Int64, "std_msgs/msg/Int64");
PARITY_ROS2_MESSAGE_TRAITS(UInt8, "std_msgs/msg/UInt8");
PARITY_ROS2_MESSAGE_TRAITS(UInt16, "std_msgs/msg/UInt16");
PARITY_ROS2_MESSAGE_TRAITS(UInt32, "std_msgs/msg/UInt32");
PARITY_ROS2_MESSAGE_TRAITS(UInt64, "std_msgs/msg/UInt64");
PARITY_ROS2_MESSAGE_TRAITS(Vector3, "geometry_msgs/msg/Vector3");
PARITY_ROS2_MESSAGE_TRAITS(Point, "geometry_msgs/msg/Point");
PARITY_ROS2_MESSAGE_TRAITS(Quaternion, "geometry_msgs/msg/Quaternion");
PARITY_ROS2_MESSAGE_TRAITS(Pose, "geometry_msgs/msg/Pose");
PARITY_ROS2_MESSAGE_TRAITS(PoseStamped, "geometry_msgs/msg/PoseStamped");
PARITY_ROS2_MESSAGE_TRAITS(PoseWithCovariance, "geometry_msgs/msg/PoseWithCovariance");
PARITY_ROS2_MESSAGE_TRAITS(PoseWithCovarianceStamped,
                           "geometry_msgs/msg/PoseWithCovarianceStamped");
PARITY_ROS2_MESSAGE_TRAITS(Twist, "geometry_msgs/msg/Twist");
PARITY_ROS2_MESSAGE_TRAITS(TwistStamped, "geometry_msgs/msg/TwistStamped");
PARITY_ROS2_MESSAGE_TRAITS(TwistWithCovariance, "geometry_msgs/msg/TwistWithCovariance");
PARITY_ROS2_MESSAGE_TRAITS(TwistWithCovarianceStamped,
                           "geometry_msgs/msg/TwistWithCovarianceStamped");
PARITY_ROS2_MESSAGE_TRAITS(Transform, "geometry_msgs/msg/Transform");
PARITY_ROS2_MESSAGE_TRAITS(TransformStamped, "geometry_msgs/msg/TransformStamped");
PARITY_ROS2_MESSAGE_TRAITS(TFMessage, "tf2_msgs/msg/TFMessage");
PARITY_ROS2_MESSAGE_TRAITS(Odometry, "nav_msgs/msg/Odometry");
PARITY_ROS2_MESSAGE_TRAITS(Image, "sensor_msgs/msg/Image");
PARITY_ROS2_MESSAGE_TRAITS(CompressedImage, "sensor_msgs/msg/CompressedImage");
PARITY_ROS2_MESSAGE_TRAITS(RegionOfInterest, "sensor_msgs/msg/RegionOfInterest");
PARITY_ROS2_MESSAGE_TRAITS(CameraInfo, "sensor_msgs/msg/CameraInfo");
PARITY_ROS2_MESSAGE_TRAITS(JointState, "sensor_msgs/msg/JointState");
PARITY_ROS2_MESSAGE_TRAITS(Imu, "sensor_msgs/msg/Imu");
PARITY_ROS2_MESSAGE_TRAITS(PointField, "sensor_msgs/msg/PointField");
PARITY_ROS2_MESSAGE_TRAITS(PointCloud2, "sensor_msgs/msg/PointCloud2");
PARITY_ROS2_MESSAGE_TRAITS(LaserScan, "sensor_msgs/msg/LaserScan");
PARITY_ROS2_MESSAGE_TRAITS(NavSatStatus, "sensor_msgs/msg/NavSatStatus");
PARITY_ROS2_MESSAGE_TRAITS(NavSatFix, "sensor_msgs/msg/NavSatFix");
PARITY_ROS2_MESSAGE_TRAITS(MagneticField, "sensor_msgs/msg/MagneticField");

#undef PARITY_ROS2_MESSAGE_TRAITS

// ---------------------------------------------------------------------------- the functions

// Reads a T from a decoded tree (CDR, JSON or ROS 1: a ROS 1 Header's `seq` is ignored, its
// stamp {secs, nsecs} read like {sec, nanosec}, and CameraInfo's D, K, R, P match d, k, r, p).
// Numbers convert between int/uint/double when the value fits
// the field exactly (a JSON 5 fills a float64, 5.0 an int32); uint8[] fields accept Bytes or an
// Array of integers 0..255.
// Errors: kInvalidArgument "<type>: field '<path>': <what>" when a field is missing, has the
// wrong kind, is out of range for its type, or a fixed-size array has the wrong length.
template <TypedMessage T>
Result<T> extract(const Value& value);

// Decodes a T straight from CDR bytes into `out` (same layout rules and errors as decode_cdr()
// with T's schema, without building a tree). The caller must know the bytes hold a T.
// Every member of `out` is overwritten: on success `out` equals decode_cdr_as<T>(data) whatever
// it held before (a shorter sequence leaves no stale elements). Strings and vectors are
// assigned or resized in place, so their capacity is reused (also that of each string of a
// std::vector<std::string>): once `out` has decoded a message of the same shape (same sequence
// lengths, strings no longer), decoding another allocates nothing. Meant for loops over
// millions of 1 kHz JointState / Imu messages with one reused object.
// Errors: kTruncated / kCorrupt / kUnsupported, "<type>: field '<path>': offset <n>: <what>" (or
// "<type>: offset 0: ..." for the encapsulation header), with the codes and field paths of
// decode_cdr(). On error `out` is valid but holds an unspecified mix of old and new values.
template <TypedMessage T>
Status decode_cdr_into(std::span<const std::uint8_t> data, T& out);

// Decodes a fresh T: decode_cdr_into() into a value-initialised T. Same errors.
template <TypedMessage T>
Result<T> decode_cdr_as(std::span<const std::uint8_t> data) {
  T message{};
  Status status = decode_cdr_into(data, message);
  if (!status.ok()) return status;
  return message;
}

inline Result<Header> extract_header(const Value& v) {
  return extract<Header>(v);
}
inline Result<String> extract_string(const Value& v) {
  return extract<String>(v);
}
inline Result<Bool> extract_bool(const Value& v) {
  return extract<Bool>(v);
}
inline Result<Float32> extract_float32(const Value& v) {
  return extract<Float32>(v);
}
inline Result<Float64> extract_float64(const Value& v) {
  return extract<Float64>(v);
}
inline Result<Int8> extract_int8(const Value& v) {
  return extract<Int8>(v);
}
inline Result<Int16> extract_int16(const Value& v) {
  return extract<Int16>(v);
}
inline Result<Int32> extract_int32(const Value& v) {
  return extract<Int32>(v);
}
inline Result<Int64> extract_int64(const Value& v) {
  return extract<Int64>(v);
}
inline Result<UInt8> extract_uint8(const Value& v) {
  return extract<UInt8>(v);
}
inline Result<UInt16> extract_uint16(const Value& v) {
  return extract<UInt16>(v);
}
inline Result<UInt32> extract_uint32(const Value& v) {
  return extract<UInt32>(v);
}
inline Result<UInt64> extract_uint64(const Value& v) {
  return extract<UInt64>(v);
}
inline Result<Vector3> extract_vector3(const Value& v) {
  return extract<Vector3>(v);
}
inline Result<Point> extract_point(const Value& v) {
  return extract<Point>(v);
}
inline Result<Quaternion> extract_quaternion(const Value& v) {
  return extract<Quaternion>(v);
}
inline Result<Pose> extract_pose(const Value& v) {
  return extract<Pose>(v);
}
inline Result<PoseStamped> extract_pose_stamped(const Value& v) {
  return extract<PoseStamped>(v);
}
inline Result<PoseWithCovariance> extract_pose_with_covariance(const Value& v) {
  return extract<PoseWithCovariance>(v);
}
inline Result<PoseWithCovarianceStamped> extract_pose_with_covariance_stamped(const Value& v) {
  return extract<PoseWithCovarianceStamped>(v);
}
inline Result<Twist> extract_twist(const Value& v) {
  return extract<Twist>(v);
}
inline Result<TwistStamped> extract_twist_stamped(const Value& v) {
  return extract<TwistStamped>(v);
}
inline Result<TwistWithCovariance> extract_twist_with_covariance(const Value& v) {
  return extract<TwistWithCovariance>(v);
}
inline Result<TwistWithCovarianceStamped> extract_twist_with_covariance_stamped(const Value& v) {
  return extract<TwistWithCovarianceStamped>(v);
}
inline Result<Transform> extract_transform(const Value& v) {
  return extract<Transform>(v);
}
inline Result<TransformStamped> extract_transform_stamped(const Value& v) {
  return extract<TransformStamped>(v);
}
inline Result<TFMessage> extract_tf_message(const Value& v) {
  return extract<TFMessage>(v);
}
inline Result<Odometry> extract_odometry(const Value& v) {
  return extract<Odometry>(v);
}
inline Result<Image> extract_image(const Value& v) {
  return extract<Image>(v);
}
inline Result<CompressedImage> extract_compressed_image(const Value& v) {
  return extract<CompressedImage>(v);
}
inline Result<CameraInfo> extract_camera_info(const Value& v) {
  return extract<CameraInfo>(v);
}
inline Result<JointState> extract_joint_state(const Value& v) {
  return extract<JointState>(v);
}
inline Result<Imu> extract_imu(const Value& v) {
  return extract<Imu>(v);
}
inline Result<PointCloud2> extract_point_cloud2(const Value& v) {
  return extract<PointCloud2>(v);
}
inline Result<LaserScan> extract_laser_scan(const Value& v) {
  return extract<LaserScan>(v);
}
inline Result<NavSatFix> extract_nav_sat_fix(const Value& v) {
  return extract<NavSatFix>(v);
}
inline Result<MagneticField> extract_magnetic_field(const Value& v) {
  return extract<MagneticField>(v);
}

}  // namespace parity::ros2
