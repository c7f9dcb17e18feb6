"""MultiHeadAttention's initial kernels use Keras's einsum fans; Normalization exposes
``mean``/``variance`` as Keras does."""

import numpy as np
import pytest

import neuroflow as nf

L = nf.keras.layers


def _kernel_stds(layer):
    return {w.path.split("/")[-2]: float(np.std(w.numpy())) for w in layer.weights
            if w.path.endswith("kernel")}


def test_mha_kernels_have_glorot_std_of_the_einsum_fans():
    layer = L.MultiHeadAttention(num_heads=8, key_dim=64)
    x = np.zeros((1, 4, 256), "float32")
    layer(x, x)
    stds = _kernel_stds(layer)
    # fan_in 256 (the input dim), fan_out 8 * 64 = 512: glorot uniform's std sqrt(2 / 768)
    expected = np.sqrt(2.0 / (256 + 512))
    for name in ("query", "key", "value", "attention_output"):
        assert abs(stds[name] - expected) / expected < 0.02, (name, stds[name], expected)


@pytest.mark.tensorflow
def test_mha_initial_statistics_and_outputs_match_tf_keras():
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(0).standard_normal((2, 5, 16)).astype("float32")
    ours, theirs = L.MultiHeadAttention(2, 8), tf.keras.layers.MultiHeadAttention(2, 8)
    ours(x, x), theirs(x, x)
    for w_ours, w_tf in zip(ours.weights, theirs.weights):
        assert tuple(w_ours.shape) == tuple(w_tf.shape)
        if w_ours.path.endswith("kernel"):
            expected = float(np.std(w_tf.numpy()))
            assert abs(float(np.std(w_ours.numpy())) - expected) < 0.35 * expected
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x, x).numpy(), theirs(x, x).numpy(), atol=1e-5)


def test_normalization_mean_and_variance():
    norm = L.Normalization()
    with pytest.raises(AttributeError, match="adapt"):
        norm.mean
    norm.adapt(np.arange(10.0).reshape(5, 2))
    np.testing.assert_allclose(norm.mean.numpy(), [[4.0, 5.0]])
    np.testing.assert_allclose(norm.variance.numpy(), [[8.0, 8.0]])
    given = L.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
    given(np.ones((2, 2), "float32"))
    assert given.mean.shape == (1, 2) and given.variance.numpy().tolist() == [[1.0, 4.0]]
    images = L.Normalization(axis=-1)
    images.adapt(np.ones((4, 3, 3, 2)))
    assert images.mean.shape == (1, 1, 1, 2)


@pytest.mark.tensorflow
def test_normalization_statistics_match_tf_keras():
    tf = pytest.importorskip("tensorflow")
    data = np.random.default_rng(1).standard_normal((20, 3)).astype("float32") * 3 + 1
    ours, theirs = L.Normalization(), tf.keras.layers.Normalization()
    ours.adapt(data)
    theirs.adapt(data)
    np.testing.assert_allclose(ours.mean.numpy(), np.asarray(theirs.mean), rtol=1e-5)
    np.testing.assert_allclose(ours.variance.numpy(), np.asarray(theirs.variance), rtol=1e-4)
