#include "parity/formats/hdf5/hdf5_mapping.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

namespace parity::hdf5 {

namespace {

std::string where(std::string_view label, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return std::string(label);
  return fmt::format("{}: line {}", label, mark.line + 1);
}

Status bad(std::string_view label, const YAML::Node& node, std::string_view what) {
  return invalid_argument(fmt::format("{}: {}", where(label, node), what));
}

Result<std::string> scalar_text(std::string_view label, const YAML::Node& node,
                                std::string_view key) {
  if (!node.IsScalar()) return bad(label, node, fmt::format("'{}' must be a scalar", key));
  return node.Scalar();
}

Result<double> rate_value(std::string_view label, const YAML::Node& node) {
  PARITY_ASSIGN_OR_RETURN(const std::string text, scalar_text(label, node, "rate_hz"));
  double rate = 0;
  try {
    std::size_t used = 0;
    rate = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument("trailing characters");
  } catch (const std::exception&) {
    return bad(label, node, fmt::format("rate_hz '{}' is not a number", text));
  }
  if (!std::isfinite(rate) || rate < kHdf5MinRateHz || rate > kHdf5MaxRateHz) {
    return bad(label, node,
               fmt::format("rate_hz {} is outside [{}, {}]", text, kHdf5MinRateHz, kHdf5MaxRateHz));
  }
  return rate;
}

bool valid_relative_path(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  return path.find("//") == std::string_view::npos;
}

Result<Hdf5StreamMapping> parse_stream(std::string_view label, const YAML::Node& node) {
  if (!node.IsMap()) return bad(label, node, "each entry of 'streams' must be a map");
  Hdf5StreamMapping stream;
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "path") {
      PARITY_ASSIGN_OR_RETURN(stream.path, scalar_text(label, value, key));
    } else if (key == "name") {
      PARITY_ASSIGN_OR_RETURN(stream.name, scalar_text(label, value, key));
    } else if (key == "type") {
      PARITY_ASSIGN_OR_RETURN(const std::string type, scalar_text(label, value, key));
      if (type == "tensor") {
        stream.type = Hdf5StreamKind::kTensor;
      } else if (type == "image") {
        stream.type = Hdf5StreamKind::kImage;
      } else if (type == "compressed_image") {
        stream.type = Hdf5StreamKind::kCompressedImage;
      } else {
        return bad(
            label, value,
            fmt::format("stream type '{}' is not one of tensor, image, compressed_image", type));
      }
    } else if (key == "image_encoding") {
      PARITY_ASSIGN_OR_RETURN(stream.image_encoding, scalar_text(label, value, key));
      static const std::set<std::string> kEncodings = {"rgb8",  "bgr8",  "rgba8", "bgra8",
                                                       "mono8", "16UC1", "32FC1"};
      if (kEncodings.count(stream.image_encoding) == 0) {
        return bad(label, value,
                   fmt::format("image_encoding '{}' is not one of rgb8, bgr8, rgba8, bgra8, "
                               "mono8, 16UC1, 32FC1",
                               stream.image_encoding));
      }
    } else if (key == "image_format") {
      PARITY_ASSIGN_OR_RETURN(stream.image_format, scalar_text(label, value, key));
    } else if (key == "rate_hz") {
      PARITY_ASSIGN_OR_RETURN(stream.rate_hz, rate_value(label, value));
    } else {
      return bad(label, entry.first,
                 fmt::format("unknown stream key '{}' (expected path, name, type, "
                             "image_encoding, image_format, rate_hz)",
                             key));
    }
  }
  if (!valid_relative_path(stream.path)) {
    return bad(label, node,
               fmt::format("stream path '{}' must be a non-empty relative path without empty "
                           "components",
                           stream.path));
  }
  if (stream.name.empty()) stream.name = stream.path;
  if (!stream.image_encoding.empty() && stream.type && *stream.type != Hdf5StreamKind::kImage) {
    return bad(label, node, "image_encoding applies only to type: image");
  }
  if (!stream.image_format.empty() && stream.type &&
      *stream.type != Hdf5StreamKind::kCompressedImage) {
    return bad(label, node, "image_format applies only to type: compressed_image");
  }
  return stream;
}

Result<Hdf5Mapping> parse_root(std::string_view label, const YAML::Node& root) {
  if (!root.IsMap()) return bad(label, root, "a mapping file must be a YAML map");
  Hdf5Mapping mapping;
  bool has_episodes = false;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "episodes") {
      PARITY_ASSIGN_OR_RETURN(mapping.episodes, scalar_text(label, value, key));
      if (mapping.episodes.find("//") != std::string::npos) {
        return bad(label, value,
                   fmt::format("episodes pattern '{}' has an empty component", mapping.episodes));
      }
      has_episodes = true;
    } else if (key == "rate_hz") {
      PARITY_ASSIGN_OR_RETURN(mapping.rate_hz, rate_value(label, value));
    } else if (key == "streams") {
      if (!value.IsSequence()) return bad(label, value, "'streams' must be a list");
      std::set<std::string> names;
      for (const YAML::Node& item : value) {
        PARITY_ASSIGN_OR_RETURN(Hdf5StreamMapping stream, parse_stream(label, item));
        if (!names.insert(stream.name).second) {
          return bad(label, item, fmt::format("duplicate stream name '{}'", stream.name));
        }
        mapping.streams.push_back(std::move(stream));
      }
    } else if (key == "attributes") {
      if (!value.IsMap()) return bad(label, value, "'attributes' must be a map");
      for (const auto& attribute : value) {
        const std::string name = attribute.first.as<std::string>();
        PARITY_ASSIGN_OR_RETURN(mapping.attributes[name],
                                scalar_text(label, attribute.second, name));
      }
    } else {
      return bad(
          label, entry.first,
          fmt::format("unknown key '{}' (expected episodes, rate_hz, streams, attributes)", key));
    }
  }
  if (!has_episodes) {
    return invalid_argument(fmt::format(
        "{}: missing 'episodes' (a group pattern such as \"data/*\", or \"/\" for the root)",
        label));
  }
  return mapping;
}

}  // namespace

Result<Hdf5Mapping> parse_hdf5_mapping(std::string_view yaml_text, std::string_view source_label) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    return parse_root(source_label, root);
  } catch (const YAML::Exception& e) {
    return invalid_argument(fmt::format("{}: not valid YAML: {}", source_label, e.what()));
  } catch (const std::exception& e) {
    return invalid_argument(fmt::format("{}: cannot read the mapping: {}", source_label, e.what()));
  }
}

bool hdf5_glob_match(std::string_view pattern, std::string_view name) {
  // Iterative matcher with one backtrack point (the last '*'): O(|pattern| * |name|).
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace parity::hdf5
