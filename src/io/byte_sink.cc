#include "parity/io/byte_sink.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace parity {
namespace {

class FileSink final : public ByteSink {
 public:
  FileSink(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  ~FileSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Status write(std::span<const std::uint8_t> bytes) override {
    if (bytes.empty()) return {};
    if (file_ == nullptr) return failed_precondition(fmt::format("{}: already closed", name_));
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return io_error(fmt::format("{}: write failed: {}", name_, std::strerror(errno)));
    }
    return {};
  }

  Status finish() override {
    std::FILE* file = file_;
    file_ = nullptr;
    if (file == nullptr) return failed_precondition(fmt::format("{}: already closed", name_));
    if (std::fclose(file) != 0) {
      return io_error(fmt::format("{}: close failed: {}", name_, std::strerror(errno)));
    }
    return {};
  }

 private:
  std::FILE* file_;
  std::string name_;
};

class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::vector<std::uint8_t>& out) : out_(out) {}
  Status write(std::span<const std::uint8_t> bytes) override {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    return {};
  }
  Status finish() override { return {}; }

 private:
  std::vector<std::uint8_t>& out_;
};

}  // namespace

Result<std::unique_ptr<ByteSink>> create_file_sink(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return io_error(fmt::format("{}: cannot create: {}", path.string(), std::strerror(errno)));
  }
  return std::unique_ptr<ByteSink>(new FileSink(file, path.string()));
}

std::unique_ptr<ByteSink> memory_sink(std::vector<std::uint8_t>& out) {
  return std::make_unique<MemorySink>(out);
}

}  // namespace parity
