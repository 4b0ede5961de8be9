#include "parity/io/byte_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parity {
namespace {

Status range_error(const std::string& name, std::uint64_t offset, std::uint64_t length,
                   std::uint64_t size) {
  return truncated(fmt::format("{}: offset {}: need {} bytes but the source has {} bytes", name,
                               offset, length, size));
}

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  std::uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }

  Status read_at(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > size_ || out.size() > size_ - offset) {
      return range_error(name_, offset, out.size(), size_);
    }
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error(fmt::format("{}: offset {}: read failed: {}", name_, offset + done,
                                    std::strerror(errno)));
      }
      if (n == 0) {
        return truncated(
            fmt::format("{}: offset {}: file shrank while reading", name_, offset + done));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

 private:
  int fd_;
  std::uint64_t size_;
  std::string name_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::vector<std::uint8_t> owned, std::span<const std::uint8_t> view,
               std::string name)
      : owned_(std::move(owned)), view_(owned_.empty() ? view : owned_), name_(std::move(name)) {}

  std::uint64_t size() const override { return view_.size(); }
  const std::string& name() const override { return name_; }

  Status read_at(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (offset > view_.size() || out.size() > view_.size() - offset) {
      return range_error(name_, offset, out.size(), view_.size());
    }
    if (!out.empty()) std::memcpy(out.data(), view_.data() + offset, out.size());
    return {};
  }

 private:
  std::vector<std::uint8_t> owned_;
  std::span<const std::uint8_t> view_;
  std::string name_;
};

}  // namespace

Result<std::vector<std::uint8_t>> ByteSource::read_vector(std::uint64_t offset,
                                                          std::uint64_t length) const {
  if (offset > size() || length > size() - offset) {
    return range_error(name(), offset, length, size());
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(length));
  PARITY_RETURN_IF_ERROR(read_at(offset, bytes));
  return bytes;
}

Result<std::unique_ptr<ByteSource>> open_file_source(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string message =
        fmt::format("{}: cannot open: {}", path.string(), std::strerror(err));
    return err == ENOENT ? not_found(message) : io_error(message);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return io_error(fmt::format("{}: cannot stat: {}", path.string(), std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return invalid_argument(fmt::format("{}: is a directory, expected a file", path.string()));
  }
  return std::unique_ptr<ByteSource>(
      new FileSource(fd, static_cast<std::uint64_t>(st.st_size), path.string()));
}

std::unique_ptr<ByteSource> memory_source_view(std::span<const std::uint8_t> bytes,
                                               std::string name) {
  return std::make_unique<MemorySource>(std::vector<std::uint8_t>{}, bytes, std::move(name));
}

std::unique_ptr<ByteSource> memory_source(std::vector<std::uint8_t> bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::span<const std::uint8_t>{},
                                        std::move(name));
}

Result<std::string> read_small_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                    std::string_view what) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return not_found(fmt::format("{}: cannot read: {}", path.string(), ec.message()));
  if (size > max_bytes) {
    return corrupt(fmt::format("{}: {} bytes: larger than the {} bytes {} may have", path.string(),
                               size, max_bytes, what));
  }
  PARITY_ASSIGN_OR_RETURN(const auto source, open_file_source(path));
  PARITY_ASSIGN_OR_RETURN(const auto bytes, source->read_vector(0, source->size()));
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace parity
