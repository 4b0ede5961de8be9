// McapWriter round trips: every combination of compression (none / zstd / lz4), chunked or
// not, with or without summary, read back by McapReader byte for byte.
#include "parity/formats/mcap/mcap_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "formats/test/mcap_test_util.h"
#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_recording.h"
#include "parity/formats/recording.h"
#include "parity/io/byte_source.h"
#include "testing/testing.h"

namespace parity::mcap {
namespace {

using testing::SampleContent;
using testing::WrittenMessage;

struct ReadMessage {
  std::uint16_t channel_id;
  std::uint32_t sequence;
  std::uint64_t log_time;
  std::uint64_t publish_time;
  std::vector<std::uint8_t> data;
};

std::vector<ReadMessage> read_all(McapReader& reader, const McapReadOptions& options = {}) {
  std::vector<ReadMessage> out;
  Status s = reader.read_messages(options, [&](const McapMessageView& v) {
    EXPECT_EQ(v.channel->id, v.message.channel_id);
    out.push_back({v.message.channel_id, v.message.sequence, v.message.log_time,
                   v.message.publish_time,
                   std::vector<std::uint8_t>(v.message.data.begin(), v.message.data.end())});
    return Status{};
  });
  EXPECT_TRUE(s.ok()) << s.to_string();
  return out;
}

void expect_same(const std::vector<WrittenMessage>& written, const std::vector<ReadMessage>& read) {
  ASSERT_EQ(written.size(), read.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(written[i].channel_id, read[i].channel_id);
    EXPECT_EQ(written[i].sequence, read[i].sequence);
    EXPECT_EQ(written[i].log_time, read[i].log_time);
    EXPECT_EQ(written[i].publish_time, read[i].publish_time);
    EXPECT_EQ(written[i].data, read[i].data);
  }
}

using Variant = std::tuple<Codec, bool /*chunked*/, bool /*summary*/>;

class McapWriterRoundTrip : public ::testing::TestWithParam<Variant> {};

TEST_P(McapWriterRoundTrip, ReadsBackExactlyWhatWasWritten) {
  const auto [codec, chunked, with_summary] = GetParam();
  McapWriterOptions options;
  options.profile = "ros2";
  options.compression = codec;
  options.chunked = chunked;
  options.chunk_size = 4096;
  options.write_summary = with_summary;
  std::vector<std::uint8_t> bytes;
  auto writer = McapWriter::create_in_memory(bytes, options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const SampleContent content = testing::write_sample(**writer, 600);
  ASSERT_EQ(content.messages.size(), 600u);
  ASSERT_TRUE((*writer)->close().ok());
  EXPECT_EQ((*writer)->bytes_written(), bytes.size());
  EXPECT_EQ((*writer)->close().code(), StatusCode::kFailedPrecondition);

  auto source = memory_source_view(bytes, "sample.mcap");
  DiagnosticCollector diagnostics;
  auto reader = McapReader::open(*source, diagnostics);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const McapSummary& summary = (*reader)->summary();
  // The fast path needs a summary with chunk indexes (per-channel times come from them).
  EXPECT_EQ(summary.indexed, with_summary && chunked);
  EXPECT_EQ(summary.header.profile, "ros2");
  EXPECT_EQ(summary.header.library, "parity 0.1.0");

  ASSERT_EQ(summary.schemas.size(), 2u);
  EXPECT_EQ(summary.schemas.at(1).name, "pkg/msg/A");
  EXPECT_EQ(summary.schemas.at(1).encoding, "ros2msg");
  EXPECT_EQ(std::string(summary.schemas.at(1).data.begin(), summary.schemas.at(1).data.end()),
            "int32 x\nstring name\n");
  EXPECT_EQ(summary.schemas.at(2).name, "B");
  ASSERT_EQ(summary.channels.size(), 3u);
  EXPECT_EQ(summary.channels.at(1).topic, "/a");
  EXPECT_EQ(summary.channels.at(1).schema_id, 1);
  EXPECT_EQ(summary.channels.at(1).metadata, (StringMap{{"offered_qos_profiles", "- depth: 10"}}));
  EXPECT_EQ(summary.channels.at(3).topic, "/raw");
  EXPECT_EQ(summary.channels.at(3).schema_id, 0);

  // Exact statistics, per channel too.
  EXPECT_EQ(summary.statistics.message_count, 600u);
  std::map<std::uint16_t, ChannelStats> expected_stats;
  for (const WrittenMessage& m : content.messages) {
    ChannelStats& s = expected_stats[m.channel_id];
    if (s.message_count == 0 || m.log_time < s.start_time) s.start_time = m.log_time;
    if (s.message_count == 0 || m.log_time > s.end_time) s.end_time = m.log_time;
    ++s.message_count;
  }
  for (const auto& [id, s] : expected_stats) {
    SCOPED_TRACE(id);
    EXPECT_EQ(summary.channel_stats.at(id).message_count, s.message_count);
    EXPECT_EQ(summary.channel_stats.at(id).start_time, s.start_time);
    EXPECT_EQ(summary.channel_stats.at(id).end_time, s.end_time);
  }
  const auto [lo, hi] = std::minmax_element(
      content.messages.begin(), content.messages.end(),
      [](const WrittenMessage& a, const WrittenMessage& b) { return a.log_time < b.log_time; });
  EXPECT_EQ(summary.statistics.message_start_time, lo->log_time);
  EXPECT_EQ(summary.statistics.message_end_time, hi->log_time);
  if (chunked) {
    EXPECT_GT(summary.statistics.chunk_count, 10u);
    const std::string name = codec == Codec::kNone ? "" : std::string(codec_name(codec));
    EXPECT_EQ(summary.chunk_compression_counts,
              (std::map<std::string, std::uint64_t>{{name, summary.statistics.chunk_count}}));
  } else {
    EXPECT_EQ(summary.statistics.chunk_count, 0u);
  }

  // Metadata and attachments.
  ASSERT_EQ(summary.metadata.size(), 2u);
  EXPECT_EQ(summary.metadata[0].name, "calibration");
  EXPECT_EQ(summary.metadata[0].metadata, content.metadata[0].metadata);
  EXPECT_EQ(summary.metadata[1].name, "rosbag2");
  EXPECT_EQ(summary.metadata[1].metadata, content.metadata[1].metadata);
  ASSERT_EQ(summary.attachments.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const AttachmentInfo& a = summary.attachments[i];
    EXPECT_EQ(a.name, content.attachments[i].name);
    EXPECT_EQ(a.media_type, content.attachments[i].media_type);
    EXPECT_EQ(a.log_time, content.attachments[i].log_time);
    EXPECT_EQ(a.create_time, content.attachments[i].create_time);
    EXPECT_EQ(a.data_size, content.attachments[i].data.size());
    // The attachment data sits at the end of the record, before the 4-byte crc.
    auto data = source->read_vector(a.offset + a.length - 4 - a.data_size, a.data_size);
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(*data, content.attachments[i].data);
  }

  // Messages: file order, then log-time order (stable: ties keep file order).
  expect_same(content.messages, read_all(**reader));
  std::vector<WrittenMessage> by_time = content.messages;
  std::stable_sort(
      by_time.begin(), by_time.end(),
      [](const WrittenMessage& a, const WrittenMessage& b) { return a.log_time < b.log_time; });
  McapReadOptions ordered;
  ordered.log_time_order = true;
  expect_same(by_time, read_all(**reader, ordered));

  // Filters: one channel, a time window, a limit.
  McapReadOptions filtered;
  filtered.channel_ids = {2};
  filtered.start_time = content.messages[100].log_time;
  filtered.end_time = content.messages[400].log_time;
  std::vector<WrittenMessage> expected;
  for (const WrittenMessage& m : content.messages) {
    if (m.channel_id == 2 && m.log_time >= *filtered.start_time &&
        m.log_time < *filtered.end_time) {
      expected.push_back(m);
    }
  }
  ASSERT_GT(expected.size(), 10u);
  expect_same(expected, read_all(**reader, filtered));
  filtered.limit = 5;
  expected.resize(5);
  expect_same(expected, read_all(**reader, filtered));

  // The forced scan agrees with whatever path open() took.
  McapReaderOptions scan_options;
  scan_options.force_scan = true;
  auto scanned = McapReader::open(*source, diagnostics, scan_options);
  ASSERT_TRUE(scanned.ok());
  EXPECT_FALSE((*scanned)->summary().indexed);
  EXPECT_EQ((*scanned)->summary().statistics.message_count, 600u);
  EXPECT_EQ((*scanned)->summary().statistics.channel_message_counts,
            summary.statistics.channel_message_counts);
  expect_same(content.messages, read_all(**scanned));

  for (const Diagnostic& d : diagnostics.diagnostics()) ADD_FAILURE() << d.to_string();
}

INSTANTIATE_TEST_SUITE_P(AllVariants, McapWriterRoundTrip,
                         ::testing::Combine(::testing::Values(Codec::kNone, Codec::kZstd,
                                                              Codec::kLz4),
                                            ::testing::Bool(), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<Variant>& param_info) {
                           return std::string(codec_name(std::get<0>(param_info.param))) +
                                  (std::get<1>(param_info.param) ? "_chunked" : "_unchunked") +
                                  (std::get<2>(param_info.param) ? "_summary" : "_nosummary");
                         });

TEST(McapWriter, RecordLayoutOfAnIndexedFile) {
  std::vector<std::uint8_t> bytes;
  McapWriterOptions options;
  options.compression = Codec::kNone;
  auto writer = McapWriter::create_in_memory(bytes, options);
  ASSERT_TRUE(writer.ok());
  const std::uint16_t schema = (*writer)->add_schema("S", "jsonschema", {}).value();
  const std::uint16_t channel = (*writer)->add_channel(schema, "/t", "json").value();
  const std::vector<std::uint8_t> payload = {'{', '}'};
  ASSERT_TRUE((*writer)->write_message(channel, 1, 10, 9, payload).ok());
  ASSERT_TRUE((*writer)->write_metadata("m", {{"k", "v"}}).ok());
  ASSERT_TRUE((*writer)->close().ok());

  auto source = memory_source_view(bytes, "layout.mcap");
  DiagnosticCollector diagnostics;
  auto reader = McapReader::open(*source, diagnostics);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> names;
  ASSERT_TRUE((*reader)
                  ->for_each_record([&](const RecordView& view) {
                    names.push_back((view.chunk_offset ? "  " : "") + opcode_name(view.opcode));
                    return Status{};
                  })
                  .ok());
  const std::vector<std::string> expected = {
      "Header",        "Metadata",      "Chunk",         "  Schema",      "  Channel",
      "  Message",     "MessageIndex",  "DataEnd",       "Schema",        "Channel",
      "Statistics",    "ChunkIndex",    "MetadataIndex", "SummaryOffset", "SummaryOffset",
      "SummaryOffset", "SummaryOffset", "SummaryOffset", "Footer"};
  EXPECT_EQ(names, expected);
  EXPECT_TRUE((*reader)->summary().indexed);
  EXPECT_EQ(diagnostics.size(), 0u);
}

TEST(McapWriter, RejectsBadInput) {
  std::vector<std::uint8_t> bytes;
  McapWriterOptions bz2;
  bz2.compression = Codec::kBz2;
  EXPECT_EQ(McapWriter::create_in_memory(bytes, bz2).status().code(), StatusCode::kInvalidArgument);
  auto writer = McapWriter::create_in_memory(bytes);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->add_channel(3, "/x", "cdr").status().code(), StatusCode::kInvalidArgument);
  const Status s = (*writer)->write_message(1, 0, 0, 0, {});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown channel id 1"), std::string::npos) << s.message();
  EXPECT_EQ(McapWriter::create("/nonexistent-dir/x.mcap").status().code(), StatusCode::kIoError);
}

TEST(McapWriter, FileOpensThroughTheRegistry) {
  parity::testing::TempDir dir;
  const auto path = dir / "sample.mcap";
  McapWriterOptions options;
  options.profile = "ros2";
  auto writer = McapWriter::create(path, options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const SampleContent content = testing::write_sample(**writer, 50);
  ASSERT_TRUE((*writer)->close().ok());

  DiagnosticCollector diagnostics;
  auto recording = mcap::open_mcap_recording(path, diagnostics);
  ASSERT_TRUE(recording.ok()) << recording.status().to_string();
  const RecordingInfo& info = (*recording)->info();
  EXPECT_EQ(info.format, "mcap");
  EXPECT_EQ(info.profile, "ros2");
  EXPECT_EQ(info.library, "parity 0.1.0");
  EXPECT_EQ(info.message_count, 50u);
  EXPECT_TRUE(info.indexed);
  ASSERT_EQ(info.streams.size(), 3u);
  EXPECT_EQ(info.streams[0].id, 1u);
  EXPECT_EQ(info.streams[0].type, "pkg/msg/A");
  EXPECT_EQ(info.streams[0].schema_encoding, "ros2msg");
  EXPECT_EQ(info.streams[0].schema, "int32 x\nstring name\n");
  EXPECT_EQ(info.streams[2].type, "");
  EXPECT_EQ(info.streams[2].schema_encoding, "");
  ASSERT_EQ(info.attachments.size(), 2u);
  EXPECT_EQ(info.attachments[0].size_bytes, 3u);
  std::size_t i = 0;
  ASSERT_TRUE(
      (*recording)
          ->read_messages({},
                          [&](const MessageView& view) {
                            EXPECT_EQ(view.stream->id, content.messages[i].channel_id);
                            EXPECT_EQ(std::vector<std::uint8_t>(view.data.begin(), view.data.end()),
                                      content.messages[i].data);
                            ++i;
                            return Status{};
                          })
          .ok());
  EXPECT_EQ(i, 50u);
  EXPECT_EQ(diagnostics.size(), 0u);
}

}  // namespace
}  // namespace parity::mcap
