"""Reference values of the classification metrics `xent eval` reports beside scikit-learn's.

Run once with scikit-learn installed (`python3 -m venv v && v/bin/pip install scikit-learn`,
then `v/bin/python tools/golden/sklearn_classification.py > crates/xent/tests/data/sklearn_classification.json`);
the JSON it prints is what `crates/xent/tests/eval.rs` checks against. Every case: predicted
probabilities (rows), labels, optional sample weights, and scikit-learn's values.
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def case(name, proba, labels, weights=None, zero_division=0.0):
    proba = np.asarray(proba, dtype=float)
    labels = np.asarray(labels)
    k = proba.shape[1]
    # xent predicts the first most probable class, as numpy's argmax.
    pred = proba.argmax(axis=1)
    # Averages over the classes present in the labels or the predictions (scikit-learn's
    # default `labels`); per-class values over every column.
    out = {
        "id": name,
        "source": f"scikit-learn {sklearn.__version__}, precision_recall_fscore_support / confusion_matrix",
        "proba": proba.tolist(),
        "labels": labels.tolist(),
        "weights": None if weights is None else list(weights),
        "zero_division": zero_division,
    }
    for average in ["macro", "weighted", "micro"]:
        p, r, f, _ = precision_recall_fscore_support(
            labels, pred, average=average, sample_weight=weights, zero_division=zero_division
        )
        out[average] = [p, r, f]
    p, r, f, s = precision_recall_fscore_support(
        labels, pred, labels=list(range(k)), average=None, sample_weight=weights,
        zero_division=zero_division,
    )
    out["per_class"] = {"precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": s.tolist()}
    out["confusion"] = confusion_matrix(labels, pred, labels=list(range(k)), sample_weight=weights).tolist()
    return out


rng = np.random.default_rng(2026)
z = rng.normal(size=(40, 4)) * 2
proba = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
labels = rng.integers(0, 4, size=40)
weights = rng.uniform(0.1, 2.0, size=40)
# Class 3 is never predicted here and class 0 never true: zero divisions on both sides.
skew = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.6, 0.3, 0.0], [0.2, 0.2, 0.6, 0.0],
                 [0.6, 0.3, 0.1, 0.0], [0.1, 0.1, 0.8, 0.0], [0.3, 0.4, 0.3, 0.0]])
skew_labels = [1, 1, 2, 3, 2, 3]
cases = [
    case("random_4_classes", proba, labels),
    case("random_4_classes_weighted", proba, labels, weights.tolist()),
    case("absent_classes_zero_division_0", skew, skew_labels),
    case("absent_classes_zero_division_1", skew, skew_labels, zero_division=1.0),
]
json.dump(cases, sys.stdout, indent=1)
sys.stdout.write("\n")
