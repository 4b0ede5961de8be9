"""Shared helpers for the CLI tests: run the built binary, parse --json, find ../shared."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

PARITY = os.environ.get("PARITY_BIN", str(Path(__file__).resolve().parents[2] / "build/release/parity"))


def shared_data(relative):
    """Path under ../shared/data, or None when shared/ (or the file) is absent."""
    root = os.environ.get("PARITY_SHARED_DIR") or str(Path(__file__).resolve().parents[3] / "shared")
    path = Path(root) / "data" / relative
    return path.resolve() if path.exists() else None


def require_shared(test, relative):
    path = shared_data(relative)
    if path is None:
        test.skipTest(f"../shared/data/{relative} is absent: skipping a test that needs real recordings")
    return path


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        return json.loads(self.stdout)

    def json_lines(self):
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


class CliTestCase(unittest.TestCase):
    """Each test gets a fresh temporary directory and catalog path."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="parity-cli-"))
        self.catalog = self.tmp / "parity.db"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_parity(self, *args, expect=0, catalog=True, env=None, timeout=300):
        cmd = [PARITY]
        if catalog:
            cmd += ["--catalog", str(self.catalog)]
        cmd += [str(a) for a in args]
        full_env = dict(os.environ)
        full_env.pop("PARITY_CATALOG", None)
        if env:
            full_env.update(env)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        result = Result(proc)
        if expect is not None:
            self.assertEqual(result.code, expect,
                             f"{' '.join(cmd)} exited {result.code}\nstdout:\n{result.stdout[-3000:]}\n"
                             f"stderr:\n{result.stderr[-3000:]}")
        return result

    def use_catalog(self, template):
        """Starts this test from a copy of a catalog prepared once per class (see SharedDemo)."""
        shutil.copyfile(template, self.catalog)

    def generate_demo(self, name="demo", *extra):
        out = self.tmp / name
        self.run_parity("demo", "generate", out, *extra, catalog=False)
        return out


class SharedDemo:
    """The built-in example generated and ingested once per test class (optionally profiled):
    `cls.demo_data` and `cls.demo_catalog`; tests copy the catalog with use_catalog()."""

    profile = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_tmp = Path(tempfile.mkdtemp(prefix="parity-cli-class-"))
        cls.demo_data = cls.demo_tmp / "data"
        cls.demo_catalog = cls.demo_tmp / "parity.db"

        def run(*args):
            proc = subprocess.run([PARITY, *[str(a) for a in args]], capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"{args} exited {proc.returncode}: {proc.stderr[-2000:]}")

        run("demo", "generate", cls.demo_data)
        run("--catalog", cls.demo_catalog, "ingest", cls.demo_data, "--task", "hdd",
            "--attrs-from-path", "{domain_dir}/*.mcap")
        if cls.profile:
            run("--catalog", cls.demo_catalog, "profile", "--threads", "2")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.demo_tmp, ignore_errors=True)
        super().tearDownClass()


class SharedRealData:
    """Recordings from ../shared/data ingested (and profiled, 10 frames per camera stream) once
    per test class into `cls.real_catalog`: `datasets` maps a name to (relative path, domain).
    `cls.real_missing` names a dataset that is absent (tests then skip via require_real())."""

    datasets = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.real_tmp = Path(tempfile.mkdtemp(prefix="parity-cli-real-"))
        cls.real_catalog = cls.real_tmp / "parity.db"
        cls.real_missing = next((relative for relative, _ in cls.datasets.values()
                                 if shared_data(relative) is None), None)
        if cls.real_missing is not None:
            return

        def run(*args):
            proc = subprocess.run([PARITY, "--catalog", cls.real_catalog, *[str(a) for a in args]],
                                  capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                  timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"{args} exited {proc.returncode}: {proc.stderr[-2000:]}")

        for relative, domain in cls.datasets.values():
            run("ingest", shared_data(relative), "--domain", domain)
        run("profile", "--max-frames", "10", "--threads", "2")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.real_tmp, ignore_errors=True)
        super().tearDownClass()

    def require_real(self):
        if self.real_missing is not None:
            self.skipTest(f"../shared/data/{self.real_missing} is absent: skipping a test that "
                          "needs real recordings")
        self.use_catalog(self.real_catalog)

