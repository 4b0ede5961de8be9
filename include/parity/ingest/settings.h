// Declared settings for a source: attributes and role mappings from the command line, the
// `parity.yaml` sidecars next to the data, path templates and in-file metadata, layered by
// precedence (lowest first): file metadata < path template < sidecars (outermost first) < CLI.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "parity/catalog/model.h"
#include "parity/core/status.h"
#include "parity/ingest/roles.h"

namespace parity {

// Keys that set episode/source fields rather than free attributes.
inline constexpr std::string_view kFieldKeys[] = {"domain", "kind", "task", "embodiment",
                                                  "outcome"};

struct DeclaredSettings {
  std::vector<Attribute> attributes;  // unique keys, in first-declared order
  RoleMap roles;

  // Sets or replaces `key` (a later layer wins).
  void set(std::string key, AttributeValue value, std::string origin);
  // Every attribute and role of `top` replaces the same key here.
  void overlay(const DeclaredSettings& top);
  const Attribute* find(std::string_view key) const;
};

// The sidecar file name looked for next to the data.
inline constexpr std::string_view kSidecarName = "parity.yaml";

// Parses one sidecar. Top-level keys: domain, kind, task, embodiment, outcome (scalars),
// `attributes` (map), `roles` (map topic -> role), and `files` (map of glob on the
// file or directory name -> {the same keys}) whose matching entries apply to `entry_name`
// on top of the file-wide ones. Errors: kInvalidArgument naming the file and the line.
Result<DeclaredSettings> load_sidecar(const std::filesystem::path& yaml_path,
                                      const std::string& entry_name);

// Every parity.yaml from `root` down to the directory holding `source` (or `source` itself
// when it is a directory), merged with the nearer file winning.
Result<DeclaredSettings> sidecar_settings_for(const std::filesystem::path& source,
                                              const std::filesystem::path& root);

// Checks the values of field keys: domain in {lab, sim, field}; kind in {demonstration,
// teleop, autonomous, correction, simulation, deployment}; outcome in {success, failure,
// partial, unknown}. Errors: kInvalidArgument naming the key, the value, the origin and the
// allowed values.
Status validate_field_values(const DeclaredSettings& settings);

}  // namespace parity
