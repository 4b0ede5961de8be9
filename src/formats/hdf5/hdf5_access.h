// The thin, safe layer between Parity and libhdf5's C API (private to parity_hdf5).
//
// - LibraryGuard: every libhdf5 call happens while one is alive. It holds a process-wide
//   recursive mutex (Debian's libhdf5 is the serial, non-thread-safe build), switches off
//   libhdf5's automatic error-stack printing and clears the error stack; the previous printing
//   function is restored when the outermost guard ends.
// - Handle: owns one hid_t and closes it (under a guard) when destroyed.
// - error_text(): libhdf5's own explanation of the last failure, for Status messages.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>

#include "parity/core/status.h"

namespace parity::hdf5::detail {

class LibraryGuard {
 public:
  LibraryGuard();
  ~LibraryGuard();
  LibraryGuard(const LibraryGuard&) = delete;
  LibraryGuard& operator=(const LibraryGuard&) = delete;

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  bool outermost_ = false;
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

// Owns an hid_t; closes it with `closer` on destruction. Move-only.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

inline Handle file_handle(hid_t id) {
  return {id, &H5Fclose};
}
inline Handle group_handle(hid_t id) {
  return {id, &H5Gclose};
}
inline Handle dataset_handle(hid_t id) {
  return {id, &H5Dclose};
}
inline Handle attribute_handle(hid_t id) {
  return {id, &H5Aclose};
}
inline Handle type_handle(hid_t id) {
  return {id, &H5Tclose};
}
inline Handle space_handle(hid_t id) {
  return {id, &H5Sclose};
}
inline Handle plist_handle(hid_t id) {
  return {id, &H5Pclose};
}

// libhdf5's explanation of the failure on the default error stack: the innermost message,
// prefixed by the outermost one when they differ ("unable to open file: truncated file: eof =
// 100, ..."). "no libhdf5 error message" when the stack is empty. Call under a guard.
std::string error_text();

// Opens `path` read-only after checking that it exists, is not empty and carries the HDF5
// signature at offset 0, 512, 1024 or 2048. Also returns the file size. Errors: kNotFound,
// kIoError, kTruncated (empty; "truncated file" from libhdf5), kCorrupt (no signature, or
// libhdf5 refuses the file).
struct OpenedFile {
  Handle file;
  std::uint64_t size_bytes = 0;
};
Result<OpenedFile> open_file(const std::filesystem::path& path);

// Reads rows [row, row + count) of `dataset` (rank >= 1, dims given) as `memory_type` into
// `out`, which holds exactly count * (bytes of one row in memory_type). Call under a guard.
// Errors: kCorrupt with libhdf5's message.
Status read_rows(hid_t dataset, hid_t memory_type, std::span<const hsize_t> dims, std::uint64_t row,
                 std::uint64_t count, std::span<std::uint8_t> out);

}  // namespace parity::hdf5::detail
