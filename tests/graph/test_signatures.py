"""Unknown-rank shapes, set_shape, concrete functions with Python arguments and their
pretty-printed signatures (TF's text, recorded from TF 2.21)."""

import numpy as np
import pytest

import neuroflow as nf


def test_unknown_rank_shape():
    s = nf.TensorShape(None)
    assert s.rank is None and str(s) == "<unknown>" and not s.is_fully_defined()
    assert s.is_compatible_with([1, 2]) and nf.TensorShape([3]).is_compatible_with(s)
    assert s != nf.TensorShape([]) and s == nf.TensorShape(None)
    assert s.merge_with([2, None]) == [2, None]
    with pytest.raises(ValueError):
        len(s)
    with pytest.raises(ValueError):
        s.as_list()


def test_unknown_rank_signature_accepts_any_rank():
    @nf.function(input_signature=[nf.TensorSpec(None)])
    def f(x):
        return x * 2.0 + 1.0

    np.testing.assert_allclose(f(nf.constant([[1.0, 2.0]])), [[3.0, 5.0]])
    assert float(f(nf.constant(3.0))) == 7.0
    assert f.experimental_get_tracing_count() == 1
    assert f.get_concrete_function().outputs[0].shape.rank is None


def test_set_shape():
    x = nf.constant([1.0, 2.0])
    x.set_shape([None])
    with pytest.raises(ValueError, match="not compatible"):
        x.set_shape([3])

    @nf.function(input_signature=[nf.TensorSpec([None, None])])
    def f(x):
        x.set_shape([None, 3])
        assert x.shape == (None, 3)
        return x

    f(nf.ones([2, 3]))


def test_concrete_function_with_python_argument():
    @nf.function
    def f(x, training=False):
        return x * 2.0 if training else x

    cf = f.get_concrete_function(nf.TensorSpec([None]), training=True)
    np.testing.assert_allclose(cf(nf.constant([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(cf(x=nf.constant([1.0])), [2.0])
    args, kwargs = cf.structured_input_signature
    assert kwargs == {"training": True} and args[0].shape == (None,)


def test_pretty_printed_concrete_signatures_match_tf():
    @nf.function
    def f(x, training=False):
        return x * 2.0 if training else x

    f.get_concrete_function(nf.TensorSpec([None], nf.float32), training=True)
    f.get_concrete_function(nf.TensorSpec([None, 3], nf.float32))
    # TF 2.21 prints exactly this for the same two traces.
    assert f.pretty_printed_concrete_signatures() == (
        "Input Parameters:\n"
        "  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(None,), dtype=tf.float32, name=None)\n"
        "  training (POSITIONAL_OR_KEYWORD): Literal[True]\n"
        "Output Type:\n"
        "  TensorSpec(shape=(None,), dtype=tf.float32, name=None)\n"
        "Captures:\n"
        "  None\n\n"
        "Input Parameters:\n"
        "  x (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)\n"
        "  training (POSITIONAL_OR_KEYWORD): Literal[False]\n"
        "Output Type:\n"
        "  TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)\n"
        "Captures:\n"
        "  None")


def test_pretty_printed_structured_output():
    @nf.function
    def g(a, b=1):
        return {"s": a + b, "p": [a]}

    g(nf.constant(1), 2)
    text = g.pretty_printed_concrete_signatures()
    assert "  b (POSITIONAL_OR_KEYWORD): Literal[2]" in text
    assert ("Dict[['s', TensorSpec(shape=(), dtype=tf.int32, name=None)], "
            "['p', List[TensorSpec(shape=(), dtype=tf.int32, name=None)]]]") in text
