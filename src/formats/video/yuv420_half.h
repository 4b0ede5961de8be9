// 8-bit YUV 4:2:0 to RGB24 at half the width and height in one pass: the fast path of
// VideoReader's max_side downscaling when the reduction is exactly 2 (640x480 -> 320x240, the
// camera features' analysis size). Each output pixel converts the mean of a 2x2 luma block with
// the one chroma sample 4:2:0 stores for that block. The conversion is affine, so this equals
// converting every full-size pixel (chroma replicated) and averaging the 2x2 block, up to
// rounding and clipping; it skips the full-size RGB frame libswscale would write.
#pragma once

#include <cstdint>

extern "C" {
#include <libavutil/pixfmt.h>
}

namespace parity::video {

struct Yuv420Planes {
  const std::uint8_t* y = nullptr;
  const std::uint8_t* u = nullptr;
  const std::uint8_t* v = nullptr;
  int y_stride = 0, u_stride = 0, v_stride = 0;  // bytes per row
};

// Writes out_width x out_height RGB24 pixels (rows of 3 * out_width bytes, no padding) to `out`.
// The source picture is at least 2 * out_width x 2 * out_height luma samples. `colorspace`
// picks the matrix (BT.709, BT.2020, SMPTE 240M, FCC; BT.601 otherwise, as libswscale's
// default); `full_range` false means Y in [16, 235] and chroma in [16, 240].
void yuv420_to_rgb24_half(const Yuv420Planes& planes, int out_width, int out_height,
                          AVColorSpace colorspace, bool full_range, std::uint8_t* out);

}  // namespace parity::video
