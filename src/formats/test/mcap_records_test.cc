// MCAP record layer: field-level parse errors and unknown opcodes.
#include "parity/formats/mcap/mcap_records.h"

#include <gtest/gtest.h>

#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/formats/mcap/mcap_writer.h"
#include "parity/io/byte_source.h"

namespace parity::mcap {
namespace {

TEST(McapRecords, ParseErrorsNameRecordFieldAndSizes) {
  std::vector<std::uint8_t> content;
  append_u16(7, content);
  append_u16(1, content);
  append_u32(12, content);  // topic length 12, but only 3 bytes follow
  content.insert(content.end(), {'/', 'a', 'b'});
  Channel channel;
  const Status s = parse_channel(content, channel);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.message(), "Channel: field 'topic' at content offset 8: needs 12 bytes, 3 remain");

  Message message;
  EXPECT_EQ(parse_message(std::vector<std::uint8_t>(21), message).message(),
            "Message: needs at least 22 bytes of fixed fields, record has 21");

  std::vector<std::uint8_t> index;
  append_u16(1, index);
  append_u32(15, index);
  index.resize(index.size() + 15);
  MessageIndex message_index;
  EXPECT_EQ(parse_message_index(index, message_index).message(),
            "MessageIndex: field 'records': array of 15 bytes is not a whole number of 16-byte "
            "(timestamp, offset) entries");
}

TEST(McapRecords, SerializeThenParse) {
  std::vector<std::uint8_t> out;
  ChunkIndex index{1, 2, 3, 4, {{1, 100}, {9, 200}}, 5, "zstd", 6, 7};
  append_chunk_index(index, out);
  ASSERT_EQ(out[0], static_cast<std::uint8_t>(Opcode::kChunkIndex));
  ASSERT_EQ(load_u64(out.data() + 1), out.size() - kRecordPrefixSize);
  auto parsed = parse_record(out[0], std::span(out).subspan(kRecordPrefixSize));
  ASSERT_TRUE(parsed.ok());
  const auto& back = std::get<ChunkIndex>(*parsed);
  EXPECT_EQ(back.message_index_offsets, index.message_index_offsets);
  EXPECT_EQ(back.compression, "zstd");
  EXPECT_EQ(back.uncompressed_size, 7u);
  EXPECT_EQ(opcode_name(0x06), "Chunk");
  EXPECT_EQ(opcode_name(0x80), "Unknown(0x80)");
}

TEST(McapRecords, UnknownOpcodesAreSkipped) {
  McapWriterOptions options;
  options.chunked = false;
  options.write_summary = false;
  std::vector<std::uint8_t> bytes;
  auto writer = McapWriter::create_in_memory(bytes, options);
  ASSERT_TRUE(writer.ok());
  const std::uint16_t channel = (*writer)->add_channel(0, "/x", "json").value();
  ASSERT_TRUE((*writer)->write_message(channel, 0, 5, 5, std::vector<std::uint8_t>{'1'}).ok());
  ASSERT_TRUE((*writer)->close().ok());
  // Insert an application record (opcode 0x80, 3 content bytes) right after the Header.
  const std::uint64_t header_end = 8 + kRecordPrefixSize + load_u64(bytes.data() + 9);
  const std::vector<std::uint8_t> extra = {0x80, 3, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c'};
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(header_end), extra.begin(), extra.end());

  auto source = memory_source_view(bytes, "unknown.mcap");
  DiagnosticCollector diagnostics;
  auto reader = McapReader::open(*source, diagnostics);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->summary().statistics.message_count, 1u);
  std::vector<std::uint8_t> unknown;
  ASSERT_TRUE((*reader)
                  ->for_each_record([&](const RecordView& view) {
                    if (const auto* u = std::get_if<UnknownRecord>(view.record)) {
                      EXPECT_EQ(u->opcode, 0x80);
                      unknown.assign(u->content.begin(), u->content.end());
                    }
                    return Status{};
                  })
                  .ok());
  EXPECT_EQ(unknown, (std::vector<std::uint8_t>{'a', 'b', 'c'}));
  // The data section CRC no longer matches (bytes were inserted): reported, not fatal.
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics.diagnostics()[0].message.find("data section CRC mismatch"),
            std::string::npos);
}

}  // namespace
}  // namespace parity::mcap
