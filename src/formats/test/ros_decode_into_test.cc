// decode_cdr_into(): decoding into a reused object. Allocation-free steady state (counted by
// replacing the global operator new in this test binary), no stale elements after a shorter
// message, big-endian input, and errors identical to decode_cdr_as() / decode_cdr().
//
// This file replaces ::operator new / ::operator delete for the whole parity_formats_test
// binary. The replacements forward to malloc / free and only count while a test has armed the
// counter on its own thread, so every other test behaves as with the default ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "parity/formats/ros_msg/cdr_decoder.h"
#include "parity/formats/ros_msg/cdr_writer.h"
#include "parity/formats/ros_msg/msg_definitions.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace {

constinit thread_local bool t_counting = false;
constinit thread_local std::size_t t_allocations = 0;

void* counted_malloc_or_null(std::size_t size) noexcept {
  if (t_counting) ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}

void* counted_malloc(std::size_t size) {
  if (void* p = counted_malloc_or_null(size)) return p;
  throw std::bad_alloc();
}

}  // namespace

// Every non-aligned form, so that no allocation made by one runtime's operator new is released
// by our free() (AddressSanitizer reports such a pair as alloc-dealloc-mismatch). The aligned
// forms keep their default (paired) implementations.
void* operator new(std::size_t size) {
  return counted_malloc(size);
}
void* operator new[](std::size_t size) {
  return counted_malloc(size);
}
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  return counted_malloc_or_null(size);
}
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
  return counted_malloc_or_null(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t /*size*/) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t /*size*/) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t& /*tag*/) noexcept {
  std::free(p);
}

namespace parity::ros2 {
namespace {

using ::testing::HasSubstr;

// Counts the allocations made on this thread between construction and count().
class AllocationCounter {
 public:
  AllocationCounter() {
    t_allocations = 0;
    t_counting = true;
  }
  ~AllocationCounter() { t_counting = false; }
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  std::size_t count() const {
    const bool was = t_counting;
    t_counting = false;
    const std::size_t n = t_allocations;
    t_counting = was;
    return n;
  }
};

// Keeps a pointer observable so the compiler cannot drop an allocation.
void* volatile g_sink = nullptr;

// The shape of the benchmark's stream: 7 joints "j1".."j6", "gripper", frame "base_link".
JointState arm_state(int step) {
  JointState m;
  m.header = {1'700'000'000'000'000'000 + step * 1'000'000LL, "base_link"};
  m.name = {"j1", "j2", "j3", "j4", "j5", "j6", "gripper"};
  for (int j = 0; j < 7; ++j) {
    m.position.push_back(0.1 * step + j);
    m.velocity.push_back(-0.01 * step - j);
    m.effort.push_back(3.0 + 0.001 * step * j);
  }
  return m;
}

// Names and frame longer than std::string's inline buffer (15 chars in libstdc++), so each is a
// heap buffer that must be reused.
JointState long_named_state(int step) {
  JointState m;
  m.header = {step, step % 2 == 0 ? "robot/left_arm/base_link" : "robot/right_arm/base_lnk"};
  m.name = {"left_arm_shoulder_pan_joint", "left_arm_shoulder_lift_joint", "left_arm_elbow_joint",
            "left_arm_wrist_1_joint"};
  if (step % 2 == 1) {  // different names, none longer than before
    m.name = {"right_arm_shoulder_pan_jnt", "right_arm_shoulder_lift", "right_arm_elbow_joint_x",
              "right_arm_wrist_1_joint"};
  }
  m.position = {0.5 * step, 1, 2, 3};
  m.velocity = {4, 5, 6, 0.25 * step};
  m.effort = {7, 8, 9, 10};
  return m;
}

Imu imu_sample(int step, std::string frame) {
  Imu m;
  m.header = {1'000 + step, std::move(frame)};
  m.orientation = {0.0, 0.0, 0.01 * step, 1.0};
  m.angular_velocity = {0.1, -0.2, 0.001 * step};
  m.linear_acceleration = {0.3, 0.2, 9.81 + 0.001 * step};
  for (std::size_t i = 0; i < 9; ++i) {
    m.orientation_covariance[i] = 0.01 * static_cast<double>(i);
    m.angular_velocity_covariance[i] = -0.5 * static_cast<double>(i) + step;
    m.linear_acceleration_covariance[i] = 1e-3 * static_cast<double>(i * i);
  }
  return m;
}

template <typename T>
std::vector<std::vector<std::uint8_t>> encode_all(const std::vector<T>& messages) {
  std::vector<std::vector<std::uint8_t>> out;
  for (const T& m : messages) out.push_back(encode_cdr(m));
  return out;
}

// Decodes every message into one object; returns the allocations made after the first.
template <typename T>
std::size_t allocations_after_first(const std::vector<T>& messages) {
  const auto encoded = encode_all(messages);
  T out;
  EXPECT_TRUE(decode_cdr_into(encoded[0], out).ok());
  EXPECT_EQ(out, messages[0]);
  std::size_t total = 0;
  for (std::size_t i = 1; i < messages.size(); ++i) {
    Status status;
    {
      AllocationCounter counter;
      status = decode_cdr_into(encoded[i], out);
      total += counter.count();
    }
    EXPECT_TRUE(status.ok()) << status.to_string();
    EXPECT_EQ(out, messages[i]) << i;
  }
  return total;
}

TEST(AllocationCounter, SeesAllocationsMadeOnThisThread) {
  std::size_t n = 0;
  {
    AllocationCounter counter;
    auto* numbers = new std::vector<double>(1000);
    g_sink = numbers;
    g_sink = numbers->data();
    std::string text(100, 'x');
    g_sink = text.data();
    n = counter.count();
    delete numbers;
  }
  EXPECT_EQ(n, 3u);  // the vector object, its 1000 doubles, the string's buffer
}

TEST(DecodeCdrInto, JointStateDoesNotAllocateAfterTheFirstMessage) {
  std::vector<JointState> messages;
  for (int step = 0; step < 200; ++step) messages.push_back(arm_state(step));
  EXPECT_EQ(allocations_after_first(messages), 0u);
}

TEST(DecodeCdrInto, JointStateReusesHeapStringBuffers) {
  std::vector<JointState> messages;
  for (int step = 0; step < 50; ++step) messages.push_back(long_named_state(step));
  EXPECT_EQ(allocations_after_first(messages), 0u);
}

TEST(DecodeCdrInto, ImuDoesNotAllocateAfterTheFirstMessage) {
  std::vector<Imu> messages;
  for (int step = 0; step < 200; ++step) messages.push_back(imu_sample(step, "imu_link"));
  EXPECT_EQ(allocations_after_first(messages), 0u);
  messages.clear();
  for (int step = 0; step < 20; ++step) {
    messages.push_back(imu_sample(step, "robot/torso/imu_link_with_a_long_name"));
  }
  EXPECT_EQ(allocations_after_first(messages), 0u);
}

TEST(DecodeCdrInto, DecodeCdrAsAllocatesAFreshMessageEachTime) {
  // The contrast that motivates decode_cdr_into: the counter does see the library's
  // allocations, one per vector at least.
  const std::vector<std::uint8_t> bytes = encode_cdr(arm_state(1));
  std::size_t n = 0;
  {
    AllocationCounter counter;
    auto decoded = decode_cdr_as<JointState>(bytes);
    g_sink = decoded->position.data();
    n = counter.count();
  }
  EXPECT_GE(n, 4u);
}

TEST(DecodeCdrInto, RoundTripsIntoAFreshAndAReusedObject) {
  for (const JointState& m : {arm_state(3), long_named_state(1), JointState{}}) {
    const std::vector<std::uint8_t> bytes = encode_cdr(m);
    JointState fresh;
    ASSERT_TRUE(decode_cdr_into(bytes, fresh).ok());
    EXPECT_EQ(fresh, m);
    JointState reused = long_named_state(2);
    ASSERT_TRUE(decode_cdr_into(bytes, reused).ok());
    EXPECT_EQ(reused, m);
    EXPECT_EQ(*decode_cdr_as<JointState>(bytes), m);
  }
  const Imu imu = imu_sample(7, "imu");
  Imu reused = imu_sample(1, "another_frame_name_that_is_long");
  ASSERT_TRUE(decode_cdr_into(encode_cdr(imu), reused).ok());
  EXPECT_EQ(reused, imu);
}

TEST(DecodeCdrInto, ShorterMessageLeavesNoStaleElements) {
  JointState big;
  big.header = {5, "a_rather_long_frame_identifier"};
  for (int j = 0; j < 9; ++j) {
    big.name.push_back("joint_with_a_long_name_" + std::to_string(j));
    big.position.push_back(j);
    big.velocity.push_back(10.0 + j);
    big.effort.push_back(20.0 + j);
  }
  JointState small;
  small.header = {6, "f"};
  small.name = {"a", "bb", "ccc"};
  small.position = {-1, -2, -3};
  small.velocity = {};
  small.effort = {0.5};

  JointState out;
  ASSERT_TRUE(decode_cdr_into(encode_cdr(big), out).ok());
  ASSERT_EQ(out, big);
  ASSERT_TRUE(decode_cdr_into(encode_cdr(small), out).ok());
  EXPECT_EQ(out, small);
  EXPECT_EQ(out.header.frame_id, "f");
  EXPECT_THAT(out.name, ::testing::ElementsAre("a", "bb", "ccc"));
  EXPECT_THAT(out.position, ::testing::ElementsAre(-1.0, -2.0, -3.0));
  EXPECT_TRUE(out.velocity.empty());
  EXPECT_THAT(out.effort, ::testing::ElementsAre(0.5));

  // And back to the longer one: the regrown elements hold the new values.
  ASSERT_TRUE(decode_cdr_into(encode_cdr(big), out).ok());
  EXPECT_EQ(out, big);

  // Nested sequences of structs with strings.
  TFMessage tf_big;
  for (int i = 0; i < 3; ++i) {
    TransformStamped t;
    t.header = {i, "frame_parent_number_" + std::to_string(i)};
    t.child_frame_id = "frame_child_number_" + std::to_string(i);
    t.transform.translation = {1.0 * i, 2.0, 3.0};
    t.transform.rotation = {0, 0, 0.6, 0.8};
    tf_big.transforms.push_back(t);
  }
  TFMessage tf_small;
  tf_small.transforms.push_back({{9, "w"}, "c", {{-1, -2, -3}, {0, 0, 0, 1}}});
  TFMessage tf_out;
  ASSERT_TRUE(decode_cdr_into(encode_cdr(tf_big), tf_out).ok());
  ASSERT_TRUE(decode_cdr_into(encode_cdr(tf_small), tf_out).ok());
  EXPECT_EQ(tf_out, tf_small);

  PointCloud2 cloud_big;
  cloud_big.header = {1, "lidar"};
  cloud_big.height = 1;
  cloud_big.width = 3;
  cloud_big.fields = {{"x", 0, PointField::kFloat32, 1},
                      {"y", 4, PointField::kFloat32, 1},
                      {"z", 8, PointField::kFloat32, 1},
                      {"intensity", 12, PointField::kFloat32, 1}};
  cloud_big.point_step = 16;
  cloud_big.row_step = 48;
  cloud_big.data.assign(48, 0xAB);
  cloud_big.is_dense = true;
  PointCloud2 cloud_small;
  cloud_small.header = {2, "l"};
  cloud_small.height = 1;
  cloud_small.width = 1;
  cloud_small.fields = {{"x", 0, PointField::kFloat64, 1}};
  cloud_small.point_step = 8;
  cloud_small.row_step = 8;
  cloud_small.data = {1, 2, 3, 4, 5, 6, 7, 8};
  PointCloud2 cloud_out;
  ASSERT_TRUE(decode_cdr_into(encode_cdr(cloud_big), cloud_out).ok());
  ASSERT_TRUE(decode_cdr_into(encode_cdr(cloud_small), cloud_out).ok());
  EXPECT_EQ(cloud_out, cloud_small);
  EXPECT_EQ(cloud_out.data.size(), 8u);
  EXPECT_FALSE(cloud_out.is_dense);
}

// Big-endian (CDR_BE) plain CDR, written by hand: the typed path byte-swaps bulk-copied arrays.
class BigEndianCdr {
 public:
  void u32(std::uint32_t v) {
    align(4);
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void f64(double v) {
    align(8);
    std::uint64_t raw = 0;
    std::memcpy(&raw, &v, 8);
    for (int shift = 56; shift >= 0; shift -= 8)
      bytes_.push_back(static_cast<std::uint8_t>(raw >> shift));
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size() + 1));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    bytes_.push_back(0);
  }
  void f64s(const std::vector<double>& values, bool with_count) {
    if (with_count) u32(static_cast<std::uint32_t>(values.size()));
    for (double v : values) f64(v);
  }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  void align(std::size_t n) {
    while ((bytes_.size() - 4) % n != 0) bytes_.push_back(0);
  }
  std::vector<std::uint8_t> bytes_ = {0x00, 0x00, 0x00, 0x00};  // CDR_BE
};

template <typename T>
T via_schema_decoder(const std::vector<std::uint8_t>& bytes) {
  const std::string_view type = MessageTraits<T>::kTypeName;
  auto schema = parse_ros2msg(type, ros2msg_definition(type));
  EXPECT_TRUE(schema.ok());
  auto tree = decode_cdr(*schema, bytes);
  EXPECT_TRUE(tree.ok()) << tree.status().to_string();
  auto extracted = extract<T>(*tree);
  EXPECT_TRUE(extracted.ok()) << extracted.status().to_string();
  return *extracted;
}

TEST(DecodeCdrInto, BigEndianMatchesTheSchemaDecoder) {
  BigEndianCdr joints;
  joints.i32(12);
  joints.u32(345);
  joints.str("base");
  joints.u32(2);
  joints.str("shoulder");
  joints.str("elbow");
  joints.f64s({1.5, -2.25}, true);
  joints.f64s({}, true);
  joints.f64s({1e-300, 6.02e23}, true);
  JointState expected;
  expected.header = {12'000'000'345, "base"};
  expected.name = {"shoulder", "elbow"};
  expected.position = {1.5, -2.25};
  expected.effort = {1e-300, 6.02e23};

  JointState out = long_named_state(0);
  const Status status = decode_cdr_into(joints.bytes(), out);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(out, expected);
  EXPECT_EQ(out, via_schema_decoder<JointState>(joints.bytes()));

  BigEndianCdr imu;
  imu.i32(-1);
  imu.u32(999'999'999);
  imu.str("imu");
  const std::vector<double> quaternion = {0.5, -0.5, 0.5, -0.5};
  std::vector<double> covariance;
  for (int i = 0; i < 9; ++i) covariance.push_back(0.125 * i - 0.5);
  imu.f64s(quaternion, false);
  imu.f64s(covariance, false);
  imu.f64s({1, 2, 3}, false);
  imu.f64s(covariance, false);
  imu.f64s({-4, -5, -6}, false);
  imu.f64s(covariance, false);
  Imu imu_out = imu_sample(3, "x");
  ASSERT_TRUE(decode_cdr_into(imu.bytes(), imu_out).ok());
  EXPECT_EQ(imu_out.header.stamp_ns, -1);
  EXPECT_EQ(imu_out.orientation, (Quaternion{0.5, -0.5, 0.5, -0.5}));
  EXPECT_EQ(imu_out.orientation_covariance[8], 0.5);
  EXPECT_EQ(imu_out.angular_velocity, (Vector3{1, 2, 3}));
  EXPECT_EQ(imu_out.linear_acceleration, (Vector3{-4, -5, -6}));
  EXPECT_EQ(imu_out.linear_acceleration_covariance[1], -0.375);
  EXPECT_EQ(imu_out, via_schema_decoder<Imu>(imu.bytes()));
}

TEST(DecodeCdrInto, ErrorsNameTheFieldExactlyLikeDecodeCdrAsAndDecodeCdr) {
  auto schema =
      parse_ros2msg("sensor_msgs/msg/JointState", ros2msg_definition("sensor_msgs/msg/JointState"));
  ASSERT_TRUE(schema.ok());
  JointState m;
  m.header = {0, "abcde"};  // name count at body offset 20, position count at 24
  m.position = {1, 2, 3};   // elements after 4 padding bytes, at body offsets 32, 40, 48
  std::vector<std::uint8_t> bytes = encode_cdr(m);
  ASSERT_EQ(bytes.size(), 68u);
  bytes.resize(56);  // the count check passes (24 bytes left), the third element is cut

  JointState out = arm_state(1);
  const Status status = decode_cdr_into(bytes, out);
  EXPECT_EQ(status.code(), StatusCode::kTruncated);
  EXPECT_EQ(status.message(),
            "sensor_msgs/msg/JointState: field 'position[2]': offset 52: need 8 bytes, 4 left "
            "(message is 56 bytes)");
  EXPECT_EQ(decode_cdr_as<JointState>(bytes).status(), status);
  EXPECT_EQ(decode_cdr(*schema, bytes).status(), status);

  // A fixed array cut inside: Imu body: stamp 0..7, frame_id "" 8..12, orientation 16..47,
  // orientation_covariance from 48; 3 bytes of its element 4 (body offset 80) are present.
  std::vector<std::uint8_t> imu = encode_cdr(Imu{});
  imu.resize(4 + 80 + 3);
  Imu imu_out = imu_sample(1, "imu_link");
  const Status imu_status = decode_cdr_into(imu, imu_out);
  EXPECT_EQ(imu_status.code(), StatusCode::kTruncated);
  EXPECT_EQ(imu_status.message(),
            "sensor_msgs/msg/Imu: field 'orientation_covariance[4]': offset 84: need 8 bytes, 3 "
            "left (message is 87 bytes)");
  EXPECT_EQ(decode_cdr_as<Imu>(imu).status(), imu_status);

  // A name count larger than the bytes left.
  std::vector<std::uint8_t> absurd = encode_cdr(JointState{});
  ASSERT_EQ(absurd.size(), 36u);
  absurd[4 + 16] = 0xFF;  // name count (body offset 16: frame_id "" ends at 13)
  const Status count_status = decode_cdr_into(absurd, out);
  EXPECT_EQ(count_status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(count_status.message(),
            "sensor_msgs/msg/JointState: field 'name': offset 20: sequence count 255 needs at "
            "least 1020 bytes, 12 left");
  EXPECT_EQ(decode_cdr_as<JointState>(absurd).status(), count_status);

  // Encapsulation errors carry the type as context.
  const std::vector<std::uint8_t> xcdr2 = {0x00, 0x07, 0x00, 0x00, 0, 0, 0, 0};
  const Status header_status = decode_cdr_into(xcdr2, out);
  EXPECT_EQ(header_status.code(), StatusCode::kUnsupported);
  EXPECT_THAT(header_status.message(),
              HasSubstr("sensor_msgs/msg/JointState: offset 0: XCDR2 data (representation "
                        "0x0007) is not supported"));
  const Status short_status = decode_cdr_into(std::span<const std::uint8_t>(xcdr2).first(3), out);
  EXPECT_EQ(short_status.code(), StatusCode::kTruncated);
  EXPECT_EQ(short_status, decode_cdr_as<JointState>(std::span(xcdr2).first(3)).status());

  // After any failure the object decodes the next good message exactly.
  ASSERT_TRUE(decode_cdr_into(encode_cdr(arm_state(4)), out).ok());
  EXPECT_EQ(out, arm_state(4));
}

}  // namespace
}  // namespace parity::ros2
