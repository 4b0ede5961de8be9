#include "parity/core/diagnostics.h"

#include <algorithm>

namespace parity {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "unknown";
}

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (offset) out += "offset " + std::to_string(*offset) + ": ";
  out += message;
  return out;
}

void DiagnosticCollector::report(Diagnostic diagnostic) {
  std::lock_guard lock(mutex_);
  diagnostics_.push_back(std::move(diagnostic));
}

std::vector<Diagnostic> DiagnosticCollector::diagnostics() const {
  std::lock_guard lock(mutex_);
  return diagnostics_;
}

std::size_t DiagnosticCollector::count(Severity severity) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(diagnostics_.begin(), diagnostics_.end(),
                    [severity](const Diagnostic& d) { return d.severity == severity; }));
}

std::size_t DiagnosticCollector::size() const {
  std::lock_guard lock(mutex_);
  return diagnostics_.size();
}

}  // namespace parity
