// Running an independent oracle (tests/oracles/*.py) from a GoogleTest and reading its JSON.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace parity::testing {

// Runs the shell `command` (an oracle script printing one JSON document on stdout) and parses
// its output. A command that fails or prints something that is not JSON is a test failure
// (non-fatal), and the result is then null.
inline nlohmann::json run_json_oracle(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  if (pipe == nullptr) return {};
  std::string output;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  const nlohmann::json parsed = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    ADD_FAILURE() << "oracle output is not JSON: " << command << "\n" << output.substr(0, 500);
    return {};
  }
  return parsed;
}

}  // namespace parity::testing
