// HDF5 demonstration files (robomimic, raw robosuite, LIBERO, MimicGen, ALOHA/ACT, or any
// layout described by a mapping file) behind the generic parity::Recording contract.
//
// One episode per demo group (one per file for ALOHA); one stream per per-step dataset, topic =
// the dataset path inside the demo group ("actions", "obs/agentview_image",
// "observations/images/top"), one message per step (parity/formats/tensor.h encodings) with
// synthetic log times (time_source=synthetic, rate_hz in the stream metadata). Layout and
// planning rules: hdf5_layout.h and docs/formats/hdf5.md.
//
// Reading is lazy: read_messages() opens only the datasets of the wanted episode(s) and topics
// and reads them with hyperslab selections of at most Hdf5OpenOptions::block_bytes (whole rows;
// aligned to chunk rows), never a whole image dataset at once.
//
// Thread safety: libhdf5 (Debian's serial build) is not thread-safe. Every libhdf5 call made by
// Parity holds one process-wide mutex, so recordings may be used from different threads, but
// their libhdf5 work is serialised. Code outside Parity that calls libhdf5 concurrently is not
// covered by that mutex. libhdf5's automatic error printing is switched off for the duration of
// each call and restored afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "parity/core/diagnostics.h"
#include "parity/core/status.h"
#include "parity/formats/hdf5/hdf5_tree.h"
#include "parity/formats/recording.h"

namespace parity::hdf5 {

// The HDF5 format signature (HDF5 File Format Specification v3.0, §II.A "Format Signature").
inline constexpr std::uint8_t kHdf5Signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
// The superblock sits at offset 0, 512, 1024, 2048, ... (a user block precedes it). Passing
// this many leading bytes to has_hdf5_magic() lets it check offsets 0 through 2048.
inline constexpr std::size_t kHdf5MagicProbeBytes = 2048 + 8;

// True when the signature sits at offset 0, 512, 1024 or 2048 of `head` (offsets beyond
// head.size() are not checked).
bool has_hdf5_magic(std::span<const std::uint8_t> head);

// The per-file mapping looked up beside `hdf5_path`: "<stem>.parity.yaml" in the same directory
// (demo.hdf5 -> demo.parity.yaml).
std::filesystem::path hdf5_mapping_path_for(const std::filesystem::path& hdf5_path);
// The directory-wide mapping, used when the per-file one is absent: "parity-hdf5.yaml".
inline constexpr const char* kHdf5DirectoryMappingName = "parity-hdf5.yaml";

struct Hdf5OpenOptions {
  // An explicit mapping file; when unset, hdf5_mapping_path_for(path) and then
  // <dir>/parity-hdf5.yaml are used if they exist, else the layout is auto-detected.
  std::optional<std::filesystem::path> mapping_file;
  Hdf5Limits limits;
  // Target bytes per hyperslab read (rows are never split; one row may exceed it).
  std::uint64_t block_bytes = 1 << 20;
};

// Opens an HDF5 demonstration file. `diagnostics` must outlive the recording. Errors (each
// naming the path): kNotFound, kIoError, kTruncated (empty or cut file), kCorrupt (not HDF5,
// libhdf5 cannot open it, a recognised layout without episodes), kUnsupported (unknown layout:
// the message lists what the file holds, the supported layouts and the mapping file name),
// kInvalidArgument (not a regular file; a mapping file that does not parse or exceeds 1 MiB).
Result<std::unique_ptr<Recording>> open_hdf5_recording(const std::filesystem::path& path,
                                                       DiagnosticSink& diagnostics,
                                                       const Hdf5OpenOptions& options = {});

}  // namespace parity::hdf5
