#include "parity/imaging/image_decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "imaging/decoders.h"

namespace parity {
namespace {

constexpr std::array<std::uint8_t, 3> kJpegMagic = {0xFF, 0xD8, 0xFF};
constexpr std::array<std::uint8_t, 8> kPngMagic = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

template <std::size_t N>
bool starts_with(std::span<const std::uint8_t> bytes, const std::array<std::uint8_t, N>& magic) {
  return bytes.size() >= N && std::equal(magic.begin(), magic.end(), bytes.begin());
}

Result<ImageFormat> format_of(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return corrupt("image: empty data (0 bytes)");
  if (auto format = sniff_image_format(bytes)) return *format;
  const std::size_t n = std::min<std::size_t>(bytes.size(), 8);
  return unsupported(fmt::format("image: neither JPEG nor PNG ({} bytes starting {:02x})",
                                 bytes.size(), fmt::join(bytes.begin(), bytes.begin() + n, " ")));
}

// Averages d x d boxes (partial boxes at the right and bottom edges average what exists),
// rounding half up. Samples of `sample_bytes` bytes (1, or 2 little-endian).
DecodedImage box_downscale(const DecodedImage& in, std::uint32_t d) {
  DecodedImage out;
  out.width = (in.width + d - 1) / d;
  out.height = (in.height + d - 1) / d;
  out.channels = in.channels;
  out.encoding = in.encoding;
  const std::uint32_t bytes = in.bytes_per_sample();
  const std::size_t in_stride = std::size_t{in.width} * in.channels * bytes;
  out.pixels.resize(std::size_t{out.width} * out.height * out.channels * bytes);
  const auto sample = [&](std::size_t x, std::size_t y, std::size_t c) -> std::uint32_t {
    const std::size_t at = y * in_stride + (x * in.channels + c) * bytes;
    return bytes == 1 ? in.pixels[at] : in.pixels[at] | (std::uint32_t{in.pixels[at + 1]} << 8);
  };
  std::size_t o = 0;
  for (std::uint32_t oy = 0; oy < out.height; ++oy) {
    const std::uint32_t y0 = oy * d;
    const std::uint32_t y1 = std::min(in.height, y0 + d);
    for (std::uint32_t ox = 0; ox < out.width; ++ox) {
      const std::uint32_t x0 = ox * d;
      const std::uint32_t x1 = std::min(in.width, x0 + d);
      const std::uint64_t count = std::uint64_t{y1 - y0} * (x1 - x0);
      for (std::uint32_t c = 0; c < in.channels; ++c) {
        std::uint64_t sum = 0;
        for (std::uint32_t y = y0; y < y1; ++y) {
          for (std::uint32_t x = x0; x < x1; ++x) sum += sample(x, y, c);
        }
        const auto mean = static_cast<std::uint32_t>((sum + count / 2) / count);
        out.pixels[o++] = static_cast<std::uint8_t>(mean & 0xFF);
        if (bytes == 2) out.pixels[o++] = static_cast<std::uint8_t>(mean >> 8);
      }
    }
  }
  return out;
}

}  // namespace

std::string_view image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kPng: return "png";
  }
  return "unknown";
}

std::optional<ImageFormat> sniff_image_format(std::span<const std::uint8_t> bytes) {
  if (starts_with(bytes, kJpegMagic)) return ImageFormat::kJpeg;
  if (starts_with(bytes, kPngMagic)) return ImageFormat::kPng;
  return std::nullopt;
}

Result<ImageHeader> probe_image(std::span<const std::uint8_t> bytes) {
  PARITY_ASSIGN_OR_RETURN(const ImageFormat format, format_of(bytes));
  return format == ImageFormat::kJpeg ? imaging_detail::probe_jpeg(bytes)
                                      : imaging_detail::probe_png(bytes);
}

Result<DecodedImage> decode_image(std::span<const std::uint8_t> bytes,
                                  const DecodeOptions& options) {
  const std::uint32_t d = options.scale_denominator;
  if (d != 1 && d != 2 && d != 4 && d != 8) {
    return invalid_argument(
        fmt::format("image: scale_denominator must be 1, 2, 4 or 8, got {}", d));
  }
  PARITY_ASSIGN_OR_RETURN(const ImageFormat format, format_of(bytes));
  if (format == ImageFormat::kJpeg) return imaging_detail::decode_jpeg(bytes, d);
  PARITY_ASSIGN_OR_RETURN(DecodedImage image, imaging_detail::decode_png(bytes));
  if (d == 1) return image;
  return box_downscale(image, d);
}

}  // namespace parity
