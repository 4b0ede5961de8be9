#!/usr/bin/env python3
"""Independent oracle for the RLDS reader tests: walks a TFRecord shard and its
tf.train.Example protobufs in plain Python (struct only; no TensorFlow, no protobuf library,
no code shared with Parity) and prints, one line per record:

    <offset> <length> <steps> <file_path> <action values as float32 hex words, comma-separated>

`steps` is the number of steps/is_first values; the action values are the float32 bit
patterns of steps/action in order. Usage: tfrecord_oracle.py <shard>
"""
import struct
import sys


def varint(b, o):
    value, shift = 0, 0
    while True:
        x = b[o]
        o += 1
        value |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return value, o


def fields(b):
    o = 0
    while o < len(b):
        tag, o = varint(b, o)
        wire = tag & 7
        if wire == 0:
            v, o = varint(b, o)
        elif wire == 1:
            v, o = b[o:o + 8], o + 8
        elif wire == 5:
            v, o = b[o:o + 4], o + 4
        elif wire == 2:
            n, o = varint(b, o)
            v, o = b[o:o + n], o + n
        else:
            raise ValueError("wire type %d" % wire)
        yield tag >> 3, wire, v


def features(example):
    out = {}
    for f, _, features_msg in fields(example):
        if f != 1:
            continue
        for g, _, entry in fields(features_msg):
            if g != 1:
                continue
            key, value = None, b""
            for h, _, x in fields(entry):
                if h == 1:
                    key = x.decode()
                elif h == 2:
                    value = x
            out[key] = value
    return out


def values(feature):
    for kind, _, lst in fields(feature):
        out = []
        for _, wire, x in fields(lst):
            if kind == 1:
                out.append(x)
            elif kind == 2 and wire == 2:
                out.extend(struct.unpack("<%dI" % (len(x) // 4), x))
            elif kind == 2:
                out.append(struct.unpack("<I", x)[0])
            elif kind == 3 and wire == 2:
                o = 0
                while o < len(x):
                    v, o = varint(x, o)
                    out.append(v)
            else:
                out.append(x)
        return out
    return []


def main():
    data = open(sys.argv[1], "rb").read()
    o = 0
    while o + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, o)
        ex = features(data[o + 12:o + 12 + n])
        steps = len(values(ex["steps/is_first"]))
        path = values(ex["episode_metadata/file_path"])[0].decode()
        action = ",".join("%08x" % v for v in values(ex["steps/action"]))
        print(o, n, steps, path, action)
        o += 12 + n + 4


main()
