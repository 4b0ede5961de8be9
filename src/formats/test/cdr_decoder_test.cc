#include "parity/formats/ros_msg/cdr_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "parity/formats/ros_msg/msg_definitions.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

// Builds CDR bytes by hand, independently of CdrWriter: explicit endianness, explicit padding.
class Bytes {
 public:
  explicit Bytes(bool little) : little_(little) {
    out_ = {0x00, static_cast<std::uint8_t>(little ? 0x01 : 0x00), 0x00, 0x00};
  }
  Bytes& pad(std::size_t alignment) {
    while ((out_.size() - 4) % alignment != 0) out_.push_back(0);
    return *this;
  }
  template <typename T>
  Bytes& put(T v) {
    pad(sizeof(T));
    std::uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    if (!little_) std::reverse(raw, raw + sizeof(T));
    out_.insert(out_.end(), raw, raw + sizeof(T));
    return *this;
  }
  Bytes& str(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size() + 1));
    out_.insert(out_.end(), s.begin(), s.end());
    out_.push_back(0);
    return *this;
  }
  Bytes& raw(std::initializer_list<std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes);
    return *this;
  }
  const std::vector<std::uint8_t>& bytes() const { return out_; }
  std::size_t size() const { return out_.size(); }

 private:
  bool little_;
  std::vector<std::uint8_t> out_;
};

MsgSchema schema_of(const std::string& type, const std::string& text) {
  auto schema = parse_ros2msg(type, text);
  EXPECT_TRUE(schema.ok()) << schema.status().to_string();
  return std::move(schema).value();
}

Value I(std::int64_t v) {
  return Value(v);
}
Value U(std::uint64_t v) {
  return Value(v);
}
Value D(double v) {
  return Value(v);
}
Value S(const char* v) {
  return Value(std::string(v));
}

const char* kMixed =
    "int8 a\n"
    "int32 b\n"
    "float64 c\n"
    "string s\n"
    "uint8[] blob\n"
    "int16[2] pair\n"
    "bool flag\n"
    "float32[] f\n"
    "uint64 big\n";

std::vector<std::uint8_t> mixed_bytes(bool little) {
  Bytes b(little);
  // Offsets are counted from the end of the 4-byte header.
  b.put<std::int8_t>(-5);                          // a      0
  b.put<std::int32_t>(-70000);                     // b      4 (3 bytes padding)
  b.put<double>(2.5);                              // c      8
  b.str("hi");                                     // s      16: length 3, then "hi\0" at 20..22
  b.put<std::uint32_t>(3).raw({1, 2, 3});          // blob   24 (1 pad): count, bytes 28..30
  b.put<std::int16_t>(-1).put<std::int16_t>(300);  // pair 32 (1 pad)
  b.put<std::uint8_t>(1);                          // flag 36
  b.put<std::uint32_t>(2).put<float>(0.5f).put<float>(-1.25f);  // f: count at 40 (3 pad)
  b.put<std::uint64_t>(0xFFFFFFFFFFFFFFFFull);                  // big 56 (4 pad), ends at 64
  return b.bytes();
}

Value mixed_value() {
  return Value(Value::Struct{
      {"a", I(-5)},
      {"b", I(-70000)},
      {"c", D(2.5)},
      {"s", S("hi")},
      {"blob", Value(Value::Bytes{1, 2, 3})},
      {"pair", Value(Value::Array{I(-1), I(300)})},
      {"flag", Value(true)},
      {"f", Value(Value::Array{D(0.5), D(-1.25)})},
      {"big", U(0xFFFFFFFFFFFFFFFFull)},
  });
}

TEST(DecodeCdr, LittleEndianWithAlignmentPadding) {
  const MsgSchema schema = schema_of("pkg/Mixed", kMixed);
  const std::vector<std::uint8_t> bytes = mixed_bytes(true);
  ASSERT_EQ(bytes.size(), 68u);  // 4 header + 64 body, layout commented in mixed_bytes()
  auto value = decode_cdr(schema, bytes);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, mixed_value());
}

TEST(DecodeCdr, BigEndianGivesTheSameTree) {
  const MsgSchema schema = schema_of("pkg/Mixed", kMixed);
  const std::vector<std::uint8_t> bytes = mixed_bytes(false);
  EXPECT_EQ(bytes[1], 0x00);
  EXPECT_EQ(bytes[8], 0xFF);  // int32 -70000 = 0xFFFEEE90, big-endian first byte
  auto value = decode_cdr(schema, bytes);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, mixed_value());
}

TEST(DecodeCdr, AlignmentIsRelativeToTheEndOfTheHeader) {
  // uint8 at body offset 0, then float64 at body offset 8 = message offset 12 (not 8).
  const MsgSchema schema = schema_of("pkg/A", "uint8 a\nfloat64 b\n");
  std::vector<std::uint8_t> bytes = {0, 1, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0};
  const double b = -3.0;
  bytes.resize(20);
  std::memcpy(bytes.data() + 12, &b, 8);
  auto value = decode_cdr(schema, bytes);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, Value(Value::Struct{{"a", U(7)}, {"b", D(-3.0)}}));
}

TEST(DecodeCdr, AlignmentAfterStringsByteArraysAndEmptySequences) {
  const MsgSchema schema = schema_of(
      "pkg/A",
      "string s\nint32 after_string\nuint8[3] three\nfloat64 after_bytes\nfloat64[] none\n"
      "uint8 tail\nInner nested\n===\nMSG: pkg/Inner\nuint16 x\nfloat64 y\n");
  Bytes b(true);
  b.str("abcd");                 // 4 + 5 bytes: ends at body offset 9
  b.put<std::int32_t>(42);       // body 12
  b.raw({9, 8, 7});              // body 16..18
  b.put<double>(1.5);            // body 24
  b.put<std::uint32_t>(0);       // body 32: empty float64[] (no element, no padding)
  b.put<std::uint8_t>(5);        // body 36
  b.put<std::uint16_t>(0xBEEF);  // body 38
  b.put<double>(-0.25);          // body 40
  ASSERT_EQ(b.size(), 52u);
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, Value(Value::Struct{
                        {"s", S("abcd")},
                        {"after_string", I(42)},
                        {"three", Value(Value::Bytes{9, 8, 7})},
                        {"after_bytes", D(1.5)},
                        {"none", Value(Value::Array{})},
                        {"tail", U(5)},
                        {"nested", Value(Value::Struct{{"x", U(0xBEEF)}, {"y", D(-0.25)}})},
                    }));
}

TEST(DecodeCdr, EmptyMessageIsOnePaddingByteAndArraysOfItWork) {
  // As test_msgs/Arrays' Constants[3]: a type with constants only is one uint8 on the wire.
  const MsgSchema schema =
      schema_of("pkg/A", "Empty[3] e\nint32 after\n===\nMSG: pkg/Empty\nint32 C=1\n");
  Bytes b(true);
  b.raw({0, 0, 0});
  b.put<std::int32_t>(-2);
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  const Value empty{Value::Struct{}};
  EXPECT_EQ(*value, Value(Value::Struct{{"e", Value(Value::Array{empty, empty, empty})},
                                        {"after", I(-2)}}));
}

TEST(DecodeCdr, StringsWithoutTerminatorAndZeroLength) {
  const MsgSchema schema = schema_of("pkg/S", "string a\nstring b\n");
  Bytes b(true);
  b.put<std::uint32_t>(0);                  // zero length: empty string
  b.put<std::uint32_t>(2).raw({'o', 'k'});  // no NUL: kept as is
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, Value(Value::Struct{{"a", S("")}, {"b", S("ok")}}));
}

TEST(DecodeCdr, WideStringsAsUtf8) {
  const MsgSchema schema = schema_of("pkg/W", "wstring w\n");
  Bytes b(true);
  // "h", U+00E9, U+1F600 as a surrogate pair: 4 UTF-16 units, each in a u32.
  b.put<std::uint32_t>(4)
      .put<std::uint32_t>('h')
      .put<std::uint32_t>(0xE9)
      .put<std::uint32_t>(0xD83D)
      .put<std::uint32_t>(0xDE00);
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(value->find("w")->as_string(), "h\xC3\xA9\xF0\x9F\x98\x80");
}

TEST(DecodeCdr, TrailingPaddingIsIgnored) {
  const MsgSchema schema = schema_of("std_msgs/String", "string data\n");
  // Real bytes from the reductstore demo.mcap status_string topic: "Fixed RTK" + 2 pad bytes.
  const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00,
                                           0x00, 'F',  'i',  'x',  'e',  'd',  ' ',
                                           'R',  'T',  'K',  0x00, 0x00, 0x00};
  auto value = decode_cdr(schema, bytes);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(*value, Value(Value::Struct{{"data", S("Fixed RTK")}}));
}

TEST(DecodeCdr, EncapsulationErrors) {
  const MsgSchema schema = schema_of("pkg/E", "uint8 a\n");
  const std::vector<std::uint8_t> short_header = {0x00, 0x01, 0x00};
  auto value = decode_cdr(schema, short_header);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/E: offset 0: the 4-byte CDR encapsulation header needs 4 bytes, found 3");

  const std::vector<std::uint8_t> pl_cdr = {0x00, 0x03, 0x00, 0x00, 0x01};
  value = decode_cdr(schema, pl_cdr);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(value.status().message(), HasSubstr("parameter-list CDR (PL_CDR_LE"));

  const std::vector<std::uint8_t> xcdr2 = {0x00, 0x07, 0x00, 0x00, 0x01};
  value = decode_cdr(schema, xcdr2);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(value.status().message(), HasSubstr("XCDR2 data (representation 0x0007)"));

  const std::vector<std::uint8_t> garbage = {0x01, 0x00, 0x00, 0x00, 0x01};
  value = decode_cdr(schema, garbage);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(value.status().message(), HasSubstr("unknown CDR representation identifier 0x0100"));
}

TEST(DecodeCdr, AbsurdSequenceCountIsCorruptWithoutAllocating) {
  const MsgSchema schema = schema_of("pkg/Q", "float64[] values\n");
  Bytes b(true);
  b.put<std::uint32_t>(0xFFFFFFFFu).put<double>(1.0);
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/Q: field 'values': offset 8: sequence count 4294967295 needs at least "
            "34359738360 bytes (8 per float64), 12 left");
}

TEST(DecodeCdr, AbsurdStringLengthIsCorrupt) {
  const MsgSchema schema = schema_of("pkg/Q", "int32 x\nstring name\n");
  Bytes b(true);
  b.put<std::int32_t>(1).put<std::uint32_t>(4000).raw({'a', 'b'});
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/Q: field 'name': offset 8: string length 4000 exceeds the 2 bytes left");
}

TEST(DecodeCdr, BoundsAreEnforced) {
  const MsgSchema schema = schema_of("pkg/B", "int32[<=2] few\nstring<=3 s\n");
  Bytes over_count(true);
  over_count.put<std::uint32_t>(3).put<std::int32_t>(1).put<std::int32_t>(2).put<std::int32_t>(3);
  auto value = decode_cdr(schema, over_count.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/B: field 'few': offset 4: sequence count 3 exceeds the bound 2");

  Bytes long_string(true);
  long_string.put<std::uint32_t>(0).str("four");
  value = decode_cdr(schema, long_string.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/B: field 's': offset 8: string of 4 bytes exceeds the bound 3");
}

TEST(DecodeCdr, HugeFixedArrayIsTruncatedNotAllocated) {
  const MsgSchema schema = schema_of("pkg/H", "float64[4294967295] huge\n");
  Bytes b(true);
  b.put<double>(1.0);
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(value.status().message(),
              HasSubstr("field 'huge': offset 4: fixed array of 4294967295 float64 needs at least "
                        "34359738360 bytes, 8 left"));
}

TEST(DecodeCdr, SequenceCountBeyondTheBytesLeftIsCorrupt) {
  const MsgSchema schema =
      schema_of("pkg/Cloud", "Point[] points\n===\nMSG: pkg/Point\nfloat32 x\nfloat32 y\n");
  Bytes b(true);
  b.put<std::uint32_t>(5);
  for (int i = 0; i < 3; ++i) b.put<float>(1.0f).put<float>(2.0f);
  b.raw({0, 0});
  // 5 points of at least 8 bytes need 40 bytes: only 26 are left after the count.
  auto value = decode_cdr(schema, b.bytes());
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/Cloud: field 'points': offset 8: sequence count 5 needs at least 40 bytes "
            "(8 per pkg/msg/Point), 26 left");
}

TEST(DecodeCdr, TruncationInsideAnElementNamesIndexAndMember) {
  // A fixed array lets the count check pass and the cut land inside element 3.
  const MsgSchema schema =
      schema_of("pkg/Cloud", "Point[5] points\n===\nMSG: pkg/Point\nfloat32 x\nfloat32 y\n");
  Bytes b(true);
  for (int i = 0; i < 5; ++i) b.put<float>(1.0f).put<float>(2.0f);
  std::vector<std::uint8_t> bytes = b.bytes();
  // Keep 3 full points (24 bytes) + 2 bytes of point 3's x: the fixed array needs 40 bytes.
  bytes.resize(4 + 26);
  auto value = decode_cdr(schema, bytes);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(
      value.status().message(),
      HasSubstr("field 'points': offset 4: fixed array of 5 pkg/msg/Point needs at least 40 "
                "bytes, 26 left"));

  // Variable-size elements pass the minimum-size check, so the cut is found inside them.
  const MsgSchema named =
      schema_of("pkg/Named", "Item[] items\n===\nMSG: pkg/Item\nstring name\nfloat64 x\n");
  Bytes n(true);
  n.put<std::uint32_t>(4);
  for (int i = 0; i < 4; ++i) n.str("ab").put<double>(i);
  std::vector<std::uint8_t> cut = n.bytes();
  // Item 3 starts at body offset 52 (string 52..59, x at 64..71); cut in the middle of x.
  cut.resize(4 + 68);
  value = decode_cdr(named, cut);
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(value.status().message(),
            "pkg/msg/Named: field 'items[3].x': offset 68: need 8 bytes, 4 left (message is 72 "
            "bytes)");
}

TEST(DecodeCdr, TruncatedAtEveryByteOfAJointStateNeverSucceedsOrCrashes) {
  auto schema =
      parse_ros2msg("sensor_msgs/msg/JointState", ros2msg_definition("sensor_msgs/msg/JointState"));
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();
  Bytes b(true);
  b.put<std::int32_t>(1700000000).put<std::uint32_t>(5).str("base_link");
  b.put<std::uint32_t>(2).str("shoulder").str("elbow");
  b.put<std::uint32_t>(2).put<double>(0.5).put<double>(-0.5);
  b.put<std::uint32_t>(2).put<double>(1.0).put<double>(2.0);
  b.put<std::uint32_t>(0);
  const std::vector<std::uint8_t> full = b.bytes();
  ASSERT_TRUE(decode_cdr(*schema, full).ok());
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto value = decode_cdr(*schema, std::span(full).first(n));
    ASSERT_FALSE(value.ok()) << "prefix of " << n << " bytes decoded";
    const StatusCode code = value.status().code();
    EXPECT_TRUE(code == StatusCode::kTruncated || code == StatusCode::kCorrupt)
        << n << ": " << value.status().to_string();
    EXPECT_THAT(value.status().message(), HasSubstr("sensor_msgs/msg/JointState: "));
  }
  auto at_stamp = decode_cdr(*schema, std::span(full).first(6));
  EXPECT_EQ(at_stamp.status().message(),
            "sensor_msgs/msg/JointState: field 'header.stamp.sec': offset 4: need 4 bytes, 2 left "
            "(message is 6 bytes)");
}

TEST(DecodeCdr, EveryByteFlipOfAJointStateIsHandled) {
  auto schema =
      parse_ros2msg("sensor_msgs/msg/JointState", ros2msg_definition("sensor_msgs/msg/JointState"));
  ASSERT_TRUE(schema.ok());
  Bytes b(true);
  b.put<std::int32_t>(1).put<std::uint32_t>(2).str("f");
  b.put<std::uint32_t>(1).str("j");
  b.put<std::uint32_t>(1).put<double>(0.5);
  b.put<std::uint32_t>(0).put<std::uint32_t>(0);
  const std::vector<std::uint8_t> full = b.bytes();
  int failures = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (int flip : {0x01, 0x80, 0xFF}) {
      std::vector<std::uint8_t> bytes = full;
      bytes[i] = static_cast<std::uint8_t>(bytes[i] ^ flip);
      auto value = decode_cdr(*schema, bytes);
      if (!value.ok()) ++failures;
    }
  }
  EXPECT_GT(failures, 0);  // count and length bytes flipped high must fail
}

}  // namespace
}  // namespace parity::ros2
