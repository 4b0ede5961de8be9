#include "parity/formats/mcap/mcap_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "parity/io/crc32.h"

namespace parity::mcap {

namespace {

Status validate(const McapWriterOptions& options) {
  if (options.compression == Codec::kBz2) {
    return invalid_argument("MCAP chunks support compression none, zstd or lz4, not bz2");
  }
  if (options.chunk_size == 0) return invalid_argument("MCAP writer: chunk_size must be > 0");
  return {};
}

}  // namespace

std::string default_library() {
  return std::string("parity ") + PARITY_VERSION_STRING;
}

Result<std::unique_ptr<McapWriter>> McapWriter::create(const std::filesystem::path& path,
                                                       McapWriterOptions options) {
  PARITY_RETURN_IF_ERROR(validate(options));
  PARITY_ASSIGN_OR_RETURN(auto sink, create_file_sink(path));
  std::unique_ptr<McapWriter> writer(new McapWriter(std::move(sink), std::move(options)));
  PARITY_RETURN_IF_ERROR(writer->start());
  return writer;
}

Result<std::unique_ptr<McapWriter>> McapWriter::create_in_memory(std::vector<std::uint8_t>& out,
                                                                 McapWriterOptions options) {
  PARITY_RETURN_IF_ERROR(validate(options));
  std::unique_ptr<McapWriter> writer(new McapWriter(memory_sink(out), std::move(options)));
  PARITY_RETURN_IF_ERROR(writer->start());
  return writer;
}

McapWriter::McapWriter(std::unique_ptr<ByteSink> sink, McapWriterOptions options)
    : sink_(std::move(sink)), options_(std::move(options)) {
  if (options_.library.empty()) options_.library = default_library();
  switch (options_.compression) {
    case Codec::kZstd: compression_name_ = "zstd"; break;
    case Codec::kLz4: compression_name_ = "lz4"; break;
    default: compression_name_ = ""; break;
  }
  if (options_.chunked) chunk_.reserve(options_.chunk_size + (64 << 10));
}

McapWriter::~McapWriter() = default;

Status McapWriter::start() {
  PARITY_RETURN_IF_ERROR(write_raw(kMagic));
  scratch_.clear();
  append_header({options_.profile, options_.library}, scratch_);
  return write_raw(scratch_);
}

Status McapWriter::check_open() const {
  if (closed_) return failed_precondition("MCAP writer: already closed");
  return {};
}

Status McapWriter::write_raw(std::span<const std::uint8_t> bytes) {
  PARITY_RETURN_IF_ERROR(sink_->write(bytes));
  offset_ += bytes.size();
  if (options_.write_crcs) {
    if (in_data_section_) data_crc_ = crc32_update(data_crc_, bytes);
    if (in_summary_) summary_crc_ = crc32_update(summary_crc_, bytes);
  }
  return {};
}

Result<std::uint16_t> McapWriter::add_schema(std::string_view name, std::string_view encoding,
                                             std::span<const std::uint8_t> data) {
  PARITY_RETURN_IF_ERROR(check_open());
  if (schema_records_.size() >= 65535) return invalid_argument("MCAP writer: too many schemas");
  const auto id = static_cast<std::uint16_t>(schema_records_.size() + 1);
  std::vector<std::uint8_t> record;
  append_schema(id, name, encoding, data, record);
  if (options_.chunked) {
    chunk_.insert(chunk_.end(), record.begin(), record.end());
  } else {
    PARITY_RETURN_IF_ERROR(write_raw(record));
  }
  schema_records_.push_back(std::move(record));
  return id;
}

Result<std::uint16_t> McapWriter::add_channel(std::uint16_t schema_id, std::string_view topic,
                                              std::string_view message_encoding,
                                              const StringMap& metadata) {
  PARITY_RETURN_IF_ERROR(check_open());
  if (schema_id > schema_records_.size()) {
    return invalid_argument(fmt::format("MCAP writer: unknown schema id {} (have {})", schema_id,
                                        schema_records_.size()));
  }
  if (channel_records_.size() >= 65535) return invalid_argument("MCAP writer: too many channels");
  const auto id = static_cast<std::uint16_t>(channel_records_.size() + 1);
  std::vector<std::uint8_t> record;
  append_channel({id, schema_id, std::string(topic), std::string(message_encoding), metadata},
                 record);
  if (options_.chunked) {
    chunk_.insert(chunk_.end(), record.begin(), record.end());
  } else {
    PARITY_RETURN_IF_ERROR(write_raw(record));
  }
  channel_records_.push_back(std::move(record));
  chunk_entries_.resize(channel_records_.size() + 1);
  return id;
}

Status McapWriter::write_message(std::uint16_t channel_id, std::uint32_t sequence,
                                 std::uint64_t log_time, std::uint64_t publish_time,
                                 std::span<const std::uint8_t> data) {
  PARITY_RETURN_IF_ERROR(check_open());
  if (channel_id == 0 || channel_id > channel_records_.size()) {
    return invalid_argument(fmt::format("MCAP writer: unknown channel id {} (have {})", channel_id,
                                        channel_records_.size()));
  }
  ++statistics_.message_count;
  ++statistics_.channel_message_counts[channel_id];
  if (!any_message_ || log_time < statistics_.message_start_time) {
    statistics_.message_start_time = log_time;
  }
  if (!any_message_ || log_time > statistics_.message_end_time) {
    statistics_.message_end_time = log_time;
  }
  any_message_ = true;
  if (!options_.chunked) {
    scratch_.clear();
    append_message(channel_id, sequence, log_time, publish_time, data, scratch_);
    return write_raw(scratch_);
  }
  const std::uint64_t offset_in_chunk = chunk_.size();
  append_message(channel_id, sequence, log_time, publish_time, data, chunk_);
  if (!chunk_has_messages_ || log_time < chunk_start_time_) chunk_start_time_ = log_time;
  if (!chunk_has_messages_ || log_time > chunk_end_time_) chunk_end_time_ = log_time;
  chunk_has_messages_ = true;
  if (options_.write_message_indexes) {
    std::vector<MessageIndexEntry>& entries = chunk_entries_[channel_id];
    if (entries.empty()) chunk_channels_.push_back(channel_id);
    entries.push_back({log_time, offset_in_chunk});
  }
  if (chunk_.size() >= options_.chunk_size) return flush_chunk();
  return {};
}

Status McapWriter::flush_chunk() {
  if (!options_.chunked || chunk_.empty()) return {};
  std::span<const std::uint8_t> records = chunk_;
  if (options_.compression != Codec::kNone) {
    PARITY_RETURN_IF_ERROR(compressor_.compress(options_.compression, chunk_, compressed_,
                                                options_.compression_level));
    records = compressed_;
  }
  ChunkIndex index;
  index.message_start_time = chunk_start_time_;
  index.message_end_time = chunk_end_time_;
  index.chunk_start_offset = offset_;
  index.compression = compression_name_;
  index.compressed_size = records.size();
  index.uncompressed_size = chunk_.size();
  // Chunk layout (spec "Chunk"): start, end, uncompressed_size, uncompressed_crc, compression,
  // records (u64-prefixed).
  const std::uint64_t length = 8 + 8 + 8 + 4 + 4 + compression_name_.size() + 8 + records.size();
  scratch_.clear();
  append_u8(static_cast<std::uint8_t>(Opcode::kChunk), scratch_);
  append_u64(length, scratch_);
  append_u64(chunk_start_time_, scratch_);
  append_u64(chunk_end_time_, scratch_);
  append_u64(chunk_.size(), scratch_);
  append_u32(options_.write_crcs ? crc32(chunk_) : 0, scratch_);
  append_string(compression_name_, scratch_);
  append_u64(records.size(), scratch_);
  PARITY_RETURN_IF_ERROR(write_raw(scratch_));
  PARITY_RETURN_IF_ERROR(write_raw(records));
  index.chunk_length = kRecordPrefixSize + length;

  const std::uint64_t indexes_start = offset_;
  std::sort(chunk_channels_.begin(), chunk_channels_.end());
  for (std::uint16_t channel : chunk_channels_) {
    index.message_index_offsets[channel] = offset_;
    scratch_.clear();
    append_message_index(channel, chunk_entries_[channel], scratch_);
    PARITY_RETURN_IF_ERROR(write_raw(scratch_));
    chunk_entries_[channel].clear();
  }
  index.message_index_length = offset_ - indexes_start;
  chunk_channels_.clear();
  chunk_indexes_.push_back(std::move(index));
  ++statistics_.chunk_count;
  chunk_.clear();
  chunk_has_messages_ = false;
  chunk_start_time_ = 0;
  chunk_end_time_ = 0;
  return {};
}

Status McapWriter::write_metadata(std::string_view name, const StringMap& entries) {
  PARITY_RETURN_IF_ERROR(check_open());
  scratch_.clear();
  append_metadata({std::string(name), entries}, scratch_);
  metadata_indexes_.push_back({offset_, scratch_.size(), std::string(name)});
  ++statistics_.metadata_count;
  return write_raw(scratch_);
}

Status McapWriter::write_attachment(std::string_view name, std::string_view media_type,
                                    std::uint64_t log_time, std::uint64_t create_time,
                                    std::span<const std::uint8_t> data) {
  PARITY_RETURN_IF_ERROR(check_open());
  // Attachment layout (spec "Attachment"): log_time, create_time, name, media_type, data
  // (u64-prefixed), crc of all preceding content bytes.
  const std::uint64_t length =
      8 + 8 + 4 + name.size() + 4 + media_type.size() + 8 + data.size() + 4;
  AttachmentIndex index{
      offset_,           kRecordPrefixSize + length, log_time, create_time, data.size(),
      std::string(name), std::string(media_type)};
  scratch_.clear();
  append_u8(static_cast<std::uint8_t>(Opcode::kAttachment), scratch_);
  append_u64(length, scratch_);
  append_u64(log_time, scratch_);
  append_u64(create_time, scratch_);
  append_string(name, scratch_);
  append_string(media_type, scratch_);
  append_u64(data.size(), scratch_);
  std::uint32_t crc = 0;
  if (options_.write_crcs) {
    crc = crc32_update(crc32(std::span<const std::uint8_t>(scratch_).subspan(kRecordPrefixSize)),
                       data);
  }
  PARITY_RETURN_IF_ERROR(write_raw(scratch_));
  PARITY_RETURN_IF_ERROR(write_raw(data));
  scratch_.clear();
  append_u32(crc, scratch_);
  PARITY_RETURN_IF_ERROR(write_raw(scratch_));
  attachment_indexes_.push_back(std::move(index));
  ++statistics_.attachment_count;
  return {};
}

Status McapWriter::close() {
  PARITY_RETURN_IF_ERROR(check_open());
  closed_ = true;
  PARITY_RETURN_IF_ERROR(flush_chunk());
  in_data_section_ = false;
  scratch_.clear();
  append_data_end({options_.write_crcs ? data_crc_ : 0u}, scratch_);
  PARITY_RETURN_IF_ERROR(write_raw(scratch_));

  Footer footer;
  if (options_.write_summary) {
    footer.summary_start = offset_;
    in_summary_ = true;
    std::vector<SummaryOffset> offsets;
    // Writes one group of same-opcode records and remembers its SummaryOffset.
    auto group = [&](Opcode opcode) -> Status {
      if (scratch_.empty()) return {};
      offsets.push_back({static_cast<std::uint8_t>(opcode), offset_, scratch_.size()});
      return write_raw(scratch_);
    };
    scratch_.clear();
    for (const auto& record : schema_records_) {
      scratch_.insert(scratch_.end(), record.begin(), record.end());
    }
    PARITY_RETURN_IF_ERROR(group(Opcode::kSchema));
    scratch_.clear();
    for (const auto& record : channel_records_) {
      scratch_.insert(scratch_.end(), record.begin(), record.end());
    }
    PARITY_RETURN_IF_ERROR(group(Opcode::kChannel));
    statistics_.schema_count = static_cast<std::uint16_t>(schema_records_.size());
    statistics_.channel_count = static_cast<std::uint32_t>(channel_records_.size());
    scratch_.clear();
    append_statistics(statistics_, scratch_);
    PARITY_RETURN_IF_ERROR(group(Opcode::kStatistics));
    scratch_.clear();
    for (const ChunkIndex& index : chunk_indexes_) append_chunk_index(index, scratch_);
    PARITY_RETURN_IF_ERROR(group(Opcode::kChunkIndex));
    scratch_.clear();
    for (const auto& index : attachment_indexes_) append_attachment_index(index, scratch_);
    PARITY_RETURN_IF_ERROR(group(Opcode::kAttachmentIndex));
    scratch_.clear();
    for (const auto& index : metadata_indexes_) append_metadata_index(index, scratch_);
    PARITY_RETURN_IF_ERROR(group(Opcode::kMetadataIndex));
    footer.summary_offset_start = offset_;
    scratch_.clear();
    for (const SummaryOffset& o : offsets) append_summary_offset(o, scratch_);
    PARITY_RETURN_IF_ERROR(write_raw(scratch_));
  }
  // The summary CRC runs through the footer's summary_offset_start field (spec "Footer").
  scratch_.clear();
  append_footer(footer, scratch_);
  if (options_.write_summary && options_.write_crcs) {
    const std::uint32_t crc = crc32_update(
        summary_crc_, std::span<const std::uint8_t>(scratch_).first(kRecordPrefixSize + 16));
    std::memcpy(scratch_.data() + kRecordPrefixSize + 16, &crc, 4);
  }
  in_summary_ = false;
  PARITY_RETURN_IF_ERROR(write_raw(scratch_));
  PARITY_RETURN_IF_ERROR(write_raw(kMagic));
  return sink_->finish();
}

}  // namespace parity::mcap
