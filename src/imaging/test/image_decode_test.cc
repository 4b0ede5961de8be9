// Image decoding: tiny PNG and JPEG files encoded here with libpng / libjpeg, decoded back with
// exact sizes and pixel values (PNG exactly, JPEG within a tolerance), and damaged inputs.
#include "parity/imaging/image_decode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

// clang-format off
#include <jpeglib.h>
// clang-format on

namespace parity {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

using Bytes = std::vector<std::uint8_t>;

// ------------------------------------------------------------------------ encoders

struct PngSpec {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  bool interlace = false;
  std::vector<png_color> palette;
  Bytes trns;  // palette alpha entries
  Bytes rows;  // packed rows as libpng expects them (16-bit samples big-endian)
  bool header_only = false;
};

extern "C" void append_png(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + length);
}
extern "C" void flush_png(png_structp /*png*/) {}

Bytes encode_png(const PngSpec& spec) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png)) != 0) {
    ADD_FAILURE() << "libpng failed to encode the test image";
    png_destroy_write_struct(&png, &info);
    return {};
  }
  png_set_write_fn(png, &out, append_png, flush_png);
  png_set_IHDR(png, info, spec.width, spec.height, spec.bit_depth, spec.color_type,
               spec.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!spec.palette.empty()) {
    png_set_PLTE(png, info, spec.palette.data(), static_cast<int>(spec.palette.size()));
  }
  if (!spec.trns.empty()) {
    png_set_tRNS(png, info, spec.trns.data(), static_cast<int>(spec.trns.size()), nullptr);
  }
  png_write_info(png, info);
  if (!spec.header_only) {
    const std::size_t stride = spec.rows.size() / spec.height;
    std::vector<png_bytep> rows(spec.height);
    for (std::size_t y = 0; y < spec.height; ++y) {
      rows[y] = const_cast<png_bytep>(spec.rows.data() + y * stride);
    }
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
  }
  png_destroy_write_struct(&png, &info);
  return out;
}

// A JPEG of `pixels` (rows of width * components samples), quality 95, 4:4:4.
Bytes encode_jpeg(std::uint32_t width, std::uint32_t height, int components, const Bytes& pixels,
                  bool progressive = false) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  for (int c = 0; c < cinfo.num_components; ++c) {
    cinfo.comp_info[c].h_samp_factor = 1;
    cinfo.comp_info[c].v_samp_factor = 1;
  }
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = std::size_t{width} * static_cast<std::size_t>(components);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  Bytes out(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return out;
}

// A smooth colour gradient (JPEG reproduces it closely).
Bytes gradient(std::uint32_t width, std::uint32_t height) {
  Bytes pixels;
  for (std::uint32_t y = 0; y < height; ++y) {
    for (std::uint32_t x = 0; x < width; ++x) {
      pixels.push_back(static_cast<std::uint8_t>(40 + 4 * x));
      pixels.push_back(static_cast<std::uint8_t>(60 + 3 * y));
      pixels.push_back(static_cast<std::uint8_t>(150));
    }
  }
  return pixels;
}

// ------------------------------------------------------------------------ PNG

TEST(PngDecode, Rgb8Exact) {
  PngSpec spec;
  spec.width = 3;
  spec.height = 2;
  spec.rows = {255, 0, 0, 0, 255, 0, 0,   0,   255,  //
               1,   2, 3, 4, 5,   6, 250, 251, 252};
  const Bytes png = encode_png(spec);
  auto header = probe_image(png);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->format, ImageFormat::kPng);
  EXPECT_EQ(header->width, 3u);
  EXPECT_EQ(header->height, 2u);
  EXPECT_EQ(header->channels, 3u);
  EXPECT_EQ(header->encoding, "rgb8");
  auto image = decode_image(png);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->width, 3u);
  EXPECT_EQ(image->height, 2u);
  EXPECT_EQ(image->channels, 3u);
  EXPECT_EQ(image->encoding, "rgb8");
  EXPECT_EQ(image->pixels, spec.rows);
}

TEST(PngDecode, GreyDepthsAlphaAndPalette) {
  {  // 8-bit grey
    PngSpec spec{2, 2, PNG_COLOR_TYPE_GRAY, 8, false, {}, {}, {0, 100, 200, 255}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "mono8");
    EXPECT_THAT(image->pixels, ElementsAre(0, 100, 200, 255));
  }
  {  // 1-bit grey, 4 x 1: 1,0,1,1 -> expanded to 0 / 255
    PngSpec spec{4, 1, PNG_COLOR_TYPE_GRAY, 1, false, {}, {}, {0b10110000}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "mono8");
    EXPECT_THAT(image->pixels, ElementsAre(255, 0, 255, 255));
  }
  {  // 16-bit grey -> mono16, little-endian output
    PngSpec spec{2, 1, PNG_COLOR_TYPE_GRAY, 16, false, {}, {}, {0x12, 0x34, 0xFF, 0x01}};
    const Bytes png = encode_png(spec);
    EXPECT_EQ(probe_image(png)->encoding, "mono16");
    auto image = decode_image(png);
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "mono16");
    EXPECT_EQ(image->bytes_per_sample(), 2u);
    EXPECT_THAT(image->pixels, ElementsAre(0x34, 0x12, 0x01, 0xFF));
  }
  {  // 16-bit RGB -> rgb8 (high bytes)
    PngSpec spec{1, 1, PNG_COLOR_TYPE_RGB, 16, false, {}, {}, {0xAB, 0x01, 0x10, 0xFF, 0x00, 0x80}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "rgb8");
    EXPECT_THAT(image->pixels, ElementsAre(0xAB, 0x10, 0x00));
  }
  {  // RGBA
    PngSpec spec{2, 1, PNG_COLOR_TYPE_RGBA, 8, false, {}, {}, {1, 2, 3, 4, 5, 6, 7, 8}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "rgba8");
    EXPECT_EQ(image->channels, 4u);
    EXPECT_THAT(image->pixels, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  }
  {  // grey + alpha -> rgba8
    PngSpec spec{1, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false, {}, {}, {77, 200}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "rgba8");
    EXPECT_THAT(image->pixels, ElementsAre(77, 77, 77, 200));
  }
  {  // palette -> rgb8; with tRNS -> rgba8
    PngSpec spec{3,  1,        PNG_COLOR_TYPE_PALETTE, 8, false, {{10, 20, 30}, {40, 50, 60}},
                 {}, {1, 0, 1}};
    auto image = decode_image(encode_png(spec));
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->encoding, "rgb8");
    EXPECT_THAT(image->pixels, ElementsAre(40, 50, 60, 10, 20, 30, 40, 50, 60));
    spec.trns = {128};
    const Bytes png = encode_png(spec);
    EXPECT_EQ(probe_image(png)->channels, 4u);
    auto with_alpha = decode_image(png);
    ASSERT_TRUE(with_alpha.ok()) << with_alpha.status().to_string();
    EXPECT_EQ(with_alpha->encoding, "rgba8");
    EXPECT_THAT(with_alpha->pixels, ElementsAre(40, 50, 60, 255, 10, 20, 30, 128, 40, 50, 60, 255));
  }
}

TEST(PngDecode, InterlacedAndScaled) {
  PngSpec spec;
  spec.width = 9;
  spec.height = 5;
  spec.color_type = PNG_COLOR_TYPE_GRAY;
  spec.interlace = true;
  for (std::uint32_t y = 0; y < spec.height; ++y) {
    for (std::uint32_t x = 0; x < spec.width; ++x) {
      spec.rows.push_back(static_cast<std::uint8_t>(10 * x + y));
    }
  }
  const Bytes png = encode_png(spec);
  auto image = decode_image(png);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->pixels, spec.rows);

  // 1/4: ceil(9/4) x ceil(5/4) = 3 x 2, box means rounded half up.
  auto quarter = decode_image(png, {.scale_denominator = 4});
  ASSERT_TRUE(quarter.ok()) << quarter.status().to_string();
  EXPECT_EQ(quarter->width, 3u);
  EXPECT_EQ(quarter->height, 2u);
  // Box (0..3, 0..3): mean of 10x + y = 15 + 1.5 = 16.5 -> 17. Box (8, 0..3): 80 + 1.5 -> 82.
  // Box (4..7, 4): 55 + 4 = 59. Box (8, 4): 84.
  EXPECT_THAT(quarter->pixels, ElementsAre(17, 57, 82, 19, 59, 84));
}

TEST(PngDecode, Mono16Scaled) {
  PngSpec spec{2,
               2,
               PNG_COLOR_TYPE_GRAY,
               16,
               false,
               {},
               {},
               {0x01, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01}};
  auto half = decode_image(encode_png(spec), {.scale_denominator = 2});
  ASSERT_TRUE(half.ok()) << half.status().to_string();
  // (256 + 258 + 0 + 1) / 4 = 128.75 -> 129 = 0x0081
  EXPECT_EQ(half->width, 1u);
  EXPECT_THAT(half->pixels, ElementsAre(0x81, 0x00));
}

TEST(PngDecode, DamageIsCorrupt) {
  PngSpec spec;
  spec.width = 16;
  spec.height = 16;
  spec.rows = gradient(16, 16);
  const Bytes png = encode_png(spec);
  for (const std::size_t keep :
       {std::size_t{8}, std::size_t{20}, std::size_t{40}, png.size() / 2, png.size() - 1}) {
    const Bytes cut(png.begin(), png.begin() + static_cast<long>(keep));
    auto image = decode_image(cut);
    ASSERT_FALSE(image.ok()) << keep;
    EXPECT_EQ(image.status().code(), StatusCode::kCorrupt) << keep;
    EXPECT_THAT(image.status().message(), HasSubstr("PNG: ")) << keep;
  }
  auto cut = decode_image(Bytes(png.begin(), png.begin() + static_cast<long>(png.size() / 2)));
  EXPECT_THAT(cut.status().message(), HasSubstr("unexpected end of PNG data"));

  // A flipped byte inside the IDAT data: zlib fails (the data is inflated before the chunk's
  // CRC is checked). A flipped byte of the CRC itself: the CRC check fails.
  const std::size_t idat = std::string(png.begin(), png.end()).find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  const std::size_t idat_length = (std::size_t{png[idat - 4]} << 24) |
                                  (std::size_t{png[idat - 3]} << 16) |
                                  (std::size_t{png[idat - 2]} << 8) | png[idat - 1];
  Bytes flipped = png;
  flipped[idat + 10] ^= 0x40;
  auto bad_data = decode_image(flipped);
  ASSERT_FALSE(bad_data.ok());
  EXPECT_EQ(bad_data.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad_data.status().message(), HasSubstr("PNG: IDAT: "));
  Bytes bad_crc_bytes = png;
  bad_crc_bytes[idat + 4 + idat_length] ^= 0x01;
  auto bad_crc = decode_image(bad_crc_bytes);
  ASSERT_FALSE(bad_crc.ok());
  EXPECT_EQ(bad_crc.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad_crc.status().message(), HasSubstr("IDAT: CRC error"));

  // A bad IHDR (width 0 with a recomputed CRC would be needed): a flipped IHDR byte fails the
  // CRC at probe time already.
  Bytes bad_header = png;
  bad_header[16 + 3] ^= 0x01;
  auto probe = probe_image(bad_header);
  ASSERT_FALSE(probe.ok());
  EXPECT_EQ(probe.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(probe.status().message(), HasSubstr("IHDR"));
}

TEST(PngDecode, TooManyPixelsRejectedBeforeAllocating) {
  PngSpec spec;
  spec.width = 20000;
  spec.height = 20000;
  spec.color_type = PNG_COLOR_TYPE_GRAY;
  spec.header_only = true;
  Bytes png = encode_png(spec);
  // The start of an IDAT chunk (length 10): png_read_info() stops there.
  for (const char c : std::string("\0\0\0\x0aIDAT", 8)) png.push_back(static_cast<std::uint8_t>(c));
  auto header = probe_image(png);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->width, 20000u);
  auto image = decode_image(png);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(image.status().message(),
              HasSubstr("PNG: 20000 x 20000 pixels exceeds the limit of 268435456 pixels"));
}

// ------------------------------------------------------------------------ JPEG

void expect_near_all(const Bytes& got, const Bytes& want, int tolerance) {
  ASSERT_EQ(got.size(), want.size());
  int worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    worst = std::max(worst, std::abs(int{got[i]} - int{want[i]}));
  }
  EXPECT_LE(worst, tolerance);
}

TEST(JpegDecode, RgbWithinTolerance) {
  const Bytes pixels = gradient(16, 8);
  for (const bool progressive : {false, true}) {
    const Bytes jpeg = encode_jpeg(16, 8, 3, pixels, progressive);
    auto header = probe_image(jpeg);
    ASSERT_TRUE(header.ok()) << header.status().to_string();
    EXPECT_EQ(header->format, ImageFormat::kJpeg);
    EXPECT_EQ(header->width, 16u);
    EXPECT_EQ(header->height, 8u);
    EXPECT_EQ(header->channels, 3u);
    EXPECT_EQ(header->encoding, "rgb8");
    auto image = decode_image(jpeg);
    ASSERT_TRUE(image.ok()) << image.status().to_string();
    EXPECT_EQ(image->width, 16u);
    EXPECT_EQ(image->height, 8u);
    EXPECT_EQ(image->encoding, "rgb8");
    expect_near_all(image->pixels, pixels, 6);
  }
}

TEST(JpegDecode, GreyAndDctScaling) {
  Bytes grey(33 * 17);
  for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<std::uint8_t>(120);
  const Bytes jpeg = encode_jpeg(33, 17, 1, grey);
  auto image = decode_image(jpeg);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->encoding, "mono8");
  EXPECT_EQ(image->channels, 1u);
  expect_near_all(image->pixels, grey, 1);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> dims = {
      {17, 9}, {9, 5}, {5, 3}};  // ceil(33/d) x ceil(17/d), d = 2, 4, 8
  const std::uint32_t denominators[] = {2, 4, 8};
  for (std::size_t i = 0; i < 3; ++i) {
    auto scaled = decode_image(jpeg, {.scale_denominator = denominators[i]});
    ASSERT_TRUE(scaled.ok()) << scaled.status().to_string();
    EXPECT_EQ(scaled->width, dims[i].first) << denominators[i];
    EXPECT_EQ(scaled->height, dims[i].second) << denominators[i];
    expect_near_all(scaled->pixels, Bytes(std::size_t{dims[i].first} * dims[i].second, 120), 1);
  }
  auto bad = decode_image(jpeg, {.scale_denominator = 3});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("must be 1, 2, 4 or 8, got 3"));
}

TEST(JpegDecode, DamageIsCorrupt) {
  const Bytes jpeg = encode_jpeg(16, 16, 3, gradient(16, 16));
  // Cut inside the headers, inside the entropy-coded data, just before EOI.
  for (const std::size_t keep :
       {std::size_t{3}, std::size_t{30}, std::size_t{200}, jpeg.size() - 100, jpeg.size() - 2}) {
    const Bytes cut(jpeg.begin(), jpeg.begin() + static_cast<long>(keep));
    auto image = decode_image(cut);
    ASSERT_FALSE(image.ok()) << keep;
    EXPECT_EQ(image.status().code(), StatusCode::kCorrupt) << keep;
    EXPECT_THAT(image.status().message(), HasSubstr("JPEG: ")) << keep;
  }
  auto premature = decode_image(Bytes(jpeg.begin(), jpeg.end() - 100));
  EXPECT_THAT(premature.status().message(), HasSubstr("Premature end of JPEG file"));

  // SOF0 with 0 components.
  Bytes bad_sof = jpeg;
  const std::string text(bad_sof.begin(), bad_sof.end());
  const std::size_t sof = text.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  bad_sof[sof + 9] = 0;
  auto sof_error = probe_image(bad_sof);
  ASSERT_FALSE(sof_error.ok());
  EXPECT_EQ(sof_error.status().code(), StatusCode::kCorrupt);

  // 20000 x 20000 in SOF0: the header reads, decoding refuses before allocating.
  Bytes huge = jpeg;
  huge[sof + 5] = 0x4E;  // height 0x4E20 = 20000
  huge[sof + 6] = 0x20;
  huge[sof + 7] = 0x4E;  // width
  huge[sof + 8] = 0x20;
  auto huge_header = probe_image(huge);
  ASSERT_TRUE(huge_header.ok()) << huge_header.status().to_string();
  EXPECT_EQ(huge_header->width, 20000u);
  auto huge_image = decode_image(huge);
  EXPECT_EQ(huge_image.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(huge_image.status().message(), HasSubstr("20000 x 20000 pixels exceeds"));
}

TEST(ImageDecode, UnknownAndEmpty) {
  auto empty = decode_image({});
  EXPECT_EQ(empty.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(empty.status().message(), HasSubstr("empty data"));
  const Bytes gif = {'G', 'I', 'F', '8', '9', 'a', 0, 0, 1};
  auto unknown = probe_image(gif);
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("neither JPEG nor PNG (9 bytes starting 47 49 46 38 39 61 00 00)"));
  EXPECT_EQ(sniff_image_format(Bytes{0xFF, 0xD8, 0xFF, 0xE0}), ImageFormat::kJpeg);
  EXPECT_EQ(sniff_image_format(Bytes{0xFF, 0xD8}), std::nullopt);
  EXPECT_EQ(image_format_name(ImageFormat::kPng), "png");
}

}  // namespace
}  // namespace parity
