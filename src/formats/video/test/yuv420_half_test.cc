#include "formats/video/yuv420_half.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace parity::video {
namespace {

// A 4x2 picture (two 2x2 blocks) with one chroma sample per block, converted to 2x1 RGB.
std::array<std::uint8_t, 6> convert(std::array<std::uint8_t, 8> luma,
                                    std::array<std::uint8_t, 2> cb, std::array<std::uint8_t, 2> cr,
                                    AVColorSpace colorspace, bool full_range) {
  const Yuv420Planes planes{luma.data(), cb.data(), cr.data(), 4, 2, 2};
  std::array<std::uint8_t, 6> rgb{};
  yuv420_to_rgb24_half(planes, 2, 1, colorspace, full_range, rgb.data());
  return rgb;
}

TEST(Yuv420HalfTest, LimitedRangeBlackWhiteAndGrey) {
  const auto rgb = convert({16, 16, 235, 235, 16, 16, 235, 235}, {128, 128}, {128, 128},
                           AVCOL_SPC_UNSPECIFIED, false);
  EXPECT_EQ(rgb, (std::array<std::uint8_t, 6>{0, 0, 0, 255, 255, 255}));
  // One black and three white samples average to Y 180.25: (180.25 - 16) x 255 / 219 = 191.25.
  const auto grey = convert({16, 235, 16, 16, 235, 235, 16, 16}, {128, 128}, {128, 128},
                            AVCOL_SPC_UNSPECIFIED, false);
  EXPECT_EQ(grey[0], 191);
  EXPECT_EQ(grey[1], 191);
  EXPECT_EQ(grey[2], 191);
}

TEST(Yuv420HalfTest, Bt601PrimariesAndClipping) {
  // BT.601 limited-range red is Y 81, Cb 90, Cr 240 (rounded): back to (255, 0, 0) within 1.
  const auto red =
      convert({81, 81, 16, 16, 81, 81, 16, 16}, {90, 128}, {240, 128}, AVCOL_SPC_SMPTE170M, false);
  EXPECT_NEAR(red[0], 255, 1);
  EXPECT_NEAR(red[1], 0, 1);
  EXPECT_NEAR(red[2], 0, 1);
  // Out-of-gamut chroma clips instead of wrapping.
  const auto clipped = convert({235, 235, 16, 16, 235, 235, 16, 16}, {255, 0}, {255, 0},
                               AVCOL_SPC_UNSPECIFIED, false);
  EXPECT_EQ(clipped[0], 255);
  EXPECT_EQ(clipped[2], 255);
  EXPECT_EQ(clipped[3], 0);
  // G = 128 x (0.344 + 0.714) x 255 / 224 = 154.2: it gains from negative chroma.
  EXPECT_EQ(clipped[4], 154);
  EXPECT_EQ(clipped[5], 0);
}

TEST(Yuv420HalfTest, FullRangeAndBt709UseTheirOwnCoefficients) {
  // Full range: Y is used as is; a pure chroma offset gives R - G and B - G per the matrix.
  const auto full = convert({100, 100, 0, 0, 100, 100, 0, 0}, {128, 128}, {128, 128},
                            AVCOL_SPC_UNSPECIFIED, true);
  EXPECT_EQ(full, (std::array<std::uint8_t, 6>{100, 100, 100, 0, 0, 0}));
  // Cr + 50 at Y 128, full range: R = 128 + 2 (1 - Kr) 50 = 198.1 (BT.601) or 206.7 (BT.709).
  const auto bt601 =
      convert({128, 128, 0, 0, 128, 128, 0, 0}, {128, 128}, {178, 128}, AVCOL_SPC_BT470BG, true);
  const auto bt709 =
      convert({128, 128, 0, 0, 128, 128, 0, 0}, {128, 128}, {178, 128}, AVCOL_SPC_BT709, true);
  EXPECT_EQ(bt601[0], 198);
  EXPECT_EQ(bt709[0], 207);
  // G = 128 - 2 Kr (1 - Kr) / Kg 50: 92.3 (BT.601), 104.6 (BT.709).
  EXPECT_EQ(bt601[1], 92);
  EXPECT_EQ(bt709[1], 105);
}

}  // namespace
}  // namespace parity::video
