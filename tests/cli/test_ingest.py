"""`parity init | ingest | ls | show` end to end: idempotence, versions, selectors, errors."""
import shutil
import sqlite3
import unittest

from harness import CliTestCase, require_shared, shared_data


def catalog_dump(path):
    """Every row of every table, for before/after comparisons."""
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


class IngestSharedDataTest(CliTestCase):
    def test_every_shared_mcap_ingests_once(self):
        root = require_shared(self, "mcap")
        first = self.run_parity("ingest", root, "--json").json()
        self.assertEqual(first["failed"], 0, first)
        paths = {s["path"] for s in first["sources"]}
        # 8 conformance files, 6 other MCAP files, 3 rosbag2 directories (talker, cdr-test and
        # the split bag), each one source.
        self.assertEqual(len(paths), 17, sorted(paths))
        self.assertTrue(any(p.endswith("rosbag2-multiple-files") for p in paths))
        self.assertFalse(any(p.endswith("multiple_files_1.mcap") for p in paths))
        episodes = self.run_parity("ls", "--json").json()
        self.assertEqual(len(episodes), 17)
        for key in ("id", "source", "domain", "message_count", "duration_s", "attributes"):
            self.assertIn(key, episodes[0])

        second = self.run_parity("ingest", root, "--json").json()
        self.assertEqual(second["unchanged"], 17)
        self.assertEqual(second["inserted"], 0)
        self.assertEqual(len(self.run_parity("ls", "--json").json()), 17)

        multi = [e for e in episodes if e["source"].endswith("rosbag2-multiple-files")]
        self.assertEqual(len(multi), 1)
        self.assertEqual(multi[0]["message_count"], 3177)

    def test_show_has_streams_roles_attributes_and_provenance(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        self.run_parity("ingest", path, "--domain", "field", "--kind", "deployment", "--attr", "site=zala",
                        "--attr", "speed_limit_kph=50", "--attr", "night=false")
        [episode] = self.run_parity("ls", "--json").json()
        self.assertEqual(episode["domain"], "field")
        self.assertEqual(episode["attributes"], {"site": "zala", "speed_limit_kph": 50, "night": False})
        shown = self.run_parity("show", episode["id"][:8], "--json").json()
        self.assertEqual(shown["id"], episode["id"])
        roles = {s["name"]: s["role"] for s in shown["streams"]}
        self.assertEqual(roles["/nissan/gps/duro/imu"], "imu")
        self.assertEqual(shown["message_count"], 3513)
        self.assertEqual(shown["attribute_origins"]["site"], "cli")
        [prov] = shown["provenance"]
        self.assertEqual(prov["file"], str(path))
        self.assertEqual(prov["byte_end"], path.stat().st_size)
        self.assertEqual(len(prov["file_hash"]), 32)
        self.assertEqual(prov["reader"], "mcap")
        imu = [s for s in shown["streams"] if s["name"] == "/nissan/gps/duro/imu"][0]
        self.assertAlmostEqual(imu["rate_hz"], 100.0, delta=2.0)


class IngestGeneratedTest(CliTestCase):
    def test_demo_set_attributes_and_selectors(self):
        demo = self.generate_demo()
        result = self.run_parity("ingest", demo, "--json").json()
        self.assertEqual(result["failed"], 0)
        episodes = self.run_parity("ls", "--json").json()
        domains = {e["domain"] for e in episodes}
        self.assertEqual(domains, {"lab", "sim", "field"})
        field = self.run_parity("ls", "--json", "--where", "domain = field").json()
        self.assertEqual({e["domain"] for e in field}, {"field"})
        self.assertTrue(field)
        dim = self.run_parity("ls", "--json", "--where", "domain = field and lighting in (dim, dark)").json()
        self.assertTrue(all(e["attributes"]["lighting"] in ("dim", "dark") for e in dim))
        not_dim = self.run_parity("ls", "--json", "--where", "not (lighting in (dim, dark))").json()
        self.assertEqual(len(dim) + len(not_dim) + len([e for e in episodes if e["domain"] != "field" and
                                                        e["attributes"].get("lighting") in ("dim", "dark")]),
                         len(episodes))
        long = self.run_parity("ls", "--json", "--where", "duration_s > 12").json()
        self.assertTrue(all(e["duration_s"] > 12 for e in long))

    def test_bad_selector_reports_position(self):
        demo = self.generate_demo()
        self.run_parity("ingest", demo)
        r = self.run_parity("ls", "--json", "--where", "domain = ", expect=1)
        err = r.json()["error"]
        self.assertEqual(err["code"], "invalid_argument")
        self.assertIn("position", err["message"])

    def test_changed_file_becomes_new_version(self):
        one = self.generate_demo("one", "--seed", "1")
        two = self.generate_demo("two", "--seed", "2")
        target = self.tmp / "data"
        shutil.copytree(one / "field", target)
        first = self.run_parity("ingest", target, "--json").json()
        n = first["inserted"]
        name = sorted(p.name for p in target.glob("*.mcap"))[0]
        shutil.copy(two / "field" / name, target / name)
        second = self.run_parity("ingest", target, "--json").json()
        self.assertEqual(second["new_version"], 1)
        self.assertEqual(second["unchanged"], n - 1)
        self.assertEqual(len(self.run_parity("ls", "--json").json()), n)
        all_versions = self.run_parity("ls", "--json", "--all-versions").json()
        self.assertEqual(len(all_versions), n + 1)
        new = [s for s in second["sources"] if s["outcome"] == "new_version"][0]
        [episode] = [e for e in self.run_parity("ls", "--json").json() if e["source_id"] == new["source_id"]]
        shown = self.run_parity("show", episode["id"], "--json").json()
        old_ids = {s["source_id"] for s in first["sources"] if s["path"].endswith(name)}
        self.assertEqual({shown["previous_version_id"]}, old_ids)

    def test_failed_ingest_leaves_catalog_unchanged(self):
        demo = self.generate_demo()
        self.run_parity("ingest", demo / "lab")
        before = catalog_dump(self.catalog)
        src = sorted((demo / "field").glob("*.mcap"))[0]
        broken = self.tmp / "broken"
        broken.mkdir()
        data = src.read_bytes()
        (broken / "cut.mcap").write_bytes(data[: len(data) // 2])
        r = self.run_parity("ingest", broken, "--json", expect=1)
        [source] = r.json()["sources"]
        self.assertEqual(source["outcome"], "failed")
        self.assertIn("cut.mcap", source["error"]["message"])
        self.assertIn("offset", source["error"]["message"])
        after = catalog_dump(self.catalog)
        # Only the ingest_runs bookkeeping row may differ.
        strip = lambda rows: [r for r in rows if "ingest_runs" not in r]
        self.assertEqual(strip(before), strip(after))

        salvaged = self.run_parity("ingest", broken, "--salvage", "--json").json()
        self.assertEqual(salvaged["inserted"], 1)
        self.assertGreater(salvaged["sources"][0]["messages"], 0)

    def test_sidecar_path_template_and_cli_precedence(self):
        demo = self.generate_demo()
        site = self.tmp / "plant-7" / "2026-03-01"
        site.mkdir(parents=True)
        src = sorted((demo / "field").glob("*.mcap"))[0]
        shutil.copy(src, site / "run.mcap")
        (self.tmp / "plant-7" / "parity.yaml").write_text("attributes:\n  shift: night\n  lighting: from-sidecar\n")
        self.run_parity("ingest", self.tmp / "plant-7", "--attrs-from-path", "{site}/{date}/*.mcap",
                        "--attr", "operator=ana")
        [episode] = self.run_parity("ls", "--json").json()
        attrs = episode["attributes"]
        self.assertEqual(attrs["site"], "plant-7")
        self.assertEqual(attrs["date"], "2026-03-01")
        self.assertEqual(attrs["shift"], "night")
        self.assertEqual(attrs["operator"], "ana")
        self.assertEqual(attrs["lighting"], "from-sidecar")  # sidecar beats in-file metadata

    def test_usage_and_missing_catalog_exit_codes(self):
        self.run_parity("frobnicate", expect=2)
        self.run_parity("ls", "--no-such-option", expect=2)
        r = self.run_parity("ls", "--json", expect=3)
        self.assertIn("parity init", r.json()["error"]["message"])
        r = self.run_parity("ingest", self.tmp / "absent", expect=3)
        self.assertIn("absent", r.stderr)
        init = self.run_parity("init", "--json").json()
        self.assertTrue(init["created"])
        self.assertEqual(self.run_parity("ls", "--json").json(), [])
        r = self.run_parity("show", "ffff", "--json", expect=3)
        self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_catalog_from_environment(self):
        demo = self.generate_demo()
        other = self.tmp / "env.db"
        self.run_parity("ingest", demo / "sim", catalog=False, env={"PARITY_CATALOG": str(other)})
        self.assertTrue(other.exists())
        self.assertFalse(self.catalog.exists())


if __name__ == "__main__":
    unittest.main()
