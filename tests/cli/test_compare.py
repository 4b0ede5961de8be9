"""`parity compare` end to end on the built-in example: the JSON contract, the CI gate, weights."""
import unittest

from harness import CliTestCase, SharedDemo


class CompareCliTest(SharedDemo, CliTestCase):
    profile = True

    def setUp(self):
        super().setUp()
        self.use_catalog(self.demo_catalog)

    def test_json_contract(self):
        report = self.run_parity("--json", "compare", "--train", "domain in (lab, sim)",
                                 "--target", "domain = field").json()
        self.assertGreaterEqual(report["score"], 0.0)
        self.assertLessEqual(report["score"], 1.0)
        low, high = report["score_interval"]
        self.assertLessEqual(low, report["score"])
        self.assertGreaterEqual(high, report["score"])
        feature = report["features"][0]
        for key in ("name", "w1_normalized", "ks", "ks_p", "psi", "flagged"):
            self.assertIn(key, feature)
        attribute = report["attributes"][0]
        for key in ("name", "js", "linf", "missing_in_train"):
            self.assertIn(key, attribute)
        self.assertTrue(report["slices"])
        for key in ("attributes", "target_share", "train_share", "train_count"):
            self.assertIn(key, report["slices"][0])
        for key in ("mmd2", "mmd_p", "auc", "precision", "recall", "density", "coverage"):
            self.assertIn(key, report["multivariate"])
        self.assertTrue(report["explanations"])
        self.assertTrue(any(line.startswith("field") for line in report["explanations"]),
                        report["explanations"])
        # The demo's field is darker than its lab: luminance is among the flagged features.
        flagged = {f["name"] for f in report["features"] if f["flagged"]}
        self.assertIn("camera/front.luma_mean.p50", flagged)

    def test_gate_and_weights(self):
        gate = self.run_parity("compare", "--train", "domain in (lab, sim)", "--target",
                               "domain = field", "--fail-under", "1.0", expect=5)
        self.assertIn("below --fail-under", gate.stderr)
        summary = self.run_parity("compare", "--train", "domain in (lab, sim)", "--target",
                                  "domain = field").stdout
        self.assertIn("parity score", summary)
        self.assertIn("top gaps", summary)
        weighted = self.run_parity("--json", "compare", "--train", "domain in (lab, sim)",
                                   "--train-weights", "domain=lab:1,sim:0", "--target",
                                   "domain = field").json()
        lab_only = self.run_parity("--json", "compare", "--train", "domain = lab", "--target",
                                   "domain = field").json()
        self.assertAlmostEqual(weighted["features"][0]["w1_normalized"],
                               next(f for f in lab_only["features"]
                                    if f["name"] == weighted["features"][0]["name"])["w1_normalized"],
                               places=9)
        bad = self.run_parity("compare", "--train", "domain = lab", "--train-weights",
                              "domain=mars:1", "--target", "domain = field", expect=1)
        self.assertIn("no training episode has domain = mars", bad.stderr)
        empty = self.run_parity("compare", "--train", "domain = nowhere", "--target",
                                "domain = field", expect=1)
        self.assertIn("matches no episode", empty.stderr)


if __name__ == "__main__":
    unittest.main()
