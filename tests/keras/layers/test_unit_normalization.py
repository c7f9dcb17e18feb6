"""UnitNormalization: values, config round trip, no weights, save/load, fit step, tf.keras."""

import numpy as np
import pytest

import neuroflow as nf

L = nf.keras.layers


def test_values_config_and_training(tmp_path):
    x = np.array([[3.0, 4.0], [0.0, 0.0]], "float32")
    layer = L.UnitNormalization()
    np.testing.assert_allclose(layer(x).numpy(), [[0.6, 0.8], [0.0, 0.0]], atol=1e-7)
    assert layer.weights == []
    clone = L.UnitNormalization.from_config(L.UnitNormalization(axis=[1, 2]).get_config())
    assert clone.axis == [1, 2]
    y = clone(np.ones((1, 2, 2), "float32")).numpy()
    np.testing.assert_allclose(y, np.full((1, 2, 2), 0.5), rtol=1e-6)
    model = nf.keras.Sequential([nf.keras.Input((2,)), L.Dense(3), L.UnitNormalization()])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 3), "float32"), epochs=1, verbose=0)
    path = str(tmp_path / "u.keras")
    model.save(path)
    loaded = nf.keras.models.load_model(path)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)


@pytest.mark.tensorflow
def test_matches_tf_keras():
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
    for axis in (-1, 1, [1, 2]):
        np.testing.assert_allclose(L.UnitNormalization(axis=axis)(x).numpy(),
                                   tf.keras.layers.UnitNormalization(axis=axis)(x).numpy(),
                                   rtol=1e-5, atol=1e-6)
