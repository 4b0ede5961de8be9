// What the benchmarks share: a benchmark stops at the first error, printing it after its name.
#pragma once

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

}  // namespace parity::bench
