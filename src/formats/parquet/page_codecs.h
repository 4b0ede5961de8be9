// Page compression codecs of Parquet (apache/parquet-format, "Compression.md").
//
// A page body is compressed as a whole: SNAPPY is the raw snappy format (no framing), GZIP a
// gzip-wrapped deflate stream (RFC 1952), ZSTD one or more Zstandard frames (RFC 8878),
// LZ4_RAW one raw LZ4 block (no frame). UNCOMPRESSED stores the bytes as they are.
//
// Not supported: LZO, BROTLI and the deprecated Hadoop-framed LZ4 (kUnsupported).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parity/core/status.h"
#include "parity/formats/parquet/parquet_reader.h"

namespace parity::parquet {

// Largest decompressed page the reader accepts, whatever the header declares (1 GiB).
inline constexpr std::uint64_t kMaxPageSize = std::uint64_t{1} << 30;

// True for the codecs decompress_page / compress_page handle.
bool codec_supported(Compression codec);

// Upper bound on the bytes `compressed_size` bytes can decompress to with `codec` (the
// codec's maximum expansion ratio plus its fixed overhead); callers reject a declared
// uncompressed page size above min(this, kMaxPageSize) as kCorrupt before allocating.
std::uint64_t max_decompressed_page_size(Compression codec, std::uint64_t compressed_size);

// Checks a page header's declared uncompressed size against the size the compressed stream
// records itself, where the format has one: the SNAPPY length preamble, and the content size of
// a single ZSTD frame. Lets a lying header fail before the output is
// allocated. Errors: kCorrupt ("SNAPPY: page header declares N bytes, the stream M").
Status check_decompressed_size(Compression codec, std::span<const std::uint8_t> in,
                               std::uint64_t declared);

// Decompresses all of `in` into `out`; succeeds only when exactly out.size() bytes result.
// Errors: kCorrupt ("SNAPPY: ...: expected N bytes, produced M"), kUnsupported for codecs
// outside the list above, kInternal when a library context cannot be allocated. Messages
// name the codec; callers add the file, column and page offset with Status::with_context.
Status decompress_page(Compression codec, std::span<const std::uint8_t> in,
                       std::span<std::uint8_t> out);

// Replaces `out` with the compressed form of `in`. `level`: GZIP 1..9 (0 or out of range =
// zlib default), ZSTD level (0 = zstd default 3), LZ4_RAW acceleration (<= 1 = default);
// ignored for UNCOMPRESSED and SNAPPY. Errors: kUnsupported for codecs outside the list
// above, kInternal when the library fails.
Status compress_page(Compression codec, std::span<const std::uint8_t> in,
                     std::vector<std::uint8_t>& out, int level = 0);

}  // namespace parity::parquet
