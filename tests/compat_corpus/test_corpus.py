"""The compatibility corpus: programs written from the TensorFlow guides and tutorials and the
Keras 3 developer guides (our own code following what they do, on generated data), each run
under neuroflow and checked against the figures TensorFlow gave for the same source
(``tf_figures.py``, recorded by ``record_tf.py`` with the TF version named there).
"""

import pytest

import neuroflow as nf

import corpus_lib as corpus
from tf_figures import FIGURES, TF_VERSION

# Programs that need a feature not on main yet (other helpers are building it): strict xfail,
# so the mark must go as soon as the feature lands.
PENDING = {
    "p05_intro_modules": "tf.Module (issue 11 item 1, i11a)",
    "p06_basic_training_loops": "tf.Module (issue 11 item 1, i11a)",
    "p13_training_checkpoints": "tf.train.Checkpoint / CheckpointManager (item 3, i11a)",
    "p18_basic_regression": "Normalization.mean / variance (item 8, i11c)",
    "p22_keras_ops_intro": "keras.ops (item 2, i11b)",
    "p24_advanced_autodiff": "tf.clip_by_norm (item 7, i11b)",
    "p27_tensor_slicing": "tf.strided_slice (item 7, i11b)",
}


def _params():
    out = []
    for name in corpus.names():
        marks = [pytest.mark.xfail(strict=True, reason=PENDING[name])] if name in PENDING else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.parametrize("name", _params())
def test_program_matches_tensorflow(name):
    assert name in FIGURES, f"{name}: no TF figures recorded (run record_tf.py)"
    nf.keras.utils.set_random_seed(0)
    got = corpus.run(name, nf)
    rtol, atol = corpus.tolerance(name)
    problems = corpus.mismatches(got, FIGURES[name], rtol, atol)
    assert not problems, f"{name} differs from TF {TF_VERSION}:\n" + "\n".join(problems[:20])


def test_corpus_is_large_enough():
    assert len(corpus.names()) >= 25
