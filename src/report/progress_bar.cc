#include "parity/report/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>

namespace parity {

ProgressBar::ProgressBar(std::string label, bool enabled, std::FILE* out)
    : label_(std::move(label)),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_() {}

ProgressBar::~ProgressBar() {
  finish();
}

bool ProgressBar::stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

std::string ProgressBar::format_bytes(double bytes) {
  static constexpr std::array<const char*, 5> kUnits = {"B", "kB", "MB", "GB", "TB"};
  std::size_t unit = 0;
  while (bytes >= 1000.0 && unit + 1 < kUnits.size()) {
    bytes /= 1000.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} {}", bytes, kUnits[unit])
                   : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

void ProgressBar::update(std::uint64_t done_bytes, std::uint64_t total_bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool complete = total_bytes > 0 && done_bytes >= total_bytes;
  if (!complete && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;

  const double elapsed_s = std::chrono::duration<double>(now - start_).count();
  const double fraction =
      total_bytes == 0 ? 0.0 : static_cast<double>(done_bytes) / static_cast<double>(total_bytes);
  const double rate = elapsed_s > 0 ? static_cast<double>(done_bytes) / elapsed_s : 0.0;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::string eta = "--";
  if (rate > 0 && total_bytes > done_bytes) {
    const auto seconds = static_cast<long>(static_cast<double>(total_bytes - done_bytes) / rate);
    eta = seconds >= 60 ? fmt::format("{}m{:02}s", seconds / 60, seconds % 60)
                        : fmt::format("{}s", seconds);
  }
  if (unit_.empty()) {
    fmt::print(out_, "\r\033[2K{} [{}] {:3.0f}%  {} / {}  {}/s  ETA {}", label_, bar,
               fraction * 100.0, format_bytes(static_cast<double>(done_bytes)),
               format_bytes(static_cast<double>(total_bytes)), format_bytes(rate), eta);
  } else {
    fmt::print(out_, "\r\033[2K{} [{}] {:3.0f}%  {} / {} {}  {:.1f} {}/s  ETA {}", label_, bar,
               fraction * 100.0, done_bytes, total_bytes, unit_, rate, unit_, eta);
  }
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  fmt::print(out_, "\r\033[2K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace parity
