// The format registry: open_recording() / looks_like_recording() dispatch and their errors.
#include <gtest/gtest.h>

#include <fstream>

#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_writer.h"
#include "parity/formats/recording.h"
#include "testing/testing.h"

namespace parity {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void write_mcap(const fs::path& path, std::uint64_t log_time, std::size_t messages) {
  auto writer = mcap::McapWriter::create(path);
  ASSERT_TRUE(writer.ok());
  const auto channel = (*writer)->add_channel(0, "/chatter", "cdr").value();
  const std::vector<std::uint8_t> payload = {1, 2, 3};
  for (std::size_t i = 0; i < messages; ++i) {
    ASSERT_TRUE((*writer)->write_message(channel, 0, log_time + i, log_time + i, payload).ok());
  }
  ASSERT_TRUE((*writer)->close().ok());
}

TEST(Registry, MissingPathIsNotFound) {
  DiagnosticCollector diagnostics;
  auto r = open_recording("/nonexistent/recording.mcap", diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "/nonexistent/recording.mcap: no such file or directory");
  EXPECT_FALSE(looks_like_recording("/nonexistent/recording.mcap"));
}

TEST(Registry, EmptyFileIsTruncated) {
  testing::TempDir dir;
  write_text(dir / "empty.mcap", "");
  DiagnosticCollector diagnostics;
  auto r = open_recording(dir / "empty.mcap", diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kTruncated);
  EXPECT_EQ(r.status().message(), (dir / "empty.mcap").string() + ": empty file (0 bytes)");
  EXPECT_TRUE(looks_like_recording(dir / "empty.mcap"));  // ingest reports it

  PARITY_REQUIRE_SHARED_DATA(bag, "ros1-bag/rosbag.js/empty-file.bag");
  auto r2 = open_recording(bag, diagnostics);
  EXPECT_EQ(r2.status().code(), StatusCode::kTruncated);
  EXPECT_TRUE(contains(r2.status().message(), "empty-file.bag: empty file"))
      << r2.status().message();
}

TEST(Registry, UnknownFileIsUnsupportedAndListsFormats) {
  testing::TempDir dir;
  write_text(dir / "notes.txt", "hello");
  DiagnosticCollector diagnostics;
  auto r = open_recording(dir / "notes.txt", diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(contains(r.status().message(), "notes.txt: not a recording Parity can read"));
  EXPECT_TRUE(contains(r.status().message(),
                       "supported formats: mcap (a .mcap file), "
                       "rosbag2-mcap"))
      << r.status().message();
  EXPECT_FALSE(looks_like_recording(dir / "notes.txt"));
}

TEST(Registry, McapExtensionWithBadMagicIsCorrupt) {
  testing::TempDir dir;
  write_text(dir / "bad.mcap", "not an mcap file at all");
  DiagnosticCollector diagnostics;
  auto r = open_recording(dir / "bad.mcap", diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(contains(r.status().message(), "bad.mcap: offset 0: bad magic"))
      << r.status().message();
  EXPECT_TRUE(looks_like_recording(dir / "bad.mcap"));
}

TEST(Registry, RealFilesAndDirectories) {
  PARITY_REQUIRE_SHARED_DATA(data, "mcap");
  EXPECT_TRUE(looks_like_recording(data / "reductstore-nissan-field/demo.mcap"));
  EXPECT_TRUE(looks_like_recording(data / "rosbag2-talker"));
  EXPECT_TRUE(looks_like_recording(data / "rosbag2-cdr-test"));
  EXPECT_TRUE(looks_like_recording(data / "rosbag2-multiple-files"));
  // Two unrelated recordings in one folder are not one bag.
  EXPECT_FALSE(looks_like_recording(data / "rerun-json-protobuf"));
  EXPECT_FALSE(looks_like_recording(data / "foxglove-conformance"));
  EXPECT_FALSE(looks_like_recording(data / "rosbag2-talker/metadata.yaml"));

  DiagnosticCollector diagnostics;
  auto bag = open_recording(data / "rosbag2-multiple-files", diagnostics);
  ASSERT_TRUE(bag.ok()) << bag.status().to_string();
  EXPECT_EQ((*bag)->info().format, "rosbag2-mcap");
  EXPECT_EQ((*bag)->info().message_count, 3177u);
  auto file = open_recording(data / "evo-nav2-turtlebot/nav2_turtlebot.mcap", diagnostics);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ((*file)->info().format, "mcap");

  auto folder = open_recording(data / "rerun-json-protobuf", diagnostics);
  EXPECT_EQ(folder.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(contains(folder.status().message(), "supported formats"))
      << folder.status().message();
  EXPECT_EQ(diagnostics.size(), 0u);
}

TEST(Registry, EveryFormatIsPickedByMagicOrLayout) {
  PARITY_REQUIRE_SHARED_DATA(data, "");
  struct Case {
    const char* path;
    const char* format;
  };
  const Case cases[] = {
      {"ros2-db3/evo-tf-example", "rosbag2-sqlite3"},
      {"ros2-db3/evo-tf-example/tf_example.db3", "rosbag2-sqlite3"},
      {"ros1-bag/evo/tf_example.bag", "ros1-bag"},
      {"hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5", "hdf5-robosuite"},
      {"rlds/octo-bridge-debug/bridge_dataset", "rlds"},
      {"rlds/octo-bridge-debug/bridge_dataset/1.0.0", "rlds"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(looks_like_recording(data / c.path)) << c.path;
    DiagnosticCollector diagnostics;
    auto r = open_recording(data / c.path, diagnostics);
    ASSERT_TRUE(r.ok()) << c.path << ": " << r.status().to_string();
    EXPECT_EQ((*r)->info().format, c.format) << c.path;
  }
  // A bag file renamed without its extension is still found by its magic.
  testing::TempDir dir;
  fs::copy_file(data / "ros1-bag/inorbit-fake-sensors/fake_sensors_sample.bag", dir / "capture");
  EXPECT_TRUE(looks_like_recording(dir / "capture"));
  DiagnosticCollector diagnostics;
  auto renamed = open_recording(dir / "capture", diagnostics);
  ASSERT_TRUE(renamed.ok()) << renamed.status().to_string();
  EXPECT_EQ((*renamed)->info().format, "ros1-bag");
  // Shards are read through their dataset directory only.
  EXPECT_FALSE(looks_like_recording(data / "rlds/octo-bridge-debug/bridge_dataset/1.0.0/"
                                           "bridge_dataset-train.tfrecord-00000-of-00001"));
}

TEST(Registry, Rosbag2SplitFilesAreMergedInOrder) {
  testing::TempDir dir;
  const fs::path bag = dir / "bag";
  fs::create_directories(bag);
  write_mcap(bag / "run_1.mcap", 2000, 3);
  write_mcap(bag / "run_0.mcap", 1000, 5);
  write_mcap(bag / "run_2.mcap", 1500, 2);  // overlaps run_0 and run_1 in time
  EXPECT_TRUE(looks_like_recording(bag));
  DiagnosticCollector diagnostics;
  auto r = open_recording(bag, diagnostics);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const RecordingInfo& info = (*r)->info();
  ASSERT_EQ(info.files.size(), 3u);
  EXPECT_EQ(info.files[0].filename(), "run_0.mcap");
  EXPECT_EQ(info.files[2].filename(), "run_2.mcap");
  ASSERT_EQ(info.streams.size(), 1u);
  EXPECT_EQ(info.streams[0].message_count, 10u);
  EXPECT_EQ(info.streams[0].start_ns, 1000);
  EXPECT_EQ(info.streams[0].end_ns, 2002);
  EXPECT_EQ(info.start_ns, 1000);
  EXPECT_EQ(info.end_ns, 2002);

  std::vector<std::int64_t> file_order;
  std::vector<std::int64_t> time_order;
  ASSERT_TRUE((*r)->read_messages({},
                                  [&](const MessageView& v) {
                                    file_order.push_back(v.log_time_ns);
                                    return Status{};
                                  })
                  .ok());
  ReadOptions ordered;
  ordered.log_time_order = true;
  ASSERT_TRUE((*r)->read_messages(ordered,
                                  [&](const MessageView& v) {
                                    time_order.push_back(v.log_time_ns);
                                    return Status{};
                                  })
                  .ok());
  EXPECT_EQ(file_order, (std::vector<std::int64_t>{1000, 1001, 1002, 1003, 1004, 2000, 2001, 2002,
                                                   1500, 1501}));
  EXPECT_EQ(time_order, (std::vector<std::int64_t>{1000, 1001, 1002, 1003, 1004, 1500, 1501, 2000,
                                                   2001, 2002}));

  // A gap in the numbering is not a bag.
  fs::remove(bag / "run_1.mcap");
  EXPECT_FALSE(looks_like_recording(bag));
}

TEST(Registry, Rosbag2MetadataListingAMissingFileIsNotFound) {
  testing::TempDir dir;
  write_text(dir / "metadata.yaml",
             "rosbag2_bagfile_information:\n  version: 5\n  storage_identifier: mcap\n"
             "  relative_file_paths:\n    - gone_0.mcap\n");
  DiagnosticCollector diagnostics;
  auto r = open_recording(dir.path(), diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(contains(r.status().message(), "listed file 'gone_0.mcap' does not exist"))
      << r.status().message();
  write_text(dir / "metadata.yaml",
             "rosbag2_bagfile_information:\n  storage_identifier: mcap\n"
             "  compression_mode: FILE\n  compression_format: zstd\n"
             "  relative_file_paths:\n    - gone_0.mcap.zstd\n");
  r = open_recording(dir.path(), diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(contains(r.status().message(),
                       "rosbag2 compression_mode 'FILE' (compressed files "
                       "or messages) is not supported"))
      << r.status().message();
  write_text(dir / "metadata.yaml", "rosbag2_bagfile_information: [unclosed");
  r = open_recording(dir.path(), diagnostics);
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_TRUE(contains(r.status().message(), "metadata.yaml: cannot parse YAML"))
      << r.status().message();
}

}  // namespace
}  // namespace parity

namespace parity {
namespace {

// Zero-padded numbering is how people name separate episodes; rosbag2 never pads.
TEST(RegistryTest, ZeroPaddedSeriesIsNotASplitBag) {
  testing::TempDir dir;
  for (const char* name : {"episode_000.mcap", "episode_001.mcap"}) {
    mcap::McapWriterOptions options;
    auto writer = mcap::McapWriter::create(dir / name, options);
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    ASSERT_TRUE((*writer)->close().ok());
  }
  EXPECT_FALSE(looks_like_recording(dir.path()));
  EXPECT_TRUE(looks_like_recording(dir / "episode_000.mcap"));
  DiagnosticCollector diagnostics;
  const auto opened = open_recording(dir.path(), diagnostics);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace parity
