// MCAP records: opcodes, typed records and their (de)serialization.
//
// Layouts follow the MCAP specification, foxglove/mcap website/docs/spec/index.md ("Records",
// "Serialization"): every record is `opcode:u8, content_length:u64 LE, content`; integers are
// little-endian; String = u32 length + UTF-8 bytes; Map = u32 byte length + key/value pairs;
// Array = u32 byte length + elements; Timestamp = u64 nanoseconds.
//
// Parsing never reads outside the span it is given. Records may be extended with new trailing
// fields (spec "Records"), so trailing bytes after the known fields are ignored, except in
// Message (whose data is the rest of the record) and Footer.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parity/core/status.h"

namespace parity::mcap {

// Leading and trailing magic: 0x89 'M' 'C' 'A' 'P' '0' '\r' '\n' (spec "Magic").
inline constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

// opcode (1) + content length (8).
inline constexpr std::uint64_t kRecordPrefixSize = 9;
// Footer content: summary_start u64, summary_offset_start u64, summary_crc u32.
inline constexpr std::uint64_t kFooterContentSize = 20;
// Footer record plus trailing magic: what a reader takes from the end of the file.
inline constexpr std::uint64_t kFooterAndMagicSize =
    kRecordPrefixSize + kFooterContentSize + kMagic.size();

enum class Opcode : std::uint8_t {
  kHeader = 0x01,
  kFooter = 0x02,
  kSchema = 0x03,
  kChannel = 0x04,
  kMessage = 0x05,
  kChunk = 0x06,
  kMessageIndex = 0x07,
  kChunkIndex = 0x08,
  kAttachment = 0x09,
  kAttachmentIndex = 0x0A,
  kStatistics = 0x0B,
  kMetadata = 0x0C,
  kMetadataIndex = 0x0D,
  kSummaryOffset = 0x0E,
  kDataEnd = 0x0F,
};

// "Header", "Chunk", ...; "Unknown(0x42)" for opcodes outside 0x01-0x0F.
std::string opcode_name(std::uint8_t opcode);

using StringMap = std::map<std::string, std::string>;

struct Header {  // op 0x01
  std::string profile;
  std::string library;
};

struct Footer {  // op 0x02
  std::uint64_t summary_start = 0;
  std::uint64_t summary_offset_start = 0;
  std::uint32_t summary_crc = 0;
};

struct Schema {  // op 0x03
  std::uint16_t id = 0;
  std::string name;
  std::string encoding;
  std::vector<std::uint8_t> data;  // u32-length-prefixed
};

struct Channel {  // op 0x04
  std::uint16_t id = 0;
  std::uint16_t schema_id = 0;  // 0 = no schema
  std::string topic;
  std::string message_encoding;
  StringMap metadata;
};

// op 0x05. `data` views the record content it was parsed from.
struct Message {
  std::uint16_t channel_id = 0;
  std::uint32_t sequence = 0;
  std::uint64_t log_time = 0;
  std::uint64_t publish_time = 0;
  std::span<const std::uint8_t> data;
};
// channel_id + sequence + log_time + publish_time.
inline constexpr std::uint64_t kMessageFixedSize = 22;

// op 0x06. `records` views the (possibly compressed) records field of the parsed content.
struct Chunk {
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::uint64_t uncompressed_size = 0;
  std::uint32_t uncompressed_crc = 0;     // 0 = not available
  std::string compression;                // "", "zstd", "lz4"
  std::uint64_t records_offset = 0;       // offset of `records` within the record content
  std::uint64_t records_size = 0;         // compressed size
  std::span<const std::uint8_t> records;  // empty when only the chunk header was parsed
};

struct MessageIndexEntry {
  std::uint64_t log_time = 0;
  std::uint64_t offset = 0;  // of the Message record within the uncompressed chunk records
  friend bool operator==(const MessageIndexEntry&, const MessageIndexEntry&) = default;
};

struct MessageIndex {  // op 0x07
  std::uint16_t channel_id = 0;
  std::vector<MessageIndexEntry> records;
};

struct ChunkIndex {  // op 0x08
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::uint64_t chunk_start_offset = 0;                          // file offset of the Chunk record
  std::uint64_t chunk_length = 0;                                // whole record, prefix included
  std::map<std::uint16_t, std::uint64_t> message_index_offsets;  // channel -> file offset
  std::uint64_t message_index_length = 0;
  std::string compression;
  std::uint64_t compressed_size = 0;
  std::uint64_t uncompressed_size = 0;
};

// op 0x09. The data is never held: `data_offset` locates it within the record content.
struct Attachment {
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::string name;
  std::string media_type;
  std::uint64_t data_size = 0;
  std::uint64_t data_offset = 0;  // offset of the data within the record content
  std::uint32_t crc = 0;          // of every content byte before the crc field; 0 = none
};

struct AttachmentIndex {  // op 0x0A
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::uint64_t data_size = 0;
  std::string name;
  std::string media_type;
};

struct Statistics {  // op 0x0B
  std::uint64_t message_count = 0;
  std::uint16_t schema_count = 0;
  std::uint32_t channel_count = 0;
  std::uint32_t attachment_count = 0;
  std::uint32_t metadata_count = 0;
  std::uint32_t chunk_count = 0;
  std::uint64_t message_start_time = 0;
  std::uint64_t message_end_time = 0;
  std::map<std::uint16_t, std::uint64_t> channel_message_counts;
};

struct Metadata {  // op 0x0C
  std::string name;
  StringMap metadata;
};

struct MetadataIndex {  // op 0x0D
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string name;
};

struct SummaryOffset {  // op 0x0E
  std::uint8_t group_opcode = 0;
  std::uint64_t group_start = 0;
  std::uint64_t group_length = 0;
};

struct DataEnd {  // op 0x0F
  std::uint32_t data_section_crc = 0;
};

// A record with an opcode this reader does not know (skipped per spec "Records").
struct UnknownRecord {
  std::uint8_t opcode = 0;
  std::span<const std::uint8_t> content;
};

using Record = std::variant<Header, Footer, Schema, Channel, Message, Chunk, MessageIndex,
                            ChunkIndex, Attachment, AttachmentIndex, Statistics, Metadata,
                            MetadataIndex, SummaryOffset, DataEnd, UnknownRecord>;

// Parsers: `content` is the record content (after the 9-byte prefix). Errors: kCorrupt
// naming the record type, the field, its offset within the content and the byte counts
// ("Channel: field 'topic' at content offset 4: needs 12 bytes, 3 remain"); callers add the
// file and record offset.
Status parse_header(std::span<const std::uint8_t> content, Header& out);
Status parse_footer(std::span<const std::uint8_t> content, Footer& out);
Status parse_schema(std::span<const std::uint8_t> content, Schema& out);
Status parse_channel(std::span<const std::uint8_t> content, Channel& out);
Status parse_message(std::span<const std::uint8_t> content, Message& out);
// Parses a Chunk. When `content` holds only a prefix of the record (at least up to the records
// length field), `records` stays empty and `records_offset`/`records_size` still locate the
// data; `content_size` is the full content length, used to bound records_size.
Status parse_chunk(std::span<const std::uint8_t> content, std::uint64_t content_size, Chunk& out);
Status parse_message_index(std::span<const std::uint8_t> content, MessageIndex& out);
Status parse_chunk_index(std::span<const std::uint8_t> content, ChunkIndex& out);
// Parses an Attachment from a prefix of its content (everything up to and including the data
// length field suffices); `content_size` is the full content length. Sets `crc` only when the
// prefix reaches it. When the prefix is too short but the record may still be valid, returns
// kTruncated and sets `*needed` (if given) to the prefix length required.
Status parse_attachment(std::span<const std::uint8_t> content, std::uint64_t content_size,
                        Attachment& out, std::uint64_t* needed = nullptr);
Status parse_attachment_index(std::span<const std::uint8_t> content, AttachmentIndex& out);
Status parse_statistics(std::span<const std::uint8_t> content, Statistics& out);
Status parse_metadata(std::span<const std::uint8_t> content, Metadata& out);
Status parse_metadata_index(std::span<const std::uint8_t> content, MetadataIndex& out);
Status parse_summary_offset(std::span<const std::uint8_t> content, SummaryOffset& out);
Status parse_data_end(std::span<const std::uint8_t> content, DataEnd& out);

// Parses any record whose whole content is in memory (Attachment data and crc included).
Result<Record> parse_record(std::uint8_t opcode, std::span<const std::uint8_t> content);

// Serializers: append one complete record (prefix included) to `out`.
void append_header(const Header& record, std::vector<std::uint8_t>& out);
void append_footer(const Footer& record, std::vector<std::uint8_t>& out);
void append_schema(std::uint16_t id, std::string_view name, std::string_view encoding,
                   std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out);
void append_channel(const Channel& record, std::vector<std::uint8_t>& out);
void append_message(std::uint16_t channel_id, std::uint32_t sequence, std::uint64_t log_time,
                    std::uint64_t publish_time, std::span<const std::uint8_t> data,
                    std::vector<std::uint8_t>& out);
void append_message_index(std::uint16_t channel_id, std::span<const MessageIndexEntry> entries,
                          std::vector<std::uint8_t>& out);
void append_chunk_index(const ChunkIndex& record, std::vector<std::uint8_t>& out);
void append_attachment_index(const AttachmentIndex& record, std::vector<std::uint8_t>& out);
void append_statistics(const Statistics& record, std::vector<std::uint8_t>& out);
void append_metadata(const Metadata& record, std::vector<std::uint8_t>& out);
void append_metadata_index(const MetadataIndex& record, std::vector<std::uint8_t>& out);
void append_summary_offset(const SummaryOffset& record, std::vector<std::uint8_t>& out);
void append_data_end(const DataEnd& record, std::vector<std::uint8_t>& out);

// Little-endian helpers shared by the reader and writer.
void append_u8(std::uint8_t v, std::vector<std::uint8_t>& out);
void append_u16(std::uint16_t v, std::vector<std::uint8_t>& out);
void append_u32(std::uint32_t v, std::vector<std::uint8_t>& out);
void append_u64(std::uint64_t v, std::vector<std::uint8_t>& out);
void append_string(std::string_view v, std::vector<std::uint8_t>& out);
std::uint16_t load_u16(const std::uint8_t* p);
std::uint32_t load_u32(const std::uint8_t* p);
std::uint64_t load_u64(const std::uint8_t* p);

}  // namespace parity::mcap
