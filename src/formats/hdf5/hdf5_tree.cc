// read_hdf5_tree(): a bounded walk of an HDF5 file with H5Literate / H5Oget_info, and the
// Hdf5Tree lookups.
#include "parity/formats/hdf5/hdf5_tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "formats/hdf5/hdf5_access.h"
#include "formats/hdf5/hdf5_tree_walk.h"

namespace parity::hdf5 {

const Hdf5Node* Hdf5Node::child(std::string_view child_name) const {
  for (const Hdf5Node& node : children) {
    if (node.name == child_name) return &node;
  }
  return nullptr;
}

const Hdf5Attribute* Hdf5Node::attribute(std::string_view attribute_name) const {
  for (const Hdf5Attribute& a : attributes) {
    if (a.name == attribute_name) return &a;
  }
  return nullptr;
}

const Hdf5Node* Hdf5Tree::find(std::string_view path) const {
  const Hdf5Node* node = &root;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (end > pos) {
      node = node->child(path.substr(pos, end - pos));
      if (node == nullptr) return nullptr;
    }
    pos = end + 1;
  }
  return node;
}

namespace detail {
namespace {

constexpr std::size_t kMaxOmissions = 64;
constexpr int kMaxRank = 32;  // H5S_MAX_RANK

std::string join_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : fmt::format("{}/{}", parent, name);
}

struct LinkEntry {
  std::string name;
  H5L_type_t type = H5L_TYPE_HARD;
};

struct LinkListing {
  std::vector<LinkEntry> links;
  std::uint64_t budget = 0;  // stop after this many links
  std::uint32_t max_name_bytes = 0;
  std::uint64_t long_names = 0;
  bool stopped = false;
};

herr_t list_link(hid_t /*group*/, const char* name, const H5L_info_t* info, void* data) {
  auto* listing = static_cast<LinkListing*>(data);
  if (listing->links.size() >= listing->budget) {
    listing->stopped = true;
    return 1;  // stop iterating
  }
  const std::size_t length = std::strlen(name);
  if (length > listing->max_name_bytes) {
    ++listing->long_names;
    return 0;
  }
  listing->links.push_back({std::string(name, length), info->type});
  return 0;
}

struct AttributeListing {
  std::vector<std::string> names;
  std::uint32_t budget = 0;
  std::uint32_t max_name_bytes = 0;
  bool stopped = false;
};

herr_t list_attribute(hid_t /*object*/, const char* name, const H5A_info_t* /*info*/, void* data) {
  auto* listing = static_cast<AttributeListing*>(data);
  if (listing->names.size() >= listing->budget) {
    listing->stopped = true;
    return 1;
  }
  const std::size_t length = std::strlen(name);
  if (length <= listing->max_name_bytes) listing->names.emplace_back(name, length);
  return 0;
}

// Identity of an object in its file, to walk each object once.
struct ObjectId {
  H5O_type_t type = H5O_TYPE_UNKNOWN;
  std::string address;  // haddr_t or H5O_token_t bytes
};

bool object_id(hid_t location, const char* name, ObjectId& out) {
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info;
  if (H5Oget_info_by_name3(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
  out.type = info.type;
  out.address.assign(reinterpret_cast<const char*>(&info.token), sizeof(info.token));
#else
  H5O_info_t info;
  if (H5Oget_info_by_name2(location, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return false;
  out.type = info.type;
  out.address.assign(reinterpret_cast<const char*>(&info.addr), sizeof(info.addr));
#endif
  return true;
}

// h5py stores numpy bools as an 8-bit enum {FALSE = 0, TRUE = 1}.
bool is_bool_enum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_size(type) != 1 || H5Tget_nmembers(type) != 2) {
    return false;
  }
  bool ok = true;
  for (unsigned i = 0; i < 2 && ok; ++i) {
    char* name = H5Tget_member_name(type, i);
    if (name == nullptr) return false;
    ok = (i == 0 && std::strcmp(name, "FALSE") == 0) || (i == 1 && std::strcmp(name, "TRUE") == 0);
    H5free_memory(name);
  }
  return ok;
}

}  // namespace

// Reads values of attributes and small datasets through one interface.
class ValueSource {
 public:
  ValueSource(hid_t id, bool attribute) : id_(id), attribute_(attribute) {}
  herr_t read(hid_t memory_type, void* buffer) const {
    return attribute_ ? H5Aread(id_, memory_type, buffer)
                      : H5Dread(id_, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  }

 private:
  hid_t id_;
  bool attribute_;
};

TreeWalker::TreeWalker(const Hdf5Limits& limits, Hdf5Tree& tree) : limits_(limits), tree_(tree) {}

void TreeWalker::omit(std::string what, bool serious) {
  if (serious) {
    if (serious_count_++ == 0) first_serious_ = what;
  } else {
    if (benign_count_++ == 0) first_benign_ = what;
  }
  if (tree_.omissions.size() < kMaxOmissions) tree_.omissions.push_back(std::move(what));
}

void TreeWalker::walk(hid_t file) {
  tree_.root = Hdf5Node{};
  tree_.root.kind = Hdf5Node::Kind::kGroup;
  tree_.object_count = 1;
  Handle root = group_handle(H5Gopen2(file, "/", H5P_DEFAULT));
  if (!root.valid()) {
    omit(fmt::format("/: cannot open the root group: {}", error_text()));
    return;
  }
  ObjectId id;
  if (object_id(file, "/", id)) visited_.insert(id.address);
  read_attributes(root.get(), tree_.root, "/");
  walk_group(root.get(), tree_.root, "", 0);
}

void TreeWalker::walk_group(hid_t group, Hdf5Node& node, const std::string& path,
                            std::uint32_t depth) {
  LinkListing listing;
  listing.budget =
      limits_.max_objects > tree_.object_count ? limits_.max_objects - tree_.object_count : 0;
  listing.max_name_bytes = limits_.max_name_bytes;
  hsize_t index = 0;
  if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, &list_link, &listing) < 0) {
    omit(fmt::format("{}: cannot list the group's members: {}", path.empty() ? "/" : path,
                     error_text()));
  }
  if (listing.long_names > 0) {
    omit(fmt::format("{}: {} member(s) with names longer than {} bytes skipped",
                     path.empty() ? "/" : path, listing.long_names, limits_.max_name_bytes));
  }
  for (const LinkEntry& link : listing.links) {
    const std::string child_path = join_path(path, link.name);
    if (link.type != H5L_TYPE_HARD) {
      omit(fmt::format("{}: {} link not followed", child_path,
                       link.type == H5L_TYPE_SOFT ? "soft" : "external or user-defined"),
           false);
      continue;
    }
    if (tree_.object_count >= limits_.max_objects) {
      listing.stopped = true;
      break;
    }
    ObjectId id;
    if (!object_id(group, link.name.c_str(), id)) {
      omit(fmt::format("{}: cannot read the object header: {}", child_path, error_text()));
      continue;
    }
    if (!visited_.insert(id.address).second) {
      omit(fmt::format("{}: hard link to an object already listed; not walked again", child_path),
           false);
      continue;
    }
    Hdf5Node child;
    child.name = link.name;
    ++tree_.object_count;
    if (id.type == H5O_TYPE_GROUP) {
      child.kind = Hdf5Node::Kind::kGroup;
      Handle handle = group_handle(H5Gopen2(group, link.name.c_str(), H5P_DEFAULT));
      if (!handle.valid()) {
        omit(fmt::format("{}: cannot open the group: {}", child_path, error_text()));
      } else {
        read_attributes(handle.get(), child, child_path);
        if (depth + 1 >= limits_.max_depth) {
          omit(fmt::format("{}: nesting deeper than max_depth ({}) not walked", child_path,
                           limits_.max_depth));
        } else {
          walk_group(handle.get(), child, child_path, depth + 1);
        }
      }
    } else if (id.type == H5O_TYPE_DATASET) {
      child.kind = Hdf5Node::Kind::kDataset;
      Handle handle = dataset_handle(H5Dopen2(group, link.name.c_str(), H5P_DEFAULT));
      if (!handle.valid()) {
        child.dataset.unreadable = fmt::format("cannot open the dataset: {}", error_text());
      } else {
        read_attributes(handle.get(), child, child_path);
        describe_dataset(handle.get(), child.dataset);
      }
    } else {
      child.kind = Hdf5Node::Kind::kOther;
    }
    node.children.push_back(std::move(child));
  }
  if (listing.stopped) {
    omit(fmt::format("{}: max_objects ({}) reached; the rest of the file is not listed",
                     path.empty() ? "/" : path, limits_.max_objects));
  }
}

void TreeWalker::read_attributes(hid_t object, Hdf5Node& node, const std::string& path) {
  AttributeListing listing;
  listing.budget = limits_.max_attributes;
  listing.max_name_bytes = limits_.max_name_bytes;
  hsize_t index = 0;
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, &list_attribute, &listing) < 0) {
    omit(fmt::format("{}: cannot list attributes: {}", path, error_text()));
  }
  if (listing.stopped) {
    omit(fmt::format("{}: more than {} attributes; the rest are not listed", path,
                     limits_.max_attributes));
  }
  for (const std::string& name : listing.names) {
    Hdf5Attribute attribute;
    attribute.name = name;
    Handle handle = attribute_handle(H5Aopen(object, name.c_str(), H5P_DEFAULT));
    if (!handle.valid()) {
      omit(fmt::format("{}: attribute {}: cannot open: {}", path, name, error_text()));
      continue;
    }
    Handle type = type_handle(H5Aget_type(handle.get()));
    Handle space = space_handle(H5Aget_space(handle.get()));
    if (type.valid() && space.valid()) {
      attribute.value = read_value(ValueSource(handle.get(), true), type.get(), space.get());
    }
    node.attributes.push_back(std::move(attribute));
  }
}

void TreeWalker::describe_dataset(hid_t dataset, Hdf5DatasetInfo& info) {
  Handle type = type_handle(H5Dget_type(dataset));
  Handle space = space_handle(H5Dget_space(dataset));
  if (!type.valid() || !space.valid()) {
    info.unreadable = fmt::format("cannot read the datatype or dataspace: {}", error_text());
    return;
  }
  const H5T_class_t type_class = H5Tget_class(type.get());
  info.element_size =
      static_cast<std::uint32_t>(std::min<std::size_t>(H5Tget_size(type.get()), UINT32_MAX));
  if (type_class == H5T_INTEGER) {
    info.type_class = Hdf5Class::kInteger;
    info.is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
  } else if (type_class == H5T_FLOAT) {
    info.type_class = Hdf5Class::kFloat;
  } else if (type_class == H5T_STRING) {
    info.type_class = Hdf5Class::kString;
  } else if (is_bool_enum(type.get())) {
    info.type_class = Hdf5Class::kBool;
  } else {
    info.type_class = Hdf5Class::kOther;
  }
  if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
    info.little_endian = H5Tget_order(type.get()) != H5T_ORDER_BE;
  }

  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > kMaxRank) {
    info.unreadable = fmt::format("bad dataspace rank {}", rank);
    return;
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
    info.unreadable = fmt::format("cannot read the dataspace extent: {}", error_text());
    return;
  }
  info.dims.assign(dims.begin(), dims.end());

  Handle dcpl = plist_handle(H5Dget_create_plist(dataset));
  if (dcpl.valid()) {
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_CHUNKED) {
      std::vector<hsize_t> chunk(kMaxRank);
      const int chunk_rank = H5Pget_chunk(dcpl.get(), kMaxRank, chunk.data());
      if (chunk_rank > 0 && chunk_rank <= kMaxRank) {
        info.chunk_dims.assign(chunk.begin(), chunk.begin() + chunk_rank);
      }
    } else if (layout == H5D_VIRTUAL) {
      info.unreadable = "virtual dataset (its data lives in other files)";
    }
    if (H5Pget_external_count(dcpl.get()) > 0) {
      info.unreadable = "external storage (its data lives in other files)";
    }
    const int filters = H5Pget_nfilters(dcpl.get());
    for (int i = 0; i < filters && i < 32; ++i) {
      unsigned flags = 0;
      std::size_t values = 0;
      unsigned config = 0;
      char name[256] = {};
      const H5Z_filter_t filter = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags,
                                                 &values, nullptr, sizeof(name), name, &config);
      if (filter < 0) continue;
      const std::string label = name[0] != '\0' ? std::string(name) : fmt::format("#{}", filter);
      info.filters.push_back(label);
      if (H5Zfilter_avail(filter) <= 0 && info.unreadable.empty()) {
        info.unreadable =
            fmt::format("filter '{}' (id {}) is not available in this libhdf5", label, filter);
      }
    }
  }
  info.storage_bytes = H5Dget_storage_size(dataset);
  H5Eclear2(H5E_DEFAULT);

  if (!info.unreadable.empty() || rank > 1) return;
  const bool small_numeric = info.type_class != Hdf5Class::kString &&
                             info.type_class != Hdf5Class::kOther &&
                             (rank == 0 || dims[0] <= limits_.max_inline_numbers);
  if (info.type_class == Hdf5Class::kString || small_numeric) {
    info.value = read_value(ValueSource(dataset, false), type.get(), space.get());
  }
}

Hdf5Value TreeWalker::read_value(const ValueSource& source, hid_t type, hid_t space) {
  Hdf5Value value;
  const H5S_class_t space_class = H5Sget_simple_extent_type(space);
  if (space_class != H5S_SCALAR && space_class != H5S_SIMPLE) return value;
  const bool scalar = space_class == H5S_SCALAR;
  if (!scalar && H5Sget_simple_extent_ndims(space) != 1) return value;
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) return value;
  const auto count = static_cast<std::uint64_t>(points);
  const std::uint64_t budget = limits_.max_total_value_bytes > value_bytes_
                                   ? limits_.max_total_value_bytes - value_bytes_
                                   : 0;
  const H5T_class_t type_class = H5Tget_class(type);

  if (type_class == H5T_STRING) {
    const htri_t variable = H5Tis_variable_str(type);
    if (variable < 0) return value;
    if (variable > 0) {
      // Each element is a pointer libhdf5 allocates; bound the element count first.
      if (count == 0 || count > limits_.max_value_bytes / 8 || count * 8 > budget) return value;
      Handle memory = type_handle(H5Tcopy(H5T_C_S1));
      if (!memory.valid() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0) return value;
      H5Tset_cset(memory.get(), H5Tget_cset(type));
      std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
      if (source.read(memory.get(), pointers.data()) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return value;
      }
      std::vector<std::string> texts;
      texts.reserve(pointers.size());
      for (char* p : pointers) texts.emplace_back(p != nullptr ? p : "");
      H5Dvlen_reclaim(memory.get(), space, H5P_DEFAULT, pointers.data());
      store_strings(value, std::move(texts), scalar);
      return value;
    }
    const std::size_t size = H5Tget_size(type);
    if (size == 0 || count == 0) return value;
    if (size > limits_.max_value_bytes || count > limits_.max_value_bytes / size ||
        count * size > budget) {
      if (scalar) value.full_size = size;
      return value;
    }
    Handle memory = type_handle(H5Tcopy(type));
    if (!memory.valid()) return value;
    std::vector<char> buffer(static_cast<std::size_t>(count * size));
    if (source.read(memory.get(), buffer.data()) < 0) {
      H5Eclear2(H5E_DEFAULT);
      return value;
    }
    const bool space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
    std::vector<std::string> texts;
    texts.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + i * size;
      std::size_t length = strnlen(begin, size);
      if (space_padded) {
        while (length > 0 && begin[length - 1] == ' ') --length;
      }
      texts.emplace_back(begin, length);
    }
    store_strings(value, std::move(texts), scalar);
    return value;
  }

  const bool boolean = is_bool_enum(type);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT && !boolean) return value;
  if (count == 0 || (!scalar && count > limits_.max_inline_numbers) || count * 8 > budget) {
    return value;
  }
  value_bytes_ += count * 8;
  if (boolean) {
    Handle memory = type_handle(H5Tcopy(type));
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(count));
    if (!memory.valid() || source.read(memory.get(), bytes.data()) < 0) {
      H5Eclear2(H5E_DEFAULT);
      return value;
    }
    if (scalar) {
      value.kind = Hdf5Value::Kind::kBool;
      value.text = bytes[0] != 0 ? "true" : "false";
    } else {
      value.kind = Hdf5Value::Kind::kNumberArray;
      for (const std::uint8_t b : bytes) value.numbers.push_back(b != 0 ? 1.0 : 0.0);
    }
    return value;
  }
  if (scalar && type_class == H5T_INTEGER) {
    if (H5Tget_sign(type) == H5T_SGN_2) {
      long long v = 0;
      if (source.read(H5T_NATIVE_LLONG, &v) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return value;
      }
      value.text = fmt::format("{}", v);
      value.numbers = {static_cast<double>(v)};
    } else {
      unsigned long long v = 0;
      if (source.read(H5T_NATIVE_ULLONG, &v) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return value;
      }
      value.text = fmt::format("{}", v);
      value.numbers = {static_cast<double>(v)};
    }
    value.kind = Hdf5Value::Kind::kInteger;
    return value;
  }
  std::vector<double> numbers(static_cast<std::size_t>(count));
  if (source.read(H5T_NATIVE_DOUBLE, numbers.data()) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return value;
  }
  if (scalar) {
    value.kind = Hdf5Value::Kind::kFloat;
    value.text = fmt::format("{}", numbers[0]);
  } else {
    value.kind = Hdf5Value::Kind::kNumberArray;
  }
  value.numbers = std::move(numbers);
  return value;
}

void TreeWalker::store_strings(Hdf5Value& value, std::vector<std::string> texts, bool scalar) {
  std::uint64_t budget = limits_.max_total_value_bytes > value_bytes_
                             ? limits_.max_total_value_bytes - value_bytes_
                             : 0;
  budget = std::min(budget, limits_.max_value_bytes);
  if (scalar) {
    std::string& text = texts.front();
    value.kind = Hdf5Value::Kind::kString;
    value.full_size = text.size();
    if (text.size() > budget) {
      text.resize(static_cast<std::size_t>(budget));
      value.truncated = true;
    }
    value_bytes_ += text.size();
    value.text = std::move(text);
    return;
  }
  value.kind = Hdf5Value::Kind::kStringArray;
  std::uint64_t used = 0;
  for (std::string& text : texts) {
    if (used + text.size() > budget) {
      value.truncated = true;
      break;
    }
    used += text.size();
    value.strings.push_back(std::move(text));
  }
  value_bytes_ += used;
}

void describe_open_file(hid_t file, std::uint64_t file_bytes, const std::string& label,
                        const Hdf5Limits& limits, Hdf5Tree& tree, DiagnosticSink& diagnostics) {
  tree = Hdf5Tree{};
  tree.file_bytes = file_bytes;
  LibraryGuard guard;
  TreeWalker walker(limits, tree);
  walker.walk(file);
  H5garbage_collect();  // return libhdf5's free lists filled by the walk
  if (walker.serious_count() > 0) {
    diagnostics.warn(
        label, std::nullopt,
        fmt::format("{} object(s) or attribute(s) not listed: {}{}", walker.serious_count(),
                    walker.first_serious(), walker.serious_count() > 1 ? "; ..." : ""));
  }
  if (walker.benign_count() > 0) {
    diagnostics.info(label, std::nullopt,
                     fmt::format("{} link(s) not followed: {}{}", walker.benign_count(),
                                 walker.first_benign(), walker.benign_count() > 1 ? "; ..." : ""));
  }
}

}  // namespace detail

Result<Hdf5Tree> read_hdf5_tree(const std::filesystem::path& path, const Hdf5Limits& limits,
                                DiagnosticSink& diagnostics) {
  PARITY_ASSIGN_OR_RETURN(detail::OpenedFile opened, detail::open_file(path));
  Hdf5Tree tree;
  detail::describe_open_file(opened.file.get(), opened.size_bytes, path.string(), limits, tree,
                             diagnostics);
  return tree;
}

}  // namespace parity::hdf5
