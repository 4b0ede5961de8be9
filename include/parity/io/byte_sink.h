// Where writers (MCAP, Parquet) put the bytes they produce: a file or a vector in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "parity/core/status.h"

namespace parity {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends `bytes`. Errors: kIoError naming the file and the system's reason.
  virtual Status write(std::span<const std::uint8_t> bytes) = 0;
  // Flushes and closes; nothing may be written afterwards. Errors: kIoError.
  virtual Status finish() = 0;
};

// Creates (truncates) `path`, writing through a 1 MiB buffer. A sink destroyed without
// finish() closes the file as it is. Errors: kIoError "<path>: cannot create: <reason>".
Result<std::unique_ptr<ByteSink>> create_file_sink(const std::filesystem::path& path);

// Appends to `out`, which must outlive the sink.
std::unique_ptr<ByteSink> memory_sink(std::vector<std::uint8_t>& out);

}  // namespace parity
