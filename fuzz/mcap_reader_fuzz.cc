// libFuzzer target for the MCAP reader: opens arbitrary bytes (fast path and forced scan),
// walks every record and reads every message in file and log-time order. Any crash, hang,
// sanitizer report or unbounded allocation is a bug. Seeds: fuzz/corpus/mcap_reader/.
#include <cstddef>
#include <cstdint>
#include <span>

#include "parity/core/diagnostics.h"
#include "parity/formats/mcap/mcap_reader.h"
#include "parity/io/byte_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parity::mcap::McapReader;
  auto source = parity::memory_source_view(std::span<const std::uint8_t>(data, size), "fuzz.mcap");
  parity::NullDiagnosticSink diagnostics;
  for (const bool force_scan : {false, true}) {
    parity::mcap::McapReaderOptions options;
    options.force_scan = force_scan;
    auto reader = McapReader::open(*source, diagnostics, options);
    if (!reader.ok()) continue;
    std::uint64_t bytes = 0;
    const auto count = [&](const parity::mcap::McapMessageView& view) {
      bytes += view.message.data.size();
      return parity::Status{};
    };
    (*reader)->read_messages({}, count).ignore();
    parity::mcap::McapReadOptions ordered;
    ordered.log_time_order = true;
    (*reader)->read_messages(ordered, count).ignore();
    (*reader)
        ->for_each_record([](const parity::mcap::RecordView&) { return parity::Status{}; })
        .ignore();
  }
  return 0;
}
