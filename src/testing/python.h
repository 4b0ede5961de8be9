// Finding the Python that independent oracles (tests/oracles/*.py) and benchmark baselines run
// on, and quoting shell words. Header-only so benchmarks can use it without GoogleTest.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::testing {

// `text` as one single-quoted POSIX shell word.
inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

// A python3 that can run `import <imports>` (e.g. "cv2, numpy"): $PARITY_PYTHON first, then
// python3 on PATH, then Debian's /usr/bin/python3, where python3-numpy, -opencv, -scipy and -onnx
// install (a pyenv or venv python3 on PATH does not see Debian's packages). nullopt when none.
inline std::optional<std::string> python_with(std::string_view imports) {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("PARITY_PYTHON"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const std::string& python : candidates) {
    const std::string probe = shell_quote(python) + " -c " +
                              shell_quote("import " + std::string(imports)) + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return python;
  }
  return std::nullopt;
}

}  // namespace parity::testing
