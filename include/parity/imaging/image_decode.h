// Decoding of compressed still images (JPEG through libjpeg-turbo, PNG through libpng) into
// interleaved pixel arrays, for feature extractors and `parity dump`. Used on the frames of
// parity/CompressedImage streams (RLDS, sensor_msgs/CompressedImage, ...).
//
// Output encodings follow sensor_msgs/Image: "mono8", "rgb8", "rgba8" (8 bits per channel) and
// "mono16" (16-bit grey, host byte order = little-endian on every platform Parity builds for).
//   JPEG: greyscale -> mono8; YCbCr / RGB -> rgb8; CMYK / YCCK -> kUnsupported.
//   PNG:  grey (1/2/4/8 bit) -> mono8; grey 16 bit -> mono16; RGB (8/16 bit), palette -> rgb8;
//         any alpha channel or a tRNS chunk -> rgba8 (grey+alpha expands to RGBA); 16-bit colour
//         samples are reduced to their high byte.
//
// Every input-dependent failure is a Status, never a crash or exit(): libjpeg's and libpng's
// fatal errors are caught with setjmp/longjmp at this boundary. Both libraries' messages are
// kept in the Status.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/status.h"

namespace parity {

enum class ImageFormat : std::uint8_t { kJpeg, kPng };

// "jpeg", "png" (the image_format values of parity/formats/tensor.h).
std::string_view image_format_name(ImageFormat format);

// The format from the first bytes (JPEG SOI FF D8 FF; the 8-byte PNG signature), or nullopt.
std::optional<ImageFormat> sniff_image_format(std::span<const std::uint8_t> bytes);

// Decoding refuses images of more than this many pixels (width x height), before allocating.
inline constexpr std::uint64_t kMaxImagePixels = std::uint64_t{1} << 28;

// What decode_image() would produce at full scale, read from the headers only.
struct ImageHeader {
  ImageFormat format = ImageFormat::kJpeg;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 0;  // of the decoded output: 1, 3 or 4
  std::string encoding;        // of the decoded output: "mono8", "rgb8", "rgba8", "mono16"
};

struct DecodeOptions {
  // Output size is ceil(width / d) x ceil(height / d) for d in {1, 2, 4, 8}. JPEG scales in the
  // DCT domain (libjpeg scale_denom: far less work than a full decode); PNG decodes fully and
  // averages d x d boxes (the partial boxes at the right and bottom edges average what exists).
  std::uint32_t scale_denominator = 1;
};

struct DecodedImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t channels = 0;        // 1, 3 or 4
  std::string encoding;              // "mono8", "rgb8", "rgba8" or "mono16"
  std::vector<std::uint8_t> pixels;  // rows top to bottom, width * channels samples each, no
                                     // padding; mono16 samples are 2 bytes little-endian
  std::uint32_t bytes_per_sample() const { return encoding == "mono16" ? 2 : 1; }
};

// Reads the image headers without decoding pixel data.
// Errors: kCorrupt (empty input, damaged or truncated headers: the library's message),
// kUnsupported (neither JPEG nor PNG: the message gives the first bytes in hex; a CMYK JPEG).
Result<ImageHeader> probe_image(std::span<const std::uint8_t> bytes);

// Decodes a whole JPEG or PNG image.
// Errors: kInvalidArgument (scale_denominator not 1, 2, 4 or 8); kCorrupt (damaged or truncated
// data: libjpeg's / libpng's message, including libjpeg warnings such as "Premature end of JPEG
// file", which libjpeg itself would paper over with grey pixels; only "extraneous bytes before
// marker" is tolerated); kUnsupported (as probe_image(), or more than kMaxImagePixels pixels).
Result<DecodedImage> decode_image(std::span<const std::uint8_t> bytes,
                                  const DecodeOptions& options = {});

}  // namespace parity
