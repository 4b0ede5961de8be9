#include "parity/features/profile_builder.h"

#include <fmt/format.h>

#include "parity/features/feature_registry.h"

namespace parity::features {

Result<profile::Profile> build_profile(const Catalog& catalog, const EpisodeFilter& filter) {
  profile::ProfileOptions options;
  options.default_edges = [](std::string_view name) -> Result<std::vector<double>> {
    return histogram_edges(name);
  };
  PARITY_ASSIGN_OR_RETURN(profile::Profile result, profile::Profile::create(std::move(options)));
  PARITY_ASSIGN_OR_RETURN(const auto episodes, catalog.list_episodes(filter));
  for (const EpisodeSummary& episode : episodes) {
    PARITY_ASSIGN_OR_RETURN(const auto values, catalog.episode_features(episode.id));
    std::vector<std::pair<std::string, std::string>> attributes = {
        {"domain", episode.domain},
        {"kind", episode.kind},
        {"task", episode.task},
        {"embodiment", episode.embodiment},
        {"outcome", episode.outcome}};
    std::erase_if(attributes, [](const auto& entry) { return entry.second.empty(); });
    for (const Attribute& attribute : episode.attributes) {
      const bool fixed = std::any_of(attributes.begin(), attributes.end(), [&](const auto& entry) {
        return entry.first == attribute.key;
      });
      if (!fixed) {
        attributes.emplace_back(attribute.key, attribute_value_to_string(attribute.value));
      }
    }
    PARITY_RETURN_IF_ERROR(result.add_episode(episode.id, values, attributes));
  }
  result.set_metadata("parity.where", filter.where);
  result.set_metadata("parity.episodes", fmt::format("{}", episodes.size()));
  return result;
}

}  // namespace parity::features
