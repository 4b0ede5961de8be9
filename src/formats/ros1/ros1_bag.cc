// ROS bag v2.0 reader: index fast path, sequential-scan fallback, file-order and log-time-order
// reading. Contract and damage policy in parity/formats/ros1/ros1_bag.h; record layout in
// bag_records.h.
#include "parity/formats/ros1/ros1_bag.h"

#include <bzlib.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <tuple>
#include <unordered_map>

#include "formats/ros1/bag_records.h"
#include "parity/io/codecs.h"

namespace parity::ros1 {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kWindowSize = std::uint64_t{1} << 20;
constexpr std::uint32_t kNoStream = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kIndexEntrySize = 12;     // time:u64 + offset:u32
constexpr std::uint64_t kChunkInfoEntrySize = 8;  // conn:u32 + count:u32

// Positioned reads through a cached window (records are small and mostly sequential).
class Window {
 public:
  explicit Window(const ByteSource& source) : source_(source), size_(source.size()) {}

  std::uint64_t size() const { return size_; }

  // A view of [offset, offset + length), valid until the next call. Errors: kTruncated when the
  // range runs past the end of the file, kIoError.
  Result<std::span<const std::uint8_t>> view(std::uint64_t offset, std::uint64_t length) {
    if (offset > size_ || length > size_ - offset) {
      return truncated(fmt::format("{} bytes needed at offset {}, the file has {} bytes", length,
                                   offset, size_));
    }
    if (offset < start_ || offset + length > start_ + buffer_.size()) {
      const std::uint64_t n = std::min(std::max(length, kWindowSize), size_ - offset);
      buffer_.resize(static_cast<std::size_t>(n));
      start_ = offset;
      Status status = source_.read_at(offset, buffer_);
      if (!status.ok()) {
        buffer_.clear();
        return status;
      }
    }
    return std::span<const std::uint8_t>(buffer_.data() + (offset - start_),
                                         static_cast<std::size_t>(length));
  }

 private:
  const ByteSource& source_;
  std::uint64_t size_;
  std::uint64_t start_ = 0;
  std::vector<std::uint8_t> buffer_;
};

// A top-level record's framing. The data may run past the end of the file (data_truncated).
struct TopFrame {
  std::uint64_t offset = 0;
  std::uint64_t header_offset = 0;
  std::uint32_t header_len = 0;
  std::uint64_t data_offset = 0;
  std::uint32_t data_len = 0;
  std::uint64_t end = 0;             // data_offset + data_len (may exceed the file size)
  bool data_truncated = false;       // the data runs past the end of the file
  std::uint64_t data_available = 0;  // data bytes inside the file
};

// Errors (kTruncated, message without the offset): the lengths or the header run past the end.
Result<TopFrame> read_frame(Window& window, std::uint64_t offset) {
  const std::uint64_t size = window.size();
  if (offset > size || size - offset < 4) {
    return truncated(
        fmt::format("{} bytes left, a record needs at least 8", offset > size ? 0 : size - offset));
  }
  TopFrame frame;
  frame.offset = offset;
  PARITY_ASSIGN_OR_RETURN(auto len_bytes, window.view(offset, 4));
  frame.header_len = load_u32(len_bytes.data());
  frame.header_offset = offset + 4;
  const std::uint64_t left = size - frame.header_offset;
  if (frame.header_len > left || left - frame.header_len < 4) {
    return truncated(
        fmt::format("record header of {} bytes and its data length run past the end of the "
                    "file ({} bytes left)",
                    frame.header_len, left));
  }
  PARITY_ASSIGN_OR_RETURN(auto data_len_bytes,
                          window.view(frame.header_offset + frame.header_len, 4));
  frame.data_len = load_u32(data_len_bytes.data());
  frame.data_offset = frame.header_offset + frame.header_len + 4;
  frame.end = frame.data_offset + frame.data_len;
  frame.data_available = std::min<std::uint64_t>(frame.data_len, size - frame.data_offset);
  frame.data_truncated = frame.data_available < frame.data_len;
  return frame;
}

struct Connection {
  std::uint32_t id = 0;
  std::uint64_t offset = 0;  // of the first connection record seen
  std::string topic, type, md5sum, definition, callerid;
  bool has_callerid = false;
  bool has_latching = false;
  bool latching = false;

  bool same_stream(const Connection& other) const {
    return topic == other.topic && type == other.type && md5sum == other.md5sum;
  }
};

// Builds a Connection from a parsed record header and the record's data (the connection
// header). Errors (kCorrupt): missing conn / type / md5sum, a malformed connection header.
Result<Connection> parse_connection(std::uint32_t id, std::string_view record_topic,
                                    std::span<const std::uint8_t> data) {
  Connection conn;
  conn.id = id;
  conn.topic = std::string(record_topic);
  bool has_type = false, has_md5 = false;
  Status status =
      for_each_field(data, [&](std::string_view name, std::span<const std::uint8_t> value) {
        const std::string text(reinterpret_cast<const char*>(value.data()), value.size());
        if (name == "topic") {
          conn.topic = text;
        } else if (name == "type") {
          conn.type = text;
          has_type = true;
        } else if (name == "md5sum") {
          conn.md5sum = text;
          has_md5 = true;
        } else if (name == "message_definition") {
          conn.definition = text;
        } else if (name == "callerid") {
          conn.callerid = text;
          conn.has_callerid = true;
        } else if (name == "latching") {
          conn.has_latching = true;
          conn.latching = text == "1";
        }
      });
  if (!status.ok()) return status.with_context(fmt::format("connection {}: connection header", id));
  if (!has_type)
    return corrupt(fmt::format("connection {}: no 'type' in its connection header", id));
  if (!has_md5) {
    return corrupt(fmt::format("connection {}: no 'md5sum' in its connection header", id));
  }
  return conn;
}

struct ConnCount {
  std::uint32_t conn = 0;
  std::uint64_t count = 0;
};

struct Chunk {
  std::uint64_t offset = 0;  // of the chunk record
  std::uint64_t data_offset = 0;
  std::uint64_t data_len = 0;    // compressed bytes present in the file
  std::uint64_t record_end = 0;  // where the next record (its index data) starts
  Codec codec = Codec::kNone;
  std::string compression;  // as declared: "none", "bz2", "lz4"
  std::uint64_t size = 0;   // declared uncompressed size
  bool has_size = false;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::vector<ConnCount> counts;  // by connection id, ascending
  std::uint64_t message_count = 0;
  bool truncated = false;  // an uncompressed chunk cut short by the end of the file
  // Bytes of the uncompressed data holding complete, well-framed records (set by the scan).
  std::uint64_t usable = std::numeric_limits<std::uint64_t>::max();
  bool bad = false;       // does not decompress: skipped
  bool reported = false;  // its damage has been reported
};

struct ConnStats {
  std::uint64_t count = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;

  void add(std::int64_t t) {
    if (count == 0 || t < start_ns) start_ns = t;
    if (count == 0 || t > end_ns) end_ns = t;
    ++count;
  }
  void merge(const ConnStats& o) {
    if (o.count == 0) return;
    if (count == 0 || o.start_ns < start_ns) start_ns = o.start_ns;
    if (count == 0 || o.end_ns > end_ns) end_ns = o.end_ns;
    count += o.count;
  }
};

// Decompresses one bzip2 stream into exactly `size` bytes, growing `out` as output appears (so
// a corrupt size field costs no memory up front). Errors: kCorrupt.
Status bz2_decompress_bounded(std::span<const std::uint8_t> input, std::uint64_t size,
                              std::vector<std::uint8_t>& out) {
  bz_stream stream{};
  if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK) {
    return internal_error("bz2: cannot initialise the decompressor");
  }
  std::uint64_t initial = std::max<std::uint64_t>(std::uint64_t{1} << 20, input.size() * 8);
  out.resize(static_cast<std::size_t>(std::min(size, initial)));
  stream.next_in = const_cast<char*>(reinterpret_cast<const char*>(input.data()));
  std::uint64_t in_left = input.size();
  std::uint64_t produced = 0;
  Status result;
  while (true) {
    const auto in_step = static_cast<unsigned>(std::min<std::uint64_t>(in_left, 1u << 30));
    stream.avail_in = in_step;
    const std::uint64_t room = out.size() - produced;
    const auto out_step = static_cast<unsigned>(std::min<std::uint64_t>(room, 1u << 30));
    stream.next_out = reinterpret_cast<char*>(out.data() + produced);
    stream.avail_out = out_step;
    const int ret = BZ2_bzDecompress(&stream);
    in_left -= in_step - stream.avail_in;
    produced += out_step - stream.avail_out;
    if (ret == BZ_STREAM_END) {
      if (produced != size) {
        result = corrupt(fmt::format("bz2: expected {} bytes, produced {}", size, produced));
      }
      break;
    }
    if (ret != BZ_OK) {
      result = corrupt(
          fmt::format("bz2: corrupt stream (error {}) after {} of {} bytes", ret, produced, size));
      break;
    }
    if (produced == out.size()) {
      if (out.size() == size) {
        result =
            corrupt(fmt::format("bz2: the stream holds more than the expected {} bytes", size));
        break;
      }
      out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size, out.size() * 2)));
    } else if (stream.avail_in == 0 && in_left == 0) {
      result = corrupt(
          fmt::format("bz2: the stream ends after {} of the expected {} bytes", produced, size));
      break;
    }
  }
  BZ2_bzDecompressEnd(&stream);
  return result;
}

// What a chunk walk does with each inner record: 0 = go on, 1 = stop.
enum class Walk : std::uint8_t { kContinue, kStop };

// A message waiting in the log-time merge.
struct Pending {
  std::int64_t time_ns;
  std::uint32_t chunk;  // index into chunks_ (file order): ties keep file order
  std::uint32_t seq;    // position within the chunk
  std::uint32_t slot;   // loaded buffer
  std::uint32_t stream;
  std::uint32_t offset;  // of the message data within the buffer
  std::uint32_t length;
};
struct PendingLater {
  bool operator()(const Pending& a, const Pending& b) const {
    return std::tie(a.time_ns, a.chunk, a.seq) > std::tie(b.time_ns, b.chunk, b.seq);
  }
};

class Ros1Bag final : public Recording {
 public:
  Ros1Bag(std::unique_ptr<ByteSource> source, DiagnosticSink& diagnostics, Ros1BagOptions options)
      : source_(std::move(source)),
        name_(source_->name()),
        window_(*source_),
        diagnostics_(diagnostics),
        options_(options) {}

  Status open();

  const RecordingInfo& info() const override { return info_; }

  Status read_messages(const ReadOptions& options, const MessageCallback& on_message) override;

 private:
  void report(Severity severity, std::optional<std::uint64_t> offset, std::string message) {
    diagnostics_.report({severity, name_, offset, std::move(message)});
  }
  Status error_at(const Status& status, std::uint64_t offset) const {
    return status.with_context(fmt::format("{}: offset {}", name_, offset));
  }

  Status read_index();
  Status read_chunk_index_data(std::size_t chunk,
                               std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>>& out);
  void scan(std::uint64_t start);
  void scan_chunk(const TopFrame& frame, const HeaderFields& header);
  void add_connection(Connection conn);
  Status build_info();

  Status decompress(const Chunk& chunk, std::vector<std::uint8_t>& out);
  bool load_chunk(Chunk& chunk, std::vector<std::uint8_t>& out);

  // Walks the records of a decompressed chunk. on_connection(Connection) and
  // on_message(conn, time_ns, data, offset_in_chunk) -> Walk. Returns the end of the last
  // complete record. Damage is reported when `report`.
  template <typename OnConnection, typename OnMessage>
  std::uint64_t walk_chunk(std::span<const std::uint8_t> bytes, const Chunk& chunk, bool report,
                           OnConnection&& on_connection, OnMessage&& on_message);

  std::uint32_t stream_of(std::uint32_t conn) const {
    if (conn < dense_stream_of_conn_.size()) return dense_stream_of_conn_[conn];
    auto it = sparse_stream_of_conn_.find(conn);
    return it == sparse_stream_of_conn_.end() ? kNoStream : it->second;
  }

  std::unique_ptr<ByteSource> source_;
  std::string name_;
  Window window_;
  DiagnosticSink& diagnostics_;
  Ros1BagOptions options_;
  Decompressor decompressor_;
  std::vector<std::uint8_t> compressed_;  // scratch for compressed chunk bytes
  std::vector<std::uint8_t> chunk_buffer_;

  std::uint64_t header_end_ = 0;  // first byte after the bag header record
  std::uint64_t index_pos_ = 0;
  std::uint32_t conn_count_ = 0;
  std::uint32_t chunk_count_ = 0;
  bool header_fields_ok_ = false;
  bool indexed_ = false;  // the index was used (chunk message counts are known)

  std::map<std::uint32_t, Connection> connections_;
  std::map<std::uint32_t, ConnStats> conn_stats_;
  std::vector<Chunk> chunks_;  // file order
  std::vector<std::uint32_t> dense_stream_of_conn_;
  std::unordered_map<std::uint32_t, std::uint32_t> sparse_stream_of_conn_;
  RecordingInfo info_;
};

Status Ros1Bag::open() {
  const std::uint64_t size = window_.size();
  if (size == 0) return truncated(fmt::format("{}: empty file (0 bytes)", name_));
  if (size < kBagMagicSize) {
    return truncated(
        fmt::format("{}: offset 0: the file has {} bytes, a ROS bag starts with the 13-byte magic "
                    "'#ROSBAG V2.0\\n'",
                    name_, size));
  }
  PARITY_ASSIGN_OR_RETURN(auto magic, window_.view(0, kBagMagicSize));
  const std::string_view text(reinterpret_cast<const char*>(magic.data()), magic.size());
  if (text != kBagMagic) {
    if (text.starts_with("#ROSRECORD V1") || text.starts_with("#ROSBAG V1.")) {
      return unsupported(
          fmt::format("{}: offset 0: ROS bag format 1.2 is not supported (only 2.0)", name_));
    }
    std::string shown;
    for (char c : text) shown += (c >= 0x20 && c < 0x7f) ? c : '.';
    return corrupt(fmt::format("{}: offset 0: expected the magic '#ROSBAG V2.0\\n', found '{}'",
                               name_, shown));
  }

  // The bag header record (op 0x03).
  auto frame = read_frame(window_, kBagMagicSize);
  if (!frame.ok()) return error_at(frame.status().with_context("bag header record"), kBagMagicSize);
  {
    PARITY_ASSIGN_OR_RETURN(auto header_bytes,
                            window_.view(frame->header_offset, frame->header_len));
    HeaderFields header;
    Status status = parse_header(header_bytes, header);
    if (!status.ok()) return error_at(status.with_context("bag header record"), kBagMagicSize);
    if (header.op != static_cast<std::uint8_t>(Op::kBagHeader)) {
      return error_at(corrupt(fmt::format("expected the bag header record (op 0x03), found a {} "
                                          "record",
                                          op_name(header.op))),
                      kBagMagicSize);
    }
    auto index_pos = field_u64(header.index_pos, "index_pos");
    auto conn_count = field_u32(header.conn_count, "conn_count");
    auto chunk_count = field_u32(header.chunk_count, "chunk_count");
    header_fields_ok_ = index_pos.ok() && conn_count.ok() && chunk_count.ok();
    if (header_fields_ok_) {
      index_pos_ = *index_pos;
      conn_count_ = *conn_count;
      chunk_count_ = *chunk_count;
    } else {
      const Status& why = !index_pos.ok()
                              ? index_pos.status()
                              : (!conn_count.ok() ? conn_count.status() : chunk_count.status());
      report(Severity::kWarning, kBagMagicSize,
             fmt::format("bag header: {}; scanning the file", why.message()));
    }
  }
  // The bag header's data is padding; a bag being written may not have it all yet.
  header_end_ = std::min(frame->end, size);

  bool indexed = false;
  if (options_.force_scan) {
    // The caller asked for the scan.
  } else if (!header_fields_ok_) {
    // Reported above.
  } else if (index_pos_ == 0) {
    report(Severity::kWarning, kBagMagicSize,
           "bag header: index_pos is 0 (the bag was not closed: still being recorded, or the "
           "recorder stopped); scanning the file");
  } else if (index_pos_ < header_end_ || index_pos_ > size) {
    report(Severity::kWarning, kBagMagicSize,
           fmt::format("bag header: index_pos {} is outside the records [{}, {}]; scanning the "
                       "file",
                       index_pos_, header_end_, size));
  } else {
    Status status = read_index();
    if (status.ok()) {
      indexed = true;
      indexed_ = true;
    } else {
      report(Severity::kWarning, index_pos_,
             fmt::format("the index is unusable: {}; scanning the file", status.message()));
    }
  }
  if (!indexed) scan(header_end_);
  info_.indexed = indexed;
  return build_info();
}

// Fast path: the connection and chunk info records at index_pos, each chunk's record header, and
// the index data records needed for exact per-connection time ranges.
Status Ros1Bag::read_index() {
  connections_.clear();
  conn_stats_.clear();
  chunks_.clear();
  std::uint64_t pos = index_pos_;
  const auto at = [&](std::uint64_t offset, const Status& status) {
    return status.with_context(fmt::format("offset {}", offset));
  };
  for (std::uint32_t i = 0; i < conn_count_; ++i) {
    auto frame = read_frame(window_, pos);
    if (!frame.ok()) return at(pos, frame.status());
    if (frame->data_truncated) {
      return at(pos, truncated("connection record runs past the end of the file"));
    }
    PARITY_ASSIGN_OR_RETURN(auto header_bytes,
                            window_.view(frame->header_offset, frame->header_len));
    HeaderFields header;
    PARITY_RETURN_IF_ERROR(at(pos, parse_header(header_bytes, header)));
    if (header.op != static_cast<std::uint8_t>(Op::kConnection)) {
      return at(pos, corrupt(fmt::format("expected connection record {} of {}, found a {} record",
                                         i + 1, conn_count_, op_name(header.op))));
    }
    auto id = field_u32(header.conn, "conn");
    if (!id.ok()) return at(pos, id.status());
    const std::string topic(header.topic.text());
    PARITY_ASSIGN_OR_RETURN(auto data, window_.view(frame->data_offset, frame->data_len));
    auto conn = parse_connection(*id, topic, data);
    if (!conn.ok()) return at(pos, conn.status());
    conn->offset = pos;
    if (!connections_.emplace(*id, std::move(*conn)).second) {
      return at(pos, corrupt(fmt::format("connection {} is listed twice", *id)));
    }
    pos = frame->end;
  }
  for (std::uint32_t i = 0; i < chunk_count_; ++i) {
    auto frame = read_frame(window_, pos);
    if (!frame.ok()) return at(pos, frame.status());
    if (frame->data_truncated) {
      return at(pos, truncated("chunk info record runs past the end of the file"));
    }
    PARITY_ASSIGN_OR_RETURN(auto header_bytes,
                            window_.view(frame->header_offset, frame->header_len));
    HeaderFields header;
    PARITY_RETURN_IF_ERROR(at(pos, parse_header(header_bytes, header)));
    if (header.op != static_cast<std::uint8_t>(Op::kChunkInfo)) {
      return at(pos, corrupt(fmt::format("expected chunk info record {} of {}, found a {} record",
                                         i + 1, chunk_count_, op_name(header.op))));
    }
    auto ver = field_u32(header.ver, "ver");
    auto chunk_pos = field_u64(header.chunk_pos, "chunk_pos");
    auto start = field_u64(header.start_time, "start_time");
    auto end = field_u64(header.end_time, "end_time");
    auto count = field_u32(header.count, "count");
    for (const Status& s :
         {ver.status(), chunk_pos.status(), start.status(), end.status(), count.status()}) {
      if (!s.ok()) return at(pos, s.with_context("chunk info"));
    }
    if (*ver != 1) {
      return at(pos, unsupported(fmt::format("chunk info version {}, expected 1", *ver)));
    }
    if (frame->data_len != std::uint64_t{*count} * kChunkInfoEntrySize) {
      return at(pos, corrupt(fmt::format("chunk info lists {} connections in {} bytes, expected {}",
                                         *count, frame->data_len,
                                         std::uint64_t{*count} * kChunkInfoEntrySize)));
    }
    Chunk chunk;
    chunk.offset = *chunk_pos;
    chunk.start_ns = time_to_ns(*start);
    chunk.end_ns = time_to_ns(*end);
    PARITY_ASSIGN_OR_RETURN(auto data, window_.view(frame->data_offset, frame->data_len));
    for (std::uint32_t k = 0; k < *count; ++k) {
      const std::uint32_t conn = load_u32(data.data() + k * kChunkInfoEntrySize);
      const std::uint32_t n = load_u32(data.data() + k * kChunkInfoEntrySize + 4);
      if (!connections_.contains(conn)) {
        return at(pos, corrupt(fmt::format("chunk info of the chunk at {} counts messages of "
                                           "connection {}, which the index does not list",
                                           chunk.offset, conn)));
      }
      if (n == 0) continue;
      chunk.counts.push_back({conn, n});
      chunk.message_count += n;
    }
    std::sort(chunk.counts.begin(), chunk.counts.end(),
              [](const ConnCount& a, const ConnCount& b) { return a.conn < b.conn; });
    for (std::size_t k = 1; k < chunk.counts.size(); ++k) {
      if (chunk.counts[k].conn == chunk.counts[k - 1].conn) {
        return at(pos, corrupt(fmt::format("chunk info lists connection {} twice",
                                           chunk.counts[k].conn)));
      }
    }
    if (chunk.message_count > 0 && chunk.start_ns > chunk.end_ns) {
      return at(pos, corrupt(fmt::format("chunk info: start_time {} ns is after end_time {} ns",
                                         chunk.start_ns, chunk.end_ns)));
    }
    chunks_.push_back(std::move(chunk));
    pos = frame->end;
  }
  std::sort(chunks_.begin(), chunks_.end(),
            [](const Chunk& a, const Chunk& b) { return a.offset < b.offset; });

  // Each chunk's record header: compression, sizes, and where its index data starts.
  std::uint64_t previous_end = header_end_;
  for (Chunk& chunk : chunks_) {
    if (chunk.offset < previous_end) {
      return corrupt(fmt::format("chunk_pos {} overlaps the previous record (which ends at {})",
                                 chunk.offset, previous_end));
    }
    auto frame = read_frame(window_, chunk.offset);
    if (!frame.ok()) return at(chunk.offset, frame.status().with_context("chunk"));
    if (frame->end > index_pos_) {
      return at(chunk.offset, corrupt(fmt::format("chunk record ends at {}, after index_pos {}",
                                                  frame->end, index_pos_)));
    }
    PARITY_ASSIGN_OR_RETURN(auto header_bytes,
                            window_.view(frame->header_offset, frame->header_len));
    HeaderFields header;
    PARITY_RETURN_IF_ERROR(at(chunk.offset, parse_header(header_bytes, header)));
    if (header.op != static_cast<std::uint8_t>(Op::kChunk)) {
      return at(chunk.offset, corrupt(fmt::format("chunk_pos points to a {} record, not a chunk",
                                                  op_name(header.op))));
    }
    chunk.compression =
        header.compression.present ? std::string(header.compression.text()) : "none";
    auto codec = chunk_codec(chunk.compression);
    if (!codec.ok()) return at(chunk.offset, codec.status());
    chunk.codec = *codec;
    if (header.size.present) {
      auto declared = field_u32(header.size, "size");
      if (!declared.ok()) return at(chunk.offset, declared.status());
      chunk.size = *declared;
      chunk.has_size = true;
    }
    chunk.data_offset = frame->data_offset;
    chunk.data_len = frame->data_len;
    chunk.record_end = frame->end;
    previous_end = frame->end;
  }

  // Per-connection counts (chunk infos) and exact time ranges (index data of the chunks that
  // can hold a connection's first or last message).
  std::map<std::uint32_t, std::vector<std::size_t>> chunks_of;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    for (const ConnCount& cc : chunks_[c].counts) {
      chunks_of[cc.conn].push_back(c);
      conn_stats_[cc.conn].count += cc.count;
    }
  }
  std::map<std::size_t, std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>>> ranges;
  const auto range_in = [&](std::size_t c,
                            std::uint32_t conn) -> Result<std::pair<std::int64_t, std::int64_t>> {
    auto it = ranges.find(c);
    if (it == ranges.end()) {
      std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> found;
      PARITY_RETURN_IF_ERROR(read_chunk_index_data(c, found));
      it = ranges.emplace(c, std::move(found)).first;
    }
    return it->second.at(conn);  // read_chunk_index_data checked every listed connection
  };
  for (auto& [conn, list] : chunks_of) {
    ConnStats& stats = conn_stats_[conn];
    std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      return chunks_[a].start_ns < chunks_[b].start_ns;
    });
    bool found = false;
    for (std::size_t c : list) {
      if (found && chunks_[c].start_ns >= stats.start_ns) break;
      PARITY_ASSIGN_OR_RETURN(const auto range, range_in(c, conn));
      if (!found || range.first < stats.start_ns) stats.start_ns = range.first;
      found = true;
    }
    std::sort(list.begin(), list.end(),
              [&](std::size_t a, std::size_t b) { return chunks_[a].end_ns > chunks_[b].end_ns; });
    found = false;
    for (std::size_t c : list) {
      if (found && chunks_[c].end_ns <= stats.end_ns) break;
      PARITY_ASSIGN_OR_RETURN(const auto range, range_in(c, conn));
      if (!found || range.second > stats.end_ns) stats.end_ns = range.second;
      found = true;
    }
  }
  return {};
}

// The index data records (op 0x04) that follow a chunk: one per connection of its chunk info,
// each with that connection's count of (time, offset) entries. Fills conn -> (min, max) time.
Status Ros1Bag::read_chunk_index_data(
    std::size_t c, std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>>& out) {
  const Chunk& chunk = chunks_[c];
  std::uint64_t pos = chunk.record_end;
  const auto at = [&](const Status& status) {
    return status.with_context(
        fmt::format("offset {}: index data of the chunk at {}", pos, chunk.offset));
  };
  for (std::size_t k = 0; k < chunk.counts.size(); ++k) {
    auto frame = read_frame(window_, pos);
    if (!frame.ok()) return at(frame.status());
    if (frame->data_truncated) return at(truncated("the record runs past the end of the file"));
    if (frame->end > index_pos_) return at(corrupt("the record runs past index_pos"));
    PARITY_ASSIGN_OR_RETURN(auto header_bytes,
                            window_.view(frame->header_offset, frame->header_len));
    HeaderFields header;
    PARITY_RETURN_IF_ERROR(at(parse_header(header_bytes, header)));
    if (header.op != static_cast<std::uint8_t>(Op::kIndexData)) {
      return at(corrupt(
          fmt::format("expected an index data record, found a {} record", op_name(header.op))));
    }
    auto ver = field_u32(header.ver, "ver");
    auto conn = field_u32(header.conn, "conn");
    auto count = field_u32(header.count, "count");
    for (const Status& s : {ver.status(), conn.status(), count.status()}) {
      if (!s.ok()) return at(s);
    }
    if (*ver != 1) return at(unsupported(fmt::format("index data version {}, expected 1", *ver)));
    const auto listed = std::find_if(chunk.counts.begin(), chunk.counts.end(),
                                     [&](const ConnCount& cc) { return cc.conn == *conn; });
    if (listed == chunk.counts.end() || listed->count != *count || out.contains(*conn)) {
      return at(
          corrupt(fmt::format("connection {} has {} index entries, its chunk info says {}", *conn,
                              *count, listed == chunk.counts.end() ? 0 : listed->count)));
    }
    if (frame->data_len != std::uint64_t{*count} * kIndexEntrySize) {
      return at(corrupt(fmt::format("{} entries in {} bytes, expected {}", *count, frame->data_len,
                                    std::uint64_t{*count} * kIndexEntrySize)));
    }
    PARITY_ASSIGN_OR_RETURN(auto data, window_.view(frame->data_offset, frame->data_len));
    std::int64_t lo = 0, hi = 0;
    for (std::uint32_t i = 0; i < *count; ++i) {
      const std::int64_t t = time_to_ns(load_u64(data.data() + i * kIndexEntrySize));
      if (i == 0 || t < lo) lo = t;
      if (i == 0 || t > hi) hi = t;
    }
    if (lo < chunk.start_ns || hi > chunk.end_ns) {
      return at(
          corrupt(fmt::format("connection {} has times [{}, {}] ns outside the chunk's "
                              "[{}, {}] ns",
                              *conn, lo, hi, chunk.start_ns, chunk.end_ns)));
    }
    out.emplace(*conn, std::make_pair(lo, hi));
    pos = frame->end;
  }
  return {};
}

void Ros1Bag::add_connection(Connection conn) {
  auto [it, inserted] = connections_.emplace(conn.id, conn);
  if (inserted) return;
  Connection& known = it->second;
  if (known.same_stream(conn)) {
    // rosbag's copy inside a chunk may lack fields its copy in the index has.
    if (!known.has_callerid && conn.has_callerid) {
      known.callerid = conn.callerid;
      known.has_callerid = true;
    }
    if (!known.has_latching && conn.has_latching) {
      known.latching = conn.latching;
      known.has_latching = true;
    }
    if (known.definition.empty()) known.definition = conn.definition;
  } else {
    report(Severity::kWarning, conn.offset,
           fmt::format("connection {} is redefined (topic '{}' type '{}', first seen at offset "
                       "{} as topic '{}' type '{}'); keeping the first",
                       conn.id, conn.topic, conn.type, it->second.offset, it->second.topic,
                       it->second.type));
  }
}

template <typename OnConnection, typename OnMessage>
std::uint64_t Ros1Bag::walk_chunk(std::span<const std::uint8_t> bytes, const Chunk& chunk,
                                  bool report_damage, OnConnection&& on_connection,
                                  OnMessage&& on_message) {
  const auto damage = [&](std::uint64_t pos, std::string_view what) {
    if (report_damage) {
      report(Severity::kError, chunk.offset,
             fmt::format("chunk: record at byte {} of the uncompressed data: {}", pos, what));
    }
  };
  std::uint64_t pos = 0;
  HeaderFields header;
  while (pos < bytes.size()) {
    auto frame = frame_in_buffer(bytes, pos);
    if (!frame.ok()) {
      if (!chunk.truncated) {
        damage(pos, fmt::format("{}; the rest of the chunk ({} bytes) is skipped",
                                frame.status().message(), bytes.size() - pos));
      }
      return pos;
    }
    Status status = parse_header(bytes.subspan(frame->header_offset, frame->header_len), header);
    if (!status.ok()) {
      damage(pos, fmt::format("{}; record skipped", status.message()));
      pos = frame->end;
      continue;
    }
    const auto data = bytes.subspan(frame->data_offset, frame->data_len);
    if (header.op == static_cast<std::uint8_t>(Op::kMessageData)) {
      auto conn = field_u32(header.conn, "conn");
      auto time = field_u64(header.time, "time");
      if (!conn.ok() || !time.ok()) {
        damage(pos, fmt::format("message data: {}; message skipped",
                                (!conn.ok() ? conn.status() : time.status()).message()));
      } else if (on_message(*conn, time_to_ns(*time), data, frame->data_offset) == Walk::kStop) {
        return frame->end;
      }
    } else if (header.op == static_cast<std::uint8_t>(Op::kConnection)) {
      auto id = field_u32(header.conn, "conn");
      if (!id.ok()) {
        damage(pos, fmt::format("connection: {}; record skipped", id.status().message()));
      } else {
        auto conn = parse_connection(*id, header.topic.text(), data);
        if (!conn.ok()) {
          damage(pos, fmt::format("{}; record skipped", conn.status().message()));
        } else {
          conn->offset = chunk.offset;
          on_connection(std::move(*conn));
        }
      }
    } else {
      damage(pos, fmt::format("unexpected {} record inside a chunk; skipped", op_name(header.op)));
    }
    pos = frame->end;
  }
  return pos;
}

Status Ros1Bag::decompress(const Chunk& chunk, std::vector<std::uint8_t>& out) {
  const std::uint64_t size = chunk.has_size ? chunk.size : chunk.data_len;
  if (size > options_.max_chunk_size) {
    return corrupt(fmt::format("declares {} uncompressed bytes, over the limit of {}", size,
                               options_.max_chunk_size));
  }
  if (chunk.codec == Codec::kNone) {
    out.resize(static_cast<std::size_t>(chunk.data_len));
    return source_->read_at(chunk.data_offset, out);
  }
  if (!chunk.has_size) {
    return corrupt(fmt::format("{} chunk without a 'size' field", chunk.compression));
  }
  if (size > max_decompressed_size(chunk.codec, chunk.data_len)) {
    return corrupt(fmt::format("{} bytes of {} cannot hold the declared {} uncompressed bytes",
                               chunk.data_len, chunk.compression, size));
  }
  compressed_.resize(static_cast<std::size_t>(chunk.data_len));
  PARITY_RETURN_IF_ERROR(source_->read_at(chunk.data_offset, compressed_));
  if (chunk.codec == Codec::kBz2) return bz2_decompress_bounded(compressed_, size, out);
  out.resize(static_cast<std::size_t>(size));
  return decompressor_.decompress(chunk.codec, compressed_, out);
}

bool Ros1Bag::load_chunk(Chunk& chunk, std::vector<std::uint8_t>& out) {
  if (chunk.bad) return false;
  Status status = decompress(chunk, out);
  if (status.ok()) return true;
  if (status.code() == StatusCode::kIoError) {
    // Not damage in the file: report every time.
    report(Severity::kError, chunk.offset, fmt::format("chunk: {}", status.message()));
    return false;
  }
  if (!chunk.reported) {
    // The index gives the chunk's message count; the scan cannot know it.
    report(Severity::kError, chunk.offset,
           indexed_ ? fmt::format("{} chunk: {}; its {} messages are skipped", chunk.compression,
                                  status.message(), chunk.message_count)
                    : fmt::format("{} chunk: {}; its messages are skipped", chunk.compression,
                                  status.message()));
  }
  chunk.bad = true;
  chunk.reported = true;
  return false;
}

void Ros1Bag::scan_chunk(const TopFrame& frame, const HeaderFields& header) {
  Chunk chunk;
  chunk.offset = frame.offset;
  chunk.data_offset = frame.data_offset;
  chunk.data_len = frame.data_available;
  chunk.record_end = frame.end;
  chunk.truncated = frame.data_truncated;
  chunk.compression = header.compression.present ? std::string(header.compression.text()) : "none";
  Status problem;
  if (header.size.present) {
    auto declared = field_u32(header.size, "size");
    if (declared.ok()) {
      chunk.size = *declared;
      chunk.has_size = true;
    } else {
      problem = declared.status();
    }
  }
  auto codec = chunk_codec(chunk.compression);
  if (!codec.ok()) problem = codec.status();
  if (problem.ok()) chunk.codec = *codec;
  if (problem.ok() && chunk.truncated) chunk.has_size = false;  // only the bytes present count
  if (!problem.ok()) {
    report(Severity::kError, chunk.offset,
           fmt::format("chunk: {}; its messages are skipped", problem.message()));
    chunk.bad = true;
    chunk.reported = true;
    chunks_.push_back(std::move(chunk));
    return;
  }
  if (!load_chunk(chunk, chunk_buffer_)) {
    chunks_.push_back(std::move(chunk));
    return;
  }
  chunk.reported = true;  // the walk below reports the chunk's damage
  std::map<std::uint32_t, ConnStats> in_chunk;
  chunk.usable = walk_chunk(
      chunk_buffer_, chunk, true, [&](Connection conn) { add_connection(std::move(conn)); },
      [&](std::uint32_t conn, std::int64_t t, std::span<const std::uint8_t>, std::uint64_t) {
        in_chunk[conn].add(t);
        return Walk::kContinue;
      });
  bool first = true;
  for (const auto& [conn, stats] : in_chunk) {
    chunk.counts.push_back({conn, stats.count});
    chunk.message_count += stats.count;
    if (first || stats.start_ns < chunk.start_ns) chunk.start_ns = stats.start_ns;
    if (first || stats.end_ns > chunk.end_ns) chunk.end_ns = stats.end_ns;
    first = false;
    conn_stats_[conn].merge(stats);
  }
  if (chunk.truncated) {
    report(Severity::kError, chunk.offset,
           fmt::format("uncompressed chunk of {} bytes is cut short by the end of the file "
                       "after {} bytes (truncated file); kept its {} complete messages",
                       frame.data_len, frame.data_available, chunk.message_count));
  }
  chunks_.push_back(std::move(chunk));
}

void Ros1Bag::scan(std::uint64_t start) {
  connections_.clear();
  conn_stats_.clear();
  chunks_.clear();
  const std::uint64_t size = window_.size();
  std::uint64_t pos = start;
  HeaderFields header;
  while (pos < size) {
    auto frame = read_frame(window_, pos);
    if (!frame.ok()) {
      report(Severity::kError, pos,
             fmt::format("{}: the file ends inside a record (truncated file); stopping the scan",
                         frame.status().message()));
      break;
    }
    auto header_bytes = window_.view(frame->header_offset, frame->header_len);
    if (!header_bytes.ok()) {
      report(Severity::kError, pos, header_bytes.status().message());
      break;
    }
    Status status = parse_header(*header_bytes, header);
    if (!status.ok()) {
      report(Severity::kError, pos,
             fmt::format("record header: {}; record skipped", status.message()));
      if (frame->data_truncated) break;
      pos = frame->end;
      continue;
    }
    const bool is_chunk = header.op == static_cast<std::uint8_t>(Op::kChunk);
    const bool partial_chunk_ok =
        is_chunk && (!header.compression.present || header.compression.text() == "none");
    if (frame->data_truncated && !partial_chunk_ok) {
      report(Severity::kError, pos,
             fmt::format("{} record data of {} bytes runs past the end of the file ({} bytes "
                         "left; truncated file); stopping the scan",
                         op_name(header.op), frame->data_len, frame->data_available));
      break;
    }
    switch (static_cast<Op>(header.op)) {
      case Op::kChunk: scan_chunk(*frame, header); break;
      case Op::kConnection: {
        auto id = field_u32(header.conn, "conn");
        if (!id.ok()) {
          report(Severity::kError, pos,
                 fmt::format("connection record: {}; skipped", id.status().message()));
          break;
        }
        const std::string topic(header.topic.text());
        auto data = window_.view(frame->data_offset, frame->data_len);
        if (!data.ok()) {
          report(Severity::kError, pos, data.status().message());
          break;
        }
        auto conn = parse_connection(*id, topic, *data);
        if (!conn.ok()) {
          report(Severity::kError, pos,
                 fmt::format("connection record: {}; skipped", conn.status().message()));
          break;
        }
        conn->offset = pos;
        add_connection(std::move(*conn));
        break;
      }
      case Op::kIndexData:
      case Op::kChunkInfo: break;  // the scan derives both from the chunks themselves
      case Op::kMessageData:
        report(Severity::kError, pos,
               "message data record outside a chunk (not written by rosbag); skipped");
        break;
      case Op::kBagHeader:
        report(Severity::kWarning, pos, "a second bag header record; skipped");
        break;
      default:
        report(Severity::kWarning, pos,
               fmt::format("unknown record {}; skipped", op_name(header.op)));
        break;
    }
    if (frame->data_truncated) break;
    pos = frame->end;
  }

  // Messages on connections that have no connection record cannot be typed: drop them.
  for (auto it = conn_stats_.begin(); it != conn_stats_.end();) {
    if (connections_.contains(it->first)) {
      ++it;
      continue;
    }
    report(Severity::kError, std::nullopt,
           fmt::format("{} messages on connection {}, which has no connection record in the "
                       "file, are skipped",
                       it->second.count, it->first));
    for (Chunk& chunk : chunks_) {
      auto c = std::find_if(chunk.counts.begin(), chunk.counts.end(),
                            [&](const ConnCount& cc) { return cc.conn == it->first; });
      if (c == chunk.counts.end()) continue;
      chunk.message_count -= c->count;
      chunk.counts.erase(c);
    }
    it = conn_stats_.erase(it);
  }
}

Status Ros1Bag::build_info() {
  info_.format = "ros1-bag";
  info_.files = {fs::path(name_)};
  info_.size_bytes = window_.size();
  info_.chunk_count = chunks_.size();
  for (const Chunk& chunk : chunks_) {
    info_.chunk_compression_counts[chunk.compression == "none" ? "" : chunk.compression] += 1;
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::uint32_t> by_key;
  std::vector<std::vector<std::string>> callerids;
  std::vector<int> latching;  // -1 none recorded, 0, 1
  std::uint32_t max_id = connections_.empty() ? 0 : connections_.rbegin()->first;
  const bool dense = max_id < (1u << 20);
  if (dense && !connections_.empty())
    dense_stream_of_conn_.assign(std::size_t{max_id} + 1, kNoStream);
  std::vector<ConnStats> stream_stats;
  for (const auto& [id, conn] : connections_) {
    auto key = std::make_tuple(conn.topic, conn.type, conn.md5sum);
    auto [it, inserted] = by_key.emplace(key, static_cast<std::uint32_t>(info_.streams.size()));
    if (inserted) {
      StreamInfo stream;
      stream.id = it->second;
      stream.topic = conn.topic;
      stream.type = conn.type;
      stream.message_encoding = "ros1";
      stream.schema_encoding = "ros1msg";
      stream.schema = conn.definition;
      stream.metadata["md5sum"] = conn.md5sum;
      info_.streams.push_back(std::move(stream));
      callerids.emplace_back();
      latching.push_back(-1);
      stream_stats.emplace_back();
    }
    const std::uint32_t index = it->second;
    if (conn.has_callerid && std::find(callerids[index].begin(), callerids[index].end(),
                                       conn.callerid) == callerids[index].end()) {
      callerids[index].push_back(conn.callerid);
    }
    if (conn.has_latching) latching[index] = std::max(latching[index], conn.latching ? 1 : 0);
    if (dense) {
      dense_stream_of_conn_[id] = index;
    } else {
      sparse_stream_of_conn_[id] = index;
    }
    auto stats = conn_stats_.find(id);
    if (stats != conn_stats_.end()) stream_stats[index].merge(stats->second);
  }
  bool any = false;
  for (std::size_t i = 0; i < info_.streams.size(); ++i) {
    StreamInfo& stream = info_.streams[i];
    if (!callerids[i].empty())
      stream.metadata["callerid"] = fmt::format("{}", fmt::join(callerids[i], ","));
    if (latching[i] >= 0) stream.metadata["latching"] = latching[i] == 1 ? "1" : "0";
    const ConnStats& stats = stream_stats[i];
    stream.message_count = stats.count;
    if (stats.count == 0) continue;
    stream.start_ns = stats.start_ns;
    stream.end_ns = stats.end_ns;
    info_.message_count += stats.count;
    if (!any || stats.start_ns < info_.start_ns) info_.start_ns = stats.start_ns;
    if (!any || stats.end_ns > info_.end_ns) info_.end_ns = stats.end_ns;
    any = true;
  }
  info_.episodes.push_back(whole_recording_episode(info_));
  return {};
}

Status Ros1Bag::read_messages(const ReadOptions& options, const MessageCallback& on_message) {
  if (options.episode && *options.episode != 0) return {};
  if (options.limit && *options.limit == 0) return {};
  std::vector<bool> wanted(info_.streams.size(), options.topics.empty());
  for (const std::string& topic : options.topics) {
    for (const StreamInfo& stream : info_.streams) {
      if (stream.topic == topic) wanted[stream.id] = true;
    }
  }
  const std::int64_t lo = options.start_ns.value_or(std::numeric_limits<std::int64_t>::min());
  const std::int64_t hi = options.end_ns.value_or(std::numeric_limits<std::int64_t>::max());
  const auto in_range = [&](std::int64_t t) { return t >= lo && t < hi; };

  std::vector<std::uint32_t> selected;
  for (std::uint32_t c = 0; c < chunks_.size(); ++c) {
    const Chunk& chunk = chunks_[c];
    if (chunk.bad || chunk.message_count == 0) continue;
    if (chunk.end_ns < lo || chunk.start_ns >= hi) continue;
    const bool any =
        std::any_of(chunk.counts.begin(), chunk.counts.end(), [&](const ConnCount& cc) {
          const std::uint32_t s = stream_of(cc.conn);
          return s != kNoStream && wanted[s];
        });
    if (any) selected.push_back(c);
  }

  const std::uint64_t total = info_.size_bytes;
  std::uint64_t consumed = 0;
  const auto progress = [&](std::uint64_t now) {
    if (!options.on_progress) return;
    consumed = std::min(now, total);
    options.on_progress(consumed, total);
  };
  std::uint64_t delivered = 0;
  Status failure;
  MessageView view;
  view.file_index = 0;
  view.episode = 0;
  const auto deliver = [&](std::uint32_t stream, std::int64_t t, std::span<const std::uint8_t> data,
                           std::uint64_t chunk_offset) -> Walk {
    view.stream = &info_.streams[stream];
    view.log_time_ns = t;
    view.publish_time_ns = t;
    view.data = data;
    view.file_offset = chunk_offset;
    ++delivered;
    failure = on_message(view);
    if (!failure.ok()) return Walk::kStop;
    if (options.limit && delivered >= *options.limit) return Walk::kStop;
    return Walk::kContinue;
  };
  // A message on a connection without a connection record (fast path: the index lists every
  // connection, so this is damage) is reported with the chunk's other damage.
  const auto unknown_conn = [&](const Chunk& chunk, std::uint32_t conn, bool report_damage) {
    if (report_damage) {
      report(Severity::kError, chunk.offset,
             fmt::format("chunk: a message on connection {}, which the index does not list; "
                         "skipped",
                         conn));
    }
  };

  if (!options.log_time_order) {
    for (std::uint32_t c : selected) {
      Chunk& chunk = chunks_[c];
      if (!load_chunk(chunk, chunk_buffer_)) continue;
      const bool report_damage = !chunk.reported;
      std::span<const std::uint8_t> bytes(chunk_buffer_);
      bytes = bytes.first(
          static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), chunk.usable)));
      bool stop = false;
      walk_chunk(
          bytes, chunk, report_damage, [](Connection) {},
          [&](std::uint32_t conn, std::int64_t t, std::span<const std::uint8_t> data,
              std::uint64_t) {
            const std::uint32_t s = stream_of(conn);
            if (s == kNoStream) {
              unknown_conn(chunk, conn, report_damage);
              return Walk::kContinue;
            }
            if (!wanted[s] || !in_range(t)) return Walk::kContinue;
            if (deliver(s, t, data, chunk.offset) == Walk::kStop) {
              stop = true;
              return Walk::kStop;
            }
            return Walk::kContinue;
          });
      chunk.reported = true;
      progress(chunk.record_end);
      if (stop) break;
    }
    if (!failure.ok()) return failure;
    if (options.on_progress && consumed != total) options.on_progress(total, total);
    return {};
  }

  // Log-time order: chunks enter the merge in start-time order as soon as they may hold the
  // next message.
  std::vector<std::uint32_t> order = selected;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return chunks_[a].start_ns < chunks_[b].start_ns;
  });
  struct Slot {
    std::vector<std::uint8_t> bytes;
    std::uint64_t remaining = 0;
  };
  std::vector<Slot> slots;
  std::vector<std::uint32_t> free_slots;
  std::priority_queue<Pending, std::vector<Pending>, PendingLater> heap;
  std::size_t next = 0;
  std::uint64_t loaded_bytes = 0;
  bool stop = false;
  while (!stop) {
    while (next < order.size() &&
           (heap.empty() || chunks_[order[next]].start_ns <= heap.top().time_ns)) {
      const std::uint32_t c = order[next++];
      Chunk& chunk = chunks_[c];
      std::uint32_t slot;
      if (!free_slots.empty()) {
        slot = free_slots.back();
        free_slots.pop_back();
      } else {
        slot = static_cast<std::uint32_t>(slots.size());
        slots.emplace_back();
      }
      loaded_bytes += chunk.record_end - chunk.offset;
      if (!load_chunk(chunk, slots[slot].bytes)) {
        free_slots.push_back(slot);
        progress(loaded_bytes);
        continue;
      }
      const bool report_damage = !chunk.reported;
      std::span<const std::uint8_t> bytes(slots[slot].bytes);
      bytes = bytes.first(
          static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), chunk.usable)));
      std::uint32_t seq = 0;
      std::uint64_t pushed = 0;
      walk_chunk(
          bytes, chunk, report_damage, [](Connection) {},
          [&](std::uint32_t conn, std::int64_t t, std::span<const std::uint8_t> data,
              std::uint64_t offset) {
            const std::uint32_t s = stream_of(conn);
            if (s == kNoStream) {
              unknown_conn(chunk, conn, report_damage);
              return Walk::kContinue;
            }
            if (!wanted[s] || !in_range(t)) return Walk::kContinue;
            heap.push({t, c, seq++, slot, s, static_cast<std::uint32_t>(offset),
                       static_cast<std::uint32_t>(data.size())});
            ++pushed;
            return Walk::kContinue;
          });
      chunk.reported = true;
      slots[slot].remaining = pushed;
      if (pushed == 0) free_slots.push_back(slot);
      progress(loaded_bytes);
    }
    if (heap.empty()) break;
    const Pending top = heap.top();
    heap.pop();
    Slot& slot = slots[top.slot];
    const std::span<const std::uint8_t> data(slot.bytes.data() + top.offset, top.length);
    if (deliver(top.stream, top.time_ns, data, chunks_[top.chunk].offset) == Walk::kStop) {
      stop = true;
    }
    if (--slot.remaining == 0) free_slots.push_back(top.slot);
  }
  if (!failure.ok()) return failure;
  if (options.on_progress && consumed != total) options.on_progress(total, total);
  return {};
}

}  // namespace

bool has_ros1_bag_magic(std::span<const std::uint8_t> head) {
  return head.size() >= kBagMagicSize &&
         std::string_view(reinterpret_cast<const char*>(head.data()), kBagMagicSize) == kBagMagic;
}

Result<std::unique_ptr<Recording>> open_ros1_bag(std::unique_ptr<ByteSource> source,
                                                 DiagnosticSink& diagnostics,
                                                 Ros1BagOptions options) {
  PARITY_CHECK_MSG(source != nullptr, "open_ros1_bag: null source");
  auto bag = std::make_unique<Ros1Bag>(std::move(source), diagnostics, options);
  PARITY_RETURN_IF_ERROR(bag->open());
  return std::unique_ptr<Recording>(std::move(bag));
}

Result<std::unique_ptr<Recording>> open_ros1_bag(const fs::path& path, DiagnosticSink& diagnostics,
                                                 Ros1BagOptions options) {
  PARITY_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  return open_ros1_bag(std::move(source), diagnostics, options);
}

}  // namespace parity::ros1
