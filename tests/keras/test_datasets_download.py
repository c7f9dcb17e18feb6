"""The loaders' order: Keras's cache/download (from a local test server), then local files."""

import gzip
import hashlib
import io
import os

import numpy as np
import pytest

from filesrv import serve
from neuroflow import keras
from neuroflow.keras.datasets import boston_housing, fashion_mnist, mnist
from neuroflow.teach import data

FILES = fashion_mnist.FILES


def _idx(array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def _arrays(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (5, 28, 28)), rng.integers(0, 10, 5),
            rng.integers(0, 256, (3, 28, 28)), rng.integers(0, 10, 3)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv("NEUROFLOW_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("NEUROFLOW_DATA", str(tmp_path / "local"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_fashion_mnist_downloads_then_reads_the_cache(cache, monkeypatch):
    arrays = _arrays()
    files = {f"/{stem}.gz": _idx(a) for stem, a in zip(FILES, arrays)}
    with serve(files) as server:
        monkeypatch.setattr(fashion_mnist, "KERAS_ORIGIN", server.url + "/")
        loaded = fashion_mnist.load_data()
        assert len(server.requests) == 4
        again = fashion_mnist.load_data()
        assert len(server.requests) == 4   # the second load reads ~/.keras/datasets
    assert (cache / "keras" / "datasets" / "fashion-mnist" / (FILES[0] + ".gz")).exists()
    for got in (loaded, again):
        for array, want in zip((*got[0], *got[1]), arrays):
            np.testing.assert_array_equal(array, want)


def test_mnist_npz_is_hash_checked(cache, monkeypatch):
    buffer = io.BytesIO()
    arrays = _arrays(1)
    np.savez(buffer, x_train=arrays[0], y_train=arrays[1], x_test=arrays[2], y_test=arrays[3])
    blob = buffer.getvalue()
    with serve({"/mnist.npz": blob}) as server:
        monkeypatch.setattr(mnist, "KERAS_ORIGIN", server.url + "/")
        monkeypatch.setattr(mnist, "SHA256", hashlib.sha256(blob).hexdigest())
        (x_train, _), (_, y_test) = mnist.load_data()
        np.testing.assert_array_equal(x_train, arrays[0])
        monkeypatch.setattr(mnist, "SHA256", "0" * 64)
        (cache / "keras" / "datasets" / "mnist.npz").unlink()
        with pytest.raises(FileNotFoundError, match="corrupted"):
            mnist.load_data()   # a bad download, and no local IDX files


def test_offline_falls_back_to_local_files_then_says_both_reasons(cache, monkeypatch):
    with serve({}) as server:
        url = server.url   # closed once the block ends: a refused connection, as offline
    monkeypatch.setattr(fashion_mnist, "KERAS_ORIGIN", url + "/")
    with pytest.raises(FileNotFoundError, match=r"(?s)download failed.*offline.*"
                                                r"dataset-fashion-mnist"):
        fashion_mnist.load_data()
    arrays = _arrays(2)
    (cache / "local" / "fashion-mnist").mkdir(parents=True)
    for stem, array in zip(FILES, arrays):
        (cache / "local" / "fashion-mnist" / (stem + ".gz")).write_bytes(_idx(array))
    (x_train, _), _ = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays[0])


def test_the_demo_uses_a_generated_stand_in_with_a_notice(cache, monkeypatch):
    monkeypatch.setattr(fashion_mnist, "KERAS_ORIGIN", "http://127.0.0.1:9/")
    if os.path.exists("/usr/share/datasets/fashion-mnist"):
        pytest.skip("Fashion-MNIST is installed on this machine")
    lines = []
    (x_train, _), _, source = data.load(limit=50, echo=lines.append)
    assert source == "generated images" and x_train.shape == (50, 28, 28)
    assert "generated" in lines[0] and "download failed" in lines[0]


def test_boston_housing_splits_as_keras(cache, monkeypatch):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(20, 13)), rng.normal(size=20)
    buffer = io.BytesIO()
    np.savez(buffer, x=x, y=y)
    blob = buffer.getvalue()
    with serve({"/boston_housing.npz": blob}) as server:
        monkeypatch.setattr(boston_housing, "KERAS_ORIGIN", server.url + "/")
        monkeypatch.setattr(boston_housing, "SHA256", hashlib.sha256(blob).hexdigest())
        (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
    order = np.arange(20)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_array_equal(x_train, x[order][:16])
    np.testing.assert_array_equal(y_test, y[order][16:])
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)
