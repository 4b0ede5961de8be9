#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "testing/testing.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

TEST(Ros2MsgDefinition, EveryShippedDefinitionParsesAndIsSelfContained) {
  const std::vector<std::string_view> types = ros2msg_definition_types();
  EXPECT_EQ(types.size(), 59u);
  for (std::string_view type : types) {
    const std::string_view text = ros2msg_definition(type);
    ASSERT_FALSE(text.empty()) << type;
    auto schema = parse_ros2msg(type, text);
    ASSERT_TRUE(schema.ok()) << type << ": " << schema.status().to_string();
    EXPECT_EQ(schema->root().name, type);
    // Each dependency appears exactly once.
    std::set<std::string> names;
    for (const MsgType& t : schema->types()) EXPECT_TRUE(names.insert(t.name).second) << t.name;
  }
}

TEST(Ros2MsgDefinition, ConcatenatedFormAndLookupSpellings) {
  const std::string_view text = ros2msg_definition("std_msgs/msg/Header");
  EXPECT_EQ(text, "builtin_interfaces/Time stamp\nstring frame_id\n\n" + std::string(80, '=') +
                      "\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
  EXPECT_EQ(ros2msg_definition("std_msgs/Header"), text);
  EXPECT_EQ(ros2msg_definition("sensor_msgs/msg/JointState").substr(0, 92),
            "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
            "float64[] effort\n");
  EXPECT_EQ(ros2msg_definition("sensor_msgs/msg/NoSuchType"), "");
  EXPECT_EQ(ros2msg_definition("garbage"), "");
}

// Parsed structure of one type: "name:type" for fields, "NAME=value" for constants.
std::vector<std::string> structure(const MsgType& type) {
  std::vector<std::string> out;
  for (const MsgField& f : type.fields) out.push_back(f.name + ":" + f.type.to_string());
  for (const MsgConstant& c : type.constants) {
    out.push_back(c.name + "=" +
                  (c.value.is_int()    ? std::to_string(c.value.as_int())
                   : c.value.is_uint() ? std::to_string(c.value.as_uint())
                                       : "?"));
  }
  return out;
}

// The shipped definitions must match what real ROS 2 (Humble) recorders wrote, field for field.
TEST(Ros2MsgDefinition, MatchesTheSchemasInRealRecordings) {
  const char* files[] = {"mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap",
                         "mcap/reductstore-nissan-field/demo.mcap",
                         "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap"};
  std::set<std::string> compared;
  for (const char* file : files) {
    const auto path = testing::shared_data(file);
    if (!path) GTEST_SKIP() << "../shared/data/" << file << " is absent";
    DiagnosticCollector diagnostics;
    auto recording = mcap::open_mcap_recording(*path, diagnostics);
    ASSERT_TRUE(recording.ok()) << recording.status().to_string();
    for (const StreamInfo& stream : (*recording)->info().streams) {
      const std::string_view ours_text = ros2msg_definition(stream.type);
      if (ours_text.empty() || stream.schema_encoding != "ros2msg") continue;
      auto real = parse_ros2msg(stream.type, stream.schema);
      auto ours = parse_ros2msg(stream.type, ours_text);
      ASSERT_TRUE(real.ok()) << real.status().to_string();
      ASSERT_TRUE(ours.ok()) << ours.status().to_string();
      for (const MsgType& type : ours->types()) {
        const MsgType* real_type = real->find(type.name);
        ASSERT_NE(real_type, nullptr) << stream.type << " lacks " << type.name;
        EXPECT_EQ(structure(type), structure(*real_type)) << type.name;
        compared.insert(type.name);
      }
    }
  }
  // Every type these recordings carry that Parity ships was compared.
  EXPECT_THAT(compared, ::testing::IsSupersetOf({"sensor_msgs/msg/Image",
                                                 "sensor_msgs/msg/CompressedImage",
                                                 "sensor_msgs/msg/CameraInfo",
                                                 "sensor_msgs/msg/JointState",
                                                 "sensor_msgs/msg/Imu",
                                                 "sensor_msgs/msg/PointCloud2",
                                                 "sensor_msgs/msg/PointField",
                                                 "sensor_msgs/msg/LaserScan",
                                                 "sensor_msgs/msg/NavSatFix",
                                                 "sensor_msgs/msg/NavSatStatus",
                                                 "sensor_msgs/msg/MagneticField",
                                                 "sensor_msgs/msg/RegionOfInterest",
                                                 "nav_msgs/msg/Odometry",
                                                 "tf2_msgs/msg/TFMessage",
                                                 "geometry_msgs/msg/PoseStamped",
                                                 "geometry_msgs/msg/PoseWithCovarianceStamped",
                                                 "geometry_msgs/msg/TransformStamped",
                                                 "std_msgs/msg/String",
                                                 "std_msgs/msg/Float32",
                                                 "std_msgs/msg/Header"}));
}

}  // namespace
}  // namespace parity::ros2
