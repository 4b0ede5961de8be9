// The bounded tree walk behind read_hdf5_tree() (private to parity_hdf5).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/formats/hdf5/hdf5_tree.h"

namespace parity::hdf5::detail {

class ValueSource;

// Fills an Hdf5Tree from an open file. Call walk() under a LibraryGuard.
class TreeWalker {
 public:
  TreeWalker(const Hdf5Limits& limits, Hdf5Tree& tree);

  void walk(hid_t file);

  // Omissions caused by limits or unreadable objects ("serious") and by links deliberately not
  // followed ("benign").
  std::uint64_t serious_count() const { return serious_count_; }
  std::uint64_t benign_count() const { return benign_count_; }
  const std::string& first_serious() const { return first_serious_; }
  const std::string& first_benign() const { return first_benign_; }

 private:
  void omit(std::string what, bool serious = true);
  void walk_group(hid_t group, Hdf5Node& node, const std::string& path, std::uint32_t depth);
  void read_attributes(hid_t object, Hdf5Node& node, const std::string& path);
  void describe_dataset(hid_t dataset, Hdf5DatasetInfo& info);
  Hdf5Value read_value(const ValueSource& source, hid_t type, hid_t space);
  void store_strings(Hdf5Value& value, std::vector<std::string> texts, bool scalar);

  const Hdf5Limits& limits_;
  Hdf5Tree& tree_;
  std::set<std::string> visited_;  // object addresses
  std::uint64_t value_bytes_ = 0;  // kept value bytes so far
  std::uint64_t serious_count_ = 0;
  std::uint64_t benign_count_ = 0;
  std::string first_serious_;
  std::string first_benign_;
};

// Replaces `tree` with a description of the open `file` (of `file_bytes` bytes) and reports
// omissions to `diagnostics` under `label` (one warning for serious ones, one info for links
// not followed). Takes the library guard itself.
void describe_open_file(hid_t file, std::uint64_t file_bytes, const std::string& label,
                        const Hdf5Limits& limits, Hdf5Tree& tree, DiagnosticSink& diagnostics);

}  // namespace parity::hdf5::detail
