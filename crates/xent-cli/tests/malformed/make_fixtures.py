"""Writes the malformed inputs of this folder that are not plain text typed by hand: model
files, IDX folders (raw and gzip), NPY files in Fortran order, samples files with a BOM.
Run from this folder: `python3 make_fixtures.py` (standard library only)."""

import gzip
import json
import os
import struct


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(name, mode) as f:
        f.write(data)


def model(kind="softmax", inputs=1, outputs=2, weights=None, bias=None, scaling=None):
    return {
        "format": "xent-linear-model",
        "version": 1,
        "kind": kind,
        "inputs": inputs,
        "outputs": outputs,
        "weights": weights if weights is not None else [[0.5] * outputs for _ in range(inputs)],
        "bias": bias if bias is not None else [0.0] * outputs,
        "scaling": scaling or {"kind": "none"},
    }


def models():
    write("model_zero_outputs.json", json.dumps(model(outputs=0, weights=[[]], bias=[])))
    write("model_logistic_three.json", json.dumps(model("logistic", outputs=3)))
    write("model_softmax_one.json", json.dumps(model("softmax", outputs=1)))
    write("model_zero_inputs.json", json.dumps(model(inputs=0, weights=[])))
    write("model_divide_zero.json", json.dumps(model(scaling={"kind": "divide", "by": 0.0})))
    write("model_divide_negative.json", json.dumps(model(scaling={"kind": "divide", "by": -1.0})))
    write(
        "model_std_zero.json",
        json.dumps(model(scaling={"kind": "standardize", "mean": [0.0], "std": [0.0]})),
    )
    text = json.dumps(model()).replace("[[0.5, 0.5]]", "[[0.5, 1e39]]")
    write("model_infinite_weight.json", text)
    write("model_short_bias.json", json.dumps(model(bias=[0.0])))
    write("model_wrong_format.json", json.dumps({**model(), "format": "something-else"}))
    write("model_long_string.json", json.dumps({**model(), "kind": "x" * 100_000}))
    write("model_not_json.json", "this is not JSON\n")
    write("model_not_utf8.json", b'{"format": "\xff\xfe"}')
    write("model_good_one_input.json", json.dumps(model()))


def idx(dims, data):
    header = bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return header + bytes(data)


def idx_folder(name, train_images, test_images, n_train=2, n_test=2, compress=False):
    os.makedirs(name, exist_ok=True)
    files = {
        "train-images-idx3-ubyte": train_images,
        "train-labels-idx1-ubyte": idx([n_train], [1] * n_train),
        "t10k-images-idx3-ubyte": test_images,
        "t10k-labels-idx1-ubyte": idx([n_test], [0] * n_test),
    }
    for stem, data in files.items():
        if compress:
            write(os.path.join(name, stem + ".gz"), gzip.compress(data, mtime=0))
        else:
            write(os.path.join(name, stem), data)


def idx_folders():
    good = idx([2, 2, 2], range(8))
    idx_folder("idx_zero_dim", idx([2, 0, 28], []), good)
    idx_folder("idx_one_dim", idx([2], [5, 6]), good)
    idx_folder("idx_sizes_differ", good, idx([2, 3, 3], range(18)))
    idx_folder("idx_bad_crc", good, good, compress=True)
    path = os.path.join("idx_bad_crc", "train-images-idx3-ubyte.gz")
    data = bytearray(open(path, "rb").read())
    data[-8] ^= 0x55
    write(path, bytes(data))
    idx_folder("idx_trailing", good, good, compress=True)
    path = os.path.join("idx_trailing", "t10k-images-idx3-ubyte.gz")
    write(path, open(path, "rb").read() + b"trailing garbage")
    # A header claiming 2^34 pixels in front of a megabyte of zeros that inflates without end.
    idx_folder("idx_bomb", good, good)
    bomb = gzip.compress(idx([16384, 1024, 1024], []) + bytes(1 << 20), mtime=0)
    os.remove(os.path.join("idx_bomb", "train-images-idx3-ubyte"))
    write(os.path.join("idx_bomb", "train-images-idx3-ubyte.gz"), bomb)


def npy(name, descr, fortran, shape, values, fmt):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr,
        "True" if fortran else "False",
        "(%s)" % ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else ""),
    )
    header = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    body = b"".join(struct.pack("<" + fmt, v) for v in values)
    write(name, b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body)


def others():
    # good_pred.csv's rows, stored column by column.
    rows = [[0.7, 0.3], [0.4, 0.6], [0.9, 0.1]]
    # 2^40 rows of no values: nothing to allocate, nothing to compute.
    npy("zero_columns.npy", "<f8", False, (1 << 40, 0), [], "d")
    npy("good_pred_fortran.npy", "<f8", True, (3, 2), [r[c] for c in range(2) for r in rows], "d")
    write("samples_bom_blank.txt", "\ufeffa\nb\na\n\n\n".encode())
    write("samples_three_fields.csv", "a,b\nc,d,e\n")
    write("samples_one_field.csv", "a,b\nc\n")
    write("samples_empty.txt", "\n\n")
    write("samples_not_utf8.txt", b"a\n\xff\n")
    write("one_column_probability.csv", "0.2\n2\n0.5\n")
    write("nan_logits.csv", "1,2\nnan,0\n0,1\n")
    write("huge_weight.csv", "1\n1e308\n1\n")
    write("quoted_numbers.csv", '"0.7","0.3"\n"0.4","0.6"\n"0.9","0.1"\n')
    write("long_line.csv", "0.5," * 40 + "0.5\n")
    write("huge_label.csv", "0.5,1\n0.25,16777215\n0.75,0\n")
    write("one_column.csv", "1\n2\n3\n")
    write("labels_text.csv", "0.5,cat\n0.25,dog\n")
    write("labels_one_class.csv", "0.5,cat\n0.25,cat\n")
    write("feature_text.csv", "x,y\n0.5,0\nbig,1\n")
    write("counts_overflow.csv", "1e308,1e308\n")
    write("weights_two.csv", "1,1\n1,1\n")
    write("twenty_features.csv", "".join(",".join(["0.5"] * 20) + f",{i % 2}\n" for i in range(4)))


if __name__ == "__main__":
    models()
    idx_folders()
    others()
