// CRC-32C, TFRecord framing and tf.train.Example decoding.
#include "parity/formats/rlds/tfrecord.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "formats/rlds/test/rlds_test_util.h"
#include "parity/formats/rlds/crc32c.h"
#include "parity/formats/rlds/example.h"

namespace parity::rlds {
namespace {

using testing::bytes_feature;
using ::testing::ElementsAre;
using testing::example_bytes;
using testing::float_feature;
using ::testing::HasSubstr;
using testing::int64_feature;
using testing::Pb;

using Bytes = std::vector<std::uint8_t>;

Bytes text_bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// ------------------------------------------------------------------------ CRC-32C

TEST(Crc32c, Rfc3720Vectors) {
  // RFC 3720 appendix B.4 "CRC Examples".
  Bytes zeros(32, 0x00);
  Bytes ones(32, 0xFF);
  Bytes ascending(32);
  Bytes descending(32);
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<std::uint8_t>(i);
    descending[i] = static_cast<std::uint8_t>(31 - i);
  }
  for (const auto fn : {&crc32c_update, &crc32c_update_portable}) {
    EXPECT_EQ(fn(0, zeros), 0x8A9136AAu);
    EXPECT_EQ(fn(0, ones), 0x62A8AB43u);
    EXPECT_EQ(fn(0, ascending), 0x46DD794Eu);
    EXPECT_EQ(fn(0, descending), 0x113FDB5Cu);
    EXPECT_EQ(fn(0, text_bytes("123456789")), 0xE3069283u);  // the CRC catalogue check value
    EXPECT_EQ(fn(0, {}), 0u);
  }
}

TEST(Crc32c, HardwareMatchesPortableAndStreams) {
  std::mt19937 rng(7);
  Bytes data(1000);
  for (auto& b : data) b = static_cast<std::uint8_t>(rng());
  for (std::size_t start = 0; start < 9; ++start) {
    for (std::size_t length = 0; length < 200; length += 7) {
      const std::span<const std::uint8_t> piece(data.data() + start, length);
      EXPECT_EQ(crc32c(piece), crc32c_update_portable(0, piece)) << start << " " << length;
    }
  }
  const std::span<const std::uint8_t> all(data);
  EXPECT_EQ(crc32c_update(crc32c(all.first(333)), all.subspan(333)), crc32c(all));
  // Masking: rotate right by 15, add 0xa282ead8.
  EXPECT_EQ(mask_crc32c(0x00000001u), 0x00020000u + 0xa282ead8u);
  EXPECT_EQ(mask_crc32c(0x00008000u), 0x00000001u + 0xa282ead8u);
}

// ------------------------------------------------------------------------ framing

Bytes three_records() {
  Bytes file;
  append_tfrecord(file, text_bytes("alpha"));
  append_tfrecord(file, {});
  append_tfrecord(file, text_bytes("gamma-gamma"));
  return file;
}

TEST(TfRecord, IndexAndRead) {
  const Bytes file = three_records();
  ASSERT_EQ(file.size(), 3 * 16 + 5 + 0 + 11);
  // Layout of the first record: length 5 LE, masked CRC, data, masked CRC.
  EXPECT_THAT(Bytes(file.begin(), file.begin() + 8), ElementsAre(5, 0, 0, 0, 0, 0, 0, 0));
  auto source = memory_source_view(file, "three.tfrecord");
  DiagnosticCollector diagnostics;
  auto entries = index_tfrecords(*source, diagnostics);
  ASSERT_TRUE(entries.ok()) << entries.status().to_string();
  EXPECT_EQ(diagnostics.size(), 0u);
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].offset, 0u);
  EXPECT_EQ((*entries)[0].length, 5u);
  EXPECT_EQ((*entries)[1].offset, 21u);
  EXPECT_EQ((*entries)[1].length, 0u);
  EXPECT_EQ((*entries)[2].offset, 37u);
  EXPECT_EQ((*entries)[2].end_offset(), file.size());
  Bytes data;
  ASSERT_TRUE(read_tfrecord(*source, (*entries)[2], data).ok());
  EXPECT_EQ(data, text_bytes("gamma-gamma"));
  ASSERT_TRUE(read_tfrecord(*source, (*entries)[1], data).ok());
  EXPECT_TRUE(data.empty());
}

TEST(TfRecord, DataCrcMismatchIsReportedPerRecord) {
  Bytes file = three_records();
  file[37 + 12 + 3] ^= 0x20;  // inside "gamma-gamma"
  auto source = memory_source_view(file, "flip.tfrecord");
  DiagnosticCollector diagnostics;
  auto entries = index_tfrecords(*source, diagnostics);
  ASSERT_TRUE(entries.ok());  // framing is intact
  ASSERT_EQ(entries->size(), 3u);
  Bytes data;
  EXPECT_TRUE(read_tfrecord(*source, (*entries)[0], data).ok());
  const Status status = read_tfrecord(*source, (*entries)[2], data);
  EXPECT_EQ(status.code(), StatusCode::kCorrupt);
  EXPECT_THAT(status.message(), HasSubstr("flip.tfrecord: offset 37: record data CRC mismatch"));
}

TEST(TfRecord, TruncatedTailIsADiagnostic) {
  const Bytes file = three_records();
  for (const std::size_t cut : {std::size_t{37 + 5}, std::size_t{37 + 12 + 4}, file.size() - 1}) {
    auto source = memory_source_view(std::span(file).first(cut), "cut.tfrecord");
    DiagnosticCollector diagnostics;
    auto entries = index_tfrecords(*source, diagnostics);
    ASSERT_TRUE(entries.ok()) << cut;
    EXPECT_EQ(entries->size(), 2u) << cut;
    ASSERT_EQ(diagnostics.size(), 1u) << cut;
    const Diagnostic d = diagnostics.diagnostics()[0];
    EXPECT_EQ(d.file, "cut.tfrecord");
    EXPECT_EQ(d.offset, 37u);
    EXPECT_THAT(d.message, cut == 42 ? HasSubstr("truncated record header: 5 bytes left")
                                     : HasSubstr("last record incomplete: 15 bytes of data and "
                                                 "CRC declared"));
  }
}

TEST(TfRecord, LostFramingIsAnError) {
  Bytes bad_length = three_records();
  bad_length[21] = 9;  // second record's length, its CRC no longer matches
  auto source = memory_source_view(bad_length, "len.tfrecord");
  DiagnosticCollector diagnostics;
  auto entries = index_tfrecords(*source, diagnostics);
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(entries.status().message(),
              HasSubstr("len.tfrecord: offset 21: record length CRC mismatch: expected 0x"));
  EXPECT_THAT(entries.status().message(), HasSubstr("(framing lost after 1 records)"));

  // A length with a valid CRC but beyond any plausible record.
  Bytes huge;
  Bytes length = {0, 0, 0, 0, 0, 1, 0, 0};  // 2^40
  huge.insert(huge.end(), length.begin(), length.end());
  const std::uint32_t crc = masked_crc32c(length);
  for (int i = 0; i < 4; ++i) huge.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  auto huge_source = memory_source_view(huge, "huge.tfrecord");
  auto huge_entries = index_tfrecords(*huge_source, diagnostics);
  EXPECT_EQ(huge_entries.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(huge_entries.status().message(),
              HasSubstr("offset 0: record length 1099511627776 exceeds the limit"));
}

// ------------------------------------------------------------------------ Example

TEST(Example, PackedUnpackedAndBytes) {
  const Bytes bytes = example_bytes({
      {"f_packed", float_feature({1.5f, -2.25f, 3.0f})},
      {"f_unpacked", float_feature({0.5f, 7.0f}, /*packed=*/false)},
      {"i_packed", int64_feature({1, -1, 300, std::int64_t{1} << 40})},
      {"i_unpacked", int64_feature({0, 5}, /*packed=*/false)},
      {"b", bytes_feature(std::vector<std::string>{"x", "", "hello"})},
      {"empty", Pb()},
  });
  auto example = parse_example(bytes);
  ASSERT_TRUE(example.ok()) << example.status().to_string();
  EXPECT_EQ(example->features.size(), 6u);
  EXPECT_THAT(example->find("f_packed")->floats, ElementsAre(1.5f, -2.25f, 3.0f));
  EXPECT_EQ(example->find("f_packed")->kind, FeatureKind::kFloat);
  EXPECT_THAT(example->find("f_unpacked")->floats, ElementsAre(0.5f, 7.0f));
  EXPECT_THAT(example->find("i_packed")->int64s, ElementsAre(1, -1, 300, std::int64_t{1} << 40));
  EXPECT_THAT(example->find("i_unpacked")->int64s, ElementsAre(0, 5));
  const Feature* b = example->find("b");
  ASSERT_EQ(b->kind, FeatureKind::kBytes);
  ASSERT_EQ(b->bytes.size(), 3u);
  EXPECT_EQ(std::string(b->bytes[2].begin(), b->bytes[2].end()), "hello");
  EXPECT_TRUE(b->bytes[1].empty());
  EXPECT_EQ(example->find("empty")->kind, FeatureKind::kNone);
  EXPECT_EQ(example->find("empty")->size(), 0u);
  EXPECT_EQ(example->find("missing"), nullptr);
}

TEST(Example, ProtobufMergeSemantics) {
  // Unknown fields at every level are skipped; a key seen twice keeps the last value; a
  // different oneof member replaces the first; the same member twice merges.
  Pb feature_switch;
  feature_switch.raw(float_feature({1.0f}).data()).raw(int64_feature({9}).data());
  Pb feature_merge;
  feature_merge.raw(int64_feature({1}).data()).raw(int64_feature({2, 3}).data());
  Pb unknown_in_entry;
  unknown_in_entry.text(1, "u").tag(7, 0).varint(5).message(2, int64_feature({4}));
  Pb features;
  for (const auto& [key, value] : std::vector<std::pair<std::string, Pb>>{
           {"dup", int64_feature({1})},
           {"dup", bytes_feature(std::vector<std::string>{"z"})},
           {"switch", feature_switch},
           {"merge", feature_merge}}) {
    Pb entry;
    entry.text(1, key).message(2, value);
    features.message(1, entry);
  }
  features.message(1, unknown_in_entry);
  features.tag(9, 1).raw(Bytes(8, 0xAA));  // an unknown fixed64 field
  Pb example_pb;
  example_pb.tag(3, 5).raw(Bytes(4, 0)).message(1, features);
  auto example = parse_example(example_pb.data());
  ASSERT_TRUE(example.ok()) << example.status().to_string();
  EXPECT_EQ(example->find("dup")->kind, FeatureKind::kBytes);
  EXPECT_EQ(example->find("switch")->kind, FeatureKind::kInt64);
  EXPECT_THAT(example->find("switch")->int64s, ElementsAre(9));
  EXPECT_THAT(example->find("merge")->int64s, ElementsAre(1, 2, 3));
  EXPECT_THAT(example->find("u")->int64s, ElementsAre(4));
}

TEST(Example, DamageIsCorruptWithOffset) {
  const Bytes good = example_bytes({{"a", float_feature({1, 2, 3})}});
  // Every truncation fails cleanly.
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    auto example = parse_example(std::span(good).first(cut));
    ASSERT_FALSE(example.ok()) << cut;
    EXPECT_EQ(example.status().code(), StatusCode::kCorrupt) << cut;
    EXPECT_THAT(example.status().message(), HasSubstr("Example: offset ")) << cut;
  }
  auto group = parse_example(Bytes{0x0B});  // field 1, wire type 3 (start group)
  EXPECT_THAT(group.status().message(), HasSubstr("Example.features with wire type 3"));
  auto long_varint = parse_example(Bytes(11, 0x80));
  EXPECT_THAT(long_varint.status().message(), HasSubstr("varint longer than 10 bytes"));
  auto zero = parse_example(Bytes{0x00});
  EXPECT_THAT(zero.status().message(), HasSubstr("offset 0: field number 0"));
  // A packed float list of 5 bytes.
  Pb list;
  list.bytes(1, Bytes(5, 0));
  auto odd = parse_example(example_bytes({{"f", Pb().message(2, list)}}));
  EXPECT_THAT(odd.status().message(), HasSubstr("packed FloatList of 5 bytes"));
  auto past = parse_example(Bytes{0x0A, 0x05, 0x00});
  EXPECT_THAT(past.status().message(),
              HasSubstr("offset 1: length 5 runs past the end of its message (1 bytes left)"));
}

TEST(Example, ScanFindsEveryEntryWithoutReadingValues) {
  const Bytes bytes = example_bytes({
      {"steps/image",
       bytes_feature(std::vector<std::string>{std::string(10000, 'j'), std::string(9000, 'k')})},
      {"steps/is_first", int64_feature({1, 0})},
      {"meta/name", bytes_feature(std::vector<std::string>{"n"})},
  });
  std::vector<std::pair<std::uint64_t, std::uint64_t>> reads;
  const auto read = [&](std::uint64_t offset, std::span<std::uint8_t> out) -> Status {
    reads.emplace_back(offset, out.size());
    if (offset + out.size() > bytes.size()) return truncated("past the end");
    std::memcpy(out.data(), bytes.data() + offset, out.size());
    return {};
  };
  std::vector<FeatureLocation> locations;
  const Status status = scan_example(bytes.size(), read, [&](FeatureLocation location) {
    locations.push_back(std::move(location));
  });
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(locations.size(), 3u);
  EXPECT_EQ(locations[0].key, "steps/image");
  EXPECT_EQ(locations[1].key, "steps/is_first");
  EXPECT_EQ(locations[2].key, "meta/name");
  std::uint64_t read_bytes = 0;
  for (const auto& r : reads) read_bytes += r.second;
  EXPECT_LT(read_bytes, 4096u + 2 * 4096u);  // windows around the tags, not the 19 KB images
  auto whole = parse_example(bytes);
  ASSERT_TRUE(whole.ok());
  for (const FeatureLocation& location : locations) {
    auto feature = parse_feature(std::span(bytes).subspan(location.offset, location.length));
    ASSERT_TRUE(feature.ok()) << location.key;
    EXPECT_EQ(feature->size(), whole->find(location.key)->size()) << location.key;
  }
  // Structure damage is reported the same way as by parse_example().
  Bytes cut(bytes.begin(), bytes.begin() + 30);
  const Status damaged = scan_example(
      cut.size(),
      [&](std::uint64_t offset, std::span<std::uint8_t> out) {
        std::memcpy(out.data(), cut.data() + offset, out.size());
        return Status{};
      },
      [](FeatureLocation) {});
  EXPECT_EQ(damaged.code(), StatusCode::kCorrupt);
  EXPECT_THAT(damaged.message(), HasSubstr("runs past the end"));
}

}  // namespace
}  // namespace parity::rlds
