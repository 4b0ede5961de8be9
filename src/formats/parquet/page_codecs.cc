#include "formats/parquet/page_codecs.h"

#include <fmt/format.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <limits>

namespace parity::parquet {
namespace {

Status failed(Compression codec, std::uint64_t expected, std::uint64_t produced,
              std::string_view detail) {
  return corrupt(fmt::format("{}: page decompression failed: {}: expected {} bytes, produced {}",
                             compression_name(codec), detail, expected, produced));
}

Status not_supported(Compression codec) {
  return unsupported(
      fmt::format("compression codec {} is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, "
                  "ZSTD, LZ4_RAW)",
                  compression_name(codec)));
}

// Libraries reject null pointers even for empty buffers.
std::uint8_t* dst_ptr(std::span<std::uint8_t> out) {
  static std::uint8_t dummy = 0;
  return out.empty() ? &dummy : out.data();
}
const std::uint8_t* src_ptr(std::span<const std::uint8_t> in) {
  static const std::uint8_t dummy = 0;
  return in.empty() ? &dummy : in.data();
}

// One zstd decompression context per thread, kept across pages.
ZSTD_DCtx* thread_zstd_dctx() {
  struct Holder {
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

ZSTD_CCtx* thread_zstd_cctx() {
  struct Holder {
    ZSTD_CCtx* ctx = ZSTD_createCCtx();
    ~Holder() { ZSTD_freeCCtx(ctx); }
  };
  thread_local Holder holder;
  return holder.ctx;
}

Status snappy_decompress(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  const char* src = reinterpret_cast<const char*>(src_ptr(in));
  std::size_t length = 0;
  if (!snappy::GetUncompressedLength(src, in.size(), &length)) {
    return failed(Compression::kSnappy, out.size(), 0, "bad length preamble");
  }
  if (length != out.size()) {
    return failed(Compression::kSnappy, out.size(), length, "preamble declares a different size");
  }
  if (!snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(dst_ptr(out)))) {
    return failed(Compression::kSnappy, out.size(), 0, "invalid snappy data");
  }
  return {};
}

Status gzip_decompress(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  if (in.size() > UINT_MAX || out.size() > UINT_MAX) {
    return failed(Compression::kGzip, out.size(), 0, "buffers over 4 GiB");
  }
  z_stream zs{};
  // 15 + 32: zlib or gzip header, detected automatically.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {
    return internal_error("GZIP: cannot allocate an inflate context");
  }
  zs.next_in = const_cast<Bytef*>(src_ptr(in));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = dst_ptr(out);
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = Z_OK;
  // Concatenated gzip members are allowed (RFC 1952 section 2.2).
  while (true) {
    rc = inflate(&zs, Z_FINISH);
    if (rc == Z_STREAM_END && zs.avail_in > 0 && zs.avail_out > 0) {
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    break;
  }
  const std::uint64_t produced = out.size() - zs.avail_out;
  const std::string reason = zs.msg != nullptr ? zs.msg : "";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
      return failed(Compression::kGzip, out.size(), produced,
                    "output buffer full before the end of the stream");
    }
    return failed(Compression::kGzip, out.size(), produced,
                  reason.empty() ? fmt::format("zlib error {}", rc) : reason);
  }
  if (produced != out.size()) {
    return failed(Compression::kGzip, out.size(), produced, "wrong size");
  }
  return {};
}

Status zstd_page_decompress(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  ZSTD_DCtx* ctx = thread_zstd_dctx();
  if (ctx == nullptr) return internal_error("ZSTD: cannot allocate a decompression context");
  const std::size_t n = ZSTD_decompressDCtx(ctx, dst_ptr(out), out.size(), src_ptr(in), in.size());
  if (ZSTD_isError(n)) {
    ZSTD_DCtx_reset(ctx, ZSTD_reset_session_only);
    return failed(Compression::kZstd, out.size(), 0, ZSTD_getErrorName(n));
  }
  if (n != out.size()) return failed(Compression::kZstd, out.size(), n, "wrong size");
  return {};
}

Status lz4_raw_decompress(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) {
  if (in.size() > static_cast<std::size_t>(INT_MAX) ||
      out.size() > static_cast<std::size_t>(INT_MAX)) {
    return failed(Compression::kLz4Raw, out.size(), 0, "buffers over 2 GiB");
  }
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(src_ptr(in)),
                                    reinterpret_cast<char*>(dst_ptr(out)),
                                    static_cast<int>(in.size()), static_cast<int>(out.size()));
  if (n < 0) return failed(Compression::kLz4Raw, out.size(), 0, "invalid LZ4 block");
  if (static_cast<std::size_t>(n) != out.size()) {
    return failed(Compression::kLz4Raw, out.size(), static_cast<std::uint64_t>(n), "wrong size");
  }
  return {};
}

}  // namespace

bool codec_supported(Compression codec) {
  switch (codec) {
    case Compression::kUncompressed:
    case Compression::kSnappy:
    case Compression::kGzip:
    case Compression::kZstd:
    case Compression::kLz4Raw: return true;
    default: return false;
  }
}

std::uint64_t max_decompressed_page_size(Compression codec, std::uint64_t compressed_size) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  auto bounded = [&](std::uint64_t ratio, std::uint64_t slack) {
    if (compressed_size > (kMax - slack) / ratio) return kMax;
    return compressed_size * ratio + slack;
  };
  switch (codec) {
    case Compression::kUncompressed: return compressed_size;
    // A snappy copy element of 2 bytes emits at most 64 bytes (format_description.txt 2.2).
    case Compression::kSnappy: return bounded(32, 64);
    // Deflate's maximum ratio is 1032:1 (RFC 1951: a 258-byte match per ~2 bits).
    case Compression::kGzip: return bounded(1032, 1024);
    // A zstd RLE block: a 3-byte header plus 1 byte expands to at most 128 KiB.
    case Compression::kZstd: return bounded(std::uint64_t{32} << 10, std::uint64_t{128} << 10);
    // An LZ4 sequence expands at most 255x per length byte.
    case Compression::kLz4Raw: return bounded(255, 64);
    default: return kMax;
  }
}

Status check_decompressed_size(Compression codec, std::span<const std::uint8_t> in,
                               std::uint64_t declared) {
  std::uint64_t recorded = 0;
  if (codec == Compression::kSnappy) {
    std::size_t length = 0;
    if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(src_ptr(in)), in.size(),
                                       &length)) {
      return failed(codec, declared, 0, "bad length preamble");
    }
    recorded = length;
  } else if (codec == Compression::kZstd) {
    const std::size_t frame = ZSTD_findFrameCompressedSize(src_ptr(in), in.size());
    if (ZSTD_isError(frame)) return failed(codec, declared, 0, ZSTD_getErrorName(frame));
    if (frame != in.size()) return {};  // several frames: checked while decompressing
    const unsigned long long size = ZSTD_getFrameContentSize(src_ptr(in), in.size());
    if (size == ZSTD_CONTENTSIZE_ERROR) return failed(codec, declared, 0, "invalid frame header");
    if (size == ZSTD_CONTENTSIZE_UNKNOWN) return {};
    recorded = size;
  } else {
    return {};
  }
  if (recorded != declared) {
    return corrupt(fmt::format("{}: page header declares {} uncompressed bytes, the stream {}",
                               compression_name(codec), declared, recorded));
  }
  return {};
}

Status decompress_page(Compression codec, std::span<const std::uint8_t> in,
                       std::span<std::uint8_t> out) {
  switch (codec) {
    case Compression::kUncompressed:
      if (in.size() != out.size()) {
        return failed(codec, out.size(), in.size(), "stored size differs");
      }
      if (!in.empty()) std::memcpy(out.data(), in.data(), in.size());
      return {};
    case Compression::kSnappy: return snappy_decompress(in, out);
    case Compression::kGzip: return gzip_decompress(in, out);
    case Compression::kZstd: return zstd_page_decompress(in, out);
    case Compression::kLz4Raw: return lz4_raw_decompress(in, out);
    default: return not_supported(codec);
  }
}

Status compress_page(Compression codec, std::span<const std::uint8_t> in,
                     std::vector<std::uint8_t>& out, int level) {
  switch (codec) {
    case Compression::kUncompressed: out.assign(in.begin(), in.end()); return {};
    case Compression::kSnappy: {
      out.resize(snappy::MaxCompressedLength(in.size()));
      std::size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(src_ptr(in)), in.size(),
                          reinterpret_cast<char*>(out.data()), &n);
      out.resize(n);
      return {};
    }
    case Compression::kGzip: {
      if (in.size() > UINT_MAX) return internal_error("GZIP: input over 4 GiB");
      z_stream zs{};
      const int zlevel = level >= 1 && level <= 9 ? level : Z_DEFAULT_COMPRESSION;
      // 15 + 16: gzip wrapper.
      if (deflateInit2(&zs, zlevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return internal_error("GZIP: cannot allocate a deflate context");
      }
      const uLong bound = deflateBound(&zs, static_cast<uLong>(in.size()));
      out.resize(bound);
      zs.next_in = const_cast<Bytef*>(src_ptr(in));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = out.data();
      zs.avail_out = static_cast<uInt>(out.size());
      const int rc = deflate(&zs, Z_FINISH);
      const std::size_t n = out.size() - zs.avail_out;
      deflateEnd(&zs);
      if (rc != Z_STREAM_END) return internal_error(fmt::format("GZIP: deflate failed ({})", rc));
      out.resize(n);
      return {};
    }
    case Compression::kZstd: {
      ZSTD_CCtx* ctx = thread_zstd_cctx();
      if (ctx == nullptr) return internal_error("ZSTD: cannot allocate a compression context");
      out.resize(ZSTD_compressBound(in.size()));
      const std::size_t n = ZSTD_compressCCtx(ctx, out.data(), out.size(), src_ptr(in), in.size(),
                                              level == 0 ? 3 : level);
      if (ZSTD_isError(n)) {
        return internal_error(fmt::format("ZSTD: compression failed: {}", ZSTD_getErrorName(n)));
      }
      out.resize(n);
      return {};
    }
    case Compression::kLz4Raw: {
      if (in.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
        return internal_error("LZ4_RAW: input over LZ4_MAX_INPUT_SIZE");
      }
      const int bound = LZ4_compressBound(static_cast<int>(in.size()));
      out.resize(static_cast<std::size_t>(bound));
      const int n = LZ4_compress_fast(reinterpret_cast<const char*>(src_ptr(in)),
                                      reinterpret_cast<char*>(out.data()),
                                      static_cast<int>(in.size()), bound, level > 1 ? level : 1);
      if (n <= 0) return internal_error("LZ4_RAW: compression failed");
      out.resize(static_cast<std::size_t>(n));
      return {};
    }
    default: return not_supported(codec);
  }
}

}  // namespace parity::parquet
