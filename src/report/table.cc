#include "parity/report/table.h"

#include <algorithm>

#include "parity/core/check.h"

namespace parity {
namespace {

std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Keeps at most `limit` code points, replacing the tail with "…" when shortened.
std::string shorten(const std::string& text, std::size_t limit) {
  if (code_points(text) <= limit || limit == 0) return text;
  std::string out;
  std::size_t points = 0;
  for (char c : text) {
    const bool starts_point = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_point && ++points > limit - 1) break;
    out += c;
  }
  return out + "…";
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers, std::vector<Align> align)
    : headers_(std::move(headers)), align_(std::move(align)) {
  align_.resize(headers_.size(), Align::kLeft);
}

void TextTable::add_row(std::vector<std::string> cells) {
  PARITY_CHECK(cells.size() == headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(std::size_t max_cell_width) const {
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows_.size() + 1);
  cells.push_back(headers_);
  for (const auto& row : rows_) cells.push_back(row);
  for (auto& row : cells) {
    for (auto& cell : row) cell = shorten(cell, max_cell_width);
  }
  std::vector<std::size_t> widths(headers_.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], code_points(row[c]));
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - code_points(row[c]), ' ');
      if (c > 0) line += "  ";
      line += align_[c] == Align::kRight ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(cells[0]);
  std::string rule;
  for (std::size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) rule += "  ";
    rule += std::string(widths[c], '-');
  }
  out += rule + "\n";
  for (std::size_t r = 1; r < cells.size(); ++r) emit(cells[r]);
  return out;
}

}  // namespace parity
