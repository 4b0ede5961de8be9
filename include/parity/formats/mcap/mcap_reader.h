// Low-level MCAP reader: byte source -> records -> typed records -> messages.
//
// McapReader::open() reads the Header and then builds an McapSummary, either from the
// summary section (fast path: Footer -> summary records, never touching the data section
// except a few MessageIndex and Metadata records) or, when the file has no usable summary, by
// one sequential scan of the data section. The summary is exact either way: counts, time
// ranges (per channel too), metadata, attachments, chunk counts.
//
// Per-channel start/end times are not in the MCAP Statistics record. The fast path derives
// them exactly from MessageIndex records: for each channel it reads the index of the chunk(s)
// that can hold its first and last message (chunks sorted by start/end time and pruned by the
// best time found so far), usually two small reads per channel. When any chunk lacks message
// indexes the reader falls back to the scan.
//
// Damage policy (every case is reported to the DiagnosticSink, nothing is skipped silently):
//  - bad leading magic or an unreadable Header: open() fails (kCorrupt / kTruncated);
//  - damaged footer or summary (bad CRC, bad lengths, inconsistent counts): a warning, then
//    the sequential scan;
//  - a chunk whose CRC, size or decompression fails: an error diagnostic naming file, offset,
//    expected and computed values; its messages are skipped (by the open scan and by every
//    read), the rest of the file is still delivered;
//  - a record that does not parse (bad field lengths) but whose framing is intact: an error
//    diagnostic, the record is skipped;
//  - a truncated file (a record runs past the end): a warning with the offset where reading
//    stopped and why; every complete record before it is recovered. An uncompressed chunk cut
//    short still yields its complete inner records.
//
// Memory: records are read through a 4 MiB window of the ByteSource (pread in large blocks);
// one chunk at a time is decompressed into a reusable buffer (file order). Attachment data is
// never held (only streamed through the CRC). Log-time-ordered reads hold every chunk whose
// time range overlaps the message being delivered (see McapReadOptions).
//
// Thread-safety: none; use one reader per thread (a ByteSource may be shared).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/mcap/mcap_records.h"
#include "parity/io/byte_source.h"
#include "parity/io/codecs.h"

namespace parity::mcap {

struct McapReaderOptions {
  bool force_scan = false;  // ignore the summary section and scan the data section
  bool verify_crcs = true;  // check chunk, attachment, data-section and summary CRCs
};

struct ChannelStats {
  std::uint64_t message_count = 0;
  std::uint64_t start_time = 0;  // log time of the first message (ns); 0 when count == 0
  std::uint64_t end_time = 0;    // log time of the last message (ns); 0 when count == 0
};

struct AttachmentInfo {
  std::uint64_t offset = 0;  // file offset of the Attachment record
  std::uint64_t length = 0;  // whole record, prefix included
  std::uint64_t log_time = 0;
  std::uint64_t create_time = 0;
  std::string name;
  std::string media_type;
  std::uint64_t data_size = 0;
};

// Everything McapReader::open() learns about a file. Exact; see the file comment.
struct McapSummary {
  Header header;
  std::map<std::uint16_t, Schema> schemas;              // by id (id 0 never appears)
  std::map<std::uint16_t, Channel> channels;            // by id
  std::map<std::uint16_t, ChannelStats> channel_stats;  // every channel in `channels`
  Statistics statistics;  // totals; channel_message_counts lists channels with messages
  std::vector<ChunkIndex> chunk_indexes;                          // fast path only, in file order
  std::map<std::string, std::uint64_t> chunk_compression_counts;  // "" = uncompressed
  std::vector<Metadata> metadata;           // every Metadata record, in file order
  std::vector<AttachmentInfo> attachments;  // every Attachment, in file order
  bool indexed = false;                     // true when built from the summary section (fast path)
};

// A record as seen by McapReader::for_each_record. `record` views (Message data, Chunk
// records, UnknownRecord content) are valid only during the callback.
struct RecordView {
  std::uint8_t opcode = 0;
  std::uint64_t offset = 0;  // of the opcode byte: in the file for top-level records, within
                             // the uncompressed chunk records for records inside a chunk
  std::uint64_t length = 0;  // content length
  std::optional<std::uint64_t> chunk_offset;  // file offset of the enclosing Chunk, if any
  const Record* record = nullptr;
};

struct RecordStreamOptions {
  bool expand_chunks = true;  // after each Chunk record, visit the records inside it
  bool stop_at_data_end = false;
};

using RecordCallback = std::function<Status(const RecordView&)>;

// One message from McapReader. `message.data` is valid until the next cursor call (or until
// the read_messages callback returns).
struct McapMessageView {
  const Channel* channel = nullptr;  // never null
  const Schema* schema = nullptr;    // null when the channel has no schema
  Message message;
  std::uint64_t record_offset = 0;  // file offset of the Message record, or of its Chunk
};

struct McapReadOptions {
  std::vector<std::uint16_t> channel_ids;   // empty = every channel
  std::optional<std::uint64_t> start_time;  // inclusive log-time bound (ns)
  std::optional<std::uint64_t> end_time;    // exclusive log-time bound (ns)
  std::optional<std::uint64_t> limit;       // stop after this many messages
  // false: file order, one chunk in memory at a time. true: log-time order (ties keep file
  // order) by merging chunks on their start times; memory holds every decompressed chunk
  // whose time range overlaps the current message plus 24 bytes per message of those chunks.
  // Without a chunk index, a first pass over the record headers lists chunks and loose
  // messages (about 40 bytes each).
  bool log_time_order = false;
};

class McapReader;

// Pull-style message iterator. Obtain with McapReader::messages(); must not outlive the reader.
class McapMessageCursor {
 public:
  virtual ~McapMessageCursor() = default;
  // Fills `out` and returns true, or returns false at the end. Errors stop the iteration
  // (I/O failures); damage is reported to the diagnostics sink and skipped.
  virtual Result<bool> next(McapMessageView& out) = 0;
  // File bytes read or skipped so far (for progress reporting).
  virtual std::uint64_t bytes_consumed() const = 0;
};

class McapReader {
 public:
  // Opens `source` (which must outlive the reader, as must `diagnostics`). Errors: kTruncated
  // (empty or shorter than the magic and Header), kCorrupt (bad magic, no Header record),
  // kIoError; messages name the source and the offset.
  static Result<std::unique_ptr<McapReader>> open(const ByteSource& source,
                                                  DiagnosticSink& diagnostics,
                                                  McapReaderOptions options = {});
  ~McapReader();
  McapReader(const McapReader&) = delete;
  McapReader& operator=(const McapReader&) = delete;

  const McapSummary& summary() const { return summary_; }
  const ByteSource& source() const { return source_; }

  // Visits every record from the Header to the Footer in file order (summary included), with
  // chunk contents after their Chunk record when `expand_chunks`. Stops early when the callback
  // returns an error (which is returned). Damage is handled as described in the file comment.
  Status for_each_record(const RecordCallback& visit, RecordStreamOptions options = {});

  // Message iteration; see McapReadOptions.
  Result<std::unique_ptr<McapMessageCursor>> messages(const McapReadOptions& options);

  // Streams messages to `on_message`; a non-ok Status from the callback stops reading and is
  // returned.
  Status read_messages(const McapReadOptions& options,
                       const std::function<Status(const McapMessageView&)>& on_message);

  // Implementation state shared with the cursors (opaque).
  struct Impl;

 private:
  McapReader(const ByteSource& source, DiagnosticSink& diagnostics, McapReaderOptions options);

  const ByteSource& source_;
  McapSummary summary_;
  std::unique_ptr<Impl> impl_;
};

// True when `bytes` starts with the MCAP magic.
bool has_mcap_magic(std::span<const std::uint8_t> bytes);

}  // namespace parity::mcap
