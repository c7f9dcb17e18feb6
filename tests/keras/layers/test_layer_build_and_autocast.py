"""A user's ``layer.build(shape)`` marks the layer built; int/bool inputs are cast as Keras
does (float layers) or kept (Embedding and shape-only layers)."""

import numpy as np
import pytest

import neuroflow as nf

L = nf.keras.layers


def test_build_called_by_the_user_keeps_weights_set_before_the_first_call():
    dense = L.Dense(2)
    dense.build((None, 3))
    assert dense.built and dense.get_build_config() == {"input_shape": (None, 3)}
    dense.set_weights([np.ones((3, 2)), np.zeros(2)])
    y = dense(np.ones((1, 3), "float32"))
    np.testing.assert_allclose(y.numpy(), [[3.0, 3.0]])
    assert len(dense.weights) == 2


def test_build_of_a_custom_layer_marks_it_built():
    class Scale(L.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w
    layer = Scale()
    layer.build((None, 2))
    assert layer.built
    layer.set_weights([np.array([2.0, 3.0])])
    np.testing.assert_allclose(layer(np.ones((1, 2), "float32")).numpy(), [[2.0, 3.0]])


@pytest.mark.parametrize("make, x", [
    (lambda: L.Dense(2), np.ones((2, 3), "int32")),
    (lambda: L.Dense(2), np.ones((2, 3), bool)),
    (lambda: L.Conv1D(2, 1), np.ones((2, 3, 3), "int64")),
    (lambda: L.LayerNormalization(), np.arange(6).reshape(2, 3)),
    (lambda: L.LSTM(2), np.ones((2, 3, 1), "int32")),
])
def test_int_and_bool_inputs_are_cast_to_the_compute_dtype(make, x):
    y = make()(x)
    assert y.dtype == nf.float32


def test_embedding_and_reshaping_keep_int_inputs():
    ids = np.array([[1, 2], [3, 0]], "int32")
    assert L.Embedding(5, 2)(ids).dtype == nf.float32
    assert L.Flatten()(ids).dtype == nf.int32
    inputs = nf.keras.Input((3,), dtype="int32")
    out = L.Dense(2)(inputs)
    assert out.dtype == "float32"
    model = nf.keras.Model(inputs, out)
    assert model(np.ones((1, 3), "int32")).dtype == nf.float32
