#include "formats/video/yuv420_half.h"

#include <algorithm>
#include <cmath>

namespace parity::video {
namespace {

// Fixed-point scale of the coefficients (16 fractional bits).
constexpr int kShift = 16;
constexpr int kHalf = 1 << (kShift - 1);

struct Coefficients {
  // R = y' + rv * v', G = y' - gu * u' - gv * v', B = y' + bu * u', where y' is the luma
  // SUM of the 2x2 block minus 4 x black, and u', v' are chroma minus 128; all scaled.
  int y = 0, rv = 0, gu = 0, gv = 0, bu = 0;
  int black4 = 0;  // 4 x the luma black level
};

// Luma weights (Kr, Kb) of each matrix (ITU-R BT.601 / BT.709 / BT.2020, SMPTE 240M, FCC).
void luma_weights(AVColorSpace colorspace, double& kr, double& kb) {
  switch (colorspace) {
    case AVCOL_SPC_BT709: kr = 0.2126, kb = 0.0722; return;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: kr = 0.2627, kb = 0.0593; return;
    case AVCOL_SPC_SMPTE240M: kr = 0.212, kb = 0.087; return;
    case AVCOL_SPC_FCC: kr = 0.30, kb = 0.11; return;
    default: kr = 0.299, kb = 0.114; return;
  }
}

Coefficients coefficients(AVColorSpace colorspace, bool full_range) {
  double kr = 0, kb = 0;
  luma_weights(colorspace, kr, kb);
  const double kg = 1.0 - kr - kb;
  const double luma_gain = full_range ? 1.0 : 255.0 / 219.0;
  const double chroma_gain = full_range ? 1.0 : 255.0 / 224.0;
  const auto fixed = [](double c) { return static_cast<int>(std::lround(c * (1 << kShift))); };
  Coefficients c;
  c.y = fixed(luma_gain / 4.0);  // the block sum of four samples
  c.rv = fixed(2.0 * (1.0 - kr) * chroma_gain);
  c.gu = fixed(2.0 * kb * (1.0 - kb) / kg * chroma_gain);
  c.gv = fixed(2.0 * kr * (1.0 - kr) / kg * chroma_gain);
  c.bu = fixed(2.0 * (1.0 - kb) * chroma_gain);
  c.black4 = full_range ? 0 : 4 * 16;
  return c;
}

std::uint8_t clip(int scaled) {
  return static_cast<std::uint8_t>(std::clamp((scaled + kHalf) >> kShift, 0, 255));
}

}  // namespace

void yuv420_to_rgb24_half(const Yuv420Planes& planes, int out_width, int out_height,
                          AVColorSpace colorspace, bool full_range, std::uint8_t* out) {
  const Coefficients c = coefficients(colorspace, full_range);
  for (int row = 0; row < out_height; ++row) {
    const std::uint8_t* y0 = planes.y + static_cast<std::ptrdiff_t>(2 * row) * planes.y_stride;
    const std::uint8_t* y1 = y0 + planes.y_stride;
    const std::uint8_t* u = planes.u + static_cast<std::ptrdiff_t>(row) * planes.u_stride;
    const std::uint8_t* v = planes.v + static_cast<std::ptrdiff_t>(row) * planes.v_stride;
    std::uint8_t* rgb = out + static_cast<std::ptrdiff_t>(row) * out_width * 3;
    for (int x = 0; x < out_width; ++x) {
      const int sum = y0[2 * x] + y0[2 * x + 1] + y1[2 * x] + y1[2 * x + 1];
      const int luma = (sum - c.black4) * c.y;
      const int cb = u[x] - 128;
      const int cr = v[x] - 128;
      rgb[3 * x] = clip(luma + c.rv * cr);
      rgb[3 * x + 1] = clip(luma - c.gu * cb - c.gv * cr);
      rgb[3 * x + 2] = clip(luma + c.bu * cb);
    }
  }
}

}  // namespace parity::video
