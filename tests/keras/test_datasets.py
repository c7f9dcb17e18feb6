"""keras.datasets (IDX reader, search paths) and keras.utils helpers."""

import gzip
import os
import random

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.keras.datasets import idx

keras = nf.keras
FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")


def _write_idx(path, array, compress):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)


def _fake_dataset(folder, compress=True):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 256, (5, 28, 28)), rng.integers(0, 10, 5),
              rng.integers(0, 256, (3, 28, 28)), rng.integers(0, 10, 3)]
    for stem, array in zip(FILES, arrays):
        _write_idx(folder / stem, array, compress)
    return arrays


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("module, name", [(keras.datasets.fashion_mnist, "fashion-mnist"),
                                          (keras.datasets.mnist, "mnist")])
def test_load_data_reads_idx_from_neuroflow_data(tmp_path, monkeypatch, compress, module, name):
    arrays = _fake_dataset(tmp_path / name, compress)
    monkeypatch.setenv("NEUROFLOW_DATA", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))   # an empty cache
    (x_train, y_train), (x_test, y_test) = module.load_data()
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)


def test_missing_files_say_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROFLOW_DATA", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(FileNotFoundError) as info:
        idx.load_idx_dataset("mnist", str(tmp_path / "none"), FILES, "")
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "t10k-labels-idx1-ubyte" in message
    assert str(tmp_path / "mnist") in message and "NEUROFLOW_DATA" in message


def test_truncated_or_foreign_idx_files_raise(tmp_path):
    _write_idx(tmp_path / "a", np.zeros((4, 2, 2)), compress=False)
    data = (tmp_path / "a").read_bytes()
    (tmp_path / "short").write_bytes(data[:-3])
    (tmp_path / "foreign").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="truncated"):
        idx.read_idx(tmp_path / "short")
    with pytest.raises(ValueError, match="not an IDX file"):
        idx.read_idx(tmp_path / "foreign")


def test_real_fashion_mnist_when_installed(monkeypatch):
    monkeypatch.delenv("NEUROFLOW_DATA", raising=False)
    if not os.path.exists("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"):
        pytest.skip("dataset-fashion-mnist is not installed")
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and set(np.unique(y_test)) == set(range(10))


def test_to_categorical_and_normalize():
    np.testing.assert_array_equal(keras.utils.to_categorical([0, 2, 1], 3),
                                  np.eye(3, dtype="float32")[[0, 2, 1]])
    assert keras.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    assert keras.utils.to_categorical([1, 3]).dtype == np.float32
    with pytest.raises(ValueError):
        keras.utils.to_categorical([5], num_classes=3)
    np.testing.assert_allclose(keras.utils.normalize([[3.0, 4.0], [0.0, 0.0]]),
                               [[0.6, 0.8], [0.0, 0.0]])


def test_set_random_seed_seeds_python_numpy_and_neuroflow():
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        draws.append((random.random(), np.random.rand(), nf.random.uniform((2,)).numpy()))
    assert draws[0][0] == draws[1][0] and draws[0][1] == draws[1][1]
    np.testing.assert_array_equal(draws[0][2], draws[1][2])
    with pytest.raises(ValueError):
        keras.utils.set_random_seed("7")


def test_plot_model_writes_dot_and_explains_missing_graphviz(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    keras.utils.plot_model(model, to_file=str(tmp_path / "m.dot"), show_shapes=True)
    text = (tmp_path / "m.dot").read_text()
    assert text.startswith("digraph") and "out (Dense)" in text
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ImportError, match="graphviz"):
        keras.utils.plot_model(model, to_file=str(tmp_path / "m.png"))


def test_split_dataset_from_arrays_and_datasets():
    x, y = np.arange(10), np.arange(10) * 2
    left, right = keras.utils.split_dataset((x, y), left_size=0.8)
    assert len(left) == 8 and len(right) == 2
    assert [(int(a), int(b)) for a, b in right.as_numpy_iterator()] == [(8, 16), (9, 18)]
    left, right = keras.utils.split_dataset(nf.data.Dataset.range(6), right_size=2,
                                            shuffle=True, seed=1)
    values = [int(v) for v in left.as_numpy_iterator()] + [int(v) for v in
                                                          right.as_numpy_iterator()]
    assert sorted(values) == list(range(6)) and len(right) == 2
    with pytest.raises(ValueError):
        keras.utils.split_dataset(x, left_size=1.5)
