"""`parity info` and `parity dump` on the real MCAP recordings in ../shared/data/mcap.

Expected counts, types and durations are the ones ../shared/data/MANIFEST.md records."""
import unittest

from harness import CliTestCase, require_shared


def by_topic(info):
    return {s["name"]: s for s in info["streams"]}


class InfoTest(CliTestCase):
    def test_field_vehicle_log(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["format"], "mcap")
        self.assertEqual(info["profile"], "ros2")
        self.assertEqual(info["message_count"], 3513)
        self.assertAlmostEqual((info["end_ns"] - info["start_ns"]) * 1e-9, 15.7, delta=0.05)
        topics = by_topic(info)
        expected = {
            "/nissan/gps/duro/imu": ("sensor_msgs/msg/Imu", 1556, "imu"),
            "/nissan/gps/duro/mag": ("sensor_msgs/msg/MagneticField", 389, "magnetometer"),
            "/nissan/vehicle_speed": ("std_msgs/msg/Float32", 470, ""),
            "/nissan/vehicle_steering": ("std_msgs/msg/Float32", 470, ""),
            "/nissan/gps/duro/current_pose": ("geometry_msgs/msg/PoseStamped", 314, "pose"),
            "/nissan/gps/duro/status_string": ("std_msgs/msg/String", 314, ""),
        }
        self.assertEqual(set(topics), set(expected))
        for topic, (type_name, count, role) in expected.items():
            self.assertEqual(topics[topic]["type"], type_name, topic)
            self.assertEqual(topics[topic]["count"], count, topic)
            self.assertEqual(topics[topic]["encoding"], "cdr", topic)
            self.assertEqual(topics[topic]["role"], role, topic)
            self.assertLessEqual(info["start_ns"], topics[topic]["start_ns"])
            self.assertLessEqual(topics[topic]["start_ns"], topics[topic]["end_ns"])
            self.assertLessEqual(topics[topic]["end_ns"], info["end_ns"])
        self.assertEqual(sum(s["count"] for s in info["streams"]), 3513)
        self.assertEqual([m["name"] for m in info["metadata"]], ["rosbag2", "rosbag2"])

    def test_simulation_log_zstd(self):
        path = require_shared(self, "mcap/evo-nav2-turtlebot/nav2_turtlebot.mcap")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["message_count"], 8197)
        self.assertAlmostEqual((info["end_ns"] - info["start_ns"]) * 1e-9, 97, delta=1.0)
        self.assertEqual(info["chunk_compression"], {"zstd": 1})
        counts = {t: s["count"] for t, s in by_topic(info).items()}
        self.assertEqual(counts, {"/odom": 2639, "/tf": 5422, "/tf_static": 1, "/amcl_pose": 135})
        self.assertEqual(by_topic(info)["/odom"]["role"], "odometry")
        self.assertEqual(by_topic(info)["/amcl_pose"]["type"], "geometry_msgs/msg/PoseWithCovarianceStamped")

    def test_sensor_msgs_recording(self):
        path = require_shared(self, "mcap/rerun-ros2-sensor-msgs/rosbag2_2025_09_10-13_03_56_0.mcap")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["message_count"], 194)
        self.assertAlmostEqual((info["end_ns"] - info["start_ns"]) * 1e-9, 5.5, delta=0.1)
        topics = by_topic(info)
        self.assertEqual(topics["/joint_state"]["type"], "sensor_msgs/msg/JointState")
        self.assertEqual(topics["/joint_state"]["count"], 15)
        self.assertEqual(topics["/joint_state"]["role"], "joints")
        self.assertEqual(topics["/rosout"]["count"], 117)
        self.assertEqual(topics["/image"]["role"], "camera/main")
        self.assertEqual(topics["/point_cloud2"]["role"], "lidar")
        self.assertEqual(info["chunk_count"], 2)

    def test_non_ros_encodings_are_listed(self):
        path = require_shared(self, "mcap/rerun-json-protobuf/simple-protobuf.mcap")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        topics = by_topic(info)
        self.assertEqual((topics["mouse"]["encoding"], topics["mouse"]["count"]), ("json", 292))
        self.assertEqual(topics["mouse"]["schema_encoding"], "jsonschema")
        self.assertEqual((topics["pose"]["encoding"], topics["pose"]["count"]), ("protobuf", 1))
        self.assertEqual(info["chunk_compression"], {"zstd": 5})

    def test_split_rosbag2_directory_is_one_recording(self):
        path = require_shared(self, "mcap/rosbag2-multiple-files")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["format"], "rosbag2-mcap")
        self.assertEqual(len(info["files"]), 3)
        self.assertEqual(by_topic(info)["/chatter"]["count"], 1324 + 1324 + 529)

    def test_rosbag2_directory_with_metadata_yaml(self):
        path = require_shared(self, "mcap/rosbag2-talker")
        info = self.run_parity("info", path, "--json", catalog=False).json()
        self.assertEqual(info["format"], "rosbag2-mcap")
        counts = {t: s["count"] for t, s in by_topic(info).items()}
        # /parameter_events is declared in metadata.yaml and the file, with no messages.
        self.assertEqual(counts, {"/topic": 10, "/rosout": 10, "/parameter_events": 0})

    def test_role_mapping_option(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        info = self.run_parity("info", path, "--json", "--map", "/nissan/vehicle_speed=odometry/speed",
                               catalog=False).json()
        self.assertEqual(by_topic(info)["/nissan/vehicle_speed"]["role"], "odometry/speed")

    def test_human_output_lists_topics(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        out = self.run_parity("info", path, catalog=False).stdout
        self.assertIn("Messages:          3513", out)
        self.assertIn("/nissan/gps/duro/imu", out)
        self.assertIn("sensor_msgs/msg/Imu", out)

    def test_missing_and_unsupported_inputs(self):
        r = self.run_parity("info", self.tmp / "nope.mcap", catalog=False, expect=3)
        self.assertIn("nope.mcap", r.stderr)
        text = self.tmp / "notes.txt"
        text.write_text("hello\n")
        r = self.run_parity("info", text, "--json", catalog=False, expect=1)
        self.assertEqual(r.json()["error"]["code"], "unsupported")
        self.assertIn("notes.txt", r.json()["error"]["message"])
        empty = self.tmp / "empty.mcap"
        empty.write_bytes(b"")
        r = self.run_parity("info", empty, "--json", catalog=False, expect=1)
        self.assertIn("empty.mcap", r.json()["error"]["message"])


class DumpTest(CliTestCase):
    def test_imu_messages_decode(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        lines = self.run_parity("dump", path, "--topic", "/nissan/gps/duro/imu", "--limit", "3", "--json",
                                catalog=False).json_lines()
        self.assertEqual(len(lines), 3)
        for line in lines:
            self.assertEqual(line["topic"], "/nissan/gps/duro/imu")
            self.assertNotIn("error", line)
            data = line["data"]
            self.assertIn("orientation", data)
            self.assertEqual(set(data["linear_acceleration"]), {"x", "y", "z"})
            # Gravity dominates the accelerometer of a vehicle on the road.
            acc = data["linear_acceleration"]
            norm = (acc["x"] ** 2 + acc["y"] ** 2 + acc["z"] ** 2) ** 0.5
            self.assertGreater(norm, 8.0)
            self.assertLess(norm, 12.0)
        times = [line["log_time_ns"] for line in lines]
        self.assertEqual(times, sorted(times))

    def test_json_and_protobuf_encodings(self):
        path = require_shared(self, "mcap/rerun-json-protobuf/simple-protobuf.mcap")
        lines = self.run_parity("dump", path, "--json", catalog=False).json_lines()
        self.assertEqual(len(lines), 293)
        mouse = [l for l in lines if l["topic"] == "mouse"]
        pose = [l for l in lines if l["topic"] == "pose"]
        self.assertEqual(len(mouse), 292)
        self.assertTrue(all(isinstance(l["data"], dict) for l in mouse))
        self.assertEqual(len(pose), 1)
        self.assertIsNone(pose[0]["data"])
        self.assertIn("protobuf", pose[0]["error"])

    def test_unknown_topic_is_not_found(self):
        path = require_shared(self, "mcap/reductstore-nissan-field/demo.mcap")
        r = self.run_parity("dump", path, "--topic", "/nope", catalog=False, expect=3)
        self.assertIn("/nope", r.stderr)


if __name__ == "__main__":
    unittest.main()
