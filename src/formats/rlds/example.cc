#include "parity/formats/rlds/example.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace parity::rlds {
namespace {

// Protobuf wire types (protobuf.dev/programming-guides/encoding, "Message Structure").
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kFixed64 = 1;
constexpr std::uint32_t kLengthDelimited = 2;
constexpr std::uint32_t kFixed32 = 5;
constexpr int kMaxVarintBytes = 10;

Status bad(std::uint64_t offset, std::string_view what) {
  return corrupt(fmt::format("Example: offset {}: {}", offset, what));
}

// A bounded cursor over an in-memory message; `base` is the offset of bytes[0] in the Example.
class Cursor {
 public:
  Cursor(std::span<const std::uint8_t> bytes, std::uint64_t base) : bytes_(bytes), base_(base) {}

  bool done() const { return pos_ >= bytes_.size(); }
  std::uint64_t offset() const { return base_ + pos_; }

  Result<std::uint64_t> varint() {
    std::uint64_t value = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      if (pos_ >= bytes_.size()) return bad(offset(), "varint runs past the end of its message");
      const std::uint8_t b = bytes_[pos_++];
      value |= std::uint64_t{b & 0x7Fu} << (7 * i);
      if ((b & 0x80u) == 0) return value;
    }
    return bad(offset(), "varint longer than 10 bytes");
  }

  // Tag: field number and wire type.
  Result<std::pair<std::uint64_t, std::uint32_t>> tag() {
    const std::uint64_t at = offset();
    PARITY_ASSIGN_OR_RETURN(const std::uint64_t tag, varint());
    const auto wire = static_cast<std::uint32_t>(tag & 7u);
    if ((tag >> 3) == 0) return bad(at, "field number 0");
    return std::make_pair(tag >> 3, wire);
  }

  // The payload of a length-delimited field (the length varint is read here) and its offset.
  Result<std::pair<std::span<const std::uint8_t>, std::uint64_t>> length_delimited() {
    const std::uint64_t at = offset();
    PARITY_ASSIGN_OR_RETURN(const std::uint64_t length, varint());
    if (length > bytes_.size() - pos_) {
      return bad(at, fmt::format("length {} runs past the end of its message ({} bytes left)",
                                 length, bytes_.size() - pos_));
    }
    const std::uint64_t start = offset();
    auto payload = bytes_.subspan(pos_, length);
    pos_ += length;
    return std::make_pair(payload, start);
  }

  Result<std::span<const std::uint8_t>> fixed(std::size_t n) {
    if (n > bytes_.size() - pos_) {
      return bad(offset(), fmt::format("{}-byte value runs past the end of its message", n));
    }
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  Status skip(std::uint32_t wire) {
    switch (wire) {
      case kVarint: return varint().status();
      case kFixed64: return fixed(8).status();
      case kLengthDelimited: return length_delimited().status();
      case kFixed32: return fixed(4).status();
      default: return bad(offset(), fmt::format("unsupported wire type {}", wire));
    }
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::uint64_t base_;
  std::size_t pos_ = 0;
};

float load_float(std::span<const std::uint8_t> bytes) {
  float value;
  std::memcpy(&value, bytes.data(), sizeof value);  // little-endian hosts, as the wire
  return value;
}

Status parse_bytes_list(std::span<const std::uint8_t> bytes, std::uint64_t base, Feature& out) {
  Cursor c(bytes, base);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first == 1) {
      if (tag.second != kLengthDelimited) {
        return bad(c.offset(), fmt::format("BytesList.value with wire type {}", tag.second));
      }
      PARITY_ASSIGN_OR_RETURN(const auto value, c.length_delimited());
      out.bytes.push_back(value.first);
    } else {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    }
  }
  return {};
}

Status parse_float_list(std::span<const std::uint8_t> bytes, std::uint64_t base, Feature& out) {
  Cursor c(bytes, base);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first != 1) {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    } else if (tag.second == kLengthDelimited) {  // packed
      PARITY_ASSIGN_OR_RETURN(const auto packed, c.length_delimited());
      if (packed.first.size() % 4 != 0) {
        return bad(packed.second, fmt::format("packed FloatList of {} bytes (not a multiple of 4)",
                                              packed.first.size()));
      }
      out.floats.reserve(out.floats.size() + packed.first.size() / 4);
      for (std::size_t i = 0; i < packed.first.size(); i += 4) {
        out.floats.push_back(load_float(packed.first.subspan(i, 4)));
      }
    } else if (tag.second == kFixed32) {
      PARITY_ASSIGN_OR_RETURN(const auto value, c.fixed(4));
      out.floats.push_back(load_float(value));
    } else {
      return bad(c.offset(), fmt::format("FloatList.value with wire type {}", tag.second));
    }
  }
  return {};
}

Status parse_int64_list(std::span<const std::uint8_t> bytes, std::uint64_t base, Feature& out) {
  Cursor c(bytes, base);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first != 1) {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    } else if (tag.second == kLengthDelimited) {  // packed
      PARITY_ASSIGN_OR_RETURN(const auto packed, c.length_delimited());
      Cursor values(packed.first, packed.second);
      while (!values.done()) {
        PARITY_ASSIGN_OR_RETURN(const std::uint64_t v, values.varint());
        out.int64s.push_back(static_cast<std::int64_t>(v));
      }
    } else if (tag.second == kVarint) {
      PARITY_ASSIGN_OR_RETURN(const std::uint64_t v, c.varint());
      out.int64s.push_back(static_cast<std::int64_t>(v));
    } else {
      return bad(c.offset(), fmt::format("Int64List.value with wire type {}", tag.second));
    }
  }
  return {};
}

// Merges a serialized Feature into `out`.
Status merge_feature(std::span<const std::uint8_t> bytes, std::uint64_t base, Feature& out) {
  Cursor c(bytes, base);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first < 1 || tag.first > 3) {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
      continue;
    }
    if (tag.second != kLengthDelimited) {
      return bad(c.offset(),
                 fmt::format("Feature field {} with wire type {}", tag.first, tag.second));
    }
    PARITY_ASSIGN_OR_RETURN(const auto list, c.length_delimited());
    const auto kind = static_cast<FeatureKind>(tag.first);
    if (out.kind != kind) {  // a different oneof member replaces the previous one
      out = Feature{};
      out.kind = kind;
    }
    switch (kind) {
      case FeatureKind::kBytes:
        PARITY_RETURN_IF_ERROR(parse_bytes_list(list.first, list.second, out));
        break;
      case FeatureKind::kFloat:
        PARITY_RETURN_IF_ERROR(parse_float_list(list.first, list.second, out));
        break;
      default: PARITY_RETURN_IF_ERROR(parse_int64_list(list.first, list.second, out)); break;
    }
  }
  return {};
}

Status parse_entry(std::span<const std::uint8_t> bytes, std::uint64_t base, Example& out) {
  Cursor c(bytes, base);
  std::string key;
  Feature value;
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if ((tag.first == 1 || tag.first == 2) && tag.second != kLengthDelimited) {
      return bad(c.offset(),
                 fmt::format("map entry field {} with wire type {}", tag.first, tag.second));
    }
    if (tag.first == 1) {
      PARITY_ASSIGN_OR_RETURN(const auto k, c.length_delimited());
      key.assign(k.first.begin(), k.first.end());
    } else if (tag.first == 2) {
      PARITY_ASSIGN_OR_RETURN(const auto v, c.length_delimited());
      PARITY_RETURN_IF_ERROR(merge_feature(v.first, v.second, value));
    } else {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    }
  }
  out.features.insert_or_assign(std::move(key), std::move(value));
  return {};
}

Status parse_features(std::span<const std::uint8_t> bytes, std::uint64_t base, Example& out) {
  Cursor c(bytes, base);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first == 1 && tag.second == kLengthDelimited) {
      PARITY_ASSIGN_OR_RETURN(const auto entry, c.length_delimited());
      PARITY_RETURN_IF_ERROR(parse_entry(entry.first, entry.second, out));
    } else if (tag.first == 1) {
      return bad(c.offset(), fmt::format("Features.feature with wire type {}", tag.second));
    } else {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    }
  }
  return {};
}

// ------------------------------------------------------------------------ structure scan

// Reads through the caller's function with a small window, so that tags, lengths and keys that
// sit next to each other cost one read.
class WindowReader {
 public:
  static constexpr std::uint64_t kWindow = 4096;

  WindowReader(std::uint64_t size,
               const std::function<Status(std::uint64_t, std::span<std::uint8_t>)>& read)
      : size_(size), read_(read) {}

  Result<std::uint8_t> byte(std::uint64_t pos) {
    if (pos >= size_) return bad(pos, "message runs past the end of the Example");
    if (pos < start_ || pos >= start_ + window_.size()) {
      window_.resize(std::min(kWindow, size_ - pos));
      PARITY_RETURN_IF_ERROR(read_(pos, window_));
      start_ = pos;
    }
    return window_[pos - start_];
  }

  Result<std::uint64_t> varint(std::uint64_t& pos, std::uint64_t end) {
    std::uint64_t value = 0;
    for (int i = 0; i < kMaxVarintBytes; ++i) {
      if (pos >= end) return bad(pos, "varint runs past the end of its message");
      PARITY_ASSIGN_OR_RETURN(const std::uint8_t b, byte(pos));
      ++pos;
      value |= std::uint64_t{b & 0x7Fu} << (7 * i);
      if ((b & 0x80u) == 0) return value;
    }
    return bad(pos, "varint longer than 10 bytes");
  }

  // Reads a length varint at `pos` and checks the payload fits before `end`.
  Result<std::uint64_t> length(std::uint64_t& pos, std::uint64_t end) {
    const std::uint64_t at = pos;
    PARITY_ASSIGN_OR_RETURN(const std::uint64_t n, varint(pos, end));
    if (n > end - pos) {
      return bad(at, fmt::format("length {} runs past the end of its message ({} bytes left)", n,
                                 end - pos));
    }
    return n;
  }

  Status skip(std::uint64_t& pos, std::uint64_t end, std::uint32_t wire) {
    std::uint64_t n = 0;
    switch (wire) {
      case kVarint: return varint(pos, end).status();
      case kFixed64: n = 8; break;
      case kFixed32: n = 4; break;
      case kLengthDelimited: {
        PARITY_ASSIGN_OR_RETURN(n, length(pos, end));
        break;
      }
      default: return bad(pos, fmt::format("unsupported wire type {}", wire));
    }
    if (n > end - pos) return bad(pos, fmt::format("{}-byte value runs past its message", n));
    pos += n;
    return {};
  }

  Status read(std::uint64_t pos, std::span<std::uint8_t> out) { return read_(pos, out); }

 private:
  std::uint64_t size_;
  const std::function<Status(std::uint64_t, std::span<std::uint8_t>)>& read_;
  std::vector<std::uint8_t> window_;
  std::uint64_t start_ = 0;
};

struct Tag {
  std::uint64_t field;
  std::uint32_t wire;
};

Result<Tag> read_tag(WindowReader& r, std::uint64_t& pos, std::uint64_t end) {
  const std::uint64_t at = pos;
  PARITY_ASSIGN_OR_RETURN(const std::uint64_t tag, r.varint(pos, end));
  if ((tag >> 3) == 0) return bad(at, "field number 0");
  return Tag{tag >> 3, static_cast<std::uint32_t>(tag & 7u)};
}

Status scan_entry(WindowReader& r, std::uint64_t pos, std::uint64_t end,
                  const std::function<void(FeatureLocation)>& on_entry) {
  FeatureLocation location;
  while (pos < end) {
    PARITY_ASSIGN_OR_RETURN(const Tag tag, read_tag(r, pos, end));
    if ((tag.field == 1 || tag.field == 2) && tag.wire == kLengthDelimited) {
      PARITY_ASSIGN_OR_RETURN(const std::uint64_t n, r.length(pos, end));
      if (tag.field == 1) {
        location.key.clear();
        if (n <= 256) {  // through the window: keys sit right after their entry's tag
          for (std::uint64_t i = 0; i < n; ++i) {
            PARITY_ASSIGN_OR_RETURN(const std::uint8_t b, r.byte(pos + i));
            location.key.push_back(static_cast<char>(b));
          }
        } else {
          std::vector<std::uint8_t> key(n);
          PARITY_RETURN_IF_ERROR(r.read(pos, key));
          location.key.assign(key.begin(), key.end());
        }
      } else {
        location.offset = pos;
        location.length = n;
      }
      pos += n;
    } else if (tag.field == 1 || tag.field == 2) {
      return bad(pos, fmt::format("map entry field {} with wire type {}", tag.field, tag.wire));
    } else {
      PARITY_RETURN_IF_ERROR(r.skip(pos, end, tag.wire));
    }
  }
  on_entry(std::move(location));
  return {};
}

}  // namespace

std::string_view feature_kind_name(FeatureKind kind) {
  switch (kind) {
    case FeatureKind::kNone: return "none";
    case FeatureKind::kBytes: return "bytes_list";
    case FeatureKind::kFloat: return "float_list";
    case FeatureKind::kInt64: return "int64_list";
  }
  return "unknown";
}

std::size_t Feature::size() const {
  switch (kind) {
    case FeatureKind::kBytes: return bytes.size();
    case FeatureKind::kFloat: return floats.size();
    case FeatureKind::kInt64: return int64s.size();
    case FeatureKind::kNone: break;
  }
  return 0;
}

const Feature* Example::find(std::string_view key) const {
  const auto it = features.find(key);
  return it == features.end() ? nullptr : &it->second;
}

Result<Example> parse_example(std::span<const std::uint8_t> bytes) {
  Example example;
  Cursor c(bytes, 0);
  while (!c.done()) {
    PARITY_ASSIGN_OR_RETURN(const auto tag, c.tag());
    if (tag.first == 1 && tag.second == kLengthDelimited) {
      PARITY_ASSIGN_OR_RETURN(const auto features, c.length_delimited());
      PARITY_RETURN_IF_ERROR(parse_features(features.first, features.second, example));
    } else if (tag.first == 1) {
      return bad(c.offset(), fmt::format("Example.features with wire type {}", tag.second));
    } else {
      PARITY_RETURN_IF_ERROR(c.skip(tag.second));
    }
  }
  return example;
}

Result<Feature> parse_feature(std::span<const std::uint8_t> bytes) {
  Feature feature;
  PARITY_RETURN_IF_ERROR(merge_feature(bytes, 0, feature));
  return feature;
}

Status scan_example(std::uint64_t size,
                    const std::function<Status(std::uint64_t, std::span<std::uint8_t>)>& read,
                    const std::function<void(FeatureLocation)>& on_entry) {
  WindowReader r(size, read);
  std::uint64_t pos = 0;
  while (pos < size) {
    PARITY_ASSIGN_OR_RETURN(const Tag tag, read_tag(r, pos, size));
    if (tag.field != 1) {
      PARITY_RETURN_IF_ERROR(r.skip(pos, size, tag.wire));
      continue;
    }
    if (tag.wire != kLengthDelimited) {
      return bad(pos, fmt::format("Example.features with wire type {}", tag.wire));
    }
    PARITY_ASSIGN_OR_RETURN(const std::uint64_t n, r.length(pos, size));
    const std::uint64_t features_end = pos + n;
    while (pos < features_end) {
      PARITY_ASSIGN_OR_RETURN(const Tag entry_tag, read_tag(r, pos, features_end));
      if (entry_tag.field != 1) {
        PARITY_RETURN_IF_ERROR(r.skip(pos, features_end, entry_tag.wire));
        continue;
      }
      if (entry_tag.wire != kLengthDelimited) {
        return bad(pos, fmt::format("Features.feature with wire type {}", entry_tag.wire));
      }
      PARITY_ASSIGN_OR_RETURN(const std::uint64_t entry_length, r.length(pos, features_end));
      PARITY_RETURN_IF_ERROR(scan_entry(r, pos, pos + entry_length, on_entry));
      pos += entry_length;
    }
  }
  return {};
}

}  // namespace parity::rlds
