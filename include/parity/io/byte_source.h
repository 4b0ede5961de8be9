// Byte sources: random-access, bounded reads from a file or a memory buffer.
//
// Readers never load a whole recording: they read the ranges they need through a ByteSource.
// All offsets and sizes are in bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "parity/core/status.h"

namespace parity {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Total size in bytes, fixed when the source was opened.
  virtual std::uint64_t size() const = 0;

  // Fills `out` with the bytes at [offset, offset + out.size()).
  // Errors: kTruncated when the range runs past size() (the message names the source, the
  // offset and both sizes), kIoError when the OS read fails. Thread-safe for concurrent reads.
  virtual Status read_at(std::uint64_t offset, std::span<std::uint8_t> out) const = 0;

  // Name used in error messages: the path for files, a label for memory.
  virtual const std::string& name() const = 0;

  // Convenience: reads `length` bytes at `offset` into a new vector (same errors).
  Result<std::vector<std::uint8_t>> read_vector(std::uint64_t offset, std::uint64_t length) const;
};

// Opens a regular file for positioned reads (pread). Errors: kNotFound, kIoError,
// kInvalidArgument (a directory).
Result<std::unique_ptr<ByteSource>> open_file_source(const std::filesystem::path& path);

// The whole of a small file (JSON / YAML metadata) as text. Errors: kNotFound ("<path>: cannot
// read: <reason>"), kCorrupt ("<path>: N bytes: larger than the M bytes <what> may have") before
// reading anything, kIoError.
Result<std::string> read_small_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                    std::string_view what);

// A source over bytes held in memory. The span must outlive the source.
std::unique_ptr<ByteSource> memory_source_view(std::span<const std::uint8_t> bytes,
                                               std::string name = "<memory>");

// A source that owns its bytes.
std::unique_ptr<ByteSource> memory_source(std::vector<std::uint8_t> bytes,
                                          std::string name = "<memory>");

}  // namespace parity
