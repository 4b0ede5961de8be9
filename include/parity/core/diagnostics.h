// Diagnostics: recoverable damage and notable conditions found while reading input.
//
// A reader that can continue past damage (a bad CRC in one chunk, a truncated tail, an
// unknown message encoding) reports it here and goes on; nothing is silently skipped.
// Unrecoverable problems are returned as a Status instead.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace parity {

enum class Severity : std::uint8_t { kInfo, kWarning, kError };

std::string_view severity_name(Severity severity);

struct Diagnostic {
  Severity severity = Severity::kWarning;
  std::string file;                     // path of the input, "" when not file-bound
  std::optional<std::uint64_t> offset;  // byte offset (or row) in `file`, when known
  std::string message;                  // what was expected and what was found

  // "file: offset 123: message" (file and offset omitted when unknown).
  std::string to_string() const;
};

// Receives diagnostics. Implementations must be thread-safe: readers may report from
// several threads.
class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void report(Diagnostic diagnostic) = 0;

  void warn(std::string file, std::optional<std::uint64_t> offset, std::string message) {
    report({Severity::kWarning, std::move(file), offset, std::move(message)});
  }
  void info(std::string file, std::optional<std::uint64_t> offset, std::string message) {
    report({Severity::kInfo, std::move(file), offset, std::move(message)});
  }
  void error(std::string file, std::optional<std::uint64_t> offset, std::string message) {
    report({Severity::kError, std::move(file), offset, std::move(message)});
  }
};

// Drops everything. For callers that do not care (e.g. fuzzers).
class NullDiagnosticSink final : public DiagnosticSink {
 public:
  void report(Diagnostic /*diagnostic*/) override {}
};

// Keeps every diagnostic in arrival order and counts them by severity. Thread-safe.
class DiagnosticCollector final : public DiagnosticSink {
 public:
  void report(Diagnostic diagnostic) override;

  std::vector<Diagnostic> diagnostics() const;
  std::size_t count(Severity severity) const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace parity
