// Every MCAP recording under shared/data/mcap opens with the counts and types the MANIFEST
// gives; the summary fast path and the forced sequential scan agree on every file; messages
// read back agree with the info.
#include <gtest/gtest.h>

#include <map>

#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "testing/testing.h"

namespace parity::mcap {
namespace {

struct Expected {
  std::string type;
  std::uint64_t count;
};

std::unique_ptr<Recording> open_ok(const std::filesystem::path& path, DiagnosticSink& sink,
                                   McapReaderOptions options = {}) {
  auto recording = open_mcap_recording(path, sink, options);
  EXPECT_TRUE(recording.ok()) << recording.status().to_string();
  return recording.ok() ? std::move(recording).value() : nullptr;
}

const StreamInfo* find_topic(const RecordingInfo& info, const std::string& topic) {
  for (const StreamInfo& s : info.streams) {
    if (s.topic == topic) return &s;
  }
  return nullptr;
}

void expect_topics(const RecordingInfo& info, const std::map<std::string, Expected>& expected) {
  for (const auto& [topic, e] : expected) {
    SCOPED_TRACE(topic);
    const StreamInfo* s = find_topic(info, topic);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->type, e.type);
    EXPECT_EQ(s->message_count, e.count);
  }
}

// Everything in RecordingInfo except `indexed` must be identical.
void expect_same_info(const RecordingInfo& a, const RecordingInfo& b) {
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.profile, b.profile);
  EXPECT_EQ(a.library, b.library);
  EXPECT_EQ(a.files, b.files);
  EXPECT_EQ(a.size_bytes, b.size_bytes);
  EXPECT_EQ(a.message_count, b.message_count);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.chunk_count, b.chunk_count);
  EXPECT_EQ(a.chunk_compression_counts, b.chunk_compression_counts);
  ASSERT_EQ(a.streams.size(), b.streams.size());
  for (std::size_t i = 0; i < a.streams.size(); ++i) {
    SCOPED_TRACE(a.streams[i].topic);
    EXPECT_EQ(a.streams[i].id, b.streams[i].id);
    EXPECT_EQ(a.streams[i].topic, b.streams[i].topic);
    EXPECT_EQ(a.streams[i].type, b.streams[i].type);
    EXPECT_EQ(a.streams[i].message_encoding, b.streams[i].message_encoding);
    EXPECT_EQ(a.streams[i].schema_encoding, b.streams[i].schema_encoding);
    EXPECT_EQ(a.streams[i].schema, b.streams[i].schema);
    EXPECT_EQ(a.streams[i].metadata, b.streams[i].metadata);
    EXPECT_EQ(a.streams[i].message_count, b.streams[i].message_count);
    EXPECT_EQ(a.streams[i].start_ns, b.streams[i].start_ns);
    EXPECT_EQ(a.streams[i].end_ns, b.streams[i].end_ns);
  }
  ASSERT_EQ(a.metadata.size(), b.metadata.size());
  for (std::size_t i = 0; i < a.metadata.size(); ++i) {
    EXPECT_EQ(a.metadata[i].name, b.metadata[i].name);
    EXPECT_EQ(a.metadata[i].entries, b.metadata[i].entries);
  }
  ASSERT_EQ(a.attachments.size(), b.attachments.size());
}

// Reads every message (file order and log-time order) and checks them against the info.
void expect_messages_match_info(Recording& recording) {
  const RecordingInfo& info = recording.info();
  for (bool ordered : {false, true}) {
    SCOPED_TRACE(ordered ? "log-time order" : "file order");
    std::map<std::uint32_t, std::uint64_t> counts;
    std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> ranges;
    std::int64_t last = std::numeric_limits<std::int64_t>::min();
    bool monotonic = true;
    std::uint64_t last_progress = 0;
    ReadOptions options;
    options.log_time_order = ordered;
    options.on_progress = [&](std::uint64_t done, std::uint64_t total) {
      EXPECT_EQ(total, info.size_bytes);
      EXPECT_GE(done, last_progress);
      last_progress = done;
    };
    Status s = recording.read_messages(options, [&](const MessageView& view) {
      const std::uint32_t id = view.stream->id;
      auto [it, fresh] = ranges.try_emplace(id, view.log_time_ns, view.log_time_ns);
      it->second.first = std::min(it->second.first, view.log_time_ns);
      it->second.second = std::max(it->second.second, view.log_time_ns);
      ++counts[id];
      monotonic = monotonic && view.log_time_ns >= last;
      last = view.log_time_ns;
      EXPECT_LT(view.file_index, info.files.size());
      return Status{};
    });
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(last_progress, info.size_bytes);
    if (ordered) {
      EXPECT_TRUE(monotonic);
    }
    std::uint64_t total = 0;
    for (const StreamInfo& stream : info.streams) {
      SCOPED_TRACE(stream.topic);
      EXPECT_EQ(counts[stream.id], stream.message_count);
      total += counts[stream.id];
      if (stream.message_count > 0) {
        EXPECT_EQ(ranges[stream.id].first, stream.start_ns);
        EXPECT_EQ(ranges[stream.id].second, stream.end_ns);
      }
    }
    EXPECT_EQ(total, info.message_count);
  }
}

// Opens with the fast path and with the forced scan; both must agree and be clean.
void check_file(const std::filesystem::path& path, const RecordingInfo** info_out,
                std::unique_ptr<Recording>& keep) {
  DiagnosticCollector diagnostics;
  keep = open_ok(path, diagnostics);
  ASSERT_NE(keep, nullptr);
  McapReaderOptions scan;
  scan.force_scan = true;
  DiagnosticCollector scan_diagnostics;
  auto scanned = open_ok(path, scan_diagnostics, scan);
  ASSERT_NE(scanned, nullptr);
  EXPECT_FALSE(scanned->info().indexed);
  expect_same_info(keep->info(), scanned->info());
  expect_messages_match_info(*keep);
  expect_messages_match_info(*scanned);
  for (const Diagnostic& d : diagnostics.diagnostics()) ADD_FAILURE() << d.to_string();
  for (const Diagnostic& d : scan_diagnostics.diagnostics()) ADD_FAILURE() << d.to_string();
  *info_out = &keep->info();
}

TEST(McapRealData, ReductstoreNissanFieldLog) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/reductstore-nissan-field/demo.mcap");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(path, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->format, "mcap");
  EXPECT_EQ(info->profile, "ros2");
  EXPECT_TRUE(info->indexed);
  EXPECT_EQ(info->message_count, 3513u);
  EXPECT_EQ(info->streams.size(), 6u);
  expect_topics(*info, {{"/nissan/gps/duro/imu", {"sensor_msgs/msg/Imu", 1556}},
                        {"/nissan/gps/duro/mag", {"sensor_msgs/msg/MagneticField", 389}},
                        {"/nissan/vehicle_speed", {"std_msgs/msg/Float32", 470}},
                        {"/nissan/vehicle_steering", {"std_msgs/msg/Float32", 470}},
                        {"/nissan/gps/duro/current_pose", {"geometry_msgs/msg/PoseStamped", 314}},
                        {"/nissan/gps/duro/status_string", {"std_msgs/msg/String", 314}}});
  EXPECT_EQ(info->chunk_count, 1u);
  EXPECT_EQ(info->chunk_compression_counts, (std::map<std::string, std::uint64_t>{{"", 1}}));
  ASSERT_EQ(info->metadata.size(), 2u);
  for (const MetadataRecord& m : info->metadata) {
    EXPECT_EQ(m.name, "rosbag2");
    ASSERT_EQ(m.entries.count("serialized_metadata"), 1u);
    EXPECT_NE(m.entries.at("serialized_metadata").find("storage_identifier: mcap"),
              std::string::npos);
  }
  const double duration_s = static_cast<double>(info->end_ns - info->start_ns) * 1e-9;
  EXPECT_NEAR(duration_s, 15.7, 0.1);
  const StreamInfo* imu = find_topic(*info, "/nissan/gps/duro/imu");
  ASSERT_NE(imu, nullptr);
  EXPECT_EQ(imu->message_encoding, "cdr");
  EXPECT_EQ(imu->schema_encoding, "ros2msg");
  EXPECT_EQ(imu->metadata.count("offered_qos_profiles"), 1u);
}

TEST(McapRealData, Nav2TurtlebotZstd) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(path, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->message_count, 8197u);
  expect_topics(*info, {{"/odom", {"nav_msgs/msg/Odometry", 2639}},
                        {"/tf", {"tf2_msgs/msg/TFMessage", 5422}},
                        {"/tf_static", {"tf2_msgs/msg/TFMessage", 1}},
                        {"/amcl_pose", {"geometry_msgs/msg/PoseWithCovarianceStamped", 135}}});
  EXPECT_EQ(info->chunk_compression_counts, (std::map<std::string, std::uint64_t>{{"zstd", 1}}));
  EXPECT_NEAR(static_cast<double>(info->end_ns - info->start_ns) * 1e-9, 97.0, 1.0);

  // Topic filter, time window and limit through the generic contract.
  ReadOptions options;
  options.topics = {"/amcl_pose", "/tf_static"};
  std::uint64_t n = 0;
  ASSERT_TRUE(recording
                  ->read_messages(options,
                                  [&](const MessageView& view) {
                                    EXPECT_TRUE(view.stream->topic == "/amcl_pose" ||
                                                view.stream->topic == "/tf_static");
                                    ++n;
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(n, 136u);
  options.limit = 7;
  n = 0;
  ASSERT_TRUE(recording
                  ->read_messages(options,
                                  [&](const MessageView&) {
                                    ++n;
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(n, 7u);
  const StreamInfo* odom = find_topic(*info, "/odom");
  ASSERT_NE(odom, nullptr);
  ReadOptions window;
  window.topics = {"/odom"};
  window.start_ns = odom->start_ns;
  window.end_ns = odom->end_ns;  // exclusive: the last /odom message is left out
  n = 0;
  ASSERT_TRUE(recording
                  ->read_messages(window,
                                  [&](const MessageView&) {
                                    ++n;
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(n, 2638u);
  // A callback error stops reading and is passed through.
  const Status stop =
      recording->read_messages({}, [](const MessageView&) { return cancelled("stop here"); });
  EXPECT_EQ(stop.code(), StatusCode::kCancelled);
}

TEST(McapRealData, RerunRos2SensorMsgs) {
  PARITY_REQUIRE_SHARED_DATA(path,
                             "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(path, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->message_count, 194u);
  EXPECT_EQ(info->chunk_compression_counts, (std::map<std::string, std::uint64_t>{{"", 2}}));
  expect_topics(*info, {{"/joint_state", {"sensor_msgs/msg/JointState", 15}},
                        {"/rosout", {"rcl_interfaces/msg/Log", 117}}});
  ASSERT_EQ(info->metadata.size(), 1u);
  EXPECT_EQ(info->metadata[0].name, "rosbag2");
  EXPECT_EQ(info->metadata[0].entries,
            (std::map<std::string, std::string>{{"ROS_DISTRO", "humble"}}));
}

TEST(McapRealData, JsonAndProtobufEncodings) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/rerun-json-protobuf/simple-protobuf.mcap");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(path, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->profile, "");
  EXPECT_EQ(info->chunk_compression_counts, (std::map<std::string, std::uint64_t>{{"zstd", 5}}));
  const StreamInfo* mouse = find_topic(*info, "mouse");
  ASSERT_NE(mouse, nullptr);
  EXPECT_EQ(mouse->message_encoding, "json");
  EXPECT_EQ(mouse->type, "MouseEvent");
  EXPECT_EQ(mouse->schema_encoding, "jsonschema");
  EXPECT_EQ(mouse->message_count, 292u);
  const StreamInfo* pose = find_topic(*info, "pose");
  ASSERT_NE(pose, nullptr);
  EXPECT_EQ(pose->message_encoding, "protobuf");
  EXPECT_EQ(pose->type, "foxglove.PoseInFrame");
  EXPECT_EQ(pose->schema_encoding, "protobuf");
  EXPECT_EQ(pose->message_count, 1u);

  PARITY_REQUIRE_SHARED_DATA(log_path, "mcap/rerun-json-protobuf/foxglove_log.mcap");
  const RecordingInfo* log_info = nullptr;
  std::unique_ptr<Recording> log_recording;
  check_file(log_path, &log_info, log_recording);
  ASSERT_NE(log_info, nullptr);
  expect_topics(*log_info, {{"/text_log", {"foxglove.Log", 6}}});
}

TEST(McapRealData, TopicsAndServices) {
  PARITY_REQUIRE_SHARED_DATA(path, "mcap/rosbag2-topics-and-services/topics_and_services.mcap");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(path, &info, recording);
  ASSERT_NE(info, nullptr);
  const StreamInfo* service = find_topic(*info, "/add_two_ints/_service_event");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->type, "example_interfaces/srv/AddTwoInts_Event");
  EXPECT_NE(find_topic(*info, "/parameter_events"), nullptr);
  ASSERT_EQ(info->metadata.size(), 2u);
  EXPECT_EQ(info->metadata[0].name, "rosbag2");
}

TEST(McapRealData, Rosbag2MultipleFilesOpenAsOneRecording) {
  PARITY_REQUIRE_SHARED_DATA(dir, "mcap/rosbag2-multiple-files");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(dir, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->format, "rosbag2-mcap");
  ASSERT_EQ(info->files.size(), 3u);
  EXPECT_EQ(info->files[0].filename(), "multiple_files_0.mcap");
  EXPECT_EQ(info->files[1].filename(), "multiple_files_1.mcap");
  EXPECT_EQ(info->files[2].filename(), "multiple_files_2.mcap");
  EXPECT_EQ(info->size_bytes, 32605u + 32609u + 13926u);
  expect_topics(*info, {{"/chatter", {"std_msgs/msg/String", 3177}}});
  const StreamInfo* chatter = find_topic(*info, "/chatter");
  ASSERT_NE(chatter, nullptr);
  EXPECT_EQ(chatter->id, 0u);  // dense ids in the merged view
  EXPECT_EQ(info->chunk_compression_counts.at("zstd"), info->chunk_count);
  // Per-file counts: 1324 + 1324 + 529.
  std::vector<std::uint64_t> per_file(3, 0);
  ReadOptions options;
  options.topics = {"/chatter"};
  ASSERT_TRUE(recording
                  ->read_messages(options,
                                  [&](const MessageView& view) {
                                    ++per_file[view.file_index];
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(per_file, (std::vector<std::uint64_t>{1324, 1324, 529}));
}

TEST(McapRealData, Rosbag2DirectoriesWithMetadataYaml) {
  PARITY_REQUIRE_SHARED_DATA(talker, "mcap/rosbag2-talker");
  const RecordingInfo* info = nullptr;
  std::unique_ptr<Recording> recording;
  check_file(talker, &info, recording);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->format, "rosbag2-mcap");
  ASSERT_EQ(info->files.size(), 1u);
  EXPECT_EQ(info->files[0].filename(), "talker.mcap");
  expect_topics(*info, {{"/topic", {"std_msgs/msg/String", 10}},
                        {"/rosout", {"rcl_interfaces/msg/Log", 10}}});
  EXPECT_EQ(info->message_count, 20u);

  PARITY_REQUIRE_SHARED_DATA(cdr, "mcap/rosbag2-cdr-test");
  const RecordingInfo* cdr_info = nullptr;
  std::unique_ptr<Recording> cdr_recording;
  check_file(cdr, &cdr_info, cdr_recording);
  ASSERT_NE(cdr_info, nullptr);
  expect_topics(*cdr_info, {{"/test_topic", {"test_msgs/msg/BasicTypes", 3}},
                            {"/array_topic", {"test_msgs/msg/Arrays", 4}}});
}

}  // namespace
}  // namespace parity::mcap
