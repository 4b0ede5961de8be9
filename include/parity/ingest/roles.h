// Stream roles: the standardisation step that makes a ROS topic and a LeRobot key
// comparable (DESIGN.md "Roles are the standardization step").
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace parity {

// Explicit topic -> role mappings (from `--map TOPIC=ROLE` or a sidecar's `roles:`).
// Keys are exact topic names; a key ending in '*' matches any topic with that prefix.
using RoleMap = std::map<std::string, std::string>;

// The default role for a stream, from its message type and topic name:
//   sensor_msgs Image / CompressedImage -> "camera/<name>" ("depth/<name>" when the topic or
//   type says depth), CameraInfo -> "camera_info/<name>", JointState -> "joints" (or
//   "action" for command topics), Imu -> "imu", PointCloud2 / LaserScan -> "lidar",
//   Odometry -> "odometry", Pose* -> "pose", TFMessage -> "tf", NavSatFix -> "gnss",
//   MagneticField -> "magnetometer", Twist on cmd topics -> "action", rosout -> "log".
// Array streams of dataset containers (parity/formats/tensor.h): parity/Image and
//   parity/CompressedImage as Image above; parity/Tensor by the key's last segment: "states"
//   (robosuite's MuJoCo state) -> "sim_state", "state" / "qpos" / "joint_pos*" -> "joints",
//   "*action*" (and robosuite 0.1's right_dpos, gripper_actuations, ...) -> "action", "qvel" ->
//   "joint_velocities", "effort" / "joint_torques" -> "effort", "*eef*" -> "eef",
//   "*gripper*" -> "gripper", "reward(s)" -> "reward", "*language*" -> "language";
//   parity/String -> "language" or "text"; robomimic's next_obs/* (obs/* one step later) -> "".
// <name> is the first topic segment (split at '/' and '.') that is not a generic word (camera,
// image_raw, color, compressed, obs, observation, images, ...), without a trailing "_image" or
// "_rgb", or "main". Returns "" when nothing is known.
std::string default_role(std::string_view type, std::string_view topic);

// Mapping first (exact key, then the longest matching prefix pattern), else default_role().
std::string resolve_role(std::string_view type, std::string_view topic, const RoleMap& mapping);

}  // namespace parity
