// The Parity version, recorded in provenance so a catalog says which reader read each file.
#pragma once

#include <string_view>

namespace parity {

std::string_view parity_version();

}  // namespace parity
