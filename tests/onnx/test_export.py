"""ONNX export: each model runs in onnxruntime and matches ``model.predict`` to 1e-5."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow import keras

pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

L = keras.layers


def run_onnx(path, *inputs):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {i.name: x for i, x in zip(session.get_inputs(), inputs)}
    return session.run(None, feeds)


def assert_round_trip(model, tmp_path, *inputs, atol=1e-5):
    path = tmp_path / "m.onnx"
    nf.onnx.export(model, path)
    got = run_onnx(path, *inputs)
    want = model.predict(list(inputs) if len(inputs) > 1 else inputs[0], verbose=0)
    want = want if isinstance(want, (list, tuple)) else [want]
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=atol)


def randomize(model, seed=0):
    """Random weights everywhere (batch-norm statistics too), so every weight matters."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        value = rng.normal(scale=0.5, size=v.shape).astype("float32")
        if "variance" in v.name:
            value = np.abs(value) + 0.5
        v.assign(value)


def images(n=3, size=9, channels=3, seed=1):
    return np.random.default_rng(seed).normal(size=(n, size, size, channels)).astype("float32")


def test_sequential_mlp_and_model_export_format(tmp_path):
    model = keras.Sequential([keras.Input((20,)), L.Dense(16, activation="relu"),
                              L.Dropout(0.5), L.Dense(4, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(7, 20)).astype("float32")
    assert_round_trip(model, tmp_path, x)
    model.export(tmp_path / "e.onnx", format="onnx")
    np.testing.assert_allclose(run_onnx(tmp_path / "e.onnx", x)[0], model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="Supported formats"):
        model.export(tmp_path / "x", format="nope")


def test_functional_cnn(tmp_path):
    inputs = keras.Input((9, 9, 3))
    a = L.Conv2D(6, 3, padding="same", activation="relu")(inputs)
    a = L.BatchNormalization()(a)
    b = L.Conv2D(6, (3, 2), strides=2, padding="same", dilation_rate=1)(a)
    a = L.MaxPooling2D(padding="same")(a)
    a = L.Add()([a, b])
    c = L.AveragePooling2D(2, strides=1, padding="valid")(a)
    c = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(c)
    c = L.SeparableConv2D(4, 3, activation="tanh")(c)
    g1 = L.GlobalAveragePooling2D()(c)
    g2 = L.GlobalMaxPooling2D()(a)
    flat = L.Flatten()(L.Conv2D(2, 1, groups=2)(a))
    merged = L.Concatenate()([g1, g2, flat])
    outputs = L.Dense(5)(L.LayerNormalization()(merged))
    model = keras.Model(inputs, outputs)
    randomize(model)
    assert_round_trip(model, tmp_path, images())


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
def test_conv1d_and_1d_pooling(tmp_path, padding):
    model = keras.Sequential([
        keras.Input((12, 3)), L.Conv1D(4, 3, padding=padding, dilation_rate=2, activation="elu"),
        L.MaxPooling1D(2, padding="same"), L.AveragePooling1D(2), L.GlobalMaxPooling1D(),
        L.Dense(2)])
    randomize(model)
    x = np.random.default_rng(2).normal(size=(4, 12, 3)).astype("float32")
    assert_round_trip(model, tmp_path, x)


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
                                  "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign",
                                  "softmax", "log_softmax", "exponential", "silu", "hard_silu",
                                  "mish", "log_sigmoid", "linear"])
def test_activations(tmp_path, name):
    model = keras.Sequential([keras.Input((6,)), L.Dense(5, activation=name)])
    randomize(model)
    x = np.random.default_rng(3).normal(size=(8, 6)).astype("float32")
    assert_round_trip(model, tmp_path, x)


def test_activation_layers_and_shapes(tmp_path):
    model = keras.Sequential([
        keras.Input((4, 6)), L.ReLU(max_value=1.5), L.Reshape((6, 4)), L.Permute((2, 1)),
        L.LeakyReLU(0.3), L.ELU(0.7), L.PReLU(), L.Softmax(axis=1), L.Rescaling(2.0, 0.5),
        L.Activation("tanh"), L.GaussianNoise(1.0), L.Flatten()])
    randomize(model)
    x = np.random.default_rng(4).normal(size=(3, 4, 6)).astype("float32")
    assert_round_trip(model, tmp_path, x)


def test_merging_layers_and_two_inputs(tmp_path):
    a, b = keras.Input((5,)), keras.Input((5,))
    outs = [L.Subtract()([a, b]), L.Multiply()([a, b]), L.Average()([a, b]),
            L.Maximum()([a, b]), L.Minimum()([a, b])]
    model = keras.Model([a, b], [L.Concatenate(axis=-1)(outs), L.Add()([a, b, a])])
    rng = np.random.default_rng(5)
    xa, xb = (rng.normal(size=(4, 5)).astype("float32") for _ in range(2))
    path = tmp_path / "m.onnx"
    nf.onnx.export(model, path)
    got = run_onnx(path, xa, xb)
    for g, w in zip(got, model.predict([xa, xb], verbose=0)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind, options", [
    ("LSTM", {}), ("LSTM", {"return_sequences": True}), ("GRU", {}),
    ("GRU", {"reset_after": False, "return_sequences": True}), ("SimpleRNN", {}),
    ("LSTM", {"return_state": True})])
def test_embedding_and_recurrent_layers(tmp_path, kind, options):
    tokens = keras.Input((7,), dtype="int32")
    h = L.Embedding(20, 6)(tokens)
    out = getattr(L, kind)(5, **options)(h)
    model = keras.Model(tokens, out)
    randomize(model)
    ids = np.random.default_rng(6).integers(0, 20, size=(3, 7)).astype("int32")
    assert_round_trip(model, tmp_path, ids)


def test_multi_head_attention(tmp_path):
    q, v = keras.Input((5, 8)), keras.Input((6, 4))
    out = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2)(q, v)
    model = keras.Model([q, v], out)
    randomize(model)
    rng = np.random.default_rng(7)
    xq, xv = rng.normal(size=(2, 5, 8)).astype("float32"), rng.normal(size=(2, 6, 4)).astype(
        "float32")
    assert_round_trip(model, tmp_path, xq, xv)


def test_nested_models(tmp_path):
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="relu")])
    x = keras.Input((4,))
    model = keras.Model(x, L.Dense(2)(inner(x)))
    randomize(model)
    assert_round_trip(model, tmp_path, np.ones((2, 4), "float32"))


def test_dynamic_batch(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    nf.onnx.export(model, tmp_path / "m.onnx")
    for n in (1, 5):
        x = np.ones((n, 3), "float32")
        np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", x)[0],
                                   model.predict(x, verbose=0), rtol=1e-6)


def test_unsupported_layer_is_named(tmp_path):
    model = keras.Sequential([keras.Input((3,)), L.Lambda(lambda t: t * 2, name="doubler")])
    with pytest.raises(nf.errors.UnimplementedError, match="'doubler' \\(Lambda\\).*Dense"):
        nf.onnx.export(model, tmp_path / "m.onnx")
    masked = keras.Sequential([keras.Input((3,)), L.Embedding(5, 2, mask_zero=True)])
    with pytest.raises(nf.errors.UnimplementedError, match="mask_zero"):
        nf.onnx.export(masked, tmp_path / "m.onnx")


def test_unbuilt_model_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="has no graph yet"):
        nf.onnx.export(keras.Sequential([L.Dense(2)]), tmp_path / "m.onnx")
