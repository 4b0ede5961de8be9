// MCAP writer: Header, Schema/Channel/Message records (chunked with none / zstd / lz4, or
// unchunked), a MessageIndex per channel after every chunk, Metadata and Attachment records,
// DataEnd with the data section CRC, and a summary section (Schemas, Channels, Statistics with
// per-channel counts, ChunkIndexes, AttachmentIndexes, MetadataIndexes, SummaryOffsets) closed
// by a Footer with the summary CRC (MCAP spec, foxglove/mcap website/docs/spec/index.md).
//
// Messages are appended to one reusable chunk buffer (no per-message allocation); a chunk is
// compressed and written once its uncompressed records reach `chunk_size`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/mcap/mcap_records.h"
#include "parity/io/byte_sink.h"
#include "parity/io/codecs.h"

namespace parity::mcap {

struct McapWriterOptions {
  std::string profile;                 // Header profile, e.g. "ros2"; "" = none
  std::string library;                 // Header library; "" = "parity <version>"
  Codec compression = Codec::kZstd;    // kNone, kZstd or kLz4 (kBz2 is rejected)
  int compression_level = 0;           // 0 = the codec's default
  bool chunked = true;                 // false: Schema/Channel/Message records at top level
  std::uint64_t chunk_size = 1 << 20;  // target uncompressed bytes per chunk
  bool write_message_indexes = true;   // chunked files only
  bool write_summary = true;           // false: Footer with summary_start = 0 (no summary section)
  bool write_crcs = true;              // false: every CRC field is 0 ("not available")
};

// The library string written by default: "parity <version>".
std::string default_library();

class McapWriter {
 public:
  // Creates (truncates) `path`. Errors: kInvalidArgument (bad options), kIoError.
  static Result<std::unique_ptr<McapWriter>> create(const std::filesystem::path& path,
                                                    McapWriterOptions options = {});
  // Appends the file's bytes to `out` as they are written; `out` must outlive the writer and
  // holds a complete file after close(). Errors: kInvalidArgument (bad options).
  static Result<std::unique_ptr<McapWriter>> create_in_memory(std::vector<std::uint8_t>& out,
                                                              McapWriterOptions options = {});
  // Destroying a writer without close() leaves the output as written so far (no summary,
  // no footer), as after a crash.
  ~McapWriter();
  McapWriter(const McapWriter&) = delete;
  McapWriter& operator=(const McapWriter&) = delete;

  // Returns the new schema id (1, 2, ...). Errors: kFailedPrecondition after close(),
  // kInvalidArgument when the 65535 ids are used up.
  Result<std::uint16_t> add_schema(std::string_view name, std::string_view encoding,
                                   std::span<const std::uint8_t> data);
  // Returns the new channel id (1, 2, ...). `schema_id` 0 = no schema. Errors:
  // kInvalidArgument (unknown schema id, ids used up), kFailedPrecondition after close().
  Result<std::uint16_t> add_channel(std::uint16_t schema_id, std::string_view topic,
                                    std::string_view message_encoding,
                                    const StringMap& metadata = {});
  // Times are nanoseconds. Errors: kInvalidArgument (unknown channel), kIoError,
  // kFailedPrecondition after close().
  Status write_message(std::uint16_t channel_id, std::uint32_t sequence, std::uint64_t log_time,
                       std::uint64_t publish_time, std::span<const std::uint8_t> data);
  Status write_metadata(std::string_view name, const StringMap& entries);
  Status write_attachment(std::string_view name, std::string_view media_type,
                          std::uint64_t log_time, std::uint64_t create_time,
                          std::span<const std::uint8_t> data);

  // Flushes the open chunk and writes DataEnd, the summary, the Footer and the magic.
  // Errors: kIoError, kFailedPrecondition when already closed.
  Status close();

  std::uint64_t bytes_written() const { return offset_; }

 private:
  McapWriter(std::unique_ptr<ByteSink> sink, McapWriterOptions options);
  Status start();
  Status write_raw(std::span<const std::uint8_t> bytes);
  Status flush_chunk();
  Status check_open() const;

  std::unique_ptr<ByteSink> sink_;  // where bytes go (file or memory)
  McapWriterOptions options_;
  std::string compression_name_;
  bool closed_ = false;
  bool in_data_section_ = true;
  bool in_summary_ = false;
  std::uint64_t offset_ = 0;
  std::uint32_t data_crc_ = 0;
  std::uint32_t summary_crc_ = 0;

  std::vector<std::vector<std::uint8_t>> schema_records_;  // serialized, index = id - 1
  std::vector<std::vector<std::uint8_t>> channel_records_;
  Statistics statistics_;
  bool any_message_ = false;
  std::vector<ChunkIndex> chunk_indexes_;
  std::vector<AttachmentIndex> attachment_indexes_;
  std::vector<MetadataIndex> metadata_indexes_;

  // Open chunk.
  std::vector<std::uint8_t> chunk_;
  std::uint64_t chunk_start_time_ = 0;
  std::uint64_t chunk_end_time_ = 0;
  bool chunk_has_messages_ = false;
  std::vector<std::vector<MessageIndexEntry>> chunk_entries_;  // by channel id
  std::vector<std::uint16_t> chunk_channels_;  // channels with entries in the open chunk

  Compressor compressor_;
  std::vector<std::uint8_t> compressed_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace parity::mcap
