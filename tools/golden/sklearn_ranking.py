"""Reference ROC-AUC and average precision from scikit-learn, for `xent::eval::ranking`.

`v/bin/python tools/golden/sklearn_ranking.py > crates/xent/tests/data/sklearn_ranking.json`
(a venv with scikit-learn, as for sklearn_classification.py). Cases: binary with ties,
weighted, multiclass one-vs-rest (macro and weighted), with ties and weights.
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.preprocessing import label_binarize


def case(name, proba, labels, weights=None):
    proba = np.asarray(proba, dtype=float)
    labels = np.asarray(labels)
    k = proba.shape[1]
    out = {
        "id": name,
        "source": f"scikit-learn {sklearn.__version__}, roc_auc_score / average_precision_score",
        "proba": proba.tolist(),
        "labels": labels.tolist(),
        "weights": None if weights is None else list(weights),
    }
    if k == 2:
        auc = roc_auc_score(labels, proba[:, 1], sample_weight=weights)
        ap = average_precision_score(labels, proba[:, 1], sample_weight=weights)
        out.update(roc_auc_macro=auc, roc_auc_weighted=auc, ap_macro=ap, ap_weighted=ap)
    else:
        y = label_binarize(labels, classes=list(range(k)))
        for average in ["macro", "weighted"]:
            out[f"roc_auc_{average}"] = roc_auc_score(
                labels, proba, multi_class="ovr", average=average, sample_weight=weights
            )
            out[f"ap_{average}"] = average_precision_score(y, proba, average=average, sample_weight=weights)
        out["roc_auc_per_class"] = roc_auc_score(y, proba, average=None, sample_weight=weights).tolist()
        out["ap_per_class"] = average_precision_score(y, proba, average=None, sample_weight=weights).tolist()
    return out


rng = np.random.default_rng(7)
# Binary, scores rounded to one decimal: many ties.
s = np.round(rng.uniform(size=60), 1)
yb = (rng.uniform(size=60) < s).astype(int)
binary = np.stack([1 - s, s], axis=1)
wb = rng.uniform(0.2, 3.0, size=60)
# Four classes, probabilities rounded to two decimals (ties within each class's column).
z = rng.normal(size=(80, 4)) * 1.5
p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
p = np.round(p, 2)
p = p / p.sum(axis=1, keepdims=True)
y = np.array([rng.choice(4, p=row) for row in p])
w = rng.uniform(0.1, 2.0, size=80)
cases = [
    case("binary_ties", binary, yb),
    case("binary_ties_weighted", binary, yb, wb.tolist()),
    case("ovr_4_classes", p, y),
    case("ovr_4_classes_weighted", p, y, w.tolist()),
]
json.dump(cases, sys.stdout, indent=1)
sys.stdout.write("\n")
