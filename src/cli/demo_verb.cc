// `parity demo generate DIR`: write the built-in example recordings.
#include <fmt/format.h>

#include <map>

#include "cli/context.h"
#include "parity/demo/scenario.h"

namespace parity::cli {

std::vector<Verb> add_demo_verbs(CLI::App& app, const GlobalOptions& global) {
  CLI::App* demo = app.add_subcommand("demo", "The built-in example");
  demo->require_subcommand(1);
  struct Args {
    std::string dir;
    demo::ScenarioOptions options;
  };
  auto args = std::make_shared<Args>();
  CLI::App* generate = demo->add_subcommand("generate",
                                            "Write a hard-drive disassembly cell recorded in the "
                                            "lab, in simulation and in the field (MCAP)");
  generate->add_option("dir", args->dir, "Output directory")->required();
  generate->add_option("--seed", args->options.seed, "Random seed (same seed, same bytes)");
  generate->add_option("--episodes", args->options.episodes_per_domain, "Episodes per domain")
      ->check(CLI::Range(1, 100000));
  generate->add_option("--duration-s", args->options.duration_s, "Mean episode length in seconds")
      ->check(CLI::PositiveNumber);
  return {{generate, [&global, args]() -> Status {
             PARITY_ASSIGN_OR_RETURN(const auto episodes,
                                     demo::generate_scenario(args->dir, args->options));
             if (global.json) {
               nlohmann::json out = nlohmann::json::array();
               for (const auto& e : episodes) {
                 out.push_back({{"path", e.path.string()},
                                {"domain", e.domain},
                                {"lighting", e.lighting},
                                {"clutter", e.clutter},
                                {"drive_model", e.drive_model},
                                {"outcome", e.outcome},
                                {"messages", e.messages}});
               }
               print_json(out);
               return {};
             }
             std::map<std::string, int> per_domain;
             std::uint64_t messages = 0;
             for (const auto& e : episodes) {
               ++per_domain[e.domain];
               messages += e.messages;
             }
             fmt::print("Wrote {} episodes ({} lab, {} sim, {} field; {} messages) to {}\n",
                        episodes.size(), per_domain["lab"], per_domain["sim"], per_domain["field"],
                        messages, args->dir);
             return {};
           }}};
}

}  // namespace parity::cli
