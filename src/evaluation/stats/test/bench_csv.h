// Reading the ../shared/bench reference tables in tests: RFC 4180 CSV (quoted fields may hold
// commas and doubled quotes), first line the header.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace parity::eval::test {

using CsvRow = std::map<std::string, std::string>;

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

// Rows as header -> field maps; a row with the wrong number of fields is a test failure.
inline std::vector<CsvRow> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::string line;
  std::vector<CsvRow> rows;
  if (!std::getline(in, line)) return rows;
  const std::vector<std::string> header = split_csv_line(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_csv_line(line);
    EXPECT_EQ(fields.size(), header.size()) << path << ": " << line;
    CsvRow row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Half a unit in the last printed place of `printed`: what "matches to the printed precision"
// means. Fixed notation ("0.2642"): 0.5 x 10^-decimals. The %g columns (6 significant digits,
// trailing zeros dropped: "0.264233", "8.17546e-05", "1"): 0.5 x 10^(floor(log10 |v|) - 5).
inline double printed_half_ulp(const std::string& printed, bool significant_digits) {
  if (significant_digits) {
    const double value = std::fabs(std::stod(printed));
    if (value == 0.0) return 0.5e-6;
    return 0.5 * std::pow(10.0, std::floor(std::log10(value)) - 5.0);
  }
  const std::size_t dot = printed.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(printed.size() - dot - 1);
  return 0.5 * std::pow(10.0, -decimals);
}

}  // namespace parity::eval::test
