#include "parity/formats/mcap/mcap_records.h"

#include <fmt/format.h>

#include <cstring>

namespace parity::mcap {
namespace {

// Bounds-checked little-endian reads over one record's content. Every failed read returns
// kCorrupt naming the record type, the field, its content offset and the byte counts.
class FieldReader {
 public:
  FieldReader(std::string_view record, std::span<const std::uint8_t> bytes)
      : record_(record), bytes_(bytes) {}

  std::uint64_t pos() const { return pos_; }
  std::uint64_t remaining() const { return bytes_.size() - pos_; }

  Status need(std::string_view field, std::uint64_t n) const {
    if (n > remaining()) {
      return corrupt(fmt::format("{}: field '{}' at content offset {}: needs {} bytes, {} remain",
                                 record_, field, pos_, n, remaining()));
    }
    return {};
  }

  Status u8(std::string_view field, std::uint8_t& out) {
    PARITY_RETURN_IF_ERROR(need(field, 1));
    out = bytes_[pos_];
    pos_ += 1;
    return {};
  }
  Status u16(std::string_view field, std::uint16_t& out) {
    PARITY_RETURN_IF_ERROR(need(field, 2));
    out = load_u16(bytes_.data() + pos_);
    pos_ += 2;
    return {};
  }
  Status u32(std::string_view field, std::uint32_t& out) {
    PARITY_RETURN_IF_ERROR(need(field, 4));
    out = load_u32(bytes_.data() + pos_);
    pos_ += 4;
    return {};
  }
  Status u64(std::string_view field, std::uint64_t& out) {
    PARITY_RETURN_IF_ERROR(need(field, 8));
    out = load_u64(bytes_.data() + pos_);
    pos_ += 8;
    return {};
  }
  // u32 length + bytes, as a view.
  Status bytes32(std::string_view field, std::span<const std::uint8_t>& out) {
    std::uint32_t n = 0;
    PARITY_RETURN_IF_ERROR(u32(field, n));
    PARITY_RETURN_IF_ERROR(need(field, n));
    out = bytes_.subspan(pos_, n);
    pos_ += n;
    return {};
  }
  Status string(std::string_view field, std::string& out) {
    std::span<const std::uint8_t> view;
    PARITY_RETURN_IF_ERROR(bytes32(field, view));
    out.assign(reinterpret_cast<const char*>(view.data()), view.size());
    return {};
  }
  Status string_map(std::string_view field, StringMap& out) {
    std::span<const std::uint8_t> view;
    PARITY_RETURN_IF_ERROR(bytes32(field, view));
    out.clear();
    FieldReader inner(record_, view);
    while (inner.remaining() > 0) {
      std::string key;
      std::string value;
      PARITY_RETURN_IF_ERROR(inner.string(field, key).with_context("map key"));
      PARITY_RETURN_IF_ERROR(inner.string(field, value).with_context("map value"));
      out.emplace(std::move(key), std::move(value));  // first occurrence of a key wins
    }
    return {};
  }
  Status u16_u64_map(std::string_view field, std::map<std::uint16_t, std::uint64_t>& out) {
    std::span<const std::uint8_t> view;
    PARITY_RETURN_IF_ERROR(bytes32(field, view));
    if (view.size() % 10 != 0) {
      return corrupt(
          fmt::format("{}: field '{}': map of {} bytes is not a whole number of "
                      "10-byte (uint16, uint64) entries",
                      record_, field, view.size()));
    }
    out.clear();
    for (std::size_t i = 0; i < view.size(); i += 10) {
      out.emplace(load_u16(view.data() + i), load_u64(view.data() + i + 2));
    }
    return {};
  }
  std::span<const std::uint8_t> rest() {
    auto out = bytes_.subspan(pos_);
    pos_ = bytes_.size();
    return out;
  }

 private:
  std::string_view record_;
  std::span<const std::uint8_t> bytes_;
  std::uint64_t pos_ = 0;
};

void append_prefix(Opcode opcode, std::uint64_t length, std::vector<std::uint8_t>& out) {
  append_u8(static_cast<std::uint8_t>(opcode), out);
  append_u64(length, out);
}

void append_bytes(std::span<const std::uint8_t> v, std::vector<std::uint8_t>& out) {
  out.insert(out.end(), v.begin(), v.end());
}

std::uint64_t string_size(std::string_view s) {
  return 4 + s.size();
}

std::uint64_t string_map_size(const StringMap& m) {
  std::uint64_t n = 4;
  for (const auto& [k, v] : m) n += string_size(k) + string_size(v);
  return n;
}

void append_string_map(const StringMap& m, std::vector<std::uint8_t>& out) {
  append_u32(static_cast<std::uint32_t>(string_map_size(m) - 4), out);
  for (const auto& [k, v] : m) {
    append_string(k, out);
    append_string(v, out);
  }
}

void append_u16_u64_map(const std::map<std::uint16_t, std::uint64_t>& m,
                        std::vector<std::uint8_t>& out) {
  append_u32(static_cast<std::uint32_t>(m.size() * 10), out);
  for (const auto& [k, v] : m) {
    append_u16(k, out);
    append_u64(v, out);
  }
}

}  // namespace

std::string opcode_name(std::uint8_t opcode) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHeader: return "Header";
    case Opcode::kFooter: return "Footer";
    case Opcode::kSchema: return "Schema";
    case Opcode::kChannel: return "Channel";
    case Opcode::kMessage: return "Message";
    case Opcode::kChunk: return "Chunk";
    case Opcode::kMessageIndex: return "MessageIndex";
    case Opcode::kChunkIndex: return "ChunkIndex";
    case Opcode::kAttachment: return "Attachment";
    case Opcode::kAttachmentIndex: return "AttachmentIndex";
    case Opcode::kStatistics: return "Statistics";
    case Opcode::kMetadata: return "Metadata";
    case Opcode::kMetadataIndex: return "MetadataIndex";
    case Opcode::kSummaryOffset: return "SummaryOffset";
    case Opcode::kDataEnd: return "DataEnd";
  }
  return fmt::format("Unknown(0x{:02X})", opcode);
}

std::uint16_t load_u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);  // little-endian hosts only (checked in the writer's tests)
  return v;
}
std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

void append_u8(std::uint8_t v, std::vector<std::uint8_t>& out) {
  out.push_back(v);
}
void append_u16(std::uint16_t v, std::vector<std::uint8_t>& out) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void append_u32(std::uint32_t v, std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + 4);
  std::memcpy(out.data() + at, &v, 4);
}
void append_u64(std::uint64_t v, std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + 8);
  std::memcpy(out.data() + at, &v, 8);
}
void append_string(std::string_view v, std::vector<std::uint8_t>& out) {
  append_u32(static_cast<std::uint32_t>(v.size()), out);
  out.insert(out.end(), v.begin(), v.end());
}

// ---- parsing ----

Status parse_header(std::span<const std::uint8_t> content, Header& out) {
  FieldReader r("Header", content);
  PARITY_RETURN_IF_ERROR(r.string("profile", out.profile));
  return r.string("library", out.library);
}

Status parse_footer(std::span<const std::uint8_t> content, Footer& out) {
  FieldReader r("Footer", content);
  PARITY_RETURN_IF_ERROR(r.u64("summary_start", out.summary_start));
  PARITY_RETURN_IF_ERROR(r.u64("summary_offset_start", out.summary_offset_start));
  return r.u32("summary_crc", out.summary_crc);
}

Status parse_schema(std::span<const std::uint8_t> content, Schema& out) {
  FieldReader r("Schema", content);
  PARITY_RETURN_IF_ERROR(r.u16("id", out.id));
  PARITY_RETURN_IF_ERROR(r.string("name", out.name));
  PARITY_RETURN_IF_ERROR(r.string("encoding", out.encoding));
  std::span<const std::uint8_t> data;
  PARITY_RETURN_IF_ERROR(r.bytes32("data", data));
  out.data.assign(data.begin(), data.end());
  return {};
}

Status parse_channel(std::span<const std::uint8_t> content, Channel& out) {
  FieldReader r("Channel", content);
  PARITY_RETURN_IF_ERROR(r.u16("id", out.id));
  PARITY_RETURN_IF_ERROR(r.u16("schema_id", out.schema_id));
  PARITY_RETURN_IF_ERROR(r.string("topic", out.topic));
  PARITY_RETURN_IF_ERROR(r.string("message_encoding", out.message_encoding));
  return r.string_map("metadata", out.metadata);
}

Status parse_message(std::span<const std::uint8_t> content, Message& out) {
  if (content.size() < kMessageFixedSize) {
    return corrupt(fmt::format("Message: needs at least {} bytes of fixed fields, record has {}",
                               kMessageFixedSize, content.size()));
  }
  const std::uint8_t* p = content.data();
  out.channel_id = load_u16(p);
  out.sequence = load_u32(p + 2);
  out.log_time = load_u64(p + 6);
  out.publish_time = load_u64(p + 14);
  out.data = content.subspan(kMessageFixedSize);
  return {};
}

Status parse_chunk(std::span<const std::uint8_t> content, std::uint64_t content_size, Chunk& out) {
  FieldReader r("Chunk", content);
  PARITY_RETURN_IF_ERROR(r.u64("message_start_time", out.message_start_time));
  PARITY_RETURN_IF_ERROR(r.u64("message_end_time", out.message_end_time));
  PARITY_RETURN_IF_ERROR(r.u64("uncompressed_size", out.uncompressed_size));
  PARITY_RETURN_IF_ERROR(r.u32("uncompressed_crc", out.uncompressed_crc));
  PARITY_RETURN_IF_ERROR(r.string("compression", out.compression));
  PARITY_RETURN_IF_ERROR(r.u64("records", out.records_size));
  out.records_offset = r.pos();
  if (out.records_size > content_size - out.records_offset) {
    return corrupt(fmt::format(
        "Chunk: field 'records' at content offset {}: declares {} bytes, the record has {}",
        out.records_offset, out.records_size, content_size - out.records_offset));
  }
  out.records = {};
  if (out.records_size <= r.remaining()) {
    out.records = content.subspan(out.records_offset, out.records_size);
  }
  return {};
}

Status parse_message_index(std::span<const std::uint8_t> content, MessageIndex& out) {
  FieldReader r("MessageIndex", content);
  PARITY_RETURN_IF_ERROR(r.u16("channel_id", out.channel_id));
  std::span<const std::uint8_t> array;
  PARITY_RETURN_IF_ERROR(r.bytes32("records", array));
  if (array.size() % 16 != 0) {
    return corrupt(
        fmt::format("MessageIndex: field 'records': array of {} bytes is not a whole "
                    "number of 16-byte (timestamp, offset) entries",
                    array.size()));
  }
  out.records.resize(array.size() / 16);
  for (std::size_t i = 0; i < out.records.size(); ++i) {
    out.records[i].log_time = load_u64(array.data() + 16 * i);
    out.records[i].offset = load_u64(array.data() + 16 * i + 8);
  }
  return {};
}

Status parse_chunk_index(std::span<const std::uint8_t> content, ChunkIndex& out) {
  FieldReader r("ChunkIndex", content);
  PARITY_RETURN_IF_ERROR(r.u64("message_start_time", out.message_start_time));
  PARITY_RETURN_IF_ERROR(r.u64("message_end_time", out.message_end_time));
  PARITY_RETURN_IF_ERROR(r.u64("chunk_start_offset", out.chunk_start_offset));
  PARITY_RETURN_IF_ERROR(r.u64("chunk_length", out.chunk_length));
  PARITY_RETURN_IF_ERROR(r.u16_u64_map("message_index_offsets", out.message_index_offsets));
  PARITY_RETURN_IF_ERROR(r.u64("message_index_length", out.message_index_length));
  PARITY_RETURN_IF_ERROR(r.string("compression", out.compression));
  PARITY_RETURN_IF_ERROR(r.u64("compressed_size", out.compressed_size));
  return r.u64("uncompressed_size", out.uncompressed_size);
}

Status parse_attachment(std::span<const std::uint8_t> content, std::uint64_t content_size,
                        Attachment& out, std::uint64_t* needed) {
  // Fixed layout: log_time, create_time, name (u32 + N), media_type (u32 + N), data (u64 + N),
  // crc. The prefix may end anywhere; work out what is missing before failing.
  auto short_prefix = [&](std::uint64_t want) -> Status {
    if (want > content_size) {
      return corrupt(
          fmt::format("Attachment: fields need {} bytes, the record has {}", want, content_size));
    }
    if (needed != nullptr) *needed = want;
    return truncated(fmt::format("Attachment: {} bytes of the record are needed, {} given", want,
                                 content.size()));
  };
  std::uint64_t pos = 16;
  if (content.size() < pos + 4) return short_prefix(pos + 4);
  const std::uint64_t name_size = load_u32(content.data() + pos);
  const std::uint64_t media_at = pos + 4 + name_size;
  if (content.size() < media_at + 4) return short_prefix(media_at + 4);
  const std::uint64_t media_size = load_u32(content.data() + media_at);
  const std::uint64_t data_len_at = media_at + 4 + media_size;
  if (content.size() < data_len_at + 8) return short_prefix(data_len_at + 8);
  out.log_time = load_u64(content.data());
  out.create_time = load_u64(content.data() + 8);
  out.name.assign(reinterpret_cast<const char*>(content.data()) + pos + 4, name_size);
  out.media_type.assign(reinterpret_cast<const char*>(content.data()) + media_at + 4, media_size);
  out.data_size = load_u64(content.data() + data_len_at);
  out.data_offset = data_len_at + 8;
  if (out.data_size > content_size - out.data_offset ||
      content_size - out.data_offset - out.data_size < 4) {
    return corrupt(fmt::format(
        "Attachment: field 'data' at content offset {}: declares {} bytes, but only {} remain "
        "before the 4-byte crc",
        data_len_at, out.data_size,
        content_size - out.data_offset >= 4 ? content_size - out.data_offset - 4 : 0));
  }
  const std::uint64_t crc_at = out.data_offset + out.data_size;
  out.crc = 0;
  if (content.size() >= crc_at + 4) out.crc = load_u32(content.data() + crc_at);
  return {};
}

Status parse_attachment_index(std::span<const std::uint8_t> content, AttachmentIndex& out) {
  FieldReader r("AttachmentIndex", content);
  PARITY_RETURN_IF_ERROR(r.u64("offset", out.offset));
  PARITY_RETURN_IF_ERROR(r.u64("length", out.length));
  PARITY_RETURN_IF_ERROR(r.u64("log_time", out.log_time));
  PARITY_RETURN_IF_ERROR(r.u64("create_time", out.create_time));
  PARITY_RETURN_IF_ERROR(r.u64("data_size", out.data_size));
  PARITY_RETURN_IF_ERROR(r.string("name", out.name));
  return r.string("media_type", out.media_type);
}

Status parse_statistics(std::span<const std::uint8_t> content, Statistics& out) {
  FieldReader r("Statistics", content);
  PARITY_RETURN_IF_ERROR(r.u64("message_count", out.message_count));
  PARITY_RETURN_IF_ERROR(r.u16("schema_count", out.schema_count));
  PARITY_RETURN_IF_ERROR(r.u32("channel_count", out.channel_count));
  PARITY_RETURN_IF_ERROR(r.u32("attachment_count", out.attachment_count));
  PARITY_RETURN_IF_ERROR(r.u32("metadata_count", out.metadata_count));
  PARITY_RETURN_IF_ERROR(r.u32("chunk_count", out.chunk_count));
  PARITY_RETURN_IF_ERROR(r.u64("message_start_time", out.message_start_time));
  PARITY_RETURN_IF_ERROR(r.u64("message_end_time", out.message_end_time));
  return r.u16_u64_map("channel_message_counts", out.channel_message_counts);
}

Status parse_metadata(std::span<const std::uint8_t> content, Metadata& out) {
  FieldReader r("Metadata", content);
  PARITY_RETURN_IF_ERROR(r.string("name", out.name));
  return r.string_map("metadata", out.metadata);
}

Status parse_metadata_index(std::span<const std::uint8_t> content, MetadataIndex& out) {
  FieldReader r("MetadataIndex", content);
  PARITY_RETURN_IF_ERROR(r.u64("offset", out.offset));
  PARITY_RETURN_IF_ERROR(r.u64("length", out.length));
  return r.string("name", out.name);
}

Status parse_summary_offset(std::span<const std::uint8_t> content, SummaryOffset& out) {
  FieldReader r("SummaryOffset", content);
  PARITY_RETURN_IF_ERROR(r.u8("group_opcode", out.group_opcode));
  PARITY_RETURN_IF_ERROR(r.u64("group_start", out.group_start));
  return r.u64("group_length", out.group_length);
}

Status parse_data_end(std::span<const std::uint8_t> content, DataEnd& out) {
  FieldReader r("DataEnd", content);
  return r.u32("data_section_crc", out.data_section_crc);
}

namespace {
template <typename T, typename F>
Result<Record> parse_as(std::span<const std::uint8_t> content, F parse) {
  T record;
  PARITY_RETURN_IF_ERROR(parse(content, record));
  return Record(std::move(record));
}
}  // namespace

Result<Record> parse_record(std::uint8_t opcode, std::span<const std::uint8_t> content) {
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::kHeader: return parse_as<Header>(content, parse_header);
    case Opcode::kFooter: return parse_as<Footer>(content, parse_footer);
    case Opcode::kSchema: return parse_as<Schema>(content, parse_schema);
    case Opcode::kChannel: return parse_as<Channel>(content, parse_channel);
    case Opcode::kMessage: return parse_as<Message>(content, parse_message);
    case Opcode::kChunk: {
      Chunk chunk;
      PARITY_RETURN_IF_ERROR(parse_chunk(content, content.size(), chunk));
      return Record(std::move(chunk));
    }
    case Opcode::kMessageIndex: return parse_as<MessageIndex>(content, parse_message_index);
    case Opcode::kChunkIndex: return parse_as<ChunkIndex>(content, parse_chunk_index);
    case Opcode::kAttachment: {
      Attachment attachment;
      PARITY_RETURN_IF_ERROR(parse_attachment(content, content.size(), attachment));
      return Record(std::move(attachment));
    }
    case Opcode::kAttachmentIndex:
      return parse_as<AttachmentIndex>(content, parse_attachment_index);
    case Opcode::kStatistics: return parse_as<Statistics>(content, parse_statistics);
    case Opcode::kMetadata: return parse_as<Metadata>(content, parse_metadata);
    case Opcode::kMetadataIndex: return parse_as<MetadataIndex>(content, parse_metadata_index);
    case Opcode::kSummaryOffset: return parse_as<SummaryOffset>(content, parse_summary_offset);
    case Opcode::kDataEnd: return parse_as<DataEnd>(content, parse_data_end);
  }
  return Record(UnknownRecord{opcode, content});
}

// ---- serialization ----

void append_header(const Header& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kHeader, string_size(record.profile) + string_size(record.library), out);
  append_string(record.profile, out);
  append_string(record.library, out);
}

void append_footer(const Footer& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kFooter, kFooterContentSize, out);
  append_u64(record.summary_start, out);
  append_u64(record.summary_offset_start, out);
  append_u32(record.summary_crc, out);
}

void append_schema(std::uint16_t id, std::string_view name, std::string_view encoding,
                   std::span<const std::uint8_t> data, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kSchema, 2 + string_size(name) + string_size(encoding) + 4 + data.size(),
                out);
  append_u16(id, out);
  append_string(name, out);
  append_string(encoding, out);
  append_u32(static_cast<std::uint32_t>(data.size()), out);
  append_bytes(data, out);
}

void append_channel(const Channel& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kChannel,
                4 + string_size(record.topic) + string_size(record.message_encoding) +
                    string_map_size(record.metadata),
                out);
  append_u16(record.id, out);
  append_u16(record.schema_id, out);
  append_string(record.topic, out);
  append_string(record.message_encoding, out);
  append_string_map(record.metadata, out);
}

void append_message(std::uint16_t channel_id, std::uint32_t sequence, std::uint64_t log_time,
                    std::uint64_t publish_time, std::span<const std::uint8_t> data,
                    std::vector<std::uint8_t>& out) {
  const std::size_t at = out.size();
  out.resize(at + kRecordPrefixSize + kMessageFixedSize + data.size());
  std::uint8_t* p = out.data() + at;
  p[0] = static_cast<std::uint8_t>(Opcode::kMessage);
  const std::uint64_t length = kMessageFixedSize + data.size();
  std::memcpy(p + 1, &length, 8);
  std::memcpy(p + 9, &channel_id, 2);
  std::memcpy(p + 11, &sequence, 4);
  std::memcpy(p + 15, &log_time, 8);
  std::memcpy(p + 23, &publish_time, 8);
  if (!data.empty()) std::memcpy(p + 31, data.data(), data.size());
}

void append_message_index(std::uint16_t channel_id, std::span<const MessageIndexEntry> entries,
                          std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kMessageIndex, 2 + 4 + 16 * entries.size(), out);
  append_u16(channel_id, out);
  append_u32(static_cast<std::uint32_t>(16 * entries.size()), out);
  for (const MessageIndexEntry& e : entries) {
    append_u64(e.log_time, out);
    append_u64(e.offset, out);
  }
}

void append_chunk_index(const ChunkIndex& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kChunkIndex,
                8 * 4 + 4 + 10 * record.message_index_offsets.size() + 8 +
                    string_size(record.compression) + 16,
                out);
  append_u64(record.message_start_time, out);
  append_u64(record.message_end_time, out);
  append_u64(record.chunk_start_offset, out);
  append_u64(record.chunk_length, out);
  append_u16_u64_map(record.message_index_offsets, out);
  append_u64(record.message_index_length, out);
  append_string(record.compression, out);
  append_u64(record.compressed_size, out);
  append_u64(record.uncompressed_size, out);
}

void append_attachment_index(const AttachmentIndex& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kAttachmentIndex,
                8 * 5 + string_size(record.name) + string_size(record.media_type), out);
  append_u64(record.offset, out);
  append_u64(record.length, out);
  append_u64(record.log_time, out);
  append_u64(record.create_time, out);
  append_u64(record.data_size, out);
  append_string(record.name, out);
  append_string(record.media_type, out);
}

void append_statistics(const Statistics& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kStatistics,
                8 + 2 + 4 * 4 + 8 + 8 + 4 + 10 * record.channel_message_counts.size(), out);
  append_u64(record.message_count, out);
  append_u16(record.schema_count, out);
  append_u32(record.channel_count, out);
  append_u32(record.attachment_count, out);
  append_u32(record.metadata_count, out);
  append_u32(record.chunk_count, out);
  append_u64(record.message_start_time, out);
  append_u64(record.message_end_time, out);
  append_u16_u64_map(record.channel_message_counts, out);
}

void append_metadata(const Metadata& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kMetadata, string_size(record.name) + string_map_size(record.metadata),
                out);
  append_string(record.name, out);
  append_string_map(record.metadata, out);
}

void append_metadata_index(const MetadataIndex& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kMetadataIndex, 16 + string_size(record.name), out);
  append_u64(record.offset, out);
  append_u64(record.length, out);
  append_string(record.name, out);
}

void append_summary_offset(const SummaryOffset& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kSummaryOffset, 17, out);
  append_u8(record.group_opcode, out);
  append_u64(record.group_start, out);
  append_u64(record.group_length, out);
}

void append_data_end(const DataEnd& record, std::vector<std::uint8_t>& out) {
  append_prefix(Opcode::kDataEnd, 4, out);
  append_u32(record.data_section_crc, out);
}

}  // namespace parity::mcap
