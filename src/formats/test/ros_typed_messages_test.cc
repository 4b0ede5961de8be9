#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

Value tree_of(const std::vector<std::uint8_t>& bytes, std::string_view type) {
  auto schema = parse_ros2msg(type, ros2msg_definition(type));
  EXPECT_TRUE(schema.ok()) << schema.status().to_string();
  auto value = decode_cdr(*schema, bytes);
  EXPECT_TRUE(value.ok()) << value.status().to_string();
  return std::move(value).value();
}

Value::Struct& members(Value& v) {
  return v.as_struct();
}

Value* member(Value& v, std::string_view name) {
  for (NamedValue& m : v.as_struct()) {
    if (m.name == name) return &m.value;
  }
  return nullptr;
}

TEST(Extract, MissingFieldNamesTheFullPath) {
  Value tree = tree_of(encode_odometry({}), "nav_msgs/msg/Odometry");
  Value* pose = member(*member(*member(tree, "pose"), "pose"), "orientation");
  ASSERT_NE(pose, nullptr);
  std::erase_if(members(*pose), [](const NamedValue& m) { return m.name == "w"; });
  auto odom = extract_odometry(tree);
  ASSERT_FALSE(odom.ok());
  EXPECT_EQ(odom.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(odom.status().message(),
            "nav_msgs/msg/Odometry: field 'pose.pose.orientation.w' is missing");
}

TEST(Extract, WrongKindsAndRanges) {
  Value tree = tree_of(encode_image({}), "sensor_msgs/msg/Image");
  *member(tree, "encoding") = Value(std::int64_t{5});
  auto image = extract_image(tree);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "sensor_msgs/msg/Image: field 'encoding' must be a string, found int");

  tree = tree_of(encode_image({}), "sensor_msgs/msg/Image");
  *member(tree, "height") = Value(std::int64_t{-1});
  image = extract_image(tree);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "sensor_msgs/msg/Image: field 'height' value -1 is out of range [0, 4294967295]");

  tree = tree_of(encode_image({}), "sensor_msgs/msg/Image");
  *member(tree, "data") = Value(Value::Array{Value(std::int64_t{1}), Value(std::int64_t{256})});
  image = extract_image(tree);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "sensor_msgs/msg/Image: field 'data[1]' value 256 is out of range [0, 255]");

  tree = tree_of(encode_image({}), "sensor_msgs/msg/Image");
  *member(tree, "step") = Value(2.5);
  image = extract_image(tree);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().message(),
            "sensor_msgs/msg/Image: field 'step' value 2.5 is not an integer in [0, 4294967295]");

  // Integral doubles and arrays of small integers are accepted (JSON-decoded messages).
  tree = tree_of(encode_image({}), "sensor_msgs/msg/Image");
  *member(tree, "step") = Value(12.0);
  *member(tree, "data") = Value(Value::Array{Value(std::int64_t{7}), Value(std::uint64_t{8})});
  image = extract_image(tree);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->step, 12u);
  EXPECT_EQ(image->data, (std::vector<std::uint8_t>{7, 8}));

  Value imu = tree_of(encode_imu({}), "sensor_msgs/msg/Imu");
  member(imu, "orientation_covariance")->as_array().pop_back();
  auto bad_imu = extract_imu(imu);
  ASSERT_FALSE(bad_imu.ok());
  EXPECT_EQ(bad_imu.status().message(),
            "sensor_msgs/msg/Imu: field 'orientation_covariance' has 8 elements, expected "
            "exactly 9");

  Value tf = tree_of(encode_tf_message({{TransformStamped{}, TransformStamped{}}}),
                     "tf2_msgs/msg/TFMessage");
  *member(member(tf, "transforms")->as_array()[1], "child_frame_id") = Value(true);
  auto bad_tf = extract_tf_message(tf);
  ASSERT_FALSE(bad_tf.ok());
  EXPECT_EQ(bad_tf.status().message(),
            "tf2_msgs/msg/TFMessage: field 'transforms[1].child_frame_id' must be a string, "
            "found bool");

  auto not_struct = extract_header(Value(1.0));
  ASSERT_FALSE(not_struct.ok());
  EXPECT_EQ(not_struct.status().message(), "std_msgs/msg/Header: expected a struct, found double");
}

TEST(Extract, StampNeedsSecAndNanosec) {
  Value header = tree_of(encode_header({5, "f"}), "std_msgs/msg/Header");
  *member(header, "stamp") = Value(Value::Struct{{"sec", Value(std::int64_t{1})}});
  auto result = extract_header(header);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "std_msgs/msg/Header: field 'stamp' needs members 'sec' and 'nanosec'");
}

PointCloud2 cloud_with(std::uint8_t datatype, bool big_endian) {
  PointCloud2 cloud;
  cloud.height = 2;
  cloud.width = 2;
  cloud.point_step = 16;
  cloud.row_step = 40;  // 8 bytes of padding after each row
  cloud.is_bigendian = big_endian;
  cloud.fields = {{"x", 4, datatype, 1}, {"y", 0, PointField::kUint8, 1}};
  cloud.data.assign(2 * 40, 0xEE);
  return cloud;
}

template <typename T>
void store(PointCloud2& cloud, std::size_t offset, T value, bool big_endian) {
  std::uint8_t raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  if (big_endian) std::reverse(raw, raw + sizeof(T));
  std::memcpy(cloud.data.data() + offset, raw, sizeof(T));
}

TEST(PointFieldReader, HonoursOffsetsStepsDatatypesAndEndianness) {
  for (bool big : {false, true}) {
    PointCloud2 cloud = cloud_with(PointField::kInt16, big);
    // point (row r, column c) starts at r * 40 + c * 16; x at +4.
    store<std::int16_t>(cloud, 0 * 40 + 0 * 16 + 4, -300, big);
    store<std::int16_t>(cloud, 0 * 40 + 1 * 16 + 4, 7, big);
    store<std::int16_t>(cloud, 1 * 40 + 0 * 16 + 4, 1000, big);
    store<std::int16_t>(cloud, 1 * 40 + 1 * 16 + 4, -1, big);
    cloud.data[1 * 40 + 1 * 16] = 200;  // y of the last point
    auto x = PointFieldReader::create(cloud, "x");
    ASSERT_TRUE(x.ok()) << x.status().to_string();
    ASSERT_EQ(x->size(), 4u);
    EXPECT_EQ(x->at(0), -300);
    EXPECT_EQ(x->at(1), 7);
    EXPECT_EQ(x->at(2), 1000);
    EXPECT_EQ(x->at(3), -1);
    auto y = PointFieldReader::create(cloud, "y");
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(y->at(3), 200);
  }
  PointCloud2 f64 = cloud_with(PointField::kFloat64, true);
  f64.point_step = 16;
  store<double>(f64, 40 + 16 + 4, -2.75, true);
  EXPECT_EQ(PointFieldReader::create(f64, "x")->at(3), -2.75);
}

TEST(PointFieldReader, Errors) {
  PointCloud2 cloud = cloud_with(PointField::kFloat32, false);
  auto missing = PointFieldReader::create(cloud, "z");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "PointCloud2 has no field 'z' (fields: x, y)");

  PointCloud2 bad_type = cloud_with(9, false);
  EXPECT_EQ(PointFieldReader::create(bad_type, "x").status().message(),
            "PointCloud2 field 'x': unknown datatype 9, expected 1..8");

  PointCloud2 past_step = cloud_with(PointField::kFloat64, false);
  past_step.fields[0].offset = 12;
  EXPECT_EQ(PointFieldReader::create(past_step, "x").status().message(),
            "PointCloud2 field 'x': offset 12 + size 8 runs past point_step 16");

  PointCloud2 short_data = cloud_with(PointField::kFloat32, false);
  short_data.data.resize(40 + 31);  // the last point needs 40 + 32
  auto result = PointFieldReader::create(short_data, "x");
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(result.status().message(),
            "PointCloud2: data has 71 bytes, 2 x 2 points with row_step 40 and point_step 16 "
            "need 72");

  PointCloud2 small_row = cloud_with(PointField::kFloat32, false);
  small_row.row_step = 31;
  EXPECT_THAT(PointFieldReader::create(small_row, "x").status().message(),
              HasSubstr("row_step 31 is less than width 2 * point_step 16"));

  PointCloud2 zero_count = cloud_with(PointField::kFloat32, false);
  zero_count.fields[0].count = 0;
  EXPECT_EQ(PointFieldReader::create(zero_count, "x").status().message(),
            "PointCloud2 field 'x': count is 0");

  PointCloud2 empty;
  empty.fields = {{"x", 0, PointField::kFloat32, 1},
                  {"y", 4, PointField::kFloat32, 1},
                  {"z", 8, PointField::kFloat32, 1}};
  empty.point_step = 12;
  auto none = read_xyz(empty);
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_TRUE(none->empty());
}

TEST(PointFieldSize, AllDatatypes) {
  EXPECT_EQ(point_field_size(PointField::kInt8), 1u);
  EXPECT_EQ(point_field_size(PointField::kUint8), 1u);
  EXPECT_EQ(point_field_size(PointField::kInt16), 2u);
  EXPECT_EQ(point_field_size(PointField::kUint16), 2u);
  EXPECT_EQ(point_field_size(PointField::kInt32), 4u);
  EXPECT_EQ(point_field_size(PointField::kUint32), 4u);
  EXPECT_EQ(point_field_size(PointField::kFloat32), 4u);
  EXPECT_EQ(point_field_size(PointField::kFloat64), 8u);
  EXPECT_EQ(point_field_size(0), 0u);
  EXPECT_EQ(point_field_size(9), 0u);
}

}  // namespace
}  // namespace parity::ros2
