// TFRecord files: a sequence of length-prefixed, CRC-protected records (tensorflow/docs
// site/en/api_guides/python/python_io.md, "TFRecords format details"):
//
//   offset  size    field
//   0       8       length        u64 little-endian, bytes of `data`
//   8       4       length_crc    u32 LE, mask_crc32c(crc32c(the 8 length bytes))
//   12      length  data
//   12+len  4       data_crc      u32 LE, mask_crc32c(crc32c(data))
//
// The framing pass reads only the 12-byte headers (and checks length_crc); record data and its
// CRC are read on demand.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/io/byte_source.h"

namespace parity::rlds {

inline constexpr std::uint64_t kTfRecordHeaderSize = 12;  // length + length_crc
inline constexpr std::uint64_t kTfRecordFooterSize = 4;   // data_crc
// Records longer than this are treated as a lost framing (TFDS episodes are far smaller; a
// corrupt length could otherwise ask for terabytes).
inline constexpr std::uint64_t kMaxTfRecordLength = std::uint64_t{1} << 34;  // 16 GiB

// One record located by the framing pass.
struct TfRecordEntry {
  std::uint64_t offset = 0;  // of the record's header in the file
  std::uint64_t length = 0;  // of its data
  std::uint64_t data_offset() const { return offset + kTfRecordHeaderSize; }
  std::uint64_t end_offset() const {
    return offset + kTfRecordHeaderSize + length + kTfRecordFooterSize;
  }
};

// Walks the record headers of `source` from offset 0.
// A tail too short for a header, or a last record whose data or data CRC runs past the end of
// the source, is reported to `diagnostics` as truncation ("<name>: offset N: ...") and left
// out. Errors (the framing is lost: no later record can be found): kCorrupt naming the source
// and the offset, for a length CRC mismatch (expected and computed values) or a length above
// kMaxTfRecordLength; kIoError from the source.
Result<std::vector<TfRecordEntry>> index_tfrecords(const ByteSource& source,
                                                   DiagnosticSink& diagnostics);

// Reads the data of `entry` into `out` (resized; its capacity is reused) and checks the data
// CRC. Errors: kCorrupt "<name>: offset N: record data CRC mismatch: expected 0x..., computed
// 0x..." (the caller decides whether to skip the record), kTruncated / kIoError from the source.
Status read_tfrecord(const ByteSource& source, const TfRecordEntry& entry,
                     std::vector<std::uint8_t>& out);

// Appends one framed record holding `data` to `out` (for tests, fuzz seeds and writers).
void append_tfrecord(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> data);

}  // namespace parity::rlds
