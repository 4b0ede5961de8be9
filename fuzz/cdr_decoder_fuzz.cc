// libFuzzer target for the ROS 2 message layer. Each input is decoded as a CDR message with a
// fixed set of schemas (JointState, PointCloud2, Imu, TFMessage and a nested test type with
// bounded, fixed, wide-string and empty members), through the typed fast path (fresh, and into
// reused objects, which must agree), as JSON, and is also parsed as a ros2msg schema text. Any
// crash, hang, sanitizer report or unbounded allocation is a bug; error Statuses are expected.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace {

using namespace parity::ros2;

constexpr std::string_view kNestedType = "fuzz_msgs/msg/Nested";
constexpr std::string_view kNestedSchema =
    "int8 a\n"
    "float64 b\n"
    "string<=8 short_name\n"
    "wstring wide\n"
    "Inner[2] pair\n"
    "Inner[<=3] some\n"
    "Inner[] many\n"
    "Empty[2] placeholders\n"
    "uint8[] blob\n"
    "char[4] tag\n"
    "float32[<=4] floats\n"
    "string[] names\n"
    "time stamp\n"
    "=====\n"
    "MSG: fuzz_msgs/Inner\n"
    "uint16 id\n"
    "float64[2] xy\n"
    "string label \"none\"\n"
    "bool[] flags\n"
    "=====\n"
    "MSG: fuzz_msgs/Empty\n"
    "int32 ONLY_A_CONSTANT=1\n";

struct Fixture {
  std::vector<MsgSchema> schemas;
};

const Fixture& fixture() {
  static const Fixture* const kFixture = [] {
    auto* f = new Fixture();
    for (std::string_view type : {"sensor_msgs/msg/JointState", "sensor_msgs/msg/PointCloud2",
                                  "sensor_msgs/msg/Imu", "tf2_msgs/msg/TFMessage"}) {
      f->schemas.push_back(std::move(parse_ros2msg(type, ros2msg_definition(type))).value());
    }
    f->schemas.push_back(std::move(parse_ros2msg(kNestedType, kNestedSchema)).value());
    return f;
  }();
  return *kFixture;
}

void exercise(const Value& value) {
  // Rendering must never throw, whatever the strings hold.
  (void)to_json(value).dump();
}

// decode_cdr_into an object that already holds `previous` must give exactly decode_cdr_as
// (compared as re-encoded bytes, so NaNs compare equal).
template <typename T>
void check_into(std::span<const std::uint8_t> input, const T& previous) {
  const auto fresh = decode_cdr_as<T>(input);
  T reused = previous;
  const parity::Status status = decode_cdr_into(input, reused);
  if (status != fresh.status()) __builtin_trap();
  if (fresh.ok() && encode_cdr(reused) != encode_cdr(*fresh)) __builtin_trap();
}

// Messages with more elements and longer strings than most inputs decode to.
struct Previous {
  JointState joints;
  TFMessage tf;
  PointCloud2 cloud;
};

const Previous& previous() {
  static const Previous* const kPrevious = [] {
    auto* p = new Previous();
    p->joints.header = {1, "a_frame_name_longer_than_sso"};
    for (int i = 0; i < 9; ++i) {
      p->joints.name.push_back("joint_name_longer_than_sso_" + std::to_string(i));
      p->joints.position.push_back(i);
      p->joints.velocity.push_back(-i);
      p->joints.effort.push_back(2 * i);
    }
    for (int i = 0; i < 3; ++i) {
      p->tf.transforms.push_back({{i, "parent_frame_longer_than_sso"},
                                  "child_frame_longer_than_sso",
                                  {{1, 2, 3}, {0, 0, 0, 1}}});
    }
    p->cloud.header = {2, "lidar"};
    p->cloud.height = 1;
    p->cloud.width = 4;
    p->cloud.fields = {{"x", 0, PointField::kFloat32, 1}, {"y", 4, PointField::kFloat32, 1}};
    p->cloud.point_step = 8;
    p->cloud.row_step = 32;
    p->cloud.data.assign(32, 0x5A);
    p->cloud.is_dense = true;
    return p;
  }();
  return *kPrevious;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  for (const MsgSchema& schema : fixture().schemas) {
    auto value = decode_cdr(schema, input);
    if (value.ok()) exercise(*value);
  }

  if (auto joints = decode_cdr_as<JointState>(input); joints.ok()) (void)joints->name.size();
  if (auto imu = decode_cdr_as<Imu>(input); imu.ok()) (void)imu->orientation.w;
  if (auto tf = decode_cdr_as<TFMessage>(input); tf.ok()) (void)tf->transforms.size();
  if (auto cloud = decode_cdr_as<PointCloud2>(input); cloud.ok()) {
    if (auto xyz = read_xyz(*cloud); xyz.ok() && !xyz->empty()) (void)xyz->back()[2];
  }
  check_into(input, previous().joints);
  check_into(input, previous().tf);
  check_into(input, previous().cloud);

  if (auto json = decode_json(input); json.ok()) {
    exercise(*json);
    (void)extract<Imu>(*json);
  }

  // The input as a schema text (a message, and a rosbag2 service event whose .srv text is
  // expanded); when it parses, decode a few fixed messages with it.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::uint8_t> kSamples[] = {
      {0x00, 0x01, 0x00, 0x00},
      {0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x41, 0x00},
      {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02,
       0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10}};
  for (std::string_view root : {"fuzz_msgs/msg/Root", "fuzz_msgs/srv/Root_Event"}) {
    auto schema = parse_ros2msg(root, text);
    if (!schema.ok()) continue;
    for (const std::vector<std::uint8_t>& sample : kSamples) {
      auto value = decode_cdr(*schema, sample);
      if (value.ok()) exercise(*value);
    }
  }
  return 0;
}
