"""Writes the inputs of BENCHMARKS.md's edge figures (standard library only) into a folder:
a 10^6 x 10 and a 10000 x 1000 array of probabilities, each as C- and Fortran-order NPY, with
their labels, and one row of 10^6 classes.
Usage: python3 benchmarks/edge_inputs.py DIR, then for example
  /usr/bin/time -f "%e s %M KB" target/release/xent eval --pred DIR/wide_f.npy --labels DIR/wide_labels.csv
  /usr/bin/time -f "%e s %M KB" target/release/xent eval --pred DIR/pred_c.npy --labels DIR/labels.csv --bins 1000000
  /usr/bin/time -f "%e s %M KB" target/release/xent eval --pred DIR/one_row.csv --labels DIR/one_row_labels.csv --json
"""

import array
import os
import random
import struct
import sys


def npy(path, fortran, rows, cols, values):
    header = "{'descr': '<f8', 'fortran_order': %s, 'shape': (%d, %d), }" % (
        "True" if fortran else "False", rows, cols)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        values.tofile(f)


def both_orders(dir, stem, rows, cols, values):
    npy(os.path.join(dir, stem + "_c.npy"), False, rows, cols, values)
    transposed = array.array("d", (values[i * cols + j] for j in range(cols) for i in range(rows)))
    npy(os.path.join(dir, stem + "_f.npy"), True, rows, cols, transposed)


def main(dir):
    os.makedirs(dir, exist_ok=True)
    random.seed(0)
    n, k = 1_000_000, 10
    values = array.array("d")
    for _ in range(n):
        row = [random.random() + 0.01 for _ in range(k)]
        total = sum(row)
        values.extend(x / total for x in row)
    both_orders(dir, "pred", n, k, values)
    with open(os.path.join(dir, "labels.csv"), "w") as f:
        f.write("".join(f"{random.randrange(k)}\n" for _ in range(n)))
    n, k = 10_000, 1000
    both_orders(dir, "wide", n, k, array.array("d", [1.0 / k] * (n * k)))
    with open(os.path.join(dir, "wide_labels.csv"), "w") as f:
        f.write("".join(f"{random.randrange(k)}\n" for _ in range(n)))
    with open(os.path.join(dir, "one_row.csv"), "w") as f:
        f.write(",".join(["0.000001"] * 1_000_000) + "\n")
    with open(os.path.join(dir, "one_row_labels.csv"), "w") as f:
        f.write("3\n")


if __name__ == "__main__":
    main(sys.argv[1])
