// Analysis frames: every raw encoding, row padding, the reduction to the analysis size, JPEG and
// PNG inputs (encoded here with OpenCV) and the errors for bad messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "parity/features/camera_features.h"

namespace parity::features {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

using Bytes = std::vector<std::uint8_t>;

// A width x height image whose rows are `step` bytes, filled by pixel(x, y) -> bytes.
template <typename Pixel>
ros2::Image make_image(const std::string& encoding, std::uint32_t width, std::uint32_t height,
                       std::uint32_t bytes_per_pixel, std::uint32_t step, Pixel pixel) {
  ros2::Image image;
  image.encoding = encoding;
  image.width = width;
  image.height = height;
  image.step = step;
  image.data.assign(std::size_t{step} * height, 0xEE);  // padding bytes stand out
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      const Bytes bytes = pixel(x, y);
      EXPECT_EQ(bytes.size(), bytes_per_pixel);
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        image.data[std::size_t{y} * step + x * bytes_per_pixel + i] = bytes[i];
      }
    }
  }
  return image;
}

std::uint8_t value_at(std::uint32_t x, std::uint32_t y, std::uint32_t c) {
  return static_cast<std::uint8_t>((x * 7 + y * 13 + c * 50) % 256);
}

// The packed RGB pixels value_at() defines for a width x height frame.
Bytes expected_rgb(std::uint32_t width, std::uint32_t height) {
  Bytes out;
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      for (std::uint32_t c = 0; c < 3; ++c) out.push_back(value_at(x, y, c));
    }
  }
  return out;
}

AnalysisFrame ok_frame(const ros2::Image& image, const AnalysisOptions& options = {}) {
  auto frame = analysis_frame_from_image(image, options);
  EXPECT_TRUE(frame.ok()) << frame.status().to_string();
  return frame.ok() ? std::move(*frame) : AnalysisFrame{};
}

TEST(AnalysisSize, ReducesTheLongerSideAndKeepsTheAspect) {
  const auto size = [](std::uint32_t w, std::uint32_t h, std::uint32_t max_side) {
    std::uint32_t ow = 0;
    std::uint32_t oh = 0;
    analysis_size(w, h, max_side, ow, oh);
    return std::vector<std::uint32_t>{ow, oh};
  };
  EXPECT_THAT(size(640, 480, 320), ElementsAre(320, 240));
  EXPECT_THAT(size(480, 640, 320), ElementsAre(240, 320));
  EXPECT_THAT(size(1280, 720, 320), ElementsAre(320, 180));
  EXPECT_THAT(size(848, 480, 320), ElementsAre(320, 181));  // 181.13
  EXPECT_THAT(size(641, 481, 320), ElementsAre(320, 240));  // 240.12
  EXPECT_THAT(size(320, 240, 320), ElementsAre(320, 240));
  EXPECT_THAT(size(100, 50, 320), ElementsAre(100, 50));
  EXPECT_THAT(size(1000, 10, 320), ElementsAre(320, 3));  // 3.2
  EXPECT_THAT(size(10000, 4, 320), ElementsAre(320, 3));  // at least 3
  EXPECT_THAT(size(10000, 2, 320), ElementsAre(320, 2));  // never more than the frame
}

TEST(AnalysisFrameFromImage, Rgb8WithRowPaddingIsCopiedWithoutIt) {
  const ros2::Image image = make_image("rgb8", 6, 4, 3, 20, [](std::uint32_t x, std::uint32_t y) {
    return Bytes{value_at(x, y, 0), value_at(x, y, 1), value_at(x, y, 2)};
  });
  const AnalysisFrame frame = ok_frame(image);
  EXPECT_EQ(frame.width, 6u);
  EXPECT_EQ(frame.height, 4u);
  EXPECT_EQ(frame.channels, 3u);
  EXPECT_THAT(frame.pixels, ElementsAreArray(expected_rgb(6, 4)));
}

TEST(AnalysisFrameFromImage, LastRowWithoutPaddingIsAccepted) {
  ros2::Image image = make_image("rgb8", 5, 3, 3, 16, [](std::uint32_t x, std::uint32_t y) {
    return Bytes{value_at(x, y, 0), value_at(x, y, 1), value_at(x, y, 2)};
  });
  image.data.resize(16 * 2 + 15);
  EXPECT_THAT(ok_frame(image).pixels, ElementsAreArray(expected_rgb(5, 3)));
}

TEST(AnalysisFrameFromImage, Bgr8AndFourChannelEncodingsBecomeRgb) {
  const auto rgb = [](std::uint32_t x, std::uint32_t y) {
    return Bytes{value_at(x, y, 0), value_at(x, y, 1), value_at(x, y, 2)};
  };
  const ros2::Image bgr = make_image("bgr8", 7, 5, 3, 21, [&](std::uint32_t x, std::uint32_t y) {
    const Bytes p = rgb(x, y);
    return Bytes{p[2], p[1], p[0]};
  });
  const ros2::Image rgba = make_image("rgba8", 7, 5, 4, 32, [&](std::uint32_t x, std::uint32_t y) {
    const Bytes p = rgb(x, y);
    return Bytes{p[0], p[1], p[2], static_cast<std::uint8_t>(x * 30)};
  });
  const ros2::Image bgra = make_image("bgra8", 7, 5, 4, 28, [&](std::uint32_t x, std::uint32_t y) {
    const Bytes p = rgb(x, y);
    return Bytes{p[2], p[1], p[0], 7};
  });
  for (const ros2::Image* image : {&bgr, &rgba, &bgra}) {
    SCOPED_TRACE(image->encoding);
    const AnalysisFrame frame = ok_frame(*image);
    EXPECT_EQ(frame.channels, 3u);
    EXPECT_THAT(frame.pixels, ElementsAreArray(expected_rgb(7, 5)));
  }
}

TEST(AnalysisFrameFromImage, Mono8AndMono16InBothByteOrders) {
  const ros2::Image mono8 = make_image("mono8", 4, 3, 1, 4, [](std::uint32_t x, std::uint32_t y) {
    return Bytes{value_at(x, y, 0)};
  });
  AnalysisFrame frame = ok_frame(mono8);
  EXPECT_EQ(frame.channels, 1u);
  Bytes expected;
  for (std::uint32_t y = 0; y < 3; ++y) {
    for (std::uint32_t x = 0; x < 4; ++x) expected.push_back(value_at(x, y, 0));
  }
  EXPECT_THAT(frame.pixels, ElementsAreArray(expected));

  // The high byte of each 16-bit sample; the low byte (0x7F) must not leak in.
  ros2::Image little = make_image("mono16", 4, 3, 2, 10, [](std::uint32_t x, std::uint32_t y) {
    return Bytes{0x7F, value_at(x, y, 0)};
  });
  EXPECT_THAT(ok_frame(little).pixels, ElementsAreArray(expected));
  ros2::Image big = make_image("mono16", 4, 3, 2, 8, [](std::uint32_t x, std::uint32_t y) {
    return Bytes{value_at(x, y, 0), 0x7F};
  });
  big.is_bigendian = 1;
  frame = ok_frame(big);
  EXPECT_EQ(frame.channels, 1u);
  EXPECT_THAT(frame.pixels, ElementsAreArray(expected));
}

// A mosaic of one colour in every Bayer layout demosaics back to that colour.
TEST(AnalysisFrameFromImage, BayerPatternsDemosaicToTheirColour) {
  const std::uint8_t r = 200;
  const std::uint8_t g = 100;
  const std::uint8_t b = 40;
  struct Pattern {
    const char* encoding;
    char layout[4];  // colours of (0,0), (1,0), (0,1), (1,1)
  };
  for (const Pattern& pattern :
       {Pattern{"bayer_rggb8", {'R', 'G', 'G', 'B'}}, Pattern{"bayer_bggr8", {'B', 'G', 'G', 'R'}},
        Pattern{"bayer_gbrg8", {'G', 'B', 'R', 'G'}},
        Pattern{"bayer_grbg8", {'G', 'R', 'B', 'G'}}}) {
    SCOPED_TRACE(pattern.encoding);
    const ros2::Image image =
        make_image(pattern.encoding, 12, 10, 1, 12, [&](std::uint32_t x, std::uint32_t y) {
          const char colour = pattern.layout[(y % 2) * 2 + x % 2];
          return Bytes{colour == 'R' ? r : colour == 'G' ? g : b};
        });
    const AnalysisFrame frame = ok_frame(image);
    ASSERT_EQ(frame.channels, 3u);
    ASSERT_EQ(frame.width, 12u);
    for (std::uint32_t y = 2; y < 8; ++y) {
      for (std::uint32_t x = 2; x < 10; ++x) {
        const std::uint8_t* p = &frame.pixels[(y * 12 + x) * 3];
        ASSERT_THAT(Bytes(p, p + 3), ElementsAre(r, g, b)) << x << "," << y;
      }
    }
  }
}

// 2x2 blocks averaged exactly by the area resize (640x480 -> 320x240).
TEST(AnalysisFrameFromImage, ReducesByAreaAverage) {
  const ros2::Image image =
      make_image("rgb8", 640, 480, 3, 640 * 3, [](std::uint32_t x, std::uint32_t y) {
        const auto base = static_cast<std::uint8_t>((x / 2 + y / 2) % 200);
        const auto odd = static_cast<std::uint8_t>((x + y) % 2 == 0 ? 0 : 2);  // block mean +1
        return Bytes{static_cast<std::uint8_t>(base + odd), base, static_cast<std::uint8_t>(50)};
      });
  const AnalysisFrame frame = ok_frame(image);
  ASSERT_EQ(frame.width, 320u);
  ASSERT_EQ(frame.height, 240u);
  for (std::uint32_t y = 0; y < 240; y += 17) {
    for (std::uint32_t x = 0; x < 320; x += 13) {
      const auto base = static_cast<std::uint8_t>((x + y) % 200);
      const std::uint8_t* p = &frame.pixels[(y * 320 + x) * 3];
      ASSERT_THAT(Bytes(p, p + 3), ElementsAre(base + 1, base, 50)) << x << "," << y;
    }
  }
  AnalysisOptions options;
  options.max_side = 160;
  const AnalysisFrame small = ok_frame(image, options);
  EXPECT_EQ(small.width, 160u);
  EXPECT_EQ(small.height, 120u);
}

TEST(AnalysisFrameFromImage, Errors) {
  const auto rgb = [](std::uint32_t, std::uint32_t) { return Bytes{1, 2, 3}; };
  ros2::Image depth = make_image("16UC1", 4, 4, 2, 8, [](std::uint32_t, std::uint32_t) {
    return Bytes{1, 2};
  });
  auto result = analysis_frame_from_image(depth);
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(result.status().message(), HasSubstr("image encoding \"16UC1\" is not"));

  ros2::Image short_data = make_image("rgb8", 4, 4, 3, 12, rgb);
  short_data.data.resize(40);
  result = analysis_frame_from_image(short_data);
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(result.status().message(),
              HasSubstr("image 4x4 rgb8 with step 12: data holds 40 bytes, expected step x "
                        "height = 48"));
  ros2::Image long_data = make_image("rgb8", 4, 4, 3, 12, rgb);
  long_data.data.resize(49);
  EXPECT_EQ(analysis_frame_from_image(long_data).status().code(), StatusCode::kCorrupt);

  ros2::Image short_step = make_image("rgb8", 4, 4, 3, 12, rgb);
  short_step.step = 11;
  result = analysis_frame_from_image(short_step);
  EXPECT_EQ(result.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(result.status().message(), HasSubstr("step 11 is shorter than a row of 12 bytes"));

  const ros2::Image tiny = make_image("rgb8", 2, 5, 3, 6, rgb);
  result = analysis_frame_from_image(tiny);
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(result.status().message(),
              HasSubstr("frame of 2x5 pixels is too small to analyse: need at least 3x3"));
  ros2::Image empty;
  empty.encoding = "mono8";
  EXPECT_EQ(analysis_frame_from_image(empty).status().code(), StatusCode::kUnsupported);

  AnalysisOptions options;
  options.max_side = 2;
  result = analysis_frame_from_image(make_image("rgb8", 4, 4, 3, 12, rgb), options);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("max_side must be in [3, 4096], got 2"));
}

TEST(AnalysisFrameFromPixels, PackedFramesAndErrors) {
  const Bytes rgb = expected_rgb(6, 4);
  AnalysisFrame frame;
  ASSERT_TRUE(analysis_frame_from_pixels(rgb, 6, 4, 3, {}, frame).ok());
  EXPECT_EQ(frame.width, 6u);
  EXPECT_THAT(frame.pixels, ElementsAreArray(rgb));
  const Status wrong_size = analysis_frame_from_pixels(rgb, 6, 5, 3, {}, frame);
  EXPECT_EQ(wrong_size.code(), StatusCode::kCorrupt);
  EXPECT_THAT(wrong_size.message(), HasSubstr("frame 6x5x3: holds 72 bytes, expected 90"));
  const Status channels = analysis_frame_from_pixels(rgb, 6, 3, 4, {}, frame);
  EXPECT_EQ(channels.code(), StatusCode::kUnsupported);
  EXPECT_THAT(channels.message(), HasSubstr("frame with 4 channels"));
}

Bytes encode(const std::string& extension, const cv::Mat& image,
             const std::vector<int>& params = {}) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(extension, image, out, params));
  return Bytes(out.begin(), out.end());
}

TEST(AnalysisFrameFromCompressed, JpegIsDecodedAtDctScale) {
  // 640x480 of one colour (BGR for OpenCV): decoded at 1/2 to exactly 320x240.
  const cv::Mat bgr(480, 640, CV_8UC3, cv::Scalar(40, 100, 200));
  const Bytes jpeg = encode(".jpg", bgr, {cv::IMWRITE_JPEG_QUALITY, 95});
  auto frame = analysis_frame_from_compressed(jpeg);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->width, 320u);
  EXPECT_EQ(frame->height, 240u);
  EXPECT_EQ(frame->channels, 3u);
  for (std::size_t i = 0; i < frame->pixels.size(); i += 3) {
    ASSERT_NEAR(frame->pixels[i], 200, 3);
    ASSERT_NEAR(frame->pixels[i + 1], 100, 3);
    ASSERT_NEAR(frame->pixels[i + 2], 40, 3);
  }
  // A 1000x200 frame: 1/2 is the largest scale keeping 320x64 (1/4 gives 250x50), then area
  // resize.
  const cv::Mat wide(200, 1000, CV_8UC1, cv::Scalar(77));
  frame = analysis_frame_from_compressed(encode(".jpg", wide));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->width, 320u);
  EXPECT_EQ(frame->height, 64u);
  EXPECT_EQ(frame->channels, 1u);
  for (const std::uint8_t v : frame->pixels) ASSERT_NEAR(v, 77, 2);
}

TEST(AnalysisFrameFromCompressed, PngExactIncludingAlphaAndSixteenBits) {
  cv::Mat bgr(40, 60, CV_8UC3);
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 60; ++x) {
      const auto ux = static_cast<std::uint32_t>(x);
      const auto uy = static_cast<std::uint32_t>(y);
      bgr.at<cv::Vec3b>(y, x) = {value_at(ux, uy, 2), value_at(ux, uy, 1), value_at(ux, uy, 0)};
    }
  }
  auto frame = analysis_frame_from_compressed(encode(".png", bgr));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->width, 60u);
  EXPECT_THAT(frame->pixels, ElementsAreArray(expected_rgb(60, 40)));

  cv::Mat bgra;
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
  bgra.forEach<cv::Vec4b>(
      [](cv::Vec4b& p, const int* position) { p[3] = static_cast<uchar>(position[1] * 4); });
  frame = analysis_frame_from_compressed(encode(".png", bgra));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->channels, 3u);
  EXPECT_THAT(frame->pixels, ElementsAreArray(expected_rgb(60, 40)));

  cv::Mat grey16(10, 8, CV_16UC1);
  Bytes expected;
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 8; ++x) {
      const auto high = static_cast<std::uint8_t>(x * 30 + y);
      grey16.at<std::uint16_t>(y, x) = static_cast<std::uint16_t>(high * 256 + 0xAB);
      expected.push_back(high);
    }
  }
  frame = analysis_frame_from_compressed(encode(".png", grey16));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->channels, 1u);
  EXPECT_THAT(frame->pixels, ElementsAreArray(expected));

  // PNG reduces by box averages at 1/d, then by area: 1280x960 constant -> 320x240 constant.
  const cv::Mat big(960, 1280, CV_8UC3, cv::Scalar(1, 2, 3));
  frame = analysis_frame_from_compressed(encode(".png", big));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(frame->width, 320u);
  EXPECT_EQ(frame->height, 240u);
  EXPECT_EQ(frame->pixels[0], 3);
  EXPECT_EQ(frame->pixels[2], 1);
}

TEST(AnalysisFrameFromCompressed, Errors) {
  const Bytes garbage = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  auto frame = analysis_frame_from_compressed(garbage);
  EXPECT_EQ(frame.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(frame.status().message(),
              HasSubstr("neither JPEG nor PNG (12 bytes starting 6e 6f 74 20"));

  const cv::Mat bgr(48, 64, CV_8UC3, cv::Scalar(10, 20, 30));
  Bytes jpeg = encode(".jpg", bgr);
  jpeg.resize(jpeg.size() / 2);
  frame = analysis_frame_from_compressed(jpeg);
  EXPECT_EQ(frame.status().code(), StatusCode::kCorrupt);

  const Bytes tiny = encode(".png", cv::Mat(2, 2, CV_8UC3, cv::Scalar(1, 2, 3)));
  frame = analysis_frame_from_compressed(tiny);
  EXPECT_EQ(frame.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(frame.status().message(), HasSubstr("2x2 pixels is too small"));
}

}  // namespace
}  // namespace parity::features
