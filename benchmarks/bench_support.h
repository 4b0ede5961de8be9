// What the benchmarks share: a benchmark stops at the first error, printing it after its name.
#pragma once

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "parity/core/status.h"

namespace parity::bench {

// The benchmark's name for error lines; each benchmark defines it once.
extern const char* const kProgramName;

[[noreturn]] inline void die(const Status& status) {
  std::fprintf(stderr, "%s: %s\n", kProgramName, status.to_string().c_str());
  std::exit(1);
}

template <typename T>
T unwrap(Result<T> result) {
  if (!result.ok()) die(result.status());
  return std::move(result).value();
}

inline void check(const Status& status) {
  if (!status.ok()) die(status);
}

// User + system CPU seconds this process has used so far (all its threads).
inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace parity::bench
