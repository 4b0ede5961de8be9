#include "parity/formats/tensor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "parity/formats/ros_msg/message_decoder.h"
#include "parity/formats/ros_msg/typed_messages.h"

namespace parity {
namespace {

using ::testing::HasSubstr;

template <typename T>
std::vector<std::uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<std::uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

TEST(TensorSpecTest, ParsesAndPrints) {
  auto spec = parse_tensor_spec("uint8[84,84,3]");
  ASSERT_TRUE(spec.ok()) << spec.status().to_string();
  EXPECT_EQ(spec->dtype, DType::kUint8);
  EXPECT_EQ(spec->shape, (std::vector<std::uint64_t>{84, 84, 3}));
  EXPECT_EQ(spec->element_count(), 84u * 84u * 3u);
  EXPECT_EQ(spec->to_string(), "uint8[84,84,3]");
  auto scalar = parse_tensor_spec("float64[]");
  ASSERT_TRUE(scalar.ok());
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->byte_size(), 8u);
  auto empty = parse_tensor_spec("float64[0]");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->byte_size(), 0u);
}

TEST(TensorSpecTest, RejectsMalformedSpecsWithPosition) {
  EXPECT_THAT(parse_tensor_spec("float32").status().message(), HasSubstr("expected <dtype>[d1"));
  EXPECT_THAT(parse_tensor_spec("complex64[2]").status().message(),
              HasSubstr("unknown element type 'complex64'"));
  EXPECT_THAT(parse_tensor_spec("float32[7,x]").status().message(),
              HasSubstr("position 10: expected a non-negative dimension, found 'x'"));
  EXPECT_THAT(parse_tensor_spec("float32[7,]").status().message(),
              HasSubstr("dimension missing after ','"));
  EXPECT_EQ(parse_tensor_spec("float32[-1]").status().code(), StatusCode::kInvalidArgument);
}

TEST(TensorSpecTest, ByteSizeSaturatesInsteadOfOverflowing) {
  auto spec = parse_tensor_spec("float64[4294967296,4294967296,16]");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->byte_size(), std::numeric_limits<std::uint64_t>::max());
}

TEST(TensorSpecTest, NumpyDtypeSpellings) {
  EXPECT_EQ(*parse_dtype("<f4"), DType::kFloat32);
  EXPECT_EQ(*parse_dtype("<f8"), DType::kFloat64);
  EXPECT_EQ(*parse_dtype("|u1"), DType::kUint8);
  EXPECT_EQ(*parse_dtype("?"), DType::kBool);
  EXPECT_EQ(*parse_dtype("double"), DType::kFloat64);
}

TEST(TensorElementTest, HalfPrecisionWidensExactly) {
  // 0x3c00 = 1.0, 0xc000 = -2.0, 0x0001 = 2^-24 (smallest subnormal), 0x7c00 = +inf.
  const std::vector<std::uint16_t> halves = {0x3c00, 0xc000, 0x0001, 0x7c00, 0x7e00};
  const auto data = bytes_of(halves);
  EXPECT_EQ(tensor_element(DType::kFloat16, data, 0), 1.0);
  EXPECT_EQ(tensor_element(DType::kFloat16, data, 1), -2.0);
  EXPECT_EQ(tensor_element(DType::kFloat16, data, 2), std::ldexp(1.0, -24));
  EXPECT_TRUE(std::isinf(tensor_element(DType::kFloat16, data, 3)));
  EXPECT_TRUE(std::isnan(tensor_element(DType::kFloat16, data, 4)));
}

StreamInfo tensor_stream(std::string type, std::string schema) {
  StreamInfo stream;
  stream.topic = "obs/test";
  stream.type = std::move(type);
  stream.message_encoding = "tensor";
  stream.schema_encoding = "tensor";
  stream.schema = std::move(schema);
  return stream;
}

TEST(TensorMessageTest, TensorStepDecodesToNestedArrays) {
  auto decoder = ros2::MessageDecoder::for_stream(tensor_stream("parity/Tensor", "float32[2,3]"));
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  const auto data = bytes_of(std::vector<float>{1, 2, 3, 4, 5, 6.5f});
  auto value = decoder->decode(data);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  EXPECT_EQ(ros2::to_json(*value).dump(), "[[1.0,2.0,3.0],[4.0,5.0,6.5]]");
  auto short_step = decoder->decode(std::span(data).first(20));
  EXPECT_EQ(short_step.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(short_step.status().message(),
              HasSubstr("obs/test: tensor step float32[2,3]: expected 24 bytes, found 20"));
}

TEST(TensorMessageTest, IntegerAndScalarSteps) {
  auto ints = ros2::MessageDecoder::for_stream(tensor_stream("parity/Tensor", "int64[2]"));
  ASSERT_TRUE(ints.ok());
  auto value = ints->decode(bytes_of(std::vector<std::int64_t>{-3, 9007199254740993}));
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(ros2::to_json(*value).dump(), "[-3,9007199254740993]");
  auto flag = ros2::MessageDecoder::for_stream(tensor_stream("parity/Tensor", "bool[]"));
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(ros2::to_json(*flag->decode(std::vector<std::uint8_t>{1})).dump(), "true");
}

TEST(TensorMessageTest, ImageTensorExtractsAsRosImage) {
  StreamInfo stream = tensor_stream("parity/Image", "uint8[2,3,3]");
  auto decoder = ros2::MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  std::vector<std::uint8_t> pixels(18);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i);
  auto value = decoder->decode(pixels);
  ASSERT_TRUE(value.ok()) << value.status().to_string();
  auto image = ros2::extract<ros2::Image>(*value);
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->height, 2u);
  EXPECT_EQ(image->width, 3u);
  EXPECT_EQ(image->encoding, "rgb8");
  EXPECT_EQ(image->step, 9u);
  EXPECT_EQ(image->data, pixels);

  stream = tensor_stream("parity/Image", "uint16[4,5]");
  stream.metadata["image_encoding"] = "16UC1";
  auto depth = ros2::MessageDecoder::for_stream(stream);
  ASSERT_TRUE(depth.ok());
  auto depth_image = ros2::extract<ros2::Image>(*depth->decode(std::vector<std::uint8_t>(40)));
  ASSERT_TRUE(depth_image.ok());
  EXPECT_EQ(depth_image->encoding, "16UC1");
  EXPECT_EQ(depth_image->step, 10u);

  auto bad = ros2::MessageDecoder::for_stream(tensor_stream("parity/Image", "uint8[5]"));
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(bad.status().message(), HasSubstr("expected H x W or H x W x C"));
}

TEST(TensorMessageTest, CompressedImageAndTextStreams) {
  StreamInfo stream;
  stream.topic = "steps/observation/image_0";
  stream.type = "parity/CompressedImage";
  stream.message_encoding = "image";
  stream.metadata["image_format"] = "jpeg";
  auto decoder = ros2::MessageDecoder::for_stream(stream);
  ASSERT_TRUE(decoder.ok()) << decoder.status().to_string();
  const std::vector<std::uint8_t> jpeg = {0xff, 0xd8, 0xff, 0xe0};
  auto image = ros2::extract<ros2::CompressedImage>(*decoder->decode(jpeg));
  ASSERT_TRUE(image.ok()) << image.status().to_string();
  EXPECT_EQ(image->format, "jpeg");
  EXPECT_EQ(image->data, jpeg);

  stream.type = "parity/String";
  stream.message_encoding = "text";
  auto text = ros2::MessageDecoder::for_stream(stream);
  ASSERT_TRUE(text.ok());
  const std::string words = "put the spoon in the pot";
  auto string = ros2::extract<ros2::String>(
      *text->decode(std::span(reinterpret_cast<const std::uint8_t*>(words.data()), words.size())));
  ASSERT_TRUE(string.ok());
  EXPECT_EQ(string->data, words);
}

}  // namespace
}  // namespace parity
