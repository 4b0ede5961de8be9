// Plain-text tables for terminal output: columns sized to their content, numbers
// right-aligned. Output is UTF-8; widths count code points, not bytes.
#pragma once

#include <string>
#include <vector>

namespace parity {

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  explicit TextTable(std::vector<std::string> headers, std::vector<Align> align = {});

  // Precondition: cells.size() == number of headers.
  void add_row(std::vector<std::string> cells);
  std::size_t row_count() const { return rows_.size(); }

  // Renders header, a rule, and the rows, each line ending in '\n'. Cells wider than
  // `max_cell_width` code points are shortened with a trailing "…".
  std::string render(std::size_t max_cell_width = 60) const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace parity
