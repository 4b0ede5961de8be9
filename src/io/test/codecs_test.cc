#include "parity/io/codecs.h"

#include <bzlib.h>
#include <gtest/gtest.h>

#include <random>

namespace parity {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::uint8_t> sample(std::size_t n, bool compressible) {
  std::mt19937 rng(3);
  std::vector<std::uint8_t> data(n);
  for (std::size_t i = 0; i < n; ++i) {
    data[i] =
        compressible ? static_cast<std::uint8_t>((i / 16) % 11) : static_cast<std::uint8_t>(rng());
  }
  return data;
}

class CodecRoundTrip : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecRoundTrip, DecompressesWhatItCompressed) {
  Compressor compressor;
  Decompressor decompressor;
  for (std::size_t n : {0, 1, 100, 65536, 1 << 20}) {
    for (bool compressible : {true, false}) {
      SCOPED_TRACE(std::to_string(n) + (compressible ? " compressible" : " random"));
      const std::vector<std::uint8_t> input = sample(n, compressible);
      std::vector<std::uint8_t> packed;
      ASSERT_TRUE(compressor.compress(GetParam(), input, packed).ok());
      if (compressible && n >= 65536 && GetParam() != Codec::kNone) {
        EXPECT_LT(packed.size(), n / 4);
      }
      EXPECT_LE(n, max_decompressed_size(GetParam(), packed.size()));
      std::vector<std::uint8_t> output(n);
      ASSERT_TRUE(decompressor.decompress(GetParam(), packed, output).ok());
      EXPECT_EQ(output, input);
    }
  }
}

TEST_P(CodecRoundTrip, WrongExpectedSizeIsCorrupt) {
  const std::vector<std::uint8_t> input = sample(1000, true);
  std::vector<std::uint8_t> packed;
  ASSERT_TRUE(Compressor().compress(GetParam(), input, packed).ok());
  Decompressor decompressor;
  std::vector<std::uint8_t> small(999);
  const Status too_small = decompressor.decompress(GetParam(), packed, small);
  EXPECT_EQ(too_small.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(
      contains(too_small.message(), std::string(codec_name(GetParam())) + " decompression failed"))
      << too_small.message();
  EXPECT_TRUE(contains(too_small.message(), "expected 999 bytes")) << too_small.message();
  std::vector<std::uint8_t> large(1001);
  const Status too_large = decompressor.decompress(GetParam(), packed, large);
  EXPECT_EQ(too_large.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(contains(too_large.message(), "expected 1001 bytes")) << too_large.message();
  // The context is reusable after an error.
  std::vector<std::uint8_t> exact(1000);
  ASSERT_TRUE(decompressor.decompress(GetParam(), packed, exact).ok());
  EXPECT_EQ(exact, input);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecRoundTrip,
                         ::testing::Values(Codec::kNone, Codec::kZstd, Codec::kLz4),
                         [](const auto& param_info) {
                           return std::string(codec_name(param_info.param));
                         });

TEST(Codecs, ExactErrorMessages) {
  std::vector<std::uint8_t> packed;
  ASSERT_TRUE(zstd_compress(sample(5000, true), packed).ok());
  std::vector<std::uint8_t> out(5000);
  EXPECT_EQ(zstd_decompress(std::span(packed).first(packed.size() / 2), out).message(),
            "zstd decompression failed: Src size is incorrect: expected 5000 bytes, produced 0");
  const std::vector<std::uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<std::uint8_t> not_zstd(32, 0x42);
  EXPECT_EQ(zstd_decompress(not_zstd, out).message(),
            "zstd decompression failed: Unknown frame descriptor: expected 5000 bytes, produced 0");

  ASSERT_TRUE(lz4_frame_compress(sample(5000, true), packed).ok());
  const Status cut = lz4_frame_decompress(std::span(packed).first(packed.size() - 3), out);
  EXPECT_EQ(cut.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(contains(cut.message(),
                       "lz4 decompression failed: input ends inside a frame: "
                       "expected 5000 bytes, produced"))
      << cut.message();
  const Status bad = lz4_frame_decompress(garbage, out);
  EXPECT_EQ(bad.code(), StatusCode::kCorrupt);
  EXPECT_TRUE(contains(bad.message(), "lz4 decompression failed: ")) << bad.message();

  std::vector<std::uint8_t> none(4);
  EXPECT_EQ(Decompressor().decompress(Codec::kNone, garbage, none).message(),
            "none decompression failed: stored size differs: expected 4 bytes, produced 9");
}

TEST(Codecs, Bz2) {
  const std::vector<std::uint8_t> input = sample(20000, true);
  std::vector<char> packed(input.size() + input.size() / 100 + 600);
  unsigned int packed_size = static_cast<unsigned int>(packed.size());
  std::vector<char> source(input.begin(), input.end());
  ASSERT_EQ(BZ2_bzBuffToBuffCompress(packed.data(), &packed_size, source.data(),
                                     static_cast<unsigned int>(source.size()), 9, 0, 0),
            BZ_OK);
  const std::span<const std::uint8_t> compressed(
      reinterpret_cast<const std::uint8_t*>(packed.data()), packed_size);
  std::vector<std::uint8_t> out(input.size());
  ASSERT_TRUE(bz2_decompress(compressed, out).ok());
  EXPECT_EQ(out, input);
  ASSERT_TRUE(Decompressor().decompress(Codec::kBz2, compressed, out).ok());
  std::vector<std::uint8_t> small(100);
  EXPECT_EQ(bz2_decompress(compressed, small).message(),
            "bz2 decompression failed: output buffer full before the end of the stream: expected "
            "100 bytes, produced 100");
  std::vector<std::uint8_t> large(input.size() + 1);
  EXPECT_EQ(bz2_decompress(compressed, large).message(),
            "bz2 decompression failed: wrong size: expected 20001 bytes, produced 20000");
  EXPECT_EQ(bz2_decompress(compressed.first(compressed.size() / 2), out).message(),
            "bz2 decompression failed: input ends inside the stream: expected 20000 bytes, "
            "produced 0");
  std::vector<std::uint8_t> packed_out;
  EXPECT_EQ(Compressor().compress(Codec::kBz2, input, packed_out).code(), StatusCode::kUnsupported);
}

TEST(Codecs, DecompressionBounds) {
  EXPECT_EQ(max_decompressed_size(Codec::kNone, 10), 10u);
  EXPECT_EQ(max_decompressed_size(Codec::kZstd, 10), 10u * 32768 + 131072);
  EXPECT_EQ(max_decompressed_size(Codec::kLz4, 10), 10u * 255 + (4u << 20));
  EXPECT_EQ(max_decompressed_size(Codec::kZstd, UINT64_MAX / 2), UINT64_MAX);
  EXPECT_EQ(max_decompressed_size(Codec::kBz2, 10), UINT64_MAX);
}

}  // namespace
}  // namespace parity
