// Decodes every message of every cdr channel in real rosbag2 MCAP recordings, and checks values
// that were verified by hand.
//
// The expected constants were obtained independently of this code: a throwaway Python script
// parsed the MCAP records (zstd chunks through the `zstd` CLI), then read each message's raw
// bytes with struct.unpack_from('<...') following the CDR rules (4-byte header, alignment from
// offset 4, u32-prefixed strings and sequences).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "testing/testing.h"

namespace parity::ros2 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct DecodedRecording {
  std::map<std::string, std::uint64_t> decoded;                         // topic -> messages decoded
  std::map<std::string, std::vector<std::vector<std::uint8_t>>> first;  // topic -> first bytes
  std::vector<std::string> errors;
  std::uint64_t unsupported_channels = 0;
};

// Decodes every message of every cdr/json stream, keeping the first message of each topic.
DecodedRecording decode_all(const std::filesystem::path& path) {
  DecodedRecording out;
  DiagnosticCollector diagnostics;
  auto recording = mcap::open_mcap_recording(path, diagnostics);
  if (!recording.ok()) {
    out.errors.push_back(recording.status().to_string());
    return out;
  }
  std::map<std::uint32_t, Result<MessageDecoder>> decoders;
  for (const StreamInfo& stream : (*recording)->info().streams) {
    auto decoder = MessageDecoder::for_stream(stream);
    if (!decoder.ok()) {
      if (decoder.status().code() == StatusCode::kUnsupported) {
        ++out.unsupported_channels;
      } else {
        out.errors.push_back(decoder.status().to_string());
      }
    }
    decoders.emplace(stream.id, std::move(decoder));
  }
  const Status status = (*recording)->read_messages({}, [&](const MessageView& view) -> Status {
    const auto& decoder = decoders.at(view.stream->id);
    if (!decoder.ok()) return Status::ok_status();
    auto value = decoder->decode(view.data);
    if (!value.ok()) {
      if (out.errors.size() < 10) out.errors.push_back(value.status().to_string());
      return Status::ok_status();
    }
    ++out.decoded[view.stream->topic];
    auto& first = out.first[view.stream->topic];
    if (first.empty()) first.emplace_back(view.data.begin(), view.data.end());
    return Status::ok_status();
  });
  if (!status.ok()) out.errors.push_back(status.to_string());
  return out;
}

template <typename T>
T typed_first(const DecodedRecording& decoded, const std::string& topic,
              const MessageDecoder* decoder = nullptr) {
  const auto it = decoded.first.find(topic);
  EXPECT_NE(it, decoded.first.end()) << topic;
  if (it == decoded.first.end()) return T{};
  const std::vector<std::uint8_t>& bytes = it->second.front();
  auto direct = decode_cdr_as<T>(bytes);
  EXPECT_TRUE(direct.ok()) << direct.status().to_string();
  if (decoder != nullptr) {
    auto tree = decoder->decode(bytes);
    EXPECT_TRUE(tree.ok()) << tree.status().to_string();
    auto extracted = extract<T>(*tree);
    EXPECT_TRUE(extracted.ok()) << extracted.status().to_string();
    EXPECT_TRUE(*extracted == *direct) << topic;
  }
  return direct.ok() ? *direct : T{};
}

const StreamInfo* stream_of(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& stream : info.streams) {
    if (stream.topic == topic) return &stream;
  }
  return nullptr;
}

TEST(Ros2RealData, RerunSensorMsgsDecodeWithZeroErrors) {
  PARITY_REQUIRE_SHARED_DATA(path,
                             "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap");
  const DecodedRecording decoded = decode_all(path);
  EXPECT_THAT(decoded.errors, ElementsAre());
  EXPECT_EQ(decoded.unsupported_channels, 0u);
  std::uint64_t total = 0;
  for (const auto& [topic, count] : decoded.decoded) total += count;
  EXPECT_EQ(total, 194u);
  EXPECT_EQ(decoded.decoded.at("/rosout"), 117u);
  EXPECT_EQ(decoded.decoded.at("/joint_state"), 15u);
  EXPECT_EQ(decoded.decoded.at("/battery_state"), 10u);
  EXPECT_EQ(decoded.decoded.size(), 28u);  // every channel of the file
}

TEST(Ros2RealData, RerunSensorMsgsHandVerifiedValues) {
  PARITY_REQUIRE_SHARED_DATA(path,
                             "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap");
  const DecodedRecording decoded = decode_all(path);
  ASSERT_THAT(decoded.errors, ElementsAre());
  DiagnosticCollector diagnostics;
  auto recording = mcap::open_mcap_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok());
  const RecordingInfo& info = (*recording)->info();
  const auto decoder_for = [&](const std::string& topic) {
    const StreamInfo* stream = stream_of(info, topic);
    EXPECT_NE(stream, nullptr) << topic;
    return MessageDecoder::for_stream(*stream).value();
  };
  const std::int64_t stamp = 1'757'502'238'482'648'699;  // sec 1757502238, nanosec 482648699

  const MessageDecoder image_decoder = decoder_for("/image");
  const Image image = typed_first<Image>(decoded, "/image", &image_decoder);
  EXPECT_EQ(image.header.stamp_ns, stamp);
  EXPECT_EQ(image.header.frame_id, "base_link");
  EXPECT_EQ(image.height, 480u);
  EXPECT_EQ(image.width, 640u);
  EXPECT_EQ(image.encoding, "rgb8");
  EXPECT_EQ(image.is_bigendian, 0);
  EXPECT_EQ(image.step, 1920u);
  ASSERT_EQ(image.data.size(), 921600u);
  EXPECT_THAT(std::vector<std::uint8_t>(image.data.begin(), image.data.begin() + 4),
              ElementsAre(0xdb, 0x00, 0x04, 0xa4));

  const MessageDecoder compressed_decoder = decoder_for("/compressed_image");
  const CompressedImage compressed =
      typed_first<CompressedImage>(decoded, "/compressed_image", &compressed_decoder);
  EXPECT_EQ(compressed.format, "jpeg");
  ASSERT_EQ(compressed.data.size(), 361069u);
  EXPECT_THAT(std::vector<std::uint8_t>(compressed.data.begin(), compressed.data.begin() + 4),
              ElementsAre(0xff, 0xd8, 0xff, 0xe0));

  const MessageDecoder cloud_decoder = decoder_for("/point_cloud2");
  const PointCloud2 cloud = typed_first<PointCloud2>(decoded, "/point_cloud2", &cloud_decoder);
  EXPECT_EQ(cloud.height, 1u);
  EXPECT_EQ(cloud.width, 200u);
  EXPECT_EQ(cloud.fields, (std::vector<PointField>{{"x", 0, PointField::kFloat32, 1},
                                                   {"y", 4, PointField::kFloat32, 1},
                                                   {"z", 8, PointField::kFloat32, 1},
                                                   {"intensity", 12, PointField::kFloat32, 1}}));
  EXPECT_FALSE(cloud.is_bigendian);
  EXPECT_EQ(cloud.point_step, 16u);
  EXPECT_EQ(cloud.row_step, 3200u);
  EXPECT_TRUE(cloud.is_dense);
  auto xyz = read_xyz(cloud);
  ASSERT_TRUE(xyz.ok()) << xyz.status().to_string();
  ASSERT_EQ(xyz->size(), 200u);
  EXPECT_EQ((*xyz)[0], (std::array<float, 3>{-1.0f, 0.0f, 0.5f}));
  EXPECT_EQ((*xyz)[1], (std::array<float, 3>{-0.9899497628211975f, 0.06310562789440155f,
                                             0.4977586269378662f}));
  EXPECT_EQ((*xyz)[199], (std::array<float, 3>{1.0f, -4.898587410340671e-16f, 0.5f}));

  const MessageDecoder joint_decoder = decoder_for("/joint_state");
  const JointState joints = typed_first<JointState>(decoded, "/joint_state", &joint_decoder);
  EXPECT_EQ(joints.header.stamp_ns, 1'757'502'239'709'764'991);
  EXPECT_THAT(joints.name,
              ElementsAre("shoulder_joint", "elbow_joint", "wrist_joint", "gripper_joint"));
  EXPECT_THAT(joints.position, ElementsAre(0.0, 1.3, -0.2, 0.1));
  EXPECT_THAT(joints.velocity, ElementsAre(0.5, -0.0, 0.8, 0.0));
  EXPECT_THAT(joints.effort, ElementsAre(2.0, 4.5, 1.2, 0.5));

  const MessageDecoder imu_decoder = decoder_for("/imu");
  const Imu imu = typed_first<Imu>(decoded, "/imu", &imu_decoder);
  EXPECT_EQ(imu.header.stamp_ns, stamp);
  EXPECT_EQ(imu.orientation, (Quaternion{0.0, 0.0, 0.0, 1.0}));
  EXPECT_EQ(imu.angular_velocity, (Vector3{0.1, 0.2, 0.3}));
  EXPECT_EQ(imu.linear_acceleration, (Vector3{0.0, 0.0, 9.81}));
  EXPECT_EQ(imu.orientation_covariance, (std::array<double, 9>{}));

  const MessageDecoder scan_decoder = decoder_for("/laser_scan");
  const LaserScan scan = typed_first<LaserScan>(decoded, "/laser_scan", &scan_decoder);
  EXPECT_EQ(scan.angle_min, -3.141590118408203f);
  EXPECT_EQ(scan.angle_increment, 0.009999999776482582f);
  EXPECT_EQ(scan.range_max, 10.0f);

  const MessageDecoder fix_decoder = decoder_for("/nav_sat_fix/gps");
  const NavSatFix fix = typed_first<NavSatFix>(decoded, "/nav_sat_fix/gps", &fix_decoder);
  EXPECT_EQ(fix.status.status, 0);
  EXPECT_EQ(fix.status.service, 1);
  EXPECT_EQ(fix.latitude, 52.3548062813776);
  EXPECT_EQ(fix.longitude, 4.954574572154617);
  EXPECT_EQ(fix.altitude, 104.11955221042457);

  const MessageDecoder mag_decoder = decoder_for("/magnetic_field");
  const MagneticField mag = typed_first<MagneticField>(decoded, "/magnetic_field", &mag_decoder);
  EXPECT_EQ(mag.magnetic_field, (Vector3{0.023, -0.012, 0.048}));

  const MessageDecoder info_decoder = decoder_for("/camera_info");
  const CameraInfo camera = typed_first<CameraInfo>(decoded, "/camera_info", &info_decoder);
  EXPECT_EQ(camera.height, 480u);
  EXPECT_EQ(camera.width, 640u);
  EXPECT_EQ(camera.distortion_model, "plumb_bob");
  EXPECT_EQ(camera.d, (std::vector<double>{0, 0, 0, 0, 0}));
  EXPECT_EQ(camera.k, (std::array<double, 9>{500, 0, 320, 0, 500, 240, 0, 0, 1}));

  // The generic tree of the same image: the 921600-byte blob is one Bytes value.
  auto tree = image_decoder.decode(decoded.first.at("/image").front());
  ASSERT_TRUE(tree.ok());
  ASSERT_NE(tree->find("data"), nullptr);
  EXPECT_TRUE(tree->find("data")->is_bytes());
  const nlohmann::json json = to_json(*tree);
  EXPECT_EQ(json["data"]["bytes"], 921600);
  EXPECT_EQ(json["data"]["head"].get<std::string>().substr(0, 16), "db0004a42abe4ea9");
  EXPECT_EQ(json["header"]["stamp"]["sec"], 1757502238);
  EXPECT_EQ(json["encoding"], "rgb8");
}

TEST(Ros2RealData, ReductstoreNissanFieldLogDecodesWithZeroErrors) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/reductstore-nissan-field/demo.mcap");
  const DecodedRecording decoded = decode_all(path);
  EXPECT_THAT(decoded.errors, ElementsAre());
  EXPECT_EQ(decoded.decoded.at("/nissan/gps/duro/imu"), 1556u);
  EXPECT_EQ(decoded.decoded.at("/nissan/gps/duro/mag"), 389u);
  EXPECT_EQ(decoded.decoded.at("/nissan/vehicle_speed"), 470u);
  EXPECT_EQ(decoded.decoded.at("/nissan/vehicle_steering"), 470u);
  EXPECT_EQ(decoded.decoded.at("/nissan/gps/duro/current_pose"), 314u);
  EXPECT_EQ(decoded.decoded.at("/nissan/gps/duro/status_string"), 314u);

  const PoseStamped pose = typed_first<PoseStamped>(decoded, "/nissan/gps/duro/current_pose");
  EXPECT_EQ(pose.header.stamp_ns, 1'696'578'263'097'483'887);
  EXPECT_EQ(pose.header.frame_id, "map");
  EXPECT_EQ(pose.pose.position, (Point{1.810091435896591, 0.051855516337054125, 0.0}));
  EXPECT_EQ(pose.pose.orientation.w, 0.999996975345558);
  EXPECT_EQ(typed_first<String>(decoded, "/nissan/gps/duro/status_string").data, "Fixed RTK");
}

TEST(Ros2RealData, Nav2TurtlebotSimDecodesWithZeroErrors) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap");
  const DecodedRecording decoded = decode_all(path);
  EXPECT_THAT(decoded.errors, ElementsAre());
  EXPECT_EQ(decoded.decoded.at("/odom"), 2639u);
  EXPECT_EQ(decoded.decoded.at("/tf"), 5422u);
  EXPECT_EQ(decoded.decoded.at("/tf_static"), 1u);
  EXPECT_EQ(decoded.decoded.at("/amcl_pose"), 135u);

  const Odometry odom = typed_first<Odometry>(decoded, "/odom");
  EXPECT_EQ(odom.header.stamp_ns, 928'800'000'000);
  EXPECT_EQ(odom.header.frame_id, "odom");
  EXPECT_EQ(odom.child_frame_id, "base_link");
  EXPECT_EQ(odom.pose.pose.position, (Point{-2.8019166340612314, 1.0977901491292252, 0.0}));
  EXPECT_EQ(odom.pose.pose.orientation.w, -0.9964172353140746);

  const TFMessage tf_static = typed_first<TFMessage>(decoded, "/tf_static");
  ASSERT_EQ(tf_static.transforms.size(), 29u);
  EXPECT_EQ(tf_static.transforms[1].header.frame_id, "base_link");
  EXPECT_EQ(tf_static.transforms[1].child_frame_id, "bump_front_center");
  EXPECT_EQ(tf_static.transforms[1].transform.translation, (Vector3{0.175, 0.0, 0.039}));
}

TEST(Ros2RealData, Rosbag2CdrTestBasicTypesAndArrays) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/rosbag2-cdr-test/cdr_test_0.mcap");
  const DecodedRecording decoded = decode_all(path);
  EXPECT_THAT(decoded.errors, ElementsAre());
  EXPECT_EQ(decoded.decoded.at("/test_topic"), 3u);
  EXPECT_EQ(decoded.decoded.at("/array_topic"), 4u);

  DiagnosticCollector diagnostics;
  auto recording = mcap::open_mcap_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok());
  const StreamInfo* arrays = stream_of((*recording)->info(), "/array_topic");
  ASSERT_NE(arrays, nullptr);
  auto decoder = MessageDecoder::for_stream(*arrays);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  auto value = decoder->decode(decoded.first.at("/array_topic").front());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  // Hand-decoded from the raw bytes (the script consumed exactly the 696 bytes of the message
  // when each Constants[3] element took one placeholder byte).
  EXPECT_EQ(*value->find("bool_values"),
            Value(Value::Array{Value(true), Value(false), Value(true)}));
  EXPECT_EQ(
      *value->find("string_values"),
      Value(Value::Array{Value(std::string("Complex Hello1")), Value(std::string("Complex Hello2")),
                         Value(std::string("Complex Hello3"))}));
  const Value* constants = value->find("constants_values");
  ASSERT_NE(constants, nullptr);
  ASSERT_EQ(constants->as_array().size(), 3u);
  EXPECT_TRUE(constants->as_array()[0].as_struct().empty());
  EXPECT_EQ(*value->at_path("defaults_values[2].int32_value"), Value(std::int64_t{-30000}));
  EXPECT_EQ(*value->at_path("string_values_default[1]"), Value(std::string("max value")));
  EXPECT_EQ(*value->at_path("uint64_values_default[2]"),
            Value(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_EQ(*value->at_path("int64_values_default[2]"),
            Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(*value->find("float64_values_default"),
            Value(Value::Array{Value(3.1415), Value(0.0), Value(-3.1415)}));
  EXPECT_EQ(*value->find("byte_values_default"), Value(Value::Bytes{0, 1, 255}));
  EXPECT_EQ(*value->find("alignment_check"), Value(std::int64_t{0}));
}

}  // namespace
}  // namespace parity::ros2

namespace parity::ros2 {
namespace {

TEST(Ros2RealData, Rosbag2ServiceEventsAndParameterEvents) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/rosbag2-topics-and-services/topics_and_services.mcap");
  const DecodedRecording decoded = decode_all(path);
  EXPECT_THAT(decoded.errors, ElementsAre());
  EXPECT_EQ(decoded.decoded.at("/add_two_ints/_service_event"), 6u);
  EXPECT_EQ(decoded.decoded.at("/parameter_events"), 7u);

  DiagnosticCollector diagnostics;
  auto recording = mcap::open_mcap_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok());
  const StreamInfo* events = stream_of((*recording)->info(), "/add_two_ints/_service_event");
  ASSERT_NE(events, nullptr);
  auto decoder = MessageDecoder::for_stream(*events);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  auto value = decoder->decode(decoded.first.at("/add_two_ints/_service_event").front());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  // Hand-decoded from the 72 raw bytes: event_type 1 (REQUEST_RECEIVED) at offset 4, sec
  // 0x652e2257 at 8, sequence_number 1 at 36, request count 1 at 44, a = 1 at 52, b = 3 at 60,
  // response count 0 at 68.
  EXPECT_EQ(*value->at_path("info.event_type"), Value(std::uint64_t{1}));
  EXPECT_EQ(*value->at_path("info.stamp.sec"), Value(std::int64_t{0x652e2257}));
  EXPECT_EQ(*value->at_path("info.sequence_number"), Value(std::int64_t{1}));
  EXPECT_EQ(*value->at_path("request[0].a"), Value(std::int64_t{1}));
  EXPECT_EQ(*value->at_path("request[0].b"), Value(std::int64_t{3}));
  EXPECT_EQ(*value->find("response"), Value(Value::Array{}));
}

}  // namespace
}  // namespace parity::ros2

namespace parity::ros2 {
namespace {

TEST(Ros2RealData, OtherRecordingsDecodeOrAreCountedAsUnsupported) {
  struct Case {
    const char* file;
    const char* topic;
    std::uint64_t messages;
    std::uint64_t unsupported_channels;
  };
  const Case cases[] = {
      {"mcap/rosbag2-talker/talker.mcap", "/topic", 10, 0},
      {"mcap/rosbag2-multiple-files/multiple_files_1.mcap", "/chatter", 1324, 0},
      // `mouse` is json (decoded); `pose` is protobuf (counted as unsupported, not an error).
      {"mcap/rerun-json-protobuf/simple-protobuf.mcap", "mouse", 292, 1},
  };
  for (const Case& c : cases) {
    const auto path = testing::shared_data(c.file);
    if (!path) GTEST_SKIP() << "../shared/data/" << c.file << " is absent";
    const DecodedRecording decoded = decode_all(*path);
    EXPECT_THAT(decoded.errors, ElementsAre()) << c.file;
    EXPECT_EQ(decoded.decoded.at(c.topic), c.messages) << c.file;
    EXPECT_EQ(decoded.unsupported_channels, c.unsupported_channels) << c.file;
  }
}

}  // namespace
}  // namespace parity::ros2
