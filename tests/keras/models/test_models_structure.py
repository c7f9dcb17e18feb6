"""Sequential, functional and subclassed models: building, calling, introspection, config."""

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras
L = keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


def _x(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def lecture_functional():
    inputs = keras.Input(shape=(784,), name="img")
    h1 = L.Dense(64, activation="relu")(inputs)
    h2 = L.Dense(32, activation="relu")(h1)
    outputs = L.Dense(10, activation="softmax")(h2)
    return keras.Model(inputs, outputs)


def test_sequential_list_and_add_forms_agree():
    a = keras.Sequential([L.Dense(64), L.Dense(32), L.Dense(10)])
    b = keras.Sequential()
    for units in (64, 32, 10):
        b.add(L.Dense(units))
    assert not a.built and not b.built
    x = _x(4, 784)
    a(x)
    b(x)
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(a(x).numpy(), b(x).numpy(), rtol=1e-6)
    # as Keras 3: a model built by its first data keeps that batch size in its shapes
    assert a.input_shape == (4, 784) and a.output_shape == (4, 10)
    assert a.count_params() == 52650 - (64 * 32 + 32) + (64 * 32 + 32)


def test_sequential_with_input_builds_immediately_and_pops():
    model = keras.Sequential([keras.Input((3,)), L.Dense(4), L.Dense(2)])
    assert model.built and model.output_shape == (None, 2)
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    model.pop()
    assert model.output_shape == (None, 4) and len(model.layers) == 1
    model.add(L.Dense(5))
    assert model.output_shape == (None, 5)
    with pytest.raises(ValueError, match="unique names"):
        model.add(model.layers[0])
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        model.add("dense")


def test_input_shape_on_first_layer():
    model = keras.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(1)])
    assert model.built and model.input_shape == (None, 3)


def test_functional_lecture_model():
    model = lecture_functional()
    assert type(model).__name__ == "Functional" and isinstance(model, keras.Model)
    assert [layer.name for layer in model.layers] == ["img", "dense", "dense_1", "dense_2"]
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    y = model(_x(5, 784))
    np.testing.assert_allclose(y.numpy().sum(axis=1), 1.0, rtol=1e-5)
    assert model.get_layer("dense_1").units == 32 and model.get_layer(index=3).units == 10
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match='layer "dense" is incompatible.*\\(32, 100\\)'):
        model(np.zeros((32, 100), "float32"))


def test_functional_multi_io_shared_and_nested():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    shared = L.Dense(3, name="shared")
    merged = L.Concatenate()([shared(a), shared(b)])
    inner = keras.Sequential([keras.Input((6,)), L.Dense(2)], name="head")
    out1, out2 = inner(merged), L.Dense(1, name="score")(merged)
    model = keras.Model(inputs={"a": a, "b": b}, outputs=[out1, out2])
    assert len(shared._inbound_nodes) == 2 and len(model.weights) == 6
    xa, xb = _x(2, 4), _x(2, 4) + 1
    y1, y2 = model({"a": xa, "b": xb})
    assert tuple(y1.shape) == (2, 2) and tuple(y2.shape) == (2, 1)
    k, bias = shared.get_weights()
    h = np.concatenate([xa @ k + bias, xb @ k + bias], axis=1)
    w1, b1 = inner.get_weights()
    np.testing.assert_allclose(y1.numpy(), h @ w1 + b1, rtol=1e-5, atol=1e-6)
    rebuilt = keras.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    for p, q in zip(rebuilt({"a": xa, "b": xb}), (y1, y2)):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-6)


def test_graph_errors():
    a = keras.Input((3,))
    stray = keras.Input((3,))
    y = L.Add()([a, stray])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, y)
    with pytest.raises(ValueError, match="must be KerasTensors"):
        keras.Model(a, np.zeros(3))


class MLP(keras.Model):
    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = L.Dense(hidden, activation="relu")
        self.dropout = L.Dropout(0.5)
        self.out = L.Dense(2)

    def call(self, x, training=False):
        return self.out(self.dropout(self.hidden(x), training=training))


def test_subclassed_model():
    model = MLP(hidden=5)
    assert not model.built
    y = model(_x(3, 4))
    assert tuple(y.shape) == (3, 2) and model.built
    assert [layer.name for layer in model.layers] == ["dense", "dropout", "dense_1"]
    assert len(model.trainable_weights) == 4
    assert model.get_config()["hidden"] == 5
    copy = MLP.from_config(model.get_config())
    copy(_x(1, 4))
    copy.set_weights(model.get_weights())
    np.testing.assert_allclose(copy(_x(3, 4)).numpy(), y.numpy(), rtol=1e-6)
    built = MLP()
    built.build((None, 4))
    assert built.built and built.count_params() == 4 * 8 + 8 + 8 * 2 + 2


def test_losses_collect_regularizers_and_add_loss():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, kernel_regularizer="l2"),
                              L.Dense(1, activity_regularizer="l1")])
    model(_x(4, 3))
    assert len(model.losses) == 2


def test_clone_model_keeps_architecture_not_weights():
    model = lecture_functional()
    clone = keras.models.clone_model(model)
    assert [type(x).__name__ for x in clone.layers] == [type(x).__name__ for x in model.layers]
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    clone.set_weights(model.get_weights())
    x = _x(2, 784)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy(), rtol=1e-6)
    seq = keras.Sequential([keras.Input((4,)), L.Dense(3)])
    assert keras.models.clone_model(seq).output_shape == (None, 3)


def test_serialize_round_trip_through_registry():
    seq = keras.Sequential([keras.Input((4,)), L.Dense(3), L.BatchNormalization()])
    config = L.serialize(seq)
    again = L.deserialize(config)
    assert type(again) is keras.Sequential and again.output_shape == (None, 3)
    with pytest.raises(TypeError, match="Could not locate class 'Evil'"):
        L.deserialize({"class_name": "Evil", "config": {}})


def test_save_and_load_model(tmp_path):
    model = lecture_functional()
    x = _x(2, 784)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_dict_outputs_and_names():
    x = keras.Input((3,), name="features")
    model = keras.Model(x, {"score": L.Dense(1, name="score")(x),
                            "probs": L.Dense(2, activation="softmax", name="probs")(x)})
    y = model(_x(4, 3))
    assert set(y) == {"score", "probs"} and tuple(y["probs"].shape) == (4, 2)
    assert model.output_names == ["probs", "score"] and model.input_names == ["features"]


def test_sequential_keeps_integer_inputs_for_embeddings():
    model = keras.Sequential([L.Embedding(10, 2), L.GlobalAveragePooling1D()])
    model(np.array([[1, 2, 3]]))
    assert model.inputs[0].dtype.startswith("int")
