"""Records the corpus figures under real TensorFlow into ``tf_figures.py`` (run by hand:
``python tests/compat_corpus/record_tf.py [program ...]``; TF imports once for all)."""

import json
import pathlib
import pprint
import sys

import corpus_lib as corpus


def main(selected):
    import tensorflow as tf  # noqa: PLC0415 - the oracle, only in this recording script

    target = pathlib.Path(__file__).parent / "tf_figures.py"
    namespace = {}
    if target.exists():
        exec(target.read_text(), namespace)  # noqa: S102 - our own generated file
    figures = dict(namespace.get("FIGURES", {}))
    for name in selected or corpus.names():
        tf.keras.utils.set_random_seed(0)
        try:
            figures[name] = json.loads(json.dumps(corpus.run(name, tf)))
            print("recorded", name, flush=True)
        except Exception as error:  # noqa: BLE001 - report and go on with the others
            print("FAILED", name, type(error).__name__, error, flush=True)
    text = (f'"""Figures of the corpus programs under TensorFlow {tf.__version__} '
            f'(Keras {tf.keras.__version__}), written by record_tf.py."""\n\n'
            'nan, inf = float("nan"), float("inf")\n'
            f'TF_VERSION = "{tf.__version__}"\n'
            f"FIGURES = {pprint.pformat(figures, width=99, sort_dicts=True)}\n")
    target.write_text(text)


if __name__ == "__main__":
    main(sys.argv[1:])
