// The wire-order field list of every typed message, written once and used by three
// "archives": CDR reading (typed_messages.cc), Value extraction (typed_messages.cc) and CDR
// writing (cdr_writer.cc). An archive provides
//   template <class T> void field(const char* name, T& member);   // T may be const
//   void stamp(const char* name, std::int64_t& stamp_ns);          // builtin_interfaces/Time
// and recurses into nested messages by calling visit_fields() again. Private to formats.
#pragma once

#include <concepts>
#include <type_traits>

#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

template <typename M, typename T>
concept MessageRef = std::same_as<std::remove_const_t<M>, T>;

// The field list of each type; the order is the wire order of the ROS 2 definition.
#define PARITY_ROS2_FIELDS(Type)         \
  template <class A, MessageRef<Type> M> \
  void visit_fields(A& a, M& m)

PARITY_ROS2_FIELDS(Header) {
  a.stamp("stamp", m.stamp_ns);
  a.field("frame_id", m.frame_id);
}
PARITY_ROS2_FIELDS(String) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Bool) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Float32) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Float64) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Int8) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Int16) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Int32) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Int64) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(UInt8) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(UInt16) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(UInt32) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(UInt64) {
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(Vector3) {
  a.field("x", m.x);
  a.field("y", m.y);
  a.field("z", m.z);
}
PARITY_ROS2_FIELDS(Point) {
  a.field("x", m.x);
  a.field("y", m.y);
  a.field("z", m.z);
}
PARITY_ROS2_FIELDS(Quaternion) {
  a.field("x", m.x);
  a.field("y", m.y);
  a.field("z", m.z);
  a.field("w", m.w);
}
PARITY_ROS2_FIELDS(Pose) {
  a.field("position", m.position);
  a.field("orientation", m.orientation);
}
PARITY_ROS2_FIELDS(PoseStamped) {
  a.field("header", m.header);
  a.field("pose", m.pose);
}
PARITY_ROS2_FIELDS(PoseWithCovariance) {
  a.field("pose", m.pose);
  a.field("covariance", m.covariance);
}
PARITY_ROS2_FIELDS(PoseWithCovarianceStamped) {
  a.field("header", m.header);
  a.field("pose", m.pose);
}
PARITY_ROS2_FIELDS(Twist) {
  a.field("linear", m.linear);
  a.field("angular", m.angular);
}
PARITY_ROS2_FIELDS(TwistStamped) {
  a.field("header", m.header);
  a.field("twist", m.twist);
}
PARITY_ROS2_FIELDS(TwistWithCovariance) {
  a.field("twist", m.twist);
  a.field("covariance", m.covariance);
}
PARITY_ROS2_FIELDS(TwistWithCovarianceStamped) {
  a.field("header", m.header);
  a.field("twist", m.twist);
}
PARITY_ROS2_FIELDS(Transform) {
  a.field("translation", m.translation);
  a.field("rotation", m.rotation);
}
PARITY_ROS2_FIELDS(TransformStamped) {
  a.field("header", m.header);
  a.field("child_frame_id", m.child_frame_id);
  a.field("transform", m.transform);
}
PARITY_ROS2_FIELDS(TFMessage) {
  a.field("transforms", m.transforms);
}
PARITY_ROS2_FIELDS(Odometry) {
  a.field("header", m.header);
  a.field("child_frame_id", m.child_frame_id);
  a.field("pose", m.pose);
  a.field("twist", m.twist);
}
PARITY_ROS2_FIELDS(Image) {
  a.field("header", m.header);
  a.field("height", m.height);
  a.field("width", m.width);
  a.field("encoding", m.encoding);
  a.field("is_bigendian", m.is_bigendian);
  a.field("step", m.step);
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(CompressedImage) {
  a.field("header", m.header);
  a.field("format", m.format);
  a.field("data", m.data);
}
PARITY_ROS2_FIELDS(RegionOfInterest) {
  a.field("x_offset", m.x_offset);
  a.field("y_offset", m.y_offset);
  a.field("height", m.height);
  a.field("width", m.width);
  a.field("do_rectify", m.do_rectify);
}
PARITY_ROS2_FIELDS(CameraInfo) {
  a.field("header", m.header);
  a.field("height", m.height);
  a.field("width", m.width);
  a.field("distortion_model", m.distortion_model);
  a.field("d", m.d);
  a.field("k", m.k);
  a.field("r", m.r);
  a.field("p", m.p);
  a.field("binning_x", m.binning_x);
  a.field("binning_y", m.binning_y);
  a.field("roi", m.roi);
}
PARITY_ROS2_FIELDS(JointState) {
  a.field("header", m.header);
  a.field("name", m.name);
  a.field("position", m.position);
  a.field("velocity", m.velocity);
  a.field("effort", m.effort);
}
PARITY_ROS2_FIELDS(Imu) {
  a.field("header", m.header);
  a.field("orientation", m.orientation);
  a.field("orientation_covariance", m.orientation_covariance);
  a.field("angular_velocity", m.angular_velocity);
  a.field("angular_velocity_covariance", m.angular_velocity_covariance);
  a.field("linear_acceleration", m.linear_acceleration);
  a.field("linear_acceleration_covariance", m.linear_acceleration_covariance);
}
PARITY_ROS2_FIELDS(PointField) {
  a.field("name", m.name);
  a.field("offset", m.offset);
  a.field("datatype", m.datatype);
  a.field("count", m.count);
}
PARITY_ROS2_FIELDS(PointCloud2) {
  a.field("header", m.header);
  a.field("height", m.height);
  a.field("width", m.width);
  a.field("fields", m.fields);
  a.field("is_bigendian", m.is_bigendian);
  a.field("point_step", m.point_step);
  a.field("row_step", m.row_step);
  a.field("data", m.data);
  a.field("is_dense", m.is_dense);
}
PARITY_ROS2_FIELDS(LaserScan) {
  a.field("header", m.header);
  a.field("angle_min", m.angle_min);
  a.field("angle_max", m.angle_max);
  a.field("angle_increment", m.angle_increment);
  a.field("time_increment", m.time_increment);
  a.field("scan_time", m.scan_time);
  a.field("range_min", m.range_min);
  a.field("range_max", m.range_max);
  a.field("ranges", m.ranges);
  a.field("intensities", m.intensities);
}
PARITY_ROS2_FIELDS(NavSatStatus) {
  a.field("status", m.status);
  a.field("service", m.service);
}
PARITY_ROS2_FIELDS(NavSatFix) {
  a.field("header", m.header);
  a.field("status", m.status);
  a.field("latitude", m.latitude);
  a.field("longitude", m.longitude);
  a.field("altitude", m.altitude);
  a.field("position_covariance", m.position_covariance);
  a.field("position_covariance_type", m.position_covariance_type);
}
PARITY_ROS2_FIELDS(MagneticField) {
  a.field("header", m.header);
  a.field("magnetic_field", m.magnetic_field);
  a.field("magnetic_field_covariance", m.magnetic_field_covariance);
}

#undef PARITY_ROS2_FIELDS

// Applies X(Type) to every typed message (for explicit instantiations).
// clang-format off
#define PARITY_ROS2_FOR_EACH_TYPED_MESSAGE(X)                                                \
  X(Header) X(String) X(Bool) X(Float32) X(Float64) X(Int8) X(Int16) X(Int32) X(Int64)       \
  X(UInt8) X(UInt16) X(UInt32) X(UInt64) X(Vector3) X(Point) X(Quaternion) X(Pose)           \
  X(PoseStamped) X(PoseWithCovariance) X(PoseWithCovarianceStamped) X(Twist) X(TwistStamped) \
  X(TwistWithCovariance) X(TwistWithCovarianceStamped) X(Transform) X(TransformStamped)      \
  X(TFMessage) X(Odometry) X(Image) X(CompressedImage) X(RegionOfInterest) X(CameraInfo)     \
  X(JointState) X(Imu) X(PointField) X(PointCloud2) X(LaserScan) X(NavSatStatus)             \
  X(NavSatFix) X(MagneticField)
// clang-format on

// Element-type traits shared by the archives.
template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {
  using Element = T;
};
template <typename T>
struct IsStdArray : std::false_type {};
template <typename T, std::size_t N>
struct IsStdArray<std::array<T, N>> : std::true_type {
  using Element = T;
  static constexpr std::size_t kSize = N;
};

// Fewest CDR bytes one T occupies (ignoring alignment): used to bound sequence counts.
template <typename T>
std::uint64_t min_wire_size();

class MinSizeArchive {
 public:
  template <typename T>
  void field(const char* /*name*/, const T& /*member*/) {
    total_ += min_wire_size<T>();
  }
  void stamp(const char* /*name*/, const std::int64_t& /*stamp_ns*/) { total_ += 8; }
  std::uint64_t total() const { return total_; }

 private:
  std::uint64_t total_ = 0;
};

template <typename T>
std::uint64_t min_wire_size() {
  if constexpr (std::is_arithmetic_v<T>) {
    return sizeof(T);
  } else if constexpr (std::is_same_v<T, std::string> || IsVector<T>::value) {
    return 4;
  } else if constexpr (IsStdArray<T>::value) {
    return IsStdArray<T>::kSize * min_wire_size<typename IsStdArray<T>::Element>();
  } else {
    static const std::uint64_t kSize = [] {
      MinSizeArchive archive;
      const T message{};
      visit_fields(archive, message);
      return archive.total() == 0 ? std::uint64_t{1} : archive.total();
    }();
    return kSize;
  }
}

}  // namespace parity::ros2
