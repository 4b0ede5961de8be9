// Decoders against vectors derived from apache/parquet-format Encodings.md and the Thrift
// compact protocol spec, plus their failure modes.
#include "formats/parquet/value_decoders.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "formats/parquet/page_codecs.h"
#include "formats/parquet/test/parquet_test_builder.h"
#include "formats/parquet/thrift_compact_reader.h"

namespace parity::parquet {
namespace {

using testing::Bytes;
using ::testing::HasSubstr;

// Encodings.md, RLE section: 0..7 at bit width 3, bit-packed LSB first = 10001000 11000110
// 11111010.
TEST(RleBitPackedDecoder, SpecBitPackedExample) {
  const Bytes data = {0x03, 0x88, 0xC6, 0xFA};  // header: 1 group of 8, bit-packed
  RleBitPackedDecoder d(data, 3);
  std::uint32_t out[8];
  ASSERT_TRUE(d.get(out, 8).ok());
  EXPECT_THAT(out, ::testing::ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
  EXPECT_THAT(d.get(out, 1).message(), HasSubstr("ends before the values"));
}

TEST(RleBitPackedDecoder, RleRunsAndMixedRunsAcrossCalls) {
  const Bytes data = testing::rle_run(5, 3, 3);  // 3 x5 at width 3
  RleBitPackedDecoder d(data, 3);
  Bytes levels = testing::rle_run(5, 1, 1);
  testing::append(levels, testing::bit_packed_run({1, 0, 1, 1, 0, 0, 1, 0, 1}, 1));
  testing::append(levels, testing::rle_run(300, 0, 1));
  RleBitPackedDecoder l(levels, 1);
  std::vector<std::int16_t> out(5 + 16 + 300);
  ASSERT_TRUE(l.get(out.data(), 3).ok());
  ASSERT_TRUE(l.get(out.data() + 3, 10).ok());
  ASSERT_TRUE(l.skip(5).ok());
  ASSERT_TRUE(l.get(out.data() + 13, 3).ok());
  EXPECT_THAT(std::vector<std::int16_t>(out.begin(), out.begin() + 16),
              ::testing::ElementsAre(1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0));
  std::uint32_t three[5];
  ASSERT_TRUE(d.get(three, 5).ok());
  EXPECT_THAT(three, ::testing::ElementsAre(3, 3, 3, 3, 3));
}

TEST(RleBitPackedDecoder, EveryWidthRoundTrips) {
  std::mt19937 rng(7);
  for (int width = 0; width <= 32; ++width) {
    std::vector<std::uint32_t> values(40);
    for (auto& v : values) {
      v = width == 0
              ? 0
              : static_cast<std::uint32_t>(rng() & ((width == 32) ? ~0u : ((1u << width) - 1)));
    }
    Bytes data = testing::bit_packed_run(values, width);
    testing::append(data, testing::rle_run(3, values[0], width));
    RleBitPackedDecoder d(data, width);
    std::vector<std::uint32_t> out(43);
    ASSERT_TRUE(d.get(out.data(), 43).ok()) << "width " << width;
    for (std::size_t i = 0; i < 40; ++i) ASSERT_EQ(out[i], values[i]) << "width " << width;
    EXPECT_EQ(out[40], values[0]);
    EXPECT_EQ(out[42], values[0]);
  }
}

TEST(RleBitPackedDecoder, HostileRuns) {
  // A run header claiming 2^31 groups with 2 bytes of data yields only what the bytes hold.
  Bytes data;
  testing::put_varint(data, (std::uint64_t{1} << 32) | 1);
  data.push_back(0xff);
  data.push_back(0xff);
  RleBitPackedDecoder d(data, 8);
  std::uint32_t out[3];
  EXPECT_TRUE(d.get(out, 2).ok());
  EXPECT_EQ(out[1], 255u);
  EXPECT_EQ(d.get(out, 1).code(), StatusCode::kCorrupt);
  // An RLE run whose value bytes are cut off.
  Bytes cut = {0x0a, 0x01};
  RleBitPackedDecoder c(cut, 16);
  EXPECT_THAT(c.get(out, 1).message(), HasSubstr("RLE run value at byte 1 is cut off"));
  // A varint header that never ends.
  Bytes endless(12, 0xff);
  RleBitPackedDecoder e(endless, 1);
  EXPECT_THAT(e.get(out, 1).message(), HasSubstr("cut off or too long"));
}

TEST(UnpackBits, MatchesABitByBitReferenceAtEveryWidthAndOffset) {
  std::mt19937 rng(5);
  Bytes data(200);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (int width = 1; width <= 64; ++width) {
    for (const std::uint64_t offset : {0u, 3u, 8u, 13u}) {
      const std::size_t count = (data.size() * 8 - offset) / static_cast<std::size_t>(width);
      std::vector<std::uint64_t> out(count);
      unpack_bits(data, offset, width, out.data(), count);
      for (std::size_t i = 0; i < count; ++i) {
        std::uint64_t expected = 0;
        for (int b = 0; b < width; ++b) {
          const std::uint64_t bit =
              offset + i * static_cast<std::uint64_t>(width) + static_cast<std::uint64_t>(b);
          expected |= static_cast<std::uint64_t>((data[bit / 8] >> (bit % 8)) & 1) << b;
        }
        ASSERT_EQ(out[i], expected) << "width " << width << " offset " << offset << " value " << i;
      }
    }
  }
}

// Encodings.md, BIT_PACKED: 0..7 at width 3, MSB first = 00000101 00111001 01110111.
TEST(BitPackedMsb, SpecExample) {
  const Bytes data = {0x05, 0x39, 0x77};
  std::int16_t out[8];
  ASSERT_TRUE(decode_bit_packed_msb(data, 3, out, 8).ok());
  EXPECT_THAT(out, ::testing::ElementsAre(0, 1, 2, 3, 4, 5, 6, 7));
  EXPECT_THAT(decode_bit_packed_msb(data, 3, out, 9).message(), HasSubstr("need 4 bytes, 3 left"));
}

// Encodings.md, DELTA_BINARY_PACKED example 1: 1..5 -> header 8,1,5,1 and a block of min delta
// 1 with bit width 0.
TEST(DeltaBinaryPacked, SpecExample1) {
  const Bytes data = {8, 1, 5, 2, 2, 0};
  DeltaBinaryPackedDecoder d;
  ASSERT_TRUE(d.init(data, 100).ok());
  std::int32_t out[5];
  ASSERT_TRUE(d.get(out, 5).ok());
  EXPECT_THAT(out, ::testing::ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(d.position(), data.size());
}

// Example 2: 7,5,3,1,2,3,4,5 -> min delta -2, bit width 2, relative deltas 0,0,0,3,3,3,3.
TEST(DeltaBinaryPacked, SpecExample2) {
  const Bytes data = {8, 1, 8, 14, 3, 2, 0xC0, 0x3F};
  DeltaBinaryPackedDecoder d;
  ASSERT_TRUE(d.init(data, 100).ok());
  std::int64_t out[8];
  ASSERT_TRUE(d.get(out, 3).ok());
  ASSERT_TRUE(d.get(out + 3, 5).ok());
  EXPECT_THAT(out, ::testing::ElementsAre(7, 5, 3, 1, 2, 3, 4, 5));
}

TEST(DeltaBinaryPacked, ManyBlocksWrapAroundAndWideDeltas) {
  std::vector<std::int64_t> values = {INT64_MIN, INT64_MAX, 0, -1, 1};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 1000; ++i) values.push_back(static_cast<std::int64_t>(rng()));
  for (int i = 0; i < 300; ++i) values.push_back(42);
  const Bytes data = testing::delta_binary_packed(values);
  DeltaBinaryPackedDecoder d;
  ASSERT_TRUE(d.init(data, values.size()).ok());
  std::vector<std::int64_t> out(values.size());
  ASSERT_TRUE(d.get(out.data(), out.size()).ok());
  EXPECT_EQ(out, values);
  EXPECT_EQ(d.position(), data.size());
}

TEST(DeltaBinaryPacked, Int32WrapsIn32Bits) {
  const std::vector<std::int64_t> wide = {INT32_MAX, INT32_MIN, 5, -7};
  const Bytes data = testing::delta_binary_packed(wide);
  DeltaBinaryPackedDecoder d;
  ASSERT_TRUE(d.init(data, 4).ok());
  std::int32_t out[4];
  ASSERT_TRUE(d.get(out, 4).ok());
  EXPECT_THAT(out, ::testing::ElementsAre(INT32_MAX, INT32_MIN, 5, -7));
}

TEST(DeltaBinaryPacked, HostileHeaders) {
  DeltaBinaryPackedDecoder d;
  EXPECT_THAT(d.init(Bytes{0, 1, 5, 2}, 10).message(), HasSubstr("block size 0 with 1 miniblocks"));
  EXPECT_THAT(d.init(Bytes{8, 3, 5, 2}, 10).message(), HasSubstr("block size 8 with 3"));
  EXPECT_THAT(d.init(Bytes{8, 1, 50, 2}, 10).message(),
              HasSubstr("50 values declared, the page holds at most 10"));
  Bytes cut = {8, 1, 5, 2, 2, 9, 0};  // width 9 needs 5 bytes for 4 values
  ASSERT_TRUE(d.init(cut, 10).ok());
  std::int64_t out[5];
  EXPECT_THAT(d.get(out, 5).message(), HasSubstr("needs 5 bytes for 4 values of 9 bits, 1 left"));
  Bytes wide = {8, 1, 5, 2, 2, 65};
  ASSERT_TRUE(d.init(wide, 10).ok());
  EXPECT_THAT(d.get(out, 5).message(), HasSubstr("bit width 65 exceeds 64"));
}

ValueVector decode_all(Encoding encoding, PhysicalType type, const Bytes& data, std::size_t n,
                       const ValueVector* dict = nullptr, std::int32_t type_length = 0) {
  PageValueDecoder d;
  ValueVector out;
  reset_values(out, type);
  Status st = d.init(encoding, type, type_length, data, n, dict);
  EXPECT_TRUE(st.ok()) << st.to_string();
  st = d.decode(n, out);
  EXPECT_TRUE(st.ok()) << st.to_string();
  return out;
}

std::vector<std::string> strings(const ValueVector& v) {
  const auto& b = std::get<ByteArrays>(v);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < b.size(); ++i) out.emplace_back(b.view(i));
  return out;
}

TEST(PageValueDecoder, PlainEveryType) {
  const Bytes bools = {0b00000101, 0b1};
  EXPECT_EQ(
      std::get<std::vector<bool>>(decode_all(Encoding::kPlain, PhysicalType::kBoolean, bools, 9)),
      (std::vector<bool>{true, false, true, false, false, false, false, false, true}));
  EXPECT_EQ(std::get<std::vector<std::int32_t>>(decode_all(
                Encoding::kPlain, PhysicalType::kInt32, testing::plain<std::int32_t>({-1, 7}), 2)),
            (std::vector<std::int32_t>{-1, 7}));
  EXPECT_EQ(std::get<std::vector<double>>(decode_all(Encoding::kPlain, PhysicalType::kDouble,
                                                     testing::plain<double>({0.5, -2}), 2)),
            (std::vector<double>{0.5, -2}));
  const Bytes int96 = testing::plain<std::uint32_t>({1, 2, 3, 4, 5, 6});
  const auto i96 =
      std::get<std::vector<Int96>>(decode_all(Encoding::kPlain, PhysicalType::kInt96, int96, 2));
  EXPECT_EQ(i96[1].words[2], 6u);
  Bytes ba;
  testing::put_u32(ba, 2);
  ba.insert(ba.end(), {'h', 'i'});
  testing::put_u32(ba, 0);
  EXPECT_THAT(strings(decode_all(Encoding::kPlain, PhysicalType::kByteArray, ba, 2)),
              ::testing::ElementsAre("hi", ""));
  EXPECT_THAT(strings(decode_all(Encoding::kPlain, PhysicalType::kFixedLenByteArray,
                                 Bytes{'a', 'b', 'c', 'd'}, 2, nullptr, 2)),
              ::testing::ElementsAre("ab", "cd"));
}

TEST(PageValueDecoder, PlainShortData) {
  PageValueDecoder d;
  ValueVector out;
  reset_values(out, PhysicalType::kInt64);
  ASSERT_TRUE(
      d.init(Encoding::kPlain, PhysicalType::kInt64, 0, Bytes(12), 1000000000, nullptr).ok());
  EXPECT_THAT(d.decode(1000000000, out).message(),
              HasSubstr("PLAIN values: needs 8000000000 bytes, 12 left in the page"));
  Bytes ba;
  testing::put_u32(ba, 100);
  reset_values(out, PhysicalType::kByteArray);
  ASSERT_TRUE(d.init(Encoding::kPlain, PhysicalType::kByteArray, 0, ba, 1, nullptr).ok());
  EXPECT_THAT(d.decode(1, out).message(),
              HasSubstr("PLAIN BYTE_ARRAY value: needs 100 bytes, 0 left"));
}

TEST(PageValueDecoder, DictionaryIndices) {
  ValueVector dict;
  Bytes dict_page;
  for (const std::string s : {"zero", "one", "two"}) {
    testing::put_u32(dict_page, static_cast<std::uint32_t>(s.size()));
    dict_page.insert(dict_page.end(), s.begin(), s.end());
  }
  ASSERT_TRUE(decode_dictionary_page(PhysicalType::kByteArray, 0, dict_page, 3, dict).ok());
  Bytes data = {2};  // bit width
  testing::append(data, testing::bit_packed_run({2, 0, 1}, 2));
  // The bit-packed run holds 8 values (padded); take 3, then a run of 1s.
  EXPECT_THAT(
      strings(decode_all(Encoding::kRleDictionary, PhysicalType::kByteArray, data, 3, &dict)),
      ::testing::ElementsAre("two", "zero", "one"));
  Bytes bad = {2};
  testing::append(bad, testing::rle_run(4, 3, 2));
  PageValueDecoder d;
  ValueVector out;
  reset_values(out, PhysicalType::kByteArray);
  ASSERT_TRUE(d.init(Encoding::kRleDictionary, PhysicalType::kByteArray, 0, bad, 4, &dict).ok());
  EXPECT_THAT(d.decode(4, out).message(),
              HasSubstr("dictionary index 3 is past the dictionary's 3 entries"));
  EXPECT_THAT(
      d.init(Encoding::kRleDictionary, PhysicalType::kByteArray, 0, Bytes{33}, 1, &dict).message(),
      HasSubstr("bit width 33 exceeds 32"));
  EXPECT_THAT(
      d.init(Encoding::kRleDictionary, PhysicalType::kByteArray, 0, Bytes{1}, 1, nullptr).message(),
      HasSubstr("without a dictionary page"));
  EXPECT_THAT(decode_dictionary_page(PhysicalType::kInt32, 0, Bytes(8), 1u << 30, dict).message(),
              HasSubstr("dictionary page declares 1073741824 values in 8 bytes"));
}

TEST(PageValueDecoder, RleBooleans) {
  Bytes runs = testing::rle_run(3, 1, 1);
  testing::append(runs, testing::bit_packed_run({0, 1}, 1));
  const Bytes data = testing::prefixed(runs);
  EXPECT_EQ(
      std::get<std::vector<bool>>(decode_all(Encoding::kRle, PhysicalType::kBoolean, data, 5)),
      (std::vector<bool>{true, true, true, false, true}));
}

// Encodings.md DELTA_LENGTH_BYTE_ARRAY example: "Hello", "World", "Foobar", "ABCDEF".
TEST(PageValueDecoder, DeltaLengthByteArraySpecExample) {
  Bytes data = {0x80, 0x01, 4, 4, 10, 0, 1, 0, 0, 0, 0x02, 0, 0, 0};
  const std::string text = "HelloWorldFoobarABCDEF";
  data.insert(data.end(), text.begin(), text.end());
  EXPECT_THAT(
      strings(decode_all(Encoding::kDeltaLengthByteArray, PhysicalType::kByteArray, data, 4)),
      ::testing::ElementsAre("Hello", "World", "Foobar", "ABCDEF"));
}

// Encodings.md DELTA_BYTE_ARRAY example: "axis", "axle", "babble", "babyhood".
TEST(PageValueDecoder, DeltaByteArraySpecExample) {
  Bytes data = testing::delta_binary_packed({0, 2, 0, 3});
  testing::append(data, testing::delta_binary_packed({4, 2, 6, 5}));
  const std::string text = "axislebabbleyhood";
  data.insert(data.end(), text.begin(), text.end());
  EXPECT_THAT(strings(decode_all(Encoding::kDeltaByteArray, PhysicalType::kByteArray, data, 4)),
              ::testing::ElementsAre("axis", "axle", "babble", "babyhood"));
  Bytes bad = testing::delta_binary_packed({5});
  testing::append(bad, testing::delta_binary_packed({1}));
  bad.push_back('x');
  PageValueDecoder d;
  ValueVector out;
  reset_values(out, PhysicalType::kByteArray);
  ASSERT_TRUE(d.init(Encoding::kDeltaByteArray, PhysicalType::kByteArray, 0, bad, 1, nullptr).ok());
  EXPECT_THAT(d.decode(1, out).message(),
              HasSubstr("prefix length 5 with a previous value of 0 bytes"));
}

// Encodings.md BYTE_STREAM_SPLIT example: AA BB CC DD | 00 11 22 33 | A3 B4 C5 D6.
TEST(PageValueDecoder, ByteStreamSplitSpecExample) {
  const Bytes data = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
  const auto v = std::get<std::vector<std::int32_t>>(
      decode_all(Encoding::kByteStreamSplit, PhysicalType::kInt32, data, 3));
  EXPECT_EQ(static_cast<std::uint32_t>(v[0]), 0xDDCCBBAAu);
  EXPECT_EQ(static_cast<std::uint32_t>(v[1]), 0x33221100u);
  EXPECT_EQ(static_cast<std::uint32_t>(v[2]), 0xD6C5B4A3u);
  EXPECT_THAT(strings(decode_all(Encoding::kByteStreamSplit, PhysicalType::kFixedLenByteArray,
                                 Bytes{'a', 'c', 'b', 'd'}, 2, nullptr, 2)),
              ::testing::ElementsAre("ab", "cd"));
  const float f[2] = {1.5f, -3.25f};
  Bytes fb(8);
  const auto* raw = reinterpret_cast<const std::uint8_t*>(f);
  for (int b = 0; b < 4; ++b) {
    for (int i = 0; i < 2; ++i) fb[static_cast<std::size_t>(b * 2 + i)] = raw[i * 4 + b];
  }
  EXPECT_EQ(std::get<std::vector<float>>(
                decode_all(Encoding::kByteStreamSplit, PhysicalType::kFloat, fb, 2)),
            (std::vector<float>{1.5f, -3.25f}));
  PageValueDecoder d;
  EXPECT_THAT(
      d.init(Encoding::kByteStreamSplit, PhysicalType::kDouble, 0, Bytes(12), 2, nullptr).message(),
      HasSubstr("12 bytes is not a multiple of the 8-byte value width"));
  EXPECT_EQ(
      d.init(Encoding::kByteStreamSplit, PhysicalType::kByteArray, 0, Bytes(12), 2, nullptr).code(),
      StatusCode::kUnsupported);
}

TEST(PageValueDecoder, SkipThenDecode) {
  const Bytes data = testing::delta_binary_packed({10, 20, 30, 40, 50});
  PageValueDecoder d;
  ValueVector out;
  reset_values(out, PhysicalType::kInt64);
  ASSERT_TRUE(d.init(Encoding::kDeltaBinaryPacked, PhysicalType::kInt64, 0, data, 5, nullptr).ok());
  ASSERT_TRUE(d.skip(2).ok());
  ASSERT_TRUE(d.decode(3, out).ok());
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(out), (std::vector<std::int64_t>{30, 40, 50}));
  EXPECT_EQ(d.decode(1, out).code(), StatusCode::kCorrupt);
}

// ---------------------------------------------------------------------------------------------
// Thrift compact protocol.

TEST(ThriftCompactReader, FieldsDeltasAndLongForm) {
  testing::ThriftBuilder t;
  t.i32(1, -3).i64(2, INT64_MIN).binary(20, "abc").boolean(21, true).i32(300, 7);
  const Bytes data = t.finish();
  ThriftCompactReader r(data, 100);
  std::int32_t a = 0, e = 0;
  std::int64_t b = 0;
  std::string c;
  bool d = false;
  ASSERT_TRUE(r.read_struct([&](std::int16_t id, ThriftType type) -> Status {
                 switch (id) {
                   case 1: return r.read_i32(type, a);
                   case 2: return r.read_i64(type, b);
                   case 20: return r.read_string(type, c);
                   case 21: return r.read_bool(type, d);
                   case 300: return r.read_i32(type, e);
                   default: return r.error("unexpected field");
                 }
               }).ok());
  EXPECT_EQ(a, -3);
  EXPECT_EQ(b, INT64_MIN);
  EXPECT_EQ(c, "abc");
  EXPECT_TRUE(d);
  EXPECT_EQ(e, 7);
  EXPECT_EQ(r.position(), data.size());
}

TEST(ThriftCompactReader, SkipsEveryType) {
  testing::ThriftBuilder t;
  t.field(1, 3).bytes().push_back(0x7f);                // i8
  t.field(2, 4).raw_zigzag(-5);                         // i16
  t.field(3, 7).bytes().insert(t.bytes().end(), 8, 0);  // double
  t.binary(4, "xyz");
  t.list(5, 1, 2).bytes().insert(t.bytes().end(), {1, 2});  // list<bool>
  t.list(6, 12, 1).begin_element().i32(1, 1).begin(2).binary(1, "n").end().end();
  t.field(7, 11).raw_varint(2).bytes().push_back(0x58);  // map<i32, binary>
  t.raw_zigzag(1).raw("a").raw_zigzag(2).raw("b");
  t.field(8, 11).raw_varint(0);                                  // empty map
  t.field(9, 10).list_header(5, 2).raw_zigzag(1).raw_zigzag(2);  // set<i32>
  t.field(10, 13).bytes().insert(t.bytes().end(), 16, 0xab);     // uuid
  t.i32(11, 99);
  const Bytes data = t.finish();
  ThriftCompactReader r(data, 0);
  std::int32_t last = 0;
  ASSERT_TRUE(r.read_struct([&](std::int16_t id, ThriftType type) -> Status {
                 if (id == 11) return r.read_i32(type, last);
                 return r.skip(type);
               }).ok());
  EXPECT_EQ(last, 99);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftCompactReader, HostileInput) {
  // A list claiming 2^31-1 elements with 3 bytes left fails before allocating.
  testing::ThriftBuilder t;
  t.list(1, 5, 0x7fffffff);
  const Bytes big = t.finish();
  ThriftCompactReader r(big, 10);
  Status st = r.read_struct([&](std::int16_t, ThriftType type) { return r.skip(type); });
  EXPECT_EQ(st.code(), StatusCode::kTruncated);
  EXPECT_THAT(st.message(), HasSubstr("list of 2147483647 elements with 1 bytes left"));
  // Nesting bomb: struct in struct, 200 deep.
  Bytes bomb;
  for (int i = 0; i < 200; ++i) bomb.push_back(0x1c);
  ThriftCompactReader deep(bomb, 0);
  st = deep.read_struct([&](std::int16_t, ThriftType type) { return deep.skip(type); });
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("nesting deeper than 64 levels"));
  // Wrong wire type for a known field.
  testing::ThriftBuilder w;
  w.binary(1, "x");
  const Bytes wrong = w.finish();
  ThriftCompactReader wr(wrong, 0);
  std::int32_t v = 0;
  st = wr.read_struct([&](std::int16_t, ThriftType type) { return wr.read_i32(type, v); });
  EXPECT_THAT(st.message(), HasSubstr("offset 1: Thrift: expected I32 for an i32, found BINARY"));
  // Unknown type nibble, varint overflow, binary longer than the data.
  const Bytes bad_type = {0x1e};
  ThriftCompactReader bt(bad_type, 0);
  EXPECT_THAT(
      bt.read_struct([&](std::int16_t, ThriftType type) { return bt.skip(type); }).message(),
      HasSubstr("unknown field type 14"));
  const Bytes overflow = {0x15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  ThriftCompactReader of(overflow, 0);
  EXPECT_THAT(
      of.read_struct([&](std::int16_t, ThriftType type) { return of.skip(type); }).message(),
      HasSubstr("varint overflows 64 bits"));
  const Bytes long_binary = {0x18, 0x80, 0x80, 0x80, 0x80, 0x08, 'a'};
  ThriftCompactReader lb(long_binary, 0);
  st = lb.read_struct([&](std::int16_t, ThriftType type) { return lb.skip(type); });
  EXPECT_EQ(st.code(), StatusCode::kTruncated);
  EXPECT_THAT(st.message(), HasSubstr("needs 2147483648 bytes, 1 left"));
  const Bytes huge_map = {0x1b, 0xff, 0xff, 0xff, 0xff, 0x07, 0x55, 0, 0};
  ThriftCompactReader hm(huge_map, 0);
  EXPECT_THAT(
      hm.read_struct([&](std::int16_t, ThriftType type) { return hm.skip(type); }).message(),
      HasSubstr("map of 2147483647 entries"));
}

// ---------------------------------------------------------------------------------------------
// Page codecs.

TEST(PageCodecs, RoundTripEverySupportedCodec) {
  std::mt19937 rng(3);
  Bytes input(100000);
  for (std::size_t i = 0; i < input.size(); ++i) {
    input[i] = static_cast<std::uint8_t>(i % 97 < 50 ? 'a' + (i % 7) : rng());
  }
  for (const Compression codec : {Compression::kUncompressed, Compression::kSnappy,
                                  Compression::kGzip, Compression::kZstd, Compression::kLz4Raw}) {
    Bytes compressed;
    ASSERT_TRUE(compress_page(codec, input, compressed, 0).ok()) << compression_name(codec);
    EXPECT_LE(compressed.size(), input.size() + 64) << compression_name(codec);
    EXPECT_GE(max_decompressed_page_size(codec, compressed.size()), input.size());
    Bytes output(input.size());
    ASSERT_TRUE(decompress_page(codec, compressed, output).ok()) << compression_name(codec);
    EXPECT_EQ(output, input) << compression_name(codec);
    if (codec == Compression::kUncompressed) continue;
    Bytes wrong_size(input.size() + 1);
    Status st = decompress_page(codec, compressed, wrong_size);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << compression_name(codec);
    EXPECT_THAT(st.message(),
                HasSubstr(std::string(compression_name(codec)) + ": page decompression failed"));
    Bytes garbage = compressed;
    for (std::size_t i = 0; i < garbage.size(); i += 3) garbage[i] ^= 0x5a;
    EXPECT_FALSE(decompress_page(codec, garbage, output).ok() && output == input)
        << compression_name(codec);
  }
  Bytes out;
  EXPECT_EQ(compress_page(Compression::kBrotli, input, out, 0).code(), StatusCode::kUnsupported);
  EXPECT_THAT(decompress_page(Compression::kLzo, input, out).message(),
              HasSubstr("compression codec LZO is not supported"));
}

TEST(PageCodecs, DeclaredSizeCheckedAgainstTheStream) {
  const Bytes input(64, 'a');
  Bytes snappy, zstd, gzip;
  ASSERT_TRUE(compress_page(Compression::kSnappy, input, snappy, 0).ok());
  ASSERT_TRUE(compress_page(Compression::kZstd, input, zstd, 0).ok());
  ASSERT_TRUE(compress_page(Compression::kGzip, input, gzip, 0).ok());
  EXPECT_TRUE(check_decompressed_size(Compression::kSnappy, snappy, 64).ok());
  EXPECT_THAT(
      check_decompressed_size(Compression::kSnappy, snappy, 1 << 30).message(),
      HasSubstr("SNAPPY: page header declares 1073741824 uncompressed bytes, the stream 64"));
  EXPECT_TRUE(check_decompressed_size(Compression::kZstd, zstd, 64).ok());
  EXPECT_THAT(check_decompressed_size(Compression::kZstd, zstd, 65).message(),
              HasSubstr("ZSTD: page header declares 65 uncompressed bytes, the stream 64"));
  EXPECT_EQ(check_decompressed_size(Compression::kZstd, Bytes{1, 2, 3, 4, 5}, 5).code(),
            StatusCode::kCorrupt);
  EXPECT_TRUE(check_decompressed_size(Compression::kGzip, gzip, 12345).ok());  // no record
}

TEST(PageCodecs, ExpansionCaps) {
  EXPECT_EQ(max_decompressed_page_size(Compression::kUncompressed, 10), 10u);
  EXPECT_EQ(max_decompressed_page_size(Compression::kSnappy, 10), 32u * 10 + 64);
  EXPECT_EQ(max_decompressed_page_size(Compression::kZstd, UINT64_MAX), UINT64_MAX);
}

}  // namespace
}  // namespace parity::parquet
