// The ROS 1 bag reader on bags written by BagWriter: round trips for every chunk compression,
// connection merging, unindexed bags, log-time order over overlapping chunks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "formats/ros1/test/ros1_test_util.h"

namespace parity::ros1 {
namespace {

using ::testing::HasSubstr;
using testing::Msg;
using testing::open_bytes;
using testing::read_all;
using testing::ros1_string;
using testing::Ros1Bytes;
using testing::synthetic_bag;
using testing::synthetic_message_count;

// What synthetic_bag() wrote, in write order.
std::vector<Msg> synthetic_expected(int messages) {
  std::vector<Msg> out;
  for (int i = 0; i < messages; ++i) {
    const std::int64_t t = 100'000'000'000 + std::int64_t{i} * 10'000'000;
    switch (i % 3) {
      case 0:
        out.push_back({"/chatter", "std_msgs/String", t, ros1_string("a" + std::to_string(i)), 0});
        break;
      case 1:
        out.push_back({"/chatter", "std_msgs/String", t, ros1_string("b" + std::to_string(i)), 0});
        break;
      default:
        out.push_back({"/count", "std_msgs/UInt32", t,
                       Ros1Bytes().u32(static_cast<std::uint32_t>(i)).bytes(), 0});
    }
    if (i >= messages / 2 && i % 5 == 0) {
      out.push_back(
          {"/late", "std_msgs/String", t + 1, ros1_string("late" + std::to_string(i)), 0});
    }
  }
  return out;
}

class Synthetic : public ::testing::TestWithParam<Codec> {};

TEST_P(Synthetic, RoundTripThroughIndexAndScan) {
  BagWriterOptions options;
  options.compression = GetParam();
  options.chunk_threshold = 400;
  const auto bytes = synthetic_bag(options, 90);
  const auto expected = synthetic_expected(90);
  ASSERT_EQ(expected.size(), synthetic_message_count(90));
  for (bool scan : {false, true}) {
    SCOPED_TRACE(scan ? "scan" : "index");
    DiagnosticCollector diag;
    Ros1BagOptions ro;
    ro.force_scan = scan;
    auto bag = open_bytes(bytes, diag, ro);
    ASSERT_TRUE(bag.ok()) << bag.status().to_string();
    const RecordingInfo& info = (*bag)->info();
    EXPECT_EQ(info.indexed, !scan);
    EXPECT_EQ(diag.size(), 0u);
    EXPECT_EQ(info.message_count, expected.size());
    EXPECT_GT(info.chunk_count, 3u);
    const std::string name = GetParam() == Codec::kNone ? "" : std::string(codec_name(GetParam()));
    EXPECT_EQ(info.chunk_compression_counts,
              (std::map<std::string, std::uint64_t>{{name, info.chunk_count}}));
    ASSERT_EQ(info.streams.size(), 3u);
    const StreamInfo& chatter = info.streams[0];
    EXPECT_EQ(chatter.topic, "/chatter");
    EXPECT_EQ(chatter.type, "std_msgs/String");
    EXPECT_EQ(chatter.schema, "string data\n");
    EXPECT_EQ(chatter.message_count, 60u);
    EXPECT_EQ(chatter.start_ns, 100'000'000'000);
    EXPECT_EQ(chatter.end_ns, 100'000'000'000 + 88 * 10'000'000);
    EXPECT_EQ(chatter.metadata,
              (std::map<std::string, std::string>{{"md5sum", "992ce8a1687cec8c8bd883ec73ca41d1"},
                                                  {"callerid", "/talker_a,/talker_b"},
                                                  {"latching", "1"}}));
    EXPECT_EQ(info.streams[1].topic, "/count");
    EXPECT_EQ(info.streams[1].metadata,
              (std::map<std::string, std::string>{{"md5sum", "304a39449588c7f8ce2df6e8001c5fce"},
                                                  {"callerid", "/counter"}}));
    EXPECT_EQ(info.streams[2].topic, "/late");
    EXPECT_EQ(info.streams[2].message_count, 9u);
    EXPECT_EQ(info.streams[2].metadata.count("callerid"), 0u);
    EXPECT_EQ(info.start_ns, 100'000'000'000);
    EXPECT_EQ(info.end_ns, 100'000'000'000 + 89 * 10'000'000);
    EXPECT_TRUE(read_all(**bag) == expected);
    ReadOptions ordered;
    ordered.log_time_order = true;
    EXPECT_TRUE(read_all(**bag, ordered) == expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Compressions, Synthetic,
                         ::testing::Values(Codec::kNone, Codec::kLz4, Codec::kBz2),
                         [](const auto& param_info) {
                           return std::string(codec_name(param_info.param));
                         });

TEST(SyntheticBag, UnindexedBagIsScanned) {
  BagWriterOptions options;
  options.chunk_threshold = 300;
  options.write_index = false;
  const auto bytes = synthetic_bag(options, 30);
  DiagnosticCollector diag;
  auto bag = open_bytes(bytes, diag);
  ASSERT_TRUE(bag.ok()) << bag.status().to_string();
  EXPECT_FALSE((*bag)->info().indexed);
  EXPECT_EQ((*bag)->info().message_count, synthetic_message_count(30));
  EXPECT_TRUE(read_all(**bag) == synthetic_expected(30));
  ASSERT_EQ(diag.size(), 1u);
  const Diagnostic d = diag.diagnostics()[0];
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(d.file, "synthetic.bag");
  EXPECT_EQ(d.offset, 13u);
  EXPECT_THAT(d.message, HasSubstr("index_pos is 0"));
}

TEST(SyntheticBag, OverlappingChunksMergeInLogTimeOrder) {
  BagWriterOptions options;
  options.chunk_threshold = 1;  // one message per chunk
  auto writer = BagWriter::to_memory(options);
  const std::uint32_t c =
      writer->add_connection({"/x", "std_msgs/UInt32", "md5", "uint32 data\n", "", false});
  // Three interleaved "sensors" whose messages are written late: each chunk's time is out of
  // order with its neighbours.
  const std::vector<std::int64_t> times = {50, 10, 40, 20, 30, 60, 5, 55, 15, 45};
  for (std::size_t i = 0; i < times.size(); ++i) {
    ASSERT_TRUE(
        writer->write(c, times[i], Ros1Bytes().u32(static_cast<std::uint32_t>(i)).bytes()).ok());
  }
  ASSERT_TRUE(writer->close().ok());
  DiagnosticCollector diag;
  for (bool scan : {false, true}) {
    Ros1BagOptions ro;
    ro.force_scan = scan;
    auto bag = open_bytes(writer->bytes(), diag, ro);
    ASSERT_TRUE(bag.ok());
    EXPECT_EQ((*bag)->info().chunk_count, times.size());
    EXPECT_EQ((*bag)->info().start_ns, 5);
    EXPECT_EQ((*bag)->info().end_ns, 60);
    ReadOptions ordered;
    ordered.log_time_order = true;
    std::vector<std::int64_t> got;
    for (const Msg& m : read_all(**bag, ordered)) got.push_back(m.time_ns);
    auto sorted = times;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(got, sorted);
    ordered.start_ns = 15;
    ordered.end_ns = 50;
    got.clear();
    for (const Msg& m : read_all(**bag, ordered)) got.push_back(m.time_ns);
    EXPECT_EQ(got, (std::vector<std::int64_t>{15, 20, 30, 40, 45}));
  }
  EXPECT_EQ(diag.size(), 0u);
}

TEST(SyntheticBag, WriterToFileMatchesMemory) {
  BagWriterOptions options;
  options.compression = Codec::kLz4;
  options.chunk_threshold = 500;
  const auto memory = synthetic_bag(options, 40);
  const auto dir = std::filesystem::temp_directory_path() / "parity_ros1_writer_test.bag";
  {
    auto writer = BagWriter::to_file(dir, options);
    ASSERT_TRUE(writer.ok());
    auto expected_writer = BagWriter::to_memory(options);
    for (BagWriter* w : {writer->get(), expected_writer.get()}) {
      const auto c =
          w->add_connection({"/t", "std_msgs/String", "m", "string data\n", "/n", false});
      for (int i = 0; i < 40; ++i)
        ASSERT_TRUE(w->write(c, i * 1000, ros1_string(std::to_string(i))).ok());
      ASSERT_TRUE(w->close().ok());
    }
    writer->reset();
    DiagnosticCollector diag;
    auto from_file = open_ros1_bag(dir, diag);
    ASSERT_TRUE(from_file.ok()) << from_file.status().to_string();
    auto from_memory = open_bytes(expected_writer->bytes(), diag);
    ASSERT_TRUE(from_memory.ok());
    EXPECT_TRUE((*from_file)->info().indexed);
    EXPECT_EQ(std::filesystem::file_size(dir), expected_writer->bytes().size());
    EXPECT_TRUE(read_all(**from_file) == read_all(**from_memory));
    EXPECT_EQ(diag.size(), 0u);
  }
  std::filesystem::remove(dir);
}

TEST(SyntheticBag, MagicChecks) {
  EXPECT_TRUE(has_ros1_bag_magic(synthetic_bag({}, 3)));
  const std::string v12 = "#ROSRECORD V1.2\n";
  EXPECT_FALSE(has_ros1_bag_magic({reinterpret_cast<const std::uint8_t*>(v12.data()), v12.size()}));
  EXPECT_FALSE(has_ros1_bag_magic({}));

  DiagnosticCollector diag;
  auto old = open_bytes(std::vector<std::uint8_t>(v12.begin(), v12.end()), diag, {}, "old.bag");
  EXPECT_EQ(old.status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(old.status().message(),
            "old.bag: offset 0: ROS bag format 1.2 is not supported (only 2.0)");
  const std::string text = "hello, this is not a bag";
  auto other = open_bytes(std::vector<std::uint8_t>(text.begin(), text.end()), diag, {}, "x.bag");
  EXPECT_EQ(other.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(other.status().message(),
            "x.bag: offset 0: expected the magic '#ROSBAG V2.0\\n', found 'hello, this i'");
  auto short_file = open_bytes({'#', 'R', 'O'}, diag, {}, "s.bag");
  EXPECT_EQ(short_file.status().code(), StatusCode::kTruncated);
  EXPECT_THAT(short_file.status().message(), HasSubstr("s.bag: offset 0: the file has 3 bytes"));
}

}  // namespace
}  // namespace parity::ros1
