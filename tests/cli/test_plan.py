"""`parity plan` and `parity weights` end to end on the built-in example: the JSON contract, the
planted gaps in the collection plan, the randomization spec, and the weights file read back by
the loader example of docs/plan.md and by `parity compare --train-weights file:`."""
import csv
import json
import os
import re
import subprocess
import unittest
from pathlib import Path

import yaml

from harness import CliTestCase, SharedDemo, SharedRealData

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plan.md"
PYTHON = "/usr/bin/python3"  # Debian's, with NumPy (the pyenv python3 on PATH may lack it)


class PlanCliTest(SharedDemo, CliTestCase):
    profile = True

    def setUp(self):
        super().setUp()
        self.use_catalog(self.demo_catalog)

    def test_json_contract_and_planted_gaps(self):
        spec = self.tmp / "randomization.yaml"
        plan = self.run_parity("--json", "plan", "--train", "domain in (lab, sim)", "--target",
                               "domain = field", "--budget", "8", "--randomization", spec).json()
        for key in ("ess", "ess_fraction", "max_weight"):
            self.assertIn(key, plan["weights"])
        self.assertGreater(plan["weights"]["ess"], 0)
        self.assertLessEqual(plan["weights"]["ess_fraction"], 1.0 + 1e-12)
        self.assertEqual({m["source"] for m in plan["mix"]}, {"lab", "sim"})
        self.assertAlmostEqual(sum(m["proportion"] for m in plan["mix"]), 1.0, places=6)
        self.assertTrue(plan["collection"])
        for item in plan["collection"]:
            for key in ("slice", "target_share", "train_count", "episodes_needed"):
                self.assertIn(key, item)
        self.assertGreaterEqual(plan["expected_score_after"], plan["score"])
        # The example's field has conditions training never shows (dark and changing light,
        # high sensor noise): the plan asks for them, each with no training episode.
        planned = {(k, v) for item in plan["collection"] for k, v in item["slice"].items()}
        self.assertIn(("sensor_noise", "high"), planned)
        self.assertTrue({("lighting", "dark"), ("lighting", "changing")} & planned, planned)
        self.assertEqual(plan["subset"]["budget"], 8)
        document = yaml.safe_load(spec.read_text())
        self.assertEqual(document["version"], 1)
        names = {p["name"] for s in document["slices"] for p in s["parameters"]}
        self.assertIn("camera.noise_sigma", names)
        self.assertEqual(document, json.loads(json.dumps(plan["randomization"])))

    def test_weights_file_feeds_the_documented_loader_and_compare(self):
        out = self.tmp / "weights.csv"
        summary = self.run_parity("--json", "weights", "--train", "domain in (lab, sim)",
                                  "--target", "domain = field", "--out", out).json()
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), summary["episodes"])
        self.assertEqual(list(rows[0].keys()),
                         ["episode_id", "source", "episode_index", "start_ns", "end_ns", "weight"])
        weights = [float(r["weight"]) for r in rows]
        self.assertAlmostEqual(sum(weights) / len(weights), 1.0, places=9)
        self.assertAlmostEqual(max(weights), summary["max_weight"], places=9)
        # The NumPy loader block of docs/plan.md, run as written on this file.
        block = re.search(r"```python numpy-loader\n(.*?)```", DOCS.read_text(), re.S).group(1)
        probe = block + "\nimport json\nprint(json.dumps({'n': len(episodes), 'p': (weights / weights.sum()).tolist()}))\n"
        proc = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True,
                              env={**os.environ, "WEIGHTS": str(out)}, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        loaded = json.loads(proc.stdout)
        self.assertEqual(loaded["n"], len(rows))
        for p, w in zip(loaded["p"], weights):
            self.assertAlmostEqual(p, w / sum(weights), places=12)
        # compare reads the same file back as the training mix.
        weighted = self.run_parity("--json", "compare", "--train", "domain in (lab, sim)",
                                   "--train-weights", f"file:{out}", "--target",
                                   "domain = field").json()
        self.assertAlmostEqual(weighted["train_ess"], summary["ess"], places=6)
        for fmt in ("jsonl", "parquet"):
            other = self.tmp / f"weights.{fmt}"
            self.run_parity("weights", "--train", "domain in (lab, sim)", "--target",
                            "domain = field", "--out", other)
            self.assertGreater(other.stat().st_size, 0)

    def test_errors(self):
        bad = self.run_parity("plan", "--train", "domain = nowhere", "--target", "domain = field",
                              expect=1)
        self.assertIn("matches no episode", bad.stderr)
        bad = self.run_parity("weights", "--train", "domain = lab", "--target", "domain = field",
                              "--out", self.tmp / "w.txt", expect=1)
        self.assertIn("w.txt", bad.stderr)


class RealDataPlanTest(SharedRealData, CliTestCase):
    """A cross-dataset plan on ../shared/data: two LeRobot arm datasets (lingzu open50, Reachy 2)
    as the training mix against the SO-101 arm as the target. The sides barely overlap, so the
    plan must say that weighting cannot fix it; the weights still export and load."""

    datasets = {"open50": ("lerobot/v3.0-lingzu-open50", "sim"),
                "reachy2": ("lerobot/v3.0-reachy2-apple-storage", "sim"),
                "so101": ("lerobot/v3.0-so101-record-test", "field")}

    def setUp(self):
        super().setUp()
        self.require_real()

    def test_cross_dataset_plan_says_weighting_cannot_fix_it_and_weights_load(self):
        out = self.tmp / "weights.parquet"
        plan = self.run_parity("--json", "plan", "--train", "domain = sim", "--target",
                               "domain = field", "--mix-by", "source", "--weights-out",
                               out).json()
        self.assertEqual(plan["n_train"], 53)
        self.assertLess(plan["weights"]["ess_fraction"], 0.1)
        self.assertTrue(any("Weighting alone cannot close this gap" in line
                            for line in plan["advice"]), plan["advice"])
        self.assertEqual({m["source"] for m in plan["mix"]},
                         {"v3.0-lingzu-open50", "v3.0-reachy2-apple-storage"})
        self.assertAlmostEqual(sum(m["proportion"] for m in plan["mix"]), 1.0, places=6)
        # The Parquet form is written (the Parquet writer is checked against arrow-rs in its own
        # tests); the loader block of docs/plan.md runs on the CSV form of the same weights.
        self.assertGreater(out.stat().st_size, 0)
        csv_out = self.tmp / "weights.csv"
        self.run_parity("weights", "--train", "domain = sim", "--target", "domain = field",
                        "--out", csv_out)
        block = re.search(r"```python numpy-loader\n(.*?)```", DOCS.read_text(), re.S).group(1)
        probe = block + "\nimport json\nprint(json.dumps(sorted(set(episodes))))\n"
        proc = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True,
                              env={**os.environ, "WEIGHTS": str(csv_out)}, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(csv_out, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 53)
        self.assertTrue(set(json.loads(proc.stdout)) <= {int(r["episode_index"]) for r in rows})


if __name__ == "__main__":
    unittest.main()
