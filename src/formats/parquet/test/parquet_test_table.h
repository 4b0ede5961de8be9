// Test tables for the Parquet writer tests: one canonical JSON value per row and column, the
// same representation the npm oracle (tests/oracles/parquet_oracle.mjs) prints, so a table can
// be written by our writer or the oracle and compared after reading with our reader or the
// oracle without any conversion in between.
//
// Canonical values: null; true/false; integers (int32, int64, timestamps); floats as numbers
// with "NaN", "Infinity", "-Infinity", "-0" as strings; STRING byte arrays as strings, other
// byte arrays as lower-case hex; lists as arrays of those (null elements as null).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "parity/formats/parquet/parquet_reader.h"
#include "parity/formats/parquet/parquet_writer.h"

namespace parity::parquet::testing {

using nlohmann::json;

struct TestColumn {
  WriterColumn column;
  std::vector<json> rows;
};

struct TestTable {
  std::vector<TestColumn> columns;
  std::size_t num_rows() const { return columns.empty() ? 0 : columns.front().rows.size(); }
};

inline json float_json(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0 && std::signbit(x)) return "-0";
  return x;
}

inline double json_float(const json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
    if (s == "-0") return -0.0;
    ADD_FAILURE() << "not a float: " << s;
    return 0;
  }
  return v.get<double>();
}

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

inline std::string from_hex(std::string_view hex) {
  std::string out;
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1])));
  }
  return out;
}

// Owns the arrays behind the ColumnValues of one column of a TestTable.
class ColumnStorage {
 public:
  explicit ColumnStorage(const TestColumn& c) : column_(c.column) {
    offsets_.push_back(0);
    for (const json& row : c.rows) {
      valid_.push_back(row.is_null() ? 0 : 1);
      if (!column_.list) {
        add(row);
        continue;
      }
      if (!row.is_null()) {
        for (const json& e : row) {
          element_valid_.push_back(e.is_null() ? 0 : 1);
          add(e);
        }
      }
      offsets_.push_back(count_);
    }
  }

  // Values of rows [begin, end).
  ColumnValues slice(std::size_t begin, std::size_t end) const {
    ColumnValues v;
    const std::size_t n = end - begin;
    v.valid = std::span<const std::uint8_t>(valid_).subspan(begin, n);
    if (column_.list) {
      v.offsets = std::span<const std::uint64_t>(offsets_).subspan(begin, n + 1);
      v.element_valid = element_valid_;
      set_values(v, 0, count_);
    } else {
      set_values(v, begin, n);
    }
    return v;
  }

 private:
  void add(const json& v) {
    ++count_;
    switch (column_.physical_type) {
      case PhysicalType::kBoolean:
        bools_.push_back(v.is_null() ? 0 : (v.get<bool>() ? 1 : 0));
        break;
      case PhysicalType::kInt32: i32_.push_back(v.is_null() ? 0 : v.get<std::int32_t>()); break;
      case PhysicalType::kInt64: i64_.push_back(v.is_null() ? 0 : v.get<std::int64_t>()); break;
      case PhysicalType::kFloat:
        f32_.push_back(v.is_null() ? 0.0f : static_cast<float>(json_float(v)));
        break;
      case PhysicalType::kDouble: f64_.push_back(v.is_null() ? 0.0 : json_float(v)); break;
      default: {
        std::string s;
        if (!v.is_null()) {
          s = column_.logical_type.kind == LogicalType::Kind::kString
                  ? v.get<std::string>()
                  : from_hex(v.get<std::string>());
        }
        strings_.push_back(std::move(s));
        break;
      }
    }
  }

  void set_values(ColumnValues& v, std::size_t begin, std::size_t n) const {
    switch (column_.physical_type) {
      case PhysicalType::kBoolean:
        v.values = std::span<const std::uint8_t>(bools_).subspan(begin, n);
        break;
      case PhysicalType::kInt32:
        v.values = std::span<const std::int32_t>(i32_).subspan(begin, n);
        break;
      case PhysicalType::kInt64:
        v.values = std::span<const std::int64_t>(i64_).subspan(begin, n);
        break;
      case PhysicalType::kFloat: v.values = std::span<const float>(f32_).subspan(begin, n); break;
      case PhysicalType::kDouble: v.values = std::span<const double>(f64_).subspan(begin, n); break;
      default: v.values = std::span<const std::string>(strings_).subspan(begin, n); break;
    }
  }

  WriterColumn column_;
  std::size_t count_ = 0;
  std::vector<std::uint8_t> valid_;
  std::vector<std::uint64_t> offsets_;
  std::vector<std::uint8_t> element_valid_;
  std::vector<std::uint8_t> bools_;
  std::vector<std::int32_t> i32_;
  std::vector<std::int64_t> i64_;
  std::vector<float> f32_;
  std::vector<double> f64_;
  std::vector<std::string> strings_;
};

inline std::vector<WriterColumn> schema_of(const TestTable& t) {
  std::vector<WriterColumn> schema;
  for (const TestColumn& c : t.columns) schema.push_back(c.column);
  return schema;
}

// Writes `table` with our writer in batches of `batch_rows` rows.
inline Status write_table(FileWriter& writer, const TestTable& table, std::size_t batch_rows) {
  std::vector<ColumnStorage> storage;
  for (const TestColumn& c : table.columns) storage.emplace_back(c);
  const std::size_t n = table.num_rows();
  for (std::size_t begin = 0; begin < n || (n == 0 && begin == 0); begin += batch_rows) {
    const std::size_t end = std::min(n, begin + batch_rows);
    std::vector<ColumnValues> values;
    for (const ColumnStorage& s : storage) values.push_back(s.slice(begin, end));
    PARITY_RETURN_IF_ERROR(writer.write_batch(end - begin, values));
    if (n == 0) break;
  }
  return {};
}

inline Result<std::vector<std::uint8_t>> write_table_to_memory(const TestTable& table,
                                                               WriterOptions options,
                                                               std::size_t batch_rows = 1000) {
  std::vector<std::uint8_t> out;
  PARITY_ASSIGN_OR_RETURN(auto writer,
                          FileWriter::create_in_memory(out, schema_of(table), std::move(options)));
  PARITY_RETURN_IF_ERROR(write_table(*writer, table, batch_rows));
  PARITY_RETURN_IF_ERROR(writer->close());
  return out;
}

// Canonical JSON of value `i` of a reader column.
inline json reader_value(const ColumnData& c, std::size_t i) {
  return std::visit(
      [&](const auto& values) -> json {
        using V = std::decay_t<decltype(values)>;
        if constexpr (std::is_same_v<V, std::vector<bool>>) {
          return static_cast<bool>(values[i]);
        } else if constexpr (std::is_same_v<V, std::vector<float>> ||
                             std::is_same_v<V, std::vector<double>>) {
          return float_json(static_cast<double>(values[i]));
        } else if constexpr (std::is_same_v<V, ByteArrays>) {
          const std::string_view s(
              reinterpret_cast<const char*>(values.bytes.data()) + values.offsets[i],
              values.offsets[i + 1] - values.offsets[i]);
          if (c.descriptor->logical_type.kind == LogicalType::Kind::kString) return std::string(s);
          return to_hex(s);
        } else if constexpr (std::is_same_v<V, std::vector<Int96>>) {
          return nullptr;
        } else {
          return values[i];
        }
      },
      c.values);
}

// Canonical JSON rows of a reader column, rebuilt from its levels (flat or three-level list).
inline std::vector<json> reader_rows(const ColumnData& c, std::size_t num_rows) {
  std::vector<json> rows;
  const ColumnDescriptor& d = *c.descriptor;
  std::size_t value = 0;
  if (d.max_repetition_level == 0) {
    for (std::size_t r = 0; r < num_rows; ++r) {
      const bool present =
          c.definition_levels.empty() || c.definition_levels[r] == d.max_definition_level;
      rows.push_back(present ? reader_value(c, value++) : json(nullptr));
    }
    return rows;
  }
  const int element_optional = d.repetition == Repetition::kOptional ? 1 : 0;
  const int list_optional = d.max_definition_level - 1 - element_optional;
  for (std::size_t k = 0; k < c.definition_levels.size(); ++k) {
    const int def = c.definition_levels[k];
    if (c.repetition_levels[k] == 0) {
      if (def < list_optional) {
        rows.push_back(nullptr);
        continue;
      }
      rows.push_back(json::array());
      if (def == list_optional) continue;  // empty list
    }
    if (def == d.max_definition_level)
      rows.back().push_back(reader_value(c, value++));
    else
      rows.back().push_back(nullptr);
  }
  return rows;
}

// Every column of `bytes` read with our reader, by top-level name.
inline Result<std::map<std::string, std::vector<json>>> read_with_parity(
    std::vector<std::uint8_t> bytes) {
  PARITY_ASSIGN_OR_RETURN(auto reader, FileReader::open(memory_source(std::move(bytes))));
  ReadRequest request;
  PARITY_ASSIGN_OR_RETURN(RecordBatch batch, read_all(*reader, request));
  std::map<std::string, std::vector<json>> out;
  for (const ColumnData& c : batch.columns) {
    out[c.descriptor->top_level_name] = reader_rows(c, batch.num_rows);
  }
  return out;
}

// ---------------------------------------------------------------- generated tables

inline json random_float(std::mt19937_64& rng, bool single) {
  const std::uint64_t pick = rng() % 50;
  if (pick == 0) return "NaN";
  if (pick == 1) return "-0";
  if (pick == 2) return "Infinity";
  if (pick == 3)
    return single ? json(static_cast<double>(std::numeric_limits<float>::max()))
                  : json(std::numeric_limits<double>::lowest());
  const double x = static_cast<double>(static_cast<std::int64_t>(rng() % 20001) - 10000) / 64.0;
  return single ? json(static_cast<double>(static_cast<float>(x))) : json(x * 1.000001);
}

// Columns whose physical types accept `encoding`, `rows` rows of seeded values that stress the
// encoders: nulls, INT extremes next to each other (DELTA_BINARY_PACKED wrap-around), long
// common prefixes (DELTA_BYTE_ARRAY), NaN / -0 / infinities, empty and null lists, repeats
// (dictionary and RLE runs).
inline TestTable make_table(Encoding encoding, std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto allowed = [&](PhysicalType t) {
    switch (encoding) {
      case Encoding::kPlain: return true;
      case Encoding::kRleDictionary: return t != PhysicalType::kBoolean;
      case Encoding::kRle: return t == PhysicalType::kBoolean;
      case Encoding::kDeltaBinaryPacked:
        return t == PhysicalType::kInt32 || t == PhysicalType::kInt64;
      case Encoding::kDeltaLengthByteArray:
      case Encoding::kDeltaByteArray: return t == PhysicalType::kByteArray;
      case Encoding::kByteStreamSplit:
        return t == PhysicalType::kFloat || t == PhysicalType::kDouble ||
               t == PhysicalType::kInt32 || t == PhysicalType::kInt64;
      default: return false;
    }
  };
  TestTable table;
  auto add = [&](WriterColumn c) {
    if (!allowed(c.physical_type)) return static_cast<TestColumn*>(nullptr);
    c.encoding = encoding;
    table.columns.push_back(TestColumn{std::move(c), {}});
    return &table.columns.back();
  };
  auto null_every = [&](std::size_t n) { return rng() % n == 0; };

  WriterColumn b;
  b.name = "b";
  b.physical_type = PhysicalType::kBoolean;
  b.nullable = true;
  if (TestColumn* c = add(b)) {
    for (std::size_t r = 0; r < rows; ++r) {
      // Runs of equal values (RLE runs) mixed with noise (bit-packed groups).
      c->rows.push_back(null_every(9) ? json(nullptr) : json((r / 13) % 2 == 0 || rng() % 5 == 0));
    }
  }
  WriterColumn i32;
  i32.name = "i32";
  i32.physical_type = PhysicalType::kInt32;
  i32.nullable = true;
  if (TestColumn* c = add(i32)) {
    for (std::size_t r = 0; r < rows; ++r) {
      json v = static_cast<std::int32_t>(rng() % 200) - 100;
      if (r % 97 == 5) v = std::numeric_limits<std::int32_t>::min();
      if (r % 97 == 6) v = std::numeric_limits<std::int32_t>::max();
      c->rows.push_back(null_every(7) ? json(nullptr) : v);
    }
  }
  if (TestColumn* c = add(WriterColumn::int64("i64", true))) {
    std::int64_t x = 1'000'000'007;
    for (std::size_t r = 0; r < rows; ++r) {
      x += static_cast<std::int64_t>(rng() % 1000);
      json v = r % 3 == 0 ? json(x) : json(static_cast<std::int64_t>(rng() % 40));
      if (r % 89 == 10) v = std::numeric_limits<std::int64_t>::min();
      if (r % 89 == 11) v = std::numeric_limits<std::int64_t>::max();
      if (r % 89 == 12) v = std::numeric_limits<std::int64_t>::min();
      c->rows.push_back(null_every(11) ? json(nullptr) : v);
    }
  }
  if (TestColumn* c = add(WriterColumn::timestamp("ts", LogicalType::TimeUnit::kMicros, true))) {
    std::int64_t t = 1'700'000'000'000'000;
    for (std::size_t r = 0; r < rows; ++r) {
      t += 33'333 + static_cast<std::int64_t>(rng() % 7);
      c->rows.push_back(t);
    }
  }
  if (TestColumn* c = add(WriterColumn::float32("f32", true))) {
    for (std::size_t r = 0; r < rows; ++r) {
      c->rows.push_back(null_every(8) ? json(nullptr) : random_float(rng, true));
    }
  }
  if (TestColumn* c = add(WriterColumn::float64("f64", true))) {
    for (std::size_t r = 0; r < rows; ++r) {
      c->rows.push_back(null_every(8) ? json(nullptr) : random_float(rng, false));
    }
  }
  if (TestColumn* c = add(WriterColumn::string("s", true))) {
    const std::string prefix(200, 'p');
    for (std::size_t r = 0; r < rows; ++r) {
      std::string s;
      switch (rng() % 4) {
        case 0:
          s = prefix + "/episode_" + std::to_string(r / 3);  // long shared prefix
          break;
        case 1:
          s = "task " + std::to_string(rng() % 10);  // repeats
          break;
        case 2:
          s = "";  // empty
          break;
        default:
          s = "caf\xc3\xa9 " + std::to_string(rng());  // UTF-8
          break;
      }
      c->rows.push_back(null_every(10) ? json(nullptr) : json(s));
    }
  }
  WriterColumn bin;
  bin.name = "bin";
  bin.physical_type = PhysicalType::kByteArray;
  if (TestColumn* c = add(bin)) {
    for (std::size_t r = 0; r < rows; ++r) {
      std::string bytes;
      const std::size_t n = rng() % 12;
      for (std::size_t k = 0; k < n; ++k) bytes.push_back(static_cast<char>(rng() % 256));
      c->rows.push_back(to_hex(bytes));
    }
  }
  WriterColumn lf = WriterColumn::float32_list("lf");
  lf.element_nullable = true;
  if (TestColumn* c = add(lf)) {
    for (std::size_t r = 0; r < rows; ++r) {
      if (null_every(10)) {
        c->rows.push_back(nullptr);
        continue;
      }
      json list = json::array();
      const std::size_t n = rng() % 6;  // 0 = empty list
      for (std::size_t k = 0; k < n; ++k) {
        list.push_back(rng() % 17 == 0 ? json(nullptr) : random_float(rng, true));
      }
      c->rows.push_back(std::move(list));
    }
  }
  WriterColumn li;
  li.name = "li64";
  li.physical_type = PhysicalType::kInt64;
  li.list = true;
  li.nullable = true;
  if (encoding == Encoding::kDeltaBinaryPacked) {
    if (TestColumn* c = add(li)) {
      for (std::size_t r = 0; r < rows; ++r) {
        json list = json::array();
        const std::size_t n = rng() % 4;
        for (std::size_t k = 0; k < n; ++k) {
          list.push_back(k % 2 == 0 ? std::numeric_limits<std::int64_t>::min()
                                    : static_cast<std::int64_t>(rng()));
        }
        c->rows.push_back(null_every(6) ? json(nullptr) : std::move(list));
      }
    }
  }
  return table;
}

inline const std::vector<Encoding> kEncodings = {
    Encoding::kPlain,
    Encoding::kRleDictionary,
    Encoding::kDeltaBinaryPacked,
    Encoding::kDeltaByteArray,
    Encoding::kDeltaLengthByteArray,
    Encoding::kByteStreamSplit,
    Encoding::kRle,
};
inline const std::vector<Compression> kCodecs = {Compression::kUncompressed, Compression::kSnappy,
                                                 Compression::kGzip, Compression::kZstd,
                                                 Compression::kLz4Raw};

struct Case {
  Encoding encoding;
  Compression codec;
  int page_version;
  std::string label() const {
    return fmt::format("{}_{}_v{}", encoding_name(encoding), compression_name(codec), page_version);
  }
};

inline std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (Encoding e : kEncodings) {
    for (Compression c : kCodecs) {
      for (int v : {1, 2}) cases.push_back({e, c, v});
    }
  }
  return cases;
}

}  // namespace parity::parquet::testing
