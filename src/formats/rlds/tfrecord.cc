#include "parity/formats/rlds/tfrecord.h"

#include <fmt/format.h>

#include <array>

#include "parity/formats/rlds/crc32c.h"

namespace parity::rlds {
namespace {

std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

void store_le(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

Result<std::vector<TfRecordEntry>> index_tfrecords(const ByteSource& source,
                                                   DiagnosticSink& diagnostics) {
  std::vector<TfRecordEntry> entries;
  const std::uint64_t size = source.size();
  std::uint64_t offset = 0;
  std::array<std::uint8_t, kTfRecordHeaderSize> header{};
  while (offset < size) {
    const std::uint64_t left = size - offset;
    if (left < kTfRecordHeaderSize) {
      diagnostics.error(source.name(), offset,
                        fmt::format("truncated record header: {} bytes left, a header is {}; "
                                    "the tail is ignored",
                                    left, kTfRecordHeaderSize));
      break;
    }
    PARITY_RETURN_IF_ERROR(source.read_at(offset, header));
    const std::uint32_t expected = load_le32(&header[8]);
    const std::uint32_t computed = masked_crc32c(std::span(header).first(8));
    if (expected != computed) {
      return corrupt(
          fmt::format("{}: offset {}: record length CRC mismatch: expected 0x{:08x}, "
                      "computed 0x{:08x} (framing lost after {} records)",
                      source.name(), offset, expected, computed, entries.size()));
    }
    const std::uint64_t length = load_le64(header.data());
    if (length > kMaxTfRecordLength) {
      return corrupt(fmt::format("{}: offset {}: record length {} exceeds the limit of {} bytes",
                                 source.name(), offset, length, kMaxTfRecordLength));
    }
    const std::uint64_t needed = kTfRecordHeaderSize + length + kTfRecordFooterSize;
    if (needed > left) {
      diagnostics.warn(source.name(), offset,
                       fmt::format("last record incomplete: {} bytes of data and CRC declared, "
                                   "{} bytes left in the file; the record is skipped",
                                   length + kTfRecordFooterSize, left - kTfRecordHeaderSize));
      break;
    }
    entries.push_back({offset, length});
    offset += needed;
  }
  return entries;
}

Status read_tfrecord(const ByteSource& source, const TfRecordEntry& entry,
                     std::vector<std::uint8_t>& out) {
  if (entry.length > kMaxTfRecordLength || entry.end_offset() > source.size()) {
    return truncated(fmt::format("{}: offset {}: record of {} bytes runs past the end ({} bytes)",
                                 source.name(), entry.offset, entry.length, source.size()));
  }
  out.resize(entry.length + kTfRecordFooterSize);
  PARITY_RETURN_IF_ERROR(source.read_at(entry.data_offset(), out));
  const std::uint32_t expected = load_le32(out.data() + entry.length);
  out.resize(entry.length);
  const std::uint32_t computed = masked_crc32c(out);
  if (expected != computed) {
    return corrupt(fmt::format(
        "{}: offset {}: record data CRC mismatch ({} bytes): expected 0x{:08x}, computed 0x{:08x}",
        source.name(), entry.offset, entry.length, expected, computed));
  }
  return {};
}

void append_tfrecord(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> length;
  store_le(length, data.size(), 8);
  out.insert(out.end(), length.begin(), length.end());
  store_le(out, masked_crc32c(length), 4);
  out.insert(out.end(), data.begin(), data.end());
  store_le(out, masked_crc32c(data), 4);
}

}  // namespace parity::rlds
