// ROS bag v2.0 writer; layout in bag_records.h.
#include "parity/formats/ros1/bag_writer.h"

#include <bzlib.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "formats/ros1/bag_records.h"

namespace parity::ros1 {
namespace {

constexpr std::uint64_t kBagHeaderRecordSize = 4096;  // header_len + data_len, as rosbag pads

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  out.insert(out.end(), p, p + 4);
}

std::uint64_t pack_time(std::int64_t time_ns) {
  const auto sec = static_cast<std::uint64_t>(time_ns / 1'000'000'000);
  const auto nsec = static_cast<std::uint64_t>(time_ns % 1'000'000'000);
  return sec | (nsec << 32);
}

std::uint64_t header_size(const std::vector<HeaderField>& header) {
  std::uint64_t n = 0;
  for (const HeaderField& f : header) n += 4 + f.name.size() + 1 + f.value.size();
  return n;
}

Status bz2_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output) {
  // bzip2's documented bound: 1% more than the input plus 600 bytes.
  auto capacity = static_cast<unsigned>(input.size() + input.size() / 100 + 600);
  output.resize(capacity);
  const int ret =
      BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(output.data()), &capacity,
                               const_cast<char*>(reinterpret_cast<const char*>(input.data())),
                               static_cast<unsigned>(input.size()), 9, 0, 0);
  if (ret != BZ_OK) return internal_error(fmt::format("bz2: compression failed (error {})", ret));
  output.resize(capacity);
  return {};
}

}  // namespace

HeaderField header_u32(std::string name, std::uint32_t value) {
  HeaderField f{std::move(name), {}};
  put_u32(f.value, value);
  return f;
}
HeaderField header_u64(std::string name, std::uint64_t value) {
  HeaderField f{std::move(name), std::vector<std::uint8_t>(8)};
  std::memcpy(f.value.data(), &value, 8);
  return f;
}
HeaderField header_string(std::string name, std::string_view value) {
  return {std::move(name), std::vector<std::uint8_t>(value.begin(), value.end())};
}
HeaderField header_op(std::uint8_t op) {
  return {"op", {op}};
}

void append_record(std::vector<std::uint8_t>& out, const std::vector<HeaderField>& header,
                   std::span<const std::uint8_t> data) {
  put_u32(out, static_cast<std::uint32_t>(header_size(header)));
  for (const HeaderField& f : header) {
    put_u32(out, static_cast<std::uint32_t>(f.name.size() + 1 + f.value.size()));
    out.insert(out.end(), f.name.begin(), f.name.end());
    out.push_back('=');
    out.insert(out.end(), f.value.begin(), f.value.end());
  }
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

namespace {

std::vector<std::uint8_t> bag_header_record(std::uint64_t index_pos, std::uint32_t conn_count,
                                            std::uint32_t chunk_count) {
  const std::vector<HeaderField> header = {
      header_u64("index_pos", index_pos), header_u32("conn_count", conn_count),
      header_u32("chunk_count", chunk_count), header_op(static_cast<std::uint8_t>(Op::kBagHeader))};
  const std::vector<std::uint8_t> padding(kBagHeaderRecordSize - header_size(header), ' ');
  std::vector<std::uint8_t> out;
  append_record(out, header, padding);
  return out;
}

std::vector<HeaderField> connection_data(const BagConnection& c) {
  std::vector<HeaderField> fields = {header_string("topic", c.topic), header_string("type", c.type),
                                     header_string("md5sum", c.md5sum),
                                     header_string("message_definition", c.message_definition)};
  if (!c.callerid.empty()) fields.push_back(header_string("callerid", c.callerid));
  if (c.latching) fields.push_back(header_string("latching", "1"));
  return fields;
}

void append_connection(std::vector<std::uint8_t>& out, std::uint32_t id, const BagConnection& c) {
  std::vector<std::uint8_t> data;
  for (const HeaderField& f : connection_data(c)) {
    put_u32(data, static_cast<std::uint32_t>(f.name.size() + 1 + f.value.size()));
    data.insert(data.end(), f.name.begin(), f.name.end());
    data.push_back('=');
    data.insert(data.end(), f.value.begin(), f.value.end());
  }
  append_record(out,
                {header_op(static_cast<std::uint8_t>(Op::kConnection)), header_u32("conn", id),
                 header_string("topic", c.topic)},
                data);
}

}  // namespace

BagWriter::BagWriter(BagWriterOptions options, std::FILE* file) : options_(options), file_(file) {}

BagWriter::~BagWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

std::unique_ptr<BagWriter> BagWriter::to_memory(BagWriterOptions options) {
  std::unique_ptr<BagWriter> writer(new BagWriter(options, nullptr));
  std::vector<std::uint8_t> head(kBagMagic.begin(), kBagMagic.end());
  const auto header = bag_header_record(0, 0, 0);
  head.insert(head.end(), header.begin(), header.end());
  writer->record_offsets_.push_back(kBagMagicSize);
  writer->emit(head).ignore();  // memory writes cannot fail
  return writer;
}

Result<std::unique_ptr<BagWriter>> BagWriter::to_file(const std::filesystem::path& path,
                                                      BagWriterOptions options) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return io_error(fmt::format("{}: cannot create: {}", path.string(), std::strerror(errno)));
  }
  std::unique_ptr<BagWriter> writer(new BagWriter(options, file));
  std::vector<std::uint8_t> head(kBagMagic.begin(), kBagMagic.end());
  const auto header = bag_header_record(0, 0, 0);
  head.insert(head.end(), header.begin(), header.end());
  writer->record_offsets_.push_back(kBagMagicSize);
  PARITY_RETURN_IF_ERROR(writer->emit(head));
  return writer;
}

Status BagWriter::emit(std::span<const std::uint8_t> bytes) {
  if (file_ == nullptr) {
    memory_.insert(memory_.end(), bytes.begin(), bytes.end());
  } else if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return io_error(fmt::format("bag writer: write failed: {}", std::strerror(errno)));
  }
  position_ += bytes.size();
  return {};
}

std::uint32_t BagWriter::add_connection(const BagConnection& connection) {
  connections_.push_back(connection);
  connection_written_.push_back(false);
  chunk_index_.emplace_back();
  return static_cast<std::uint32_t>(connections_.size() - 1);
}

Status BagWriter::write(std::uint32_t conn, std::int64_t time_ns,
                        std::span<const std::uint8_t> data) {
  PARITY_CHECK_MSG(!closed_, "BagWriter::write after close");
  PARITY_CHECK_MSG(conn < connections_.size(), "BagWriter::write: unknown connection");
  PARITY_CHECK_MSG(time_ns >= 0, "BagWriter::write: negative time");
  if (!connection_written_[conn]) {
    append_connection(chunk_, conn, connections_[conn]);
    connection_written_[conn] = true;
  }
  const std::uint64_t time = pack_time(time_ns);
  chunk_index_[conn].push_back({time, static_cast<std::uint32_t>(chunk_.size())});
  if (!chunk_has_messages_ || time_ns < time_to_ns(chunk_start_)) chunk_start_ = time;
  if (!chunk_has_messages_ || time_ns > time_to_ns(chunk_end_)) chunk_end_ = time;
  chunk_has_messages_ = true;
  append_record(chunk_,
                {header_op(static_cast<std::uint8_t>(Op::kMessageData)), header_u32("conn", conn),
                 header_u64("time", time)},
                data);
  if (chunk_.size() >= options_.chunk_threshold) return flush_chunk();
  return {};
}

Status BagWriter::flush_chunk() {
  if (chunk_.empty()) return {};
  std::span<const std::uint8_t> payload = chunk_;
  std::string compression = "none";
  if (options_.compression == Codec::kBz2) {
    PARITY_RETURN_IF_ERROR(bz2_compress(chunk_, scratch_));
    payload = scratch_;
    compression = "bz2";
  } else if (options_.compression != Codec::kNone) {
    PARITY_RETURN_IF_ERROR(compressor_.compress(options_.compression, chunk_, scratch_));
    payload = scratch_;
    compression = std::string(codec_name(options_.compression));
  }
  ChunkInfo info;
  info.pos = position_;
  info.start = chunk_start_;
  info.end = chunk_end_;
  std::vector<std::uint8_t> out;
  out.reserve(payload.size() + 128);
  record_offsets_.push_back(position_);
  append_record(
      out,
      {header_op(static_cast<std::uint8_t>(Op::kChunk)), header_string("compression", compression),
       header_u32("size", static_cast<std::uint32_t>(chunk_.size()))},
      payload);
  for (std::uint32_t c = 0; c < chunk_index_.size(); ++c) {
    auto& entries = chunk_index_[c];
    if (entries.empty()) continue;
    info.counts.emplace_back(c, static_cast<std::uint32_t>(entries.size()));
    std::vector<std::uint8_t> data;
    data.reserve(entries.size() * 12);
    for (const IndexEntry& e : entries) {
      const auto* t = reinterpret_cast<const std::uint8_t*>(&e.time);
      data.insert(data.end(), t, t + 8);
      put_u32(data, e.offset);
    }
    record_offsets_.push_back(position_ + out.size());
    append_record(
        out,
        {header_op(static_cast<std::uint8_t>(Op::kIndexData)), header_u32("ver", 1),
         header_u32("conn", c), header_u32("count", static_cast<std::uint32_t>(entries.size()))},
        data);
    entries.clear();
  }
  PARITY_RETURN_IF_ERROR(emit(out));
  if (chunk_has_messages_) chunk_infos_.push_back(std::move(info));
  chunk_.clear();
  chunk_has_messages_ = false;
  return {};
}

Status BagWriter::close() {
  PARITY_CHECK_MSG(!closed_, "BagWriter::close twice");
  closed_ = true;
  PARITY_RETURN_IF_ERROR(flush_chunk());
  if (!options_.write_index) {
    if (file_ != nullptr && std::fflush(file_) != 0) {
      return io_error(fmt::format("bag writer: flush failed: {}", std::strerror(errno)));
    }
    return {};
  }
  const std::uint64_t index_pos = position_;
  std::vector<std::uint8_t> out;
  for (std::uint32_t c = 0; c < connections_.size(); ++c) {
    record_offsets_.push_back(index_pos + out.size());
    append_connection(out, c, connections_[c]);
  }
  for (const ChunkInfo& info : chunk_infos_) {
    std::vector<std::uint8_t> data;
    for (const auto& [conn, count] : info.counts) {
      put_u32(data, conn);
      put_u32(data, count);
    }
    record_offsets_.push_back(index_pos + out.size());
    append_record(out,
                  {header_op(static_cast<std::uint8_t>(Op::kChunkInfo)), header_u32("ver", 1),
                   header_u64("chunk_pos", info.pos), header_u64("start_time", info.start),
                   header_u64("end_time", info.end),
                   header_u32("count", static_cast<std::uint32_t>(info.counts.size()))},
                  data);
  }
  PARITY_RETURN_IF_ERROR(emit(out));
  const auto header = bag_header_record(index_pos, static_cast<std::uint32_t>(connections_.size()),
                                        static_cast<std::uint32_t>(chunk_infos_.size()));
  if (file_ == nullptr) {
    std::memcpy(memory_.data() + kBagMagicSize, header.data(), header.size());
    return {};
  }
  if (std::fseek(file_, static_cast<long>(kBagMagicSize), SEEK_SET) != 0 ||
      std::fwrite(header.data(), 1, header.size(), file_) != header.size() ||
      std::fflush(file_) != 0) {
    return io_error(
        fmt::format("bag writer: cannot rewrite the bag header: {}", std::strerror(errno)));
  }
  return {};
}

}  // namespace parity::ros1
