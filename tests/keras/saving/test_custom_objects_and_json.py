"""``to_json``/``model_from_json``, ``get_custom_objects``, ``custom_object_scope`` and
``register_keras_serializable`` round trips (a custom activation, nested custom layers)."""

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras


@keras.saving.register_keras_serializable(package="i11c_test")
def scaled_tanh(x):
    return 2.0 * nf.tanh(x)


@keras.saving.register_keras_serializable(package="i11c_test")
class Inner(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units, activation=scaled_tanh)

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="i11c_test")
class Outer(keras.layers.Layer):
    def __init__(self, inner_units=3, **kwargs):
        super().__init__(**kwargs)
        self.inner_units = inner_units
        self.inner = Inner(inner_units)
        self.head = keras.layers.Dense(1)

    def call(self, x):
        return self.head(self.inner(x))

    def get_config(self):
        return {**super().get_config(), "inner_units": self.inner_units}


def _model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, Outer(5)(keras.layers.Dense(4, activation=scaled_tanh)(inputs)))


def test_registered_objects_are_in_get_custom_objects():
    objects = keras.saving.get_custom_objects()
    assert objects["i11c_test>scaled_tanh"] is scaled_tanh
    assert objects["i11c_test>Outer"] is Outer
    assert keras.utils.get_custom_objects() is objects
    config = keras.layers.Dense(2, activation=scaled_tanh).get_config()["activation"]
    assert config == {"module": "builtins", "class_name": "function",
                      "config": "i11c_test>scaled_tanh", "registered_name": "function"}


def test_save_and_load_nested_custom_layers_and_activation(tmp_path):
    model = _model()
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.layers[-1], Outer)
    assert loaded.layers[1].activation is scaled_tanh
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_to_json_and_model_from_json():
    model = _model()
    model.compile("adam", "mse")
    clone = keras.models.model_from_json(model.to_json())
    assert [type(layer).__name__ for layer in clone.layers] == \
        [type(layer).__name__ for layer in model.layers]
    assert clone.compiled and clone.count_params() == model.count_params()
    assert "\n" in model.to_json(indent=2)


def test_custom_object_scope_resolves_unregistered_functions():
    def plain_act(x):
        return nf.nn.relu(x) + 1.0
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation=plain_act)])
    text = model.to_json()
    with pytest.raises(Exception, match="plain_act"):
        keras.models.model_from_json(text)
    with keras.saving.custom_object_scope({"plain_act": plain_act}):
        assert keras.models.model_from_json(text).layers[0].activation is plain_act
    with keras.utils.custom_object_scope({"plain_act": plain_act}):
        assert keras.layers.Dense.from_config(
            model.layers[0].get_config()).activation is plain_act
    loaded = keras.models.model_from_json(text, custom_objects={"plain_act": plain_act})
    assert loaded.layers[0].activation is plain_act
