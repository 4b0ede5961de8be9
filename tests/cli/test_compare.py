"""`parity compare` end to end on the built-in example: the JSON contract, the CI gate, weights."""
import unittest

from harness import CliTestCase, SharedDemo, SharedRealData


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


class RealDataCompareTest(SharedRealData, CliTestCase):
    """`parity compare` on recordings from ../shared/data: the G1 humanoid's episodes against
    each other (interleaved halves: even against odd episode index) score high; the G1 against
    the SO-101 arm and against the RealSense bag score low, and the explanations name the roles
    and features that differ."""

    datasets = {"g1": ("lerobot/v2.1-unitree-g1", "lab"),
                "so101": ("lerobot/v3.0-so101-record-test", "field"),
                "realsense": ("ros1-bag/lerobot-realsense", "field")}

    def setUp(self):
        super().setUp()
        self.require_real()

    def compare(self, train, target):
        return self.run_parity("--json", "compare", "--train", train, "--target", target,
                               "--target-label", "field").json()

    def test_interleaved_halves_of_the_g1_score_high(self):
        even = ",".join(str(i) for i in range(0, 100, 2))
        odd = ",".join(str(i) for i in range(1, 100, 2))
        report = self.compare(f"domain = lab and index in ({even})",
                              f"domain = lab and index in ({odd})")
        self.assertEqual((report["n_train"], report["n_target"]), (50, 50))
        self.assertGreaterEqual(report["score"], 0.8, report["explanations"])
        self.assertFalse([f["name"] for f in report["features"] if f["flagged"]])

    def test_g1_against_the_so101_arm_scores_low_naming_joints_and_actions(self):
        report = self.compare("domain = lab", "domain = field and format = lerobot")
        self.assertLessEqual(report["score"], 0.2)
        text = "\n".join(report["explanations"])
        self.assertIn("joints.", text)
        self.assertIn("action.", text)
        embodiment = next(a for a in report["attributes"] if a["name"] == "embodiment")
        self.assertEqual(embodiment["missing_in_train"], ["so101_follower"])

    def test_g1_against_the_realsense_bag_scores_low_naming_its_roles(self):
        report = self.compare("domain = lab", "domain = field and format = ros1-bag")
        self.assertLessEqual(report["score"], 0.2)
        text = "\n".join(report["explanations"])
        self.assertRegex(text, r"field has camera/\S+.* data that no training episode has")
        self.assertRegex(text, r"training has .*camera/cam_high.* data that no field episode has")
        self.assertIsNone(report["multivariate"]["auc"])  # one target episode
