#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

StreamInfo cdr_stream(std::string type, std::string schema) {
  StreamInfo stream;
  stream.id = 3;
  stream.topic = "/joints";
  stream.type = std::move(type);
  stream.message_encoding = "cdr";
  stream.schema_encoding = "ros2msg";
  stream.schema = std::move(schema);
  return stream;
}

TEST(MessageDecoder, CdrWithRos2MsgSchema) {
  const StreamInfo stream = cdr_stream("sensor_msgs/msg/JointState",
                                       std::string(ros2msg_definition("sensor_msgs/JointState")));
  auto decoder = MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  EXPECT_EQ(decoder->encoding(), MessageEncoding::kCdr);
  EXPECT_EQ(decoder->topic(), "/joints");
  ASSERT_NE(decoder->schema(), nullptr);
  EXPECT_EQ(decoder->schema()->root().name, "sensor_msgs/msg/JointState");

  JointState joints{{2'000'000'001, "base"}, {"a", "b"}, {1.5, -2.5}, {}, {0.25}};
  auto value = decoder->decode(encode_joint_state(joints));
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value->at_path("header.stamp.sec"), Value(std::int64_t{2}));
  EXPECT_EQ(*value->at_path("header.stamp.nanosec"), Value(std::uint64_t{1}));
  EXPECT_EQ(*value->at_path("name[1]"), Value(std::string("b")));
  EXPECT_EQ(*value->at_path("position"), Value(Value::Array{Value(1.5), Value(-2.5)}));
  EXPECT_EQ(value->at_path("position[2]"), nullptr);
  EXPECT_EQ(value->at_path("nope.x"), nullptr);

  const std::vector<std::uint8_t> truncated_bytes = {0x00, 0x01, 0x00, 0x00, 0x01};
  auto bad = decoder->decode(truncated_bytes);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(bad.status().message(),
            "/joints: sensor_msgs/msg/JointState: field 'header.stamp.sec': offset 4: need 4 "
            "bytes, 1 left (message is 5 bytes)");
}

TEST(MessageDecoder, CdrWithoutSchemaFallsBackToShippedDefinitions) {
  StreamInfo stream = cdr_stream("geometry_msgs/msg/PoseStamped", "");
  stream.schema_encoding = "";
  auto decoder = MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  PoseStamped pose{{1, "map"}, {{1, 2, 3}, {0, 0, 0, 1}}};
  auto value = decoder->decode(encode_pose_stamped(pose));
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*extract<PoseStamped>(*value), pose);

  stream.type = "custom_msgs/msg/Unknown";
  auto unknown = MessageDecoder::for_stream(stream);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(unknown.status().message(),
            "topic /joints: cdr messages of type 'custom_msgs/msg/Unknown' come without a schema "
            "and Parity has no built-in definition for that type");
}

TEST(MessageDecoder, UnsupportedEncodingsAreNamed) {
  StreamInfo stream = cdr_stream("foxglove.PoseInFrame", "\x0a\x01");
  stream.topic = "/pose";
  stream.message_encoding = "protobuf";
  stream.schema_encoding = "protobuf";
  auto decoder = MessageDecoder::for_stream(stream);
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(decoder.status().message(),
              ::testing::StartsWith("topic /pose: message encoding 'protobuf' is not supported "
                                    "(supported: cdr with ros2msg schemas, json"));

  for (const char* encoding : {"flatbuffer", "cbor", "msgpack", ""}) {
    stream.message_encoding = encoding;
    auto other = MessageDecoder::for_stream(stream);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.status().code(), StatusCode::kUnsupported);
    EXPECT_THAT(other.status().message(),
                HasSubstr(std::string("message encoding '") + encoding + "'"));
  }

  StreamInfo idl = cdr_stream("pkg/msg/T", "module pkg { module msg { struct T { long x; }; }; };");
  idl.schema_encoding = "ros2idl";
  auto idl_decoder = MessageDecoder::for_stream(idl);
  ASSERT_FALSE(idl_decoder.ok());
  EXPECT_EQ(idl_decoder.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(idl_decoder.status().message(), HasSubstr("schema encoding 'ros2idl'"));
}

TEST(MessageDecoder, BadSchemaIsReportedWithTheTopic) {
  auto decoder = MessageDecoder::for_stream(cdr_stream("pkg/msg/T", "int32 a\nflaot64 b\n"));
  ASSERT_FALSE(decoder.ok());
  EXPECT_EQ(decoder.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(decoder.status().message(),
            "topic /joints: pkg/msg/T: line 2: type 'pkg/msg/flaot64' of field 'b' is not "
            "defined in the schema");
}

TEST(MessageDecoder, JsonMessages) {
  StreamInfo stream;
  stream.topic = "mouse";
  stream.type = "MouseEvent";
  stream.message_encoding = "json";
  stream.schema_encoding = "jsonschema";
  stream.schema = R"({"type":"object"})";
  auto decoder = MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  EXPECT_EQ(decoder->encoding(), MessageEncoding::kJson);
  EXPECT_EQ(decoder->schema(), nullptr);

  auto value = decoder->decode(
      bytes_of(R"({"z": 1, "a": -2, "big": 18446744073709551615, "f": 0.5, "s": "\u00e9", )"
               R"("n": null, "b": true, "arr": [1, "x"], "obj": {"k": []}})"));
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  const Value expected(Value::Struct{
      {"z", Value(std::int64_t{1})},
      {"a", Value(std::int64_t{-2})},
      {"big", Value(std::numeric_limits<std::uint64_t>::max())},
      {"f", Value(0.5)},
      {"s", Value(std::string("\xC3\xA9"))},
      {"n", Value()},
      {"b", Value(true)},
      {"arr", Value(Value::Array{Value(std::int64_t{1}), Value(std::string("x"))})},
      {"obj", Value(Value::Struct{{"k", Value(Value::Array{})}})},
  });
  EXPECT_EQ(*value, expected);  // members keep document order

  auto bad = decoder->decode(bytes_of(R"({"x": )"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad.status().message(), HasSubstr("mouse: invalid JSON message (6 bytes): "));
  EXPECT_THAT(bad.status().message(), HasSubstr("parse error"));
}

TEST(DecodeJson, DeepNestingIsRejectedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto value = decode_json(bytes_of(deep));
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(), "JSON nests deeper than 256 levels");

  const std::string ok = std::string(200, '[') + std::string(200, ']');
  EXPECT_TRUE(decode_json(bytes_of(ok)).ok());
  const std::string in_string = "\"" + std::string(1000, '[') + "\"";
  auto text = decode_json(bytes_of(in_string));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->as_string(), std::string(1000, '['));
}

TEST(DecodeJson, JsonToTypedMessage) {
  auto value =
      decode_json(bytes_of(R"({"header": {"stamp": {"sec": 3, "nsec": 4}, "frame_id": "imu"},)"
                           R"( "orientation": {"x": 0, "y": 0, "z": 0, "w": 1},)"
                           R"( "orientation_covariance": [0,0,0,0,0,0,0,0,0],)"
                           R"( "angular_velocity": {"x": 0.5, "y": 1, "z": -1},)"
                           R"( "angular_velocity_covariance": [1,0,0,0,1,0,0,0,1.5],)"
                           R"( "linear_acceleration": {"x": 0, "y": 0, "z": 9.81},)"
                           R"( "linear_acceleration_covariance": [0,0,0,0,0,0,0,0,0]})"));
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  auto imu = extract_imu(*value);
  ASSERT_TRUE(imu.ok()) << imu.status().to_string();
  EXPECT_EQ(imu->header.stamp_ns, 3'000'000'004);
  EXPECT_EQ(imu->header.frame_id, "imu");
  EXPECT_EQ(imu->angular_velocity, (Vector3{0.5, 1.0, -1.0}));
  EXPECT_EQ(imu->angular_velocity_covariance[8], 1.5);
  EXPECT_EQ(imu->linear_acceleration.z, 9.81);
}

TEST(ToJson, BytesArraysAndSpecialNumbers) {
  Value::Bytes blob(1000);
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<std::uint8_t>(i);
  Value::Array many;
  for (int i = 0; i < 100; ++i) many.emplace_back(std::int64_t{i});
  const Value value(Value::Struct{
      {"blob", Value(blob)},
      {"small", Value(Value::Bytes{1, 2, 255})},
      {"many", Value(many)},
      {"nan", Value(std::nan(""))},
      {"inf", Value(-std::numeric_limits<double>::infinity())},
      {"bad_utf8", Value(std::string("a\xff"
                                     "b"))},
      {"null", Value()},
  });

  const nlohmann::json summary = to_json(value);
  EXPECT_EQ(summary["blob"],
            (nlohmann::json{{"bytes", 1000}, {"head", "000102030405060708090a0b0c0d0e0f"}}));
  EXPECT_EQ(summary["small"], (nlohmann::json{1, 2, 255}));
  EXPECT_EQ(summary["many"]["count"], 100);
  EXPECT_EQ(summary["many"]["head"].size(), 64u);
  EXPECT_EQ(summary["many"]["head"][63], 63);
  EXPECT_EQ(summary["nan"], "nan");
  EXPECT_EQ(summary["inf"], "-inf");
  EXPECT_EQ(summary["bad_utf8"],
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(summary["null"].is_null());
  EXPECT_NO_THROW(summary.dump());

  JsonOptions options;
  options.bytes = BytesFormat::kBase64;
  options.max_array_items = 1000;
  options.bytes_inline_max = 0;
  const nlohmann::json full = to_json(value, options);
  EXPECT_EQ(full["small"], "AQL/");
  EXPECT_EQ(full["blob"].get<std::string>().size(), 1336u);
  EXPECT_EQ(full["blob"].get<std::string>().substr(0, 8), "AAECAwQF");
  EXPECT_EQ(full["many"].size(), 100u);

  options.bytes = BytesFormat::kArray;
  EXPECT_EQ(to_json(value, options)["blob"].size(), 1000u);

  EXPECT_EQ(to_json(Value(Value::Bytes{'M', 'a'}),
                    {.bytes = BytesFormat::kBase64, .bytes_inline_max = 0}),
            "TWE=");
  EXPECT_EQ(
      to_json(Value(Value::Bytes{'M'}), {.bytes = BytesFormat::kBase64, .bytes_inline_max = 0}),
      "TQ==");
}

}  // namespace
}  // namespace parity::ros2
