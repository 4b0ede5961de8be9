// The mergeable profile (parity/profile/profile.h) of a catalog selection: every episode's
// stored features with the registry's histogram edges, and its attributes plus the catalog
// fields compared like attributes (domain, kind, task, embodiment, outcome).
#pragma once

#include "parity/catalog/catalog.h"
#include "parity/core/status.h"
#include "parity/profile/profile.h"

namespace parity::features {

// Metadata keys set: "parity.where", "parity.episodes". Errors: catalog and selector errors.
Result<profile::Profile> build_profile(const Catalog& catalog, const EpisodeFilter& filter);

}  // namespace parity::features
