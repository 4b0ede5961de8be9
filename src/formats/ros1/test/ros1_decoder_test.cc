// The ROS 1 deserializer (ros1_decoder.h) and the ROS 1 dialect of the .msg parser, on
// hand-built bytes; typed extraction from ROS 1 trees.
#include "parity/formats/ros_msg/ros1_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/ros1/test/ros1_test_util.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {
namespace {

using ros1::testing::Ros1Bytes;
using ::testing::HasSubstr;

MsgSchema schema_or_die(std::string_view type, std::string_view text) {
  auto schema = parse_ros1msg(type, text);
  EXPECT_TRUE(schema.ok()) << schema.status().to_string();
  return std::move(schema).value();
}

Value decode_or_die(const MsgSchema& schema, const std::vector<std::uint8_t>& bytes) {
  auto value = decode_ros1(schema, bytes);
  EXPECT_TRUE(value.ok()) << value.status().to_string();
  return value.ok() ? std::move(value).value() : Value();
}

constexpr std::string_view kPrimitives =
    "bool b\nint8 i8\nuint8 u8\nbyte by\nchar ch\nint16 i16\nuint16 u16\nint32 i32\n"
    "uint32 u32\nint64 i64\nuint64 u64\nfloat32 f32\nfloat64 f64\nstring s\ntime t\n"
    "duration d\n";

std::vector<std::uint8_t> primitive_bytes() {
  return Ros1Bytes()
      .u8(1)
      .i8(-5)
      .u8(200)
      .u8(0xff)  // byte: int8 -1 in ROS 1
      .u8(0xff)  // char: uint8 255 in ROS 1
      .i16(-300)
      .u16(60000)
      .i32(-70000)
      .u32(4000000000u)
      .i64(-5000000000)
      .u64(18000000000000000000u)
      .f32(1.5f)
      .f64(-2.25)
      .str("héllo")
      .u32(1700000000)
      .u32(999999999)
      .i32(-3)
      .i32(-500)
      .bytes();
}

TEST(Ros1Decoder, EveryPrimitive) {
  const MsgSchema schema = schema_or_die("test_msgs/Primitives", kPrimitives);
  const Value v = decode_or_die(schema, primitive_bytes());
  EXPECT_EQ(v.find("b")->as_bool(), true);
  EXPECT_EQ(v.find("i8")->as_int(), -5);
  EXPECT_EQ(v.find("u8")->as_uint(), 200u);
  EXPECT_EQ(v.find("by")->as_int(), -1);
  EXPECT_EQ(v.find("ch")->as_uint(), 255u);
  EXPECT_EQ(v.find("i16")->as_int(), -300);
  EXPECT_EQ(v.find("u16")->as_uint(), 60000u);
  EXPECT_EQ(v.find("i32")->as_int(), -70000);
  EXPECT_EQ(v.find("u32")->as_uint(), 4000000000u);
  EXPECT_EQ(v.find("i64")->as_int(), -5000000000);
  EXPECT_EQ(v.find("u64")->as_uint(), 18000000000000000000u);
  EXPECT_EQ(v.find("f32")->as_double(), 1.5);
  EXPECT_EQ(v.find("f64")->as_double(), -2.25);
  EXPECT_EQ(v.find("s")->as_string(), "héllo");
  EXPECT_EQ(v.at_path("t.secs")->as_uint(), 1700000000u);
  EXPECT_EQ(v.at_path("t.nsecs")->as_uint(), 999999999u);
  EXPECT_EQ(v.at_path("d.secs")->as_int(), -3);
  EXPECT_EQ(v.at_path("d.nsecs")->as_int(), -500);
  // time / duration are the ROS 1 structs, not builtin_interfaces.
  EXPECT_NE(schema.find("ros1/msg/Time"), nullptr);
  EXPECT_NE(schema.find("ros1/msg/Duration"), nullptr);
  EXPECT_EQ(schema.find("builtin_interfaces/msg/Time"), nullptr);
}

TEST(Ros1Decoder, TruncationAtEveryByteNamesTheField) {
  const MsgSchema schema = schema_or_die("test_msgs/Primitives", kPrimitives);
  const auto full = primitive_bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto value = decode_ros1(schema, std::span(full.data(), n));
    ASSERT_FALSE(value.ok()) << n;
    EXPECT_TRUE(value.status().code() == StatusCode::kTruncated ||
                value.status().code() == StatusCode::kCorrupt)
        << value.status().to_string();
    EXPECT_THAT(value.status().message(),
                ::testing::StartsWith("test_msgs/msg/Primitives: field '"));
  }
  auto cut = decode_ros1(schema, std::span(full.data(), 20));  // 3 bytes into i64
  EXPECT_EQ(cut.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(cut.status().message(),
            "test_msgs/msg/Primitives: field 'i64': offset 17: an int64 needs 8 bytes, 3 left");
  auto in_time = decode_ros1(schema, std::span(full.data(), full.size() - 10));
  EXPECT_EQ(in_time.status().message(),
            "test_msgs/msg/Primitives: field 't.nsecs': offset 59: a uint32 needs 4 bytes, 2 left");
  // String length prefix intact, bytes missing: the length is corrupt for the bytes left.
  auto in_string = decode_ros1(schema, std::span(full.data(), 52));
  EXPECT_EQ(in_string.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(in_string.status().message(),
            "test_msgs/msg/Primitives: field 's': offset 45: string length 6 exceeds the 3 bytes "
            "left");
}

TEST(Ros1Decoder, NestedAndArrays) {
  const std::string text =
      "Header header\n"
      "float64[3] fixed\n"
      "uint8[4] blob4\n"
      "uint8[] blob\n"
      "int32[] ints\n"
      "string[] names\n"
      "geometry_msgs/Point[] points\n"
      "geometry_msgs/Point[2] pair\n"
      "char[] chars\n"
      "byte[2] raw\n"
      "================================================================================\n"
      "MSG: std_msgs/Header\n"
      "uint32 seq\ntime stamp\nstring frame_id\n"
      "================================================================================\n"
      "MSG: geometry_msgs/Point\n"
      "float64 x\nfloat64 y\nfloat64 z\n";
  const MsgSchema schema = schema_or_die("test_msgs/Nested", text);
  Ros1Bytes b;
  b.header(7, 100, 200, "map");
  b.f64(1).f64(2).f64(3);
  b.u8(9).u8(8).u8(7).u8(6);
  b.u32(2).u8(0xaa).u8(0xbb);
  b.u32(3).i32(-1).i32(0).i32(1);
  b.u32(2).str("a").str("bc");
  b.u32(1).f64(4).f64(5).f64(6);
  b.f64(1).f64(1).f64(1).f64(2).f64(2).f64(2);
  b.u32(0);
  b.u8(0x80).u8(0x01);
  b.u8(0xee);  // trailing bytes are ignored
  const Value v = decode_or_die(schema, b.bytes());
  EXPECT_EQ(v.at_path("header.seq")->as_uint(), 7u);
  EXPECT_EQ(v.at_path("header.stamp.secs")->as_uint(), 100u);
  EXPECT_EQ(v.at_path("header.frame_id")->as_string(), "map");
  ASSERT_TRUE(v.find("fixed")->is_array());
  EXPECT_EQ(v.find("fixed")->as_array().size(), 3u);
  EXPECT_EQ(v.at_path("fixed[2]")->as_double(), 3.0);
  EXPECT_EQ(v.find("blob4")->as_bytes(), (Value::Bytes{9, 8, 7, 6}));
  EXPECT_EQ(v.find("blob")->as_bytes(), (Value::Bytes{0xaa, 0xbb}));
  EXPECT_EQ(v.at_path("ints[0]")->as_int(), -1);
  EXPECT_EQ(v.at_path("names[1]")->as_string(), "bc");
  EXPECT_EQ(v.at_path("points[0].z")->as_double(), 6.0);
  EXPECT_EQ(v.at_path("pair[1].x")->as_double(), 2.0);
  EXPECT_TRUE(v.find("chars")->as_bytes().empty());
  EXPECT_EQ(v.find("raw")->as_bytes(), (Value::Bytes{0x80, 0x01}));

  // A huge sequence count is rejected before allocating, naming the field.
  Ros1Bytes bad;
  bad.header(7, 100, 200, "map")
      .f64(1)
      .f64(2)
      .f64(3)
      .u8(9)
      .u8(8)
      .u8(7)
      .u8(6)
      .u32(0)
      .u32(0x7fffffff);
  auto huge = decode_ros1(schema, bad.bytes());
  EXPECT_EQ(huge.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(huge.status().message(),
            "test_msgs/msg/Nested: field 'ints': offset 55: sequence count 2147483647 needs at "
            "least 8589934588 bytes (4 per int32), 0 left");
  // A fixed array that does not fit is truncated data.
  auto short_fixed = decode_ros1(schema, Ros1Bytes().header(1, 2, 3, "").f64(1).bytes());
  EXPECT_EQ(short_fixed.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(short_fixed.status().message(),
              HasSubstr("field 'fixed': offset 16: fixed array of 3 float64 needs at least 24 "
                        "bytes, 8 left"));
  // The path goes through array elements.
  Ros1Bytes in_points;
  in_points.header(7, 100, 200, "map")
      .f64(1)
      .f64(2)
      .f64(3)
      .u8(9)
      .u8(8)
      .u8(7)
      .u8(6)
      .u32(0)
      .u32(0)
      .u32(0)
      .u32(2)
      .f64(1)
      .f64(2)
      .f64(3)
      .f64(4);
  auto elem = decode_ros1(schema, in_points.bytes());
  EXPECT_EQ(elem.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(elem.status().message(), HasSubstr("field 'points': offset"));
}

TEST(Ros1Schema, HeaderTimeAndConstants) {
  // Header without its MSG: section resolves to the ROS 1 std_msgs/Header.
  const MsgSchema bare = schema_or_die("pkg/Stamped", "Header header\nint32 value\n");
  const MsgType* header = bare.find("std_msgs/Header");
  ASSERT_NE(header, nullptr);
  ASSERT_EQ(header->fields.size(), 3u);
  EXPECT_EQ(header->fields[0].name, "seq");
  EXPECT_EQ(header->fields[1].name, "stamp");
  EXPECT_EQ(header->fields[1].type.message_type, "ros1/msg/Time");
  EXPECT_EQ(header->fields[2].name, "frame_id");
  const Value v = decode_or_die(bare, Ros1Bytes().header(3, 10, 20, "f").i32(-9).bytes());
  EXPECT_EQ(v.at_path("header.stamp.nsecs")->as_uint(), 20u);
  EXPECT_EQ(v.find("value")->as_int(), -9);

  // `time` never resolves to a user type that happens to be called Time.
  const MsgSchema user_time =
      schema_or_die("pkg/T", "time t\nfoo/Time other\n===\nMSG: foo/Time\nstring label\n");
  const Value t = decode_or_die(user_time, Ros1Bytes().u32(1).u32(2).str("x").bytes());
  EXPECT_EQ(t.at_path("t.secs")->as_uint(), 1u);
  EXPECT_EQ(t.at_path("other.label")->as_string(), "x");

  // ROS 1 constants: a string's value is the rest of the line, '#' included; byte is signed.
  const MsgSchema constants = schema_or_die(
      "pkg/C", "string NAME=hello # not a comment\nbyte NEG=-1\nuint8 X=3 # comment\nint32 v\n");
  const MsgType& root = constants.root();
  ASSERT_EQ(root.constants.size(), 3u);
  EXPECT_EQ(root.constants[0].value.as_string(), "hello # not a comment");
  EXPECT_EQ(root.constants[1].value.as_int(), -1);
  EXPECT_EQ(root.constants[2].value.as_uint(), 3u);
  // The ROS 2 parser keeps its own meanings.
  auto ros2 = parse_ros2msg("pkg/T", "time t\n");
  ASSERT_TRUE(ros2.ok());
  EXPECT_NE(ros2->find("builtin_interfaces/msg/Time"), nullptr);

  // An empty definition is an empty message (std_msgs/Empty): zero bytes.
  const MsgSchema empty = schema_or_die("std_msgs/Empty", "");
  const Value e = decode_or_die(empty, {});
  EXPECT_TRUE(e.is_struct());
  EXPECT_TRUE(e.as_struct().empty());
}

TEST(Ros1Decoder, MessageDecoderAcceptsRos1Streams) {
  StreamInfo stream;
  stream.topic = "/chatter";
  stream.type = "std_msgs/String";
  stream.message_encoding = "ros1";
  stream.schema_encoding = "ros1msg";
  stream.schema = "string data\n";
  auto decoder = MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  EXPECT_EQ(decoder->encoding(), MessageEncoding::kRos1);
  auto value = decoder->decode(Ros1Bytes().str("hi").bytes());
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(to_json(*value).dump(), R"({"data":"hi"})");
  auto bad = decoder->decode(Ros1Bytes().u32(10).bytes());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(bad.status().message(),
            "/chatter: std_msgs/msg/String: field 'data': offset 0: string length 10 exceeds the "
            "0 bytes left");

  stream.schema_encoding = "";
  auto no_schema = MessageDecoder::for_stream(stream);
  EXPECT_EQ(no_schema.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(no_schema.status().message(),
            "topic /chatter: ros1 messages need a 'ros1msg' schema, found schema encoding ''");
  stream.schema_encoding = "ros1msg";
  stream.schema = "strin data\n";
  auto broken = MessageDecoder::for_stream(stream);
  EXPECT_EQ(broken.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(broken.status().message(), HasSubstr("topic /chatter: std_msgs/msg/String: line 1"));
}

// ROS 1 definitions as rosbag stores them (comments left out).
constexpr std::string_view kHeaderSection =
    "================================================================================\n"
    "MSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n";

TEST(Ros1Typed, ImuAndJointStateFromRos1Bytes) {
  const std::string imu_text =
      std::string(
          "Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance\n"
          "geometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
          "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] "
          "linear_acceleration_covariance\n") +
      std::string(kHeaderSection) +
      "================================================================================\n"
      "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n"
      "================================================================================\n"
      "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n";
  const MsgSchema imu_schema = schema_or_die("sensor_msgs/Imu", imu_text);
  Ros1Bytes b;
  b.header(42, 1700000000, 5, "imu_link").f64(0).f64(0).f64(0.7071).f64(0.7071);
  for (int i = 0; i < 9; ++i) b.f64(i);
  b.f64(0.1).f64(0.2).f64(0.3);
  for (int i = 0; i < 9; ++i) b.f64(-i);
  b.f64(0).f64(0).f64(9.81);
  for (int i = 0; i < 9; ++i) b.f64(i * 10);
  auto imu = extract<Imu>(decode_or_die(imu_schema, b.bytes()));
  ASSERT_TRUE(imu.ok()) << imu.status().to_string();
  EXPECT_EQ(imu->header.stamp_ns, 1700000000'000000005);
  EXPECT_EQ(imu->header.frame_id, "imu_link");
  EXPECT_DOUBLE_EQ(imu->orientation.w, 0.7071);
  EXPECT_DOUBLE_EQ(imu->orientation_covariance[8], 8.0);
  EXPECT_DOUBLE_EQ(imu->angular_velocity.y, 0.2);
  EXPECT_DOUBLE_EQ(imu->angular_velocity_covariance[3], -3.0);
  EXPECT_DOUBLE_EQ(imu->linear_acceleration.z, 9.81);
  EXPECT_DOUBLE_EQ(imu->linear_acceleration_covariance[1], 10.0);

  const std::string joints_text =
      std::string(
          "Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
          "float64[] effort\n") +
      std::string(kHeaderSection);
  const MsgSchema joints_schema = schema_or_die("sensor_msgs/JointState", joints_text);
  Ros1Bytes j;
  j.header(1, 3000000000u, 0, "").u32(2).str("shoulder").str("elbow");
  j.u32(2).f64(0.5).f64(-0.25).u32(2).f64(1).f64(2).u32(0);
  auto joints = extract<JointState>(decode_or_die(joints_schema, j.bytes()));
  ASSERT_TRUE(joints.ok()) << joints.status().to_string();
  // A ROS 1 secs above INT32_MAX (after 2038) is read as unsigned.
  EXPECT_EQ(joints->header.stamp_ns, 3'000'000'000'000'000'000);
  EXPECT_EQ(joints->name, (std::vector<std::string>{"shoulder", "elbow"}));
  EXPECT_EQ(joints->position, (std::vector<double>{0.5, -0.25}));
  EXPECT_EQ(joints->velocity, (std::vector<double>{1, 2}));
  EXPECT_TRUE(joints->effort.empty());

  // The typed fast path gives the same values straight from the bytes, reusing its object.
  auto fast_imu = decode_ros1_as<Imu>(b.bytes());
  ASSERT_TRUE(fast_imu.ok()) << fast_imu.status().to_string();
  EXPECT_EQ(*fast_imu, *imu);
  JointState reused;
  reused.name = {"stale", "entries", "here"};
  ASSERT_TRUE(decode_ros1_into(j.bytes(), reused).ok());
  EXPECT_EQ(reused, *joints);
  // Truncated input names the field and the offset.
  const auto& jb = j.bytes();
  auto cut = decode_ros1_as<JointState>(std::span(jb.data(), 54));
  EXPECT_EQ(cut.status().code(), StatusCode::kCorrupt);  // the count no longer fits
  EXPECT_EQ(cut.status().message(),
            "sensor_msgs/msg/JointState: field 'position': offset 45: sequence count 2 needs at "
            "least 16 bytes (8 per element), 9 left");
  auto cut_fixed = decode_ros1_as<Imu>(std::span(b.bytes().data(), 100));
  EXPECT_EQ(cut_fixed.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(cut_fixed.status().message(),
            "sensor_msgs/msg/Imu: field 'orientation_covariance[5]': offset 96: needs 8 bytes, 4 "
            "left");
  auto in_header = decode_ros1_as<Imu>(std::span(b.bytes().data(), 6));
  EXPECT_EQ(in_header.status().message(),
            "sensor_msgs/msg/Imu: field 'header.stamp': offset 4: needs 4 bytes, 2 left");
  auto bad_count = decode_ros1_as<JointState>(Ros1Bytes().header(1, 2, 3, "").u32(1000).bytes());
  EXPECT_EQ(bad_count.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(bad_count.status().message(),
            "sensor_msgs/msg/JointState: field 'name': offset 20: sequence count 1000 needs at "
            "least 4000 bytes (4 per element), 0 left");

  // Seconds outside int32 (ROS 2) and uint32 (ROS 1) are rejected, not overflowed.
  const Value far_future(Value::Struct{
      {"stamp", Value(Value::Struct{{"sec", Value(std::int64_t{1'000'000'000'000'000})},
                                    {"nanosec", Value(std::uint64_t{0})}})},
      {"frame_id", Value(std::string("x"))}});
  auto overflow = extract<Header>(far_future);
  EXPECT_EQ(overflow.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(overflow.status().message(),
            "std_msgs/msg/Header: field 'stamp.sec' value 1000000000000000 is out of range "
            "[-2147483648, 4294967295]");

  // Header extraction without a stamp names what it needs.
  const MsgSchema broken =
      schema_or_die("pkg/H", "std_msgs/Header header\n" + std::string(kHeaderSection));
  Value tree = decode_or_die(broken, Ros1Bytes().header(1, 2, 3, "x").bytes());
  tree.as_struct()[0].value.as_struct()[1].value = Value(Value::Struct{});
  auto no_stamp = extract<PoseStamped>(tree);
  EXPECT_EQ(no_stamp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_stamp.status().message(),
              HasSubstr("field 'header.stamp' needs members 'sec' and 'nanosec'"));
}

}  // namespace
}  // namespace parity::ros2
