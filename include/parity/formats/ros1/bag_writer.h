// BagWriter: writes ROS bag v2.0 files the way rosbag does (ROS wiki "Bags/Format/2.0"):
// the magic, a 4096-byte bag header record, chunks holding the connection records (each the
// first time its connection is used in the bag) and the message data records, the index data
// records after each chunk, then at index_pos every connection record and one chunk info record
// per chunk. Used by tests, fuzz seeds and benchmarks to build bags of known content; messages
// must already be serialized in the ROS 1 wire format.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"
#include "parity/io/codecs.h"

namespace parity::ros1 {

struct BagWriterOptions {
  Codec compression = Codec::kNone;  // kNone, kLz4 (LZ4 frame) or kBz2
  // A chunk is closed once its uncompressed records reach this many bytes (rosbag: 768 KiB).
  std::uint64_t chunk_threshold = 768 * 1024;
  // false: leave index_pos 0 and write no index section, like a bag whose recorder stopped.
  bool write_index = true;
};

struct BagConnection {
  std::string topic;
  std::string type;  // "pkg/Type"
  std::string md5sum;
  std::string message_definition;
  std::string callerid;  // "" = no callerid field
  bool latching = false;
};

class BagWriter {
 public:
  // A writer that keeps the bag in memory (see bytes()).
  static std::unique_ptr<BagWriter> to_memory(BagWriterOptions options = {});
  // A writer to a new (or truncated) file. Errors: kIoError naming the path.
  static Result<std::unique_ptr<BagWriter>> to_file(const std::filesystem::path& path,
                                                    BagWriterOptions options = {});
  ~BagWriter();
  BagWriter(const BagWriter&) = delete;
  BagWriter& operator=(const BagWriter&) = delete;

  // Registers a connection; returns its id (0, 1, ... in call order).
  std::uint32_t add_connection(const BagConnection& connection);

  // Appends one message. Preconditions: `conn` came from add_connection(), time_ns >= 0 and
  // below 2^32 s. Errors: kIoError, kInternal (compression failed).
  Status write(std::uint32_t conn, std::int64_t time_ns, std::span<const std::uint8_t> data);

  // Closes the last chunk, writes the index (if enabled) and the final bag header. Further
  // writes are programmer errors. Errors: kIoError, kInternal.
  Status close();

  // The bag written so far (memory writers; complete after close()).
  const std::vector<std::uint8_t>& bytes() const { return memory_; }

  // File offsets of every top-level record written, in order (bag header, chunks, index data,
  // connections, chunk infos): the record boundaries corruption tests cut at.
  const std::vector<std::uint64_t>& record_offsets() const { return record_offsets_; }

 private:
  BagWriter(BagWriterOptions options, std::FILE* file);

  struct IndexEntry {
    std::uint64_t time = 0;  // packed sec | nsec << 32
    std::uint32_t offset = 0;
  };
  struct ChunkInfo {
    std::uint64_t pos = 0;
    std::uint64_t start = 0, end = 0;  // packed times
    std::vector<std::pair<std::uint32_t, std::uint32_t>> counts;
  };

  Status emit(std::span<const std::uint8_t> bytes);
  Status flush_chunk();

  BagWriterOptions options_;
  std::FILE* file_ = nullptr;
  std::vector<std::uint8_t> memory_;
  std::uint64_t position_ = 0;
  bool closed_ = false;
  std::vector<BagConnection> connections_;
  std::vector<bool> connection_written_;
  std::vector<std::uint8_t> chunk_;                   // uncompressed records of the open chunk
  std::vector<std::vector<IndexEntry>> chunk_index_;  // per connection, for the open chunk
  std::uint64_t chunk_start_ = 0, chunk_end_ = 0;
  bool chunk_has_messages_ = false;
  std::vector<ChunkInfo> chunk_infos_;
  std::vector<std::uint64_t> record_offsets_;
  std::vector<std::uint8_t> scratch_;
  Compressor compressor_;
};

// Appends one record (header fields in the given order, then the data) to `out`; the
// building block of the writer, exposed for tests that forge damaged records.
struct HeaderField {
  std::string name;
  std::vector<std::uint8_t> value;
};
void append_record(std::vector<std::uint8_t>& out, const std::vector<HeaderField>& header,
                   std::span<const std::uint8_t> data);
HeaderField header_u32(std::string name, std::uint32_t value);
HeaderField header_u64(std::string name, std::uint64_t value);
HeaderField header_string(std::string name, std::string_view value);
HeaderField header_op(std::uint8_t op);

}  // namespace parity::ros1
