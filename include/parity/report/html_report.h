// `parity report`: one self-contained HTML file (inline CSS and SVG, no script, no network)
// with the headline parity score, the top gaps with training-vs-target overlays, the slice
// coverage heatmap, the gap tables, the plan, the evaluation and the provenance needed to
// reproduce it. Readable on a laptop, a phone and on paper. Sections: docs/report.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "parity/catalog/model.h"
#include "parity/plan/plan.h"

namespace parity::report {

struct ReportInputs {
  std::string title = "Dataset parity report";
  std::string train_selector, target_selector, target_label = "target";
  const plan::PlanReport* plan = nullptr;  // required
  std::string randomization_yaml;          // the plan's spec as YAML (shown as is)
  // `parity eval` results as its JSON (docs/eval.md); null: the section says there are none.
  nlohmann::json evaluation;
  std::vector<SourceRecord> sources;  // provenance: every source either side uses
  std::string parity_version;
  std::vector<std::string> command_lines;  // how to reproduce this report
  std::string generated_at;                // ISO-8601 UTC
};

// The whole document. Every text from the inputs is escaped.
std::string render_html_report(const ReportInputs& inputs);

}  // namespace parity::report
