// The ros2msg definition texts of the message types Parity writes (typed_messages.h) and of
// other common ones (geometry_msgs Accel, Wrench, Point32, Polygon and the *Stamped forms,
// nav_msgs/Path, std_msgs/ColorRGBA, sensor_msgs Temperature, FluidPressure, RelativeHumidity,
// Illuminance, Joy), in the concatenated form rosbag2 stores in MCAP Schema records: the type's
// own .msg text, then for each dependency (depth first, each once) a line of 80 '=', a line
// `MSG: pkg/Type` and that type's text. Field names, types and order follow the ROS 2
// interfaces (common_interfaces, geometry2, rcl_interfaces); comments are left out.
#pragma once

#include <string_view>
#include <vector>

namespace parity::ros2 {

// The definition for `type_name` ("sensor_msgs/msg/Imu" or "sensor_msgs/Imu"), or "" when
// Parity does not ship one. The view points to static storage (valid for the whole program).
// Thread-safe.
std::string_view ros2msg_definition(std::string_view type_name);

// Every type with a shipped definition, as full names "pkg/msg/Type", sorted.
std::vector<std::string_view> ros2msg_definition_types();

}  // namespace parity::ros2
