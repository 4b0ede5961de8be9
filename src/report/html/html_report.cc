#include "parity/report/html_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "parity/report/svg.h"

namespace parity::report {
namespace {

constexpr const char* kStyle = R"(
:root { --train: #3566a8; --target: #d2731c; --gap: #b3261e; --ok: #2e7d32; --ink: #1d1d1f;
        --muted: #5f6368; --line: #d7d9dc; --paper: #ffffff; --soft: #f5f6f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: var(--paper); }
main { max-width: 1000px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.25em; margin-top: 1.6em;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 1.05em; }
.muted { color: var(--muted); } .score { font-size: 2.6em; font-weight: 700; }
.headline { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
.headline .gauge { width: 320px; max-width: 100%; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.chart { width: 100%; height: auto; background: var(--soft); border-radius: 6px; }
.chart-title { font-size: 11px; font-weight: 600; fill: var(--ink); }
.tick, .legend, .cell-label { font-size: 10px; fill: var(--muted); }
.cell-label { fill: var(--ink); }
.area.train { fill: var(--train); fill-opacity: 0.35; stroke: var(--train); }
.area.target { fill: var(--target); fill-opacity: 0.35; stroke: var(--target); }
.median.train { stroke: var(--train); stroke-dasharray: 3 2; }
.median.target { stroke: var(--target); stroke-dasharray: 3 2; }
.train-text { fill: var(--train); } .target-text { fill: var(--target); }
.axis, .frame { stroke: var(--muted); fill: none; } .diagonal { stroke: var(--line); }
.cell { fill: var(--ok); } .cell.empty { fill: var(--gap); fill-opacity: 0.25; }
.cell.absent { fill: var(--line); fill-opacity: 0.4; }
.bar.train { fill: var(--train); } .bar.target { fill: var(--target); } .bar.gap { fill: var(--gap); }
.bar.ok { fill: var(--ok); } .whisker { stroke: var(--ink); fill: none; }
details summary { cursor: pointer; color: var(--muted); }
.gauge-track { fill: var(--line); } .gauge-value { fill: var(--target); }
.point { fill: var(--train); }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 8px 0; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line);
         vertical-align: top; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; } .flag { color: var(--gap); font-weight: 600; }
ul.gaps li { margin: 4px 0; } pre { background: var(--soft); padding: 8px; overflow-x: auto;
  font-size: 0.85em; border-radius: 6px; } code { font-size: 0.9em; }
.verdict-pass { color: var(--ok); font-weight: 700; } .verdict-fail { color: var(--gap); font-weight: 700; }
@media (max-width: 600px) { body { font-size: 14px; } .score { font-size: 2em; } }
@media print { main { max-width: none; } h2 { break-after: avoid; } .chart, table { break-inside: avoid; }
  .scroll { overflow: visible; } }
)";

std::string esc(std::string_view text) {
  return html_escape(text);
}

std::string short_number(double v) {
  return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("–");
}

std::string percent(double share) {
  return fmt::format("{:.0f}%", share * 100.0);
}

std::string section_headline(const ReportInputs& in) {
  const compare::CompareReport& r = in.plan->before;
  std::string html = R"(<section id="score"><div class="headline"><div>)";
  html += fmt::format(R"(<div class="muted">parity score</div><div class="score">{:.2f}</div>)",
                      r.score);
  html += fmt::format(R"(<div class="muted">95% interval {:.2f}–{:.2f}</div></div>)", r.score_low,
                      r.score_high);
  html += R"(<div class="gauge">)" + gauge_svg(r.score, r.score_low, r.score_high) + "</div>";
  html += fmt::format(
      R"(<div><div><b>{}</b> training episodes <span class="muted">(<code>{}</code>; effective {:.0f})</span></div><div><b>{}</b> {} episodes <span class="muted">(<code>{}</code>)</span></div></div>)",
      r.n_train, esc(in.train_selector), r.train_ess, r.n_target, esc(in.target_label),
      esc(in.target_selector));
  html += "</div>";
  html += R"(<p class="muted">The score is the share of target episodes with close training data
(k-NN coverage) times the share whose conditions training supports; 1 means the training data
covers the target. Definitions: docs/metrics.md.</p></section>)";
  return html;
}

std::string section_gaps(const ReportInputs& in) {
  const compare::CompareReport& r = in.plan->before;
  std::string html = R"(<section id="gaps"><h2>Top gaps</h2>)";
  if (r.explanations.empty()) {
    html += "<p>No gap above the thresholds.</p>";
  } else {
    html += R"(<ul class="gaps">)";
    for (const std::string& line : r.explanations) html += "<li>" + esc(line) + "</li>";
    html += "</ul>";
  }
  // Overlays for the top flagged features with values on both sides.
  const compare::ComparedSamples& s = in.plan->samples;
  std::string charts;
  int shown = 0;
  for (const compare::FeatureResult& f : r.features) {
    if (shown >= 6) break;
    if (!f.flagged || !f.missing_side.empty()) continue;
    const auto at = std::find(s.features.begin(), s.features.end(), f.name);
    if (at == s.features.end()) continue;
    const auto column = static_cast<std::size_t>(at - s.features.begin());
    OverlaySeries train{"training", "train", {}, {}};
    OverlaySeries target{in.target_label, "target", {}, {}};
    for (std::size_t i = 0; i < s.train.size(); ++i) {
      train.values.push_back(s.train_values[i * s.features.size() + column]);
      train.weights.push_back(s.train.weights[i]);
    }
    for (std::size_t i = 0; i < s.target.size(); ++i) {
      target.values.push_back(s.target_values[i * s.features.size() + column]);
    }
    charts += histogram_overlay_svg(
        fmt::format("{} (W1 {} {})", f.name, short_number(f.w1_normalized), f.w1_unit), train,
        target);
    ++shown;
  }
  if (!charts.empty()) {
    html += R"(<h3>Training vs )" + esc(in.target_label) +
            R"(, top features</h3><div class="grid">)" + charts + "</div>";
  }
  return html + "</section>";
}

std::string section_slices(const ReportInputs& in) {
  const compare::SliceCoverage& coverage = in.plan->before.slices;
  std::string html = R"(<section id="slices"><h2>Slice coverage</h2>)";
  html += fmt::format(
      "<p>{} of {} episodes sit in a condition slice with fewer than the minimum training "
      "episodes.</p>",
      percent(coverage.unsupported_target_mass), esc(in.target_label));
  // The attribute pair whose 2-wise slices hold the most under-supported target mass.
  std::map<std::pair<std::string, std::string>, double> pair_gap;
  for (const compare::Slice& slice : coverage.slices) {
    if (slice.attributes.size() != 2) continue;
    const auto first = slice.attributes.begin();
    pair_gap[{first->first, std::next(first)->first}] += slice.gap;
  }
  std::vector<std::pair<std::pair<std::string, std::string>, double>> pairs(pair_gap.begin(),
                                                                            pair_gap.end());
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string charts;
  for (std::size_t p = 0; p < pairs.size() && p < 2; ++p) {
    const auto& [row_key, column_key] = pairs[p].first;
    std::set<std::string> row_values, column_values;
    std::map<std::pair<std::string, std::string>, const compare::Slice*> cell_of;
    for (const compare::Slice& slice : coverage.slices) {
      if (slice.attributes.size() != 2 || !slice.attributes.count(row_key) ||
          !slice.attributes.count(column_key)) {
        continue;
      }
      const std::string& rv = slice.attributes.at(row_key);
      const std::string& cv = slice.attributes.at(column_key);
      row_values.insert(rv);
      column_values.insert(cv);
      cell_of[{rv, cv}] = &slice;
    }
    const std::vector<std::string> rows(row_values.begin(), row_values.end());
    const std::vector<std::string> columns(column_values.begin(), column_values.end());
    std::vector<std::vector<HeatmapCell>> cells(rows.size(),
                                                std::vector<HeatmapCell>(columns.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto it = cell_of.find({rows[r], columns[c]});
        if (it == cell_of.end()) {
          cells[r][c] = {true, std::nullopt, "", "not in the " + in.target_label};
          continue;
        }
        const compare::Slice& slice = *it->second;
        HeatmapCell cell;
        if (slice.train_count > 0) {
          cell.shade = std::min(
              1.0, static_cast<double>(slice.train_count) /
                       std::max<double>(1.0, 2.0 * static_cast<double>(slice.target_count)));
        }
        cell.label = fmt::format("{}/{}", slice.target_count, slice.train_count);
        cell.tooltip =
            fmt::format("{} = {}, {} = {}: {} {} episodes ({}), {} training ({}){}", row_key,
                        rows[r], column_key, columns[c], slice.target_count, in.target_label,
                        percent(slice.target_share), slice.train_count, percent(slice.train_share),
                        slice.under_supported ? " - under-supported" : "");
        cells[r][c] = std::move(cell);
      }
    }
    charts += heatmap_svg(fmt::format("{} x {}", row_key, column_key), row_key, rows, column_key,
                          columns, cells);
  }
  if (!charts.empty()) {
    html += R"(<div class="grid">)" + charts + "</div>";
    html += "<p class=\"muted\">Cells: " + esc(in.target_label) +
            " episodes / training episodes; red: no training episode; green, darker with more "
            "training support; grey: not in the " +
            esc(in.target_label) + ".</p>";
  }
  // The largest gaps as a table.
  html +=
      R"(<div class="scroll"><table><tr><th>slice</th><th class="num">)" + esc(in.target_label) +
      R"( share</th><th class="num">training share</th><th class="num">training episodes</th></tr>)";
  // A slice holding exactly the target episodes of a coarser one adds nothing to the table.
  const auto redundant = [&](const compare::Slice& slice) {
    for (const compare::Slice& coarser : coverage.slices) {
      if (coarser.attributes.size() >= slice.attributes.size() ||
          coarser.target_count != slice.target_count) {
        continue;
      }
      if (compare::in_slice(slice.attributes, coarser.attributes)) return true;
    }
    return false;
  };
  int rows_shown = 0;
  for (const compare::Slice& slice : coverage.slices) {
    if (rows_shown >= 12 || !slice.under_supported || redundant(slice)) continue;
    html += fmt::format(
        R"(<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num flag">{}</td></tr>)",
        esc(compare::slice_text(slice.attributes)), percent(slice.target_share),
        percent(slice.train_share), slice.train_count);
    ++rows_shown;
  }
  return html + "</table></div></section>";
}

std::string section_tables(const ReportInputs& in) {
  const compare::CompareReport& r = in.plan->before;
  std::string html =
      R"(<section id="features"><h2>Features and attributes</h2><div class="scroll"><table>
<tr><th>feature</th><th class="num">W1</th><th class="num">KS</th><th class="num">q</th><th class="num">PSI</th><th class="num">training p50</th><th class="num">)" +
      esc(in.target_label) + R"( p50</th><th></th></tr>)";
  int shown = 0;
  for (const compare::FeatureResult& f : r.features) {
    if (shown++ >= 15) break;
    if (!f.missing_side.empty()) {
      html += fmt::format(
          R"(<tr><td>{}</td><td colspan="6" class="muted">no value on the {} side</td><td class="flag">{}</td></tr>)",
          esc(f.name), esc(f.missing_side), f.flagged ? "gap" : "");
      continue;
    }
    html += fmt::format(
        R"(<tr><td>{}</td><td class="num">{} <span class="muted">[{}–{}]</span></td><td class="num">{:.2f}</td><td class="num">{}</td><td class="num">{:.2f}</td><td class="num">{}</td><td class="num">{}</td><td class="flag">{}</td></tr>)",
        esc(f.name), short_number(f.w1_normalized), short_number(f.w1_low), short_number(f.w1_high),
        f.ks, short_number(f.ks_q), f.psi, short_number(f.train_p50), short_number(f.target_p50),
        f.flagged ? "gap" : "");
  }
  html +=
      R"(</table></div><div class="scroll"><table><tr><th>attribute</th><th class="num">JS</th><th class="num">L∞</th><th>moved most</th><th>missing in training</th></tr>)";
  for (const compare::AttributeResult& a : r.attributes) {
    html += fmt::format(
        R"(<tr><td>{}</td><td class="num">{:.2f}</td><td class="num">{:.2f}</td><td>{}</td><td class="flag">{}</td></tr>)",
        esc(a.name), a.js, a.linf, esc(a.linf_category),
        esc(fmt::format("{}", fmt::join(a.missing_in_train, ", "))));
  }
  const compare::MultivariateResult& m = r.multivariate;
  html += "</table></div>";
  if (m.computed) {
    html += fmt::format(
        "<p>Jointly ({} features): k-NN coverage {:.2f}, precision {:.2f}, recall {:.2f}, "
        "density {:.2f} (k = {}); domain-classifier AUC {}; MMD² {} (p = {}).</p>",
        m.features, m.coverage, m.precision, m.recall, m.density, m.k,
        std::isfinite(m.auc) ? fmt::format("{:.2f} [{:.2f}, {:.2f}]", m.auc, m.auc_low, m.auc_high)
                             : std::string("n/a"),
        short_number(m.mmd2), short_number(m.mmd_p));
  }
  return html + "</section>";
}

std::string section_plan(const ReportInputs& in) {
  const plan::PlanReport& p = *in.plan;
  std::string html = R"(<section id="plan"><h2>Plan</h2><ul class="gaps">)";
  for (const std::string& line : p.advice) html += "<li>" + esc(line) + "</li>";
  html += "</ul>";
  if (p.joint) {
    html += fmt::format(
        "<h3>Importance weights</h3><p>Method: {}. Effective sample {:.0f} of {} training "
        "episodes ({}); largest weight {:.2f}; {} clipped. Parity score with the weights: "
        "{:.2f} (now {:.2f}).</p>",
        esc(p.weights.method), p.weights.ess, p.weights.rows, percent(p.weights.ess_fraction),
        p.weights.max_weight, p.weights.clipped, p.weighted_score, p.before.score);
  }
  if (p.mix) {
    std::vector<Bar> bars;
    for (std::size_t s = 0; s < p.sources.size(); ++s) {
      bars.push_back(
          {p.sources[s] + " (now)", p.mix->current_proportions[s], std::nullopt, "train", ""});
      bars.push_back({p.sources[s] + " (best)", p.mix->proportions[s], std::nullopt, "target", ""});
    }
    html += "<h3>Source mix</h3>" +
            bar_chart_svg(fmt::format("mix closest to the {} (MMD² {} vs {} now)", in.target_label,
                                      short_number(p.mix->mmd2), short_number(p.mix->current_mmd2)),
                          bars, 1.0, true);
  }
  if (p.subset) {
    html += fmt::format(
        "<h3>Subset</h3><p>{} training episodes chosen by kernel herding: MMD² {} against {} "
        "for random subsets of the same size (5–95%: {}–{}).</p>",
        p.subset->rows.size(), short_number(p.subset->mmd2), short_number(p.subset->random_mean),
        short_number(p.subset->random_p05), short_number(p.subset->random_p95));
  }
  if (!p.collection.items.empty()) {
    html += fmt::format(
        R"(<h3>Collection plan</h3><p>Collect {} episodes mirroring these {} conditions; expected parity score afterwards about {:.2f}.</p><div class="scroll"><table><tr><th>condition</th><th class="num">{} share</th><th class="num">training episodes</th><th class="num">failure rate</th><th class="num">episodes</th></tr>)",
        p.collection.episodes_total, esc(in.target_label), p.expected_score_after,
        esc(in.target_label));
    for (const plan::CollectionItem& item : p.collection.items) {
      html += fmt::format(
          R"(<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>)",
          esc(compare::slice_text(item.slice)), percent(item.target_share), item.train_count,
          item.failure_rate ? percent(*item.failure_rate) : "–", item.episodes_needed);
    }
    html += "</table></div>";
  }
  if (!in.randomization_yaml.empty()) {
    html += fmt::format(
        "<h3>Simulator randomization spec</h3><p>{} simulatable conditions ({} only collection "
        "fills).</p><details><summary>the spec (YAML, as `parity plan --randomization` writes "
        "it)</summary><pre>{}</pre></details>",
        p.randomization.entries.size(), p.randomization.not_simulatable.size(),
        esc(in.randomization_yaml));
  }
  return html + "</section>";
}

std::string section_evaluation(const ReportInputs& in) {
  std::string html = R"(<section id="evaluation"><h2>Evaluation</h2>)";
  const nlohmann::json& e = in.evaluation;
  if (e.is_null() || e.empty()) {
    return html +
           "<p>No evaluation results in this report (<code>parity eval ingest</code>, then "
           "<code>parity report --eval</code>).</p></section>";
  }
  if (e.contains("slices") && e["slices"].is_array()) {
    std::vector<Bar> bars;
    for (const auto& row : e["slices"]) {
      std::vector<std::string> parts;
      for (const auto& [key, value] : row.value("slice", nlohmann::json::object()).items()) {
        parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
      }
      bars.push_back({fmt::format("{}", fmt::join(parts, ", ")), row.value("rate", 0.0),
                      std::make_pair(row.value("wilson_low", 0.0), row.value("wilson_high", 0.0)),
                      row.value("significant", false) ? "gap" : "ok",
                      fmt::format("{}/{}", row.value("k", 0), row.value("n", 0))});
    }
    html += bar_chart_svg("success rate per slice (Wilson 95% interval)", bars, 1.0, true);
  }
  if (e.contains("agreement") && e["agreement"].is_object()) {
    const auto& a = e["agreement"];
    std::vector<Point> points;
    for (const auto& point : a.value("points", nlohmann::json::array())) {
      points.push_back(
          {point.value("sim", 0.0), point.value("real", 0.0), point.value("label", std::string())});
    }
    html += scatter_svg(fmt::format("sim vs real success: r {:.2f}, MMRV {:.3f}",
                                    a.value("/mean/pearson"_json_pointer, 0.0),
                                    a.value("/mean/mmrv"_json_pointer, 0.0)),
                        "simulation", "real", points);
  }
  if (e.contains("gate") && e["gate"].is_object()) {
    const bool pass = e["gate"].value("pass", false);
    html += fmt::format(R"(<p>Release gate: <span class="{}">{}</span></p><ul>)",
                        pass ? "verdict-pass" : "verdict-fail", pass ? "PASS" : "FAIL");
    for (const auto& reason : e["gate"].value("reasons", nlohmann::json::array())) {
      html += "<li>" + esc(reason.get<std::string>()) + "</li>";
    }
    html += "</ul>";
  }
  if (e.contains("expected_success") && e["expected_success"].is_object()) {
    const auto& x = e["expected_success"];
    html += fmt::format(
        "<p>Deployment-weighted expected success: {} (bounds {}–{}; {} of the {} mass has no "
        "evaluation).</p>",
        short_number(x.value("estimate", NAN)), short_number(x.value("low", NAN)),
        short_number(x.value("high", NAN)), percent(x.value("uncovered_mass", 0.0)),
        esc(in.target_label));
  }
  return html + "</section>";
}

std::string section_provenance(const ReportInputs& in) {
  std::string html = R"(<section id="provenance"><h2>Provenance</h2>)";
  html += fmt::format(
      "<p>Generated {} by Parity {}. Training: <code>{}</code>; {}: <code>{}</code>.</p>",
      esc(in.generated_at), esc(in.parity_version), esc(in.train_selector), esc(in.target_label),
      esc(in.target_selector));
  if (!in.command_lines.empty()) {
    html += "<p>Reproduce:</p><pre>";
    for (const std::string& line : in.command_lines) html += esc(line) + "\n";
    html += "</pre>";
  }
  html +=
      R"(<div class="scroll"><table><tr><th>source</th><th>format</th><th>domain</th><th>content hash (xxh3-128)</th><th class="num">bytes</th></tr>)";
  for (const SourceRecord& s : in.sources) {
    html += fmt::format(
        R"(<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class="num">{}</td></tr>)",
        esc(s.path), esc(s.format), esc(s.domain), esc(s.content_hash), s.size_bytes);
  }
  return html + "</table></div></section>";
}

}  // namespace

std::string render_html_report(const ReportInputs& in) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  html += R"(<meta name="viewport" content="width=device-width, initial-scale=1">)";
  html += "<title>" + esc(in.title) + "</title><style>" + kStyle + "</style></head><body><main>";
  html += "<h1>" + esc(in.title) + "</h1>";
  if (in.plan == nullptr) return html + "<p>No comparison.</p></main></body></html>\n";
  html += section_headline(in);
  html += section_gaps(in);
  html += section_slices(in);
  html += section_tables(in);
  html += section_plan(in);
  html += section_evaluation(in);
  html += section_provenance(in);
  return html + "</main></body></html>\n";
}

}  // namespace parity::report
