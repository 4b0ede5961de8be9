// Small inline-SVG charts for the HTML report: no script, no external file, readable in print.
// Every function returns one <svg> element sized by its viewBox (it scales with the page) with
// a <title> for screen readers. Colours come from CSS classes (.train, .target, .gap, ...), so
// the report's stylesheet themes them. Text is escaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parity::report {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// Two weighted samples as overlaid step histograms (density) on shared bins (the pooled
// 1st-99th percentile range, `bins` bins), each with its median marked. Weights may be empty
// (equal). Values that are not finite are skipped.
struct OverlaySeries {
  std::string label;
  std::string css_class;  // "train" or "target"
  std::vector<double> values;
  std::vector<double> weights;
};
std::string histogram_overlay_svg(const std::string& title, const OverlaySeries& a,
                                  const OverlaySeries& b, int bins = 24);

// A heatmap: rows x columns cells, each with a value in [0, 1] (shade; nullopt = a gap, drawn
// in the gap colour) or absent (no such combination: drawn neutral), and a short label.
struct HeatmapCell {
  bool absent = false;
  std::optional<double> shade;
  std::string label;    // drawn in the cell (e.g. "12/0")
  std::string tooltip;  // <title> of the cell
};
std::string heatmap_svg(const std::string& title, const std::string& row_name,
                        const std::vector<std::string>& rows, const std::string& column_name,
                        const std::vector<std::string>& columns,
                        const std::vector<std::vector<HeatmapCell>>& cells);

// Horizontal bars with optional intervals: label, value, [low, high], on a 0..max axis.
struct Bar {
  std::string label;
  double value = 0;
  std::optional<std::pair<double, double>> interval;
  std::string css_class;   // e.g. "train", "target", "gap"
  std::string annotation;  // drawn right of the bar (e.g. "12/40")
};
std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars, double max_value,
                          bool percent_axis);

// A scatter of (x, y) points with labels, equal [0, 1] axes and the diagonal y = x.
struct Point {
  double x = 0, y = 0;
  std::string label;
};
std::string scatter_svg(const std::string& title, const std::string& x_name,
                        const std::string& y_name, const std::vector<Point>& points);

// A 0..1 gauge: a bar with the value, its interval and a caption.
std::string gauge_svg(double value, double low, double high);

}  // namespace parity::report
