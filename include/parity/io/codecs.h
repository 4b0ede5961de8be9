// Block codecs used by recording containers: zstd, LZ4 frame, bzip2.
//
// Decompression writes into a caller-sized buffer whose size is the uncompressed size the
// container declares (e.g. an MCAP chunk's uncompressed_size); producing fewer or more bytes is
// an error. Every failure is kCorrupt with a message naming the codec, the library's reason and
// the expected and produced sizes; callers add the file and offset with Status::with_context.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity {

enum class Codec : std::uint8_t {
  kNone,  // stored bytes
  kZstd,  // Zstandard frames (RFC 8878)
  kLz4,   // LZ4 *frame* format (lz4frame.h), not raw LZ4 blocks
  kBz2,   // bzip2 stream (decompression only)
};

// "none", "zstd", "lz4", "bz2".
std::string_view codec_name(Codec codec);

// Upper bound on the bytes `compressed_size` bytes can decompress to with `codec`; readers
// reject larger declared sizes before allocating. zstd: one RLE block of 128 KiB per 4 input
// bytes; lz4: 255x plus a block; none: the size itself; bz2: unbounded (UINT64_MAX).
std::uint64_t max_decompressed_size(Codec codec, std::uint64_t compressed_size);

// Reusable decompression state (zstd and LZ4F contexts are created on first use and kept, so
// decompressing many chunks allocates nothing per chunk). Not thread-safe: use one per thread.
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // Decompresses all of `input` into `output`; succeeds only when exactly output.size() bytes
  // are produced. kNone copies (sizes must match). Errors: kCorrupt ("zstd: ...: expected N
  // bytes, produced M"), kInternal when a library context cannot be allocated.
  Status decompress(Codec codec, std::span<const std::uint8_t> input,
                    std::span<std::uint8_t> output);

 private:
  Status zstd(std::span<const std::uint8_t> input, std::span<std::uint8_t> output);
  Status lz4(std::span<const std::uint8_t> input, std::span<std::uint8_t> output);

  void* zstd_ctx_ = nullptr;  // ZSTD_DCtx*
  void* lz4_ctx_ = nullptr;   // LZ4F_dctx*
};

// One-shot helpers with a temporary context.
Status zstd_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output);
Status lz4_frame_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output);
Status bz2_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output);

// Reusable compression state. Not thread-safe.
class Compressor {
 public:
  Compressor();
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Replaces `output` with the compressed form of `input` (one zstd frame / one LZ4 frame,
  // content size recorded in the frame header). kNone copies. `level`: zstd level (default 3)
  // or LZ4 acceleration level (0 = fast default); ignored for kNone. Errors: kUnsupported
  // for kBz2, kInternal when the library fails.
  Status compress(Codec codec, std::span<const std::uint8_t> input,
                  std::vector<std::uint8_t>& output, int level = 0);

 private:
  void* zstd_ctx_ = nullptr;  // ZSTD_CCtx*
  void* lz4_ctx_ = nullptr;   // LZ4F_cctx*
};

Status zstd_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output,
                     int level = 3);
Status lz4_frame_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output);

}  // namespace parity
