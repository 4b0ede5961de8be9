// How the signal extractors hand back one value: only finite values are emitted.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "parity/features/feature_spec.h"

namespace parity::features::signal_detail {

// Appends (name, value) when value is finite; a non-finite value is left out (reads as missing).
inline void append_value(FeatureValues& out, std::string name, double value) {
  if (std::isfinite(value)) out.emplace_back(std::move(name), value);
}

inline void append_count(FeatureValues& out, std::string name, std::uint64_t count) {
  out.emplace_back(std::move(name), static_cast<double>(count));
}

}  // namespace parity::features::signal_detail
