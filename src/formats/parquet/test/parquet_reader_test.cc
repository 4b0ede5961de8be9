// FileReader on the real LeRobot Parquet files (values checked against independent sources:
// the meta tables, info.json's fps, the footer statistics) and on hand-built files covering
// page versions, codecs, encodings, nulls, lists and hostile bytes.
#include "parity/formats/parquet/parquet_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <regex>
#include <set>

#include "formats/parquet/page_codecs.h"
#include "formats/parquet/test/parquet_test_builder.h"
#include "testing/testing.h"

namespace parity::parquet {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;
using testing::Chunk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Node;

std::unique_ptr<FileReader> open_ok(const fs::path& path) {
  auto r = FileReader::open(path);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::unique_ptr<FileReader> open_bytes(Bytes bytes) {
  auto r = FileReader::open(memory_source(std::move(bytes), "mem.parquet"));
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? std::move(r).value() : nullptr;
}

Status open_error(Bytes bytes) {
  auto r = FileReader::open(memory_source(std::move(bytes), "mem.parquet"));
  return r.status();
}

RecordBatch read_ok(FileReader& reader, ReadRequest request = {}) {
  auto all = read_all(reader, std::move(request));
  EXPECT_TRUE(all.ok()) << all.status().to_string();
  return all.ok() ? std::move(all).value() : RecordBatch{};
}

template <typename T>
const std::vector<T>& values_of(const RecordBatch& batch, std::string_view name) {
  const ColumnData* column = batch.find(name);
  PARITY_CHECK_MSG(column != nullptr, "column not projected");
  return std::get<std::vector<T>>(column->values);
}

std::vector<std::string> strings_of(const RecordBatch& batch, std::string_view name) {
  const auto& b = std::get<ByteArrays>(batch.find(name)->values);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < b.size(); ++i) out.emplace_back(b.view(i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Real files.

TEST(ParquetReaderRealData, EveryLeRobotFileReadsCompletelyAndMatchesItsStatistics) {
  PARITY_REQUIRE_SHARED_DATA(root, "lerobot");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".parquet") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  // 100 v2.1 episodes, 50 lingzu + 1 so101 + 1 reachy2 data files, 3 x (episodes, tasks).
  ASSERT_EQ(files.size(), 158u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    auto reader = open_ok(path);
    ASSERT_NE(reader, nullptr);
    const FileMetadata& meta = reader->metadata();
    EXPECT_THAT(meta.created_by, HasSubstr("parquet-cpp-arrow"));
    ReadRequest request;
    request.batch_rows = 333;
    ASSERT_TRUE(reader->start(request).ok());
    RecordBatch batch;
    std::uint64_t rows = 0;
    while (true) {
      auto more = reader->next(batch);
      ASSERT_TRUE(more.ok()) << more.status().to_string();
      if (!*more) break;
      EXPECT_EQ(batch.first_row, rows);
      EXPECT_LE(batch.num_rows, 333u);
      ASSERT_EQ(batch.columns.size(), meta.columns.size());
      for (const auto& column : batch.columns) {
        EXPECT_EQ(column.row_offsets().size(), batch.num_rows + 1)
            << column.descriptor->dotted_path();
      }
      rows += batch.num_rows;
    }
    EXPECT_EQ(rows, meta.num_rows);
    // Each row group's footer min/max equals the extremes of the decoded values.
    for (const auto& rg : meta.row_groups) {
      ReadRequest one;
      one.first_row = rg.first_row;
      one.row_count = rg.num_rows;
      const RecordBatch all = read_ok(*reader, one);
      ASSERT_EQ(all.num_rows, rg.num_rows);
      for (const auto& column : all.columns) {
        const ColumnStatistics& s = rg.columns[column.descriptor->index].statistics;
        if (!s.min || column.value_count() == 0) continue;
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = 0; i < column.value_count(); ++i) {
          const double v = column.as_double(i);
          if (std::isnan(v)) continue;
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
        EXPECT_EQ(lo, *s.min) << column.descriptor->dotted_path();
        EXPECT_EQ(hi, *s.max) << column.descriptor->dotted_path();
      }
    }
  }
}

TEST(ParquetReaderRealData, So101DataAgreesWithTheEpisodesTableAndFps) {
  PARITY_REQUIRE_SHARED_DATA(data,
                             "lerobot/v3.0-so101-record-test/data/chunk-000/file-000.parquet");
  PARITY_REQUIRE_SHARED_DATA(
      episodes, "lerobot/v3.0-so101-record-test/meta/episodes/chunk-000/file-000.parquet");
  auto meta_reader = open_ok(episodes);
  ASSERT_NE(meta_reader, nullptr);
  const RecordBatch ep = read_ok(*meta_reader);
  ASSERT_EQ(ep.num_rows, 4u);
  const auto& ep_index = values_of<std::int64_t>(ep, "episode_index");
  const auto& from = values_of<std::int64_t>(ep, "dataset_from_index");
  const auto& to = values_of<std::int64_t>(ep, "dataset_to_index");
  const auto& length = values_of<std::int64_t>(ep, "length");
  EXPECT_THAT(ep_index, ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(std::accumulate(length.begin(), length.end(), std::int64_t{0}), 1492);

  auto reader = open_ok(data);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->metadata().num_rows, 1492u);
  EXPECT_THAT(reader->metadata().top_level_names(),
              ElementsAre("action", "observation.state", "timestamp", "frame_index",
                          "episode_index", "index", "task_index"));
  const ColumnDescriptor& action = *reader->metadata().find_field("action")[0];
  EXPECT_TRUE(action.is_list);
  EXPECT_EQ(action.max_definition_level, 3);
  EXPECT_EQ(action.max_repetition_level, 1);
  EXPECT_THAT(action.path, ElementsAre("action", "list", "element"));
  const RecordBatch all = read_ok(*reader);
  ASSERT_EQ(all.num_rows, 1492u);
  const auto& index = values_of<std::int64_t>(all, "index");
  const auto& frame = values_of<std::int64_t>(all, "frame_index");
  const auto& episode = values_of<std::int64_t>(all, "episode_index");
  const auto& timestamp = values_of<float>(all, "timestamp");
  for (std::size_t i = 0; i < 1492; ++i) {
    ASSERT_EQ(index[i], static_cast<std::int64_t>(i));
    std::size_t e = 0;
    while (!(from[e] <= index[i] && index[i] < to[e])) ++e;
    ASSERT_EQ(episode[i], ep_index[e]) << i;
    ASSERT_EQ(frame[i], index[i] - from[e]) << i;
    ASSERT_NEAR(timestamp[i], static_cast<double>(frame[i]) / 30.0, 1e-4) << i;
  }
  const auto offsets = all.find("action")->row_offsets();
  for (std::size_t r = 0; r <= 1492; ++r) ASSERT_EQ(offsets[r], 6 * r);
  EXPECT_EQ(values_of<float>(all, "observation.state").size(), 6u * 1492);
}

TEST(ParquetReaderRealData, So101EpisodesTableListOfStringsAndSlashNames) {
  PARITY_REQUIRE_SHARED_DATA(
      episodes, "lerobot/v3.0-so101-record-test/meta/episodes/chunk-000/file-000.parquet");
  auto reader = open_ok(episodes);
  ASSERT_NE(reader, nullptr);
  const auto tasks_leaves = reader->metadata().find_field("tasks");
  ASSERT_EQ(tasks_leaves.size(), 1u);
  EXPECT_TRUE(tasks_leaves[0]->is_list);
  EXPECT_EQ(tasks_leaves[0]->logical_type.kind, LogicalType::Kind::kString);
  ReadRequest request;
  request.columns = {"tasks", "data/chunk_index", "videos/observation.images.front/from_timestamp",
                     "stats/action/min"};
  const RecordBatch b = read_ok(*reader, request);
  ASSERT_EQ(b.columns.size(), 4u);
  EXPECT_THAT(strings_of(b, "tasks"), ElementsAre("Pick the orange cube and place it in the box",
                                                  "Pick the orange cube and place it in the box",
                                                  "Pick the orange cube and place it in the box",
                                                  "Pick the orange cube and place it in the box"));
  EXPECT_THAT(b.find("tasks")->row_offsets(), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(values_of<std::int64_t>(b, "data/chunk_index"), ElementsAre(0, 0, 0, 0));
  const auto& from_ts = values_of<double>(b, "videos/observation.images.front/from_timestamp");
  EXPECT_EQ(from_ts[0], 0.0);
  EXPECT_THAT(b.find("stats/action/min")->row_offsets(), ElementsAre(0, 6, 12, 18, 24));
}

TEST(ParquetReaderRealData, TasksTables) {
  PARITY_REQUIRE_SHARED_DATA(reachy, "lerobot/v3.0-reachy2-apple-storage/meta/tasks.parquet");
  PARITY_REQUIRE_SHARED_DATA(so101, "lerobot/v3.0-so101-record-test/meta/tasks.parquet");
  auto r = open_ok(reachy);
  ASSERT_NE(r, nullptr);
  const RecordBatch b = read_ok(*r);
  EXPECT_THAT(strings_of(b, "__index_level_0__"), ElementsAre("place the apple in the plate"));
  EXPECT_THAT(values_of<std::int64_t>(b, "task_index"), ElementsAre(0));
  EXPECT_EQ(r->metadata().find_field("__index_level_0__")[0]->logical_type.kind,
            LogicalType::Kind::kString);
  EXPECT_TRUE(r->metadata().key_value_metadata.count("pandas"));
  auto s = open_ok(so101);
  ASSERT_NE(s, nullptr);
  EXPECT_THAT(strings_of(read_ok(*s), "__index_level_0__"),
              ElementsAre("Pick the orange cube and place it in the box"));
}

TEST(ParquetReaderRealData, UnitreeEpisodeLengthsMatchEpisodesJsonl) {
  PARITY_REQUIRE_SHARED_DATA(jsonl, "lerobot/v2.1-unitree-g1/meta/episodes.jsonl");
  std::ifstream in(jsonl);
  std::string line;
  const std::regex re(R"re("episode_index":\s*(\d+).*"length":\s*(\d+))re");
  int checked = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, re)) << line;
    const int episode = std::stoi(m[1]);
    const auto path = jsonl.parent_path().parent_path() / "data/chunk-000" /
                      fmt::format("episode_{:06d}.parquet", episode);
    auto reader = open_ok(path);
    ASSERT_NE(reader, nullptr);
    ASSERT_EQ(reader->metadata().num_rows, std::stoull(m[2])) << path;
    ReadRequest request;
    request.columns = {"episode_index", "frame_index", "observation.state"};
    const RecordBatch b = read_ok(*reader, request);
    for (const auto v : values_of<std::int64_t>(b, "episode_index")) ASSERT_EQ(v, episode);
    const auto& frames = values_of<std::int64_t>(b, "frame_index");
    for (std::size_t i = 0; i < frames.size(); ++i)
      ASSERT_EQ(frames[i], static_cast<std::int64_t>(i));
    EXPECT_EQ(values_of<float>(b, "observation.state").size(), 26 * b.num_rows);  // float32[26]
    ++checked;
  }
  EXPECT_EQ(checked, 100);
}

TEST(ParquetReaderRealData, RowRangesBatchesAndProjectionAgreeWithAFullRead) {
  PARITY_REQUIRE_SHARED_DATA(data,
                             "lerobot/v3.0-so101-record-test/data/chunk-000/file-000.parquet");
  auto reader = open_ok(data);
  ASSERT_NE(reader, nullptr);
  const RecordBatch full = read_ok(*reader);
  const auto& full_action = values_of<float>(full, "action");
  const auto& full_index = values_of<std::int64_t>(full, "index");
  ASSERT_GE(reader->metadata().row_groups.size(), 2u);
  // Rows 300..699 cross the first row-group boundary.
  ReadRequest request;
  request.columns = {"action.list.element", "index"};
  request.first_row = 300;
  request.row_count = 400;
  for (const std::size_t batch_rows : {1u, 7u, 64u, 100000u}) {
    request.batch_rows = batch_rows;
    ASSERT_TRUE(reader->start(request).ok());
    RecordBatch batch;
    std::vector<float> action;
    std::vector<std::int64_t> index;
    std::uint64_t next_row = 300;
    while (true) {
      auto more = reader->next(batch);
      ASSERT_TRUE(more.ok()) << more.status().to_string();
      if (!*more) break;
      EXPECT_EQ(batch.first_row, next_row);
      next_row += batch.num_rows;
      ASSERT_EQ(batch.columns.size(), 2u);
      const auto& a = values_of<float>(batch, "action");
      action.insert(action.end(), a.begin(), a.end());
      const auto& ix = values_of<std::int64_t>(batch, "index");
      index.insert(index.end(), ix.begin(), ix.end());
      EXPECT_EQ(batch.find("action")->row_offsets().back(), 6 * batch.num_rows);
    }
    EXPECT_EQ(next_row, 700u) << batch_rows;
    EXPECT_EQ(index, std::vector<std::int64_t>(full_index.begin() + 300, full_index.begin() + 700));
    EXPECT_EQ(action,
              std::vector<float>(full_action.begin() + 6 * 300, full_action.begin() + 6 * 700));
  }
  // Past the end: no rows.
  request.first_row = 5000;
  EXPECT_EQ(read_ok(*reader, request).num_rows, 0u);
  // Unknown columns.
  request.columns = {"nope"};
  Status st = reader->start(request);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr("file-000.parquet: no column 'nope' (fields: action, "
                                      "observation.state, timestamp, frame_index"));
}

TEST(ParquetReaderRealData, PredicatesSkipRowGroupsByStatistics) {
  PARITY_REQUIRE_SHARED_DATA(data,
                             "lerobot/v3.0-so101-record-test/data/chunk-000/file-000.parquet");
  PARITY_REQUIRE_SHARED_DATA(
      episodes, "lerobot/v3.0-so101-record-test/meta/episodes/chunk-000/file-000.parquet");
  auto meta_reader = open_ok(episodes);
  ASSERT_NE(meta_reader, nullptr);
  const RecordBatch ep = read_ok(*meta_reader);
  const std::int64_t from = values_of<std::int64_t>(ep, "dataset_from_index")[2];
  const std::int64_t to = values_of<std::int64_t>(ep, "dataset_to_index")[2];
  auto reader = open_ok(data);
  ASSERT_NE(reader, nullptr);
  ReadRequest request;
  request.columns = {"episode_index", "index"};
  request.predicates = {{"episode_index", 2, 2}};
  ASSERT_TRUE(reader->start(request).ok());
  RecordBatch batch;
  std::uint64_t rows = 0;
  std::uint64_t first = UINT64_MAX;
  while (true) {
    auto more = reader->next(batch);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    first = std::min(first, batch.first_row);
    for (const auto e : values_of<std::int64_t>(batch, "episode_index")) ASSERT_EQ(e, 2);
    const auto& index = values_of<std::int64_t>(batch, "index");
    EXPECT_EQ(static_cast<std::uint64_t>(index[0]), batch.first_row);
    rows += batch.num_rows;
  }
  // Episode 2 is rows [from, to) per meta/episodes; one row group per episode.
  EXPECT_EQ(first, static_cast<std::uint64_t>(from));
  EXPECT_EQ(rows, static_cast<std::uint64_t>(to - from));
  EXPECT_EQ(reader->metadata().row_groups[2].first_row, static_cast<std::uint64_t>(from));
  request.predicates = {{"index", 5000, 6000}};
  EXPECT_EQ(read_ok(*reader, request).num_rows, 0u);
  request.predicates = {{"action", 0, 1}};
  EXPECT_EQ(reader->start(request).code(), StatusCode::kInvalidArgument);
  request.predicates = {{"missing", 0, 1}};
  EXPECT_EQ(reader->start(request).code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// Hand-built files.

const std::vector<Node> kOptionalX = {{"schema", {}, {}, 1, {}, 0}, {"x", 1, 1, {}, {}, 0}};

// x: optional INT32 = 5, null, 7, null, 9 in one PLAIN v1 page.
Bytes optional_int32_file() {
  Bytes body = testing::prefixed(testing::bit_packed_run({1, 0, 1, 0, 1}, 1));
  testing::append(body, testing::plain<std::int32_t>({5, 7, 9}));
  Chunk chunk;
  chunk.pages = testing::data_page_v1(body, 5);
  chunk.num_values = 5;
  return testing::make_file(kOptionalX, {chunk}, 5, {{"x"}});
}

TEST(ParquetReaderBuilt, OptionalInt32WithNulls) {
  auto reader = open_bytes(optional_int32_file());
  ASSERT_NE(reader, nullptr);
  const ColumnDescriptor& x = reader->metadata().columns[0];
  EXPECT_EQ(x.repetition, Repetition::kOptional);
  EXPECT_EQ(x.max_definition_level, 1);
  EXPECT_FALSE(x.is_list);
  const RecordBatch b = read_ok(*reader);
  ASSERT_EQ(b.num_rows, 5u);
  const ColumnData& c = b.columns[0];
  EXPECT_THAT(c.definition_levels, ElementsAre(1, 0, 1, 0, 1));
  EXPECT_TRUE(c.repetition_levels.empty());
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(c.values), ElementsAre(5, 7, 9));
  EXPECT_THAT(c.row_offsets(), ElementsAre(0, 1, 1, 2, 2, 3));
  EXPECT_FALSE(c.is_null(0));
  EXPECT_TRUE(c.is_null(3));
  EXPECT_EQ(c.value_count(), 3u);
  EXPECT_EQ(c.as_double(2), 9.0);
  ReadRequest skip;
  skip.first_row = 2;
  skip.row_count = 2;
  const RecordBatch s = read_ok(*reader, skip);
  EXPECT_EQ(s.first_row, 2u);
  EXPECT_THAT(s.columns[0].definition_levels, ElementsAre(1, 0));
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(s.columns[0].values), ElementsAre(7));
}

Bytes v2_page(const Bytes& rep, const Bytes& def, const Bytes& values, Compression codec,
              std::int64_t num_values, std::int64_t nulls, std::int64_t rows, int encoding) {
  Bytes stored;
  EXPECT_TRUE(compress_page(codec, values, stored, 0).ok());
  return testing::data_page_v2(rep, def, values, stored, num_values, nulls, rows, encoding,
                               codec != Compression::kUncompressed);
}

TEST(ParquetReaderBuilt, DataPageV2ZstdAcrossPagesAndSkipping) {
  Chunk chunk;
  chunk.codec = 6;  // ZSTD
  chunk.num_values = 6;
  chunk.pages = v2_page({}, testing::bit_packed_run({1, 0, 1}, 1),
                        testing::plain<std::int32_t>({5, 7}), Compression::kZstd, 3, 1, 3, 0);
  testing::append(chunk.pages,
                  v2_page({}, testing::bit_packed_run({0, 1, 1}, 1),
                          testing::plain<std::int32_t>({9, 11}), Compression::kZstd, 3, 1, 3, 0));
  auto reader = open_bytes(testing::make_file(kOptionalX, {chunk}, 6, {{"x"}}));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->metadata().row_groups[0].columns[0].compression, Compression::kZstd);
  const RecordBatch all = read_ok(*reader);
  EXPECT_THAT(all.columns[0].definition_levels, ElementsAre(1, 0, 1, 0, 1, 1));
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(all.columns[0].values), ElementsAre(5, 7, 9, 11));
  ReadRequest request;
  request.first_row = 4;  // the first page is skipped whole, one row of the second
  const RecordBatch tail = read_ok(*reader, request);
  EXPECT_EQ(tail.first_row, 4u);
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(tail.columns[0].values), ElementsAre(9, 11));
  request.first_row = 0;
  request.batch_rows = 4;
  ASSERT_TRUE(reader->start(request).ok());
  RecordBatch batch;
  ASSERT_TRUE(*reader->next(batch));
  EXPECT_EQ(batch.num_rows, 4u);
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(batch.columns[0].values), ElementsAre(5, 7));
  ASSERT_TRUE(*reader->next(batch));
  EXPECT_EQ(batch.first_row, 4u);
  EXPECT_THAT(std::get<std::vector<std::int32_t>>(batch.columns[0].values), ElementsAre(9, 11));
  EXPECT_FALSE(*reader->next(batch));
}

// l: optional list<optional int64> = [1, 2, 3], [], null, [4, null, 5] in two GZIP v2 pages of
// DELTA_BINARY_PACKED values.
const std::vector<Node> kListSchema = {{"schema", {}, {}, 1, {}, 0},
                                       {"l", {}, 1, 1, 3, 0},
                                       {"list", {}, 2, 1, {}, 0},
                                       {"element", 2, 1, {}, {}, 0}};

Bytes list_file(Compression codec = Compression::kGzip,
                std::vector<std::uint32_t> rep1 = {0, 1, 1, 0}) {
  Chunk chunk;
  chunk.type = 2;
  chunk.codec = static_cast<int>(codec);
  chunk.num_values = 8;
  chunk.pages = v2_page(testing::bit_packed_run(rep1, 1), testing::bit_packed_run({3, 3, 3, 1}, 2),
                        testing::delta_binary_packed({1, 2, 3}), codec, 4, 0, 2, 5);
  testing::append(chunk.pages, v2_page(testing::bit_packed_run({0, 0, 1, 1}, 1),
                                       testing::bit_packed_run({0, 3, 2, 3}, 2),
                                       testing::delta_binary_packed({4, 5}), codec, 4, 2, 2, 5));
  return testing::make_file(kListSchema, {chunk}, 4, {{"l", "list", "element"}});
}

TEST(ParquetReaderBuilt, ListOfOptionalInt64DeltaGzip) {
  auto reader = open_bytes(list_file());
  ASSERT_NE(reader, nullptr);
  const ColumnDescriptor& l = reader->metadata().columns[0];
  EXPECT_TRUE(l.is_list);
  EXPECT_EQ(l.max_definition_level, 3);
  EXPECT_EQ(l.max_repetition_level, 1);
  EXPECT_EQ(l.dotted_path(), "l.list.element");
  const RecordBatch all = read_ok(*reader);
  ASSERT_EQ(all.num_rows, 4u);
  const ColumnData& c = all.columns[0];
  EXPECT_THAT(std::get<std::vector<std::int64_t>>(c.values), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(c.repetition_levels, ElementsAre(0, 1, 1, 0, 0, 0, 1, 1));
  EXPECT_THAT(c.definition_levels, ElementsAre(3, 3, 3, 1, 0, 3, 2, 3));
  EXPECT_THAT(c.row_offsets(), ElementsAre(0, 3, 3, 3, 5));
  EXPECT_FALSE(c.is_null(0));
  EXPECT_TRUE(c.is_null(1));
  EXPECT_TRUE(c.is_null(2));
  // One row per batch.
  ReadRequest request;
  request.batch_rows = 1;
  ASSERT_TRUE(reader->start(request).ok());
  RecordBatch batch;
  std::vector<std::vector<std::size_t>> offsets;
  while (*reader->next(batch)) offsets.push_back(batch.columns[0].row_offsets());
  EXPECT_THAT(offsets, ElementsAre(ElementsAre(0, 3), ElementsAre(0, 0), ElementsAre(0, 0),
                                   ElementsAre(0, 2)));
  // Skip the first page whole (2 rows) and one row of the second.
  request.batch_rows = 10;
  request.first_row = 3;
  const RecordBatch last = read_ok(*reader, request);
  EXPECT_EQ(last.num_rows, 1u);
  EXPECT_THAT(std::get<std::vector<std::int64_t>>(last.columns[0].values), ElementsAre(4, 5));
  EXPECT_THAT(last.columns[0].definition_levels, ElementsAre(3, 2, 3));
}

TEST(ParquetReaderBuilt, ListRowMustStartWithRepetitionZero) {
  auto reader = open_bytes(list_file(Compression::kUncompressed, {1, 1, 1, 0}));
  ASSERT_NE(reader, nullptr);
  auto all = read_all(*reader, {});
  EXPECT_EQ(all.status().code(), StatusCode::kCorrupt);
  EXPECT_THAT(all.status().message(),
              HasSubstr("mem.parquet: column 'l.list.element' (row group 0): page at offset 4: "
                        "repetition level 1 where a row must start"));
}

TEST(ParquetReaderBuilt, DictionarySnappyBooleanRleLz4AndByteStreamSplitGzip) {
  // a: required UTF8 strings, dictionary page + RLE_DICTIONARY page, SNAPPY.
  Bytes dict;
  for (const std::string s : {"red", "green"}) {
    testing::put_u32(dict, static_cast<std::uint32_t>(s.size()));
    dict.insert(dict.end(), s.begin(), s.end());
  }
  Bytes indices = {1};
  testing::append(indices, testing::bit_packed_run({0, 1, 1, 0}, 1));
  Bytes dict_stored, indices_stored;
  ASSERT_TRUE(compress_page(Compression::kSnappy, dict, dict_stored, 0).ok());
  ASSERT_TRUE(compress_page(Compression::kSnappy, indices, indices_stored, 0).ok());
  Chunk a;
  a.type = 6;
  a.codec = 1;
  a.num_values = 4;
  a.dictionary = true;
  a.pages = testing::dictionary_page(dict, 2, &dict_stored);
  testing::append(
      a.pages, testing::data_page_v1(indices, 4, 8, std::nullopt, std::nullopt, &indices_stored));
  // b: required BOOLEAN, RLE values in a v2 page, LZ4_RAW.
  Chunk b;
  b.type = 0;
  b.codec = 7;
  b.num_values = 4;
  b.pages = v2_page({}, {}, testing::prefixed(testing::bit_packed_run({1, 0, 0, 1}, 1)),
                    Compression::kLz4Raw, 4, 0, 4, 3);
  // c: required DOUBLE, BYTE_STREAM_SPLIT in a v1 page, GZIP.
  const std::vector<double> doubles = {1.5, -2, 0, 1e300};
  const Bytes raw = testing::plain<double>(doubles);
  Bytes split(raw.size());
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t k = 0; k < 8; ++k) split[k * 4 + i] = raw[i * 8 + k];
  }
  Bytes split_stored;
  ASSERT_TRUE(compress_page(Compression::kGzip, split, split_stored, 0).ok());
  Chunk c;
  c.type = 5;
  c.codec = 2;
  c.num_values = 4;
  c.pages = testing::data_page_v1(split, 4, 9, std::nullopt, std::nullopt, &split_stored);
  const std::vector<Node> schema = {{"schema", {}, {}, 3, {}, 0},
                                    {"a", 6, 0, {}, 0, 0},
                                    {"b", 0, 0, {}, {}, 0},
                                    {"c", 5, 0, {}, {}, 0}};
  auto reader = open_bytes(testing::make_file(schema, {a, b, c}, 4, {{"a"}, {"b"}, {"c"}}));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->metadata().columns[0].logical_type.kind, LogicalType::Kind::kString);
  const RecordBatch all = read_ok(*reader);
  EXPECT_THAT(strings_of(all, "a"), ElementsAre("red", "green", "green", "red"));
  EXPECT_EQ(values_of<bool>(all, "b"), (std::vector<bool>{true, false, false, true}));
  EXPECT_EQ(values_of<double>(all, "c"), doubles);
  EXPECT_TRUE(all.find("a")->definition_levels.empty());
  ReadRequest request;
  request.columns = {"c", "a"};
  request.first_row = 1;
  const RecordBatch part = read_ok(*reader, request);
  ASSERT_EQ(part.columns.size(), 2u);
  EXPECT_EQ(part.columns[0].descriptor->top_level_name, "c");
  EXPECT_THAT(strings_of(part, "a"), ElementsAre("green", "green", "red"));
  EXPECT_THAT(values_of<double>(part, "c"), ElementsAre(-2, 0, 1e300));
}

TEST(ParquetReaderBuilt, UnsignedIntegersAndStatistics) {
  Chunk chunk;
  chunk.num_values = 2;
  chunk.pages = testing::data_page_v1(testing::plain<std::int32_t>({-1, 7}), 2);
  chunk.min_value = std::string("\x07\0\0\0", 4);
  chunk.max_value = std::string("\xff\xff\xff\xff", 4);
  const std::vector<Node> schema = {{"schema", {}, {}, 1, {}, 0}, {"u", 1, 0, {}, 13, 0}};
  auto reader = open_bytes(testing::make_file(schema, {chunk}, 2, {{"u"}}));
  ASSERT_NE(reader, nullptr);
  const ColumnDescriptor& u = reader->metadata().columns[0];
  EXPECT_EQ(u.logical_type.kind, LogicalType::Kind::kInteger);
  EXPECT_FALSE(u.logical_type.is_signed);
  EXPECT_EQ(u.logical_type.bit_width, 32);
  const ColumnStatistics& s = reader->metadata().row_groups[0].columns[0].statistics;
  EXPECT_EQ(s.min, 7.0);
  EXPECT_EQ(s.max, 4294967295.0);
  const RecordBatch all = read_ok(*reader);
  EXPECT_EQ(all.columns[0].as_double(0), 4294967295.0);
  EXPECT_EQ(all.columns[0].as_double(1), 7.0);
  ReadRequest request;
  request.predicates = {{"u", 0, 6}};
  EXPECT_EQ(read_ok(*reader, request).num_rows, 0u);
  request.predicates = {{"u", 4294967295.0, 1e10}};
  EXPECT_EQ(read_ok(*reader, request).num_rows, 2u);
}

TEST(ParquetReaderBuilt, UnsupportedCodecAndEncodingNameTheColumn) {
  Bytes body = testing::prefixed(testing::bit_packed_run({1, 0, 1, 0, 1}, 1));
  testing::append(body, testing::plain<std::int32_t>({5, 7, 9}));
  Chunk chunk;
  chunk.pages = testing::data_page_v1(body, 5);
  chunk.num_values = 5;
  chunk.codec = 3;  // LZO
  auto reader = open_bytes(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  ASSERT_NE(reader, nullptr);
  auto all = read_all(*reader, {});
  EXPECT_EQ(all.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(
      all.status().message(),
      HasSubstr("mem.parquet: column 'x' (row group 0): page at offset 4: compression codec "
                "LZO (3) is not supported"));
  chunk.codec = 0;
  chunk.pages = testing::data_page_v1(body, 5, 10);  // ALP (not supported)
  reader = open_bytes(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  ASSERT_NE(reader, nullptr);
  all = read_all(*reader, {});
  EXPECT_EQ(all.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(all.status().message(), HasSubstr("value encoding 10 is not supported"));
}

// ---------------------------------------------------------------------------------------------
// Hostile files.

Bytes with_footer(const Bytes& data_section, const Bytes& footer) {
  Bytes out = {'P', 'A', 'R', '1'};
  testing::append(out, data_section);
  testing::append(out, footer);
  testing::put_u32(out, static_cast<std::uint32_t>(footer.size()));
  out.insert(out.end(), {'P', 'A', 'R', '1'});
  return out;
}

TEST(ParquetReaderHostile, FramingErrors) {
  Status st = open_error({'P', 'A', 'R', '1', 0, 0, 0, 'P', 'A', 'R', '1'});
  EXPECT_EQ(st.code(), StatusCode::kTruncated);
  EXPECT_THAT(st.message(), HasSubstr("mem.parquet: 11 bytes is too short"));
  Bytes good = optional_int32_file();
  Bytes bad = good;
  bad[1] = 'X';
  st = open_error(bad);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("mem.parquet: offset 0: bad magic: expected \"PAR1\""));
  bad = good;
  bad.back() = 'E';
  st = open_error(bad);
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_THAT(st.message(), HasSubstr("encrypted footer"));
  bad = good;
  std::memset(bad.data() + bad.size() - 8, 0, 4);
  st = open_error(bad);
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("footer length is 0"));
  bad = good;
  std::memset(bad.data() + bad.size() - 8, 0xff, 4);
  st = open_error(bad);
  EXPECT_EQ(st.code(), StatusCode::kTruncated);
  EXPECT_THAT(st.message(), HasSubstr("footer length 4294967295 runs past the start of the file"));
  st = FileReader::open(fs::path("/nonexistent/x.parquet")).status();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
}

TEST(ParquetReaderHostile, FooterCutAtEveryByte) {
  const Bytes good = optional_int32_file();
  std::uint32_t footer_length = 0;
  std::memcpy(&footer_length, good.data() + good.size() - 8, 4);
  const std::size_t footer_offset = good.size() - 8 - footer_length;
  const Bytes data(good.begin() + 4, good.begin() + static_cast<std::ptrdiff_t>(footer_offset));
  const Bytes footer(good.begin() + static_cast<std::ptrdiff_t>(footer_offset), good.end() - 8);
  for (std::size_t k = 1; k < footer.size(); ++k) {
    const Status st = open_error(
        with_footer(data, Bytes(footer.begin(), footer.begin() + static_cast<std::ptrdiff_t>(k))));
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << k;
    EXPECT_THAT(st.message(), HasSubstr("mem.parquet")) << k;
  }
  // The whole file cut at every length.
  for (std::size_t n = 0; n < good.size(); ++n) {
    const Status st =
        open_error(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
    EXPECT_TRUE(st.code() == StatusCode::kTruncated || st.code() == StatusCode::kCorrupt)
        << n << ": " << st.to_string();
  }
}

TEST(ParquetReaderHostile, FooterStructureLies) {
  // A schema list claiming 2^31-1 elements.
  testing::ThriftBuilder huge;
  huge.i32(1, 1).list(2, 12, 0x7fffffff);
  Status st = open_error(with_footer({}, huge.finish()));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("FileMetaData does not parse: offset 13: Thrift: list of "
                                      "2147483647 elements with 1 bytes left"));
  // Nesting bomb in an unknown field.
  testing::ThriftBuilder bomb;
  bomb.i32(1, 1);
  for (int i = 0; i < 100; ++i) bomb.begin(20);
  for (int i = 0; i < 100; ++i) bomb.end();
  st = open_error(with_footer({}, bomb.finish()));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("nesting deeper than 64 levels"));
  // Schema num_children lies, both ways.
  const std::vector<Node> too_many = {{"schema", {}, {}, 5, {}, 0}, {"x", 1, 1, {}, {}, 0}};
  st = open_error(testing::make_file(too_many, {Chunk{}}, 0, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(
      st.message(),
      HasSubstr("schema is not a tree: element 'schema' declares 5 children, 1 elements follow"));
  const std::vector<Node> too_few = {
      {"schema", {}, {}, 1, {}, 0}, {"x", 1, 1, {}, {}, 0}, {"y", 1, 1, {}, {}, 0}};
  st = open_error(testing::make_file(too_few, {Chunk{}}, 0, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(),
              HasSubstr("schema is not a tree: the root's 1 children end at element 2 of 3"));
  const std::vector<Node> nested_lie = {
      {"schema", {}, {}, 2, {}, 0}, {"g", {}, 0, 1, {}, 0}, {"x", 1, 1, {}, {}, 0}};
  st = open_error(testing::make_file(nested_lie, {Chunk{}}, 0, {{"g", "x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(),
              HasSubstr("element 'schema' declares 2 children, the schema ends after 1"));
  const std::vector<Node> negative = {{"schema", {}, {}, -1, {}, 0}};
  st = open_error(testing::make_file(negative, {}, 0, {}));
  EXPECT_THAT(st.message(), HasSubstr("schema element 'schema' has -1 children"));
  // Schema nested deeper than 100 groups.
  std::vector<Node> deep = {{"schema", {}, {}, 1, {}, 0}};
  for (int i = 0; i < 150; ++i) deep.push_back({fmt::format("g{}", i), {}, 0, 1, {}, 0});
  deep.push_back({"leaf", 1, 0, {}, {}, 0});
  st = open_error(testing::make_file(deep, {}, 0, {}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("schema nested deeper than 100 levels"));
  // Row group without chunks for the schema's leaves.
  st = open_error(testing::make_file(kOptionalX, {}, 0, {}));
  EXPECT_THAT(st.message(), HasSubstr("row group 0 has 0 column chunks, the schema 1 leaves"));
}

TEST(ParquetReaderHostile, ChunkOffsetsAndSizes) {
  Bytes body = testing::prefixed(testing::bit_packed_run({1, 0, 1, 0, 1}, 1));
  testing::append(body, testing::plain<std::int32_t>({5, 7, 9}));
  Chunk chunk;
  chunk.pages = testing::data_page_v1(body, 5);
  chunk.num_values = 5;
  Chunk negative = chunk;
  negative.total_compressed_size = -1;
  Status st = open_error(testing::make_file(kOptionalX, {negative}, 5, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("row group 0, column 'x': negative or impossible sizes"));
  Chunk outside = chunk;
  outside.data_page_offset = std::int64_t{1} << 40;
  st = open_error(testing::make_file(kOptionalX, {outside}, 5, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("column chunk [1099511627776, "));
  EXPECT_THAT(st.message(), HasSubstr("lies outside the data section [4, "));
  Chunk wrong_type = chunk;
  wrong_type.type = 2;
  st = open_error(testing::make_file(kOptionalX, {wrong_type}, 5, {{"x"}}));
  EXPECT_THAT(st.message(), HasSubstr("chunk type 2 differs from the schema's INT32"));
}

Status read_error(const Bytes& file, ReadRequest request = {}) {
  auto reader = FileReader::open(memory_source(file, "mem.parquet"));
  if (!reader.ok()) return reader.status();
  return read_all(**reader, std::move(request)).status();
}

TEST(ParquetReaderHostile, PageHeaderLies) {
  Bytes body = testing::prefixed(testing::bit_packed_run({1, 0, 1, 0, 1}, 1));
  testing::append(body, testing::plain<std::int32_t>({5, 7, 9}));
  Chunk chunk;
  chunk.num_values = 5;
  chunk.pages = testing::data_page_v1(body, 5, 0, std::nullopt, 1000);
  Status st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("mem.parquet: column 'x' (row group 0): page at offset 4: "
                                      "compressed page size 1000 at offset"));
  EXPECT_THAT(st.message(), HasSubstr("runs past the column chunk end"));
  // 2^31-1 bytes uncompressed from a 16-byte SNAPPY body.
  chunk.codec = 1;
  chunk.pages = testing::data_page_v1(Bytes(16), 5, 0, 0x7fffffff);
  st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("uncompressed page size 2147483647 exceeds the limit 576 for "
                                      "16 compressed bytes of SNAPPY"));
  // Negative sizes in the page header.
  chunk.codec = 0;
  chunk.pages = testing::data_page_v1(body, 5, 0, -5);
  st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  EXPECT_THAT(st.message(), HasSubstr("PageHeader with negative sizes"));
  // More values than the reader's page limit.
  chunk.pages = testing::data_page_v1(body, 5);
  ReadRequest request;
  request.max_page_values = 2;
  st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}), request);
  EXPECT_THAT(st.message(), HasSubstr("data page declares 5 values, above the limit of 2"));
  // Levels that end early.
  Bytes short_levels = testing::prefixed(testing::rle_run(2, 1, 1));
  testing::append(short_levels, testing::plain<std::int32_t>({5, 7}));
  chunk.pages = testing::data_page_v1(short_levels, 5);
  st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(),
              HasSubstr("definition levels: RLE/bit-packed data (2 bytes, bit width 1) "
                        "ends before the values it must hold"));
  // A chunk with fewer rows than the row group.
  chunk.pages = testing::data_page_v1(body, 5);
  st = read_error(testing::make_file(kOptionalX, {chunk}, 10, {{"x"}}));
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_THAT(st.message(), HasSubstr("the column chunk ends after 5 of the 10 rows"));
  // Values missing from the page.
  Bytes few_values = testing::prefixed(testing::bit_packed_run({1, 1, 1, 1, 1}, 1));
  testing::append(few_values, testing::plain<std::int32_t>({5, 7}));
  chunk.pages = testing::data_page_v1(few_values, 5);
  st = read_error(testing::make_file(kOptionalX, {chunk}, 5, {{"x"}}));
  EXPECT_THAT(st.message(), HasSubstr("PLAIN values: needs 20 bytes, 8 left in the page"));
}

TEST(ParquetReaderHostile, EveryByteFlippedNeverCrashes) {
  const Bytes good = list_file(Compression::kUncompressed);
  std::set<StatusCode> codes;
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0xff;
    auto reader = FileReader::open(memory_source(bad, "mem.parquet"));
    Status st = reader.status();
    if (reader.ok()) {
      ReadRequest request;
      request.batch_rows = 2;
      request.max_page_values = 1 << 16;
      st = read_all(**reader, request).status();
    }
    codes.insert(st.code());
    if (!st.ok()) {
      EXPECT_FALSE(st.message().empty());
    }
  }
  EXPECT_TRUE(codes.count(StatusCode::kCorrupt));
  for (const auto code : codes) {
    EXPECT_TRUE(code == StatusCode::kOk || code == StatusCode::kCorrupt ||
                code == StatusCode::kTruncated || code == StatusCode::kUnsupported)
        << status_code_name(code);
  }
}

}  // namespace
}  // namespace parity::parquet
