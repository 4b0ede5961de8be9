#include "parity/export/table_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parity/formats/parquet/parquet_reader.h"
#include "testing/testing.h"

namespace parity {
namespace {

using ::testing::HasSubstr;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<TableColumn> sample_schema() {
  return {{"name", CellType::kString, true},
          {"count", CellType::kInt64, false},
          {"score", CellType::kDouble, true},
          {"ok", CellType::kBool, true},
          {"embedding", CellType::kFloatList, true}};
}

std::vector<TableRow> sample_rows() {
  return {
      {std::string("plain"), std::int64_t{1}, 0.1, true, std::vector<float>{1.5f, -2.0f}},
      {std::string("a,\"quoted\"\nline"), std::int64_t{-7}, Cell{}, false, std::vector<float>{}},
      {Cell{}, std::int64_t{1} << 40, 1e300, Cell{}, Cell{}}};
}

Status write_sample(const std::filesystem::path& path, TableFormat format) {
  PARITY_ASSIGN_OR_RETURN(auto writer, open_table_writer(path, sample_schema(), format,
                                                         {{{"parity.table", "sample"}}, 2}));
  const auto rows = sample_rows();
  PARITY_RETURN_IF_ERROR(writer->write(rows));
  return writer->close();
}

TEST(TableFormat, ResolvesNamesAndExtensions) {
  EXPECT_EQ(*resolve_table_format("", "a/b.CSV"), TableFormat::kCsv);
  EXPECT_EQ(*resolve_table_format("", "b.ndjson"), TableFormat::kJsonLines);
  EXPECT_EQ(*resolve_table_format("parquet", "b.txt"), TableFormat::kParquet);
  EXPECT_THAT(resolve_table_format("", "b.txt").status().message(),
              HasSubstr("cannot tell the table format"));
  EXPECT_EQ(resolve_table_format("xlsx", "b.csv").status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvTable, QuotesAsRfc4180AndLeavesNullsEmpty) {
  testing::TempDir dir;
  ASSERT_TRUE(write_sample(dir / "t.csv", TableFormat::kCsv).ok());
  EXPECT_EQ(read_text(dir / "t.csv"),
            "name,count,score,ok,embedding\r\n"
            "plain,1,0.1,true,\"[1.5,-2]\"\r\n"
            "\"a,\"\"quoted\"\"\nline\",-7,,false,[]\r\n"
            ",1099511627776,1e+300,,\r\n");
}

TEST(JsonLinesTable, OneObjectPerRowWithNulls) {
  testing::TempDir dir;
  ASSERT_TRUE(write_sample(dir / "t.jsonl", TableFormat::kJsonLines).ok());
  std::istringstream lines(read_text(dir / "t.jsonl"));
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["embedding"], nlohmann::json::array({1.5, -2.0}));
  EXPECT_EQ(rows[1]["name"], "a,\"quoted\"\nline");
  EXPECT_TRUE(rows[1]["score"].is_null());
  EXPECT_TRUE(rows[2]["name"].is_null());
  EXPECT_EQ(rows[2]["count"], std::int64_t{1} << 40);
}

TEST(ParquetTable, ReadsBackWithTypesNullsListsAndMetadata) {
  testing::TempDir dir;
  ASSERT_TRUE(write_sample(dir / "t.parquet", TableFormat::kParquet).ok());
  auto reader = parquet::FileReader::open(dir / "t.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const parquet::FileMetadata& metadata = (*reader)->metadata();
  EXPECT_EQ(metadata.num_rows, 3u);
  EXPECT_EQ(metadata.row_groups.size(), 2u);  // parquet_row_group_rows = 2
  EXPECT_EQ(metadata.key_value_metadata.at("parity.table"), "sample");
  auto batch = parquet::read_all(**reader, {});
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  const parquet::ColumnData* name = batch->find("name");
  const parquet::ColumnData* count = batch->find("count");
  const parquet::ColumnData* score = batch->find("score");
  const parquet::ColumnData* embedding = batch->find("embedding");
  ASSERT_TRUE(name && count && score && embedding);
  EXPECT_EQ(std::get<parquet::ByteArrays>(name->values).view(1), "a,\"quoted\"\nline");
  EXPECT_TRUE(name->is_null(2));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(count->values),
            (std::vector<std::int64_t>{1, -7, std::int64_t{1} << 40}));
  EXPECT_TRUE(score->is_null(1));
  EXPECT_EQ(std::get<std::vector<double>>(score->values), (std::vector<double>{0.1, 1e300}));
  EXPECT_EQ(std::get<std::vector<float>>(embedding->values), (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(embedding->row_offsets(), (std::vector<std::size_t>{0, 2, 2, 2}));
}

TEST(TableWriter, RejectsMismatchedCellsAndLeavesNoPartialFile) {
  testing::TempDir dir;
  {
    auto writer = open_table_writer(dir / "t.csv", sample_schema(), TableFormat::kCsv);
    ASSERT_TRUE(writer.ok());
    const std::vector<TableRow> bad = {
        {std::string("x"), Cell{}, 1.0, true, std::vector<float>{}}};  // null in `count`
    const Status status = (*writer)->write(bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("row 0, column 'count': null"));
    const std::vector<TableRow> wrong_type = {
        {std::int64_t{3}, std::int64_t{1}, 1.0, true, std::vector<float>{}}};
    EXPECT_THAT((*writer)->write(wrong_type).message(), HasSubstr("column 'name'"));
  }  // destroyed without close()
  EXPECT_FALSE(std::filesystem::exists(dir / "t.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir / "t.csv.partial"));
  EXPECT_EQ(open_table_writer(dir / "t.csv", {{"a"}, {"a"}}, TableFormat::kCsv).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace parity
