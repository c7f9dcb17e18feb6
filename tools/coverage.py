"""How much of TensorFlow's and Keras's public API neuroflow has, namespace by namespace.

Run it where TensorFlow is installed (it is the reference, imported only here)::

    PYTHONPATH=src python tools/coverage.py              # the table (Markdown)
    PYTHONPATH=src python tools/coverage.py --missing    # also the missing names

In scope: the public (non-underscore, non-module) names of the namespaces below. Left out, as
the README says: strings, ragged, sparse, TPU, distribution, XLA, TF1-only and ``experimental``
namespaces, ``raw_ops``, file-system and serving internals, Keras applications.
"""

import argparse
import importlib
import sys
import types

# (TF namespace, neuroflow namespace) pairs, the part of the API a training program uses.
# ``keras.ops.numpy`` and ``keras.ops.nn`` repeat names of ``keras.ops``: not counted twice.
NAMESPACES = [
    ("tf", "neuroflow"),
    ("tf.math", "neuroflow.math"),
    ("tf.nn", "neuroflow.nn"),
    ("tf.linalg", "neuroflow.linalg"),
    ("tf.random", "neuroflow.random"),
    ("tf.signal", "neuroflow.signal"),
    ("tf.image", "neuroflow.image"),
    ("tf.dtypes", "neuroflow.dtypes"),
    ("tf.errors", "neuroflow.errors"),
    ("tf.nest", "neuroflow.nest"),
    ("tf.config", "neuroflow.config"),
    ("tf.autograph", "neuroflow.autograph"),
    ("tf.data", "neuroflow.data"),
    ("tf.train", "neuroflow.train"),
    ("tf.saved_model", "neuroflow.saved_model"),
    ("tf.summary", "neuroflow.summary"),
    ("tf.keras", "neuroflow.keras"),
    ("tf.keras.layers", "neuroflow.keras.layers"),
    ("tf.keras.models", "neuroflow.keras.models"),
    ("tf.keras.losses", "neuroflow.keras.losses"),
    ("tf.keras.metrics", "neuroflow.keras.metrics"),
    ("tf.keras.optimizers", "neuroflow.keras.optimizers"),
    ("tf.keras.optimizers.schedules", "neuroflow.keras.optimizers.schedules"),
    ("tf.keras.callbacks", "neuroflow.keras.callbacks"),
    ("tf.keras.activations", "neuroflow.keras.activations"),
    ("tf.keras.initializers", "neuroflow.keras.initializers"),
    ("tf.keras.regularizers", "neuroflow.keras.regularizers"),
    ("tf.keras.constraints", "neuroflow.keras.constraints"),
    ("tf.keras.utils", "neuroflow.keras.utils"),
    ("tf.keras.saving", "neuroflow.keras.saving"),
    ("tf.keras.datasets", "neuroflow.keras.datasets"),
    ("tf.keras.random", "neuroflow.keras.random"),
    ("tf.keras.ops", "neuroflow.keras.ops"),
    ("tf.keras.ops.linalg", "neuroflow.keras.ops.linalg"),
    ("tf.keras.ops.image", "neuroflow.keras.ops.image"),
    ("tf.keras.backend", "neuroflow.keras.backend"),
]

# Names in scope nowhere: TF1 leftovers, strings/ragged/sparse/TPU/distribution pieces.
EXCLUDED_WORDS = ("ragged", "sparse", "string", "tpu", "distribute", "xla", "experimental",
                  "unicode", "quantize", "dequantize", "fake_quant", "tensor_list",
                  "resource", "lookup", "queue", "mlir", "estimator", "feature_column")


def _resolve(root, dotted):
    """The object at ``dotted`` (first part is the root module's alias), or None."""
    obj = root
    for part in dotted.split(".")[1:]:
        try:
            obj = getattr(obj, part, None)
        except Exception:  # noqa: BLE001 - a namespace that fails to load counts as absent
            return None
        if obj is None:
            return None
    return obj


def public_names(namespace):
    """The in-scope public names of a TF namespace object (modules left out)."""
    names = []
    for name in dir(namespace):
        if name.startswith("_"):
            continue
        if any(word in name.lower() for word in EXCLUDED_WORDS):
            continue
        try:
            value = getattr(namespace, name)
        except Exception:  # noqa: BLE001 - a lazy attribute that fails is not public API
            continue
        if isinstance(value, types.ModuleType):
            continue
        names.append(name)
    return sorted(names)


def _has(namespace, name):
    if namespace is None:
        return False
    try:
        return getattr(namespace, name, None) is not None
    except Exception:  # noqa: BLE001 - hasattr must never raise; count it as missing
        return False


def measure(tf, nf):
    """``[(tf_namespace, names, missing)]`` for every pair in NAMESPACES that TF has."""
    rows = []
    for tf_name, nf_name in NAMESPACES:
        tf_ns = _resolve(tf, tf_name)
        if tf_ns is None:
            continue
        names = public_names(tf_ns)
        nf_ns = _resolve(nf, "nf" + nf_name[len("neuroflow"):])
        missing = [n for n in names if not _has(nf_ns, n)]
        rows.append((tf_name, names, missing))
    return rows


def table(rows, version):
    """The Markdown table of ``rows`` with a total line."""
    lines = [f"| namespace (TF {version}) | names | in neuroflow | share |", "|---|---:|---:|---:|"]
    total = have = 0
    for tf_name, names, missing in rows:
        n, h = len(names), len(names) - len(missing)
        total, have = total + n, have + h
        lines.append(f"| `{tf_name}` | {n} | {h} | {100 * h / max(n, 1):.0f}% |")
    lines.append(f"| **all** | **{total}** | **{have}** | **{100 * have / max(total, 1):.0f}%** |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the missing names")
    args = parser.parse_args(argv)
    import tensorflow as tf  # noqa: PLC0415 - the reference, imported only by this tool

    nf = importlib.import_module("neuroflow")
    rows = measure(tf, nf)
    print(table(rows, tf.__version__))
    if args.missing:
        for tf_name, _, missing in rows:
            if missing:
                print(f"\n{tf_name} ({len(missing)} missing): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
