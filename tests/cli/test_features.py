"""`parity profile | features | profile show | profile merge` end to end on the built-in example:
the JSON contracts, resumability, exports, taxonomy options and errors."""
import csv
import math
import sqlite3
import subprocess
import unittest
from pathlib import Path

from harness import CliTestCase, SharedDemo


class FeaturesCliTest(SharedDemo, CliTestCase):
    def setUp(self):
        super().setUp()
        self.use_catalog(self.demo_catalog)

    def test_profile_then_features_json_contract(self):
        summary = self.run_parity("--json", "profile", "--threads", "2").json()
        total = summary["selected"]
        self.assertGreater(total, 0)
        self.assertEqual(summary["profiled"], total)
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(summary["failures"], [])
        self.assertGreater(summary["derived_attributes"], 0)

        episodes = self.run_parity("--json", "features").json()
        self.assertEqual(len(episodes), total)
        names = set(episodes[0]["features"])
        for episode in episodes:
            self.assertEqual(set(episode), {"id", "features"})
            self.assertEqual(set(episode["features"]), names)  # every column, null when missing
            for value in episode["features"].values():
                self.assertTrue(value is None or (isinstance(value, (int, float)) and math.isfinite(value)))
        self.assertIn("camera/front.luma_mean.p50", names)
        self.assertIn("episode.duration_s", names)

        # Resumable: nothing left to do; a selection of one domain with --force redoes it.
        again = self.run_parity("--json", "profile").json()
        self.assertEqual(again["profiled"], 0)
        self.assertEqual(again["up_to_date"], total)
        lab = self.run_parity("--json", "profile", "--force", "--where", "domain = lab").json()
        self.assertEqual(lab["profiled"], lab["selected"])
        self.assertLess(lab["selected"], total)

        # Derived attributes are selectable.
        tagged = self.run_parity("--json", "ls", "--where", "blur in (low, medium, high)").json()
        self.assertEqual(len(tagged), total)

    def test_exports_and_profiles(self):
        self.run_parity("profile", "--out", self.tmp / "all.pprof")
        self.run_parity("features", "--out", self.tmp / "f.csv")
        with open(self.tmp / "f.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(rows[0].keys().__contains__("id"), True)
        self.assertIn("camera/front.sharpness.p50", rows[0])
        self.run_parity("export", "features", "--out", self.tmp / "f.jsonl")
        lines = (self.tmp / "f.jsonl").read_text().splitlines()
        self.assertEqual(len(lines), len(rows))

        shown = self.run_parity("--json", "profile", "show", self.tmp / "all.pprof").json()
        self.assertEqual(shown["episodes"], len(rows))
        domains = next(a for a in shown["attributes"] if a["name"] == "domain")
        self.assertEqual(sum(domains["counts"].values()), len(rows))
        luma = next(f for f in shown["features"] if f["name"] == "camera/front.luma_mean.p50")
        self.assertEqual(luma["count"], len(rows))
        self.assertLessEqual(luma["p10"], luma["p90"])

        for domain in ("lab", "sim", "field"):
            self.run_parity("profile", "--where", f"domain = {domain}", "--out",
                            self.tmp / f"{domain}.pprof")
        merged = self.run_parity("--json", "profile", "merge", self.tmp / "lab.pprof",
                                 self.tmp / "sim.pprof", self.tmp / "field.pprof", "--out",
                                 self.tmp / "merged.pprof").json()
        self.assertEqual(merged["episodes"], len(rows))
        merged_shown = self.run_parity("--json", "profile", "show", self.tmp / "merged.pprof").json()
        merged_domains = next(a for a in merged_shown["attributes"] if a["name"] == "domain")
        self.assertEqual(merged_domains["counts"], domains["counts"])

    def test_taxonomy_options_and_errors(self):
        (self.tmp / "mine.yaml").write_text(
            "version: 1\nattributes:\n  - name: long_episode\n    type: boolean\n"
            "    rule: {feature: episode.duration_s, bins: [0.5]}\n")
        self.run_parity("profile", "--taxonomy", self.tmp / "mine.yaml")
        self.assertGreater(len(self.run_parity("--json", "ls", "--where", "long_episode = true").json()), 0)
        # Replacing the taxonomy and re-tagging drops the default's derived attributes.
        self.run_parity("profile", "--retag", "--replace-taxonomy", "--taxonomy", self.tmp / "mine.yaml")
        self.assertEqual(self.run_parity("--json", "ls", "--where", "blur = low").json(), [])

        (self.tmp / "bad.yaml").write_text("version: 1\nattributes:\n  - name: a\n    typ: x\n")
        bad = self.run_parity("profile", "--taxonomy", self.tmp / "bad.yaml", expect=1)
        self.assertIn("bad.yaml: line 4", bad.stderr)
        missing = self.run_parity("profile", "show", self.tmp / "absent.pprof", expect=3)
        self.assertIn("absent.pprof", missing.stderr)
        (self.tmp / "junk.pprof").write_bytes(b"not a profile at all")
        junk = self.run_parity("profile", "show", self.tmp / "junk.pprof", expect=1)
        self.assertIn("junk.pprof", junk.stderr)

    def test_embed_model_stores_embeddings_of_sampled_frames(self):
        python = "/usr/bin/python3"
        script = Path(__file__).resolve().parents[1] / "oracles" / "make_onnx_models.py"
        made = subprocess.run([python, str(script), str(self.tmp)], capture_output=True, text=True)
        if made.returncode != 0:
            self.skipTest("Debian python3 with onnx (python3-onnx) is absent: " + made.stderr[-200:])
        self.run_parity("profile", "--where", "domain = lab", "--embed-model", self.tmp / "gap.onnx",
                        "--embed-samples", "3")
        with sqlite3.connect(self.catalog) as db:
            rows = db.execute("SELECT kind, count(*), min(dims), max(dims) FROM frame_samples "
                              "WHERE kind LIKE 'onnx:%' GROUP BY kind").fetchall()
        self.assertEqual(len(rows), 1)
        lab = len(self.run_parity("--json", "ls", "--where", "domain = lab").json())
        self.assertEqual(rows[0][1], 3 * lab)
        self.assertEqual((rows[0][2], rows[0][3]), (3, 3))  # per-channel means of a pooling model
        bad = self.run_parity("profile", "--force", "--embed-model", self.tmp / "nope.onnx", expect=3)
        self.assertIn("nope.onnx", bad.stderr)

    def test_markdown_matches_the_checked_in_docs(self):
        text = self.run_parity("features", "--markdown", catalog=False).stdout
        with open(__file__.rsplit("/tests/", 1)[0] + "/docs/features.md") as f:
            self.assertEqual(text, f.read())


if __name__ == "__main__":
    unittest.main()
