"""``summary()`` in Keras 3's layout, and the lecture's programs end to end."""

import numpy as np
import pytest

import neuroflow as nf

keras = nf.keras
L = keras.layers

LECTURE_SUMMARY = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 64)             │        50,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 32)             │         2,080 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_2 (Dense)                 │ (None, 10)             │           330 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 52,650 (205.66 KB)
 Trainable params: 52,650 (205.66 KB)
 Non-trainable params: 0 (0.00 B)
"""

BRANCHED_SUMMARY = """\
Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 8)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 4)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 12)        │          0 │ a[0][0], b[0][0]  │
│ (Concatenate)       │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ batch_normalization │ (None, 12)        │         48 │ concatenate[0][0] │
│ (BatchNormalizatio… │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense (Dense)       │ (None, 1)         │         13 │ batch_normalizat… │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_1 (Dense)     │ (None, 2)         │         26 │ batch_normalizat… │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 87 (348.00 B)
 Trainable params: 63 (252.00 B)
 Non-trainable params: 24 (96.00 B)
"""


@pytest.fixture(autouse=True)
def _fresh_names(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")   # summaries are drawn for an 80-column console
    keras.backend.clear_session()


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return "".join(lines)


def test_lecture_sequential_summary():
    model = keras.Sequential()
    model.add(L.Dense(64, activation="relu"))
    model.add(L.Dense(32, activation="relu"))
    model.add(L.Dense(10, activation="softmax"))
    model.build((None, 784))
    assert _summary(model) == LECTURE_SUMMARY


def test_branched_functional_summary_has_connected_to_column():
    a, b = keras.Input((8,), name="a"), keras.Input((4,), name="b")
    x = L.BatchNormalization()(L.Concatenate()([a, b]))
    model = keras.Model([a, b], [L.Dense(1)(x), L.Dense(2)(x)])
    assert _summary(model) == BRANCHED_SUMMARY


def test_unbuilt_summary_and_memory_units():
    model = keras.Sequential([L.Dense(3)])
    text = _summary(model)
    assert "│ dense (Dense)                   │ ?                      │   0 (unbuilt) │" in text
    assert " Total params: 0 (0.00 B)" in text


def test_lecture_programs_train():
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    y = np.eye(10, dtype="float32")[np.arange(64) % 10]
    model = keras.Sequential([L.Dense(64, activation="relu"), L.Dense(32, activation="relu"),
                              L.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, verbose=0).shape == (64, 10)
    inputs = keras.Input(shape=(784,), name="img")
    h = L.Dense(64, activation="relu")(inputs)
    h = L.Dense(32, activation="relu")(h)
    functional = keras.Model(inputs, L.Dense(10, activation="softmax")(h))
    functional.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = functional.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_fit_updates_batch_norm_moving_stats_and_dropout_model():
    x = np.random.default_rng(1).normal(3.0, 2.0, (64, 4)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 12).astype("float32")
    model = keras.Sequential([keras.Input((4,)), L.BatchNormalization(), L.Dropout(0.2),
                              L.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    moving_mean = model.layers[0].moving_mean.numpy()
    assert np.all(moving_mean > 0.1), "moving stats follow the data in training"


def test_cnn_and_masked_rnn_models_train_in_graph_mode():
    rng = np.random.default_rng(0)
    images, labels = rng.random((32, 8, 8, 1)).astype("float32"), rng.integers(0, 3, 32)
    cnn = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3, activation="relu"),
                            L.BatchNormalization(), L.MaxPooling2D(), L.Flatten(),
                            L.Dense(3, activation="softmax")])
    cnn.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert np.isfinite(cnn.fit(images, labels, epochs=1, verbose=0).history["loss"][0])
    ids = rng.integers(1, 20, (32, 6))
    ids[:, 4:] = 0
    inputs = keras.Input((None,), dtype="int32")
    h = L.Embedding(20, 8, mask_zero=True)(inputs)
    h = L.Bidirectional(L.LSTM(5, return_sequences=True))(h)
    outputs = L.Dense(1, activation="sigmoid")(L.GRU(4)(h))
    rnn = keras.Model(inputs, outputs)
    rnn.compile("adam", "binary_crossentropy")
    before = rnn.predict(ids, verbose=0)
    rnn.fit(ids, (labels > 0).astype("float32"), epochs=1, verbose=0)
    assert not np.allclose(before, rnn.predict(ids, verbose=0))
    # padded steps are masked: the output is the one of the unpadded sequences
    np.testing.assert_allclose(rnn.predict(ids[:, :4], verbose=0), rnn.predict(ids, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_operators_on_keras_tensors_build_layers():
    a, b = keras.Input((3,)), keras.Input((3,))
    y = -((a + b) * 2.0 - 1.0)[:, :2] / (1 + a[:, 1:])
    model = keras.Model([a, b], y)
    xa, xb = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    np.testing.assert_allclose(model([xa, xb]).numpy(), np.full((2, 2), -2.5))
    again = keras.Model.from_config(model.get_config())
    np.testing.assert_allclose(again([xa, xb]).numpy(), np.full((2, 2), -2.5))
