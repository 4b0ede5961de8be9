// What the signal feature tests share: looking values up by name and checking them against
// their FeatureSpec.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parity/features/feature_spec.h"
#include "parity/features/frame_aggregate.h"

namespace parity::features::signal_testing {

inline std::optional<double> find_value(const FeatureValues& values, std::string_view name) {
  for (const auto& [n, v] : values) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// The value named `name`; a test failure (and NaN) when it is absent.
inline double value(const FeatureValues& values, std::string_view name) {
  const std::optional<double> v = find_value(values, name);
  if (!v) {
    ADD_FAILURE() << "no feature named '" << name << "'";
    return std::numeric_limits<double>::quiet_NaN();
  }
  return *v;
}

// The spec documenting an emitted name: its own, the "<joint>.<x>" spec for "<name>.<x>", or a
// per-frame spec for "<name>.<aggregate>".
inline const FeatureSpec* spec_for(std::span<const FeatureSpec> specs, std::string_view name) {
  for (const FeatureSpec& spec : specs) {
    if (spec.name == name && !spec.per_frame) return &spec;
  }
  for (const FeatureSpec& spec : specs) {
    if (spec.per_frame) {
      for (std::string_view aggregate : kFrameAggregates) {
        if (name == std::string(spec.name) + "." + std::string(aggregate)) return &spec;
      }
    }
    constexpr std::string_view kJoint = "<joint>.";
    if (spec.name.starts_with(kJoint)) {
      const std::string_view suffix = spec.name.substr(kJoint.size() - 1);  // ".range"
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        const std::string_view joint = name.substr(0, name.size() - suffix.size());
        const bool sanitised = joint.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
                               std::string_view::npos;
        if (sanitised) return &spec;
      }
    }
  }
  return nullptr;
}

// Every value has a spec, is finite and lies in the spec's documented range (a ".std"
// aggregate only needs to be >= 0).
inline void expect_documented(const FeatureValues& values, std::span<const FeatureSpec> specs) {
  for (const auto& [name, v] : values) {
    const FeatureSpec* spec = spec_for(specs, name);
    ASSERT_NE(spec, nullptr) << "no spec documents '" << name << "'";
    EXPECT_TRUE(std::isfinite(v)) << name << " = " << v;
    if (spec->per_frame && name.ends_with(".std")) {
      EXPECT_GE(v, 0.0) << name;
      continue;
    }
    EXPECT_GE(v, spec->min) << name;
    EXPECT_LE(v, spec->max) << name;
  }
}

}  // namespace parity::features::signal_testing
