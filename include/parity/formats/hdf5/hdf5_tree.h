// An in-memory description of an HDF5 file's object tree: groups, datasets (type, shape,
// chunking, storage) and attributes with their small values. read_hdf5_tree() builds it with
// libhdf5 without reading any bulk data; layout detection and recording planning
// (hdf5_layout.h) are pure functions of it, which is what the fuzz target exercises.
//
// The walk is bounded by Hdf5Limits: a hostile file with a million groups, deep nesting or huge
// attributes yields a partial tree plus a list of omissions, never unbounded memory or time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"

namespace parity::hdf5 {

// Caps on what read_hdf5_tree() takes from a file. Defaults suit demonstration files with up to
// ~5,000 demos of ~40 objects each; the tree costs about 320 bytes per object.
struct Hdf5Limits {
  std::uint64_t max_objects = 200'000;  // groups + datasets + other objects listed (~320 B each)
  std::uint32_t max_depth = 32;         // group nesting below the root
  std::uint32_t max_attributes = 256;   // attributes listed per object
  std::uint32_t max_name_bytes = 1024;  // longer link/attribute names are skipped
  // A string value (attribute or small dataset) is kept up to this many bytes; longer values
  // are truncated (Hdf5Value::truncated, full_size keeps the length).
  std::uint64_t max_value_bytes = 1 << 20;
  // Sum of kept value bytes over the whole tree; once spent, further values are not read.
  std::uint64_t max_total_value_bytes = 64ull << 20;
  // Numeric datasets with at most this many elements (rank <= 1) have their contents read.
  std::uint64_t max_inline_numbers = 16;
};

// The small value of an attribute or of a small dataset.
struct Hdf5Value {
  enum class Kind : std::uint8_t {
    kNone,         // not read: too large, an unsupported type, or the value budget was spent
    kString,       // `text` (UTF-8 or bytes as stored; NULs and padding removed)
    kInteger,      // `text` is the exact decimal value ("-3", "18446744073709551615")
    kFloat,        // `text` is the shortest round-trip decimal ("0.05"); `numbers` has it too
    kBool,         // `text` is "true" or "false"
    kStringArray,  // `strings` (rank-1 string data, e.g. robomimic mask/<filter_key>)
    kNumberArray,  // `numbers` (rank-1 numeric data of at most max_inline_numbers elements)
  };
  Kind kind = Kind::kNone;
  std::string text;
  std::vector<std::string> strings;
  std::vector<double> numbers;
  std::uint64_t full_size = 0;  // kString: bytes of the whole stored string
  bool truncated = false;       // kString / kStringArray: only a prefix was kept
};

struct Hdf5Attribute {
  std::string name;
  Hdf5Value value;
};

// HDF5 datatype classes as far as Parity cares.
enum class Hdf5Class : std::uint8_t {
  kInteger,
  kFloat,
  kBool,  // h5py's bool: an 8-bit enum {FALSE = 0, TRUE = 1}
  kString,
  kOther,  // compound, opaque, reference, array, vlen sequence, other enums, bitfield, time
};

struct Hdf5DatasetInfo {
  Hdf5Class type_class = Hdf5Class::kOther;
  std::uint32_t element_size = 0;         // bytes per element as stored
  bool is_signed = false;                 // integers
  bool little_endian = true;              // integers and floats
  std::vector<std::uint64_t> dims;        // current extent; empty = scalar dataspace
  std::vector<std::uint64_t> chunk_dims;  // empty unless the layout is chunked
  std::uint64_t storage_bytes = 0;        // bytes allocated in the file (H5Dget_storage_size)
  std::vector<std::string> filters;       // filter names in pipeline order ("deflate", ...)
  // Why the raw data must not be read ("external storage", "virtual dataset", "filter 'lzf'
  // (id 32000) is not available"); empty when it can be.
  std::string unreadable;
  Hdf5Value value;  // contents of small datasets (see Hdf5Limits), else kNone
};

struct Hdf5Node {
  enum class Kind : std::uint8_t { kGroup, kDataset, kOther };
  std::string name;  // link name in the parent; "" for the root group
  Kind kind = Kind::kGroup;
  std::vector<Hdf5Attribute> attributes;  // in name order
  std::vector<Hdf5Node> children;         // groups only; in name order
  Hdf5DatasetInfo dataset;                // datasets only

  const Hdf5Node* child(std::string_view child_name) const;
  const Hdf5Attribute* attribute(std::string_view attribute_name) const;
};

struct Hdf5Tree {
  Hdf5Node root;
  std::uint64_t file_bytes = 0;    // size of the file
  std::uint64_t object_count = 0;  // nodes in the tree, root included
  // What the walk left out and why ("data/x: soft link not followed", "max_objects (500000)
  // reached at data/demo_77"), in walk order. At most 64 entries are kept.
  std::vector<std::string> omissions;

  // The node at a '/'-separated path relative to the root ("data/demo_1/actions"); "" and "/"
  // name the root. nullptr when absent.
  const Hdf5Node* find(std::string_view path) const;
};

// Walks the HDF5 file at `path` (opened read-only) and describes it. Soft and external links
// are listed as omissions and never followed; a hard link to an object already listed is not
// walked twice. Errors: kNotFound, kInvalidArgument (not a regular file), kIoError (unreadable),
// kTruncated (empty file or shorter than its superblock says), kCorrupt (no HDF5 signature, or
// libhdf5 cannot open it; the message carries libhdf5's innermost error). Omissions are also
// reported to `diagnostics`: one warning for limits reached or unreadable objects, one info for
// links not followed. Serialised with every other libhdf5 call in Parity.
Result<Hdf5Tree> read_hdf5_tree(const std::filesystem::path& path, const Hdf5Limits& limits,
                                DiagnosticSink& diagnostics);

}  // namespace parity::hdf5
