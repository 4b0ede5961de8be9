// encode_cdr -> decode_cdr (schema from ros2msg_definition) -> extract<T>, and
// encode_cdr -> decode_cdr_as<T> / decode_cdr_into, for every typed message; plus exact byte
// layouts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

template <typename T>
struct Tag {};

Header sample(Tag<Header>) {
  return {1'757'502'236'123'456'789, "base_link"};
}
String sample(Tag<String>) {
  return {"hello, ros"};
}
Bool sample(Tag<Bool>) {
  return {true};
}
Float32 sample(Tag<Float32>) {
  return {-1.5f};
}
Float64 sample(Tag<Float64>) {
  return {3.141592653589793};
}
Int8 sample(Tag<Int8>) {
  return {-128};
}
Int16 sample(Tag<Int16>) {
  return {-32768};
}
Int32 sample(Tag<Int32>) {
  return {std::numeric_limits<std::int32_t>::min()};
}
Int64 sample(Tag<Int64>) {
  return {std::numeric_limits<std::int64_t>::min()};
}
UInt8 sample(Tag<UInt8>) {
  return {255};
}
UInt16 sample(Tag<UInt16>) {
  return {65535};
}
UInt32 sample(Tag<UInt32>) {
  return {std::numeric_limits<std::uint32_t>::max()};
}
UInt64 sample(Tag<UInt64>) {
  return {std::numeric_limits<std::uint64_t>::max()};
}
Vector3 sample(Tag<Vector3>) {
  return {1.0, -2.0, 3.5};
}
Point sample(Tag<Point>) {
  return {0.25, 0.5, -0.75};
}
Quaternion sample(Tag<Quaternion>) {
  return {0.1, 0.2, 0.3, 0.9};
}
Pose sample(Tag<Pose>) {
  return {sample(Tag<Point>{}), sample(Tag<Quaternion>{})};
}
PoseStamped sample(Tag<PoseStamped>) {
  return {sample(Tag<Header>{}), sample(Tag<Pose>{})};
}
std::array<double, 36> covariance(double base) {
  std::array<double, 36> c{};
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = base + static_cast<double>(i);
  return c;
}
PoseWithCovariance sample(Tag<PoseWithCovariance>) {
  return {sample(Tag<Pose>{}), covariance(0.5)};
}
PoseWithCovarianceStamped sample(Tag<PoseWithCovarianceStamped>) {
  return {{-1, "map"}, sample(Tag<PoseWithCovariance>{})};
}
Twist sample(Tag<Twist>) {
  return {{1, 2, 3}, {-0.1, -0.2, -0.3}};
}
TwistStamped sample(Tag<TwistStamped>) {
  return {{5, "odom"}, sample(Tag<Twist>{})};
}
TwistWithCovariance sample(Tag<TwistWithCovariance>) {
  return {sample(Tag<Twist>{}), covariance(-3)};
}
TwistWithCovarianceStamped sample(Tag<TwistWithCovarianceStamped>) {
  return {{7, ""}, sample(Tag<TwistWithCovariance>{})};
}
Transform sample(Tag<Transform>) {
  return {{1, 0, 0}, {0, 0, 0.7071, 0.7071}};
}
TransformStamped sample(Tag<TransformStamped>) {
  return {{9, "odom"}, "base_footprint", sample(Tag<Transform>{})};
}
TFMessage sample(Tag<TFMessage>) {
  TransformStamped second = sample(Tag<TransformStamped>{});
  second.child_frame_id = "camera";
  second.header.frame_id = "base_link";
  return {{sample(Tag<TransformStamped>{}), second}};
}
Odometry sample(Tag<Odometry>) {
  return {{42, "odom"},
          "base_link",
          sample(Tag<PoseWithCovariance>{}),
          sample(Tag<TwistWithCovariance>{})};
}
Image sample(Tag<Image>) {
  Image m;
  m.header = {100, "camera"};
  m.height = 2;
  m.width = 3;
  m.encoding = "rgb8";
  m.is_bigendian = 0;
  m.step = 9;
  for (int i = 0; i < 18; ++i) m.data.push_back(static_cast<std::uint8_t>(i * 13));
  return m;
}
CompressedImage sample(Tag<CompressedImage>) {
  return {{200, "camera"}, "jpeg", {0xFF, 0xD8, 0xFF, 0xE0, 0x00}};
}
RegionOfInterest sample(Tag<RegionOfInterest>) {
  return {1, 2, 30, 40, true};
}
CameraInfo sample(Tag<CameraInfo>) {
  CameraInfo m;
  m.header = {300, "camera_optical"};
  m.height = 480;
  m.width = 640;
  m.distortion_model = "plumb_bob";
  m.d = {0.1, -0.2, 0.001, 0.002, 0.0};
  m.k = {500, 0, 320, 0, 500, 240, 0, 0, 1};
  m.r = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  m.p = {500, 0, 320, 0, 0, 500, 240, 0, 0, 0, 1, 0};
  m.binning_x = 1;
  m.binning_y = 2;
  m.roi = sample(Tag<RegionOfInterest>{});
  return m;
}
JointState sample(Tag<JointState>) {
  return {{1'000'000'001, "base"}, {"shoulder", "elbow", "wrist"}, {0.1, 0.2, 0.3}, {-1, 0, 1}, {}};
}
Imu sample(Tag<Imu>) {
  Imu m;
  m.header = {123456789, "imu_link"};
  m.orientation = {0, 0, 0.3826834, 0.9238795};
  m.orientation_covariance = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  m.angular_velocity = {0.01, -0.02, 0.03};
  m.angular_velocity_covariance = {2, 0, 0, 0, 2, 0, 0, 0, 2};
  m.linear_acceleration = {0.1, 0.2, 9.81};
  m.linear_acceleration_covariance = {-1, 0, 0, 0, 0, 0, 0, 0, 0};
  return m;
}
PointField sample(Tag<PointField>) {
  return {"intensity", 12, PointField::kFloat32, 1};
}
PointCloud2 sample(Tag<PointCloud2>) {
  PointCloud2 m;
  m.header = {55, "lidar"};
  m.height = 1;
  m.width = 2;
  m.fields = {{"x", 0, PointField::kFloat32, 1},
              {"y", 4, PointField::kFloat32, 1},
              {"z", 8, PointField::kFloat32, 1}};
  m.is_bigendian = false;
  m.point_step = 12;
  m.row_step = 24;
  const float xyz[6] = {1, 2, 3, -4, -5, -6};
  m.data.resize(24);
  std::memcpy(m.data.data(), xyz, 24);
  m.is_dense = true;
  return m;
}
LaserScan sample(Tag<LaserScan>) {
  return {{77, "laser"},
          -1.5f,
          1.5f,
          0.5f,
          0.001f,
          0.1f,
          0.1f,
          30.0f,
          {1.0f, 2.0f, std::numeric_limits<float>::infinity(), 4.0f, 5.0f, 6.0f, 7.0f},
          {}};
}
NavSatStatus sample(Tag<NavSatStatus>) {
  return {NavSatStatus::kStatusNoFix, NavSatStatus::kServiceGps | NavSatStatus::kServiceGalileo};
}
NavSatFix sample(Tag<NavSatFix>) {
  NavSatFix m;
  m.header = {88, "gps"};
  m.status = sample(Tag<NavSatStatus>{});
  m.latitude = 47.6062;
  m.longitude = -122.3321;
  m.altitude = 56.2;
  m.position_covariance = {1, 0, 0, 0, 1, 0, 0, 0, 4};
  m.position_covariance_type = NavSatFix::kCovarianceTypeDiagonalKnown;
  return m;
}
MagneticField sample(Tag<MagneticField>) {
  return {{99, "mag"}, {2e-5, -1e-5, 4e-5}, {1e-12, 0, 0, 0, 1e-12, 0, 0, 0, 1e-12}};
}

template <typename T>
class TypedRoundTrip : public ::testing::Test {};

using AllTyped =
    ::testing::Types<Header, String, Bool, Float32, Float64, Int8, Int16, Int32, Int64, UInt8,
                     UInt16, UInt32, UInt64, Vector3, Point, Quaternion, Pose, PoseStamped,
                     PoseWithCovariance, PoseWithCovarianceStamped, Twist, TwistStamped,
                     TwistWithCovariance, TwistWithCovarianceStamped, Transform, TransformStamped,
                     TFMessage, Odometry, Image, CompressedImage, RegionOfInterest, CameraInfo,
                     JointState, Imu, PointField, PointCloud2, LaserScan, NavSatStatus, NavSatFix,
                     MagneticField>;
TYPED_TEST_SUITE(TypedRoundTrip, AllTyped);

TYPED_TEST(TypedRoundTrip, ThroughTheSchemaDrivenDecoderAndTheTypedFastPath) {
  using T = TypeParam;
  const T original = sample(Tag<T>{});
  const std::string_view type_name = MessageTraits<T>::kTypeName;
  const std::string_view definition = ros2msg_definition(type_name);
  ASSERT_FALSE(definition.empty()) << type_name;
  auto schema = parse_ros2msg(type_name, definition);
  ASSERT_TRUE(schema.ok()) << schema.status().to_string();

  const std::vector<std::uint8_t> bytes = encode_cdr(original);
  ASSERT_GE(bytes.size(), 5u);
  EXPECT_EQ(bytes.size() % 4, 0u);
  EXPECT_EQ(bytes[0], 0x00);
  EXPECT_EQ(bytes[1], 0x01);

  auto tree = decode_cdr(*schema, bytes);
  ASSERT_TRUE(tree.ok()) << tree.status().to_string();
  auto extracted = extract<T>(*tree);
  ASSERT_TRUE(extracted.ok()) << extracted.status().to_string();
  EXPECT_TRUE(*extracted == original) << type_name;

  auto direct = decode_cdr_as<T>(bytes);
  ASSERT_TRUE(direct.ok()) << direct.status().to_string();
  EXPECT_TRUE(*direct == original) << type_name;

  CdrWriter writer(8);
  const std::span<const std::uint8_t> reused = encode_cdr(writer, original);
  EXPECT_TRUE(std::equal(reused.begin(), reused.end(), bytes.begin(), bytes.end()));
  const std::span<const std::uint8_t> again = encode_cdr(writer, original);
  EXPECT_TRUE(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()));
}

TYPED_TEST(TypedRoundTrip, DecodeIntoOverwritesEveryField) {
  using T = TypeParam;
  const T original = sample(Tag<T>{});
  const std::vector<std::uint8_t> bytes = encode_cdr(original);
  const std::vector<std::uint8_t> default_bytes = encode_cdr(T{});
  // A field the archive forgot would keep the sample's value, a sequence its old elements.
  T out = original;
  ASSERT_TRUE(decode_cdr_into(default_bytes, out).ok());
  EXPECT_TRUE(out == T{}) << MessageTraits<T>::kTypeName;
  ASSERT_TRUE(decode_cdr_into(bytes, out).ok());
  EXPECT_TRUE(out == original) << MessageTraits<T>::kTypeName;
  ASSERT_TRUE(decode_cdr_into(bytes, out).ok());
  EXPECT_TRUE(out == original) << MessageTraits<T>::kTypeName;
}

TYPED_TEST(TypedRoundTrip, TruncationAtEveryByteFailsCleanly) {
  using T = TypeParam;
  const std::vector<std::uint8_t> bytes = encode_cdr(sample(Tag<T>{}));
  auto schema =
      parse_ros2msg(MessageTraits<T>::kTypeName, ros2msg_definition(MessageTraits<T>::kTypeName));
  ASSERT_TRUE(schema.ok());
  // The full message may carry up to 3 padding bytes that no field needs.
  std::size_t needed = bytes.size();
  while (needed > 4 && decode_cdr(*schema, std::span(bytes).first(needed - 1)).ok()) --needed;
  EXPECT_GT(needed + 4, bytes.size());
  for (std::size_t n = 0; n < needed; ++n) {
    const auto prefix = std::span(bytes).first(n);
    auto tree = decode_cdr(*schema, prefix);
    auto direct = decode_cdr_as<T>(prefix);
    ASSERT_FALSE(tree.ok()) << n;
    ASSERT_FALSE(direct.ok()) << n;
    T reused = sample(Tag<T>{});
    EXPECT_EQ(decode_cdr_into(prefix, reused), direct.status()) << n;
    for (const Status& status : {tree.status(), direct.status()}) {
      EXPECT_TRUE(status.code() == StatusCode::kTruncated || status.code() == StatusCode::kCorrupt)
          << status.to_string();
      EXPECT_THAT(status.message(), HasSubstr(MessageTraits<T>::kTypeName));
    }
  }
}

TEST(CdrWriter, HeaderLayoutIsExact) {
  // stamp 1.5 s = {sec 1, nanosec 500000000}; frame_id "ab" = length 3 + "ab\0"; pad to 4.
  const std::vector<std::uint8_t> bytes = encode_header({1'500'000'000, "ab"});
  const std::vector<std::uint8_t> expected = {0x00, 0x01, 0x00, 0x00,   // CDR_LE
                                              0x01, 0x00, 0x00, 0x00,   // sec
                                              0x00, 0x65, 0xCD, 0x1D,   // nanosec 500000000
                                              0x03, 0x00, 0x00, 0x00,   // length
                                              'a',  'b',  0x00, 0x00};  // chars, NUL, pad
  EXPECT_EQ(bytes, expected);
}

TEST(CdrWriter, Float64AlignmentInJointState) {
  JointState m;
  m.header = {0, "a"};  // header ends at body offset 14
  m.name = {};          // count at 16
  m.position = {1.0};   // count at 20, value at 24 (already 8-aligned)
  m.velocity = {};      // count at 32
  m.effort = {2.0};     // count at 36, value at 40
  const std::vector<std::uint8_t> bytes = encode_joint_state(m);
  ASSERT_EQ(bytes.size(), 4u + 48u);
  double v = 0;
  std::memcpy(&v, bytes.data() + 4 + 24, 8);
  EXPECT_EQ(v, 1.0);
  std::memcpy(&v, bytes.data() + 4 + 40, 8);
  EXPECT_EQ(v, 2.0);
}

TEST(CdrWriter, NegativeAndOutOfRangeStamps) {
  auto decode = [](std::int64_t stamp_ns) {
    return decode_cdr_as<Header>(encode_header({stamp_ns, ""}))->stamp_ns;
  };
  EXPECT_EQ(decode(-1), -1);
  EXPECT_EQ(decode(-1'500'000'000), -1'500'000'000);
  const std::int64_t max_stamp =
      std::int64_t{std::numeric_limits<std::int32_t>::max()} * 1'000'000'000 + 999'999'999;
  EXPECT_EQ(decode(std::numeric_limits<std::int64_t>::max()), max_stamp);
  EXPECT_EQ(decode(std::numeric_limits<std::int64_t>::min()),
            std::int64_t{std::numeric_limits<std::int32_t>::min()} * 1'000'000'000);
}

TEST(CdrWriter, FinishResetsForTheNextMessage) {
  CdrWriter writer;
  writer.write_u8(1);
  const std::vector<std::uint8_t> first = writer.finish();
  EXPECT_EQ(first, (std::vector<std::uint8_t>{0, 1, 0, 0, 1, 0, 0, 0}));
  writer.write_u16(0x0302);
  writer.write_u64(0x0B0A090807060504ull);
  const std::vector<std::uint8_t> second = writer.finish();
  EXPECT_EQ(second, (std::vector<std::uint8_t>{0, 1, 0, 0, 2, 3, 0, 0, 0,  0,
                                               0, 0, 4, 5, 6, 7, 8, 9, 10, 11}));
}

TEST(DecodeCdrAs, BigEndianInput) {
  // A hand-built big-endian std_msgs/Header: sec 2, nanosec 3, frame_id "x".
  const std::vector<std::uint8_t> bytes = {0x00, 0x00, 0x00, 0x00, 0, 0, 0, 2,   0,
                                           0,    0,    3,    0,    0, 0, 2, 'x', 0};
  auto header = decode_cdr_as<Header>(bytes);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->stamp_ns, 2'000'000'003);
  EXPECT_EQ(header->frame_id, "x");
}

TEST(DecodeCdrAs, ErrorsNameFieldPath) {
  TFMessage tf = sample(Tag<TFMessage>{});
  std::vector<std::uint8_t> bytes = encode_tf_message(tf);
  bytes.resize(bytes.size() - 20);  // cut inside transforms[1].transform.rotation
  auto decoded = decode_cdr_as<TFMessage>(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(decoded.status().message(),
              HasSubstr("tf2_msgs/msg/TFMessage: field 'transforms[1].transform.rotation."));

  std::vector<std::uint8_t> absurd = {0, 1, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0};
  decoded = decode_cdr_as<TFMessage>(absurd);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(decoded.status().message(),
            "tf2_msgs/msg/TFMessage: field 'transforms': offset 4: sequence count 2147483647 "
            "needs at least 154618822584 bytes, 4 left");
}

}  // namespace
}  // namespace parity::ros2
