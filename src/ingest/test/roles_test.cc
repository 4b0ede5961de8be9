#include "parity/ingest/roles.h"

#include <gtest/gtest.h>

namespace parity {
namespace {

struct RoleCase {
  const char* type;
  const char* topic;
  const char* role;
};

TEST(RolesTest, DefaultsFromTypeAndTopic) {
  const RoleCase cases[] = {
      {"sensor_msgs/msg/Image", "/camera/front/image_raw", "camera/front"},
      {"sensor_msgs/msg/Image", "/camera/color/image_raw", "camera/main"},
      {"sensor_msgs/msg/CompressedImage", "/wrist_cam/image_raw/compressed", "camera/wrist_cam"},
      {"sensor_msgs/Image", "/device_0/sensor_0/Depth_0/image/data", "depth/device_0"},
      {"sensor_msgs/msg/Image", "/camera/depth/image_rect_raw", "depth/main"},
      {"sensor_msgs/msg/CameraInfo", "/camera/front/camera_info", "camera_info/front"},
      {"sensor_msgs/msg/JointState", "/joint_states", "joints"},
      {"sensor_msgs/msg/JointState", "/arm/joint_command", "action"},
      {"sensor_msgs/msg/Imu", "/nissan/gps/duro/imu", "imu"},
      {"sensor_msgs/msg/PointCloud2", "/luminar_pointcloud", "lidar"},
      {"sensor_msgs/msg/LaserScan", "/base_scan", "lidar"},
      {"nav_msgs/msg/Odometry", "/odom", "odometry"},
      {"geometry_msgs/msg/PoseStamped", "/nissan/gps/duro/current_pose", "pose"},
      {"geometry_msgs/msg/PoseWithCovarianceStamped", "/amcl_pose", "pose"},
      {"tf2_msgs/msg/TFMessage", "/tf", "tf"},
      {"sensor_msgs/msg/NavSatFix", "/gps/fix", "gnss"},
      {"sensor_msgs/msg/MagneticField", "/imu/mag", "magnetometer"},
      {"geometry_msgs/msg/Twist", "/cmd_vel", "action"},
      {"rcl_interfaces/msg/Log", "/rosout", "log"},
      {"std_msgs/msg/Float32", "/nissan/vehicle_speed", ""},
      {"std_msgs/msg/String", "/chatter", ""},
  };
  for (const RoleCase& c : cases) {
    EXPECT_EQ(default_role(c.type, c.topic), c.role) << c.type << " on " << c.topic;
  }
}

TEST(RolesTest, DefaultsForDatasetArrays) {
  const RoleCase cases[] = {
      {"parity/Image", "obs/agentview_image", "camera/agentview"},
      {"parity/Image", "obs/robot0_eye_in_hand_image", "camera/robot0_eye_in_hand"},
      {"parity/Image", "next_obs/agentview_image", ""},
      {"parity/Image", "observations/images/top", "camera/top"},
      {"parity/Image", "observation.images.cam_high", "camera/cam_high"},
      {"parity/Image", "observation.images.depth", "depth/main"},
      {"parity/CompressedImage", "steps/observation/image_0", "camera/image_0"},
      {"parity/Tensor", "actions", "action"},
      {"parity/Tensor", "action", "action"},
      {"parity/Tensor", "steps/action", "action"},
      {"parity/Tensor", "states", "sim_state"},
      {"parity/Tensor", "observation.state", "joints"},
      {"parity/Tensor", "steps/observation/state", "joints"},
      {"parity/Tensor", "observations/qpos", "joints"},
      {"parity/Tensor", "observations/qvel", "joint_velocities"},
      {"parity/Tensor", "joint_torques", "effort"},
      {"parity/Tensor", "right_dpos", "action"},
      {"parity/Tensor", "gripper_actuations", "action"},
      {"parity/Tensor", "obs/robot0_eef_pos", "eef"},
      {"parity/Tensor", "obs/robot0_gripper_qpos", "gripper"},
      {"parity/Tensor", "rewards", "reward"},
      {"parity/Tensor", "dones", ""},
      {"parity/Tensor", "steps/is_first", ""},
      {"parity/Tensor", "steps/language_embedding", "language"},
      {"parity/String", "steps/language_instruction", "language"},
      {"parity/String", "steps/notes", "text"},
  };
  for (const RoleCase& c : cases) {
    EXPECT_EQ(default_role(c.type, c.topic), c.role) << c.type << " on " << c.topic;
  }
}

TEST(RolesTest, MappingOverridesDefaultsExactThenLongestPrefix) {
  const RoleMap mapping = {{"/camera/color/image_raw", "camera/top"},
                           {"/cams/*", "camera/any"},
                           {"/cams/wrist/*", "camera/wrist"},
                           {"/nissan/vehicle_speed", "odometry"}};
  EXPECT_EQ(resolve_role("sensor_msgs/msg/Image", "/camera/color/image_raw", mapping),
            "camera/top");
  EXPECT_EQ(resolve_role("sensor_msgs/msg/Image", "/cams/left/image", mapping), "camera/any");
  EXPECT_EQ(resolve_role("sensor_msgs/msg/Image", "/cams/wrist/image", mapping), "camera/wrist");
  EXPECT_EQ(resolve_role("std_msgs/msg/Float32", "/nissan/vehicle_speed", mapping), "odometry");
  EXPECT_EQ(resolve_role("sensor_msgs/msg/Imu", "/imu", mapping), "imu");
}

}  // namespace
}  // namespace parity
