// .msg texts of the ROS 2 (Humble) interfaces Parity writes, plus other common ones that
// rosbag2 sqlite3 bags without a message_definitions table (Humble and older) rely on. Written
// from the interface definitions in ros2/common_interfaces (std_msgs, geometry_msgs,
// sensor_msgs, nav_msgs), ros2/geometry2 (tf2_msgs) and ros2/rcl_interfaces
// (builtin_interfaces); comments dropped.
#include "parity/formats/ros_msg/msg_definitions.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "parity/formats/ros_msg/msg_schema.h"

namespace parity::ros2 {
namespace {

struct Definition {
  std::string_view name;  // full name pkg/msg/Type
  std::string_view body;  // the .msg text, each line ending in '\n'
  // Message types the body references, as full names, in field order.
  std::vector<std::string_view> deps;
};

const std::vector<Definition>& definitions() {
  static const std::vector<Definition> kDefinitions = {
      {"builtin_interfaces/msg/Time", "int32 sec\nuint32 nanosec\n", {}},
      {"builtin_interfaces/msg/Duration", "int32 sec\nuint32 nanosec\n", {}},
      {"std_msgs/msg/Header",
       "builtin_interfaces/Time stamp\nstring frame_id\n",
       {"builtin_interfaces/msg/Time"}},
      {"std_msgs/msg/String", "string data\n", {}},
      {"std_msgs/msg/Bool", "bool data\n", {}},
      {"std_msgs/msg/Float32", "float32 data\n", {}},
      {"std_msgs/msg/Float64", "float64 data\n", {}},
      {"std_msgs/msg/Int8", "int8 data\n", {}},
      {"std_msgs/msg/Int16", "int16 data\n", {}},
      {"std_msgs/msg/Int32", "int32 data\n", {}},
      {"std_msgs/msg/Int64", "int64 data\n", {}},
      {"std_msgs/msg/UInt8", "uint8 data\n", {}},
      {"std_msgs/msg/UInt16", "uint16 data\n", {}},
      {"std_msgs/msg/UInt32", "uint32 data\n", {}},
      {"std_msgs/msg/UInt64", "uint64 data\n", {}},
      {"geometry_msgs/msg/Vector3", "float64 x\nfloat64 y\nfloat64 z\n", {}},
      {"geometry_msgs/msg/Point", "float64 x\nfloat64 y\nfloat64 z\n", {}},
      {"geometry_msgs/msg/Quaternion", "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n", {}},
      {"geometry_msgs/msg/Pose",
       "Point position\nQuaternion orientation\n",
       {"geometry_msgs/msg/Point", "geometry_msgs/msg/Quaternion"}},
      {"geometry_msgs/msg/PoseStamped",
       "std_msgs/Header header\nPose pose\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Pose"}},
      {"geometry_msgs/msg/PoseWithCovariance",
       "Pose pose\nfloat64[36] covariance\n",
       {"geometry_msgs/msg/Pose"}},
      {"geometry_msgs/msg/PoseWithCovarianceStamped",
       "std_msgs/Header header\nPoseWithCovariance pose\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/PoseWithCovariance"}},
      {"geometry_msgs/msg/Twist",
       "Vector3 linear\nVector3 angular\n",
       {"geometry_msgs/msg/Vector3"}},
      {"geometry_msgs/msg/TwistStamped",
       "std_msgs/Header header\nTwist twist\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Twist"}},
      {"geometry_msgs/msg/TwistWithCovariance",
       "Twist twist\nfloat64[36] covariance\n",
       {"geometry_msgs/msg/Twist"}},
      {"geometry_msgs/msg/TwistWithCovarianceStamped",
       "std_msgs/Header header\nTwistWithCovariance twist\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/TwistWithCovariance"}},
      {"geometry_msgs/msg/Transform",
       "Vector3 translation\nQuaternion rotation\n",
       {"geometry_msgs/msg/Vector3", "geometry_msgs/msg/Quaternion"}},
      {"geometry_msgs/msg/TransformStamped",
       "std_msgs/Header header\nstring child_frame_id\nTransform transform\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Transform"}},
      {"geometry_msgs/msg/Accel",
       "Vector3 linear\nVector3 angular\n",
       {"geometry_msgs/msg/Vector3"}},
      {"geometry_msgs/msg/AccelStamped",
       "std_msgs/Header header\nAccel accel\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Accel"}},
      {"geometry_msgs/msg/Wrench",
       "Vector3 force\nVector3 torque\n",
       {"geometry_msgs/msg/Vector3"}},
      {"geometry_msgs/msg/WrenchStamped",
       "std_msgs/Header header\nWrench wrench\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Wrench"}},
      {"geometry_msgs/msg/PointStamped",
       "std_msgs/Header header\nPoint point\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Point"}},
      {"geometry_msgs/msg/Vector3Stamped",
       "std_msgs/Header header\nVector3 vector\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Vector3"}},
      {"geometry_msgs/msg/QuaternionStamped",
       "std_msgs/Header header\nQuaternion quaternion\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Quaternion"}},
      {"geometry_msgs/msg/Point32", "float32 x\nfloat32 y\nfloat32 z\n", {}},
      {"geometry_msgs/msg/Polygon", "Point32[] points\n", {"geometry_msgs/msg/Point32"}},
      {"geometry_msgs/msg/PolygonStamped",
       "std_msgs/Header header\nPolygon polygon\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Polygon"}},
      {"std_msgs/msg/ColorRGBA", "float32 r\nfloat32 g\nfloat32 b\nfloat32 a\n", {}},
      {"nav_msgs/msg/Path",
       "std_msgs/Header header\ngeometry_msgs/PoseStamped[] poses\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/PoseStamped"}},
      {"sensor_msgs/msg/Temperature",
       "std_msgs/Header header\nfloat64 temperature\nfloat64 variance\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/FluidPressure",
       "std_msgs/Header header\nfloat64 fluid_pressure\nfloat64 variance\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/RelativeHumidity",
       "std_msgs/Header header\nfloat64 relative_humidity\nfloat64 variance\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/Illuminance",
       "std_msgs/Header header\nfloat64 illuminance\nfloat64 variance\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/Joy",
       "std_msgs/Header header\nfloat32[] axes\nint32[] buttons\n",
       {"std_msgs/msg/Header"}},
      {"tf2_msgs/msg/TFMessage",
       "geometry_msgs/TransformStamped[] transforms\n",
       {"geometry_msgs/msg/TransformStamped"}},
      {"nav_msgs/msg/Odometry",
       "std_msgs/Header header\n"
       "string child_frame_id\n"
       "geometry_msgs/PoseWithCovariance pose\n"
       "geometry_msgs/TwistWithCovariance twist\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/PoseWithCovariance",
        "geometry_msgs/msg/TwistWithCovariance"}},
      {"sensor_msgs/msg/Image",
       "std_msgs/Header header\n"
       "uint32 height\n"
       "uint32 width\n"
       "string encoding\n"
       "uint8 is_bigendian\n"
       "uint32 step\n"
       "uint8[] data\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/CompressedImage",
       "std_msgs/Header header\nstring format\nuint8[] data\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/RegionOfInterest",
       "uint32 x_offset\nuint32 y_offset\nuint32 height\nuint32 width\nbool do_rectify\n",
       {}},
      {"sensor_msgs/msg/CameraInfo",
       "std_msgs/Header header\n"
       "uint32 height\n"
       "uint32 width\n"
       "string distortion_model\n"
       "float64[] d\n"
       "float64[9] k\n"
       "float64[9] r\n"
       "float64[12] p\n"
       "uint32 binning_x\n"
       "uint32 binning_y\n"
       "RegionOfInterest roi\n",
       {"std_msgs/msg/Header", "sensor_msgs/msg/RegionOfInterest"}},
      {"sensor_msgs/msg/JointState",
       "std_msgs/Header header\n"
       "string[] name\n"
       "float64[] position\n"
       "float64[] velocity\n"
       "float64[] effort\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/Imu",
       "std_msgs/Header header\n"
       "geometry_msgs/Quaternion orientation\n"
       "float64[9] orientation_covariance\n"
       "geometry_msgs/Vector3 angular_velocity\n"
       "float64[9] angular_velocity_covariance\n"
       "geometry_msgs/Vector3 linear_acceleration\n"
       "float64[9] linear_acceleration_covariance\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Quaternion", "geometry_msgs/msg/Vector3"}},
      {"sensor_msgs/msg/PointField",
       "uint8 INT8    = 1\n"
       "uint8 UINT8   = 2\n"
       "uint8 INT16   = 3\n"
       "uint8 UINT16  = 4\n"
       "uint8 INT32   = 5\n"
       "uint8 UINT32  = 6\n"
       "uint8 FLOAT32 = 7\n"
       "uint8 FLOAT64 = 8\n"
       "string name\n"
       "uint32 offset\n"
       "uint8  datatype\n"
       "uint32 count\n",
       {}},
      {"sensor_msgs/msg/PointCloud2",
       "std_msgs/Header header\n"
       "uint32 height\n"
       "uint32 width\n"
       "PointField[] fields\n"
       "bool    is_bigendian\n"
       "uint32  point_step\n"
       "uint32  row_step\n"
       "uint8[] data\n"
       "bool is_dense\n",
       {"std_msgs/msg/Header", "sensor_msgs/msg/PointField"}},
      {"sensor_msgs/msg/LaserScan",
       "std_msgs/Header header\n"
       "float32 angle_min\n"
       "float32 angle_max\n"
       "float32 angle_increment\n"
       "float32 time_increment\n"
       "float32 scan_time\n"
       "float32 range_min\n"
       "float32 range_max\n"
       "float32[] ranges\n"
       "float32[] intensities\n",
       {"std_msgs/msg/Header"}},
      {"sensor_msgs/msg/NavSatStatus",
       "int8 STATUS_NO_FIX =  -1\n"
       "int8 STATUS_FIX =      0\n"
       "int8 STATUS_SBAS_FIX = 1\n"
       "int8 STATUS_GBAS_FIX = 2\n"
       "int8 status\n"
       "uint16 SERVICE_GPS =     1\n"
       "uint16 SERVICE_GLONASS = 2\n"
       "uint16 SERVICE_COMPASS = 4\n"
       "uint16 SERVICE_GALILEO = 8\n"
       "uint16 service\n",
       {}},
      {"sensor_msgs/msg/NavSatFix",
       "std_msgs/Header header\n"
       "NavSatStatus status\n"
       "float64 latitude\n"
       "float64 longitude\n"
       "float64 altitude\n"
       "float64[9] position_covariance\n"
       "uint8 COVARIANCE_TYPE_UNKNOWN = 0\n"
       "uint8 COVARIANCE_TYPE_APPROXIMATED = 1\n"
       "uint8 COVARIANCE_TYPE_DIAGONAL_KNOWN = 2\n"
       "uint8 COVARIANCE_TYPE_KNOWN = 3\n"
       "uint8 position_covariance_type\n",
       {"std_msgs/msg/Header", "sensor_msgs/msg/NavSatStatus"}},
      {"sensor_msgs/msg/MagneticField",
       "std_msgs/Header header\n"
       "geometry_msgs/Vector3 magnetic_field\n"
       "float64[9] magnetic_field_covariance\n",
       {"std_msgs/msg/Header", "geometry_msgs/msg/Vector3"}},
  };
  return kDefinitions;
}

const Definition* find_definition(std::string_view full_name) {
  for (const Definition& definition : definitions()) {
    if (definition.name == full_name) return &definition;
  }
  return nullptr;
}

// "pkg/msg/Type" -> "pkg/Type", the spelling rosbag2 uses on MSG: lines.
std::string short_name(std::string_view full_name) {
  const std::size_t first = full_name.find('/');
  const std::size_t last = full_name.rfind('/');
  return std::string(full_name.substr(0, first)) + std::string(full_name.substr(last));
}

void append_dependencies(const Definition& definition, std::set<std::string_view>& seen,
                         std::string& out) {
  for (std::string_view dep_name : definition.deps) {
    if (!seen.insert(dep_name).second) continue;
    const Definition* dep = find_definition(dep_name);
    if (dep == nullptr) continue;  // every dependency is in the table (checked by tests)
    out += "\n";
    out += std::string(80, '=');
    out += "\nMSG: ";
    out += short_name(dep->name);
    out += "\n";
    out += dep->body;
    append_dependencies(*dep, seen, out);
  }
}

const std::map<std::string, std::string, std::less<>>& concatenated() {
  static const auto* const kTexts = [] {
    auto* texts = new std::map<std::string, std::string, std::less<>>();
    for (const Definition& definition : definitions()) {
      std::string text(definition.body);
      std::set<std::string_view> seen{definition.name};
      append_dependencies(definition, seen, text);
      texts->emplace(std::string(definition.name), std::move(text));
    }
    return texts;
  }();
  return *kTexts;
}

}  // namespace

std::string_view ros2msg_definition(std::string_view type_name) {
  const std::string full = canonical_type_name(type_name);
  const auto& texts = concatenated();
  const auto it = texts.find(full);
  if (it == texts.end()) return {};
  return it->second;
}

std::vector<std::string_view> ros2msg_definition_types() {
  std::vector<std::string_view> names;
  for (const auto& [name, text] : concatenated()) names.emplace_back(name);
  return names;
}

}  // namespace parity::ros2
