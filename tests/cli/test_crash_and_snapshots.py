"""Crash safety (`kill -9` mid-ingest) and snapshots (create, use, verify)."""
import os
import signal
import sqlite3
import subprocess
import time
import unittest

from harness import PARITY, CliTestCase


def per_source_counts(db_path):
    """source id -> (episodes, streams, episode attributes, provenance rows)."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            """SELECT s.id,
                      (SELECT COUNT(*) FROM episodes e WHERE e.source_id = s.id),
                      (SELECT COUNT(*) FROM streams t JOIN episodes e ON t.episode_id = e.id
                        WHERE e.source_id = s.id),
                      (SELECT COUNT(*) FROM episode_attributes a JOIN episodes e ON a.episode_id = e.id
                        WHERE e.source_id = s.id),
                      (SELECT COUNT(*) FROM provenance p JOIN episodes e ON p.episode_id = e.id
                        WHERE e.source_id = s.id)
               FROM sources s""").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


class CrashTest(CliTestCase):
    def test_kill_9_mid_ingest_leaves_a_whole_catalog_and_rerun_completes(self):
        data = self.generate_demo("big", "--episodes", "16", "--duration-s", "40")
        reference_db = self.tmp / "reference.db"
        self.run_parity("--catalog", reference_db, "ingest", data, catalog=False)
        reference = per_source_counts(reference_db)
        self.assertEqual(len(reference), 48)

        proc = subprocess.Popen([PARITY, "--catalog", str(self.catalog), "ingest", str(data)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        killed_after = None
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            try:
                with sqlite3.connect(f"file:{self.catalog}?mode=ro", uri=True, timeout=1) as db:
                    n = db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
            except sqlite3.Error:
                n = 0
            if n >= 3:
                os.kill(proc.pid, signal.SIGKILL)
                killed_after = n
                break
            time.sleep(0.002)
        proc.wait()
        self.assertIsNotNone(killed_after, "ingest finished before it could be killed; make the data larger")
        self.assertEqual(proc.returncode, -signal.SIGKILL)

        with sqlite3.connect(self.catalog) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        partial = per_source_counts(self.catalog)
        self.assertGreaterEqual(len(partial), 3)
        self.assertLess(len(partial), len(reference))
        for source_id, counts in partial.items():
            self.assertEqual(counts, reference[source_id], f"source {source_id} is partial")

        rerun = self.run_parity("ingest", data, "--json").json()
        self.assertEqual(rerun["failed"], 0)
        self.assertEqual(rerun["unchanged"], len(partial))
        self.assertEqual(per_source_counts(self.catalog), reference)


class SnapshotTest(CliTestCase):
    def test_create_use_and_verify(self):
        demo = self.generate_demo()
        self.run_parity("ingest", demo)
        field = self.run_parity("ls", "--json", "--where", "domain = field").json()
        created = self.run_parity("snapshot", "create", "field-v1", "--where", "domain = field",
                                  "--description", "field logs", "--json").json()
        self.assertEqual(created["episode_count"], len(field))
        frozen = self.run_parity("ls", "--json", "--where", "snapshot:field-v1").json()
        self.assertEqual({e["id"] for e in frozen}, {e["id"] for e in field})
        listed = self.run_parity("snapshot", "ls", "--json").json()
        self.assertEqual([s["name"] for s in listed], ["field-v1"])
        shown = self.run_parity("snapshot", "show", "field-v1", "--json").json()
        self.assertEqual(len(shown["episodes"]), len(field))

        ok = self.run_parity("snapshot", "verify", "field-v1", "--json").json()
        self.assertTrue(ok["ok"])
        self.assertTrue(all(f["state"] == "ok" for f in ok["files"]))

        files = sorted((demo / "field").glob("*.mcap"))
        with open(files[0], "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 0xFF]))
        files[1].unlink()
        bad = self.run_parity("snapshot", "verify", "field-v1", "--json", expect=5)
        states = {os.path.basename(f["file"]): f["state"] for f in bad.json()["files"]}
        self.assertEqual(states[files[0].name], "changed")
        self.assertEqual(states[files[1].name], "missing")
        self.assertFalse(bad.json()["ok"])

        dup = self.run_parity("snapshot", "create", "field-v1", "--where", "domain = field", "--json",
                              expect=1)
        self.assertEqual(dup.json()["error"]["code"], "already_exists")


if __name__ == "__main__":
    unittest.main()
