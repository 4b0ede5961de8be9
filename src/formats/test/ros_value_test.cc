#include <gtest/gtest.h>

#include <string>

#include "parity/formats/ros_msg/value.h"

namespace parity::ros2 {
namespace {

TEST(Value, KindsMatchConstructors) {
  EXPECT_EQ(Value().kind(), Value::Kind::kNull);
  EXPECT_EQ(Value(true).kind(), Value::Kind::kBool);
  EXPECT_EQ(Value(std::int64_t{-1}).kind(), Value::Kind::kInt);
  EXPECT_EQ(Value(std::uint64_t{1}).kind(), Value::Kind::kUint);
  EXPECT_EQ(Value(1.5).kind(), Value::Kind::kDouble);
  EXPECT_EQ(Value(std::string("s")).kind(), Value::Kind::kString);
  EXPECT_EQ(Value(Value::Bytes{1}).kind(), Value::Kind::kBytes);
  EXPECT_EQ(Value(Value::Array{}).kind(), Value::Kind::kArray);
  EXPECT_EQ(Value(Value::Struct{}).kind(), Value::Kind::kStruct);
  EXPECT_EQ(Value::kind_name(Value::Kind::kBytes), "bytes");
  EXPECT_EQ(Value::kind_name(Value::Kind::kStruct), "struct");
}

TEST(Value, NumbersConvertToDouble) {
  EXPECT_EQ(Value(std::int64_t{-3}).to_double(), -3.0);
  EXPECT_EQ(Value(std::uint64_t{7}).to_double(), 7.0);
  EXPECT_EQ(Value(0.25).to_double(), 0.25);
  EXPECT_TRUE(Value(std::int64_t{1}).is_number());
  EXPECT_FALSE(Value(true).is_number());
}

TEST(Value, FindAndPaths) {
  const Value point(Value::Struct{{"x", Value(1.0)}, {"y", Value(2.0)}});
  const Value root(Value::Struct{
      {"header", Value(Value::Struct{{"frame_id", Value(std::string("map"))}})},
      {"points", Value(Value::Array{point, point})},
      {"blob", Value(Value::Bytes{9})},
  });
  ASSERT_NE(root.find("header"), nullptr);
  EXPECT_EQ(root.find("nope"), nullptr);
  EXPECT_EQ(Value(1.0).find("x"), nullptr);
  EXPECT_EQ(root.at_path("header.frame_id")->as_string(), "map");
  EXPECT_EQ(root.at_path("points[1].y")->as_double(), 2.0);
  EXPECT_EQ(root.at_path("points[2].y"), nullptr);
  EXPECT_EQ(root.at_path("points[x]"), nullptr);
  EXPECT_EQ(root.at_path("points[1"), nullptr);
  EXPECT_EQ(root.at_path("blob[0]"), nullptr);  // bytes are not indexed as Values
  EXPECT_EQ(root.at_path(""), &root);
}

TEST(Value, EqualityIsDeep) {
  const Value a(Value::Struct{{"v", Value(Value::Array{Value(1.0), Value(std::string("s"))})}});
  Value b = a;
  EXPECT_EQ(a, b);
  b.as_struct()[0].value.as_array()[1] = Value(std::string("t"));
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(Value(std::int64_t{1}) == Value(std::uint64_t{1}));  // kinds differ
}

}  // namespace
}  // namespace parity::ros2
