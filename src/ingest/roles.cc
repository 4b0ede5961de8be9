#include "parity/ingest/roles.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace parity {
namespace {

// The part after the last '/': "sensor_msgs/msg/Image" -> "Image".
std::string_view short_type(std::string_view type) {
  const std::size_t slash = type.rfind('/');
  return slash == std::string_view::npos ? type : type.substr(slash + 1);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Topic segments split at '/' and, for dataset keys such as "observation.images.top", at '.'.
std::vector<std::string_view> segments(std::string_view topic) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= topic.size()) {
    const std::size_t end = std::min(topic.find_first_of("/.", start), topic.size());
    if (end > start) out.push_back(topic.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Words that say "this is a camera stream" without naming which camera.
constexpr std::array<std::string_view, 23> kGenericCameraWords = {"camera",
                                                                  "cameras",
                                                                  "cam",
                                                                  "image",
                                                                  "images",
                                                                  "image_raw",
                                                                  "image_rect",
                                                                  "image_color",
                                                                  "image_rect_color",
                                                                  "color",
                                                                  "rgb",
                                                                  "compressed",
                                                                  "raw",
                                                                  "data",
                                                                  "depth",
                                                                  "observation",
                                                                  "observations",
                                                                  "camera_info",
                                                                  "aligned_depth_to_color",
                                                                  "image_rect_raw",
                                                                  "points",
                                                                  "obs",
                                                                  "steps"};

std::string camera_name(std::string_view topic) {
  for (std::string_view segment : segments(topic)) {
    if (std::find(kGenericCameraWords.begin(), kGenericCameraWords.end(), segment) !=
        kGenericCameraWords.end()) {
      continue;
    }
    // "agentview_image" -> "agentview" (robomimic names its cameras <camera>_image).
    for (std::string_view suffix : {"_image", "_images", "_rgb"}) {
      if (segment.size() > suffix.size() && segment.ends_with(suffix)) {
        segment.remove_suffix(suffix.size());
        break;
      }
    }
    return std::string(segment);
  }
  return "main";
}

bool is_command_topic(std::string_view topic) {
  return contains(topic, "cmd") || contains(topic, "command") || contains(topic, "action") ||
         contains(topic, "target") || contains(topic, "goal");
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Roles of the per-step arrays of HDF5, RLDS and LeRobot datasets, from the last segment of
// their key: robomimic "obs/robot0_eef_pos", ALOHA "observations/qpos", RLDS "steps/action",
// LeRobot "observation.state".
std::string array_role(std::string_view type, std::string_view topic) {
  const std::vector<std::string_view> parts = segments(topic);
  const std::string last = parts.empty() ? "" : lowercase(parts.back());
  const auto is_one_of = [&](std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), last) != words.end();
  };
  if (type == "parity/String") {
    return contains(last, "language") || contains(last, "instruction") ? "language" : "text";
  }
  if (is_one_of({"states"})) return "sim_state";  // robosuite: the flattened MuJoCo state
  if (is_one_of({"state", "qpos", "joint_pos", "joint_positions", "joint_state", "joint_states"})) {
    return "joints";
  }
  if (contains(last, "action") ||
      is_one_of({"right_dpos", "right_dquat", "left_dpos", "left_dquat", "gripper_actuations"})) {
    return "action";
  }
  if (is_one_of({"qvel", "joint_vel", "joint_velocities"})) return "joint_velocities";
  if (is_one_of({"effort", "joint_effort", "joint_torques"})) return "effort";
  if (contains(last, "eef")) return "eef";
  if (contains(last, "gripper")) return "gripper";
  if (is_one_of({"reward", "rewards"})) return "reward";
  if (contains(last, "language")) return "language";
  return "";
}

}  // namespace

std::string default_role(std::string_view type, std::string_view topic) {
  const std::string_view name = short_type(type);
  std::string lower_topic(topic);
  std::transform(lower_topic.begin(), lower_topic.end(), lower_topic.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool depth = contains(lower_topic, "depth") || contains(type, "Depth");
  // next_obs/* of robomimic repeats obs/* one step later: no role of its own.
  if (type.starts_with("parity/") && lower_topic.starts_with("next_obs")) return "";
  if (name == "Image" || name == "CompressedImage") {
    return (depth ? "depth/" : "camera/") + camera_name(topic);
  }
  if (name == "CameraInfo") return "camera_info/" + camera_name(topic);
  if (name == "JointState" || name == "JointTrajectory" || name == "JointTrajectoryPoint") {
    return is_command_topic(topic) || name != "JointState" ? "action" : "joints";
  }
  if (name == "Imu") return "imu";
  if (name == "PointCloud2" || name == "PointCloud" || name == "LaserScan") {
    return depth ? "depth/" + camera_name(topic) : "lidar";
  }
  if (name == "Odometry") return "odometry";
  if (name == "Pose" || name == "PoseStamped" || name == "PoseWithCovariance" ||
      name == "PoseWithCovarianceStamped") {
    return "pose";
  }
  if (name == "TFMessage" || name == "tfMessage") return "tf";
  if (name == "NavSatFix") return "gnss";
  if (name == "MagneticField") return "magnetometer";
  if (name == "Twist" || name == "TwistStamped")
    return is_command_topic(topic) ? "action" : "velocity";
  if (name == "WrenchStamped" || name == "Wrench") return "force_torque";
  if (name == "BatteryState") return "battery";
  if (name == "Log" && contains(topic, "rosout")) return "log";
  if (type == "parity/Tensor" || type == "parity/String") return array_role(type, topic);
  if (is_command_topic(topic)) return "action";
  return "";
}

std::string resolve_role(std::string_view type, std::string_view topic, const RoleMap& mapping) {
  if (const auto exact = mapping.find(std::string(topic)); exact != mapping.end()) {
    return exact->second;
  }
  std::size_t best_length = 0;
  const std::string* best = nullptr;
  for (const auto& [pattern, role] : mapping) {
    if (pattern.empty() || pattern.back() != '*') continue;
    const std::string_view prefix(pattern.data(), pattern.size() - 1);
    if (topic.substr(0, prefix.size()) == prefix && prefix.size() >= best_length) {
      best_length = prefix.size();
      best = &role;
    }
  }
  if (best != nullptr) return *best;
  return default_role(type, topic);
}

}  // namespace parity
