// A tiny libhdf5 writer for test fixtures: groups, numeric datasets (optionally chunked and
// gzip-compressed), h5py-style attributes (variable-length UTF-8 strings, int64, float64, bools
// as an 8-bit FALSE/TRUE enum) and fixed-length string arrays (robomimic masks).
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "parity/formats/recording.h"

namespace parity::hdf5::testing {

template <typename T>
struct H5TypeOf;
template <>
struct H5TypeOf<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};
template <>
struct H5TypeOf<float> {
  static hid_t file() { return H5T_IEEE_F32LE; }
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
};
template <>
struct H5TypeOf<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};
template <>
struct H5TypeOf<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct H5TypeOf<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t memory() { return H5T_NATIVE_INT32; }
};

class H5Writer {
 public:
  explicit H5Writer(const std::filesystem::path& path) {
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(file_, 0) << path;
    lcpl_ = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl_, 1);
  }
  ~H5Writer() { close(); }
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  void close() {
    if (lcpl_ >= 0) H5Pclose(lcpl_);
    if (file_ >= 0) H5Fclose(file_);
    lcpl_ = -1;
    file_ = -1;
  }
  hid_t file() const { return file_; }

  void group(const std::string& path) {
    const hid_t g = H5Gcreate2(file_, path.c_str(), lcpl_, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(g, 0) << path;
    H5Gclose(g);
  }

  // A dataset of `dims` filled from `data` (which may be empty: nothing is written).
  template <typename T>
  void dataset(const std::string& path, const std::vector<hsize_t>& dims,
               const std::vector<T>& data, const std::vector<hsize_t>& chunk = {}, int gzip = 0) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (!chunk.empty()) H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    if (gzip > 0) H5Pset_deflate(dcpl, static_cast<unsigned>(gzip));
    const hid_t d =
        H5Dcreate2(file_, path.c_str(), H5TypeOf<T>::file(), space, lcpl_, dcpl, H5P_DEFAULT);
    EXPECT_GE(d, 0) << path;
    if (!data.empty()) {
      EXPECT_GE(H5Dwrite(d, H5TypeOf<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), 0)
          << path;
    }
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
  }

  // Fixed-length byte strings (numpy dtype "S<n>"), as robomimic writes mask/<filter_key>.
  void fixed_strings(const std::string& path, const std::vector<std::string>& values) {
    std::size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    std::vector<char> buffer(values.size() * width, '\0');
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::copy(values[i].begin(), values[i].end(), buffer.begin() + static_cast<long>(i * width));
    }
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, width);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t d = H5Dcreate2(file_, path.c_str(), type, space, lcpl_, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(d, 0) << path;
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
    H5Dclose(d);
    H5Sclose(space);
    H5Tclose(type);
  }

  void string_attr(const std::string& object, const std::string& name, const std::string& value) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    const char* pointer = value.c_str();
    write_attr(object, name, type, &pointer);
    H5Tclose(type);
  }
  void int_attr(const std::string& object, const std::string& name, std::int64_t value) {
    write_attr(object, name, H5T_STD_I64LE, &value, H5T_NATIVE_INT64);
  }
  void double_attr(const std::string& object, const std::string& name, double value) {
    write_attr(object, name, H5T_IEEE_F64LE, &value, H5T_NATIVE_DOUBLE);
  }
  // numpy bool as h5py stores it: enum int8 {FALSE = 0, TRUE = 1}.
  void bool_attr(const std::string& object, const std::string& name, bool value) {
    const hid_t type = H5Tenum_create(H5T_NATIVE_INT8);
    std::int8_t no = 0;
    std::int8_t yes = 1;
    H5Tenum_insert(type, "FALSE", &no);
    H5Tenum_insert(type, "TRUE", &yes);
    std::int8_t v = value ? 1 : 0;
    write_attr(object, name, type, &v);
    H5Tclose(type);
  }
  void double_array_attr(const std::string& object, const std::string& name,
                         const std::vector<double>& values) {
    const hid_t o = H5Oopen(file_, object.c_str(), H5P_DEFAULT);
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(o, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, values.data());
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(o);
  }

 private:
  void write_attr(const std::string& object, const std::string& name, hid_t type, const void* value,
                  hid_t memory_type = -1) {
    const hid_t o = H5Oopen(file_, object.c_str(), H5P_DEFAULT);
    EXPECT_GE(o, 0) << object;
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(o, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << object << " " << name;
    EXPECT_GE(H5Awrite(a, memory_type >= 0 ? memory_type : type, value), 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(o);
  }

  hid_t file_ = -1;
  hid_t lcpl_ = -1;
};

// n x m values v[i][j] = i * 1000 + j + offset.
inline std::vector<double> ramp(std::size_t n, std::size_t m, double offset = 0) {
  std::vector<double> v(n * m);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      v[i * m + j] = static_cast<double>(i) * 1000 + static_cast<double>(j) + offset;
    }
  }
  return v;
}

// n frames of h x w x c: pixel = (frame * 7 + y + x + channel) % 251.
inline std::vector<std::uint8_t> frames(std::size_t n, std::size_t h, std::size_t w,
                                        std::size_t c) {
  std::vector<std::uint8_t> v(n * h * w * c);
  std::size_t k = 0;
  for (std::size_t f = 0; f < n; ++f) {
    for (std::size_t y = 0; y < h; ++y) {
      for (std::size_t x = 0; x < w; ++x) {
        for (std::size_t ch = 0; ch < c; ++ch)
          v[k++] = static_cast<std::uint8_t>((f * 7 + y + x + ch) % 251);
      }
    }
  }
  return v;
}

// One delivered message, copied out of the callback.
struct Message {
  std::string topic;
  std::uint32_t episode = 0;
  std::int64_t time_ns = 0;
  std::uint32_t sequence = 0;
  std::vector<std::uint8_t> data;
};

// Every message `options` selects; a failed read fails the test.
inline std::vector<Message> read_all(Recording& recording, const ReadOptions& options = {}) {
  std::vector<Message> out;
  const Status status = recording.read_messages(options, [&](const MessageView& view) {
    out.push_back({view.stream->topic,
                   view.episode,
                   view.log_time_ns,
                   view.sequence,
                   {view.data.begin(), view.data.end()}});
    return Status{};
  });
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

}  // namespace parity::hdf5::testing
