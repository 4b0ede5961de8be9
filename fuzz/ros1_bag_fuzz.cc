// libFuzzer target for the ROS 1 bag reader and the ROS 1 deserializer. Each input is opened as
// a bag held in memory (index fast path and forced scan), read in file and log-time order with
// every message decoded by its own connection's definition (so arbitrary message_definition
// texts reach parse_ros1msg), and is also decoded as one ROS 1 message with a fixed set of
// definitions, typed extraction and the typed fast path (decode_ros1_into, which must succeed
// exactly when the tree does). Any crash, hang, sanitizer report or unbounded allocation is a
// bug; error Statuses are expected. Seeds: fuzz/corpus/ros1_bag/ (small synthetic bags).
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/formats/ros1/ros1_bag.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/msg_schema.h"
#include "parity/formats/ros_msg/ros1_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "parity/io/byte_source.h"

namespace {

using namespace parity::ros2;

constexpr std::string_view kHeader =
    "================================================================================\n"
    "MSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n";
constexpr std::string_view kVector3 =
    "================================================================================\n"
    "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n";

struct Definition {
  std::string_view type;
  std::string text;
};

const std::vector<MsgSchema>& schemas() {
  static const std::vector<MsgSchema>* const kSchemas = [] {
    const std::vector<Definition> definitions = {
        {"sensor_msgs/JointState",
         "Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
         "float64[] effort\n" +
             std::string(kHeader)},
        {"sensor_msgs/Imu",
         "Header header\ngeometry_msgs/Quaternion orientation\nfloat64[9] "
         "orientation_covariance\ngeometry_msgs/Vector3 angular_velocity\nfloat64[9] "
         "angular_velocity_covariance\ngeometry_msgs/Vector3 linear_acceleration\nfloat64[9] "
         "linear_acceleration_covariance\n" +
             std::string(kHeader) + std::string(kVector3) +
             "================================================================================\n"
             "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n"},
        {"sensor_msgs/PointCloud2",
         "Header header\nuint32 height\nuint32 width\nsensor_msgs/PointField[] fields\nbool "
         "is_bigendian\nuint32 point_step\nuint32 row_step\nuint8[] data\nbool is_dense\n" +
             std::string(kHeader) +
             "================================================================================\n"
             "MSG: sensor_msgs/PointField\nuint8 INT8=1\nstring name\nuint32 offset\nuint8 "
             "datatype\nuint32 count\n"},
        {"fuzz_msgs/Nested",
         "byte b\nchar c\ntime t\nduration d\nInner[2] pair\nInner[] many\nEmpty[3] nothing\n"
         "string[] names\nint16[4] fixed\nstring NOTE=a # b\n"
         "===\nMSG: fuzz_msgs/Inner\nuint16 id\nfloat32[] xs\nbool flag\n"
         "===\nMSG: fuzz_msgs/Empty\n"},
    };
    auto* out = new std::vector<MsgSchema>();
    for (const Definition& d : definitions) {
      out->push_back(std::move(parse_ros1msg(d.type, d.text)).value());
    }
    return out;
  }();
  return *kSchemas;
}

void decode_fixed(std::span<const std::uint8_t> data) {
  const auto& all = schemas();
  for (const MsgSchema& schema : all) {
    auto value = decode_ros1(schema, data);
    if (!value.ok()) continue;
    to_json(*value).dump();
  }
  // The typed fast path succeeds exactly when the tree + extract<T>() does (values are not
  // compared: random bytes make NaNs).
  static JointState reused_joints;
  auto fast_joints = decode_ros1_as<JointState>(data);
  if (fast_joints.ok() != decode_ros1_into(data, reused_joints).ok()) __builtin_trap();
  if (auto v = decode_ros1(all[0], data);
      v.ok() != fast_joints.ok() || (v.ok() && !extract<JointState>(*v).ok())) {
    __builtin_trap();
  }
  auto fast_imu = decode_ros1_as<Imu>(data);
  if (auto v = decode_ros1(all[1], data);
      v.ok() != fast_imu.ok() || (v.ok() && !extract<Imu>(*v).ok())) {
    __builtin_trap();
  }
  decode_ros1_as<PointCloud2>(data).status().ignore();
  decode_ros1_as<TFMessage>(data).status().ignore();
  if (auto v = decode_ros1(all[2], data); v.ok()) {
    auto cloud = extract<PointCloud2>(*v);
    if (cloud.ok()) read_xyz(*cloud).status().ignore();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  decode_fixed(bytes.first(std::min<std::size_t>(size, 4096)));
  parity::NullDiagnosticSink diagnostics;
  for (const bool force_scan : {false, true}) {
    parity::ros1::Ros1BagOptions options;
    options.force_scan = force_scan;
    options.max_chunk_size = 16u << 20;
    auto bag = parity::ros1::open_ros1_bag(parity::memory_source_view(bytes, "fuzz.bag"),
                                           diagnostics, options);
    if (!bag.ok()) continue;
    std::map<std::uint32_t, parity::Result<MessageDecoder>> decoders;
    std::size_t decoded = 0;
    const auto visit = [&](const parity::MessageView& view) {
      if (decoded++ < 64) {
        auto it = decoders.find(view.stream->id);
        if (it == decoders.end()) {
          it = decoders.emplace(view.stream->id, MessageDecoder::for_stream(*view.stream)).first;
        }
        if (it->second.ok()) it->second->decode(view.data).status().ignore();
      }
      return parity::Status{};
    };
    (*bag)->read_messages({}, visit).ignore();
    parity::ReadOptions ordered;
    ordered.log_time_order = true;
    ordered.topics = {"/chatter", "/count"};
    (*bag)->read_messages(ordered, visit).ignore();
  }
  return 0;
}
