#include "parity/ingest/settings.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <functional>

namespace parity {
namespace {

Status yaml_error(const std::filesystem::path& path, const YAML::Mark& mark,
                  const std::string& what) {
  if (mark.is_null()) return invalid_argument(fmt::format("{}: {}", path.string(), what));
  return invalid_argument(fmt::format("{}:{}: {}", path.string(), mark.line + 1, what));
}

Status read_scalar_map(const std::filesystem::path& path, const YAML::Node& node,
                       const char* section,
                       const std::function<void(std::string, std::string)>& on_entry) {
  if (!node.IsMap()) {
    return yaml_error(path, node.Mark(), fmt::format("'{}' must be a map of key: value", section));
  }
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
      return yaml_error(path, entry.first.Mark(),
                        fmt::format("'{}' entries must be scalars (key: value)", section));
    }
    on_entry(entry.first.Scalar(), entry.second.Scalar());
  }
  return {};
}

// Applies the keys of one sidecar block (top level or a `files:` entry) to `out`.
Status apply_block(const std::filesystem::path& path, const YAML::Node& block,
                   DeclaredSettings& out) {
  if (!block.IsMap()) return yaml_error(path, block.Mark(), "expected a map");
  for (const auto& entry : block) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(std::begin(kFieldKeys), std::end(kFieldKeys), key) != std::end(kFieldKeys)) {
      if (!entry.second.IsScalar()) {
        return yaml_error(path, entry.second.Mark(), fmt::format("'{}' must be a scalar", key));
      }
      out.set(key, entry.second.Scalar(), "sidecar");
    } else if (key == "attributes") {
      PARITY_RETURN_IF_ERROR(read_scalar_map(
          path, entry.second, "attributes", [&](std::string k, const std::string& v) {
            out.set(std::move(k), parse_attribute_value(v), "sidecar");
          }));
    } else if (key == "roles") {
      PARITY_RETURN_IF_ERROR(
          read_scalar_map(path, entry.second, "roles", [&](std::string topic, std::string role) {
            out.roles[std::move(topic)] = std::move(role);
          }));
    } else if (key != "files") {
      return yaml_error(path, entry.first.Mark(),
                        fmt::format("unknown key '{}'; expected domain, kind, task, embodiment, "
                                    "outcome, attributes, roles or files",
                                    key));
    }
  }
  return {};
}

}  // namespace

void DeclaredSettings::set(std::string key, AttributeValue value, std::string origin) {
  for (Attribute& attribute : attributes) {
    if (attribute.key == key) {
      attribute.value = std::move(value);
      attribute.origin = std::move(origin);
      return;
    }
  }
  attributes.push_back({std::move(key), std::move(value), std::move(origin)});
}

void DeclaredSettings::overlay(const DeclaredSettings& top) {
  for (const Attribute& attribute : top.attributes)
    set(attribute.key, attribute.value, attribute.origin);
  for (const auto& [topic, role] : top.roles) roles[topic] = role;
}

const Attribute* DeclaredSettings::find(std::string_view key) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

Result<DeclaredSettings> load_sidecar(const std::filesystem::path& yaml_path,
                                      const std::string& entry_name) {
  DeclaredSettings out;
  try {
    const YAML::Node root = YAML::LoadFile(yaml_path.string());
    if (root.IsNull()) return out;
    PARITY_RETURN_IF_ERROR(apply_block(yaml_path, root, out));
    if (const YAML::Node files = root["files"]) {
      if (!files.IsMap())
        return yaml_error(yaml_path, files.Mark(), "'files' must be a map of glob: settings");
      for (const auto& entry : files) {
        const std::string glob = entry.first.as<std::string>();
        if (fnmatch(glob.c_str(), entry_name.c_str(), 0) != 0) continue;
        DeclaredSettings per_file;
        PARITY_RETURN_IF_ERROR(apply_block(yaml_path, entry.second, per_file));
        out.overlay(per_file);
      }
    }
  } catch (const YAML::Exception& e) {
    return yaml_error(yaml_path, e.mark, e.msg);
  }
  return out;
}

Result<DeclaredSettings> sidecar_settings_for(const std::filesystem::path& source,
                                              const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path source_abs = fs::absolute(source, ec).lexically_normal();
  fs::path root_abs = fs::absolute(root, ec).lexically_normal();
  if (!fs::is_directory(root_abs, ec)) root_abs = root_abs.parent_path();
  const fs::path deepest = fs::is_directory(source_abs, ec) ? source_abs : source_abs.parent_path();

  // Directories from the root down to `deepest` (only when `deepest` lies under the root).
  std::vector<fs::path> chain;
  for (fs::path dir = deepest;; dir = dir.parent_path()) {
    chain.push_back(dir);
    if (dir == root_abs || dir == dir.parent_path()) break;
  }
  if (chain.back() != root_abs) chain = {deepest};
  std::reverse(chain.begin(), chain.end());

  DeclaredSettings merged;
  const std::string entry_name = source_abs.filename().string();
  for (const fs::path& dir : chain) {
    const fs::path candidate = dir / kSidecarName;
    if (!fs::is_regular_file(candidate, ec)) continue;
    PARITY_ASSIGN_OR_RETURN(DeclaredSettings layer, load_sidecar(candidate, entry_name));
    merged.overlay(layer);
  }
  return merged;
}

Status validate_field_values(const DeclaredSettings& settings) {
  struct Allowed {
    std::string_view key;
    std::vector<std::string_view> values;
  };
  static const std::array<Allowed, 3> kAllowed = {{
      {"domain", {"lab", "sim", "field"}},
      {"kind", {"demonstration", "teleop", "autonomous", "correction", "simulation", "deployment"}},
      {"outcome", {"success", "failure", "partial", "unknown"}},
  }};
  for (const Allowed& allowed : kAllowed) {
    const Attribute* attribute = settings.find(allowed.key);
    if (attribute == nullptr) continue;
    const std::string value = attribute_value_to_string(attribute->value);
    if (std::find(allowed.values.begin(), allowed.values.end(), value) == allowed.values.end()) {
      return invalid_argument(fmt::format("{} '{}' (from {}) is not one of: {}", allowed.key, value,
                                          attribute->origin, fmt::join(allowed.values, ", ")));
    }
  }
  return {};
}

}  // namespace parity
