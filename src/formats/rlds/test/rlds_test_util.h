// A minimal protobuf writer for building tf.train.Example bytes in tests, written from the wire
// format description (protobuf.dev/programming-guides/encoding), independent of the parser.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace parity::rlds::testing {

class Pb {
 public:
  Pb& varint(std::uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  Pb& tag(std::uint64_t field, std::uint32_t wire) { return varint((field << 3) | wire); }
  Pb& bytes(std::uint64_t field, std::span<const std::uint8_t> data) {
    tag(field, 2).varint(data.size());
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    return *this;
  }
  Pb& text(std::uint64_t field, const std::string& s) {
    return bytes(field, {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  }
  Pb& message(std::uint64_t field, const Pb& m) { return bytes(field, m.data()); }
  Pb& fixed32(std::uint64_t field, std::uint32_t v) {
    tag(field, 5);
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Pb& raw(std::span<const std::uint8_t> data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    return *this;
  }
  const std::vector<std::uint8_t>& data() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

inline std::uint32_t float_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Feature { float_list { value: ... } }, packed or one fixed32 field per value.
inline Pb float_feature(const std::vector<float>& values, bool packed = true) {
  Pb list;
  if (packed) {
    Pb payload;
    for (const float v : values) {
      const std::uint32_t u = float_bits(v);
      const std::uint8_t b[4] = {static_cast<std::uint8_t>(u), static_cast<std::uint8_t>(u >> 8),
                                 static_cast<std::uint8_t>(u >> 16),
                                 static_cast<std::uint8_t>(u >> 24)};
      payload.raw(b);
    }
    list.bytes(1, payload.data());
  } else {
    for (const float v : values) list.fixed32(1, float_bits(v));
  }
  return Pb().message(2, list);
}

inline Pb int64_feature(const std::vector<std::int64_t>& values, bool packed = true) {
  Pb list;
  if (packed) {
    Pb payload;
    for (const std::int64_t v : values) payload.varint(static_cast<std::uint64_t>(v));
    list.bytes(1, payload.data());
  } else {
    for (const std::int64_t v : values) list.tag(1, 0).varint(static_cast<std::uint64_t>(v));
  }
  return Pb().message(3, list);
}

inline Pb bytes_feature(const std::vector<std::string>& values) {
  Pb list;
  for (const std::string& v : values) list.text(1, v);
  return Pb().message(1, list);
}

inline Pb bytes_feature(const std::vector<std::vector<std::uint8_t>>& values) {
  Pb list;
  for (const auto& v : values) list.bytes(1, v);
  return Pb().message(1, list);
}

// Example { features { feature { key: ... value: ... } ... } } in the given entry order.
inline std::vector<std::uint8_t> example_bytes(const std::vector<std::pair<std::string, Pb>>& f) {
  Pb features;
  for (const auto& [key, value] : f) {
    Pb entry;
    entry.text(1, key).message(2, value);
    features.message(1, entry);
  }
  return Pb().message(1, features).data();
}

}  // namespace parity::rlds::testing
