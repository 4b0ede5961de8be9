#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "parity/formats/ros_msg/msg_schema.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

const MsgField& field(const MsgType& type, const std::string& name) {
  for (const MsgField& f : type.fields) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no field " << name << " in " << type.name;
  static const MsgField kNone;
  return kNone;
}

TEST(CanonicalTypeName, AcceptsBothSpellings) {
  EXPECT_EQ(canonical_type_name("sensor_msgs/Imu"), "sensor_msgs/msg/Imu");
  EXPECT_EQ(canonical_type_name("sensor_msgs/msg/Imu"), "sensor_msgs/msg/Imu");
  EXPECT_EQ(canonical_type_name(" std_msgs/Header "), "std_msgs/msg/Header");
  EXPECT_EQ(canonical_type_name("example_interfaces/srv/AddTwoInts_Event"),
            "example_interfaces/srv/AddTwoInts_Event");
  EXPECT_EQ(canonical_type_name("Imu"), "");
  EXPECT_EQ(canonical_type_name("a//b"), "");
  EXPECT_EQ(canonical_type_name("a/b c"), "");
}

TEST(ParseRos2Msg, PrimitivesArraysAndBounds) {
  const char* text =
      "bool a\nbyte b\nchar c\nint8 d\nuint8 e\nint16 f\nuint16 g\nint32 h\nuint32 i\n"
      "int64 j\nuint64 k\nfloat32 l\nfloat64 m\nstring n\nwstring o\n"
      "float64[3] fixed\nint32[<=5] bounded\nstring[] unbounded\nstring<=10 bstr\n"
      "wstring<=4[<=2] bwstrs\n";
  auto schema = parse_ros2msg("pkg/msg/All", text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType& root = schema->root();
  EXPECT_EQ(root.name, "pkg/msg/All");
  ASSERT_EQ(root.fields.size(), 20u);
  const PrimitiveType expected[] = {
      PrimitiveType::kBool,    PrimitiveType::kByte,   PrimitiveType::kChar,
      PrimitiveType::kInt8,    PrimitiveType::kUint8,  PrimitiveType::kInt16,
      PrimitiveType::kUint16,  PrimitiveType::kInt32,  PrimitiveType::kUint32,
      PrimitiveType::kInt64,   PrimitiveType::kUint64, PrimitiveType::kFloat32,
      PrimitiveType::kFloat64, PrimitiveType::kString, PrimitiveType::kWString};
  for (std::size_t i = 0; i < 15; ++i) {
    EXPECT_EQ(root.fields[i].type.primitive, expected[i]) << i;
    EXPECT_EQ(root.fields[i].type.array, ArrayKind::kNone) << i;
    EXPECT_EQ(root.fields[i].line, i + 1);
  }
  EXPECT_EQ(field(root, "fixed").type.array, ArrayKind::kFixed);
  EXPECT_EQ(field(root, "fixed").type.array_size, 3u);
  EXPECT_EQ(field(root, "bounded").type.array, ArrayKind::kBounded);
  EXPECT_EQ(field(root, "bounded").type.array_size, 5u);
  EXPECT_EQ(field(root, "unbounded").type.array, ArrayKind::kUnbounded);
  EXPECT_EQ(field(root, "bstr").type.string_bound, 10u);
  EXPECT_EQ(field(root, "bwstrs").type.to_string(), "wstring<=4[<=2]");
  EXPECT_EQ(field(root, "bounded").type.to_string(), "int32[<=5]");
  // 1*5 + 2*2 + 4*2 + 8*2 + 4 + 8 + 4 + 4 (strings) + 24 (fixed) + 4 + 4 + 4 + 4
  EXPECT_EQ(root.min_wire_size, 5u + 4 + 8 + 16 + 4 + 8 + 8 + 24 + 16);
}

TEST(ParseRos2Msg, NestedTypesAreResolvedInEverySpelling) {
  const char* text =
      "Header header\n"              // implicit std_msgs/Header
      "geometry_msgs/Point p\n"      // pkg/Type
      "geometry_msgs/msg/Point q\n"  // pkg/msg/Type
      "Inner[2] inners\n"            // same package
      "time t\n"
      "\n"
      "================================================================================\n"
      "MSG: std_msgs/Header\n"
      "builtin_interfaces/Time stamp\n"
      "string frame_id\n"
      "================================================================================\n"
      "MSG: builtin_interfaces/Time\n"
      "int32 sec\n"
      "uint32 nanosec\n"
      "================================================================================\n"
      "MSG: geometry_msgs/msg/Point\n"
      "float64 x\nfloat64 y\nfloat64 z\n"
      "================================================================================\n"
      "MSG: my_pkg/Inner\n"
      "uint8 v\n";
  auto schema = parse_ros2msg("my_pkg/Outer", text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType& root = schema->root();
  EXPECT_EQ(root.name, "my_pkg/msg/Outer");
  EXPECT_EQ(field(root, "header").type.message_type, "std_msgs/msg/Header");
  EXPECT_EQ(field(root, "p").type.message_type, "geometry_msgs/msg/Point");
  EXPECT_EQ(field(root, "q").type.message_type, "geometry_msgs/msg/Point");
  EXPECT_EQ(field(root, "p").type.message_index, field(root, "q").type.message_index);
  EXPECT_EQ(field(root, "inners").type.message_type, "my_pkg/msg/Inner");
  EXPECT_EQ(field(root, "t").type.message_type, "builtin_interfaces/msg/Time");
  const MsgType& inner = schema->type(field(root, "inners").type.message_index);
  EXPECT_EQ(inner.name, "my_pkg/msg/Inner");
  ASSERT_NE(schema->find("std_msgs/Header"), nullptr);
  EXPECT_EQ(schema->find("std_msgs/Header")->min_wire_size, 12u);
  EXPECT_EQ(schema->find("geometry_msgs/msg/Point")->min_wire_size, 24u);
  // header 12 + p 24 + q 24 + inners 2*1 + t 8
  EXPECT_EQ(root.min_wire_size, 70u);
}

TEST(ParseRos2Msg, TimeAndDurationWithoutDefinitionsUseBuiltins) {
  auto schema = parse_ros2msg("pkg/T", "time t\nduration d\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType* time = schema->find("builtin_interfaces/msg/Time");
  const MsgType* duration = schema->find("builtin_interfaces/msg/Duration");
  ASSERT_NE(time, nullptr);
  ASSERT_NE(duration, nullptr);
  ASSERT_EQ(time->fields.size(), 2u);
  EXPECT_EQ(time->fields[0].name, "sec");
  EXPECT_EQ(time->fields[0].type.primitive, PrimitiveType::kInt32);
  EXPECT_EQ(time->fields[1].name, "nanosec");
  EXPECT_EQ(time->fields[1].type.primitive, PrimitiveType::kUint32);
}

TEST(ParseRos2Msg, ConstantsAndComments) {
  const char* text =
      "# leading comment\n"
      "int32 FOO=1\n"
      "uint8 BAR = 200   # trailing comment\n"
      "int8 NEG =  -1\n"
      "string S=\"x # not a comment\"\n"
      "string BARE=hello world\n"
      "float64 PI=3.14159\n"
      "bool FLAG=true\n"
      "int32 value  # the only field\n";
  auto schema = parse_ros2msg("pkg/C", text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType& root = schema->root();
  ASSERT_EQ(root.fields.size(), 1u);
  EXPECT_EQ(root.fields[0].name, "value");
  EXPECT_EQ(root.fields[0].line, 9u);
  ASSERT_EQ(root.constants.size(), 7u);
  EXPECT_EQ(root.constants[0].name, "FOO");
  EXPECT_EQ(root.constants[0].value, Value(std::int64_t{1}));
  EXPECT_EQ(root.constants[1].value, Value(std::uint64_t{200}));
  EXPECT_EQ(root.constants[2].value, Value(std::int64_t{-1}));
  EXPECT_EQ(root.constants[3].value, Value(std::string("x # not a comment")));
  EXPECT_EQ(root.constants[4].value, Value(std::string("hello world")));
  EXPECT_EQ(root.constants[5].value, Value(3.14159));
  EXPECT_EQ(root.constants[6].value, Value(true));
  EXPECT_EQ(root.constants[6].line, 8u);
}

TEST(ParseRos2Msg, DefaultValues) {
  const char* text =
      "int32 x 5\n"
      "float64 w 1\n"
      "string s \"max value\"\n"
      "uint8[3] bytes [0, 1, 255]\n"
      "string[3] strs [\"\", \"a, b\", 'c']\n"
      "int64[<=4] some [-9223372036854775808, 9223372036854775807]\n"
      "bool[] flags [true, false]\n";
  auto schema = parse_ros2msg("pkg/D", text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType& root = schema->root();
  EXPECT_EQ(field(root, "x").default_value, Value(std::int64_t{5}));
  EXPECT_EQ(field(root, "w").default_value, Value(1.0));
  EXPECT_EQ(field(root, "s").default_value, Value(std::string("max value")));
  EXPECT_EQ(field(root, "bytes").default_value,
            Value(Value::Array{Value(std::uint64_t{0}), Value(std::uint64_t{1}),
                               Value(std::uint64_t{255})}));
  EXPECT_EQ(field(root, "strs").default_value,
            Value(Value::Array{Value(std::string("")), Value(std::string("a, b")),
                               Value(std::string("c"))}));
  EXPECT_EQ(field(root, "some").default_value,
            Value(Value::Array{Value(std::numeric_limits<std::int64_t>::min()),
                               Value(std::numeric_limits<std::int64_t>::max())}));
  EXPECT_EQ(field(root, "flags").default_value, Value(Value::Array{Value(true), Value(false)}));
  EXPECT_TRUE(field(root, "x").type.primitive == PrimitiveType::kInt32);
}

TEST(ParseRos2Msg, RepeatedDependencyDefinitionsAreAccepted) {
  const char* text =
      "std_msgs/Header a\nstd_msgs/Header b\n"
      "=====\nMSG: std_msgs/Header\nstring frame_id\n"
      "=====\nMSG: std_msgs/Header\nstring frame_id\n";
  auto schema = parse_ros2msg("pkg/R", text);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->types().size(), 2u);
}

TEST(ParseRos2Msg, EmptyMessageOccupiesOneByte) {
  auto schema = parse_ros2msg("pkg/Empty", "# only constants\nint32 A=1\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_TRUE(schema->root().fields.empty());
  EXPECT_EQ(schema->root().min_wire_size, 1u);
}

TEST(ParseRos2Msg, CarriageReturnLineEndings) {
  auto schema = parse_ros2msg("pkg/W", "int32 a\r\nstring b\r\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  ASSERT_EQ(schema->root().fields.size(), 2u);
  EXPECT_EQ(schema->root().fields[1].name, "b");
}

struct BadSchema {
  const char* text;
  StatusCode code;
  const char* message;
};

class ParseRos2MsgErrors : public ::testing::TestWithParam<BadSchema> {};

TEST_P(ParseRos2MsgErrors, NameTypeLineAndProblem) {
  const BadSchema& bad = GetParam();
  auto schema = parse_ros2msg("pkg/msg/Bad", bad.text);
  ASSERT_FALSE(schema.ok()) << bad.text;
  EXPECT_EQ(schema.status().code(), bad.code) << schema.status().to_string();
  EXPECT_THAT(schema.status().message(), HasSubstr(bad.message));
}

INSTANTIATE_TEST_SUITE_P(
    All, ParseRos2MsgErrors,
    ::testing::Values(
        BadSchema{"int32 a\nflaot32 b\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 2: type 'pkg/msg/flaot32' of field 'b' is not defined"},
        BadSchema{"int32 a\nint32\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 2: expected a field or constant name after the type "
                  "'int32'"},
        BadSchema{"int32 a\nint32 a\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 2: duplicate name 'a'"},
        BadSchema{"float64[0] a\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 1: array and string bounds must be positive"},
        BadSchema{"float64[x] a\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 1: bad array or string bound 'x'"},
        BadSchema{"float64[99999999999] a\n", StatusCode::kCorrupt,
                  "line 1: bad array or string bound '99999999999'"},
        BadSchema{"int32<=5 a\n", StatusCode::kCorrupt,
                  "line 1: only string and wstring take a bound, found 'int32<=5'"},
        BadSchema{"\n\nuint8 X=256\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 3: constant 'X': '256' is not a valid uint8 value: expected "
                  "an integer in [0, 255]"},
        BadSchema{"int8 x -129\n", StatusCode::kCorrupt,
                  "line 1: default of field 'x': '-129' is not a valid int8 value"},
        BadSchema{"bool b maybe\n", StatusCode::kCorrupt,
                  "'maybe' is not a valid bool value: expected true, false, 1 or 0"},
        BadSchema{"float64 f 1.5x\n", StatusCode::kCorrupt, "'1.5x' is not a valid float64"},
        BadSchema{"int32[2] a [1, 2, 3]\n", StatusCode::kCorrupt,
                  "default has 3 elements, the fixed array needs 2"},
        BadSchema{"int32[<=1] a [1, 2]\n", StatusCode::kCorrupt,
                  "default has 2 elements, over the bound 1"},
        BadSchema{"int32[] a 1\n", StatusCode::kCorrupt, "array default '1' must be written"},
        BadSchema{"string<=3 s \"toolong\"\n", StatusCode::kCorrupt,
                  "string of 7 bytes exceeds the bound 3"},
        BadSchema{"string s \"open\n", StatusCode::kCorrupt, "unterminated string literal"},
        BadSchema{"Inner x\n=====\nMSG: pkg/Inner\nint32[] X=1\n", StatusCode::kCorrupt,
                  "pkg/msg/Inner: line 4: constant 'X' must have a primitive scalar type"},
        BadSchema{"Point p\n", StatusCode::kCorrupt,
                  "pkg/msg/Bad: line 1: type 'pkg/msg/Point' of field 'p' is not defined in the "
                  "schema"},
        BadSchema{"int32 a\n=====\nint32 b\n", StatusCode::kCorrupt,
                  "line 3: expected 'MSG: pkg/Type' after a separator line, found 'int32 b'"},
        BadSchema{"int32 a\n=====\nMSG: nopkg\n", StatusCode::kCorrupt,
                  "line 3: malformed type name 'nopkg' after MSG:"},
        BadSchema{"int32 a\n=====\n", StatusCode::kCorrupt,
                  "separator line without a following 'MSG: pkg/Type'"},
        BadSchema{"Bad self\n", StatusCode::kCorrupt, "pkg/msg/Bad: recursive type"},
        BadSchema{"A a\n===\nMSG: pkg/A\nB b\n===\nMSG: pkg/B\nA a\n", StatusCode::kCorrupt,
                  "recursive type"},
        BadSchema{"int32 a-b\n", StatusCode::kCorrupt, "invalid character in the name 'a-b'"},
        BadSchema{"int64 a\n---\nint64 sum\n", StatusCode::kUnsupported,
                  "pkg/msg/Bad: line 2: a '---' separator"},
        BadSchema{"int32 a\n=====\nIDL: pkg/msg/X\nmodule pkg {};\n", StatusCode::kUnsupported,
                  "ros2idl sections ('IDL: pkg/msg/X') are not supported"},
        BadSchema{"geometry_msgs/Point p 1\n===\nMSG: geometry_msgs/Point\nfloat64 x\n",
                  StatusCode::kCorrupt, "message-typed fields cannot have a default value"}));

TEST(ParseRos2Msg, RejectsBadRootName) {
  auto schema = parse_ros2msg("NoPackage", "int32 a\n");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(schema.status().message(), HasSubstr("'NoPackage' is not of the form pkg/Type"));
}

TEST(ParseRos2Msg, RejectsNestingDeeperThanTheLimit) {
  // T0 contains T1 contains ... T99: 100 levels.
  std::string text = "T1 next\n";
  for (int i = 1; i < 100; ++i) {
    text += fmt::format("===\nMSG: pkg/T{}\n", i);
    text += i + 1 < 100 ? fmt::format("T{} next\n", i + 1) : "int32 leaf\n";
  }
  auto schema = parse_ros2msg("pkg/T0", text);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(schema.status().message(), HasSubstr("pkg/msg/T0: messages nest deeper than 64"));

  // A type first reached on a shallow path (Root.a -> Z, 11 levels) must still count when it
  // is reached again on a deep one (Root.b -> T1 -> ... -> T60 -> Z: 71 levels).
  std::string shallow_then_deep = "Z a\nT1 b\n";
  for (int i = 1; i <= 60; ++i) {
    shallow_then_deep += fmt::format("===\nMSG: pkg/T{}\n", i);
    shallow_then_deep += i < 60 ? fmt::format("T{} next\n", i + 1) : "Z z\n";
  }
  shallow_then_deep += "===\nMSG: pkg/Z\nW1 w\n";
  for (int i = 1; i <= 9; ++i) {
    shallow_then_deep += fmt::format("===\nMSG: pkg/W{}\n", i);
    shallow_then_deep += i < 9 ? fmt::format("W{} next\n", i + 1) : "int32 leaf\n";
  }
  schema = parse_ros2msg("pkg/Root", shallow_then_deep);
  ASSERT_FALSE(schema.ok());
  EXPECT_THAT(schema.status().message(), HasSubstr("nest deeper than 64"));
}

TEST(ParseRos2Msg, HugeFixedArraysSaturateMinimumSize) {
  auto schema = parse_ros2msg("pkg/Big",
                              "Inner[4294967295] a\nInner[4294967295] b\n===\nMSG: pkg/Inner\n"
                              "float64[4294967295] x\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  EXPECT_EQ(schema->root().min_wire_size, std::numeric_limits<std::uint64_t>::max());
}

TEST(ParseRos2Msg, GarbageNeverCrashes) {
  const std::string inputs[] = {std::string("\0\0\0", 3),
                                "[[[[",
                                "]",
                                "int32[",
                                "int32[]]",
                                "=",
                                "====",
                                "MSG:",
                                "a b c d e",
                                "\xff\xfe int32 x",
                                "string<=",
                                "string<=[] s",
                                "x/y/z/w a"};
  for (const std::string& input : inputs) {
    auto schema = parse_ros2msg("pkg/G", input);
    if (schema.ok()) continue;
    EXPECT_NE(schema.status().message(), "") << input;
  }
}

}  // namespace
}  // namespace parity::ros2

namespace parity::ros2 {
namespace {

TEST(ParseRos2Msg, ServiceEventSchemasAreExpanded) {
  // As rosbag2 writes for /add_two_ints/_service_event: the .srv text under the _Event type.
  auto schema = parse_ros2msg("example_interfaces/srv/AddTwoInts_Event",
                              "int64 a\nint64 b\n---\nint64 sum\n");
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  const MsgType& root = schema->root();
  EXPECT_EQ(root.name, "example_interfaces/srv/AddTwoInts_Event");
  ASSERT_EQ(root.fields.size(), 3u);
  EXPECT_EQ(root.fields[0].type.to_string(), "service_msgs/msg/ServiceEventInfo");
  EXPECT_EQ(root.fields[1].type.to_string(), "example_interfaces/srv/AddTwoInts_Request[<=1]");
  EXPECT_EQ(root.fields[2].type.to_string(), "example_interfaces/srv/AddTwoInts_Response[<=1]");
  const MsgType* request = schema->find("example_interfaces/srv/AddTwoInts_Request");
  ASSERT_NE(request, nullptr);
  ASSERT_EQ(request->fields.size(), 2u);
  EXPECT_EQ(request->fields[1].name, "b");
  EXPECT_EQ(request->fields[1].line, 2u);
  const MsgType* response = schema->find("example_interfaces/srv/AddTwoInts_Response");
  ASSERT_NE(response, nullptr);
  ASSERT_EQ(response->fields.size(), 1u);
  EXPECT_EQ(response->fields[0].line, 4u);
  const MsgType* info = schema->find("service_msgs/msg/ServiceEventInfo");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->fields.size(), 4u);
  EXPECT_EQ(info->fields[2].type.to_string(), "char[16]");

  auto plain_service =
      parse_ros2msg("example_interfaces/srv/AddTwoInts", "int64 a\n---\nint64 s\n");
  ASSERT_FALSE(plain_service.ok());
  EXPECT_EQ(plain_service.status().code(), StatusCode::kUnsupported);
  auto action = parse_ros2msg("pkg/srv/Do_Event", "int64 a\n---\nint64 b\n---\nint64 c\n");
  ASSERT_FALSE(action.ok());
  EXPECT_EQ(action.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(action.status().message(), HasSubstr("pkg/srv/Do_Event: line 2: a '---' separator"));
}

}  // namespace
}  // namespace parity::ros2
