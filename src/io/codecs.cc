#include "parity/io/codecs.h"

#include <bzlib.h>
#include <fmt/format.h>
#include <lz4frame.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <limits>

namespace parity {
namespace {

Status size_mismatch(std::string_view codec, std::uint64_t expected, std::uint64_t produced,
                     std::string_view detail) {
  return corrupt(fmt::format("{} decompression failed: {}: expected {} bytes, produced {}", codec,
                             detail, expected, produced));
}

// Destination pointer that is never null (libraries reject null even for 0-byte outputs).
std::uint8_t* dst_ptr(std::span<std::uint8_t> out) {
  static std::uint8_t dummy = 0;
  return out.empty() ? &dummy : out.data();
}
const std::uint8_t* src_ptr(std::span<const std::uint8_t> in) {
  static const std::uint8_t dummy = 0;
  return in.empty() ? &dummy : in.data();
}

}  // namespace

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
    case Codec::kBz2: return "bz2";
  }
  return "unknown";
}

std::uint64_t max_decompressed_size(Codec codec, std::uint64_t compressed_size) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  auto bounded = [&](std::uint64_t ratio, std::uint64_t slack) {
    if (compressed_size > (kMax - slack) / ratio) return kMax;
    return compressed_size * ratio + slack;
  };
  switch (codec) {
    case Codec::kNone: return compressed_size;
    // A zstd RLE block is a 3-byte header plus 1 byte and expands to at most 128 KiB.
    case Codec::kZstd: return bounded(32 * 1024, 128 * 1024);
    // An LZ4 sequence cannot expand more than 255x; allow one extra 4 MiB block of slack.
    case Codec::kLz4: return bounded(255, 4 * 1024 * 1024);
    case Codec::kBz2: return kMax;
  }
  return kMax;
}

Decompressor::Decompressor() = default;

Decompressor::~Decompressor() {
  if (zstd_ctx_ != nullptr) ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(zstd_ctx_));
  if (lz4_ctx_ != nullptr) LZ4F_freeDecompressionContext(static_cast<LZ4F_dctx*>(lz4_ctx_));
}

Status Decompressor::decompress(Codec codec, std::span<const std::uint8_t> input,
                                std::span<std::uint8_t> output) {
  switch (codec) {
    case Codec::kNone:
      if (input.size() != output.size()) {
        return size_mismatch("none", output.size(), input.size(), "stored size differs");
      }
      if (!input.empty()) std::memcpy(output.data(), input.data(), input.size());
      return {};
    case Codec::kZstd: return zstd(input, output);
    case Codec::kLz4: return lz4(input, output);
    case Codec::kBz2: return bz2_decompress(input, output);
  }
  return internal_error("unknown codec");
}

Status Decompressor::zstd(std::span<const std::uint8_t> input, std::span<std::uint8_t> output) {
  if (zstd_ctx_ == nullptr) {
    zstd_ctx_ = ZSTD_createDCtx();
    if (zstd_ctx_ == nullptr)
      return internal_error("zstd: cannot allocate a decompression context");
  }
  auto* ctx = static_cast<ZSTD_DCtx*>(zstd_ctx_);
  const std::size_t n =
      ZSTD_decompressDCtx(ctx, dst_ptr(output), output.size(), src_ptr(input), input.size());
  if (ZSTD_isError(n)) {
    ZSTD_DCtx_reset(ctx, ZSTD_reset_session_only);
    return size_mismatch("zstd", output.size(), 0, ZSTD_getErrorName(n));
  }
  if (n != output.size()) return size_mismatch("zstd", output.size(), n, "wrong size");
  return {};
}

Status Decompressor::lz4(std::span<const std::uint8_t> input, std::span<std::uint8_t> output) {
  if (lz4_ctx_ == nullptr) {
    LZ4F_dctx* ctx = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)) || ctx == nullptr) {
      return internal_error("lz4: cannot allocate a decompression context");
    }
    lz4_ctx_ = ctx;
  }
  auto* ctx = static_cast<LZ4F_dctx*>(lz4_ctx_);
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  std::size_t hint = 1;  // non-zero while a frame is incomplete
  while (in_pos < input.size()) {
    std::size_t out_size = output.size() - out_pos;
    std::size_t in_size = input.size() - in_pos;
    hint = LZ4F_decompress(ctx, dst_ptr(output) + out_pos, &out_size, input.data() + in_pos,
                           &in_size, nullptr);
    if (LZ4F_isError(hint)) {
      LZ4F_resetDecompressionContext(ctx);
      return size_mismatch("lz4", output.size(), out_pos, LZ4F_getErrorName(hint));
    }
    in_pos += in_size;
    out_pos += out_size;
    if (in_size == 0 && out_size == 0) {
      LZ4F_resetDecompressionContext(ctx);
      return size_mismatch("lz4", output.size(), out_pos,
                           "output buffer full before the end of the frame");
    }
  }
  if (hint != 0) {
    LZ4F_resetDecompressionContext(ctx);
    return size_mismatch("lz4", output.size(), out_pos, "input ends inside a frame");
  }
  if (out_pos != output.size()) return size_mismatch("lz4", output.size(), out_pos, "wrong size");
  return {};
}

Status zstd_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output) {
  Decompressor d;
  return d.decompress(Codec::kZstd, input, output);
}

Status lz4_frame_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output) {
  Decompressor d;
  return d.decompress(Codec::kLz4, input, output);
}

Status bz2_decompress(std::span<const std::uint8_t> input, std::span<std::uint8_t> output) {
  if (input.size() > UINT_MAX || output.size() > UINT_MAX) {
    return unsupported(fmt::format(
        "bz2 decompression failed: buffers over 4 GiB are not supported (input {}, output {})",
        input.size(), output.size()));
  }
  // bzlib's API takes non-const pointers but does not modify the source.
  unsigned int produced = static_cast<unsigned int>(output.size());
  std::uint8_t probe = 0;
  char* dst =
      output.empty() ? reinterpret_cast<char*>(&probe) : reinterpret_cast<char*>(output.data());
  const int rc = BZ2_bzBuffToBuffDecompress(
      dst, &produced, const_cast<char*>(reinterpret_cast<const char*>(src_ptr(input))),
      static_cast<unsigned int>(input.size()), 0, 0);
  switch (rc) {
    case BZ_OK: break;
    case BZ_OUTBUFF_FULL:
      return size_mismatch("bz2", output.size(), output.size(),
                           "output buffer full before the end of the stream");
    case BZ_DATA_ERROR:
    case BZ_DATA_ERROR_MAGIC: return size_mismatch("bz2", output.size(), 0, "invalid data");
    case BZ_UNEXPECTED_EOF:
      return size_mismatch("bz2", output.size(), 0, "input ends inside the stream");
    case BZ_MEM_ERROR: return internal_error("bz2: out of memory");
    default: return size_mismatch("bz2", output.size(), 0, fmt::format("error code {}", rc));
  }
  if (produced != output.size()) return size_mismatch("bz2", output.size(), produced, "wrong size");
  return {};
}

Compressor::Compressor() = default;

Compressor::~Compressor() {
  if (zstd_ctx_ != nullptr) ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_));
  if (lz4_ctx_ != nullptr) LZ4F_freeCompressionContext(static_cast<LZ4F_cctx*>(lz4_ctx_));
}

Status Compressor::compress(Codec codec, std::span<const std::uint8_t> input,
                            std::vector<std::uint8_t>& output, int level) {
  switch (codec) {
    case Codec::kNone: output.assign(input.begin(), input.end()); return {};
    case Codec::kZstd: {
      if (zstd_ctx_ == nullptr) {
        zstd_ctx_ = ZSTD_createCCtx();
        if (zstd_ctx_ == nullptr)
          return internal_error("zstd: cannot allocate a compression context");
      }
      output.resize(ZSTD_compressBound(input.size()));
      const std::size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(zstd_ctx_), output.data(),
                                              output.size(), src_ptr(input), input.size(), level);
      if (ZSTD_isError(n)) {
        return internal_error(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
      }
      output.resize(n);
      return {};
    }
    case Codec::kLz4: {
      if (lz4_ctx_ == nullptr) {
        LZ4F_cctx* ctx = nullptr;
        if (LZ4F_isError(LZ4F_createCompressionContext(&ctx, LZ4F_VERSION)) || ctx == nullptr) {
          return internal_error("lz4: cannot allocate a compression context");
        }
        lz4_ctx_ = ctx;
      }
      LZ4F_preferences_t prefs;
      std::memset(&prefs, 0, sizeof(prefs));
      prefs.frameInfo.contentSize = input.size();
      prefs.compressionLevel = level;
      auto* ctx = static_cast<LZ4F_cctx*>(lz4_ctx_);
      output.resize(LZ4F_HEADER_SIZE_MAX + LZ4F_compressBound(input.size(), &prefs));
      std::size_t n = LZ4F_compressBegin(ctx, output.data(), output.size(), &prefs);
      if (!LZ4F_isError(n)) {
        const std::size_t body = LZ4F_compressUpdate(ctx, output.data() + n, output.size() - n,
                                                     src_ptr(input), input.size(), nullptr);
        n = LZ4F_isError(body) ? body : n + body;
      }
      if (!LZ4F_isError(n)) {
        const std::size_t end =
            LZ4F_compressEnd(ctx, output.data() + n, output.size() - n, nullptr);
        n = LZ4F_isError(end) ? end : n + end;
      }
      if (LZ4F_isError(n)) {
        return internal_error(fmt::format("lz4 compression failed: {}", LZ4F_getErrorName(n)));
      }
      output.resize(n);
      return {};
    }
    case Codec::kBz2: return unsupported("bz2 compression is not supported");
  }
  return internal_error("unknown codec");
}

Status zstd_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output,
                     int level) {
  Compressor c;
  return c.compress(Codec::kZstd, input, output, level);
}

Status lz4_frame_compress(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output) {
  Compressor c;
  return c.compress(Codec::kLz4, input, output);
}

}  // namespace parity
