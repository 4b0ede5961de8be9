#include "testing/testing.h"

#include <cstdlib>
#include <random>

namespace parity::testing {

std::optional<std::filesystem::path> shared_dir() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("PARITY_SHARED_DIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  candidates.emplace_back(fs::current_path() / ".." / "shared");
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (fs::is_directory(candidate / "data", ec)) return fs::weakly_canonical(candidate, ec);
  }
  return std::nullopt;
}

namespace {

// shared/<folder>/<relative> when it exists.
std::optional<std::filesystem::path> shared_file(const char* folder, const std::string& relative) {
  const auto dir = shared_dir();
  if (!dir) return std::nullopt;
  std::filesystem::path path = *dir / folder / relative;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return path;
}

}  // namespace

std::optional<std::filesystem::path> shared_data(const std::string& relative) {
  return shared_file("data", relative);
}

std::optional<std::filesystem::path> shared_bench(const std::string& relative) {
  return shared_file("bench", relative);
}

TempDir::TempDir() {
  std::random_device device;
  std::mt19937_64 rng(device());
  path_ = std::filesystem::temp_directory_path() /
          ("parity-test-" + std::to_string(rng() % 1000000000000ULL));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace parity::testing
