// The per-format decoders behind parity/imaging/image_decode.h. Each confines the library's
// setjmp/longjmp error handling to its own translation unit.
#pragma once

#include <cstdint>
#include <span>

#include "parity/core/status.h"
#include "parity/imaging/image_decode.h"

namespace parity::imaging_detail {

// Header of a JPEG stream (jpeg_read_header only). Errors as probe_image().
Result<ImageHeader> probe_jpeg(std::span<const std::uint8_t> bytes);
// Full decode with DCT scaling 1/scale_denominator (precondition: 1, 2, 4 or 8).
Result<DecodedImage> decode_jpeg(std::span<const std::uint8_t> bytes,
                                 std::uint32_t scale_denominator);

// Header of a PNG stream (chunks up to the first IDAT). Errors as probe_image().
Result<ImageHeader> probe_png(std::span<const std::uint8_t> bytes);
// Full decode at full scale.
Result<DecodedImage> decode_png(std::span<const std::uint8_t> bytes);

}  // namespace parity::imaging_detail
