#!/usr/bin/env python3
"""Writes the tiny ONNX models the ImageEmbedder tests run (src/features/embedding/test).

usage: make_onnx_models.py OUTDIR

Models (opset 11, float32, NCHW):
  gap.onnx          input 1x3x16x16 -> GlobalAveragePool -> 1x3x1x1 (per-channel means)
  conv.onnx         input 1x3x4x4 -> Conv 2x2 stride 2, 2 output channels,
                    W[o,c,y,x] = (o+1) * (c+1) / 4 * (+1 if (y+x) even else -1), B = [0.5, -0.25]
                    -> Flatten -> 1x8
  log.onnx          input 1x3x2x2 -> Log -> Flatten -> 1x12 (NaN for negative inputs)
  unsupported.onnx  input 1x3x8x8 -> Hardmax (no OpenCV 4.6 layer) -> 1x3x8x8
Prints {"models": [file names]} as JSON on stdout.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, path)


def tensor(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    save(helper.make_graph([helper.make_node("GlobalAveragePool", ["input"], ["output"])],
                           "gap", [tensor("input", [1, 3, 16, 16])],
                           [tensor("output", [1, 3, 1, 1])]),
         os.path.join(out, "gap.onnx"))

    w = np.zeros((2, 3, 2, 2), dtype=np.float32)
    for o in range(2):
        for c in range(3):
            for y in range(2):
                for x in range(2):
                    w[o, c, y, x] = (o + 1) * (c + 1) / 4.0 * (1.0 if (y + x) % 2 == 0 else -1.0)
    b = np.array([0.5, -0.25], dtype=np.float32)
    save(helper.make_graph(
        [helper.make_node("Conv", ["input", "W", "B"], ["conv"], kernel_shape=[2, 2],
                          strides=[2, 2]),
         helper.make_node("Flatten", ["conv"], ["output"], axis=1)],
        "conv", [tensor("input", [1, 3, 4, 4])], [tensor("output", [1, 8])],
        initializer=[numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")]),
        os.path.join(out, "conv.onnx"))

    save(helper.make_graph(
        [helper.make_node("Log", ["input"], ["log"]),
         helper.make_node("Flatten", ["log"], ["output"], axis=1)],
        "log", [tensor("input", [1, 3, 2, 2])], [tensor("output", [1, 12])]),
        os.path.join(out, "log.onnx"))

    save(helper.make_graph([helper.make_node("Hardmax", ["input"], ["output"])], "hardmax",
                           [tensor("input", [1, 3, 8, 8])], [tensor("output", [1, 3, 8, 8])]),
         os.path.join(out, "unsupported.onnx"))

    json.dump({"models": ["gap.onnx", "conv.onnx", "log.onnx", "unsupported.onnx"]}, sys.stdout)


if __name__ == "__main__":
    main()
