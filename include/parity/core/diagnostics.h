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

// What a diagnostic means for the data delivered:
//   kInfo     a note; nothing is missing (a zero-width dataset not delivered as a stream).
//   kWarning  the input departs from its format or its own declarations, and the reader
//             handled it without losing bytes that exist (a damaged summary read around by a
//             sequential scan, meta counts that disagree with the data, a declared file absent,
//             episodes cut short by the writer).
//   kError    damage: bytes that exist could not be read (CRC mismatch, truncated record or
//             chunk, undecodable framing) and were skipped; what is delivered is incomplete.
//             Ingest refuses a source with kError diagnostics unless --salvage is given.
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
