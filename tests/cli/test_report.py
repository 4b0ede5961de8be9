"""`parity report` end to end: the self-contained HTML file on the built-in example and on real
LeRobot datasets, checked in a real headless browser (Debian's chromium driven by playwright-core,
tests/browser/check_report.mjs): no console or page errors, no network request, every section
and the key numbers in the DOM, a screenshot at laptop and phone widths."""
import json
import re
import shutil
import subprocess
import unittest
from pathlib import Path

from harness import CliTestCase, SharedDemo, SharedRealData

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tests" / "browser" / "check_report.mjs"
PLAYWRIGHT = ROOT / "tests" / "oracles" / "node_modules" / "playwright-core"
SECTIONS = ["score", "gaps", "slices", "features", "plan", "evaluation", "provenance"]


def browser_missing():
    if shutil.which("node") is None:
        return "node is not installed"
    if not Path("/usr/bin/chromium").exists():
        return "Debian's chromium is not installed (scripts/install-deps.sh installs it)"
    if not PLAYWRIGHT.exists():
        return "playwright-core is not installed (scripts/install-deps.sh runs npm ci)"
    return None


class BrowserCheck:
    def check_in_browser(self, html):
        why = browser_missing()
        if why:
            self.skipTest(f"{why}: skipping the browser check")
        proc = subprocess.run(["node", str(CHECKER), str(html), str(self.tmp / "shot")],
                              capture_output=True, text=True, timeout=180)
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        result = json.loads(proc.stdout)
        self.assertEqual(result["console_errors"], [])
        self.assertEqual(result["page_errors"], [])
        self.assertEqual(result["requests"], [])  # self-contained: nothing fetched
        self.assertEqual(result["sections"], SECTIONS)
        self.assertFalse(result["overflow"])
        self.assertFalse(result["phone_overflow"])
        for shot in result["screenshots"]:
            self.assertGreater(Path(shot).stat().st_size, 10_000, shot)
        return result


class ReportCliTest(SharedDemo, BrowserCheck, CliTestCase):
    profile = True

    def setUp(self):
        super().setUp()
        self.use_catalog(self.demo_catalog)

    def test_report_renders_with_the_key_numbers(self):
        html = self.tmp / "report.html"
        self.run_parity("report", "--train", "domain in (lab, sim)", "--target", "domain = field",
                        "--out", html)
        plan = self.run_parity("--json", "plan", "--train", "domain in (lab, sim)", "--target",
                               "domain = field").json()
        text = html.read_text()
        self.assertNotIn("http://", text.replace("http://www.w3.org", ""))
        self.assertNotIn("<script", text)
        result = self.check_in_browser(html)
        self.assertEqual(result["score"], f"{plan['score']:.2f}")
        self.assertGreaterEqual(result["heatmaps"], 1)
        self.assertGreaterEqual(result["charts"], 4)
        # The top gaps are compare's explanations, and every collection item is in the page.
        compare = self.run_parity("--json", "compare", "--train", "domain in (lab, sim)",
                                  "--target", "domain = field").json()
        self.assertEqual(result["gaps"], compare["explanations"])
        for item in plan["collection"]:
            label = ", ".join(f"{k} = {v}" for k, v in sorted(item["slice"].items()))
            self.assertIn(label, result["text"])
        self.assertIn(f"{plan['expected_score_after']:.2f}", result["text"])
        self.assertIn("parity --catalog", result["text"])  # how to reproduce it
        self.assertRegex(result["text"], r"[0-9a-f]{32}")  # a source content hash

    def test_bad_eval_file_is_a_clear_error(self):
        bad = self.tmp / "eval.json"
        bad.write_text("{not json")
        out = self.run_parity("report", "--train", "domain = lab", "--target", "domain = field",
                              "--eval", bad, "--out", self.tmp / "r.html", expect=1)
        self.assertIn("eval.json: not a JSON document", out.stderr)
        self.assertFalse((self.tmp / "r.html").exists())


class RealDataReportTest(SharedRealData, BrowserCheck, CliTestCase):
    """A report comparing two LeRobot datasets of ../shared/data (lingzu open50 as training,
    the SO-101 arm as target) renders without errors."""

    datasets = {"open50": ("lerobot/v3.0-lingzu-open50", "sim"),
                "so101": ("lerobot/v3.0-so101-record-test", "field")}

    def setUp(self):
        super().setUp()
        self.require_real()

    def test_report_on_two_lerobot_datasets(self):
        html = self.tmp / "real.html"
        self.run_parity("report", "--train", "domain = sim", "--target", "domain = field",
                        "--out", html, "--title", "open50 vs SO-101")
        result = self.check_in_browser(html)
        self.assertEqual(result["title"], "open50 vs SO-101")
        self.assertIn("v3.0-so101-record-test", result["text"])
        self.assertTrue(re.search(r"\b50\b training episodes", result["text"]), result["text"][:500])


if __name__ == "__main__":
    unittest.main()
