// Parquet writer: encoder bytes against the examples of Encodings.md, Thrift compact bytes,
// writer -> our reader round trips for every encoding x codec x data page version, schema and
// metadata, statistics with row-group skipping, page and row-group layout, dictionary
// fallback and input validation.
#include "parity/formats/parquet/parquet_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/test/parquet_test_table.h"
#include "formats/parquet/thrift_compact_writer.h"
#include "formats/parquet/value_encoders.h"
#include "testing/testing.h"

namespace parity::parquet {
namespace {

using testing::Case;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::json;
using testing::TestColumn;
using testing::TestTable;

using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------- encoders

TEST(ParquetEncodersTest, RleHybridRunAndBitPackedGroups) {
  // Encodings.md: eight values 0..7 at bit width 3 bit-pack to 0x88 0xC6 0xFA after the
  // header (1 group << 1 | 1).
  Bytes out;
  const std::vector<std::uint32_t> seq = {0, 1, 2, 3, 4, 5, 6, 7};
  encode::rle_hybrid(seq, 3, out);
  EXPECT_THAT(out, ElementsAre(0x03, 0x88, 0xC6, 0xFA));

  // Ten equal values: one RLE run (10 << 1), value in one byte.
  out.clear();
  const std::vector<std::uint32_t> run(10, 5);
  encode::rle_hybrid(run, 3, out);
  EXPECT_THAT(out, ElementsAre(0x14, 0x05));

  // 1 0 then a run of ten 1s: the pending group of 8 is completed from the run (2 + 6); the
  // remaining 4 equal values are too short for a run and go into a second, padded group.
  out.clear();
  std::vector<std::uint32_t> mixed = {1, 0, 1};
  mixed.insert(mixed.end(), 9, 1);
  encode::rle_hybrid(mixed, 1, out);
  EXPECT_THAT(out, ElementsAre(0x05, 0xFD, 0x0F));

  // A 17-bit value in an RLE run takes three bytes.
  out.clear();
  const std::vector<std::uint32_t> wide(8, 0x1ABCD);
  encode::rle_hybrid(wide, 17, out);
  EXPECT_THAT(out, ElementsAre(0x10, 0xCD, 0xAB, 0x01));
}

TEST(ParquetEncodersTest, BooleansPlainAndRle) {
  Bytes out;
  const std::vector<std::uint8_t> v = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  encode::plain_booleans(v, out);
  EXPECT_THAT(out, ElementsAre(0x0D, 0x01));
  out.clear();
  encode::rle_booleans(v, out);
  // u32 length 3, then one bit-packed run of 2 groups: 0x05, 0x0D, 0x01.
  EXPECT_THAT(out, ElementsAre(3, 0, 0, 0, 0x05, 0x0D, 0x01));
}

TEST(ParquetEncodersTest, DeltaBinaryPackedSpecExamples) {
  // Encodings.md example 1: 1 2 3 4 5 -> header (128, 4, 5, first 1), block min delta 1,
  // bit widths all 0 and no miniblock bytes.
  Bytes out;
  const std::vector<std::int32_t> a = {1, 2, 3, 4, 5};
  encode::delta_binary_packed(a, out);
  EXPECT_THAT(out, ElementsAre(0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0));

  // Example 2: 7 5 3 1 2 3 4 5: deltas -2 -2 -2 1 1 1 1, min -2, adjusted 0 0 0 3 3 3 3 at
  // bit width 2 in a 32-value miniblock (8 bytes).
  out.clear();
  const std::vector<std::int64_t> b = {7, 5, 3, 1, 2, 3, 4, 5};
  encode::delta_binary_packed(b, out);
  EXPECT_THAT(out, ElementsAre(0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0,
                               0, 0, 0));

  // No values and a single value: the header only.
  out.clear();
  encode::delta_binary_packed(std::span<const std::int64_t>(), out);
  EXPECT_THAT(out, ElementsAre(0x80, 0x01, 0x04, 0x00, 0x00));
  out.clear();
  const std::vector<std::int64_t> one = {-1};
  encode::delta_binary_packed(one, out);
  EXPECT_THAT(out, ElementsAre(0x80, 0x01, 0x04, 0x01, 0x01));
}

TEST(ParquetEncodersTest, DeltaBinaryPackedInt64ExtremesUseAtMost64Bits) {
  // INT64 min next to max: the delta wraps; the miniblock width is 64, never more.
  Bytes out;
  const std::vector<std::int64_t> v = {std::numeric_limits<std::int64_t>::min(),
                                       std::numeric_limits<std::int64_t>::max(),
                                       std::numeric_limits<std::int64_t>::min()};
  encode::delta_binary_packed(v, out);
  // header 80 01 04 03 + zigzag(INT64_MIN) = 2^64 - 1 as 10 varint bytes.
  ASSERT_GE(out.size(), 14u + 1 + 4);
  EXPECT_EQ(out[4], 0xFF);
  EXPECT_EQ(out[13], 0x01);
  // min delta: deltas are -1 (max - min wraps) and 1 -> min -1 (zigzag 1).
  EXPECT_EQ(out[14], 0x01);
  EXPECT_EQ(out[15], 2);  // adjusted deltas 0 and 2: two bits
  EXPECT_EQ(out.size(), 14u + 1 + 4 + 8);
}

TEST(ParquetEncodersTest, DeltaByteArrayPrefixesAndSuffixes) {
  ByteArrays v;
  for (std::string_view s : {"axis", "axle", "babble", "babyhood"}) {
    v.bytes.insert(v.bytes.end(), s.begin(), s.end());
    v.offsets.push_back(static_cast<std::uint32_t>(v.bytes.size()));
  }
  Bytes out;
  encode::delta_byte_array(v, out);
  const std::string suffixes(out.end() - 17, out.end());
  EXPECT_EQ(suffixes, "axislebabbleyhood");
  // Prefix lengths 0 2 0 3: first value 0, deltas 2 -2 3 -> min -2, adjusted 4 0 5.
  EXPECT_THAT(Bytes(out.begin(), out.begin() + 7),
              ElementsAre(0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 3));

  out.clear();
  encode::delta_length_byte_array(v, out);
  EXPECT_EQ(std::string(out.end() - 22, out.end()), "axisaxlebabblebabyhood");
}

TEST(ParquetEncodersTest, ByteStreamSplitAndPlain) {
  Bytes out;
  const std::vector<float> f = {1.0f, -2.0f};  // 0x3F800000, 0xC0000000
  encode::byte_stream_split(f, out);
  EXPECT_THAT(out, ElementsAre(0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0xC0));
  out.clear();
  encode::plain(f, out);
  EXPECT_THAT(out, ElementsAre(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0));
  out.clear();
  ByteArrays s;
  s.bytes = {'h', 'i'};
  s.offsets = {0, 2, 2};
  encode::plain(s, out);
  EXPECT_THAT(out, ElementsAre(2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0));
  out.clear();
  encode::dictionary_indices(std::vector<std::uint32_t>{2, 2, 2, 2, 2, 2, 2, 2}, 2, out);
  EXPECT_THAT(out, ElementsAre(2, 0x10, 0x02));
}

TEST(ParquetThriftWriterTest, CompactFieldHeadersAndNesting) {
  Bytes out;
  thrift::CompactWriter w(out);
  w.field_i32(1, 5);         // 0x15, zigzag(5) = 10
  w.field_i64(17, -1);       // delta 16 > 15: long form 0x06, zigzag(17) = 34, value 1
  w.begin_struct_field(18);  // delta 1: 0x1C
  w.field_bool(1, true);     // 0x11
  w.end_struct();            // 0x00
  w.field_binary(20, "ab");  // delta 2: 0x28, 2, 'a', 'b'
  w.begin_list_field(21, thrift::CompactType::kI32, 2);  // 0x19, 0x25
  w.element_i32(3);
  w.element_i32(-3);
  w.end_struct();
  EXPECT_THAT(out, ElementsAre(0x15, 0x0A, 0x06, 0x22, 0x01, 0x1C, 0x11, 0x00, 0x28, 2, 'a', 'b',
                               0x19, 0x25, 0x06, 0x05, 0x00));
}

// ---------------------------------------------------------------- helpers

Bytes read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::unique_ptr<FileReader> open_written(const Bytes& bytes) {
  auto reader = FileReader::open(memory_source(bytes));
  EXPECT_TRUE(reader.ok()) << reader.status().to_string();
  return reader.ok() ? std::move(*reader) : nullptr;
}

// The pages of one column chunk, walked with the reader's page-header parser.
std::vector<PageHeader> chunk_pages(const Bytes& file, const ColumnChunkInfo& chunk) {
  std::vector<PageHeader> pages;
  std::uint64_t offset = chunk.dictionary_page_offset.value_or(chunk.data_page_offset);
  const std::uint64_t end = offset + chunk.total_compressed_size;
  while (offset < end) {
    PageHeader h;
    const Status s = parse_page_header(
        std::span<const std::uint8_t>(file).subspan(offset, end - offset), offset, h);
    EXPECT_TRUE(s.ok()) << s.to_string();
    if (!s.ok()) break;
    pages.push_back(h);
    offset += h.header_size + static_cast<std::uint64_t>(h.compressed_page_size);
  }
  EXPECT_EQ(offset, end);
  return pages;
}

void expect_rows_equal(const TestTable& table,
                       const std::map<std::string, std::vector<json>>& got) {
  for (const TestColumn& c : table.columns) {
    SCOPED_TRACE(c.column.name);
    ASSERT_TRUE(got.count(c.column.name));
    const std::vector<json>& rows = got.at(c.column.name);
    ASSERT_EQ(rows.size(), c.rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) ASSERT_EQ(rows[r], c.rows[r]) << "row " << r;
  }
}

// ---------------------------------------------------------------- round trips

class ParquetWriterRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(ParquetWriterRoundTrip, OurReaderReadsBackEveryValue) {
  const Case& k = GetParam();
  const TestTable table = testing::make_table(k.encoding, 1200, 42);
  WriterOptions options;
  options.compression = k.codec;
  options.data_page_version = k.page_version;
  options.target_page_bytes = 64;
  options.row_group_rows = 500;
  auto bytes = testing::write_table_to_memory(table, options, 333);
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();

  auto reader = open_written(*bytes);
  ASSERT_NE(reader, nullptr);
  const FileMetadata& meta = reader->metadata();
  EXPECT_EQ(meta.num_rows, 1200u);
  ASSERT_EQ(meta.row_groups.size(), 3u);
  EXPECT_EQ(meta.row_groups[2].num_rows, 200u);
  for (const RowGroupInfo& rg : meta.row_groups) {
    for (const ColumnChunkInfo& chunk : rg.columns) {
      EXPECT_EQ(chunk.compression, k.codec);
      EXPECT_NE(std::find(chunk.encodings.begin(), chunk.encodings.end(), k.encoding),
                chunk.encodings.end());
      const std::vector<PageHeader> pages = chunk_pages(*bytes, chunk);
      ASSERT_GE(pages.size(), rg.num_rows == 500 ? 2u : 1u)
          << "expected several pages in " << meta.columns[chunk.column].dotted_path();
      const bool dictionary = k.encoding == Encoding::kRleDictionary;
      EXPECT_EQ(pages.front().type == static_cast<std::int32_t>(PageType::kDictionaryPage),
                dictionary);
      std::uint64_t rows = 0;
      for (std::size_t p = dictionary ? 1 : 0; p < pages.size(); ++p) {
        if (k.page_version == 2) {
          ASSERT_TRUE(pages[p].data_page_v2.has_value());
          rows += static_cast<std::uint64_t>(pages[p].data_page_v2->num_rows);
          EXPECT_EQ(pages[p].data_page_v2->encoding, static_cast<std::int32_t>(k.encoding));
        } else {
          ASSERT_TRUE(pages[p].data_page.has_value());
          EXPECT_EQ(pages[p].data_page->encoding, static_cast<std::int32_t>(k.encoding));
        }
      }
      if (k.page_version == 2) {
        EXPECT_EQ(rows, rg.num_rows);  // v2 pages hold whole rows
      }
    }
  }
  auto rows = testing::read_with_parity(*bytes);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  expect_rows_equal(table, *rows);
}

INSTANTIATE_TEST_SUITE_P(EveryEncodingCodecAndPageVersion, ParquetWriterRoundTrip,
                         ::testing::ValuesIn(testing::all_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.label();
                         });

// ---------------------------------------------------------------- schema and metadata

TEST(ParquetWriterTest, SchemaLogicalTypesAndKeyValueMetadata) {
  ::parity::testing::TempDir dir;
  const auto path = dir / "schema.parquet";
  WriterColumn u8;
  u8.name = "u8";
  u8.physical_type = PhysicalType::kInt32;
  u8.logical_type.kind = LogicalType::Kind::kInteger;
  u8.logical_type.bit_width = 8;
  u8.logical_type.is_signed = false;
  WriterColumn required_list = WriterColumn::float32_list("observation.state");
  required_list.nullable = false;
  std::vector<WriterColumn> schema = {
      WriterColumn::string("task", true),
      WriterColumn::timestamp("t_ns", LogicalType::TimeUnit::kNanos, false),
      WriterColumn::timestamp("t_ms", LogicalType::TimeUnit::kMillis, true, true),
      u8,
      required_list,
  };
  WriterOptions options;
  options.key_value_metadata = {{"parity.version", "1"}, {"empty", ""}};
  options.created_by = "parity version 0.1.0";
  auto writer = FileWriter::create(path, schema, options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  const std::vector<std::string> task = {"pick", "place"};
  const std::vector<std::uint8_t> task_valid = {1, 0};
  const std::vector<std::int64_t> t = {-5, 1'700'000'000'000'000'000};
  const std::vector<std::int32_t> small = {0, 255};
  const std::vector<float> state = {1.5f, 2.5f, -3.0f};
  const std::vector<std::uint64_t> offsets = {0, 2, 3};
  const std::vector<ColumnValues> batch = {
      {.values = std::span<const std::string>(task), .valid = task_valid},
      {.values = std::span<const std::int64_t>(t)},
      {.values = std::span<const std::int64_t>(t)},
      {.values = std::span<const std::int32_t>(small)},
      {.values = std::span<const float>(state), .offsets = offsets},
  };
  ASSERT_TRUE((*writer)->write_batch(2, batch).ok());
  ASSERT_TRUE((*writer)->close().ok());

  const Bytes bytes = read_file_bytes(path);
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "PAR1");
  EXPECT_EQ(std::string(bytes.end() - 4, bytes.end()), "PAR1");
  EXPECT_EQ((*writer)->bytes_written(), bytes.size());
  EXPECT_EQ((*writer)->rows_written(), 2u);

  auto reader = FileReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  const FileMetadata& meta = (*reader)->metadata();
  EXPECT_EQ(meta.created_by, "parity version 0.1.0");
  EXPECT_EQ(meta.key_value_metadata.at("parity.version"), "1");
  EXPECT_EQ(meta.key_value_metadata.at("empty"), "");
  EXPECT_THAT(meta.top_level_names(),
              ElementsAre("task", "t_ns", "t_ms", "u8", "observation.state"));
  ASSERT_EQ(meta.columns.size(), 5u);
  const ColumnDescriptor& s = meta.columns[0];
  EXPECT_EQ(s.logical_type.kind, LogicalType::Kind::kString);
  EXPECT_EQ(s.repetition, Repetition::kOptional);
  EXPECT_EQ(s.max_definition_level, 1);
  const ColumnDescriptor& ns = meta.columns[1];
  EXPECT_EQ(ns.logical_type.kind, LogicalType::Kind::kTimestamp);
  EXPECT_EQ(ns.logical_type.unit, LogicalType::TimeUnit::kNanos);
  EXPECT_FALSE(ns.logical_type.adjusted_to_utc);
  EXPECT_EQ(ns.repetition, Repetition::kRequired);
  const ColumnDescriptor& ms = meta.columns[2];
  EXPECT_EQ(ms.logical_type.unit, LogicalType::TimeUnit::kMillis);
  EXPECT_TRUE(ms.logical_type.adjusted_to_utc);
  const ColumnDescriptor& u = meta.columns[3];
  EXPECT_EQ(u.logical_type.kind, LogicalType::Kind::kInteger);
  EXPECT_EQ(u.logical_type.bit_width, 8);
  EXPECT_FALSE(u.logical_type.is_signed);
  const ColumnDescriptor& l = meta.columns[4];
  EXPECT_THAT(l.path, ElementsAre("observation.state", "list", "element"));
  EXPECT_TRUE(l.is_list);
  EXPECT_EQ(l.max_definition_level, 1);  // required list, repeated, required element
  EXPECT_EQ(l.max_repetition_level, 1);

  auto all = read_all(**reader, ReadRequest{});
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->num_rows, 2u);
  const ColumnData* state_col = all->find("observation.state");
  ASSERT_NE(state_col, nullptr);
  EXPECT_EQ(testing::reader_rows(*state_col, 2), (std::vector<json>{{1.5, 2.5}, {-3.0}}));
  EXPECT_EQ(testing::reader_rows(*all->find("task"), 2), (std::vector<json>{"pick", nullptr}));
  EXPECT_EQ(testing::reader_rows(*all->find("t_ns"), 2),
            (std::vector<json>{-5, 1'700'000'000'000'000'000}));
  EXPECT_EQ(testing::reader_rows(*all->find("u8"), 2), (std::vector<json>{0, 255}));
}

TEST(ParquetWriterTest, EmptyFileHasSchemaAndNoRowGroups) {
  Bytes out;
  auto writer = FileWriter::create_in_memory(out, {WriterColumn::float64("x")});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->close().ok());
  auto reader = open_written(out);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->metadata().num_rows, 0u);
  EXPECT_TRUE(reader->metadata().row_groups.empty());
  EXPECT_THAT(reader->metadata().top_level_names(), ElementsAre("x"));
}

// ---------------------------------------------------------------- statistics

TEST(ParquetWriterTest, StatisticsPerRowGroupAndPredicateSkipping) {
  TestTable table;
  table.columns.push_back({WriterColumn::int64("id", true), {}});
  table.columns.push_back({WriterColumn::float64("x"), {}});
  table.columns.push_back({WriterColumn::string("name"), {}});
  for (int r = 0; r < 300; ++r) {
    table.columns[0].rows.push_back(r % 10 == 3 ? json(nullptr) : json(r));
    table.columns[1].rows.push_back(r == 150 ? json("NaN") : json(r == 100 ? -0.0 : r * 0.5));
    table.columns[2].rows.push_back("n" + std::to_string(r));
  }
  table.columns[1].rows[100] = "-0";
  WriterOptions options;
  options.row_group_rows = 100;
  auto bytes = testing::write_table_to_memory(table, options);
  ASSERT_TRUE(bytes.ok());
  auto reader = open_written(*bytes);
  ASSERT_NE(reader, nullptr);
  const auto& groups = reader->metadata().row_groups;
  ASSERT_EQ(groups.size(), 3u);
  for (std::size_t g = 0; g < 3; ++g) {
    SCOPED_TRACE(g);
    const ColumnStatistics& id = groups[g].columns[0].statistics;
    EXPECT_EQ(id.min, 100.0 * static_cast<double>(g));
    EXPECT_EQ(id.max, 100.0 * static_cast<double>(g) + 99);
    EXPECT_EQ(id.null_count, 10u);
    EXPECT_EQ(groups[g].columns[1].statistics.null_count, 0u);
  }
  // x: group 1 holds -0 (its min) and a NaN, which min/max leave out.
  EXPECT_EQ(groups[1].columns[1].statistics.min, 0.0);
  EXPECT_EQ(groups[1].columns[1].statistics.max, 99.5);
  EXPECT_EQ(groups[2].columns[1].statistics.min, 100.0);
  EXPECT_EQ(groups[2].columns[1].statistics.max, 149.5);

  ReadRequest request;
  request.columns = {"id"};
  request.predicates = {RangePredicate{"id", 150, 160}};
  auto batch = read_all(*reader, request);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  EXPECT_EQ(batch->first_row, 100u);  // row groups 0 and 2 skipped
  ASSERT_EQ(batch->num_rows, 100u);
  const std::vector<json> ids = testing::reader_rows(batch->columns[0], 100);
  EXPECT_EQ(ids[0], 100);
  EXPECT_EQ(ids[3], nullptr);
  EXPECT_EQ(ids[99], 199);
}

TEST(ParquetWriterTest, StatisticsCanBeTurnedOff) {
  TestTable table;
  table.columns.push_back({WriterColumn::int64("id"), {1, 2, 3}});
  WriterOptions options;
  options.write_statistics = false;
  auto bytes = testing::write_table_to_memory(table, options);
  ASSERT_TRUE(bytes.ok());
  auto reader = open_written(*bytes);
  ASSERT_NE(reader, nullptr);
  const ColumnStatistics& s = reader->metadata().row_groups[0].columns[0].statistics;
  EXPECT_FALSE(s.min.has_value());
  EXPECT_FALSE(s.max.has_value());
  EXPECT_FALSE(s.null_count.has_value());
}

// ---------------------------------------------------------------- layout

TEST(ParquetWriterTest, DictionaryFallsBackToPlainWhenItOutgrowsItsLimit) {
  TestTable table;
  table.columns.push_back({WriterColumn::string("s", false, Encoding::kRleDictionary), {}});
  table.columns.push_back({WriterColumn::int64("i", false, Encoding::kRleDictionary), {}});
  for (int r = 0; r < 2000; ++r) {
    table.columns[0].rows.push_back("value-" + std::to_string(r < 1000 ? r % 4 : r));
    table.columns[1].rows.push_back(r < 1000 ? r % 3 : r);
  }
  WriterOptions options;
  options.dictionary_page_bytes = 256;
  options.target_page_bytes = 1024;
  options.compression = Compression::kZstd;
  auto bytes = testing::write_table_to_memory(table, options, 100);
  ASSERT_TRUE(bytes.ok());
  auto reader = open_written(*bytes);
  ASSERT_NE(reader, nullptr);
  for (const ColumnChunkInfo& chunk : reader->metadata().row_groups[0].columns) {
    EXPECT_THAT(chunk.encodings,
                ::testing::IsSupersetOf({Encoding::kPlain, Encoding::kRleDictionary}));
    ASSERT_TRUE(chunk.dictionary_page_offset.has_value());
    const std::vector<PageHeader> pages = chunk_pages(*bytes, chunk);
    ASSERT_GE(pages.size(), 3u);
    ASSERT_TRUE(pages[0].dictionary_page.has_value());
    EXPECT_EQ(pages[1].data_page->encoding, static_cast<std::int32_t>(Encoding::kRleDictionary));
    EXPECT_EQ(pages.back().data_page->encoding, static_cast<std::int32_t>(Encoding::kPlain));
  }
  auto rows = testing::read_with_parity(*bytes);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  expect_rows_equal(table, *rows);
}

TEST(ParquetWriterTest, RowGroupsAreWrittenAsTheyFill) {
  Bytes out;
  WriterOptions options;
  options.row_group_rows = 100;
  options.compression = Compression::kUncompressed;
  auto writer = FileWriter::create_in_memory(out, {WriterColumn::float64("x")}, options);
  ASSERT_TRUE(writer.ok());
  const std::vector<double> x(150, 1.0);
  const std::vector<ColumnValues> batch = {{.values = std::span<const double>(x)}};
  ASSERT_TRUE((*writer)->write_batch(150, batch).ok());
  // The first row group (100 doubles) is on the sink; the other 50 rows are still buffered.
  EXPECT_GT(out.size(), 4u + 800u);
  EXPECT_LT(out.size(), 4u + 1200u);
  EXPECT_EQ((*writer)->bytes_written(), out.size());
  ASSERT_TRUE((*writer)->close().ok());
  auto reader = open_written(out);
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->metadata().row_groups.size(), 2u);
  EXPECT_EQ(reader->metadata().row_groups[1].first_row, 100u);
}

TEST(ParquetWriterTest, RowGroupsAlsoCloseOnBufferedBytes) {
  TestTable table;
  table.columns.push_back({WriterColumn::int64("i"), {}});
  for (int r = 0; r < 20000; ++r) table.columns[0].rows.push_back(r);
  WriterOptions options;
  options.target_row_group_bytes = 64 * 1024;  // 8192 INT64 values
  options.target_page_bytes = 8 * 1024;
  options.compression = Compression::kUncompressed;
  auto bytes = testing::write_table_to_memory(table, options, 20000);
  ASSERT_TRUE(bytes.ok());
  auto reader = open_written(*bytes);
  ASSERT_NE(reader, nullptr);
  const auto& groups = reader->metadata().row_groups;
  ASSERT_GE(groups.size(), 2u);
  EXPECT_LE(groups[0].num_rows, 8192u + 4096u);  // checked every 4096 rows
  auto rows = testing::read_with_parity(*bytes);
  ASSERT_TRUE(rows.ok());
  expect_rows_equal(table, *rows);
}

// ---------------------------------------------------------------- validation

TEST(ParquetWriterTest, RejectsBadSchemasAndOptions) {
  Bytes out;
  auto expect_invalid = [&](std::vector<WriterColumn> schema, WriterOptions options,
                            const std::string& message) {
    auto w = FileWriter::create_in_memory(out, std::move(schema), std::move(options));
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(w.status().message(), HasSubstr(message));
  };
  expect_invalid({}, {}, "the schema has no columns");
  expect_invalid({WriterColumn::int64("a"), WriterColumn::int64("a")}, {},
                 "duplicate column name 'a'");
  expect_invalid({WriterColumn::int64("a", false, Encoding::kDeltaByteArray)}, {},
                 "column 'a': encoding DELTA_BYTE_ARRAY is not valid for INT64");
  expect_invalid({WriterColumn::float64("d", false, Encoding::kDeltaBinaryPacked)}, {},
                 "encoding DELTA_BINARY_PACKED is not valid for DOUBLE");
  WriterColumn b;
  b.name = "b";
  b.physical_type = PhysicalType::kBoolean;
  b.encoding = Encoding::kRleDictionary;
  expect_invalid({b}, {}, "encoding RLE_DICTIONARY is not valid for BOOLEAN");
  WriterColumn s = WriterColumn::int64("s");
  s.logical_type.kind = LogicalType::Kind::kString;
  expect_invalid({s}, {}, "STRING needs BYTE_ARRAY, found INT64");
  WriterColumn i = WriterColumn::int64("i");
  i.logical_type.kind = LogicalType::Kind::kInteger;
  i.logical_type.bit_width = 16;
  expect_invalid({i}, {}, "INT(16) needs INT32");
  WriterOptions brotli;
  brotli.compression = Compression::kBrotli;
  expect_invalid({WriterColumn::int64("a")}, brotli, "compression BROTLI is not supported");
  WriterOptions v3;
  v3.data_page_version = 3;
  expect_invalid({WriterColumn::int64("a")}, v3, "data_page_version must be 1 or 2, found 3");

  auto missing = FileWriter::create("/nonexistent-dir/x.parquet", {WriterColumn::int64("a")});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent-dir/x.parquet: cannot create"));
}

TEST(ParquetWriterTest, RejectsBadBatchesAndKeepsWriting) {
  Bytes out;
  WriterColumn list = WriterColumn::float32_list("l");
  auto writer =
      FileWriter::create_in_memory(out, {WriterColumn::int64("a"), list}, WriterOptions{});
  ASSERT_TRUE(writer.ok());
  const std::vector<std::int64_t> a = {1, 2, 3};
  const std::vector<float> l = {1, 2, 3, 4};
  const std::vector<std::uint64_t> offsets = {0, 1, 3, 4};
  const std::vector<std::uint8_t> nulls = {1, 1, 0};
  auto check = [&](std::vector<ColumnValues> batch, std::uint64_t rows,
                   const std::string& message) {
    const Status s = (*writer)->write_batch(rows, batch);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
    EXPECT_THAT(s.message(), HasSubstr(message));
  };
  const ColumnValues good_a{.values = std::span<const std::int64_t>(a)};
  const ColumnValues good_l{.values = std::span<const float>(l), .offsets = offsets};
  check({good_a}, 3, "batch has 1 columns, schema has 2");
  check({{.values = std::span<const double>()}, good_l}, 3,
        "column 'a': values do not match the physical type INT64");
  check({good_a, good_l}, 2, "column 'a': 3 values for 2 rows");
  check({{.values = std::span<const std::int64_t>(a), .valid = nulls}, good_l}, 3,
        "column 'a': row 2 is null in a non-nullable column");
  const std::vector<std::uint64_t> decreasing = {0, 3, 1, 4};
  check({good_a, {.values = std::span<const float>(l), .offsets = decreasing}}, 3,
        "column 'l': row 1: list offsets [3, 1) are decreasing");
  const std::vector<std::uint64_t> past = {0, 1, 3, 5};
  check({good_a, {.values = std::span<const float>(l), .offsets = past}}, 3,
        "row 2: list offsets [3, 5) are decreasing or past the 4 values");
  const std::vector<std::uint8_t> element_nulls = {1, 0, 1, 1};
  check({good_a,
         {.values = std::span<const float>(l), .offsets = offsets, .element_valid = element_nulls}},
        3, "column 'l': row 1: element 0 is null in a list of non-nullable elements");

  // The rejected batches left nothing behind.
  ASSERT_TRUE((*writer)->write_batch(3, std::vector<ColumnValues>{good_a, good_l}).ok());
  ASSERT_TRUE((*writer)->close().ok());
  const Status after = (*writer)->write_batch(3, std::vector<ColumnValues>{good_a, good_l});
  EXPECT_EQ(after.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->close().code(), StatusCode::kFailedPrecondition);
  auto rows = testing::read_with_parity(out);
  ASSERT_TRUE(rows.ok()) << rows.status().to_string();
  EXPECT_EQ(rows->at("a"), (std::vector<json>{1, 2, 3}));
  EXPECT_EQ(rows->at("l"), (std::vector<json>{{1.0}, {2.0, 3.0}, {4.0}}));
}

}  // namespace
}  // namespace parity::parquet
