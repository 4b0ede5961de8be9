#include "parity/ingest/settings.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/testing.h"

namespace parity {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string value_of(const DeclaredSettings& s, const std::string& key) {
  const Attribute* a = s.find(key);
  return a == nullptr ? "<absent>" : attribute_value_to_string(a->value) + "@" + a->origin;
}

TEST(SettingsTest, SidecarsNestAndPerFileEntriesWin) {
  testing::TempDir dir;
  write_file(dir / "parity.yaml",
             "domain: field\nkind: deployment\nattributes:\n  site: plant-3\n  lighting: bright\n"
             "roles:\n  /cam/image: camera/front\n");
  write_file(dir / "night/parity.yaml",
             "attributes:\n  lighting: dim\n  ambient_lux: 35.5\n"
             "files:\n  'run_0*.mcap':\n    attributes: {lighting: dark}\n    outcome: failure\n");
  const auto day = sidecar_settings_for(dir / "day.mcap", dir.path());
  ASSERT_TRUE(day.ok()) << day.status().to_string();
  EXPECT_EQ(value_of(*day, "lighting"), "bright@sidecar");
  EXPECT_EQ(value_of(*day, "domain"), "field@sidecar");
  EXPECT_EQ(day->roles.at("/cam/image"), "camera/front");

  const auto night = sidecar_settings_for(dir / "night/run_07.mcap", dir.path());
  ASSERT_TRUE(night.ok()) << night.status().to_string();
  EXPECT_EQ(value_of(*night, "lighting"), "dark@sidecar");
  EXPECT_EQ(value_of(*night, "site"), "plant-3@sidecar");
  EXPECT_EQ(value_of(*night, "outcome"), "failure@sidecar");
  const Attribute* lux = night->find("ambient_lux");
  ASSERT_NE(lux, nullptr);
  EXPECT_EQ(std::get<double>(lux->value), 35.5);

  const auto other = sidecar_settings_for(dir / "night/other.mcap", dir.path());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(value_of(*other, "lighting"), "dim@sidecar");
  EXPECT_EQ(value_of(*other, "outcome"), "<absent>");
}

TEST(SettingsTest, BadSidecarNamesFileAndLine) {
  testing::TempDir dir;
  write_file(dir / "parity.yaml", "domain: field\nlighting: dim\n");
  const auto result = load_sidecar(dir / "parity.yaml", "x.mcap");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("parity.yaml:2: unknown key 'lighting'"),
            std::string::npos)
      << result.status().message();

  write_file(dir / "bad/parity.yaml", "attributes: [1, 2\n");
  const auto syntax = load_sidecar(dir / "bad/parity.yaml", "x.mcap");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("parity.yaml:"), std::string::npos);
}

TEST(SettingsTest, OverlayAndValidation) {
  DeclaredSettings base;
  base.set("domain", std::string("lab"), "metadata");
  base.set("lighting", std::string("dim"), "path");
  DeclaredSettings cli;
  cli.set("domain", std::string("field"), "cli");
  base.overlay(cli);
  EXPECT_EQ(value_of(base, "domain"), "field@cli");
  EXPECT_EQ(value_of(base, "lighting"), "dim@path");
  EXPECT_TRUE(validate_field_values(base).ok());

  DeclaredSettings bad;
  bad.set("domain", std::string("outdoors"), "cli");
  const Status status = validate_field_values(bad);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "domain 'outdoors' (from cli) is not one of: lab, sim, field");
}

}  // namespace
}  // namespace parity
