// Helpers shared by every test binary.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace parity::testing {

// The `shared/` folder with real recordings, or nullopt when it is absent. Looks at
// $PARITY_SHARED_DIR, then ../shared relative to the working directory and the source tree.
std::optional<std::filesystem::path> shared_dir();

// Path of a file under shared/data, or nullopt when shared/ (or the file) is absent.
std::optional<std::filesystem::path> shared_data(const std::string& relative);

// Path of a file under shared/bench (reference tables for the statistics), or nullopt when
// shared/ (or the file) is absent.
std::optional<std::filesystem::path> shared_bench(const std::string& relative);

// A fresh, empty directory that is removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace parity::testing

// Skips the current test with a clear message when a shared/data file is absent; otherwise
// declares `var` as its path.
#define PARITY_REQUIRE_SHARED_DATA(var, relative)                             \
  const auto var##_opt = ::parity::testing::shared_data(relative);            \
  if (!var##_opt)                                                             \
    GTEST_SKIP() << "../shared/data/" << (relative)                           \
                 << " is absent: skipping a test that needs real recordings"; \
  const std::filesystem::path var = *var##_opt

// Skips the current test with a clear message when a shared/bench file is absent; otherwise
// declares `var` as its path.
#define PARITY_REQUIRE_SHARED_BENCH(var, relative)                                 \
  const auto var##_opt = ::parity::testing::shared_bench(relative);                \
  if (!var##_opt)                                                                  \
    GTEST_SKIP() << "../shared/bench/" << (relative)                               \
                 << " is absent: skipping a test that needs the reference tables"; \
  const std::filesystem::path var = *var##_opt
