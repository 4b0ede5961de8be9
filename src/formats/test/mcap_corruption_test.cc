// Damaged MCAP input: truncation at every record boundary and at random offsets, random byte
// flips, and CRC mismatches in chunks, attachments, the data section and the summary. The
// reader must never crash (CI runs this under ASan/UBSan), must either succeed (reporting the
// damage) or fail with kCorrupt / kTruncated naming the file and the offset, and must recover
// every message completed before a truncation point.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "formats/test/mcap_test_util.h"
#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_writer.h"
#include "parity/formats/recording.h"
#include "parity/io/byte_source.h"
#include "testing/testing.h"

namespace parity::mcap {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> written_file(Codec codec, bool chunked, bool incompressible = false,
                                       std::size_t messages = 80) {
  McapWriterOptions options;
  options.compression = codec;
  options.chunked = chunked;
  options.chunk_size = 1024;
  std::vector<std::uint8_t> bytes;
  auto writer = McapWriter::create_in_memory(bytes, options);
  EXPECT_TRUE(writer.ok());
  testing::write_sample(**writer, messages, 11, incompressible);
  EXPECT_TRUE((*writer)->close().ok());
  return bytes;
}

struct Outcome {
  Status status;                    // of open() or of the first failing read
  std::uint64_t info_count = 0;     // summary message count
  std::uint64_t read_count = 0;     // messages delivered (file order)
  std::uint64_t ordered_count = 0;  // messages delivered (log-time order)
  std::vector<Diagnostic> diagnostics;
};

Outcome run(std::span<const std::uint8_t> bytes, const std::string& name,
            McapReaderOptions options = {}) {
  Outcome out;
  auto source = memory_source_view(bytes, name);
  DiagnosticCollector diagnostics;
  auto reader = McapReader::open(*source, diagnostics, options);
  if (!reader.ok()) {
    out.status = reader.status();
    out.diagnostics = diagnostics.diagnostics();
    return out;
  }
  out.info_count = (*reader)->summary().statistics.message_count;
  out.status = (*reader)->read_messages({}, [&](const McapMessageView&) {
    ++out.read_count;
    return Status{};
  });
  if (out.status.ok()) {
    McapReadOptions ordered;
    ordered.log_time_order = true;
    out.status = (*reader)->read_messages(ordered, [&](const McapMessageView& view) {
      EXPECT_NE(view.channel, nullptr);
      ++out.ordered_count;
      return Status{};
    });
  }
  out.diagnostics = diagnostics.diagnostics();
  return out;
}

// The contract for damaged input.
void expect_clean(const Outcome& outcome, const std::string& name) {
  if (outcome.status.ok()) {
    EXPECT_EQ(outcome.read_count, outcome.ordered_count);
    return;
  }
  EXPECT_TRUE(outcome.status.code() == StatusCode::kCorrupt ||
              outcome.status.code() == StatusCode::kTruncated)
      << outcome.status.to_string();
  EXPECT_TRUE(contains(outcome.status.message(), name)) << outcome.status.to_string();
  EXPECT_TRUE(contains(outcome.status.message(), "offset")) << outcome.status.to_string();
}

// For each message of an intact file, the file offset at which it becomes recoverable: the
// end of its record (loose messages and messages of uncompressed chunks) or the end of its
// chunk (compressed chunks). Also returns every top-level record boundary.
struct Layout {
  std::vector<std::uint64_t> message_complete_at;
  std::vector<std::uint64_t> boundaries;
  std::uint64_t header_end = 0;
};

Layout layout_of(std::span<const std::uint8_t> bytes) {
  Layout layout;
  auto source = memory_source_view(bytes, "intact.mcap");
  NullDiagnosticSink sink;
  auto reader = McapReader::open(*source, sink);
  EXPECT_TRUE(reader.ok());
  std::uint64_t chunk_records_at = 0;
  std::uint64_t chunk_end = 0;
  bool chunk_compressed = false;
  EXPECT_TRUE((*reader)
                  ->for_each_record([&](const RecordView& view) {
                    const std::uint64_t end = view.offset + kRecordPrefixSize + view.length;
                    if (!view.chunk_offset) {
                      layout.boundaries.push_back(end);
                      if (view.opcode == static_cast<std::uint8_t>(Opcode::kHeader)) {
                        layout.header_end = end;
                      }
                    }
                    if (const auto* chunk = std::get_if<Chunk>(view.record)) {
                      chunk_records_at = view.offset + kRecordPrefixSize + chunk->records_offset;
                      chunk_end = end;
                      chunk_compressed = !chunk->compression.empty();
                    } else if (std::holds_alternative<Message>(*view.record)) {
                      if (!view.chunk_offset) {
                        layout.message_complete_at.push_back(end);
                      } else {
                        layout.message_complete_at.push_back(
                            chunk_compressed ? chunk_end : chunk_records_at + end);
                      }
                    }
                    return Status{};
                  })
                  .ok());
  return layout;
}

void check_truncations(std::span<const std::uint8_t> bytes, const std::string& name) {
  const Layout layout = layout_of(bytes);
  ASSERT_FALSE(layout.message_complete_at.empty());
  std::vector<std::uint64_t> cuts = layout.boundaries;
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 200; ++i) cuts.push_back(1 + rng() % (bytes.size() - 1));
  for (std::uint64_t cut : cuts) {
    if (cut == 0 || cut >= bytes.size()) continue;
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const Outcome outcome = run(bytes.first(cut), name);
    expect_clean(outcome, name);
    if (cut < layout.header_end) {
      EXPECT_EQ(outcome.status.code(), StatusCode::kTruncated) << outcome.status.to_string();
      continue;
    }
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.to_string();
    const auto expected = static_cast<std::uint64_t>(
        std::count_if(layout.message_complete_at.begin(), layout.message_complete_at.end(),
                      [&](std::uint64_t at) { return at <= cut; }));
    EXPECT_EQ(outcome.info_count, expected);
    EXPECT_EQ(outcome.read_count, expected);
    EXPECT_EQ(outcome.ordered_count, expected);
    // The truncation is reported as damage (kError) with the offset where reading stopped.
    bool reported = false;
    for (const Diagnostic& d : outcome.diagnostics) {
      reported =
          reported || (d.severity == Severity::kError && d.offset.has_value() && d.file == name);
    }
    EXPECT_TRUE(reported);
  }
}

void check_flips(std::span<const std::uint8_t> intact, const std::string& name, int trials) {
  std::mt19937_64 rng(4242);
  std::vector<std::uint8_t> bytes;
  for (int trial = 0; trial < trials; ++trial) {
    bytes.assign(intact.begin(), intact.end());
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    expect_clean(run(bytes, name), name);
    McapReaderOptions scan;
    scan.force_scan = true;
    expect_clean(run(bytes, name, scan), name);
  }
}

TEST(McapCorruption, TruncatedUnchunkedFileRecoversEveryCompleteMessage) {
  check_truncations(written_file(Codec::kNone, false), "unchunked.mcap");
}

TEST(McapCorruption, TruncatedUncompressedChunksRecoverCompleteInnerRecords) {
  check_truncations(written_file(Codec::kNone, true), "chunked-none.mcap");
}

TEST(McapCorruption, TruncatedZstdChunksRecoverEveryCompleteChunk) {
  check_truncations(written_file(Codec::kZstd, true), "chunked-zstd.mcap");
}

TEST(McapCorruption, TruncatedLz4ChunksRecoverEveryCompleteChunk) {
  check_truncations(written_file(Codec::kLz4, true), "chunked-lz4.mcap");
}

TEST(McapCorruption, TruncatedRealFiles) {
  PARITY_REQUIRE_SHARED_DATA(zstd, "mcap/rerun-json-protobuf/simple-protobuf.mcap");
  check_truncations(read_file(zstd), "simple-protobuf.mcap");
  PARITY_REQUIRE_SHARED_DATA(plain,
                             "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap");
  check_truncations(read_file(plain), "rerun.mcap");
}

TEST(McapCorruption, ByteFlipsInWrittenFiles) {
  check_flips(written_file(Codec::kZstd, true), "flip-zstd.mcap", 150);
  check_flips(written_file(Codec::kLz4, true), "flip-lz4.mcap", 100);
  check_flips(written_file(Codec::kNone, true), "flip-none.mcap", 100);
  check_flips(written_file(Codec::kNone, false), "flip-unchunked.mcap", 100);
}

TEST(McapCorruption, ByteFlipsInRealFiles) {
  PARITY_REQUIRE_SHARED_DATA(zstd, "mcap/rerun-json-protobuf/simple-protobuf.mcap");
  check_flips(read_file(zstd), "simple-protobuf.mcap", 150);
  PARITY_REQUIRE_SHARED_DATA(nav2, "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap");
  check_flips(read_file(nav2), "nav2.mcap", 50);
}

// Offsets of the Chunk records of an intact file, and how many messages each holds.
std::vector<std::pair<std::uint64_t, std::uint64_t>> chunks_of(
    std::span<const std::uint8_t> bytes) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunks;
  auto source = memory_source_view(bytes, "intact.mcap");
  NullDiagnosticSink sink;
  auto reader = McapReader::open(*source, sink);
  EXPECT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)
                  ->for_each_record([&](const RecordView& view) {
                    if (view.opcode == static_cast<std::uint8_t>(Opcode::kChunk)) {
                      chunks.emplace_back(view.offset, 0);
                    } else if (view.opcode == static_cast<std::uint8_t>(Opcode::kMessage)) {
                      ++chunks.back().second;
                    }
                    return Status{};
                  })
                  .ok());
  return chunks;
}

std::uint64_t chunk_records_at(std::span<const std::uint8_t> bytes, std::uint64_t chunk_offset) {
  Chunk chunk;
  const auto content = bytes.subspan(chunk_offset + kRecordPrefixSize);
  EXPECT_TRUE(parse_chunk(content, load_u64(bytes.data() + chunk_offset + 1), chunk).ok());
  return chunk_offset + kRecordPrefixSize + chunk.records_offset;
}

void expect_chunk_crc_policy(Codec codec) {
  std::vector<std::uint8_t> bytes = written_file(codec, true, /*incompressible=*/true, 200);
  const auto chunks = chunks_of(bytes);
  ASSERT_GT(chunks.size(), 4u);
  const auto [bad_offset, bad_messages] = chunks[2];
  ASSERT_GT(bad_messages, 0u);
  // Flip a byte in the middle of the chunk's (compressed) records.
  const std::uint64_t records_at = chunk_records_at(bytes, bad_offset);
  const std::uint64_t records_size = load_u64(bytes.data() + records_at - 8);
  bytes[records_at + records_size / 2] ^= 0x5A;

  for (bool force_scan : {false, true}) {
    SCOPED_TRACE(force_scan ? "scan" : "index");
    McapReaderOptions options;
    options.force_scan = force_scan;
    const Outcome outcome = run(bytes, "crc.mcap", options);
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.to_string();
    // Policy: the damaged chunk is reported once and its messages skipped; the rest is read.
    EXPECT_EQ(outcome.read_count, 200u - bad_messages);
    EXPECT_EQ(outcome.ordered_count, 200u - bad_messages);
    EXPECT_EQ(outcome.info_count, force_scan ? 200u - bad_messages : 200u);
    // The scan also checks the data section CRC, which the flip breaks too.
    ASSERT_EQ(outcome.diagnostics.size(), force_scan ? 2u : 1u);
    if (force_scan) {
      EXPECT_TRUE(contains(outcome.diagnostics[1].message, "data section CRC mismatch"))
          << outcome.diagnostics[1].to_string();
    }
    const Diagnostic& d = outcome.diagnostics[0];
    EXPECT_EQ(d.severity, Severity::kError);
    EXPECT_EQ(d.file, "crc.mcap");
    EXPECT_EQ(d.offset, bad_offset);
    EXPECT_TRUE(contains(d.message, "chunk CRC mismatch: expected 0x")) << d.to_string();
    EXPECT_TRUE(contains(d.message, ", computed 0x")) << d.to_string();
    EXPECT_TRUE(contains(d.message, "skipping the chunk's messages")) << d.to_string();
  }
}

TEST(McapCorruption, ChunkCrcMismatchSkipsOnlyThatChunk) {
  expect_chunk_crc_policy(Codec::kNone);
  expect_chunk_crc_policy(Codec::kZstd);
  expect_chunk_crc_policy(Codec::kLz4);
}

TEST(McapCorruption, ChunkCrcCheckCanBeDisabled) {
  std::vector<std::uint8_t> bytes = written_file(Codec::kNone, true, true, 200);
  const auto chunks = chunks_of(bytes);
  const std::uint64_t records_at = chunk_records_at(bytes, chunks[1].first);
  bytes[records_at + 40] ^= 0x01;  // inside a message payload
  McapReaderOptions options;
  options.verify_crcs = false;
  const Outcome outcome = run(bytes, "nocrc.mcap", options);
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.read_count, 200u);
  EXPECT_TRUE(outcome.diagnostics.empty());
}

TEST(McapCorruption, DataSectionAndAttachmentCrcMismatch) {
  std::vector<std::uint8_t> bytes = written_file(Codec::kNone, false, false, 40);
  // Find the first attachment's data ("hi!") and flip it.
  const std::string needle = "notes.txt";
  auto it = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  ASSERT_NE(it, bytes.end());
  auto data = std::search(it, bytes.end(), std::begin("hi!"), std::end("hi!") - 1);
  ASSERT_NE(data, bytes.end());
  *data = 'H';
  const Outcome outcome = run(bytes, "crc2.mcap");  // unchunked: scanned at open
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.read_count, 40u);
  std::vector<std::string> messages;
  for (const Diagnostic& d : outcome.diagnostics) messages.push_back(d.message);
  ASSERT_EQ(messages.size(), 2u) << ::testing::PrintToString(messages);
  EXPECT_TRUE(contains(messages[0], "attachment 'notes.txt' CRC mismatch: expected 0x"));
  EXPECT_TRUE(contains(messages[1], "data section CRC mismatch: expected 0x"));
}

TEST(McapCorruption, SummaryCrcMismatchFallsBackToTheScan) {
  std::vector<std::uint8_t> bytes = written_file(Codec::kZstd, true, false, 120);
  // The Statistics record's message_count sits right after its 9-byte prefix.
  const std::uint64_t footer_at = bytes.size() - kFooterAndMagicSize;
  const std::uint64_t summary_start = load_u64(bytes.data() + footer_at + kRecordPrefixSize);
  std::uint64_t pos = summary_start;
  while (bytes[pos] != static_cast<std::uint8_t>(Opcode::kStatistics)) {
    pos += kRecordPrefixSize + load_u64(bytes.data() + pos + 1);
  }
  bytes[pos + kRecordPrefixSize] ^= 0x40;  // message_count 120 -> 56
  const Outcome outcome = run(bytes, "summary.mcap");
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.info_count, 120u);  // exact, from the scan
  EXPECT_EQ(outcome.read_count, 120u);
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_EQ(outcome.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(outcome.diagnostics[0].offset, footer_at);
  EXPECT_TRUE(contains(outcome.diagnostics[0].message, "summary CRC mismatch: expected 0x"))
      << outcome.diagnostics[0].to_string();
}

TEST(McapCorruption, BadMagicAndHeader) {
  std::vector<std::uint8_t> bytes = written_file(Codec::kNone, true);
  bytes[1] = 'X';
  Outcome outcome = run(bytes, "magic.mcap");
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(outcome.status.message(),
            "magic.mcap: offset 0: bad magic: expected 89 4d 43 41 50 30 0d 0a, found 89 58 43 "
            "41 50 30 0d 0a");
  bytes[1] = 'M';
  bytes[8] = 0x03;  // the Header record becomes a "Schema"
  outcome = run(bytes, "header.mcap");
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(outcome.status.message(),
            "header.mcap: offset 8: expected a Header record (opcode 0x01), found Schema");
  const std::vector<std::uint8_t> empty;
  outcome = run(empty, "empty.mcap");
  EXPECT_EQ(outcome.status.code(), StatusCode::kTruncated);
  EXPECT_EQ(outcome.status.message(), "empty.mcap: empty file (0 bytes): expected the MCAP magic");
}

TEST(McapCorruption, BadChunkLengthsAreReported) {
  // A chunk whose uncompressed_size is absurd for its compressed size is rejected before any
  // allocation.
  std::vector<std::uint8_t> bytes = written_file(Codec::kZstd, true, false, 50);
  const auto chunks = chunks_of(bytes);
  const std::uint64_t size_at = chunks[0].first + kRecordPrefixSize + 16;
  const std::uint64_t huge = std::uint64_t{1} << 50;
  std::memcpy(bytes.data() + size_at, &huge, 8);
  McapReaderOptions scan;
  scan.force_scan = true;
  const Outcome outcome = run(bytes, "huge.mcap", scan);
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.read_count, 50u - chunks[0].second);
  bool found = false;
  for (const Diagnostic& d : outcome.diagnostics) {
    found = found || contains(d.message,
                              "chunk declares uncompressed_size 1125899906842624, more "
                              "than the");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace parity::mcap
