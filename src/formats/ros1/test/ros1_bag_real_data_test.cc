// The ROS 1 bag reader on the real bags under shared/data/ros1-bag (MANIFEST.md gives the
// counts), through both the index fast path and the forced sequential scan, plus ROS 1
// decoding and typed extraction of their messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "formats/ros1/test/ros1_test_util.h"
#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/ros1_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"
#include "testing/testing.h"

namespace parity::ros1 {
namespace {

using ::testing::HasSubstr;
using testing::Msg;
using testing::read_all;

std::unique_ptr<Recording> open_or_die(const std::filesystem::path& path, DiagnosticSink& sink,
                                       bool force_scan = false) {
  Ros1BagOptions options;
  options.force_scan = force_scan;
  auto r = open_ros1_bag(path, sink, options);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

std::map<std::string, std::uint64_t> counts_by_topic(const RecordingInfo& info) {
  std::map<std::string, std::uint64_t> out;
  for (const StreamInfo& s : info.streams) out[s.topic] += s.message_count;
  return out;
}

struct BagCase {
  const char* path;
  std::uint64_t messages;
  std::size_t streams;
  std::uint64_t chunks;
  std::map<std::string, std::uint64_t> compression;
};

const BagCase kBags[] = {
    {"ros1-bag/rosbag.js/example.bag", 8647, 9, 1, {{"", 1}}},
    {"ros1-bag/rosbag.js/example-bz2.bag", 8647, 9, 1, {{"bz2", 1}}},
    {"ros1-bag/rosbag.js/example-lz4.bag", 8647, 9, 1, {{"lz4", 1}}},
    {"ros1-bag/rosbag.js/example-unsorted-chunks.bag", 3, 1, 3, {{"", 3}}},
    {"ros1-bag/rosbag.js/no-messages.bag", 0, 0, 0, {}},
    {"ros1-bag/embag/test.bag", 15, 3, 6, {{"lz4", 6}}},
    {"ros1-bag/embag/array_test.bag", 20, 1, 1, {{"", 1}}},
    {"ros1-bag/embag/test_2.bag", 2, 1, 2, {{"", 2}}},
    {"ros1-bag/evo/ROS_example.bag", 26566, 3, 5, {{"", 5}}},
    {"ros1-bag/evo/tf_example.bag", 518, 2, 1, {{"lz4", 1}}},
    {"ros1-bag/lerobot-realsense/test_rs.bag", 375, 98, 9, {{"lz4", 9}}},
    {"ros1-bag/inorbit-fake-sensors/fake_sensors_sample.bag", 20, 2, 1, {{"", 1}}},
};

class RealBag : public ::testing::TestWithParam<BagCase> {};

TEST_P(RealBag, IndexAndScanGiveExactIdenticalResults) {
  const BagCase& c = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, c.path);
  DiagnosticCollector fast_diag, scan_diag;
  auto fast = open_or_die(path, fast_diag);
  auto scan = open_or_die(path, scan_diag, true);
  ASSERT_TRUE(fast && scan);
  const RecordingInfo& fi = fast->info();
  const RecordingInfo& si = scan->info();
  EXPECT_TRUE(fi.indexed);
  EXPECT_FALSE(si.indexed);
  EXPECT_EQ(fast_diag.size(), 0u);
  EXPECT_EQ(scan_diag.size(), 0u);
  for (const RecordingInfo* info : {&fi, &si}) {
    EXPECT_EQ(info->format, "ros1-bag");
    EXPECT_EQ(info->message_count, c.messages);
    EXPECT_EQ(info->streams.size(), c.streams);
    EXPECT_EQ(info->chunk_count, c.chunks);
    EXPECT_EQ(info->chunk_compression_counts, c.compression);
    EXPECT_EQ(info->size_bytes, std::filesystem::file_size(path));
    ASSERT_EQ(info->files.size(), 1u);
    ASSERT_EQ(info->episodes.size(), 1u);
    EXPECT_EQ(info->episodes[0].message_count, c.messages);
    EXPECT_EQ(info->episodes[0].streams.size(), c.streams);
    EXPECT_EQ(info->episodes[0].start_ns, info->start_ns);
    EXPECT_EQ(info->episodes[0].end_ns, info->end_ns);
    for (std::size_t i = 0; i < info->streams.size(); ++i) {
      const StreamInfo& s = info->streams[i];
      EXPECT_EQ(s.id, i);
      EXPECT_EQ(s.message_encoding, "ros1");
      EXPECT_EQ(s.schema_encoding, "ros1msg");
      EXPECT_EQ(s.metadata.at("md5sum").size(), 32u) << s.topic;
    }
  }
  ASSERT_EQ(fi.streams.size(), si.streams.size());
  for (std::size_t i = 0; i < fi.streams.size(); ++i) {
    EXPECT_EQ(fi.streams[i].topic, si.streams[i].topic);
    EXPECT_EQ(fi.streams[i].type, si.streams[i].type);
    EXPECT_EQ(fi.streams[i].schema, si.streams[i].schema);
    EXPECT_EQ(fi.streams[i].message_count, si.streams[i].message_count);
    EXPECT_EQ(fi.streams[i].start_ns, si.streams[i].start_ns) << fi.streams[i].topic;
    EXPECT_EQ(fi.streams[i].end_ns, si.streams[i].end_ns) << fi.streams[i].topic;
  }
  EXPECT_EQ(fi.start_ns, si.start_ns);
  EXPECT_EQ(fi.end_ns, si.end_ns);

  const std::vector<Msg> a = read_all(*fast);
  const std::vector<Msg> b = read_all(*scan);
  EXPECT_EQ(a.size(), c.messages);
  EXPECT_TRUE(a == b);
  // Per-stream counts and time ranges agree with what is delivered.
  std::map<std::string, std::tuple<std::uint64_t, std::int64_t, std::int64_t>> seen;
  for (const Msg& m : a) {
    auto [it, fresh] = seen.try_emplace(m.topic + " " + m.type, 0, m.time_ns, m.time_ns);
    auto& [n, lo, hi] = it->second;
    ++n;
    lo = std::min(lo, m.time_ns);
    hi = std::max(hi, m.time_ns);
  }
  for (const StreamInfo& s : fi.streams) {
    if (s.message_count == 0) continue;
    const auto& [n, lo, hi] = seen.at(s.topic + " " + s.type);
    EXPECT_EQ(n, s.message_count) << s.topic;
    EXPECT_EQ(lo, s.start_ns) << s.topic;
    EXPECT_EQ(hi, s.end_ns) << s.topic;
  }
  // Log-time order: sorted, and the same multiset.
  ReadOptions ordered;
  ordered.log_time_order = true;
  std::vector<Msg> t = read_all(*fast, ordered);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end(),
                             [](const Msg& x, const Msg& y) { return x.time_ns < y.time_ns; }));
  std::vector<Msg> sorted_a = a;
  std::sort(sorted_a.begin(), sorted_a.end());
  std::sort(t.begin(), t.end());
  EXPECT_TRUE(sorted_a == t);
}

TEST_P(RealBag, EveryMessageDecodesAsRos1) {
  const BagCase& c = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, c.path);
  DiagnosticCollector diag;
  auto bag = open_or_die(path, diag);
  ASSERT_TRUE(bag);
  std::map<std::uint32_t, ros2::MessageDecoder> decoders;
  for (const StreamInfo& s : bag->info().streams) {
    auto d = ros2::MessageDecoder::for_stream(s);
    ASSERT_TRUE(d.ok()) << d.status().to_string();
    EXPECT_EQ(d->encoding(), ros2::MessageEncoding::kRos1);
    decoders.emplace(s.id, std::move(*d));
  }
  std::uint64_t decoded = 0;
  Status status = bag->read_messages({}, [&](const MessageView& view) {
    auto value = decoders.at(view.stream->id).decode(view.data);
    EXPECT_TRUE(value.ok()) << value.status().to_string();
    decoded += value.ok() ? 1 : 0;
    return Status{};
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(decoded, c.messages);
}

// decode_ros1_into<T>() equals extract<T>() of the tree for a message of T's type.
template <typename T>
void expect_fast_path_agrees(const ros2::Value& tree, std::span<const std::uint8_t> data,
                             std::uint64_t& checked) {
  auto slow = ros2::extract<T>(tree);
  ASSERT_TRUE(slow.ok()) << slow.status().to_string();
  T fast;
  Status status = ros2::decode_ros1_into(data, fast);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_TRUE(fast == *slow) << ros2::MessageTraits<T>::kTypeName;
  ++checked;
}

TEST_P(RealBag, TypedFastPathAgreesWithTheTree) {
  const BagCase& c = GetParam();
  PARITY_REQUIRE_SHARED_DATA(path, c.path);
  DiagnosticCollector diag;
  auto bag = open_or_die(path, diag);
  ASSERT_TRUE(bag);
  std::uint64_t checked = 0, typed = 0;
  std::vector<ros2::MessageDecoder> decoders;
  for (const StreamInfo& s : bag->info().streams) {
    decoders.push_back(std::move(ros2::MessageDecoder::for_stream(s)).value());
  }
  ASSERT_TRUE(bag->read_messages(
                     {},
                     [&](const MessageView& view) {
                       const std::string& type = view.stream->type;
                       auto tree = decoders[view.stream->id].decode(view.data);
                       EXPECT_TRUE(tree.ok());
                       if (!tree.ok()) return Status{};
                       ++typed;
                       if (type == "sensor_msgs/Image") {
                         expect_fast_path_agrees<ros2::Image>(*tree, view.data, checked);
                       } else if (type == "sensor_msgs/CameraInfo") {
                         expect_fast_path_agrees<ros2::CameraInfo>(*tree, view.data, checked);
                       } else if (type == "sensor_msgs/PointCloud2") {
                         expect_fast_path_agrees<ros2::PointCloud2>(*tree, view.data, checked);
                       } else if (type == "sensor_msgs/LaserScan") {
                         expect_fast_path_agrees<ros2::LaserScan>(*tree, view.data, checked);
                       } else if (type == "nav_msgs/Odometry") {
                         expect_fast_path_agrees<ros2::Odometry>(*tree, view.data, checked);
                       } else if (type == "geometry_msgs/PoseStamped") {
                         expect_fast_path_agrees<ros2::PoseStamped>(*tree, view.data, checked);
                       } else if (type == "tf2_msgs/TFMessage" || type == "tf/tfMessage") {
                         expect_fast_path_agrees<ros2::TFMessage>(*tree, view.data, checked);
                       } else if (type == "sensor_msgs/MagneticField") {
                         expect_fast_path_agrees<ros2::MagneticField>(*tree, view.data, checked);
                       } else if (type == "geometry_msgs/Transform") {
                         expect_fast_path_agrees<ros2::Transform>(*tree, view.data, checked);
                       } else if (type == "geometry_msgs/Twist") {
                         expect_fast_path_agrees<ros2::Twist>(*tree, view.data, checked);
                       } else if (type == "std_msgs/String") {
                         expect_fast_path_agrees<ros2::String>(*tree, view.data, checked);
                       } else if (type == "std_msgs/UInt32") {
                         expect_fast_path_agrees<ros2::UInt32>(*tree, view.data, checked);
                       } else {
                         --typed;
                       }
                       return Status{};
                     })
                  .ok());
  EXPECT_EQ(checked, typed);
}

INSTANTIATE_TEST_SUITE_P(Ros1Bags, RealBag, ::testing::ValuesIn(kBags));

TEST(RealBagTopics, CountsPerTopicMatchTheManifest) {
  PARITY_REQUIRE_SHARED_DATA(evo, "ros1-bag/evo/ROS_example.bag");
  DiagnosticCollector diag;
  auto bag = open_or_die(evo, diag);
  EXPECT_EQ(counts_by_topic(bag->info()),
            (std::map<std::string, std::uint64_t>{
                {"groundtruth", 12765}, {"ORB-SLAM", 8362}, {"S-PTAM", 5439}}));
  for (const StreamInfo& s : bag->info().streams) EXPECT_EQ(s.type, "geometry_msgs/PoseStamped");

  PARITY_REQUIRE_SHARED_DATA(tf, "ros1-bag/evo/tf_example.bag");
  auto tf_bag = open_or_die(tf, diag);
  EXPECT_EQ(counts_by_topic(tf_bag->info()),
            (std::map<std::string, std::uint64_t>{{"/tf", 517}, {"/tf_static", 1}}));

  PARITY_REQUIRE_SHARED_DATA(embag, "ros1-bag/embag/test.bag");
  auto e = open_or_die(embag, diag);
  std::map<std::string, std::uint64_t> by_type;
  for (const StreamInfo& s : e->info().streams) by_type[s.type] += s.message_count;
  EXPECT_EQ(by_type, (std::map<std::string, std::uint64_t>{{"sensor_msgs/PointCloud2", 5},
                                                           {"sensor_msgs/LaserScan", 5},
                                                           {"nav_msgs/Odometry", 5}}));

  PARITY_REQUIRE_SHARED_DATA(rs, "ros1-bag/lerobot-realsense/test_rs.bag");
  auto r = open_or_die(rs, diag);
  const auto rs_counts = counts_by_topic(r->info());
  EXPECT_EQ(rs_counts.at("/device_0/sensor_0/Depth_0/image/data"), 6u);
  EXPECT_EQ(rs_counts.at("/device_0/sensor_1/Color_0/image/data"), 5u);

  PARITY_REQUIRE_SHARED_DATA(fake, "ros1-bag/inorbit-fake-sensors/fake_sensors_sample.bag");
  auto f = open_or_die(fake, diag);
  EXPECT_EQ(counts_by_topic(f->info()), (std::map<std::string, std::uint64_t>{
                                            {"/my_magnetic_field", 10}, {"/my_temperature", 10}}));
  EXPECT_EQ(diag.size(), 0u);
}

// The same turtlesim session stored uncompressed (12 connections), bz2 and lz4 (9 merged
// connections): identical streams and identical messages.
TEST(RealBagTopics, RosbagJsCompressionVariantsAreIdentical) {
  PARITY_REQUIRE_SHARED_DATA(plain, "ros1-bag/rosbag.js/example.bag");
  PARITY_REQUIRE_SHARED_DATA(bz2, "ros1-bag/rosbag.js/example-bz2.bag");
  PARITY_REQUIRE_SHARED_DATA(lz4, "ros1-bag/rosbag.js/example-lz4.bag");
  DiagnosticCollector diag;
  auto p = open_or_die(plain, diag);
  auto b = open_or_die(bz2, diag);
  auto l = open_or_die(lz4, diag);
  const std::map<std::string, std::uint64_t> expected = {{"/rosout", 10},
                                                         {"/turtle1/color_sensor", 1351},
                                                         {"/tf_static", 1},
                                                         {"/turtle2/color_sensor", 1344},
                                                         {"/turtle1/pose", 1344},
                                                         {"/turtle2/pose", 1344},
                                                         {"/tf", 2688},
                                                         {"/turtle2/cmd_vel", 208},
                                                         {"/turtle1/cmd_vel", 357}};
  EXPECT_EQ(counts_by_topic(p->info()), expected);
  EXPECT_EQ(counts_by_topic(b->info()), expected);
  EXPECT_EQ(counts_by_topic(l->info()), expected);
  // In log-time order the three deliver exactly the same sequence. Within a chunk the files
  // store a few same-millisecond messages in different orders, so file order agrees as a
  // multiset.
  ReadOptions ordered;
  ordered.log_time_order = true;
  const auto tp = read_all(*p, ordered);
  EXPECT_EQ(tp.size(), 8647u);
  EXPECT_TRUE(tp == read_all(*b, ordered));
  EXPECT_TRUE(tp == read_all(*l, ordered));
  auto fp = read_all(*p), fb = read_all(*b), fl = read_all(*l);
  EXPECT_FALSE(fp == fb);  // the stored orders really differ
  std::sort(fp.begin(), fp.end());
  std::sort(fb.begin(), fb.end());
  std::sort(fl.begin(), fl.end());
  EXPECT_TRUE(fp == fb);
  EXPECT_TRUE(fp == fl);
  // The uncompressed file records several publishers per topic; they merge into one stream
  // whose metadata lists every caller id.
  std::map<std::string, std::string> callers;
  for (const StreamInfo& s : p->info().streams) callers[s.topic] = s.metadata.at("callerid");
  EXPECT_EQ(callers.at("/tf"), "/turtle2_tf_broadcaster,/turtle1_tf_broadcaster");
  EXPECT_EQ(callers.at("/rosout"),
            "/record_1396293886837508126,/sim,/static_transform_publisher_1396293887803024259");
  EXPECT_EQ(p->info().start_ns, 1396293887844783943);
  EXPECT_EQ(p->info().end_ns, 1396293909544870199);
  EXPECT_EQ(diag.size(), 0u);
}

TEST(RealBagTopics, UnsortedChunksReadInTimeOrder) {
  PARITY_REQUIRE_SHARED_DATA(path, "ros1-bag/rosbag.js/example-unsorted-chunks.bag");
  DiagnosticCollector diag;
  for (bool scan : {false, true}) {
    auto bag = open_or_die(path, diag, scan);
    const auto file_order = read_all(*bag);
    ReadOptions options;
    options.log_time_order = true;
    const auto time_order = read_all(*bag, options);
    ASSERT_EQ(file_order.size(), 3u);
    std::vector<std::int64_t> file_times, ordered_times;
    for (const Msg& m : file_order) file_times.push_back(m.time_ns);
    for (const Msg& m : time_order) ordered_times.push_back(m.time_ns);
    EXPECT_FALSE(std::is_sorted(file_times.begin(), file_times.end()));
    EXPECT_EQ(ordered_times,
              (std::vector<std::int64_t>{1'000'000'000, 2'000'000'000, 3'000'000'000}));
    auto a = file_order, b = time_order;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_TRUE(a == b);
  }
  EXPECT_EQ(diag.size(), 0u);
}

TEST(RealBagTopics, EmptyAndMessagelessFiles) {
  PARITY_REQUIRE_SHARED_DATA(empty, "ros1-bag/rosbag.js/empty-file.bag");
  DiagnosticCollector diag;
  auto r = open_ros1_bag(empty, diag);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(r.status().message(), empty.string() + ": empty file (0 bytes)");

  PARITY_REQUIRE_SHARED_DATA(none, "ros1-bag/rosbag.js/no-messages.bag");
  auto bag = open_or_die(none, diag);
  EXPECT_EQ(bag->info().streams.size(), 0u);
  EXPECT_EQ(bag->info().message_count, 0u);
  EXPECT_EQ(bag->info().episodes.size(), 1u);
  EXPECT_TRUE(read_all(*bag).empty());
  EXPECT_EQ(diag.size(), 0u);
}

TEST(RealBagTopics, ReadOptionsAreHonoured) {
  PARITY_REQUIRE_SHARED_DATA(path, "ros1-bag/evo/ROS_example.bag");
  DiagnosticCollector diag;
  auto bag = open_or_die(path, diag);
  const RecordingInfo& info = bag->info();

  ReadOptions topics;
  topics.topics = {"ORB-SLAM"};
  const auto orb = read_all(*bag, topics);
  EXPECT_EQ(orb.size(), 8362u);
  for (const Msg& m : orb) EXPECT_EQ(m.topic, "ORB-SLAM");

  ReadOptions limit;
  limit.limit = 7;
  EXPECT_EQ(read_all(*bag, limit).size(), 7u);
  limit.log_time_order = true;
  EXPECT_EQ(read_all(*bag, limit).size(), 7u);

  // [start, end) by log time: count by hand from the full read.
  const auto all = read_all(*bag);
  const std::int64_t start = info.start_ns + 100'000'000'000;
  const std::int64_t end = info.start_ns + 200'000'000'000;
  const auto expected = static_cast<std::size_t>(std::count_if(
      all.begin(), all.end(), [&](const Msg& m) { return m.time_ns >= start && m.time_ns < end; }));
  ASSERT_GT(expected, 0u);
  for (bool ordered : {false, true}) {
    ReadOptions window;
    window.start_ns = start;
    window.end_ns = end;
    window.log_time_order = ordered;
    const auto got = read_all(*bag, window);
    EXPECT_EQ(got.size(), expected);
    for (const Msg& m : got) {
      EXPECT_GE(m.time_ns, start);
      EXPECT_LT(m.time_ns, end);
    }
  }

  ReadOptions other_episode;
  other_episode.episode = 1;
  EXPECT_TRUE(read_all(*bag, other_episode).empty());
  ReadOptions episode0;
  episode0.episode = 0;
  EXPECT_EQ(read_all(*bag, episode0).size(), 26566u);

  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  ReadOptions with_progress;
  with_progress.on_progress = [&](std::uint64_t done, std::uint64_t total) {
    progress.emplace_back(done, total);
  };
  read_all(*bag, with_progress);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(info.size_bytes, info.size_bytes));
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));

  // Every message points at its chunk; the first chunk follows the 4096-byte bag header.
  std::set<std::uint64_t> offsets;
  for (const Msg& m : all) offsets.insert(m.file_offset);
  EXPECT_EQ(offsets.size(), 5u);
  EXPECT_EQ(*offsets.begin(), 4117u);

  // A callback error stops reading and is passed through.
  std::uint64_t seen = 0;
  Status stop = bag->read_messages({}, [&](const MessageView& view) {
    EXPECT_EQ(view.episode, 0u);
    return ++seen == 3 ? cancelled("enough") : Status{};
  });
  EXPECT_EQ(stop, cancelled("enough"));
  EXPECT_EQ(seen, 3u);
}

// -------------------------------------------------------------- ROS 1 decoding, typed values

// The first message of `topic`, decoded.
ros2::Value first_value(Recording& bag, const std::string& topic) {
  ros2::Value out;
  bool found = false;
  ReadOptions options;
  options.topics = {topic};
  options.limit = 1;
  Status s = bag.read_messages(options, [&](const MessageView& view) {
    auto decoder = ros2::MessageDecoder::for_stream(*view.stream);
    EXPECT_TRUE(decoder.ok()) << decoder.status().to_string();
    auto value = decoder->decode(view.data);
    EXPECT_TRUE(value.ok()) << value.status().to_string();
    if (value.ok()) out = std::move(*value);
    found = true;
    return Status{};
  });
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(found) << topic;
  return out;
}

TEST(Ros1Typed, RealSenseImagesMatchTheirCameraInfoAndStreamInfo) {
  PARITY_REQUIRE_SHARED_DATA(path, "ros1-bag/lerobot-realsense/test_rs.bag");
  DiagnosticCollector diag;
  auto bag = open_or_die(path, diag);
  struct Camera {
    std::string prefix;
    std::string encoding;
    std::uint32_t bytes_per_pixel;
    std::uint64_t count;
  };
  for (const Camera& cam : {Camera{"/device_0/sensor_0/Depth_0", "mono16", 2, 6},
                            Camera{"/device_0/sensor_1/Color_0", "rgb8", 3, 5}}) {
    SCOPED_TRACE(cam.prefix);
    auto info =
        ros2::extract<ros2::CameraInfo>(first_value(*bag, cam.prefix + "/info/camera_info"));
    ASSERT_TRUE(info.ok()) << info.status().to_string();
    auto stream_info = first_value(*bag, cam.prefix + "/info");
    ASSERT_TRUE(stream_info.is_struct());
    EXPECT_EQ(stream_info.find("encoding")->as_string(), cam.encoding);
    EXPECT_EQ(stream_info.find("fps")->as_uint(), 30u);
    EXPECT_EQ(info->width, 640u);
    EXPECT_EQ(info->height, 480u);

    std::uint64_t images = 0;
    ReadOptions options;
    options.topics = {cam.prefix + "/image/data"};
    ASSERT_TRUE(bag->read_messages(options,
                                   [&](const MessageView& view) {
                                     auto decoder = ros2::MessageDecoder::for_stream(*view.stream);
                                     auto value = decoder->decode(view.data);
                                     EXPECT_TRUE(value.ok());
                                     auto image = ros2::extract<ros2::Image>(*value);
                                     EXPECT_TRUE(image.ok()) << image.status().to_string();
                                     if (!image.ok()) return Status{};
                                     EXPECT_EQ(image->width, info->width);
                                     EXPECT_EQ(image->height, info->height);
                                     EXPECT_EQ(image->encoding, cam.encoding);
                                     EXPECT_EQ(image->step, image->width * cam.bytes_per_pixel);
                                     EXPECT_EQ(image->data.size(),
                                               std::size_t{image->step} * image->height);
                                     EXPECT_EQ(image->header.frame_id, "1");
                                     ++images;
                                     return Status{};
                                   })
                    .ok());
    EXPECT_EQ(images, cam.count);
  }
  auto depth =
      ros2::extract<ros2::Image>(first_value(*bag, "/device_0/sensor_0/Depth_0/image/data"));
  ASSERT_TRUE(depth.ok());
  EXPECT_EQ(depth->header.stamp_ns, 1747141385'125357151);
  auto color_info = ros2::extract<ros2::CameraInfo>(
      first_value(*bag, "/device_0/sensor_1/Color_0/info/camera_info"));
  ASSERT_TRUE(color_info.ok());
  EXPECT_EQ(color_info->distortion_model, "Inverse Brown Conrady");
  EXPECT_EQ(color_info->d.size(), 5u);
  EXPECT_DOUBLE_EQ(color_info->k[0], 604.21337890625);
  EXPECT_DOUBLE_EQ(color_info->k[2], 322.68902587890625);
  EXPECT_DOUBLE_EQ(color_info->k[8], 1.0);
}

TEST(Ros1Typed, LuminarPointCloudLayout) {
  PARITY_REQUIRE_SHARED_DATA(path, "ros1-bag/embag/test.bag");
  DiagnosticCollector diag;
  auto bag = open_or_die(path, diag);
  const std::vector<ros2::PointField> expected_fields = {
      {"x", 0, ros2::PointField::kFloat32, 1},
      {"y", 4, ros2::PointField::kFloat32, 1},
      {"z", 8, ros2::PointField::kFloat32, 1},
      {"intensity", 16, ros2::PointField::kFloat32, 1},
      {"time_sec", 20, ros2::PointField::kUint32, 1},
      {"time_nsec", 24, ros2::PointField::kUint32, 1},
      {"laser_id", 28, ros2::PointField::kUint16, 1}};
  std::uint64_t clouds = 0;
  ReadOptions options;
  options.topics = {"/luminar_pointcloud"};
  ASSERT_TRUE(
      bag->read_messages(options,
                         [&](const MessageView& view) {
                           auto value =
                               ros2::MessageDecoder::for_stream(*view.stream)->decode(view.data);
                           auto cloud = ros2::extract<ros2::PointCloud2>(*value);
                           EXPECT_TRUE(cloud.ok()) << cloud.status().to_string();
                           if (!cloud.ok()) return Status{};
                           EXPECT_EQ(cloud->fields, expected_fields);
                           EXPECT_EQ(cloud->point_step, 32u);
                           EXPECT_EQ(cloud->height, 1u);
                           EXPECT_EQ(cloud->row_step, cloud->width * cloud->point_step);
                           EXPECT_EQ(cloud->data.size(),
                                     std::size_t{cloud->width} * cloud->height * cloud->point_step);
                           EXPECT_FALSE(cloud->is_bigendian);
                           EXPECT_TRUE(cloud->is_dense);
                           EXPECT_EQ(cloud->header.frame_id, "luminar_lidar");
                           auto xyz = ros2::read_xyz(*cloud);
                           EXPECT_TRUE(xyz.ok());
                           if (xyz.ok()) {
                             EXPECT_EQ(xyz->size(), cloud->width);
                           }
                           ++clouds;
                           return Status{};
                         })
          .ok());
  EXPECT_EQ(clouds, 5u);
  auto first = ros2::extract<ros2::PointCloud2>(first_value(*bag, "/luminar_pointcloud"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->width, 35707u);
  EXPECT_EQ(first->header.stamp_ns, 1583971570'015299642);

  auto scan = ros2::extract<ros2::LaserScan>(first_value(*bag, "/base_scan"));
  ASSERT_TRUE(scan.ok()) << scan.status().to_string();
  EXPECT_EQ(scan->ranges.size(), 90u);
  EXPECT_EQ(scan->intensities.size(), 90u);
  EXPECT_FLOAT_EQ(scan->angle_min, -2.356194496154785f);
  EXPECT_FLOAT_EQ(scan->range_max, 5.0f);
  EXPECT_EQ(scan->header.stamp_ns, 60'200000000);
  EXPECT_EQ(scan->header.frame_id, "base_laser_link");

  auto odom = ros2::extract<ros2::Odometry>(first_value(*bag, "/base_pose_ground_truth"));
  ASSERT_TRUE(odom.ok()) << odom.status().to_string();
  EXPECT_EQ(odom->header.frame_id, "odom");
  EXPECT_DOUBLE_EQ(odom->pose.pose.position.x, 1.0);
  EXPECT_DOUBLE_EQ(odom->pose.pose.orientation.z, 1.0);
}

TEST(Ros1Typed, PosesTransformsAndMagneticField) {
  PARITY_REQUIRE_SHARED_DATA(evo, "ros1-bag/evo/ROS_example.bag");
  DiagnosticCollector diag;
  auto bag = open_or_die(evo, diag);
  auto pose = ros2::extract<ros2::PoseStamped>(first_value(*bag, "groundtruth"));
  ASSERT_TRUE(pose.ok()) << pose.status().to_string();
  EXPECT_EQ(pose->header.stamp_ns, bag->info().streams[0].start_ns);

  PARITY_REQUIRE_SHARED_DATA(tf, "ros1-bag/evo/tf_example.bag");
  auto tf_bag = open_or_die(tf, diag);
  auto tf_static = ros2::extract<ros2::TFMessage>(first_value(*tf_bag, "/tf_static"));
  ASSERT_TRUE(tf_static.ok()) << tf_static.status().to_string();
  ASSERT_EQ(tf_static->transforms.size(), 1u);
  EXPECT_EQ(tf_static->transforms[0].header.frame_id, "base_footprint");
  EXPECT_EQ(tf_static->transforms[0].child_frame_id, "base_link");
  EXPECT_EQ(tf_static->transforms[0].header.stamp_ns, 1714740908'048476938);

  // ROS 1 tf/tfMessage has the tf2_msgs/TFMessage layout.
  PARITY_REQUIRE_SHARED_DATA(turtles, "ros1-bag/rosbag.js/example-lz4.bag");
  auto t = open_or_die(turtles, diag);
  auto old_tf = ros2::extract<ros2::TFMessage>(first_value(*t, "/tf"));
  ASSERT_TRUE(old_tf.ok()) << old_tf.status().to_string();
  ASSERT_EQ(old_tf->transforms.size(), 1u);
  EXPECT_EQ(old_tf->transforms[0].child_frame_id, "turtle2");
  EXPECT_DOUBLE_EQ(old_tf->transforms[0].transform.translation.x, 4.0);

  PARITY_REQUIRE_SHARED_DATA(fake, "ros1-bag/inorbit-fake-sensors/fake_sensors_sample.bag");
  auto f = open_or_die(fake, diag);
  auto mag = ros2::extract<ros2::MagneticField>(first_value(*f, "/my_magnetic_field"));
  ASSERT_TRUE(mag.ok()) << mag.status().to_string();
  EXPECT_DOUBLE_EQ(mag->magnetic_field.x, 1.4);
  EXPECT_DOUBLE_EQ(mag->magnetic_field.y, 0.2);
  EXPECT_DOUBLE_EQ(mag->magnetic_field.z, 0.6);
  const ros2::Value temperature = first_value(*f, "/my_temperature");
  EXPECT_DOUBLE_EQ(temperature.find("temperature")->as_double(), 41.0);
  EXPECT_EQ(temperature.at_path("header.seq")->as_uint(), 1u);
  EXPECT_EQ(diag.size(), 0u);
}

}  // namespace
}  // namespace parity::ros1
