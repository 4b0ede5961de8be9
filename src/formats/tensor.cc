#include "parity/formats/tensor.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace parity {
namespace {

struct DTypeEntry {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

constexpr std::array<DTypeEntry, 12> kDTypes = {{
    {DType::kBool, "bool", 1},
    {DType::kInt8, "int8", 1},
    {DType::kUint8, "uint8", 1},
    {DType::kInt16, "int16", 2},
    {DType::kUint16, "uint16", 2},
    {DType::kInt32, "int32", 4},
    {DType::kUint32, "uint32", 4},
    {DType::kInt64, "int64", 8},
    {DType::kUint64, "uint64", 8},
    {DType::kFloat16, "float16", 2},
    {DType::kFloat32, "float32", 4},
    {DType::kFloat64, "float64", 8},
}};

// NumPy array-protocol type strings without the byte-order character ("f4", "u1", "?").
struct NumpyCode {
  std::string_view code;
  DType dtype;
};
constexpr std::array<NumpyCode, 12> kNumpyCodes = {{
    {"?", DType::kBool},
    {"b1", DType::kBool},
    {"i1", DType::kInt8},
    {"u1", DType::kUint8},
    {"i2", DType::kInt16},
    {"u2", DType::kUint16},
    {"i4", DType::kInt32},
    {"u4", DType::kUint32},
    {"i8", DType::kInt64},
    {"u8", DType::kUint64},
    {"f2", DType::kFloat16},
    {"f4", DType::kFloat32},
}};

std::uint64_t saturating_multiply(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return a * b;
}

template <typename T>
T load(std::span<const std::uint8_t> data, std::size_t index) {
  T value;
  std::memcpy(&value, data.data() + index * sizeof(T), sizeof(T));
  return value;  // little-endian host (x86-64, aarch64), as the encoding requires
}

// IEEE 754 binary16 -> double, exact.
double half_to_double(std::uint16_t bits) {
  const int sign = (bits >> 15) != 0 ? -1 : 1;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) {
    return mantissa == 0 ? sign * std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::quiet_NaN();
  }
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.dtype == dtype) return entry.name;
  }
  return "unknown";
}

std::size_t dtype_size(DType dtype) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.dtype == dtype) return entry.size;
  }
  return 1;
}

Result<DType> parse_dtype(std::string_view name) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.name == name) return entry.dtype;
  }
  if (name == "float") return DType::kFloat32;
  if (name == "double") return DType::kFloat64;
  std::string_view code = name;
  if (!code.empty() && (code.front() == '<' || code.front() == '|' || code.front() == '=')) {
    code.remove_prefix(1);
  }
  if (code == "f8") return DType::kFloat64;
  for (const NumpyCode& entry : kNumpyCodes) {
    if (entry.code == code) return entry.dtype;
  }
  return invalid_argument(
      fmt::format("unknown element type '{}' (expected one of bool, int8, "
                  "uint8, int16, uint16, int32, uint32, int64, uint64, "
                  "float16, float32, float64)",
                  name));
}

std::uint64_t TensorSpec::element_count() const {
  std::uint64_t count = 1;
  for (const std::uint64_t dim : shape) count = saturating_multiply(count, dim);
  return count;
}

std::uint64_t TensorSpec::byte_size() const {
  return saturating_multiply(element_count(), dtype_size(dtype));
}

std::string TensorSpec::to_string() const {
  return fmt::format("{}[{}]", dtype_name(dtype), fmt::join(shape, ","));
}

Result<TensorSpec> parse_tensor_spec(std::string_view text) {
  const std::size_t open = text.find('[');
  if (open == std::string_view::npos || text.back() != ']') {
    return invalid_argument(
        fmt::format("tensor spec '{}': expected <dtype>[d1,d2,...], e.g. float32[7]", text));
  }
  TensorSpec spec;
  auto dtype = parse_dtype(text.substr(0, open));
  if (!dtype.ok()) {
    return invalid_argument(fmt::format("tensor spec '{}': {}", text, dtype.status().message()));
  }
  spec.dtype = *dtype;
  std::string_view dims = text.substr(open + 1, text.size() - open - 2);
  std::size_t position = open + 1;
  while (!dims.empty()) {
    const std::size_t comma = dims.find(',');
    const std::string_view part = dims.substr(0, comma);
    std::uint64_t dim = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), dim);
    if (part.empty() || error != std::errc() || end != part.data() + part.size()) {
      return invalid_argument(fmt::format(
          "tensor spec '{}': position {}: expected a non-negative dimension, found '{}'", text,
          position, part));
    }
    spec.shape.push_back(dim);
    if (comma == std::string_view::npos) break;
    dims.remove_prefix(comma + 1);
    position += comma + 1;
    if (dims.empty()) {
      return invalid_argument(fmt::format(
          "tensor spec '{}': position {}: dimension missing after ','", text, position));
    }
  }
  return spec;
}

double tensor_element(DType dtype, std::span<const std::uint8_t> data, std::size_t index) {
  switch (dtype) {
    case DType::kBool: return data[index] != 0 ? 1.0 : 0.0;
    case DType::kInt8: return load<std::int8_t>(data, index);
    case DType::kUint8: return data[index];
    case DType::kInt16: return load<std::int16_t>(data, index);
    case DType::kUint16: return load<std::uint16_t>(data, index);
    case DType::kInt32: return load<std::int32_t>(data, index);
    case DType::kUint32: return load<std::uint32_t>(data, index);
    case DType::kInt64: return static_cast<double>(load<std::int64_t>(data, index));
    case DType::kUint64: return static_cast<double>(load<std::uint64_t>(data, index));
    case DType::kFloat16: return half_to_double(load<std::uint16_t>(data, index));
    case DType::kFloat32: return load<float>(data, index);
    case DType::kFloat64: return load<double>(data, index);
  }
  return 0;
}

}  // namespace parity
