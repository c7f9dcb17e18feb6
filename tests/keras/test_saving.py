"""Saving: ``.keras`` round trips, weights files, safety and atomicity."""

import json
import os
import zipfile

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras
saving = keras.saving


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, rng.integers(0, 3, size=n)


def _sequential(k=keras):
    """The test model, built with neuroflow's Keras or (for the exchange tests) ``tf.keras``."""
    return k.Sequential([k.Input((4,)), k.layers.Dense(8, activation="relu"),
                         k.layers.BatchNormalization(), k.layers.Dense(3, activation="softmax")])


def _functional():
    inputs = keras.Input((4,), name="features")
    h = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(h)
    return keras.Model(inputs, outputs)


def _trained(build):
    x, y = _data()
    model = build()
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model


@pytest.mark.parametrize("build", [_sequential, _functional])
def test_keras_file_round_trip_predictions_and_continued_training(tmp_path, build):
    x, y = _data()
    model = _trained(build)
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"config.json", "metadata.json", "model.weights.h5"}
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == type(model).__name__
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    restored = saving.load_model(path)
    assert type(restored) is type(model)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    # Optimizer state (Adam's moments, iterations) came back: training continues identically.
    for m in (model, restored):
        m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(restored.optimizer.iterations) == int(model.optimizer.iterations)


def test_load_without_compile(tmp_path):
    model = _trained(_sequential)
    model.save(tmp_path / "m.keras")
    restored = saving.load_model(tmp_path / "m.keras", compile=False)
    assert not restored.compiled
    np.testing.assert_array_equal(restored.predict(_data()[0], verbose=0),
                                  model.predict(_data()[0], verbose=0))


@pytest.mark.parametrize("suffix", [".weights.h5", ".safetensors"])
def test_weights_round_trip_into_a_fresh_model(tmp_path, suffix):
    x, _ = _data()
    model = _trained(_sequential)
    path = tmp_path / f"w{suffix}"
    model.save_weights(path)
    fresh = _sequential()        # other auto-generated layer names: paths must not use them
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), model.predict(x, verbose=0))


def test_weights_file_uses_keras_layout(tmp_path):
    h5py = pytest.importorskip("h5py")
    model = _trained(_sequential)
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:
        names = []
        f.visititems(lambda name, obj: names.append(name) if hasattr(obj, "shape") else None)
    assert "layers/dense/vars/0" in names and "layers/dense_1/vars/1" in names
    assert "layers/batch_normalization/vars/3" in names
    assert "optimizer/vars/0" in names


@pytest.mark.tensorflow
def test_weights_files_exchange_with_keras(tmp_path):
    tf = pytest.importorskip("tensorflow")
    x, _ = _data()
    ref = _sequential(tf.keras)
    ref.save_weights(str(tmp_path / "k.weights.h5"))
    ours = _sequential()
    ours.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    ours.save_weights(tmp_path / "n.weights.h5")
    ref.load_weights(str(tmp_path / "n.weights.h5"))


def test_mismatched_weights_raise(tmp_path):
    model = _trained(_sequential)
    model.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    with pytest.raises(ValueError):
        other.load_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="weights.h5"):
        model.save_weights(tmp_path / "w.pkl")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign_zip", "bad_json"])
def test_corrupted_or_foreign_files_raise_a_clear_error(tmp_path, damage):
    model = _trained(_sequential)
    path = tmp_path / "m.keras"
    model.save(path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00" * 100)
    elif damage == "foreign_zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a model")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", "{not json")
    with pytest.raises(ValueError, match="m.keras"):
        saving.load_model(path)


def test_corrupted_weights_files_raise(tmp_path):
    model = _trained(_sequential)
    for name in ("w.weights.h5", "w.safetensors"):
        path = tmp_path / name
        model.save_weights(path)
        path.write_bytes(path.read_bytes()[:200])
        with pytest.raises(ValueError, match="not a valid"):
            model.load_weights(path)


def test_lambda_layers_need_safe_mode_off(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode"):
        saving.load_model(path)
    restored = saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(restored.predict(np.ones((1, 2), "float32"), verbose=0),
                               [[2.0, 2.0]])


def test_unknown_classes_are_refused_and_custom_objects_allowed(tmp_path):
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = keras.Sequential([keras.Input((2,)), Scale(3.0)])
    path = tmp_path / "custom.keras"
    model.save(path)
    with pytest.raises((ValueError, TypeError), match="Scale"):
        saving.load_model(path)
    restored = saving.load_model(path, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(restored.predict(np.ones((1, 2), "float32"), verbose=0),
                               [[3.0, 3.0]])


def test_config_naming_a_dangerous_class_is_refused(tmp_path):
    model = _trained(_sequential)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(files["config.json"])
    config["config"]["layers"][1]["class_name"] = "Popen"
    config["config"]["layers"][1]["module"] = "subprocess"
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="Popen"):
        saving.load_model(path)


def test_saves_are_atomic(tmp_path, monkeypatch):
    model = _trained(_sequential)
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before           # the old file is intact and loadable
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]   # no temporary file left behind
    saving.load_model(path)


def test_save_requires_keras_extension(tmp_path):
    with pytest.raises(ValueError, match=".keras"):
        _trained(_sequential).save(tmp_path / "m.h5")


def test_subclassed_model_round_trip_with_custom_objects(tmp_path):
    class MLP(keras.Model):
        def __init__(self, units=8, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.out = keras.layers.Dense(3)

        def call(self, x):
            return self.out(self.hidden(x))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    x, y = _data()
    model = MLP(units=5)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "mlp.keras")
    with pytest.raises((ValueError, TypeError), match="MLP"):
        saving.load_model(tmp_path / "mlp.keras")
    restored = saving.load_model(tmp_path / "mlp.keras", custom_objects={"MLP": MLP})
    assert restored.units == 5
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    for m in (model, restored):
        m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.tensorflow
def test_loads_keras_files_written_by_tensorflow(tmp_path):
    tf = pytest.importorskip("tensorflow")
    x, y = _data()
    ref = _sequential(tf.keras)
    ref.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    ref.fit(x, y, epochs=1, batch_size=8, verbose=0)
    ref.save(str(tmp_path / "tf.keras"))
    ours = saving.load_model(tmp_path / "tf.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert int(ours.optimizer.iterations) == int(ref.optimizer.iterations) == 4
    # Training continues from the same optimizer state in both.
    a = ours.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history["loss"]
    b = ref.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-4)
