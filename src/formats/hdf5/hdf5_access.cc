#include "formats/hdf5/hdf5_access.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "parity/formats/hdf5/hdf5_recording.h"

namespace parity::hdf5::detail {
namespace fs = std::filesystem;

namespace {

std::recursive_mutex& library_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

// Nesting depth of guards on this thread (the mutex is recursive).
thread_local int guard_depth = 0;

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  if (error != nullptr && error->desc != nullptr && messages->size() < 64) {
    messages->emplace_back(error->desc);
  }
  return 0;
}

}  // namespace

LibraryGuard::LibraryGuard() : lock_(library_mutex()) {
  if (guard_depth++ == 0) {
    outermost_ = true;
    H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  H5Eclear2(H5E_DEFAULT);
}

LibraryGuard::~LibraryGuard() {
  --guard_depth;
  if (outermost_) {
    H5Eclear2(H5E_DEFAULT);
    H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_);
  }
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && closer_ != nullptr) {
    LibraryGuard guard;
    closer_(id_);
  }
  id_ = -1;
}

std::string error_text() {
  std::vector<std::string> messages;  // innermost first
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, &collect_error, &messages);
  H5Eclear2(H5E_DEFAULT);
  if (messages.empty()) return "no libhdf5 error message";
  const std::string& inner = messages.front();
  const std::string& outer = messages.back();
  if (messages.size() == 1 || inner == outer) return inner;
  return fmt::format("{}: {}", outer, inner);
}

Result<OpenedFile> open_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return not_found(fmt::format("{}: no such file", path.string()));
  }
  if (!fs::is_regular_file(status)) {
    return invalid_argument(fmt::format("{}: not a regular file", path.string()));
  }
  const std::uint64_t size = fs::file_size(path, ec);
  if (ec) return io_error(fmt::format("{}: cannot read its size: {}", path.string(), ec.message()));
  if (size == 0) return truncated(fmt::format("{}: empty file (0 bytes)", path.string()));

  std::vector<std::uint8_t> head(
      static_cast<std::size_t>(std::min<std::uint64_t>(size, kHdf5MagicProbeBytes)));
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io_error(fmt::format("{}: cannot open for reading", path.string()));
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    if (static_cast<std::size_t>(in.gcount()) != head.size()) {
      return io_error(
          fmt::format("{}: cannot read its first {} bytes", path.string(), head.size()));
    }
  }
  if (!has_hdf5_magic(head)) {
    return corrupt(fmt::format(
        "{}: not an HDF5 file: no HDF5 signature (89 48 44 46 0d 0a 1a 0a) at offset 0, 512, "
        "1024 or 2048 ({} bytes)",
        path.string(), size));
  }

  // Default file access properties: in particular libhdf5's own file-locking default (and the
  // HDF5_USE_FILE_LOCKING environment variable), so that other code in the process can open the
  // same file while a recording holds it (libhdf5 refuses a second open with other lock flags).
  LibraryGuard guard;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    const std::string why = error_text();
    const std::string message =
        fmt::format("{}: libhdf5 cannot open the file ({} bytes): {}", path.string(), size, why);
    if (why.find("truncated file") != std::string::npos) return truncated(message);
    return corrupt(message);
  }
  return OpenedFile{file_handle(file), size};
}

Status read_rows(hid_t dataset, hid_t memory_type, std::span<const hsize_t> dims, std::uint64_t row,
                 std::uint64_t count, std::span<std::uint8_t> out) {
  PARITY_CHECK(!dims.empty() && row + count <= dims[0]);
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> extent(dims.begin(), dims.end());
  start[0] = row;
  extent[0] = count;
  Handle file_space = space_handle(H5Dget_space(dataset));
  if (!file_space.valid())
    return corrupt(fmt::format("cannot get the dataspace: {}", error_text()));
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, extent.data(),
                          nullptr) < 0) {
    return corrupt(fmt::format("cannot select rows {}..{}: {}", row, row + count, error_text()));
  }
  Handle memory_space =
      space_handle(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
  if (!memory_space.valid()) {
    return internal_error(fmt::format("cannot create a memory dataspace: {}", error_text()));
  }
  const std::size_t element = H5Tget_size(memory_type);
  std::uint64_t elements = 1;
  for (const hsize_t d : extent) elements *= d;
  PARITY_CHECK(element > 0 && elements * element == out.size());
  if (H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, out.data()) <
      0) {
    return corrupt(fmt::format("reading rows {}..{} failed: {}", row, row + count, error_text()));
  }
  return {};
}

}  // namespace parity::hdf5::detail
