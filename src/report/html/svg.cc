#include "parity/report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace parity::report {
namespace {

// Linear-interpolation quantile of sorted values (NumPy's default).
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Weighted median of finite values.
double weighted_median(const std::vector<std::pair<double, double>>& sorted) {
  double total = 0;
  for (const auto& [value, weight] : sorted) total += weight;
  double running = 0;
  for (const auto& [value, weight] : sorted) {
    running += weight;
    if (running >= total / 2) return value;
  }
  return sorted.empty() ? 0 : sorted.back().first;
}

std::vector<std::pair<double, double>> finite_pairs(const OverlaySeries& series) {
  std::vector<std::pair<double, double>> pairs;
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    const double w = series.weights.empty() ? 1.0 : series.weights[i];
    if (std::isfinite(series.values[i]) && w > 0) pairs.emplace_back(series.values[i], w);
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

std::string tick_number(double v) {
  return fmt::format("{:.3g}", v);
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string histogram_overlay_svg(const std::string& title, const OverlaySeries& a,
                                  const OverlaySeries& b, int bins) {
  constexpr double kWidth = 360, kHeight = 150, kLeft = 8, kRight = 352, kTop = 22, kBottom = 124;
  const auto pa = finite_pairs(a);
  const auto pb = finite_pairs(b);
  std::vector<double> pooled;
  for (const auto* pairs : {&pa, &pb}) {
    for (const auto& [value, weight] : *pairs) pooled.push_back(value);
  }
  std::sort(pooled.begin(), pooled.end());
  std::string svg =
      fmt::format(R"svg(<svg class="chart" viewBox="0 0 {} {}" role="img"><title>{}</title>)svg",
                  kWidth, kHeight, html_escape(title));
  svg += fmt::format(R"svg(<text x="{}" y="14" class="chart-title">{}</text>)svg", kLeft,
                     html_escape(title));
  if (pooled.empty() || bins < 1) return svg + "<text x=\"8\" y=\"70\">no values</text></svg>";
  double lo = quantile(pooled, 0.01);
  double hi = quantile(pooled, 0.99);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double width = (hi - lo) / bins;
  const auto density = [&](const std::vector<std::pair<double, double>>& pairs) {
    std::vector<double> mass(static_cast<std::size_t>(bins), 0.0);
    double total = 0;
    for (const auto& [value, weight] : pairs) {
      const int bin = std::clamp(static_cast<int>(std::floor((value - lo) / width)), 0, bins - 1);
      mass[static_cast<std::size_t>(bin)] += weight;
      total += weight;
    }
    if (total > 0) {
      for (double& m : mass) m /= total;
    }
    return mass;
  };
  const std::vector<double> da = density(pa);
  const std::vector<double> db = density(pb);
  const double peak =
      std::max(*std::max_element(da.begin(), da.end()), *std::max_element(db.begin(), db.end()));
  const auto x_of = [&](double v) { return kLeft + (v - lo) / (hi - lo) * (kRight - kLeft); };
  const auto y_of = [&](double m) {
    return kBottom - (peak > 0 ? m / peak : 0) * (kBottom - kTop);
  };
  const auto path = [&](const std::vector<double>& mass) {
    std::string d = fmt::format("M{:.1f},{:.1f}", kLeft, kBottom);
    for (int i = 0; i < bins; ++i) {
      const double y = y_of(mass[static_cast<std::size_t>(i)]);
      d += fmt::format(" L{:.1f},{:.1f} L{:.1f},{:.1f}", x_of(lo + i * width), y,
                       x_of(lo + (i + 1) * width), y);
    }
    return d + fmt::format(" L{:.1f},{:.1f} Z", kRight, kBottom);
  };
  for (const auto& [series, mass, pairs] : {std::tuple{&a, &da, &pa}, std::tuple{&b, &db, &pb}}) {
    if (pairs->empty()) continue;
    svg += fmt::format(R"svg(<path class="area {}" d="{}"><title>{}: {} values</title></path>)svg",
                       html_escape(series->css_class), path(*mass), html_escape(series->label),
                       pairs->size());
    const double median = std::clamp(weighted_median(*pairs), lo, hi);
    svg += fmt::format(
        R"svg(<line class="median {}" x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}"><title>{} median {}</title></line>)svg",
        html_escape(series->css_class), x_of(median), x_of(median), kTop, kBottom,
        html_escape(series->label), tick_number(weighted_median(*pairs)));
  }
  svg += fmt::format(R"svg(<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>)svg", kLeft, kRight,
                     kBottom, kBottom);
  svg += fmt::format(R"svg(<text x="{}" y="{}" class="tick">{}</text>)svg", kLeft, kBottom + 14,
                     tick_number(lo));
  svg += fmt::format(R"svg(<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>)svg",
                     kRight, kBottom + 14, tick_number(hi));
  svg += fmt::format(
      R"svg(<text x="{}" y="{}" class="legend train-text">{}</text><text x="{}" y="{}" class="legend target-text" text-anchor="end">{}</text>)svg",
      kLeft, kHeight - 2, html_escape(a.label), kRight, kHeight - 2, html_escape(b.label));
  return svg + "</svg>";
}

std::string heatmap_svg(const std::string& title, const std::string& row_name,
                        const std::vector<std::string>& rows, const std::string& column_name,
                        const std::vector<std::string>& columns,
                        const std::vector<std::vector<HeatmapCell>>& cells) {
  constexpr double kCell = 64, kRowHeader = 96, kColumnHeader = 40, kTop = 20;
  const double width = kRowHeader + kCell * static_cast<double>(columns.size()) + 8;
  const double height = kTop + kColumnHeader + 36 * static_cast<double>(rows.size()) + 8;
  // Drawn at most 1.25x its natural size, so small grids do not blow up to the column width.
  std::string svg = fmt::format(
      R"svg(<svg class="chart heatmap" viewBox="0 0 {} {}" style="max-width:{:.0f}px" role="img"><title>{}</title>)svg",
      width, height, 1.25 * width, html_escape(title));
  svg +=
      fmt::format(R"svg(<text x="4" y="14" class="chart-title">{}</text>)svg", html_escape(title));
  svg += fmt::format(R"svg(<text x="{}" y="{}" class="tick">{} →</text>)svg", kRowHeader, kTop + 12,
                     html_escape(column_name));
  svg += fmt::format(R"svg(<text x="4" y="{}" class="tick">{} ↓</text>)svg",
                     kTop + kColumnHeader - 4, html_escape(row_name));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    svg += fmt::format(
        R"svg(<text x="{:.1f}" y="{}" class="tick" text-anchor="middle">{}</text>)svg",
        kRowHeader + kCell * (static_cast<double>(c) + 0.5), kTop + 30, html_escape(columns[c]));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double y = kTop + kColumnHeader + 36 * static_cast<double>(r);
    svg += fmt::format(R"svg(<text x="4" y="{:.1f}" class="tick">{}</text>)svg", y + 22,
                       html_escape(rows[r]));
    for (std::size_t c = 0; c < columns.size() && r < cells.size() && c < cells[r].size(); ++c) {
      const HeatmapCell& cell = cells[r][c];
      const double x = kRowHeader + kCell * static_cast<double>(c);
      if (cell.absent) {
        svg += fmt::format(
            R"svg(<rect class="cell absent" x="{:.1f}" y="{:.1f}" width="{}" height="34"><title>{}</title></rect>)svg",
            x + 1, y, kCell - 2, html_escape(cell.tooltip));
      } else if (cell.shade) {
        svg += fmt::format(
            R"svg(<rect class="cell" x="{:.1f}" y="{:.1f}" width="{}" height="34" style="fill-opacity:{:.2f}"><title>{}</title></rect>)svg",
            x + 1, y, kCell - 2, 0.1 + 0.9 * std::clamp(*cell.shade, 0.0, 1.0),
            html_escape(cell.tooltip));
      } else {
        svg += fmt::format(
            R"svg(<rect class="cell empty" x="{:.1f}" y="{:.1f}" width="{}" height="34"><title>{}</title></rect>)svg",
            x + 1, y, kCell - 2, html_escape(cell.tooltip));
      }
      svg += fmt::format(
          R"svg(<text x="{:.1f}" y="{:.1f}" class="cell-label" text-anchor="middle">{}</text>)svg",
          x + kCell / 2, y + 22, html_escape(cell.label));
    }
  }
  return svg + "</svg>";
}

std::string bar_chart_svg(const std::string& title, const std::vector<Bar>& bars, double max_value,
                          bool percent_axis) {
  constexpr double kWidth = 420, kLabel = 150, kBarArea = 190, kRow = 22, kTop = 24;
  const double height = kTop + kRow * static_cast<double>(bars.size()) + 20;
  if (!(max_value > 0)) max_value = 1;
  std::string svg = fmt::format(
      R"svg(<svg class="chart bars" viewBox="0 0 {} {}" style="max-width:{:.0f}px" role="img"><title>{}</title>)svg",
      kWidth, height, 1.5 * kWidth, html_escape(title));
  svg +=
      fmt::format(R"svg(<text x="4" y="14" class="chart-title">{}</text>)svg", html_escape(title));
  const auto x_of = [&](double v) {
    return kLabel + std::clamp(v / max_value, 0.0, 1.0) * kBarArea;
  };
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    svg += fmt::format(R"svg(<text x="{}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)svg",
                       kLabel - 6, y + 14, html_escape(bar.label));
    svg += fmt::format(
        R"svg(<rect class="bar {}" x="{}" y="{:.1f}" width="{:.1f}" height="14"><title>{}: {}</title></rect>)svg",
        html_escape(bar.css_class), kLabel, y + 3, x_of(bar.value) - kLabel, html_escape(bar.label),
        percent_axis ? fmt::format("{:.1f}%", bar.value * 100) : tick_number(bar.value));
    if (bar.interval) {
      const double l = x_of(bar.interval->first);
      const double h = x_of(bar.interval->second);
      svg += fmt::format(
          R"svg(<path class="whisker" d="M{:.1f},{:.1f} V{:.1f} M{:.1f},{:.1f} H{:.1f} M{:.1f},{:.1f} V{:.1f}"/>)svg",
          l, y + 4, y + 16, l, y + 10, h, h, y + 4, y + 16);
    }
    svg += fmt::format(
        R"svg(<text x="{}" y="{:.1f}" class="tick">{}</text>)svg", kLabel + kBarArea + 6, y + 14,
        html_escape(bar.annotation.empty() ? (percent_axis ? fmt::format("{:.0f}%", bar.value * 100)
                                                           : tick_number(bar.value))
                                           : bar.annotation));
  }
  return svg + "</svg>";
}

std::string scatter_svg(const std::string& title, const std::string& x_name,
                        const std::string& y_name, const std::vector<Point>& points) {
  constexpr double kSize = 240, kMargin = 36;
  const double side = kSize - 2 * kMargin;
  std::string svg = fmt::format(
      R"svg(<svg class="chart scatter" viewBox="0 0 {} {}" role="img"><title>{}</title>)svg", kSize,
      kSize, html_escape(title));
  svg +=
      fmt::format(R"svg(<text x="4" y="14" class="chart-title">{}</text>)svg", html_escape(title));
  const auto x_of = [&](double v) { return kMargin + std::clamp(v, 0.0, 1.0) * side; };
  const auto y_of = [&](double v) { return kSize - kMargin - std::clamp(v, 0.0, 1.0) * side; };
  svg += fmt::format(
      R"svg(<rect class="frame" x="{}" y="{}" width="{}" height="{}"/><line class="diagonal" x1="{}" y1="{}" x2="{}" y2="{}"/>)svg",
      kMargin, kMargin, side, side, x_of(0), y_of(0), x_of(1), y_of(1));
  svg += fmt::format(R"svg(<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>)svg",
                     kSize / 2, kSize - 8, html_escape(x_name));
  svg += fmt::format(
      R"svg(<text x="12" y="{}" class="tick" text-anchor="middle" transform="rotate(-90 12 {})">{}</text>)svg",
      kSize / 2, kSize / 2, html_escape(y_name));
  for (const Point& p : points) {
    svg += fmt::format(
        R"svg(<circle class="point" cx="{:.1f}" cy="{:.1f}" r="4"><title>{}: {} {:.2f}, {} {:.2f}</title></circle>)svg",
        x_of(p.x), y_of(p.y), html_escape(p.label), html_escape(x_name), p.x, html_escape(y_name),
        p.y);
  }
  return svg + "</svg>";
}

std::string gauge_svg(double value, double low, double high) {
  constexpr double kWidth = 300, kLeft = 10, kRight = 290;
  const auto x_of = [&](double v) { return kLeft + std::clamp(v, 0.0, 1.0) * (kRight - kLeft); };
  return fmt::format(
      R"svg(<svg class="chart gauge" viewBox="0 0 {} 46" role="img"><title>parity score {:.2f} (95% interval {:.2f}-{:.2f})</title>)svg"
      R"svg(<rect class="gauge-track" x="{}" y="10" width="{}" height="14" rx="7"/>)svg"
      R"svg(<rect class="gauge-value" x="{}" y="10" width="{:.1f}" height="14" rx="7"/>)svg"
      R"svg(<path class="whisker" d="M{:.1f},6 V28 M{:.1f},17 H{:.1f} M{:.1f},6 V28"/>)svg"
      R"svg(<text x="{}" y="42" class="tick">0</text><text x="{}" y="42" class="tick" text-anchor="end">1</text></svg>)svg",
      kWidth, value, low, high, kLeft, kRight - kLeft, kLeft, x_of(value) - kLeft, x_of(low),
      x_of(low), x_of(high), x_of(high), kLeft, kRight);
}

}  // namespace parity::report
