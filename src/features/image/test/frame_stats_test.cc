// Frame statistics on synthetic frames with known values: constant frames, exposure thresholds,
// percentiles, pure colours and hue wrap-around, a known noise sigma, known blur kernels, edges
// at the threshold and block entropy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "parity/features/camera_features.h"

namespace parity::features {
namespace {

using Grey = std::function<std::uint8_t(std::uint32_t, std::uint32_t)>;
using Rgb = std::function<std::array<std::uint8_t, 3>(std::uint32_t, std::uint32_t)>;

AnalysisFrame grey_frame(std::uint32_t width, std::uint32_t height, const Grey& pixel) {
  AnalysisFrame frame{width, height, 1, {}};
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) frame.pixels.push_back(pixel(x, y));
  }
  return frame;
}

AnalysisFrame rgb_frame(std::uint32_t width, std::uint32_t height, const Rgb& pixel) {
  AnalysisFrame frame{width, height, 3, {}};
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      for (const std::uint8_t v : pixel(x, y)) frame.pixels.push_back(v);
    }
  }
  return frame;
}

AnalysisFrame constant_rgb(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  return rgb_frame(32, 24, [=](std::uint32_t, std::uint32_t) {
    return std::array<std::uint8_t, 3>{r, g, b};
  });
}

cv::Mat as_mat(AnalysisFrame& frame) {
  return cv::Mat(static_cast<int>(frame.height), static_cast<int>(frame.width),
                 frame.channels == 3 ? CV_8UC3 : CV_8UC1, frame.pixels.data());
}

double circular_distance_deg(double a, double b) {
  const double d = std::fmod(std::abs(a - b), 360.0);
  return std::min(d, 360.0 - d);
}

TEST(FrameStats, ConstantGreyFrame) {
  const FrameStats s = compute_frame_stats(grey_frame(40, 30, [](auto, auto) { return 128; }));
  EXPECT_EQ(s.luma_mean, 128.0);
  EXPECT_EQ(s.luma_std, 0.0);
  EXPECT_EQ(s.luma_p10, 128.0);
  EXPECT_EQ(s.luma_p50, 128.0);
  EXPECT_EQ(s.luma_p90, 128.0);
  EXPECT_EQ(s.over_exposed, 0.0);
  EXPECT_EQ(s.under_exposed, 0.0);
  EXPECT_EQ(s.sharpness, 0.0);
  EXPECT_EQ(s.noise_sigma, 0.0);
  EXPECT_EQ(s.edge_density, 0.0);
  EXPECT_EQ(s.entropy, 0.0);
  EXPECT_TRUE(std::isnan(s.hue_mean));  // grey frames have no colour statistics
  EXPECT_TRUE(std::isnan(s.saturation_mean));
  EXPECT_TRUE(std::isnan(s.rb_ratio));
}

TEST(FrameStats, ConstantColourFrameHasExactLumaAndHsv) {
  // Y = (299 * 200 + 587 * 100 + 114 * 50) / 1000 = 124.2; S = 150 / 200; H = 60 * 50 / 150.
  const FrameStats s = compute_frame_stats(constant_rgb(200, 100, 50));
  EXPECT_DOUBLE_EQ(s.luma_mean, 124.2);
  EXPECT_EQ(s.luma_std, 0.0);
  EXPECT_EQ(s.luma_p10, 124.0);
  EXPECT_EQ(s.luma_p50, 124.0);
  EXPECT_EQ(s.luma_p90, 124.0);
  EXPECT_DOUBLE_EQ(s.saturation_mean, 0.75);
  EXPECT_NEAR(s.hue_mean, 20.0, 1e-5);
  EXPECT_DOUBLE_EQ(s.rb_ratio, 4.0);
  EXPECT_EQ(s.sharpness, 0.0);
  EXPECT_EQ(s.noise_sigma, 0.0);
  EXPECT_EQ(s.edge_density, 0.0);
  EXPECT_EQ(s.entropy, 0.0);
  // 114 * 250 = 28500: luma 28.5 rounds half up to 29 for the percentiles.
  const FrameStats half = compute_frame_stats(constant_rgb(0, 0, 250));
  EXPECT_DOUBLE_EQ(half.luma_mean, 28.5);
  EXPECT_EQ(half.luma_p50, 29.0);
  EXPECT_DOUBLE_EQ(compute_frame_stats(constant_rgb(10, 20, 30)).luma_mean, 18.15);
}

TEST(FrameStats, ExposureThresholdsAreInclusive) {
  const auto grey = [](std::uint8_t v) {
    return compute_frame_stats(grey_frame(10, 10, [=](auto, auto) { return v; }));
  };
  EXPECT_EQ(grey(255).over_exposed, 1.0);
  EXPECT_EQ(grey(250).over_exposed, 1.0);
  EXPECT_EQ(grey(249).over_exposed, 0.0);
  EXPECT_EQ(grey(0).under_exposed, 1.0);
  EXPECT_EQ(grey(5).under_exposed, 1.0);
  EXPECT_EQ(grey(6).under_exposed, 0.0);
  // 299 * 255 + 587 * 255 + 114 * 254 = 254886: luma 254.886.
  EXPECT_EQ(compute_frame_stats(constant_rgb(255, 255, 254)).over_exposed, 1.0);
  // 299 * 250 + 587 * 250 + 114 * 249 = 249886: luma 249.886 rounds to 250 but is < 250.
  const FrameStats below = compute_frame_stats(constant_rgb(250, 250, 249));
  EXPECT_EQ(below.over_exposed, 0.0);
  EXPECT_EQ(below.luma_p50, 250.0);
  // A quarter of the rows at 0, the rest at 255.
  const FrameStats mixed =
      compute_frame_stats(grey_frame(8, 8, [](auto, std::uint32_t y) { return y < 2 ? 0 : 255; }));
  EXPECT_EQ(mixed.under_exposed, 0.25);
  EXPECT_EQ(mixed.over_exposed, 0.75);
}

TEST(FrameStats, PercentilesFollowTheInvertedCdf) {
  // Values 0..99 once each: p10 = 9, p50 = 49, p90 = 89 (numpy method="inverted_cdf").
  const FrameStats s = compute_frame_stats(grey_frame(10, 10, [](std::uint32_t x, std::uint32_t y) {
    return static_cast<std::uint8_t>(y * 10 + x);
  }));
  EXPECT_EQ(s.luma_p10, 9.0);
  EXPECT_EQ(s.luma_p50, 49.0);
  EXPECT_EQ(s.luma_p90, 89.0);
  EXPECT_DOUBLE_EQ(s.luma_mean, 49.5);
  EXPECT_NEAR(s.luma_std, std::sqrt((100.0 * 100.0 - 1.0) / 12.0), 1e-12);
  // Two values: half 10, half 200 -> p50 is the lower one, p90 the upper.
  const FrameStats two = compute_frame_stats(
      grey_frame(10, 10, [](std::uint32_t x, auto) { return x < 5 ? 10 : 200; }));
  EXPECT_EQ(two.luma_p10, 10.0);
  EXPECT_EQ(two.luma_p50, 10.0);
  EXPECT_EQ(two.luma_p90, 200.0);
  EXPECT_EQ(two.luma_std, 95.0);
}

TEST(FrameStats, PureColours) {
  const FrameStats red = compute_frame_stats(constant_rgb(255, 0, 0));
  EXPECT_NEAR(red.hue_mean, 0.0, 1e-9);
  EXPECT_EQ(red.saturation_mean, 1.0);
  EXPECT_TRUE(std::isnan(red.rb_ratio));  // mean B == 0
  const FrameStats green = compute_frame_stats(constant_rgb(0, 255, 0));
  EXPECT_NEAR(green.hue_mean, 120.0, 1e-9);
  EXPECT_EQ(green.saturation_mean, 1.0);
  EXPECT_TRUE(std::isnan(green.rb_ratio));
  const FrameStats blue = compute_frame_stats(constant_rgb(0, 0, 255));
  EXPECT_NEAR(blue.hue_mean, 240.0, 1e-9);
  EXPECT_EQ(blue.saturation_mean, 1.0);
  EXPECT_EQ(blue.rb_ratio, 0.0);
  const FrameStats magenta = compute_frame_stats(constant_rgb(255, 0, 255));
  EXPECT_NEAR(magenta.hue_mean, 300.0, 1e-9);
  EXPECT_EQ(magenta.rb_ratio, 1.0);
  const FrameStats yellow = compute_frame_stats(constant_rgb(200, 200, 0));
  EXPECT_NEAR(yellow.hue_mean, 60.0, 1e-9);
  EXPECT_NEAR(compute_frame_stats(constant_rgb(0, 200, 200)).hue_mean, 180.0, 1e-9);
}

TEST(FrameStats, HueMeanIsCircularAndSaturationWeighted) {
  // Hues 12 and 348 degrees: the circular mean is 0, not the arithmetic 180.
  const FrameStats wrap = compute_frame_stats(rgb_frame(20, 10, [](std::uint32_t x, auto) {
    return x % 2 == 0 ? std::array<std::uint8_t, 3>{255, 51, 0}
                      : std::array<std::uint8_t, 3>{255, 0, 51};
  }));
  EXPECT_LT(circular_distance_deg(wrap.hue_mean, 0.0), 1e-6) << wrap.hue_mean;
  EXPECT_GE(wrap.hue_mean, 0.0);
  EXPECT_LT(wrap.hue_mean, 360.0);
  // Red at saturation 1 and green at saturation 0.5, equal areas: the weighted resultant is
  // (1 - 0.25, 0.5 * sin 120) -> atan2(0.4330, 0.75) = 30 degrees (unweighted it would be 60).
  const FrameStats weighted = compute_frame_stats(rgb_frame(20, 10, [](std::uint32_t x, auto) {
    return x % 2 == 0 ? std::array<std::uint8_t, 3>{200, 0, 0}
                      : std::array<std::uint8_t, 3>{100, 200, 100};
  }));
  EXPECT_NEAR(weighted.hue_mean, 30.0, 1e-5);
  // Red, green and blue in equal shares cancel: no mean hue.
  const FrameStats cancel = compute_frame_stats(rgb_frame(30, 10, [](std::uint32_t x, auto) {
    std::array<std::uint8_t, 3> p{0, 0, 0};
    p[x % 3] = 255;
    return p;
  }));
  EXPECT_TRUE(std::isnan(cancel.hue_mean));
  EXPECT_EQ(cancel.saturation_mean, 1.0);
  EXPECT_EQ(cancel.rb_ratio, 1.0);
}

TEST(FrameStats, SaturationThresholdIsInclusiveAtOneTenth) {
  const FrameStats at = compute_frame_stats(constant_rgb(100, 90, 90));  // s = 10 / 100
  EXPECT_NEAR(at.hue_mean, 0.0, 1e-9);
  EXPECT_NEAR(at.saturation_mean, 0.1, 1e-15);  // the mean of 768 values 10 / 100
  const FrameStats below = compute_frame_stats(constant_rgb(100, 91, 91));  // s = 0.09
  EXPECT_TRUE(std::isnan(below.hue_mean));
  EXPECT_DOUBLE_EQ(below.saturation_mean, 0.09);
  const FrameStats achromatic = compute_frame_stats(constant_rgb(70, 70, 70));
  EXPECT_TRUE(std::isnan(achromatic.hue_mean));
  EXPECT_EQ(achromatic.saturation_mean, 0.0);
  EXPECT_EQ(achromatic.rb_ratio, 1.0);
  EXPECT_EQ(compute_frame_stats(constant_rgb(0, 0, 0)).saturation_mean, 0.0);
}

// Immerkaer's estimate of additive Gaussian noise of sigma 5 (plus the rounding's 1/12) on a
// flat frame is within 5 %; the luma std agrees too.
TEST(FrameStats, NoiseSigmaOfKnownGaussianNoise) {
  for (const double sigma : {2.0, 5.0, 10.0}) {
    SCOPED_TRACE(sigma);
    std::mt19937 rng(42);
    std::normal_distribution<double> noise(0.0, sigma);
    const AnalysisFrame frame = grey_frame(320, 240, [&](auto, auto) {
      return static_cast<std::uint8_t>(std::clamp(std::lround(128.0 + noise(rng)), 0L, 255L));
    });
    const FrameStats s = compute_frame_stats(frame);
    const double expected = std::sqrt(sigma * sigma + 1.0 / 12.0);
    EXPECT_NEAR(s.noise_sigma, expected, 0.05 * expected);
    EXPECT_NEAR(s.luma_std, expected, 0.02 * expected);
    EXPECT_NEAR(s.luma_mean, 128.0, 0.1);
    // White noise: Laplacian variance = (1 + 1 + 1 + 1 + 16) sigma^2.
    EXPECT_NEAR(s.sharpness, 20.0 * expected * expected, 0.05 * 20.0 * expected * expected);
  }
}

// A one-pixel checkerboard 100 +- 90 blurred by a 3x3 box becomes 100 +- 10 (the box passes
// 1/9 of the Nyquist frequency): the Laplacian variance falls by exactly 81.
TEST(FrameStats, SharpnessOfBlurredCheckerboardFallsByTheKernelGain) {
  AnalysisFrame sharp = grey_frame(
      64, 48, [](std::uint32_t x, std::uint32_t y) { return (x + y) % 2 == 0 ? 190 : 10; });
  AnalysisFrame blurred = sharp;
  cv::Mat out = as_mat(blurred);
  cv::blur(as_mat(sharp), out, cv::Size(3, 3));
  ASSERT_EQ(blurred.pixels[0], 110);
  ASSERT_EQ(blurred.pixels[1], 90);
  const FrameStats a = compute_frame_stats(sharp);
  const FrameStats b = compute_frame_stats(blurred);
  EXPECT_DOUBLE_EQ(a.sharpness, 720.0 * 720.0);  // |Laplacian| = 4 * 180 at every pixel
  EXPECT_DOUBLE_EQ(b.sharpness, 80.0 * 80.0);
  EXPECT_DOUBLE_EQ(a.sharpness / b.sharpness, 81.0);
  // Immerkaer's N gives 16 * 90 at every pixel of the sharp board.
  EXPECT_NEAR(a.noise_sigma, std::sqrt(std::numbers::pi / 2.0) / 6.0 * 16.0 * 90.0, 1e-9);
}

// On white noise, blurring with kernel k scales the Laplacian variance by
// |Laplacian * k|^2 / |Laplacian|^2 (the rounding to 8 bits adds 20 / 12).
TEST(FrameStats, SharpnessOfBlurredNoiseFallsByTheExpectedFactor) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> uniform(0, 255);
  AnalysisFrame sharp =
      grey_frame(320, 240, [&](auto, auto) { return static_cast<std::uint8_t>(uniform(rng)); });
  // Combined kernel Laplacian * box(3x3) / 9, a 5x5 kernel.
  const double laplacian[3][3] = {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}};
  double combined[5][5] = {};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int u = 0; u < 3; ++u) {
        for (int v = 0; v < 3; ++v) combined[i + u][j + v] += laplacian[i][j] / 9.0;
      }
    }
  }
  double gain = 0;
  for (const auto& row : combined) {
    for (const double c : row) gain += c * c;
  }
  AnalysisFrame blurred = sharp;
  cv::Mat out = as_mat(blurred);
  cv::blur(as_mat(sharp), out, cv::Size(3, 3));
  const FrameStats a = compute_frame_stats(sharp);
  const FrameStats b = compute_frame_stats(blurred);
  const double variance = a.luma_std * a.luma_std;
  EXPECT_NEAR(a.sharpness, 20.0 * variance, 0.03 * 20.0 * variance);
  const double expected = gain * variance + 20.0 / 12.0;
  EXPECT_NEAR(b.sharpness, expected, 0.03 * expected);
  EXPECT_GT(a.sharpness / b.sharpness, 10.0);
}

// A vertical step: edges exactly when the Sobel magnitude 4 * step exceeds 100.
TEST(FrameStats, EdgeDensityAtTheThreshold) {
  const auto step = [](int height) {
    return compute_frame_stats(grey_frame(320, 240, [=](std::uint32_t x, auto) {
      return static_cast<std::uint8_t>(x < 160 ? 100 : 100 + height);
    }));
  };
  EXPECT_EQ(step(24).edge_density, 0.0);
  EXPECT_EQ(step(25).edge_density, 0.0);  // magnitude exactly 100 does not exceed it
  // Columns 159 and 160 of 318 interior columns.
  EXPECT_DOUBLE_EQ(step(26).edge_density, 2.0 / 318.0);
  EXPECT_DOUBLE_EQ(step(150).edge_density, 2.0 / 318.0);
  // A step in hue between colours of equal luma (S = 129900) is no edge.
  const FrameStats iso = compute_frame_stats(rgb_frame(40, 30, [](std::uint32_t x, auto) {
    return x < 20 ? std::array<std::uint8_t, 3>{200, 100, 100}
                  : std::array<std::uint8_t, 3>{20, 208, 16};
  }));
  EXPECT_EQ(iso.edge_density, 0.0);
  EXPECT_EQ(iso.sharpness, 0.0);
  EXPECT_EQ(iso.luma_std, 0.0);
}

TEST(FrameStats, EntropyIsTheMeanOfBlockEntropies) {
  // Alternating columns of two values: 1 bit in every block.
  EXPECT_DOUBLE_EQ(
      compute_frame_stats(
          grey_frame(320, 240, [](std::uint32_t x, auto) { return x % 2 == 0 ? 0 : 255; }))
          .entropy,
      1.0);
  // Four values equally often in every block: 2 bits.
  EXPECT_DOUBLE_EQ(compute_frame_stats(grey_frame(320, 240,
                                                  [](std::uint32_t x, std::uint32_t y) {
                                                    return static_cast<std::uint8_t>(60 * (x % 2) +
                                                                                     120 * (y % 2));
                                                  }))
                       .entropy,
                   2.0);
  // Left half flat, right half two values: blocks give 0, 0, 1, 1 per row -> 0.5.
  EXPECT_DOUBLE_EQ(compute_frame_stats(grey_frame(320, 240,
                                                  [](std::uint32_t x, auto) {
                                                    return x < 160 ? 50 : (x % 2 == 0 ? 0 : 255);
                                                  }))
                       .entropy,
                   0.5);
}

TEST(FrameStats, AnalyzerReusedAcrossSizesMatchesFreshComputation) {
  FrameAnalyzer analyzer;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> uniform(0, 255);
  for (const auto [w, h, c] : {std::array<std::uint32_t, 3>{320, 240, 3},
                               {17, 5, 1},
                               {100, 80, 3},
                               {3, 3, 3},
                               {320, 240, 1}}) {
    AnalysisFrame frame{w, h, c, std::vector<std::uint8_t>(std::size_t{w} * h * c)};
    for (auto& v : frame.pixels) v = static_cast<std::uint8_t>(uniform(rng));
    FrameStats reused;
    std::vector<float> descriptor;
    analyzer.analyze(frame, reused, &descriptor);
    const FrameStats fresh = compute_frame_stats(frame);
    EXPECT_EQ(reused.luma_mean, fresh.luma_mean);
    EXPECT_EQ(reused.sharpness, fresh.sharpness);
    EXPECT_EQ(reused.noise_sigma, fresh.noise_sigma);
    EXPECT_EQ(reused.entropy, fresh.entropy);
    EXPECT_EQ(descriptor, compute_frame_descriptor(frame));
    EXPECT_TRUE(std::isfinite(reused.luma_std));
    if (w > 3) {
      EXPECT_GT(reused.sharpness, 0.0);  // 3x3 has a single interior pixel
    }
  }
}

}  // namespace
}  // namespace parity::features
