// The catalog as flat tables for `parity export`: one row per episode (its fields and one
// column per attribute key), per stream of those episodes, or per source.
#pragma once

#include <string_view>
#include <vector>

#include "parity/catalog/catalog.h"
#include "parity/core/status.h"
#include "parity/export/table_writer.h"

namespace parity {

enum class CatalogTable : std::uint8_t { kEpisodes, kStreams, kSources, kFeatures };

// "episodes", "streams", "sources", "features"; kInvalidArgument naming the choices otherwise.
Result<CatalogTable> parse_catalog_table(std::string_view name);

struct TableData {
  std::vector<TableColumn> schema;
  std::vector<TableRow> rows;
};

// Episodes (and their streams) selected by `filter`; sources: every current source (all
// versions when filter.include_superseded). Episode columns: id, source_id, source, format,
// index, name, domain, kind, task, embodiment, outcome, start_ns, end_ns, duration_s,
// message_count, stream_count, ingested, then one column per attribute key in key order
// (typed double / bool / string by its values; a key whose values mix types is a string
// column; a key equal to a fixed column name gets the prefix "attr."). Features: id, then one
// nullable double column per feature name (sorted); null where an episode lacks the feature.
// The feature table as rows (the features table of catalog_table()).
TableData feature_table_data(const FeatureTable& features);

Result<TableData> catalog_table(const Catalog& catalog, CatalogTable table,
                                const EpisodeFilter& filter);

}  // namespace parity
