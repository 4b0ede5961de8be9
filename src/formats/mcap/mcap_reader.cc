#include "parity/formats/mcap/mcap_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "parity/io/crc32.h"

namespace parity::mcap {

namespace {

constexpr std::uint64_t kWindowBlock = 4 << 20;  // sequential reads fetch 4 MiB at a time
constexpr std::uint64_t kRandomBlock = 4 << 10;  // random reads (indexes) fetch >= 4 KiB
constexpr std::uint64_t kAttachmentPrefix = 4 << 10;
constexpr std::uint64_t kDataStart = kMagic.size();

// A reusable byte buffer whose growth does not initialise memory (decompression overwrites
// it), so a large declared size costs address space, not page faults.
class ByteBuffer {
 public:
  std::span<std::uint8_t> resize(std::uint64_t n) {
    if (n > capacity_) {
      data_.reset(new std::uint8_t[n]);
      capacity_ = n;
    }
    size_ = n;
    return {data_.get(), size_};
  }
  std::span<const std::uint8_t> view() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::uint64_t capacity_ = 0;
  std::uint64_t size_ = 0;
};

// Read window over a ByteSource: returns views of byte ranges, served from one buffer that is
// refilled with large blocks. A returned view is valid until the next read().
class Window {
 public:
  explicit Window(const ByteSource& source) : source_(source) {}

  // Errors: kTruncated when the range runs past the end of the source, kIoError.
  Result<std::span<const std::uint8_t>> read(std::uint64_t offset, std::uint64_t length,
                                             bool sequential = true) {
    if (offset >= start_ && length <= size_ && offset - start_ <= size_ - length) {
      return std::span<const std::uint8_t>(buffer_.view().subspan(offset - start_, length));
    }
    const std::uint64_t total = source_.size();
    if (offset > total || length > total - offset) {
      return truncated(fmt::format("{}: offset {}: need {} bytes but the file has {} bytes",
                                   source_.name(), offset, length, total));
    }
    const std::uint64_t block = sequential ? kWindowBlock : kRandomBlock;
    const std::uint64_t want = std::min(std::max(length, block), total - offset);
    std::span<std::uint8_t> out = buffer_.resize(want);
    start_ = offset;
    size_ = 0;
    PARITY_RETURN_IF_ERROR(source_.read_at(offset, out));
    size_ = want;
    return std::span<const std::uint8_t>(out.subspan(0, length));
  }

 private:
  const ByteSource& source_;
  ByteBuffer buffer_;
  std::uint64_t start_ = 0;
  std::uint64_t size_ = 0;
};

std::string hex32(std::uint32_t v) {
  return fmt::format("0x{:08x}", v);
}

Result<Codec> codec_for(const std::string& compression) {
  if (compression.empty()) return Codec::kNone;
  if (compression == "zstd") return Codec::kZstd;
  if (compression == "lz4") return Codec::kLz4;
  return unsupported(fmt::format(
      "unsupported chunk compression '{}' (supported: \"\" (none), zstd, lz4)", compression));
}

struct Prefix {
  std::uint8_t opcode = 0;
  std::uint64_t length = 0;
};

}  // namespace

struct McapReader::Impl {
  Impl(const ByteSource& src, DiagnosticSink& sink, McapReaderOptions opts)
      : source(src), diagnostics(sink), options(opts), window(src) {}

  const ByteSource& source;
  DiagnosticSink& diagnostics;
  McapReaderOptions options;
  Window window;
  Decompressor decompressor;
  ByteBuffer chunk_buffer;
  std::uint64_t header_end = 0;               // offset of the first record after the Header
  std::uint64_t scan_end = 0;                 // sequential message reading stops here
  std::set<std::uint64_t> reported;           // offsets whose damage was already reported
  std::set<std::uint64_t> bad_chunks;         // chunks whose messages are skipped
  std::vector<const Channel*> channel_table;  // by channel id, from the summary
  std::vector<const Schema*> schema_table;    // by channel id

  const std::string& name() const { return source.name(); }

  void report_once(Severity severity, std::uint64_t offset, std::string message) {
    if (!reported.insert(offset).second) return;
    diagnostics.report({severity, name(), offset, std::move(message)});
  }

  Status error_at(std::uint64_t offset, const Status& status) const {
    return Status(status.code(),
                  fmt::format("{}: offset {}: {}", name(), offset, status.message()));
  }

  // Reads the 9-byte prefix at `offset` and checks that the content fits in [offset, end).
  // Errors (kTruncated) describe what was expected and found.
  Result<Prefix> read_prefix(std::uint64_t offset, std::uint64_t end, bool sequential = true) {
    if (end < offset || end - offset < kRecordPrefixSize) {
      return truncated(fmt::format("{}: offset {}: record prefix needs {} bytes, {} remain", name(),
                                   offset, kRecordPrefixSize, end >= offset ? end - offset : 0));
    }
    PARITY_ASSIGN_OR_RETURN(auto bytes, window.read(offset, kRecordPrefixSize, sequential));
    Prefix prefix{bytes[0], load_u64(bytes.data() + 1)};
    const std::uint64_t available = end - offset - kRecordPrefixSize;
    if (prefix.length > available) {
      return truncated(
          fmt::format("{}: offset {}: {} record declares {} content bytes, only {} remain", name(),
                      offset, opcode_name(prefix.opcode), prefix.length, available));
    }
    return prefix;
  }

  // Decodes a chunk's records. Returns a view of `chunk.records` (uncompressed, !copy) or of
  // `buffer`. Errors carry no file prefix (callers report them with the chunk offset).
  Result<std::span<const std::uint8_t>> decode_chunk(const Chunk& chunk, ByteBuffer& buffer,
                                                     bool copy) {
    PARITY_ASSIGN_OR_RETURN(const Codec codec, codec_for(chunk.compression));
    if (codec == Codec::kNone && chunk.uncompressed_size != chunk.records_size) {
      return corrupt(
          fmt::format("uncompressed chunk: uncompressed_size {} differs from the "
                      "records size {}",
                      chunk.uncompressed_size, chunk.records_size));
    }
    const std::uint64_t bound = max_decompressed_size(codec, chunk.records_size);
    if (chunk.uncompressed_size > bound) {
      return corrupt(
          fmt::format("chunk declares uncompressed_size {}, more than the {} bytes "
                      "{} compressed bytes of {} can produce",
                      chunk.uncompressed_size, bound, chunk.records_size, codec_name(codec)));
    }
    std::span<const std::uint8_t> records;
    if (codec == Codec::kNone && !copy) {
      records = chunk.records;
    } else {
      std::span<std::uint8_t> out = buffer.resize(chunk.uncompressed_size);
      PARITY_RETURN_IF_ERROR(decompressor.decompress(codec, chunk.records, out));
      records = out;
    }
    if (options.verify_crcs && chunk.uncompressed_crc != 0) {
      const std::uint32_t computed = crc32(records);
      if (computed != chunk.uncompressed_crc) {
        return corrupt(fmt::format("chunk CRC mismatch: expected {}, computed {}",
                                   hex32(chunk.uncompressed_crc), hex32(computed)));
      }
    }
    return records;
  }

  // Reads and decodes the Chunk record at `offset` whose whole record spans `record_length`
  // bytes. On damage reports once, remembers the chunk as bad and returns an empty optional.
  Result<std::optional<std::span<const std::uint8_t>>> load_chunk_at(std::uint64_t offset,
                                                                     std::uint64_t record_length,
                                                                     ByteBuffer& buffer, bool copy,
                                                                     Chunk& chunk) {
    using Loaded = std::optional<std::span<const std::uint8_t>>;
    if (bad_chunks.count(offset) != 0) return Loaded{};
    auto fail = [&](const std::string& message) -> Loaded {
      bad_chunks.insert(offset);
      report_once(Severity::kError, offset,
                  fmt::format("{}; skipping the chunk's messages", message));
      return Loaded{};
    };
    if (record_length < kRecordPrefixSize || offset > source.size() ||
        record_length > source.size() - offset) {
      return fail(fmt::format("chunk of {} bytes does not fit in the file of {} bytes",
                              record_length, source.size()));
    }
    auto bytes = window.read(offset, record_length);
    if (!bytes.ok()) return bytes.status();
    const std::uint8_t opcode = (*bytes)[0];
    const std::uint64_t length = load_u64(bytes->data() + 1);
    if (opcode != static_cast<std::uint8_t>(Opcode::kChunk) ||
        length != record_length - kRecordPrefixSize) {
      return fail(fmt::format("expected a Chunk record of {} content bytes, found {} of {}",
                              record_length - kRecordPrefixSize, opcode_name(opcode), length));
    }
    const auto content = bytes->subspan(kRecordPrefixSize);
    Status parsed = parse_chunk(content, content.size(), chunk);
    if (!parsed.ok()) return fail(parsed.message());
    auto records = decode_chunk(chunk, buffer, copy);
    if (!records.ok()) return fail(records.status().message());
    return Loaded{*records};
  }

  // Streams [begin, end) of the file through `crc`.
  Status crc_range(std::uint64_t begin, std::uint64_t end, Crc32& crc) {
    while (begin < end) {
      const std::uint64_t n = std::min(end - begin, kWindowBlock);
      PARITY_ASSIGN_OR_RETURN(auto bytes, window.read(begin, n));
      crc.update(bytes);
      begin += n;
    }
    return {};
  }

  // Walks the records from the Header on. `opening`: the open scan, which also checks the
  // data section CRC and records where sequential reading stops (scan_end).
  Status walk(const RecordCallback& visit, const RecordStreamOptions& options_in, bool opening);
  Status walk_chunk(std::uint64_t chunk_offset, std::span<const std::uint8_t> records,
                    const RecordCallback& visit);
  Status visit_attachment(std::uint64_t offset, std::uint64_t length, Record& scratch,
                          const RecordCallback& visit);
};

// ---------------------------------------------------------------------------------------------
// Record walk

Status McapReader::Impl::walk_chunk(std::uint64_t chunk_offset,
                                    std::span<const std::uint8_t> records,
                                    const RecordCallback& visit) {
  std::uint64_t pos = 0;
  Record record;
  while (pos < records.size()) {
    const std::uint64_t left = records.size() - pos;
    if (left < kRecordPrefixSize) {
      report_once(Severity::kError, chunk_offset,
                  fmt::format("chunk records end with {} stray bytes at chunk offset {} (a "
                              "record prefix needs 9)",
                              left, pos));
      return {};
    }
    const std::uint8_t opcode = records[pos];
    const std::uint64_t length = load_u64(records.data() + pos + 1);
    if (length > left - kRecordPrefixSize) {
      report_once(Severity::kError, chunk_offset,
                  fmt::format("{} record at chunk offset {} declares {} content bytes, only {} "
                              "remain in the chunk; skipping the rest of the chunk",
                              opcode_name(opcode), pos, length, left - kRecordPrefixSize));
      return {};
    }
    const auto content = records.subspan(pos + kRecordPrefixSize, length);
    auto parsed = parse_record(opcode, content);
    if (!parsed.ok()) {
      report_once(Severity::kError, chunk_offset,
                  fmt::format("malformed record at chunk offset {}: {}; skipped", pos,
                              parsed.status().message()));
    } else {
      record = std::move(parsed).value();
      RecordView view{opcode, pos, length, chunk_offset, &record};
      PARITY_RETURN_IF_ERROR(visit(view));
    }
    pos += kRecordPrefixSize + length;
  }
  return {};
}

Status McapReader::Impl::visit_attachment(std::uint64_t offset, std::uint64_t length,
                                          Record& scratch, const RecordCallback& visit) {
  const std::uint64_t content_at = offset + kRecordPrefixSize;
  Attachment attachment;
  PARITY_ASSIGN_OR_RETURN(auto prefix,
                          window.read(content_at, std::min(length, kAttachmentPrefix)));
  std::uint64_t needed = 0;
  Status parsed = parse_attachment(prefix, length, attachment, &needed);
  if (parsed.code() == StatusCode::kTruncated) {
    PARITY_ASSIGN_OR_RETURN(prefix, window.read(content_at, needed));
    parsed = parse_attachment(prefix, length, attachment);
  }
  if (!parsed.ok()) {
    report_once(Severity::kError, offset,
                fmt::format("malformed Attachment record: {}; skipped", parsed.message()));
    return {};
  }
  const std::uint64_t crc_at = content_at + attachment.data_offset + attachment.data_size;
  PARITY_ASSIGN_OR_RETURN(auto crc_bytes, window.read(crc_at, 4));
  attachment.crc = load_u32(crc_bytes.data());
  if (options.verify_crcs && attachment.crc != 0) {
    Crc32 crc;
    PARITY_RETURN_IF_ERROR(crc_range(content_at, crc_at, crc));
    if (crc.value() != attachment.crc) {
      report_once(Severity::kError, offset,
                  fmt::format("attachment '{}' CRC mismatch: expected {}, computed {}",
                              attachment.name, hex32(attachment.crc), hex32(crc.value())));
    }
  }
  scratch = std::move(attachment);
  RecordView view{static_cast<std::uint8_t>(Opcode::kAttachment), offset, length, std::nullopt,
                  &scratch};
  return visit(view);
}

Status McapReader::Impl::walk(const RecordCallback& visit, const RecordStreamOptions& opts,
                              bool opening) {
  const std::uint64_t size = source.size();
  std::uint64_t pos = kDataStart;
  Crc32 data_crc;
  bool data_crc_done = !(opening && options.verify_crcs);
  auto stop_at = [&](std::uint64_t offset) {
    if (opening) scan_end = offset;
  };
  if (!data_crc_done) {
    PARITY_ASSIGN_OR_RETURN(auto magic, window.read(0, kDataStart));
    data_crc.update(magic);
  }
  Record record;
  while (true) {
    if (pos == size) {
      report_once(Severity::kError, pos,
                  "the file ends without a Footer record (truncated?); stopped reading here");
      stop_at(pos);
      return {};
    }
    auto prefix = read_prefix(pos, size);
    if (!prefix.ok()) {
      if (prefix.status().code() != StatusCode::kTruncated) return prefix.status();
      // Strip the "<file>: offset N: " part: the diagnostic carries both.
      std::string why = prefix.status().message();
      const std::string lead = fmt::format("{}: offset {}: ", name(), pos);
      if (why.rfind(lead, 0) == 0) why = why.substr(lead.size());
      // An uncompressed chunk cut short still yields its complete inner records.
      if (opts.expand_chunks && size - pos > kRecordPrefixSize) {
        auto head = window.read(pos, size - pos);
        Chunk chunk;
        if (head.ok() && (*head)[0] == static_cast<std::uint8_t>(Opcode::kChunk) &&
            parse_chunk(head->subspan(kRecordPrefixSize), load_u64(head->data() + 1), chunk).ok() &&
            chunk.compression.empty()) {
          const std::uint64_t records_at = pos + kRecordPrefixSize + chunk.records_offset;
          if (records_at < size) {
            PARITY_ASSIGN_OR_RETURN(auto partial, window.read(records_at, size - records_at));
            // Copy: walk_chunk's callbacks may read through the window.
            std::span<std::uint8_t> copy = chunk_buffer.resize(partial.size());
            std::memcpy(copy.data(), partial.data(), partial.size());
            why += "; recovering the complete records of the truncated uncompressed chunk";
            report_once(Severity::kError, pos, fmt::format("truncated file: {}", why));
            bad_chunks.insert(pos);
            stop_at(pos);
            return walk_chunk(pos, chunk_buffer.view(), visit);
          }
        }
      }
      report_once(Severity::kError, pos,
                  fmt::format("truncated file: {}; stopped reading here", why));
      stop_at(pos);
      return {};
    }
    const std::uint8_t opcode = prefix->opcode;
    const std::uint64_t length = prefix->length;
    const std::uint64_t end = pos + kRecordPrefixSize + length;

    if (opcode == static_cast<std::uint8_t>(Opcode::kAttachment)) {
      PARITY_RETURN_IF_ERROR(visit_attachment(pos, length, record, visit));
    } else {
      PARITY_ASSIGN_OR_RETURN(auto content, window.read(pos + kRecordPrefixSize, length));
      if (opcode == static_cast<std::uint8_t>(Opcode::kChunk)) {
        Chunk chunk;
        Status parsed = parse_chunk(content, content.size(), chunk);
        if (!parsed.ok()) {
          bad_chunks.insert(pos);
          report_once(Severity::kError, pos,
                      fmt::format("malformed Chunk record: {}; skipped", parsed.message()));
        } else {
          std::span<const std::uint8_t> records;
          bool decoded = false;
          if (opts.expand_chunks && bad_chunks.count(pos) == 0) {
            auto r = decode_chunk(chunk, chunk_buffer, /*copy=*/true);
            if (r.ok()) {
              records = *r;
              decoded = true;
            } else {
              bad_chunks.insert(pos);
              report_once(Severity::kError, pos,
                          fmt::format("{}; skipping the chunk's messages", r.status().message()));
            }
          }
          record = std::move(chunk);
          RecordView view{opcode, pos, length, std::nullopt, &record};
          PARITY_RETURN_IF_ERROR(visit(view));
          if (decoded) PARITY_RETURN_IF_ERROR(walk_chunk(pos, records, visit));
        }
      } else {
        auto parsed = parse_record(opcode, content);
        if (!parsed.ok()) {
          report_once(Severity::kError, pos,
                      fmt::format("malformed {} record: {}; skipped", opcode_name(opcode),
                                  parsed.status().message()));
        } else {
          record = std::move(parsed).value();
          RecordView view{opcode, pos, length, std::nullopt, &record};
          PARITY_RETURN_IF_ERROR(visit(view));
        }
      }
    }

    if (opcode == static_cast<std::uint8_t>(Opcode::kDataEnd)) {
      if (!data_crc_done) {
        data_crc_done = true;
        DataEnd data_end;
        PARITY_ASSIGN_OR_RETURN(auto content, window.read(pos + kRecordPrefixSize, length));
        if (parse_data_end(content, data_end).ok() && data_end.data_section_crc != 0 &&
            data_end.data_section_crc != data_crc.value()) {
          report_once(Severity::kError, pos,
                      fmt::format("data section CRC mismatch: expected {}, computed {}",
                                  hex32(data_end.data_section_crc), hex32(data_crc.value())));
        }
      }
      if (opts.stop_at_data_end) {
        stop_at(pos);
        return {};
      }
    } else if (!data_crc_done) {
      PARITY_RETURN_IF_ERROR(crc_range(pos, end, data_crc));
    }
    if (opcode == static_cast<std::uint8_t>(Opcode::kFooter)) {
      if (size - end != kMagic.size()) {
        report_once(Severity::kWarning, pos,
                    fmt::format("Footer record found {} bytes before the end of the file (expected "
                                "only the 8-byte magic after it); stopped reading here",
                                size - end));
      }
      stop_at(pos);
      return {};
    }
    pos = end;
  }
}

// ---------------------------------------------------------------------------------------------
// Cursors

namespace {

class CursorBase : public McapMessageCursor {
 public:
  CursorBase(McapReader::Impl& impl, const McapReadOptions& options)
      : impl_(impl), options_(options) {
    if (!options_.channel_ids.empty()) {
      wanted_.assign(65536, false);
      for (std::uint16_t id : options_.channel_ids) wanted_[id] = true;
    }
  }
  std::uint64_t bytes_consumed() const override { return consumed_; }

 protected:
  bool want_channel(std::uint16_t id) const { return wanted_.empty() || wanted_[id]; }
  bool want_time(std::uint64_t t) const {
    return (!options_.start_time || t >= *options_.start_time) &&
           (!options_.end_time || t < *options_.end_time);
  }
  // Whether a chunk spanning [start, end] can hold a wanted message.
  bool want_range(std::uint64_t start, std::uint64_t end) const {
    return (!options_.start_time || end >= *options_.start_time) &&
           (!options_.end_time || start < *options_.end_time);
  }
  bool limit_reached() const { return options_.limit && delivered_ >= *options_.limit; }

  // Fills `out` from a parsed message when it is wanted. Reports unknown channels once.
  bool accept(const Message& message, std::uint64_t record_offset, McapMessageView& out) {
    if (!want_channel(message.channel_id) || !want_time(message.log_time)) return false;
    const Channel* channel = message.channel_id < impl_.channel_table.size()
                                 ? impl_.channel_table[message.channel_id]
                                 : nullptr;
    if (channel == nullptr) {
      impl_.report_once(Severity::kError, record_offset,
                        fmt::format("message on unknown channel id {}; skipped (and every other "
                                    "message of this record/chunk on unknown channels)",
                                    message.channel_id));
      return false;
    }
    out.channel = channel;
    out.schema = impl_.schema_table[message.channel_id];
    out.message = message;
    out.record_offset = record_offset;
    ++delivered_;
    return true;
  }

  // Parses the message record whose prefix starts at records[pos]; false when malformed.
  bool parse_inner(std::span<const std::uint8_t> records, std::uint64_t pos,
                   std::uint64_t chunk_offset, Message& message) {
    const std::uint64_t length = load_u64(records.data() + pos + 1);
    Status s = parse_message(records.subspan(pos + kRecordPrefixSize, length), message);
    if (!s.ok()) {
      impl_.report_once(Severity::kError, chunk_offset,
                        fmt::format("malformed Message record at chunk offset {}: {}; skipped", pos,
                                    s.message()));
      return false;
    }
    return true;
  }

  McapReader::Impl& impl_;
  McapReadOptions options_;
  std::vector<bool> wanted_;
  std::uint64_t delivered_ = 0;
  std::uint64_t consumed_ = 0;
};

// Checks the framing of the inner record at `pos`; reports and returns false when it overruns.
bool inner_record_fits(McapReader::Impl& impl, std::span<const std::uint8_t> records,
                       std::uint64_t pos, std::uint64_t chunk_offset) {
  const std::uint64_t left = records.size() - pos;
  if (left < kRecordPrefixSize) {
    impl.report_once(Severity::kError, chunk_offset,
                     fmt::format("chunk records end with {} stray bytes at chunk offset {} (a "
                                 "record prefix needs 9)",
                                 left, pos));
    return false;
  }
  const std::uint64_t length = load_u64(records.data() + pos + 1);
  if (length > left - kRecordPrefixSize) {
    impl.report_once(Severity::kError, chunk_offset,
                     fmt::format("{} record at chunk offset {} declares {} content bytes, only "
                                 "{} remain in the chunk; skipping the rest of the chunk",
                                 opcode_name(records[pos]), pos, length, left - kRecordPrefixSize));
    return false;
  }
  return true;
}

// File order. Without an index: one pass over the top-level records up to where the open
// scan stopped. With an index: the chunks listed by the chunk indexes, in file order.
class FileOrderCursor final : public CursorBase {
 public:
  FileOrderCursor(McapReader::Impl& impl, const McapSummary& summary,
                  const McapReadOptions& options)
      : CursorBase(impl, options), indexed_(summary.indexed) {
    pos_ = impl.header_end;
    if (indexed_) {
      for (const ChunkIndex& index : summary.chunk_indexes) {
        if (!want_range(index.message_start_time, index.message_end_time)) continue;
        if (!wanted_.empty() && !index.message_index_offsets.empty()) {
          bool any = false;
          for (const auto& [channel, offset] : index.message_index_offsets) {
            any = any || wanted_[channel];
          }
          if (!any) continue;
        }
        units_.push_back(&index);
      }
      std::sort(units_.begin(), units_.end(), [](const ChunkIndex* a, const ChunkIndex* b) {
        return a->chunk_start_offset < b->chunk_start_offset;
      });
    }
  }

  Result<bool> next(McapMessageView& out) override {
    if (limit_reached()) return false;
    while (true) {
      while (inner_pos_ < records_.size()) {
        if (!inner_record_fits(impl_, records_, inner_pos_, chunk_offset_)) {
          records_ = {};
          break;
        }
        const std::uint64_t pos = inner_pos_;
        inner_pos_ += kRecordPrefixSize + load_u64(records_.data() + pos + 1);
        if (records_[pos] != static_cast<std::uint8_t>(Opcode::kMessage)) continue;
        Message message;
        if (parse_inner(records_, pos, chunk_offset_, message) &&
            accept(message, chunk_offset_, out)) {
          return true;
        }
      }
      records_ = {};
      inner_pos_ = 0;
      PARITY_ASSIGN_OR_RETURN(const bool more,
                              indexed_ ? next_indexed_chunk() : next_top_level(out));
      if (!more) {
        consumed_ = impl_.source.size();
        return false;
      }
      if (delivered_now_) {
        delivered_now_ = false;
        return true;
      }
    }
  }

 private:
  // Loads the next wanted chunk from the index into records_. False at the end.
  Result<bool> next_indexed_chunk() {
    while (next_unit_ < units_.size()) {
      const ChunkIndex& index = *units_[next_unit_++];
      Chunk chunk;
      PARITY_ASSIGN_OR_RETURN(auto loaded,
                              impl_.load_chunk_at(index.chunk_start_offset, index.chunk_length,
                                                  impl_.chunk_buffer, /*copy=*/false, chunk));
      consumed_ = index.chunk_start_offset + index.chunk_length;
      if (!loaded) continue;
      records_ = *loaded;
      chunk_offset_ = index.chunk_start_offset;
      return true;
    }
    return false;
  }

  // Advances over top-level records until a chunk is loaded into records_ or a loose message
  // is delivered into `out` (delivered_now_). False at the end of the data.
  Result<bool> next_top_level(McapMessageView& out) {
    while (pos_ < impl_.scan_end) {
      auto prefix = impl_.read_prefix(pos_, impl_.source.size());
      if (!prefix.ok()) return false;  // reported by the open scan
      const std::uint64_t at = pos_;
      const std::uint64_t end = pos_ + kRecordPrefixSize + prefix->length;
      pos_ = end;
      consumed_ = end;
      if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kMessage)) {
        PARITY_ASSIGN_OR_RETURN(auto content,
                                impl_.window.read(at + kRecordPrefixSize, prefix->length));
        Message message;
        Status s = parse_message(content, message);
        if (!s.ok()) {
          impl_.report_once(Severity::kError, at,
                            fmt::format("malformed Message record: {}; skipped", s.message()));
          continue;
        }
        if (accept(message, at, out)) {
          delivered_now_ = true;
          return true;
        }
      } else if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kChunk)) {
        if (impl_.bad_chunks.count(at) != 0) continue;
        Chunk chunk;
        PARITY_ASSIGN_OR_RETURN(auto head,
                                impl_.window.read(at + kRecordPrefixSize,
                                                  std::min<std::uint64_t>(prefix->length, 4096)));
        if (parse_chunk(head, prefix->length, chunk).ok() &&
            !want_range(chunk.message_start_time, chunk.message_end_time)) {
          continue;
        }
        PARITY_ASSIGN_OR_RETURN(auto loaded, impl_.load_chunk_at(at, end - at, impl_.chunk_buffer,
                                                                 /*copy=*/false, chunk));
        if (!loaded) continue;
        records_ = *loaded;
        chunk_offset_ = at;
        return true;
      } else if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kDataEnd) ||
                 prefix->opcode == static_cast<std::uint8_t>(Opcode::kFooter)) {
        break;
      }
    }
    // A truncated uncompressed chunk at scan_end: replay its complete records.
    if (!tail_done_ && impl_.bad_chunks.count(impl_.scan_end) != 0 &&
        impl_.scan_end < impl_.source.size()) {
      tail_done_ = true;
      const std::uint64_t at = impl_.scan_end;
      auto head = impl_.window.read(at, impl_.source.size() - at);
      Chunk chunk;
      if (head.ok() && head->size() > kRecordPrefixSize &&
          (*head)[0] == static_cast<std::uint8_t>(Opcode::kChunk) &&
          parse_chunk(head->subspan(kRecordPrefixSize), load_u64(head->data() + 1), chunk).ok() &&
          chunk.compression.empty() && kRecordPrefixSize + chunk.records_offset < head->size()) {
        records_ = head->subspan(kRecordPrefixSize + chunk.records_offset);
        chunk_offset_ = at;
        pos_ = impl_.scan_end;
        return true;
      }
    }
    return false;
  }

  bool indexed_;
  std::vector<const ChunkIndex*> units_;
  std::size_t next_unit_ = 0;
  std::uint64_t pos_ = 0;
  bool delivered_now_ = false;
  bool tail_done_ = false;
  std::span<const std::uint8_t> records_;
  std::uint64_t inner_pos_ = 0;
  std::uint64_t chunk_offset_ = 0;
};

// Log-time order: merges units (chunks, or loose messages) sorted by start time; a unit is
// loaded once the earliest pending message is not earlier than its start time.
class LogTimeCursor final : public CursorBase {
 public:
  struct Unit {
    std::uint64_t start_time = 0;
    std::uint64_t end_time = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // whole record
    std::uint64_t order = 0;   // rank in file order (tie-breaker)
    enum Kind : std::uint8_t { kChunk, kLooseMessage, kTruncatedChunk } kind = kChunk;
  };

  LogTimeCursor(McapReader::Impl& impl, const McapReadOptions& options)
      : CursorBase(impl, options) {}

  Status init(const McapSummary& summary) {
    if (summary.indexed) {
      for (const ChunkIndex& index : summary.chunk_indexes) {
        units_.push_back({index.message_start_time, index.message_end_time,
                          index.chunk_start_offset, index.chunk_length, 0, Unit::kChunk});
      }
    } else {
      PARITY_RETURN_IF_ERROR(list_units());
    }
    std::vector<std::size_t> by_offset(units_.size());
    for (std::size_t i = 0; i < by_offset.size(); ++i) by_offset[i] = i;
    std::sort(by_offset.begin(), by_offset.end(),
              [&](std::size_t a, std::size_t b) { return units_[a].offset < units_[b].offset; });
    for (std::size_t rank = 0; rank < by_offset.size(); ++rank)
      units_[by_offset[rank]].order = rank;
    std::erase_if(units_, [&](const Unit& u) { return !want_range(u.start_time, u.end_time); });
    std::sort(units_.begin(), units_.end(), [](const Unit& a, const Unit& b) {
      return a.start_time != b.start_time ? a.start_time < b.start_time : a.order < b.order;
    });
    return {};
  }

  Result<bool> next(McapMessageView& out) override {
    if (pending_free_) {
      free_.push_back(*pending_free_);
      pending_free_.reset();
    }
    while (true) {
      if (limit_reached()) return false;
      while (next_unit_ < units_.size() &&
             (heap_.empty() || units_[next_unit_].start_time <= heap_.front().log_time)) {
        PARITY_RETURN_IF_ERROR(load(units_[next_unit_++]));
      }
      if (heap_.empty()) {
        consumed_ = impl_.source.size();
        return false;
      }
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      const Entry entry = heap_.back();
      heap_.pop_back();
      Slot& slot = slots_[entry.slot];
      const bool last = --slot.remaining == 0;
      Message message;
      if (parse_inner(slot.records, entry.pos, slot.offset, message) &&
          accept(message, slot.offset, out)) {
        if (last) pending_free_ = entry.slot;  // `out` views the slot until the next call
        return true;
      }
      if (last) free_.push_back(entry.slot);
    }
  }

 private:
  struct Slot {
    ByteBuffer buffer;
    std::span<const std::uint8_t> records;
    std::uint64_t offset = 0;
    std::uint64_t remaining = 0;
  };
  struct Entry {
    std::uint64_t log_time;
    std::uint64_t order;
    std::uint64_t pos;
    std::uint32_t slot;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.log_time != b.log_time) return a.log_time > b.log_time;
      if (a.order != b.order) return a.order > b.order;
      return a.pos > b.pos;
    }
  };

  // One pass over the top-level record prefixes (no decompression) listing chunks and loose
  // messages with their time ranges.
  Status list_units() {
    std::uint64_t pos = impl_.header_end;
    while (pos < impl_.scan_end) {
      auto prefix = impl_.read_prefix(pos, impl_.source.size());
      if (!prefix.ok()) break;
      const std::uint64_t end = pos + kRecordPrefixSize + prefix->length;
      if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kChunk) &&
          impl_.bad_chunks.count(pos) == 0) {
        PARITY_ASSIGN_OR_RETURN(auto head,
                                impl_.window.read(pos + kRecordPrefixSize,
                                                  std::min<std::uint64_t>(prefix->length, 4096)));
        Chunk chunk;
        // A chunk whose header does not parse is reported when loaded.
        const bool ok = parse_chunk(head, prefix->length, chunk).ok();
        units_.push_back({ok ? chunk.message_start_time : 0,
                          ok ? chunk.message_end_time : std::numeric_limits<std::uint64_t>::max(),
                          pos, end - pos, 0, Unit::kChunk});
      } else if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kMessage) &&
                 prefix->length >= kMessageFixedSize) {
        PARITY_ASSIGN_OR_RETURN(auto head,
                                impl_.window.read(pos + kRecordPrefixSize, kMessageFixedSize));
        const std::uint64_t log_time = load_u64(head.data() + 6);
        if (want_channel(load_u16(head.data()))) {
          units_.push_back({log_time, log_time, pos, end - pos, 0, Unit::kLooseMessage});
        }
      } else if (prefix->opcode == static_cast<std::uint8_t>(Opcode::kDataEnd) ||
                 prefix->opcode == static_cast<std::uint8_t>(Opcode::kFooter)) {
        break;
      }
      pos = end;
    }
    // A truncated uncompressed chunk where the open scan stopped: its complete records count.
    const std::uint64_t size = impl_.source.size();
    if (impl_.bad_chunks.count(impl_.scan_end) != 0 && impl_.scan_end < size) {
      units_.push_back({0, std::numeric_limits<std::uint64_t>::max(), impl_.scan_end,
                        size - impl_.scan_end, 0, Unit::kTruncatedChunk});
    }
    return {};
  }

  Status load(const Unit& unit) {
    consumed_ += unit.length;
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    Slot& slot = slots_[index];
    slot.offset = unit.offset;
    slot.remaining = 0;
    if (unit.kind == Unit::kChunk) {
      Chunk chunk;
      PARITY_ASSIGN_OR_RETURN(auto loaded, impl_.load_chunk_at(unit.offset, unit.length,
                                                               slot.buffer, /*copy=*/true, chunk));
      slot.records = loaded ? *loaded : std::span<const std::uint8_t>{};
    } else if (unit.kind == Unit::kTruncatedChunk) {
      PARITY_ASSIGN_OR_RETURN(auto bytes, impl_.window.read(unit.offset, unit.length));
      Chunk chunk;
      slot.records = {};
      if (bytes.size() > kRecordPrefixSize &&
          parse_chunk(bytes.subspan(kRecordPrefixSize), load_u64(bytes.data() + 1), chunk).ok() &&
          kRecordPrefixSize + chunk.records_offset < bytes.size()) {
        const auto records = bytes.subspan(kRecordPrefixSize + chunk.records_offset);
        std::span<std::uint8_t> copy = slot.buffer.resize(records.size());
        std::memcpy(copy.data(), records.data(), records.size());
        slot.records = copy;
      }
    } else {
      PARITY_ASSIGN_OR_RETURN(auto bytes, impl_.window.read(unit.offset, unit.length));
      std::span<std::uint8_t> copy = slot.buffer.resize(bytes.size());
      std::memcpy(copy.data(), bytes.data(), bytes.size());
      slot.records = copy;
    }
    std::uint64_t pos = 0;
    while (pos < slot.records.size()) {
      if (!inner_record_fits(impl_, slot.records, pos, unit.offset)) break;
      const std::uint64_t at = pos;
      pos += kRecordPrefixSize + load_u64(slot.records.data() + at + 1);
      if (slot.records[at] != static_cast<std::uint8_t>(Opcode::kMessage)) continue;
      const std::uint64_t length = load_u64(slot.records.data() + at + 1);
      if (length < kMessageFixedSize) {
        impl_.report_once(Severity::kError, unit.offset,
                          fmt::format("malformed Message record at chunk offset {}: {} bytes, "
                                      "fewer than the {} fixed bytes; skipped",
                                      at, length, kMessageFixedSize));
        continue;
      }
      const std::uint8_t* p = slot.records.data() + at + kRecordPrefixSize;
      const std::uint64_t log_time = load_u64(p + 6);
      if (!want_channel(load_u16(p)) || !want_time(log_time)) continue;
      heap_.push_back({log_time, unit.order, at, index});
      std::push_heap(heap_.begin(), heap_.end(), Later{});
      ++slot.remaining;
    }
    if (slot.remaining == 0) free_.push_back(index);
    return {};
  }

  std::vector<Unit> units_;
  std::size_t next_unit_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::optional<std::uint32_t> pending_free_;
  std::vector<Entry> heap_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Open

namespace {

// Builds the summary by scanning the data section (used when there is no usable index).
class ScanCollector {
 public:
  explicit ScanCollector(McapSummary& summary) : summary_(summary) {}

  Status operator()(const RecordView& view) {
    const Record& record = *view.record;
    if (after_data_end_) {
      // Summary section: only its Schema and Channel copies matter (channels declared without
      // messages appear nowhere else).
      if (const auto* channel = std::get_if<Channel>(&record)) add_channel(*channel);
      if (const auto* schema = std::get_if<Schema>(&record)) add_schema(*schema);
      return {};
    }
    if (view.opcode == static_cast<std::uint8_t>(Opcode::kDataEnd) && !view.chunk_offset) {
      after_data_end_ = true;
      return {};
    }
    if (const auto* message = std::get_if<Message>(&record)) {
      auto it = summary_.channel_stats.find(message->channel_id);
      if (it == summary_.channel_stats.end()) return {};  // reported on read
      ChannelStats& stats = it->second;
      if (stats.message_count == 0 || message->log_time < stats.start_time) {
        stats.start_time = message->log_time;
      }
      if (stats.message_count == 0 || message->log_time > stats.end_time) {
        stats.end_time = message->log_time;
      }
      ++stats.message_count;
    } else if (const auto* channel = std::get_if<Channel>(&record)) {
      add_channel(*channel);
    } else if (const auto* schema = std::get_if<Schema>(&record)) {
      add_schema(*schema);
    } else if (const auto* chunk = std::get_if<Chunk>(&record)) {
      ++summary_.statistics.chunk_count;
      ++summary_.chunk_compression_counts[chunk->compression];
    } else if (const auto* metadata = std::get_if<Metadata>(&record)) {
      if (!view.chunk_offset) summary_.metadata.push_back(*metadata);
    } else if (const auto* attachment = std::get_if<Attachment>(&record);
               attachment != nullptr && !view.chunk_offset) {
      summary_.attachments.push_back({view.offset, kRecordPrefixSize + view.length,
                                      attachment->log_time, attachment->create_time,
                                      attachment->name, attachment->media_type,
                                      attachment->data_size});
    }
    return {};
  }

  void add_channel(const Channel& channel) {
    if (summary_.channels.emplace(channel.id, channel).second) {
      summary_.channel_stats.emplace(channel.id, ChannelStats{});
    }
  }
  void add_schema(const Schema& schema) {
    if (schema.id != 0) summary_.schemas.emplace(schema.id, schema);
  }

  void finish() {
    Statistics& s = summary_.statistics;
    s.schema_count = static_cast<std::uint16_t>(summary_.schemas.size());
    s.channel_count = static_cast<std::uint32_t>(summary_.channels.size());
    s.attachment_count = static_cast<std::uint32_t>(summary_.attachments.size());
    s.metadata_count = static_cast<std::uint32_t>(summary_.metadata.size());
    bool first = true;
    for (const auto& [id, stats] : summary_.channel_stats) {
      if (stats.message_count == 0) continue;
      s.message_count += stats.message_count;
      s.channel_message_counts[id] = stats.message_count;
      if (first || stats.start_time < s.message_start_time) s.message_start_time = stats.start_time;
      if (first || stats.end_time > s.message_end_time) s.message_end_time = stats.end_time;
      first = false;
    }
  }

 private:
  McapSummary& summary_;
  bool after_data_end_ = false;
};

}  // namespace

bool has_mcap_magic(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= kMagic.size() && std::equal(kMagic.begin(), kMagic.end(), bytes.begin());
}

McapReader::McapReader(const ByteSource& source, DiagnosticSink& diagnostics,
                       McapReaderOptions options)
    : source_(source), impl_(std::make_unique<Impl>(source, diagnostics, options)) {}

McapReader::~McapReader() = default;

namespace {

// Reads and validates the summary section; returns false (after reporting why, when the
// summary is damaged rather than absent) when the reader must scan instead.
class SummaryLoader {
 public:
  SummaryLoader(McapReader::Impl& impl, McapSummary& summary) : impl_(impl), summary_(summary) {}

  // True when load() found the footer or summary damaged (and reported it).
  bool damaged() const { return damaged_; }

  Result<bool> load() {
    const std::uint64_t size = impl_.source.size();
    if (size < impl_.header_end + kFooterAndMagicSize) {
      return reject(Severity::kError, size,
                    "the file is too short to end with a Footer and the magic (truncated?); "
                    "reading sequentially");
    }
    const std::uint64_t footer_at = size - kFooterAndMagicSize;
    PARITY_ASSIGN_OR_RETURN(auto tail, impl_.window.read(footer_at, kFooterAndMagicSize, false));
    if (!has_mcap_magic(tail.subspan(kRecordPrefixSize + kFooterContentSize))) {
      return reject(Severity::kError, size - kMagic.size(),
                    "the file does not end with the MCAP magic (truncated?); reading "
                    "sequentially");
    }
    if (tail[0] != static_cast<std::uint8_t>(Opcode::kFooter) ||
        load_u64(tail.data() + 1) != kFooterContentSize) {
      return reject(Severity::kWarning, footer_at,
                    fmt::format("expected a Footer record (opcode 0x02, length 20) before the "
                                "trailing magic, found {} of length {}; reading sequentially",
                                opcode_name(tail[0]), load_u64(tail.data() + 1)));
    }
    Footer footer;
    PARITY_RETURN_IF_ERROR(
        parse_footer(tail.subspan(kRecordPrefixSize, kFooterContentSize), footer));
    if (footer.summary_start == 0) return false;  // a valid file without a summary
    const bool bad_start =
        footer.summary_start < impl_.header_end || footer.summary_start > footer_at;
    const bool bad_offsets =
        footer.summary_offset_start != 0 && (footer.summary_offset_start < footer.summary_start ||
                                             footer.summary_offset_start > footer_at);
    if (bad_start || bad_offsets) {
      return reject(Severity::kWarning, footer_at,
                    fmt::format("Footer points outside the file: summary_start {}, "
                                "summary_offset_start {}, footer at {}; reading sequentially",
                                footer.summary_start, footer.summary_offset_start, footer_at));
    }
    const std::uint64_t summary_end =
        footer.summary_offset_start != 0 ? footer.summary_offset_start : footer_at;
    // The summary CRC covers the summary and summary offset sections plus the footer up to
    // and including summary_offset_start (spec "Footer").
    const std::uint64_t crc_end = footer_at + kRecordPrefixSize + 16;
    PARITY_ASSIGN_OR_RETURN(
        auto bytes, impl_.window.read(footer.summary_start, crc_end - footer.summary_start, false));
    if (impl_.options.verify_crcs && footer.summary_crc != 0) {
      const std::uint32_t computed = crc32(bytes);
      if (computed != footer.summary_crc) {
        return reject(Severity::kWarning, footer_at,
                      fmt::format("summary CRC mismatch: expected {}, computed {}; ignoring the "
                                  "summary and reading sequentially",
                                  hex32(footer.summary_crc), hex32(computed)));
      }
    }
    // Copy: later reads reuse the window.
    summary_bytes_.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(
                                                             summary_end - footer.summary_start));
    PARITY_ASSIGN_OR_RETURN(const bool parsed, parse_summary(footer.summary_start));
    if (!parsed) return false;
    return finish(footer.summary_start);
  }

 private:
  Result<bool> reject(Severity severity, std::uint64_t offset, std::string message) {
    impl_.report_once(severity, offset, std::move(message));
    damaged_ = true;
    return false;
  }

  Result<bool> parse_summary(std::uint64_t base) {
    std::span<const std::uint8_t> bytes = summary_bytes_;
    std::uint64_t pos = 0;
    while (pos < bytes.size()) {
      const std::uint64_t left = bytes.size() - pos;
      const std::uint64_t length = left >= kRecordPrefixSize ? load_u64(bytes.data() + pos + 1) : 0;
      if (left < kRecordPrefixSize || length > left - kRecordPrefixSize) {
        return reject(Severity::kWarning, base + pos,
                      fmt::format("summary record overruns the summary section ({} bytes "
                                  "left); reading sequentially",
                                  left));
      }
      const std::uint8_t opcode = bytes[pos];
      const auto content = bytes.subspan(pos + kRecordPrefixSize, length);
      Status s;
      switch (static_cast<Opcode>(opcode)) {
        case Opcode::kSchema: {
          Schema schema;
          s = parse_schema(content, schema);
          if (s.ok() && schema.id != 0) summary_.schemas.emplace(schema.id, std::move(schema));
          break;
        }
        case Opcode::kChannel: {
          Channel channel;
          s = parse_channel(content, channel);
          if (s.ok()) summary_.channels.emplace(channel.id, std::move(channel));
          break;
        }
        case Opcode::kStatistics: {
          Statistics stats;
          s = parse_statistics(content, stats);
          if (s.ok() && !statistics_) statistics_ = std::move(stats);
          break;
        }
        case Opcode::kChunkIndex: {
          ChunkIndex index;
          s = parse_chunk_index(content, index);
          if (s.ok()) summary_.chunk_indexes.push_back(std::move(index));
          break;
        }
        case Opcode::kAttachmentIndex: {
          AttachmentIndex index;
          s = parse_attachment_index(content, index);
          if (s.ok()) attachment_indexes_.push_back(std::move(index));
          break;
        }
        case Opcode::kMetadataIndex: {
          MetadataIndex index;
          s = parse_metadata_index(content, index);
          if (s.ok()) metadata_indexes_.push_back(std::move(index));
          break;
        }
        default: break;  // summary offsets, unknown opcodes
      }
      if (!s.ok()) {
        return reject(
            Severity::kWarning, base + pos,
            fmt::format("malformed summary record: {}; reading sequentially", s.message()));
      }
      pos += kRecordPrefixSize + length;
    }
    return true;
  }

  Result<bool> finish(std::uint64_t summary_start) {
    summary_start_ = summary_start;
    if (!statistics_) return false;  // no Statistics: counts need the scan
    const Statistics& stats = *statistics_;
    auto inconsistent = [&](std::string what) {
      return reject(Severity::kWarning, summary_start,
                    fmt::format("summary is inconsistent: {}; reading sequentially", what));
    };
    if (stats.chunk_count != summary_.chunk_indexes.size()) {
      // Chunk indexes are optional; without them (or with some missing) the scan is exact.
      if (summary_.chunk_indexes.empty()) return false;
      return inconsistent(fmt::format("Statistics counts {} chunks, the summary indexes {}",
                                      stats.chunk_count, summary_.chunk_indexes.size()));
    }
    if (stats.attachment_count != attachment_indexes_.size() ||
        stats.metadata_count != metadata_indexes_.size()) {
      return false;  // attachment / metadata indexes are optional: scan for the records
    }
    std::uint64_t sum = 0;
    for (const auto& [id, count] : stats.channel_message_counts) {
      // The spec requires Channel copies in the summary then, but some writers omit them:
      // the scan finds the channels.
      if (summary_.channels.count(id) == 0) return false;
      sum += count;
    }
    if (stats.message_count > 0) {
      if (stats.channel_message_counts.empty() || summary_.chunk_indexes.empty()) return false;
      if (sum != stats.message_count) {
        return inconsistent(
            fmt::format("Statistics message_count {} differs from the sum of "
                        "per-channel counts {}",
                        stats.message_count, sum));
      }
    }
    const std::uint64_t size = impl_.source.size();
    for (const ChunkIndex& index : summary_.chunk_indexes) {
      if (index.chunk_start_offset < impl_.header_end || index.chunk_length > size ||
          index.chunk_start_offset > summary_start - std::min(summary_start, index.chunk_length)) {
        return inconsistent(
            fmt::format("chunk index points at offset {} length {}, outside the "
                        "data section",
                        index.chunk_start_offset, index.chunk_length));
      }
      if (index.message_index_offsets.empty() && stats.message_count > 0) return false;
    }
    std::sort(summary_.chunk_indexes.begin(), summary_.chunk_indexes.end(),
              [](const ChunkIndex& a, const ChunkIndex& b) {
                return a.chunk_start_offset < b.chunk_start_offset;
              });
    for (const auto& [id, channel] : summary_.channels) {
      ChannelStats stats_for;
      auto it = stats.channel_message_counts.find(id);
      if (it != stats.channel_message_counts.end() && it->second > 0) {
        stats_for.message_count = it->second;
        PARITY_ASSIGN_OR_RETURN(const bool ok, channel_times(id, stats_for));
        if (!ok) return false;
      }
      summary_.channel_stats.emplace(id, stats_for);
    }
    // Cross-check the file-wide time range with the per-channel ones.
    if (stats.message_count > 0) {
      std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
      std::uint64_t hi = 0;
      for (const auto& [id, s] : summary_.channel_stats) {
        if (s.message_count == 0) continue;
        lo = std::min(lo, s.start_time);
        hi = std::max(hi, s.end_time);
      }
      if (lo != stats.message_start_time || hi != stats.message_end_time) {
        return inconsistent(
            fmt::format("Statistics time range [{}, {}] differs from the message "
                        "indexes' [{}, {}]",
                        stats.message_start_time, stats.message_end_time, lo, hi));
      }
    }
    for (const MetadataIndex& index : metadata_indexes_) {
      PARITY_ASSIGN_OR_RETURN(const bool ok, load_metadata(index));
      if (!ok) return false;
    }
    for (const AttachmentIndex& index : attachment_indexes_) {
      summary_.attachments.push_back({index.offset, index.length, index.log_time, index.create_time,
                                      index.name, index.media_type, index.data_size});
    }
    std::sort(summary_.attachments.begin(), summary_.attachments.end(),
              [](const AttachmentInfo& a, const AttachmentInfo& b) { return a.offset < b.offset; });
    for (const ChunkIndex& index : summary_.chunk_indexes) {
      ++summary_.chunk_compression_counts[index.compression];
    }
    summary_.statistics = stats;
    summary_.indexed = true;
    impl_.scan_end = summary_start;
    return true;
  }

  // Exact first/last log time of `channel` from the MessageIndex records of the chunks that
  // can hold them.
  Result<bool> channel_times(std::uint16_t channel, ChannelStats& out) {
    std::vector<const ChunkIndex*> chunks;
    for (const ChunkIndex& index : summary_.chunk_indexes) {
      if (index.message_index_offsets.count(channel) != 0) chunks.push_back(&index);
    }
    if (chunks.empty()) {
      return reject(Severity::kWarning, summary_start_,
                    fmt::format("channel {} has messages but no chunk indexes it; reading "
                                "sequentially",
                                channel));
    }
    std::sort(chunks.begin(), chunks.end(), [](const ChunkIndex* a, const ChunkIndex* b) {
      return a->message_start_time < b->message_start_time;
    });
    bool found = false;
    for (const ChunkIndex* index : chunks) {
      if (found && index->message_start_time >= out.start_time) break;
      PARITY_ASSIGN_OR_RETURN(auto range, index_range(*index, channel));
      if (!range) return false;
      if (!found || range->first < out.start_time) out.start_time = range->first;
      found = true;
    }
    std::sort(chunks.begin(), chunks.end(), [](const ChunkIndex* a, const ChunkIndex* b) {
      return a->message_end_time > b->message_end_time;
    });
    found = false;
    for (const ChunkIndex* index : chunks) {
      if (found && index->message_end_time <= out.end_time) break;
      PARITY_ASSIGN_OR_RETURN(auto range, index_range(*index, channel));
      if (!range) return false;
      if (!found || range->second > out.end_time) out.end_time = range->second;
      found = true;
    }
    return true;
  }

  // (min, max) log time in the MessageIndex of `channel` after the chunk; nullopt (reported)
  // when the index record is damaged.
  Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>> index_range(
      const ChunkIndex& index, std::uint16_t channel) {
    using Range = std::optional<std::pair<std::uint64_t, std::uint64_t>>;
    const std::uint64_t at = index.message_index_offsets.at(channel);
    const std::uint64_t size = impl_.source.size();
    auto prefix = impl_.read_prefix(at, size, /*sequential=*/false);
    if (!prefix.ok() || prefix->opcode != static_cast<std::uint8_t>(Opcode::kMessageIndex)) {
      impl_.report_once(
          Severity::kWarning, at,
          fmt::format("chunk index for the chunk at offset {} points at a "
                      "MessageIndex for channel {} here, found {}; reading "
                      "sequentially",
                      index.chunk_start_offset, channel,
                      prefix.ok() ? opcode_name(prefix->opcode) : prefix.status().message()));
      return Range{};
    }
    PARITY_ASSIGN_OR_RETURN(auto content,
                            impl_.window.read(at + kRecordPrefixSize, prefix->length, false));
    MessageIndex message_index;
    Status s = parse_message_index(content, message_index);
    if (!s.ok() || message_index.channel_id != channel || message_index.records.empty()) {
      impl_.report_once(Severity::kWarning, at,
                        fmt::format("bad MessageIndex for channel {} (found channel {}, {} "
                                    "entries{}{}); reading sequentially",
                                    channel, message_index.channel_id, message_index.records.size(),
                                    s.ok() ? "" : ": ", s.message()));
      return Range{};
    }
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t hi = 0;
    for (const MessageIndexEntry& e : message_index.records) {
      lo = std::min(lo, e.log_time);
      hi = std::max(hi, e.log_time);
    }
    return Range{std::make_pair(lo, hi)};
  }

  Result<bool> load_metadata(const MetadataIndex& index) {
    auto prefix = impl_.read_prefix(index.offset, impl_.source.size(), false);
    if (!prefix.ok() || prefix->opcode != static_cast<std::uint8_t>(Opcode::kMetadata) ||
        kRecordPrefixSize + prefix->length != index.length) {
      return reject(Severity::kWarning, index.offset,
                    fmt::format("metadata index '{}' does not point at a Metadata record of {} "
                                "bytes; reading sequentially",
                                index.name, index.length));
    }
    PARITY_ASSIGN_OR_RETURN(
        auto content, impl_.window.read(index.offset + kRecordPrefixSize, prefix->length, false));
    Metadata metadata;
    Status s = parse_metadata(content, metadata);
    if (!s.ok()) {
      return reject(
          Severity::kWarning, index.offset,
          fmt::format("malformed Metadata record: {}; reading sequentially", s.message()));
    }
    summary_.metadata.push_back(std::move(metadata));
    return true;
  }

  McapReader::Impl& impl_;
  McapSummary& summary_;
  bool damaged_ = false;
  std::uint64_t summary_start_ = 0;
  std::vector<std::uint8_t> summary_bytes_;
  std::optional<Statistics> statistics_;
  std::vector<AttachmentIndex> attachment_indexes_;
  std::vector<MetadataIndex> metadata_indexes_;
};

}  // namespace

Result<std::unique_ptr<McapReader>> McapReader::open(const ByteSource& source,
                                                     DiagnosticSink& diagnostics,
                                                     McapReaderOptions options) {
  const std::string& name = source.name();
  const std::uint64_t size = source.size();
  if (size == 0) {
    return truncated(fmt::format("{}: empty file (0 bytes): expected the MCAP magic", name));
  }
  if (size < kMagic.size()) {
    return truncated(
        fmt::format("{}: offset 0: file of {} bytes is shorter than the 8-byte "
                    "MCAP magic",
                    name, size));
  }
  std::unique_ptr<McapReader> reader(new McapReader(source, diagnostics, options));
  Impl& impl = *reader->impl_;
  {
    PARITY_ASSIGN_OR_RETURN(auto magic, impl.window.read(0, kMagic.size()));
    if (!has_mcap_magic(magic)) {
      return corrupt(fmt::format("{}: offset 0: bad magic: expected {:02x}, found {:02x}", name,
                                 fmt::join(kMagic, " "), fmt::join(magic, " ")));
    }
  }
  auto prefix = impl.read_prefix(kDataStart, size);
  if (!prefix.ok()) return prefix.status();
  if (prefix->opcode != static_cast<std::uint8_t>(Opcode::kHeader)) {
    return corrupt(fmt::format("{}: offset {}: expected a Header record (opcode 0x01), found {}",
                               name, kDataStart, opcode_name(prefix->opcode)));
  }
  {
    PARITY_ASSIGN_OR_RETURN(auto content,
                            impl.window.read(kDataStart + kRecordPrefixSize, prefix->length));
    Status s = parse_header(content, reader->summary_.header);
    if (!s.ok()) return impl.error_at(kDataStart, s);
  }
  impl.header_end = kDataStart + kRecordPrefixSize + prefix->length;

  bool indexed = false;
  bool summary_damaged = false;
  if (!options.force_scan) {
    SummaryLoader loader(impl, reader->summary_);
    PARITY_ASSIGN_OR_RETURN(indexed, loader.load());
    summary_damaged = loader.damaged();
  }
  if (!indexed) {
    McapSummary fresh;
    fresh.header = reader->summary_.header;
    reader->summary_ = std::move(fresh);
    ScanCollector collector(reader->summary_);
    RecordStreamOptions walk_options;
    walk_options.expand_chunks = true;
    // Past DataEnd the scan only takes Schema/Channel copies from the summary section, unless
    // the summary was found damaged.
    walk_options.stop_at_data_end = summary_damaged;
    PARITY_RETURN_IF_ERROR(impl.walk(
        [&](const RecordView& view) {
          if (view.opcode == static_cast<std::uint8_t>(Opcode::kHeader) && !view.chunk_offset) {
            return Status{};
          }
          return collector(view);
        },
        walk_options, /*opening=*/true));
    collector.finish();
  }
  // Lookup tables for the read path.
  const McapSummary& summary = reader->summary_;
  const std::size_t table_size =
      summary.channels.empty() ? 0 : static_cast<std::size_t>(summary.channels.rbegin()->first) + 1;
  impl.channel_table.assign(table_size, nullptr);
  impl.schema_table.assign(table_size, nullptr);
  for (const auto& [id, channel] : summary.channels) {
    impl.channel_table[id] = &channel;
    auto schema = summary.schemas.find(channel.schema_id);
    if (schema != summary.schemas.end()) impl.schema_table[id] = &schema->second;
  }
  return reader;
}

Status McapReader::for_each_record(const RecordCallback& visit, RecordStreamOptions options) {
  return impl_->walk(visit, options, /*opening=*/false);
}

Result<std::unique_ptr<McapMessageCursor>> McapReader::messages(const McapReadOptions& options) {
  if (options.log_time_order) {
    auto cursor = std::make_unique<LogTimeCursor>(*impl_, options);
    PARITY_RETURN_IF_ERROR(cursor->init(summary_));
    return std::unique_ptr<McapMessageCursor>(std::move(cursor));
  }
  return std::unique_ptr<McapMessageCursor>(
      std::make_unique<FileOrderCursor>(*impl_, summary_, options));
}

Status McapReader::read_messages(const McapReadOptions& options,
                                 const std::function<Status(const McapMessageView&)>& on_message) {
  PARITY_ASSIGN_OR_RETURN(auto cursor, messages(options));
  McapMessageView view;
  while (true) {
    PARITY_ASSIGN_OR_RETURN(const bool more, cursor->next(view));
    if (!more) return {};
    PARITY_RETURN_IF_ERROR(on_message(view));
  }
}

}  // namespace parity::mcap
