// A one-line progress bar on stderr for long work: bytes (or items) done / total, rate and ETA.
// Draws only when enabled (the CLI enables it when stderr is a terminal and neither --json
// nor --quiet was given); otherwise every call is a no-op, so callers need not check.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace parity {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled, std::FILE* out = stderr);
  // Counts items instead of bytes: "12 / 100 episodes  3.1 episodes/s".
  void set_unit(std::string unit) { unit_ = std::move(unit); }
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Redraws at most every 100 ms (and always when done == total).
  void update(std::uint64_t done_bytes, std::uint64_t total_bytes);
  // Clears the line. Idempotent; also called by the destructor.
  void finish();

  // True when stderr is a terminal (the default for `enabled`).
  static bool stderr_is_terminal();

  // "1.5 MB", "12.0 GB" (decimal units, as `ls -h --si` and most transfer tools print).
  static std::string format_bytes(double bytes);

 private:
  std::string label_;
  std::string unit_;  // "" = bytes
  bool enabled_;
  std::FILE* out_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace parity
