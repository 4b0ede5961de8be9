// Cross-checks against an independent Parquet implementation: arrow-rs compiled to WASM
// (npm parquet-wasm), driven by tests/oracles/parquet_oracle.mjs.
//   (a) files our writer produces, read by the oracle, give the values we wrote;
//   (b) files the oracle writes, read by our reader, give the values it was given;
// for every encoding x codec x data page version. Skips with a message when node or
// tests/oracles/node_modules is absent (scripts/install-deps.sh installs it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "formats/parquet/test/parquet_test_table.h"
#include "testing/testing.h"

namespace parity::parquet {
namespace {

using testing::Case;
using testing::json;
using testing::TestColumn;
using testing::TestTable;

constexpr const char* kOracleScript = "tests/oracles/parquet_oracle.mjs";

// Why the oracle cannot run, or "" when it can. Tests run from the source root.
std::string oracle_unavailable_reason() {
  if (!std::filesystem::exists(kOracleScript)) {
    return std::string(kOracleScript) + " not found (tests must run from the source root)";
  }
  if (!std::filesystem::exists("tests/oracles/node_modules/parquet-wasm")) {
    return "tests/oracles/node_modules is absent (run scripts/install-deps.sh with node and "
           "npm installed)";
  }
  if (std::system("node --version > /dev/null 2>&1") != 0) return "node is not installed";
  return "";
}

#define PARITY_REQUIRE_ORACLE()                                                    \
  do {                                                                             \
    const std::string reason = oracle_unavailable_reason();                        \
    if (!reason.empty()) GTEST_SKIP() << "Parquet oracle unavailable: " << reason; \
  } while (0)

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the oracle with `args`; returns its stdout. Failure (exit code != 0) fails the test
// with the oracle's stderr.
std::string run_oracle(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  const auto err = dir / "oracle.stderr";
  std::string command = std::string("node ") + kOracleScript;
  for (const std::string& a : args) command += " " + quote(a);
  command += " 2> " + quote(err.string());
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return "";
  }
  std::string out;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << "oracle failed: " << read_text(err);
  return out;
}

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

// The oracle's spelling of a column's type.
std::string oracle_type(const WriterColumn& c) {
  std::string t;
  switch (c.physical_type) {
    case PhysicalType::kBoolean: t = "boolean"; break;
    case PhysicalType::kInt32: t = "int32"; break;
    case PhysicalType::kInt64:
      t = c.logical_type.kind == LogicalType::Kind::kTimestamp ? "timestamp_us" : "int64";
      break;
    case PhysicalType::kFloat: t = "float"; break;
    case PhysicalType::kDouble: t = "double"; break;
    default: t = c.logical_type.kind == LogicalType::Kind::kString ? "string" : "binary"; break;
  }
  return c.list ? "list<" + t + ">" : t;
}

// int64 values as decimal strings: the oracle parses them to BigInt without going through a
// double.
json oracle_values(const TestColumn& c) {
  json values = json::array();
  const bool big = c.column.physical_type == PhysicalType::kInt64;
  auto convert = [&](const json& v) { return big && !v.is_null() ? json(v.dump()) : v; };
  for (const json& row : c.rows) {
    if (c.column.list && !row.is_null()) {
      json list = json::array();
      for (const json& e : row) list.push_back(convert(e));
      values.push_back(std::move(list));
    } else {
      values.push_back(convert(row));
    }
  }
  return values;
}

json oracle_spec(const TestTable& table, const Case& k) {
  json spec;
  spec["compression"] = std::string(compression_name(k.codec));
  spec["data_page_version"] = k.page_version;
  spec["dictionary"] = k.encoding == Encoding::kRleDictionary;
  if (k.encoding != Encoding::kRleDictionary) {
    spec["encoding"] = std::string(encoding_name(k.encoding));
  }
  spec["row_group_size"] = 700;
  spec["data_page_size"] = 2048;
  spec["write_batch_size"] = 128;
  spec["key_value_metadata"] = {{"source", "oracle"}};
  spec["columns"] = json::array();
  for (const TestColumn& c : table.columns) {
    json col;
    col["name"] = c.column.name;
    col["type"] = oracle_type(c.column);
    col["nullable"] = c.column.nullable;
    col["values"] = oracle_values(c);
    spec["columns"].push_back(std::move(col));
  }
  return spec;
}

// ---------------------------------------------------------------- (a) writer -> oracle

TEST(ParquetOracleTest, OracleReadsEveryEncodingCodecAndPageVersionWeWrite) {
  PARITY_REQUIRE_ORACLE();
  ::parity::testing::TempDir dir;
  const std::vector<Case> cases = testing::all_cases();
  std::vector<TestTable> tables;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& k = cases[i];
    tables.push_back(testing::make_table(k.encoding, 1500, 1000 + i));
    WriterOptions options;
    options.compression = k.codec;
    options.data_page_version = k.page_version;
    options.target_page_bytes = 1024;  // many pages
    options.row_group_rows = 600;      // three row groups
    options.key_value_metadata = {{"case", k.label()}, {"writer", "parity"}};
    const auto path = dir / (k.label() + ".parquet");
    auto writer = FileWriter::create(path, testing::schema_of(tables.back()), options);
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    ASSERT_TRUE(testing::write_table(**writer, tables.back(), 500).ok());
    ASSERT_TRUE((*writer)->close().ok());
    files.push_back(path.string());
  }
  std::vector<std::string> args = {"read"};
  args.insert(args.end(), files.begin(), files.end());
  const std::vector<json> results = parse_lines(run_oracle(args, dir.path()));
  ASSERT_EQ(results.size(), cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].label());
    const json& r = results[i];
    const TestTable& t = tables[i];
    EXPECT_EQ(r["num_rows"], 1500);
    EXPECT_EQ(r["created_by"], "parity");
    EXPECT_EQ(r["key_value_metadata"]["case"], cases[i].label());
    EXPECT_EQ(r["key_value_metadata"]["writer"], "parity");
    ASSERT_EQ(r["row_groups"].size(), 3u);
    EXPECT_EQ(r["row_groups"][0]["num_rows"], 600);
    EXPECT_EQ(r["row_groups"][2]["num_rows"], 300);
    for (const TestColumn& c : t.columns) {
      SCOPED_TRACE(c.column.name);
      ASSERT_TRUE(r["columns"].contains(c.column.name));
      const json& got = r["columns"][c.column.name];
      ASSERT_EQ(got.size(), c.rows.size());
      for (std::size_t row = 0; row < c.rows.size(); ++row) {
        ASSERT_EQ(got[row], c.rows[row]) << "row " << row;
      }
    }
    for (const json& rg : r["row_groups"]) {
      for (const json& chunk : rg["columns"]) {
        EXPECT_EQ(chunk["compression"], std::string(compression_name(cases[i].codec)));
        const json& encodings = chunk["encodings"];
        const std::string expected(encoding_name(cases[i].encoding));
        EXPECT_NE(std::find(encodings.begin(), encodings.end(), json(expected)), encodings.end())
            << chunk.dump();
      }
    }
  }
}

// ---------------------------------------------------------------- (b) oracle -> reader

TEST(ParquetOracleTest, ReaderReadsEveryEncodingCodecAndPageVersionTheOracleWrites) {
  PARITY_REQUIRE_ORACLE();
  ::parity::testing::TempDir dir;
  const std::vector<Case> cases = testing::all_cases();
  std::vector<TestTable> tables;
  std::vector<std::string> args = {"write"};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& k = cases[i];
    tables.push_back(testing::make_table(k.encoding, 1500, 5000 + i));
    const auto spec_path = dir / (k.label() + ".json");
    std::ofstream(spec_path) << oracle_spec(tables.back(), k).dump();
    args.push_back(spec_path.string());
    args.push_back((dir / (k.label() + ".parquet")).string());
  }
  run_oracle(args, dir.path());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& k = cases[i];
    SCOPED_TRACE(k.label());
    const auto path = dir / (k.label() + ".parquet");
    auto reader = FileReader::open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().to_string();
    const FileMetadata& meta = (*reader)->metadata();
    EXPECT_EQ(meta.num_rows, 1500u);
    EXPECT_EQ(meta.row_groups.size(), 3u);  // 700 + 700 + 100
    EXPECT_EQ(meta.key_value_metadata.at("source"), "oracle");
    for (const RowGroupInfo& rg : meta.row_groups) {
      for (const ColumnChunkInfo& chunk : rg.columns) {
        EXPECT_EQ(chunk.compression, k.codec);
        EXPECT_NE(std::find(chunk.encodings.begin(), chunk.encodings.end(), k.encoding),
                  chunk.encodings.end())
            << meta.columns[chunk.column].dotted_path();
      }
    }
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> file_bytes((std::istreambuf_iterator<char>(in)),
                                         std::istreambuf_iterator<char>());
    auto rows = testing::read_with_parity(std::move(file_bytes));
    ASSERT_TRUE(rows.ok()) << rows.status().to_string();
    for (const TestColumn& c : tables[i].columns) {
      SCOPED_TRACE(c.column.name);
      ASSERT_TRUE(rows->count(c.column.name));
      const std::vector<json>& got = rows->at(c.column.name);
      ASSERT_EQ(got.size(), c.rows.size());
      for (std::size_t row = 0; row < c.rows.size(); ++row) {
        ASSERT_EQ(got[row], c.rows[row]) << "row " << row;
      }
    }
  }
}

// ---------------------------------------------------------------- real data

// The writer side of `parity export`: a real LeRobot data file (pyarrow, list<float>, int64,
// float32, SNAPPY, dictionary) read by our reader and rewritten by our writer reads back in the
// oracle exactly as the original does.
TEST(ParquetOracleTest, RewrittenLeRobotDataMatchesTheOriginalInTheOracle) {
  PARITY_REQUIRE_ORACLE();
  PARITY_REQUIRE_SHARED_DATA(original,
                             "lerobot/v3.0-so101-record-test/data/chunk-000/file-000.parquet");
  ::parity::testing::TempDir dir;
  auto reader = FileReader::open(original);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto batch = read_all(**reader, ReadRequest{});
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  TestTable table;
  for (const ColumnData& c : batch->columns) {
    const ColumnDescriptor& d = *c.descriptor;
    WriterColumn w;
    w.name = d.top_level_name;
    w.physical_type = d.physical_type;
    w.logical_type = d.logical_type;
    w.list = d.is_list;
    if (d.is_list) {
      w.element_nullable = d.repetition == Repetition::kOptional;
      w.nullable = d.max_definition_level - 1 - (w.element_nullable ? 1 : 0) > 0;
    } else {
      w.nullable = d.repetition == Repetition::kOptional;
    }
    w.encoding =
        d.physical_type == PhysicalType::kBoolean ? Encoding::kPlain : Encoding::kRleDictionary;
    table.columns.push_back({w, testing::reader_rows(c, batch->num_rows)});
  }
  WriterOptions options;
  options.compression = Compression::kZstd;
  options.data_page_version = 2;
  options.row_group_rows = 200;
  const auto rewritten = dir / "rewritten.parquet";
  auto writer = FileWriter::create(rewritten, testing::schema_of(table), options);
  ASSERT_TRUE(writer.ok()) << writer.status().to_string();
  ASSERT_TRUE(testing::write_table(**writer, table, 1000).ok());
  ASSERT_TRUE((*writer)->close().ok());

  const std::vector<json> results =
      parse_lines(run_oracle({"read", original.string(), rewritten.string()}, dir.path()));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["num_rows"], results[1]["num_rows"]);
  ASSERT_FALSE(results[0]["columns"].empty());
  EXPECT_EQ(results[0]["columns"], results[1]["columns"]);
  for (const TestColumn& c : table.columns) {
    SCOPED_TRACE(c.column.name);
    EXPECT_EQ(results[0]["columns"][c.column.name], results[1]["columns"][c.column.name]);
  }
}

}  // namespace
}  // namespace parity::parquet
