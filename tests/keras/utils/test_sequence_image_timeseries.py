"""``pad_sequences``, image arrays and ``timeseries_dataset_from_array`` (Keras's numbers)."""

import os

import numpy as np
import pytest

import neuroflow as nf

U = nf.keras.utils


def test_pad_sequences_as_keras():
    seqs = [[1], [2, 3], [4, 5, 6, 7]]
    np.testing.assert_array_equal(U.pad_sequences(seqs, maxlen=3),
                                  [[0, 0, 1], [0, 2, 3], [5, 6, 7]])
    np.testing.assert_array_equal(
        U.pad_sequences(seqs, maxlen=3, padding="post", truncating="post", value=-1),
        [[1, -1, -1], [2, 3, -1], [4, 5, 6]])
    out = nf.keras.preprocessing.sequence.pad_sequences([[1.5], [2, 3]], dtype="float32")
    assert out.dtype == np.float32 and out.tolist() == [[0, 1.5], [2, 3]]
    np.testing.assert_array_equal(U.pad_sequences([[1], []]), [[1], [0]])
    feats = U.pad_sequences([np.ones((1, 2)), np.ones((3, 2))])
    assert feats.shape == (2, 3, 2) and feats[0, 0].tolist() == [0, 0]
    with pytest.raises(ValueError, match="Padding type"):
        U.pad_sequences(seqs, padding="middle")


def test_array_to_img_round_trip(tmp_path):
    pytest.importorskip("PIL")
    x = np.random.default_rng(0).uniform(0, 255, (5, 4, 3)).astype("float32")
    img = U.array_to_img(x, scale=False)
    assert img.size == (4, 5) and img.mode == "RGB"
    back = U.img_to_array(img)
    assert back.shape == (5, 4, 3) and back.dtype == np.float32
    np.testing.assert_array_equal(back, x.astype("uint8"))
    gray = U.img_to_array(U.array_to_img(np.arange(6.0).reshape(2, 3, 1)))
    assert gray.shape == (2, 3, 1) and gray.max() == 255 and gray.min() == 0
    path = os.path.join(tmp_path, "a.png")
    U.save_img(path, x, scale=False)
    loaded = U.img_to_array(U.load_img(path, target_size=(2, 2)))
    assert loaded.shape == (2, 2, 3)
    chw = nf.keras.preprocessing.image.img_to_array(img, data_format="channels_first")
    assert chw.shape == (3, 5, 4)
    with pytest.raises(ValueError, match="rank 3"):
        U.array_to_img(np.zeros((2, 2)))


def test_timeseries_dataset_windows_and_targets():
    data = np.arange(100).reshape(50, 2)
    targets = np.arange(50) * 10
    ds = U.timeseries_dataset_from_array(data, targets, sequence_length=4, sequence_stride=3,
                                         sampling_rate=2, batch_size=4)
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    # the figures tf.keras 3.15 gives for these arguments
    assert len(batches) == 4
    assert batches[0][0][:2].tolist() == [[[0, 1], [4, 5], [8, 9], [12, 13]],
                                          [[6, 7], [10, 11], [14, 15], [18, 19]]]
    assert batches[0][1].tolist() == [0, 30, 60, 90] and batches[-1][1].tolist() == [360, 390,
                                                                                     420]
    ds = U.timeseries_dataset_from_array(data, targets, sequence_length=3, start_index=5,
                                         end_index=20, batch_size=3)
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    assert len(batches) == 5 and batches[0][1].tolist() == [50, 60, 70]
    assert batches[-1][1].tolist() == [170]
    windows = list(U.timeseries_dataset_from_array(data, None, 5, batch_size=None))
    assert len(windows) == 46 and windows[0].shape == (5, 2)


def test_timeseries_dataset_shuffles_and_trains():
    data = np.random.default_rng(0).standard_normal((60, 3)).astype("float32")
    ds = nf.keras.preprocessing.timeseries_dataset_from_array(
        data, data[:, 0], sequence_length=5, batch_size=8, shuffle=True, seed=1)
    firsts = [y.numpy().tolist() for _, y in ds]
    assert sorted(sum(firsts, [])) == sorted(data[:56, 0].tolist())
    model = nf.keras.Sequential([nf.keras.Input((5, 3)), nf.keras.layers.LSTM(4),
                                 nf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    with pytest.raises(ValueError, match="sequence_length"):
        U.timeseries_dataset_from_array(data, None, 0)
