"""Graphs traced with unknown dims (``TensorSpec([None, ...])``) compute what eager mode
computes, gradients included: shape rules give None dims and gradients build their reshapes
from the run-time shape (``dynamic_dims``)."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow import keras

rng = np.random.default_rng(0)


def _value_and_grad(fn, x):
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.reduce_sum(fn(x))
    return y, tape.gradient(y, x)


def _check(fn, spec_shape, x):
    x = nf.constant(x.astype(np.float32))
    traced = nf.function(lambda v: _value_and_grad(fn, v),
                         input_signature=[nf.TensorSpec(spec_shape)])
    y, g = traced(x)
    y_ref, g_ref = _value_and_grad(fn, x)
    np.testing.assert_allclose(y, y_ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g, g_ref, rtol=1e-5, atol=1e-5)


CASES = {
    "reduce_prod_two_axes": (lambda x: nf.reduce_prod(x, axis=[1, 2]), [None, None, None],
                             (2, 3, 4)),
    "reduce_prod_outer_axes": (lambda x: nf.reduce_prod(x, axis=[0, 2]), [None, 3, None],
                               (2, 3, 4)),
    "boolean_mask": (lambda x: nf.boolean_mask(x, x[:, 0] > 0.5), [None, None], (6, 3)),
    "boolean_mask_axis": (lambda x: nf.boolean_mask(x, x[0] > 0.5, axis=1), [None, None],
                          (4, 5)),
    "einsum": (lambda x: nf.einsum("bij,jk->bik", x, nf.ones([3, 2])), [None, None, 3],
               (2, 4, 3)),
    "einsum_dot": (lambda x: nf.einsum("ij,ij->i", x, x), [None, None], (2, 4)),
    "tensordot": (lambda x: nf.tensordot(x, nf.ones([3, 2]), axes=[[2], [0]]),
                  [None, None, 3], (2, 4, 3)),
    "tensordot_two_axes": (lambda x: nf.tensordot(x, x, axes=[[0, 1], [0, 1]]),
                           [None, None, None], (2, 4, 3)),
    "categorical_crossentropy": (
        lambda x: keras.losses.CategoricalCrossentropy(from_logits=True)(
            nf.ones_like(x) / 3.0, x), [None, None], (4, 3)),
    "binary_crossentropy": (lambda x: keras.losses.binary_crossentropy(
        nf.ones_like(x), nf.sigmoid(x)), [None, None], (4, 3)),
    "matvec": (lambda x: nf.linalg.matvec(nf.ones([2, 3]), x), [None, 3], (4, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_gradient_with_unknown_dims(name):
    fn, spec, shape = CASES[name]
    _check(fn, spec, rng.random(shape))


@pytest.mark.parametrize("layer", [
    lambda: keras.layers.SimpleRNN(4),
    lambda: keras.layers.LSTM(3, return_sequences=True),
    lambda: keras.layers.GRU(3, go_backwards=True, return_state=True),
])
def test_rnn_with_unknown_time_steps(layer):
    rnn = layer()
    x = rng.random((2, 5, 3))
    rnn(nf.constant(x[:, :2].astype(np.float32)))       # built eagerly first

    def run(v):
        out = rnn(v)
        return out[0] if isinstance(out, list) else out
    _check(run, [None, None, 3], x)
    _check(run, [None, None, 3], x[:, :1])


def test_rnn_with_unknown_time_steps_and_mask():
    emb = keras.layers.Embedding(10, 3, mask_zero=True)
    rnn = keras.layers.LSTM(2)

    @nf.function(input_signature=[nf.TensorSpec([None, None], nf.int32)])
    def run(ids):
        return rnn(emb(ids))

    ids = nf.constant([[1, 2, 0, 0], [3, 4, 5, 6]])
    np.testing.assert_allclose(run(ids), rnn(emb(ids)), rtol=1e-6)


def test_multi_head_attention_with_unknown_sequence_length():
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    x = rng.random((2, 5, 8))
    mha(nf.constant(x.astype(np.float32)), nf.constant(x.astype(np.float32)))
    _check(lambda v: mha(v, v), [None, None, 8], x)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv2d_transpose_with_unknown_spatial_dims(padding, data_format):
    layer = keras.layers.Conv2DTranspose(2, 3, strides=2, padding=padding,
                                         data_format=data_format)
    x = rng.random((2, 5, 6, 3) if data_format == "channels_last" else (2, 3, 5, 6))
    layer(nf.constant(x.astype(np.float32)))
    spec = [None, None, None, 3] if data_format == "channels_last" else [None, 3, None, None]
    _check(layer, spec, x)
