"""`parity info`, `parity dump` and `parity ingest` on every non-MCAP format in ../shared/data:
ROS 1 bags, ROS 2 sqlite3 bags, robosuite HDF5 demonstrations, an RLDS dataset and LeRobot
datasets, plus `parity export`. The JSON contract is the one MCAP recordings have
(docs/cli.md); expected counts and shapes come from ../shared/data/MANIFEST.md and, for
LeRobot, from an independent Parquet reader (tests/oracles)."""
import csv
import json
import unittest

from harness import CliTestCase, require_shared

SAMPLES = {
    "ros1-bag": "ros1-bag/rosbag.js/example-lz4.bag",
    "rosbag2-sqlite3": "ros2-db3/evo-tf-example",
    "hdf5-robosuite": "hdf5/robosuite-v1.4.1-lift-panda-1710619576/demo.hdf5",
    "rlds": "rlds/octo-bridge-debug/bridge_dataset",
}
MCAP_SAMPLE = "mcap/reductstore-nissan-field/demo.mcap"


def by_topic(info):
    return {s["name"]: s for s in info["streams"]}


class SameContractTest(CliTestCase):
    def test_info_and_dump_keys_match_the_mcap_contract(self):
        mcap = self.run_parity("info", require_shared(self, MCAP_SAMPLE), "--json",
                               catalog=False).json()
        mcap_line = self.run_parity("dump", require_shared(self, MCAP_SAMPLE), "--json", "-n", "1",
                                    catalog=False).json_lines()[0]
        for fmt, relative in SAMPLES.items():
            with self.subTest(format=fmt):
                path = require_shared(self, relative)
                info = self.run_parity("info", path, "--json", catalog=False).json()
                self.assertEqual(info["format"], fmt)
                self.assertEqual(set(info), set(mcap))
                self.assertEqual(set(info["streams"][0]), set(mcap["streams"][0]))
                self.assertEqual(set(info["episodes"][0]), set(mcap["episodes"][0]))
                self.assertEqual(info["episode_count"], len(info["episodes"]))
                self.assertEqual(sum(e["message_count"] for e in info["episodes"]),
                                 info["message_count"])
                lines = self.run_parity("dump", path, "--json", "-n", "50",
                                        catalog=False).json_lines()
                self.assertEqual(len(lines), min(50, info["message_count"]))
                for line in lines:
                    self.assertEqual(set(line) - {"error"}, set(mcap_line))
                    self.assertNotIn("error", line, line)
                    self.assertIsNotNone(line["data"])
                # The text form works too.
                text = self.run_parity("info", path, catalog=False).stdout
                self.assertIn(f"Format:            {fmt}", text)


class Ros1BagTest(CliTestCase):
    def test_three_compressions_give_identical_message_streams(self):
        dumps = {}
        for name in ("example.bag", "example-bz2.bag", "example-lz4.bag"):
            path = require_shared(self, f"ros1-bag/rosbag.js/{name}")
            lines = self.run_parity("dump", path, "--json", "--bytes", "base64",
                                    catalog=False).json_lines()
            self.assertEqual(len(lines), 8647, name)
            dumps[name] = sorted((l["log_time_ns"], l["topic"], l["type"], repr(l["data"]))
                                 for l in lines)
        self.assertEqual(dumps["example.bag"], dumps["example-bz2.bag"])
        self.assertEqual(dumps["example.bag"], dumps["example-lz4.bag"])

    def test_realsense_images_decode_with_their_sizes_and_encodings(self):
        path = require_shared(self, "ros1-bag/lerobot-realsense/test_rs.bag")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["message_count"], 375)
        topics = by_topic(info)
        color = "/device_0/sensor_1/Color_0/image/data"
        depth = "/device_0/sensor_0/Depth_0/image/data"
        self.assertEqual(topics[color]["count"], 5)
        self.assertEqual(topics[depth]["count"], 6)
        self.assertTrue(topics[color]["role"].startswith("camera/"))
        self.assertTrue(topics[depth]["role"].startswith("depth/"))
        self.assertIn("md5sum", topics[color]["metadata"])
        # The RealSense writer stores 16-bit depth as "mono16"; both streams are 640 x 480, as
        # each sensor's CameraInfo says.
        for topic, encoding, bytes_per_pixel in ((color, "rgb8", 3), (depth, "mono16", 2)):
            camera_info = topic.replace("image/data", "info/camera_info")
            calibration = self.run_parity("dump", path, "--json", "--topic", camera_info,
                                          catalog=False).json_lines()[0]["data"]
            self.assertEqual((calibration["width"], calibration["height"]), (640, 480))
            lines = self.run_parity("dump", path, "--json", "--topic", topic,
                                    catalog=False).json_lines()
            self.assertEqual(len(lines), topics[topic]["count"])
            for line in lines:
                image = line["data"]
                self.assertEqual(image["encoding"], encoding)
                self.assertEqual((image["width"], image["height"]), (640, 480))
                self.assertEqual(image["step"], image["width"] * bytes_per_pixel)
                self.assertEqual(image["data"]["bytes"], image["step"] * image["height"])

    def test_luminar_point_cloud_field_layout(self):
        path = require_shared(self, "ros1-bag/embag/test.bag")
        lines = self.run_parity("dump", path, "--json", "--topic", "/luminar_pointcloud",
                                catalog=False).json_lines()
        self.assertEqual(len(lines), 5)
        for line in lines:
            cloud = line["data"]
            names = [f["name"] for f in cloud["fields"]]
            self.assertEqual(names[:3], ["x", "y", "z"])
            offsets = [f["offset"] for f in cloud["fields"]]
            self.assertEqual(offsets, sorted(offsets))
            self.assertEqual(cloud["row_step"], cloud["point_step"] * cloud["width"])
            self.assertEqual(cloud["data"]["bytes"], cloud["row_step"] * cloud["height"])

    def test_unsorted_chunks_are_dumped_in_time_order(self):
        path = require_shared(self, "ros1-bag/rosbag.js/example-unsorted-chunks.bag")
        lines = self.run_parity("dump", path, "--json", catalog=False).json_lines()
        times = [l["log_time_ns"] for l in lines]
        self.assertEqual(len(times), 3)
        self.assertEqual(times, sorted(times))


class DatasetFormatsTest(CliTestCase):
    def test_robosuite_writer_versions(self):
        expected = {  # demos, action shape (None: v0.1 has no actions dataset)
            "robosuite-v1.4.1-lift-panda-1710619576": (4, "float64[7]"),
            "robosuite-v1.4.0-lift-panda": (3, "float64[7]"),
            "robosuite-v1.0-lift-panda": (1, "float64[7]"),
            "robosuite-v0.1-sawyer-lift": (2, None),
        }
        for folder, (demos, action) in expected.items():
            with self.subTest(folder=folder):
                info = self.run_parity("info", require_shared(self, f"hdf5/{folder}/demo.hdf5"),
                                       "--json", catalog=False).json()
                self.assertEqual(info["format"], "hdf5-robosuite")
                self.assertEqual(info["episode_count"], demos)
                self.assertEqual([e["name"] for e in info["episodes"]],
                                 [f"demo_{i}" for i in range(1, demos + 1)])
                topics = by_topic(info)
                if action is not None:
                    self.assertEqual(topics["actions"]["schema_encoding"], "tensor")
                    self.assertEqual(topics["actions"]["role"], "action")
                self.assertIn("states", topics)

    def test_bridge_shard_has_25_episodes_of_10_steps_with_64px_images(self):
        path = require_shared(self, "rlds/octo-bridge-debug/bridge_dataset")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["episode_count"], 25)
        image = by_topic(info)["steps/observation/image_0"]
        for episode in info["episodes"]:
            spans = {s["id"]: s["count"] for s in episode["streams"]}
            self.assertEqual(spans[image["id"]], 10)
        lines = self.run_parity("dump", path, "--json", "--episode", "24", "--topic",
                                "steps/observation/image_0", catalog=False).json_lines()
        self.assertEqual(len(lines), 10)
        self.assertTrue(all(l["episode"] == 24 for l in lines))
        self.assertEqual(lines[0]["data"]["format"], "jpeg")
        missing = self.run_parity("dump", path, "--episode", "25", catalog=False, expect=3)
        self.assertIn("no episode 25", missing.stderr)


class LeRobotTest(CliTestCase):
    def test_reachy2_ingests_with_counts_from_the_data_and_meta_warnings(self):
        path = require_shared(self, "lerobot/v3.0-reachy2-apple-storage")
        result = self.run_parity("ingest", path, "--json").json()
        source = result["sources"][0]
        self.assertEqual((source["episodes"], source["messages"]), (3, 2 * 899))
        warnings = [d["message"] for d in source["diagnostics"] if d["severity"] == "warning"]
        self.assertTrue(any("total_frames is 14983 but the data holds 899 frames" in w for w in warnings), warnings)
        episodes = self.run_parity("ls", "--json").json()
        self.assertEqual([e["task"] for e in episodes], ["place the apple in the plate"] * 3)
        shown = self.run_parity("show", episodes[0]["id"], "--json").json()
        self.assertEqual(shown["embodiment"], "reachy2")
        roles = {s["name"]: (s["role"], s["count"]) for s in shown["streams"]}
        self.assertEqual(roles, {"action": ("action", 299), "observation.state": ("joints", 299)})

    def test_open50_dump_decodes_mpeg4_frames_with_stride(self):
        path = require_shared(self, "lerobot/v3.0-lingzu-open50")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["episode_count"], 50)
        image = by_topic(info)["image"]
        self.assertEqual(image["role"], "camera/main")
        lines = self.run_parity("dump", path, "--json", "--episode", "0", "--topic", "image",
                                "--frame-stride", "100", "--bytes", "summary",
                                catalog=False).json_lines()
        self.assertEqual(len(lines), 5)  # rows 0, 100, 200, 300, 400 of 427
        self.assertEqual([l["data"]["width"] for l in lines], [640] * 5)
        self.assertEqual([l["data"]["height"] for l in lines], [480] * 5)
        self.assertEqual([l["data"]["encoding"] for l in lines], ["rgb8"] * 5)


class ExportTest(CliTestCase):
    def test_episodes_export_in_three_formats_agree(self):
        path = require_shared(self, "lerobot/v3.0-so101-record-test")
        self.run_parity("ingest", path)
        out = {fmt: self.tmp / f"episodes.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
        for fmt, file in out.items():
            result = self.run_parity("--json", "export", "--out", file).json()
            self.assertEqual((result["format"], result["rows"]), (fmt, 4))
        with open(out["csv"], newline="") as f:
            rows = list(csv.DictReader(f))
        lines = [json.loads(l) for l in out["jsonl"].read_text().splitlines()]
        self.assertEqual([r["id"] for r in rows], [l["id"] for l in lines])
        self.assertEqual([int(r["message_count"]) for r in rows], [746, 748, 744, 746])
        self.assertEqual([l["message_count"] for l in lines], [746, 748, 744, 746])
        self.assertEqual({l["embodiment"] for l in lines}, {"so101_follower"})
        # No half-written file is left next to the output.
        self.assertEqual(sorted(p.name for p in self.tmp.iterdir() if "partial" in p.name), [])
        self.assertEqual(out["parquet"].read_bytes()[:4], b"PAR1")
        bad = self.run_parity("export", "--out", self.tmp / "x.txt", expect=1)
        self.assertIn("cannot tell the table format", bad.stderr)


class IngestEveryFormatTest(CliTestCase):
    def test_every_shared_file_ingests_or_fails_with_its_documented_error(self):
        roots = [require_shared(self, d) for d in ("ros1-bag", "ros2-db3", "hdf5", "rlds", "lerobot")]
        result = self.run_parity("ingest", *roots, "--json", expect=1).json()
        failed = [s for s in result["sources"] if s["outcome"] == "failed"]
        self.assertEqual([s["path"].split("/")[-1] for s in failed], ["empty-file.bag"])
        self.assertEqual(failed[0]["error"]["code"], "truncated")
        self.assertIn("empty file (0 bytes)", failed[0]["error"]["message"])
        ok = {s["path"].split("data/")[-1]: s for s in result["sources"] if s["outcome"] != "failed"}
        self.assertEqual(len(ok), 22)
        self.assertEqual(ok["rlds/octo-bridge-debug/bridge_dataset"]["episodes"], 25)
        self.assertEqual(ok["lerobot/v2.1-unitree-g1"]["episodes"], 100)
        self.assertEqual(ok["lerobot/v3.0-lingzu-open50"]["episodes"], 50)
        self.assertEqual(ok["lerobot/v3.0-reachy2-apple-storage"]["episodes"], 3)
        self.assertEqual(ok["lerobot/v3.0-so101-record-test"]["episodes"], 4)
        self.assertEqual(ok["ros2-db3/evo-tf-example"]["messages"], 518)
        self.assertEqual(ok["ros1-bag/rosbag.js/no-messages.bag"]["messages"], 0)
        self.assertEqual(ok["ros1-bag/evo/ROS_example.bag"]["messages"], 12765 + 8362 + 5439)
        episodes = self.run_parity("ls", "--json").json()
        # bags, db3, robosuite demos, RLDS, LeRobot
        self.assertEqual(len(episodes), 12 + 1 + 10 + 25 + 100 + 50 + 3 + 4)
        rlds = self.run_parity("ls", "--json", "--where", "format = rlds").json()
        self.assertEqual(len(rlds), 25)
        shown = self.run_parity("show", rlds[0]["id"], "--json").json()
        roles = {s["name"]: s["role"] for s in shown["streams"]}
        self.assertEqual(roles["steps/action"], "action")
        self.assertEqual(roles["steps/observation/image_0"], "camera/image_0")
        self.assertEqual(shown["attributes"]["episode_name"],
                         "bridge_dataset-train.tfrecord-00000-of-00001:" + str(rlds[0]["index"]))

        again = self.run_parity("ingest", *roots, "--json", expect=1).json()
        self.assertEqual(again["unchanged"], 22)


if __name__ == "__main__":
    unittest.main()
