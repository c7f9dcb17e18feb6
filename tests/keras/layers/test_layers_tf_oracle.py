"""Layers against tf.keras: same weights in Keras's layout give the same outputs."""

import os

import numpy as np
import pytest

import neuroflow as nf

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

L = nf.keras.layers


def _compare(ours, theirs, x, training=False, rtol=1e-4, atol=1e-5):
    y_tf = theirs(x, training=training)
    ours(x)
    weights = theirs.get_weights()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in weights]
    ours.set_weights(weights)
    y = ours(x, training=training)
    for a, b in zip(nf.nest.flatten(y), tf.nest.flatten(y_tf)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=atol)
    return y


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


@pytest.mark.parametrize("name, kwargs, shape", [
    ("Dense", dict(units=5, activation="relu"), (3, 4)),
    ("Dense", dict(units=5), (3, 2, 4)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 7, 7, 3)),
    ("Conv2D", dict(filters=4, kernel_size=(2, 3), dilation_rate=2), (2, 8, 8, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal"), (2, 9, 3)),
    ("Conv2D", dict(filters=4, kernel_size=3, groups=2), (2, 6, 6, 6)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, strides=2), (2, 4, 4, 3)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, strides=2, padding="same"), (2, 4, 4, 3)),
    ("DepthwiseConv2D", dict(kernel_size=3, depth_multiplier=2), (2, 6, 6, 3)),
    ("SeparableConv2D", dict(filters=5, kernel_size=3, depth_multiplier=2), (2, 6, 6, 3)),
    ("MaxPooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 7, 7, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same"), (2, 7, 7, 3)),
    ("LayerNormalization", dict(), (3, 4, 5)),
    ("PReLU", dict(alpha_initializer="ones", shared_axes=[1]), (2, 3, 4)),
    ("SimpleRNN", dict(units=4, return_sequences=True), (2, 5, 3)),
    ("LSTM", dict(units=4, return_state=True), (2, 5, 3)),
    ("LSTM", dict(units=4, go_backwards=True, return_sequences=True), (2, 5, 3)),
    ("GRU", dict(units=4, return_sequences=True), (2, 5, 3)),
    ("GRU", dict(units=4, reset_after=False), (2, 5, 3)),
])
def test_layer_matches_tf_keras(name, kwargs, shape):
    x = _x(*shape)
    ours = getattr(L, name)(**kwargs)
    theirs = getattr(tf.keras.layers, name)(**kwargs)
    _compare(ours, theirs, x)


def test_random_weights_layout_lstm_gru_bias_shapes():
    lstm, gru = L.LSTM(4), L.GRU(4)
    lstm(_x(2, 3, 5))
    gru(_x(2, 3, 5))
    assert [w.shape for w in lstm.get_weights()] == [(5, 16), (4, 16), (16,)]
    assert [w.shape for w in gru.get_weights()] == [(5, 12), (4, 12), (2, 12)]
    bias = lstm.get_weights()[2]
    np.testing.assert_array_equal(bias[4:8], 1.0)  # unit_forget_bias
    np.testing.assert_array_equal(np.delete(bias, range(4, 8)), 0.0)


def test_batch_normalization_training_and_moving_stats():
    x = _x(8, 3) * 3 + 1
    ours, theirs = L.BatchNormalization(), tf.keras.layers.BatchNormalization()
    _compare(ours, theirs, x, training=False)
    np.testing.assert_allclose(ours(x, training=True).numpy(),
                               theirs(x, training=True).numpy(), rtol=1e-4, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours(x, training=False).numpy(),
                               theirs(x, training=False).numpy(), rtol=1e-4, atol=1e-5)


def test_embedding_and_bidirectional_with_mask():
    ids = np.array([[1, 2, 0, 0], [3, 4, 5, 0]], dtype="int32")
    ours = nf.keras.Sequential([L.Embedding(10, 3, mask_zero=True),
                                L.Bidirectional(L.LSTM(4, return_sequences=True))])
    theirs = tf.keras.Sequential([tf.keras.layers.Embedding(10, 3, mask_zero=True),
                                  tf.keras.layers.Bidirectional(
                                      tf.keras.layers.LSTM(4, return_sequences=True))])
    _compare(ours, theirs, ids)


def test_functional_branches_weight_order_matches_tf():
    def build(k):
        a, b = k.Input((4,), name="a"), k.Input((3,), name="b")
        x = k.layers.Dense(5)(a)
        y = k.layers.Dense(5)(b)
        z = k.layers.Concatenate()([x, k.layers.Dense(5)(y)])
        z = k.layers.BatchNormalization()(z)
        return k.Model([a, b], [k.layers.Dense(1)(z), k.layers.Dense(2)(z)])
    ours, theirs = build(nf.keras), build(tf.keras)
    assert [type(x).__name__ for x in ours.layers] == [type(x).__name__ for x in theirs.layers]
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    data = [_x(2, 4), _x(2, 3, seed=1)]
    ours.set_weights(theirs.get_weights())
    for a, b in zip(ours(data), theirs(data)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append, line_length=88)
    return "".join(lines)


def test_summary_text_matches_tf_keras():
    nf.keras.backend.clear_session()
    tf.keras.backend.clear_session()

    def build(k):
        seq = k.Sequential([k.Input((28, 28, 1)), k.layers.Conv2D(8, 3, activation="relu"),
                            k.layers.BatchNormalization(), k.layers.MaxPooling2D(),
                            k.layers.Flatten(), k.layers.Dropout(0.5), k.layers.Dense(10)])
        a, b = k.Input((8,), name="a"), k.Input((4,), name="b")
        x = k.layers.Concatenate()([a, b])
        x = k.layers.BatchNormalization()(x)
        branched = k.Model([a, b], [k.layers.Dense(1)(x), k.layers.Dense(2)(x)])
        return seq, branched
    for ours, theirs in zip(build(nf.keras), build(tf.keras)):
        assert _summary(ours) == _summary(theirs)


def test_nested_and_trainable_summaries_match_tf_keras():
    def build(k):
        inner = k.Sequential([k.Input((4,)), k.layers.Dense(3), k.layers.Dense(2)], name="inner")
        outer = k.Sequential([k.Input((4,)), inner, k.layers.Dense(1)])
        a = k.Input((4,), name="a")
        merged = k.layers.Add()([k.layers.Dense(2, name="d")(a), k.layers.Dense(2, name="e")(a)])
        return outer, k.Model(a, merged)

    nf.keras.backend.clear_session()
    tf.keras.backend.clear_session()
    for ours, theirs in zip(build(nf.keras), build(tf.keras)):
        for kwargs in (dict(expand_nested=True, show_trainable=True), dict(line_length=100)):
            lines_ours, lines_tf = [], []
            ours.summary(print_fn=lines_ours.append, **kwargs)
            theirs.summary(print_fn=lines_tf.append, **kwargs)
            assert lines_ours == lines_tf


def test_variable_paths_match_tf_keras():
    def paths(k):
        layers = k.layers

        class Net(k.Model):
            def __init__(self):
                super().__init__()
                self.dense, self.lstm = layers.Dense(2), layers.LSTM(3)

            def call(self, x):
                return self.dense(self.lstm(x))

        x = np.zeros((1, 4, 3), "float32")
        net, bidi = Net(), layers.Bidirectional(layers.GRU(2))
        net(x)
        bidi(x)
        seq = k.Sequential([k.Input((4, 3)), layers.LSTM(2)])
        return [w.path for m in (net, bidi, seq) for w in m.weights]

    nf.keras.backend.clear_session()
    tf.keras.backend.clear_session()
    assert paths(nf.keras) == paths(tf.keras)


@pytest.mark.parametrize("kwargs, call", [
    (dict(num_heads=2, key_dim=3), dict()),
    (dict(num_heads=2, key_dim=3, value_dim=4, output_shape=5), dict(use_causal_mask=True)),
])
def test_multi_head_attention_matches_tf_keras(kwargs, call):
    query, value = _x(2, 4, 6), _x(2, 5, 7, seed=1)
    if call.get("use_causal_mask"):
        value = _x(2, 4, 7, seed=1)
    ours = L.MultiHeadAttention(**kwargs)
    theirs = tf.keras.layers.MultiHeadAttention(**kwargs)
    y_tf, s_tf = theirs(query, value, return_attention_scores=True, **call)
    ours(query, value)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    ours.set_weights(theirs.get_weights())
    y, s = ours(query, value, return_attention_scores=True, **call)
    np.testing.assert_allclose(y.numpy(), y_tf.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(s.numpy(), s_tf.numpy(), rtol=1e-4, atol=1e-5)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]


def test_attention_with_masks_matches_tf_keras():
    query, value = _x(2, 3, 4), _x(2, 5, 4, seed=1)
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], bool)
    query_mask = np.array([[1, 1, 0], [1, 1, 1]], bool)
    for kwargs in (dict(), dict(use_scale=True)):
        ours, theirs = L.Attention(**kwargs), tf.keras.layers.Attention(**kwargs)
        y_tf = theirs([query, value], mask=[query_mask, value_mask])
        y = ours([query, value], mask=[nf.constant(query_mask), nf.constant(value_mask)])
        np.testing.assert_allclose(y.numpy(), y_tf.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("rnn, merge_mode", [("LSTM", "concat"), ("GRU", "ave"),
                                              ("SimpleRNN", None)])
def test_bidirectional_return_state_matches_tf_keras(rnn, merge_mode):
    x = _x(2, 5, 3)
    ours = L.Bidirectional(getattr(L, rnn)(4, return_state=True, return_sequences=True),
                           merge_mode=merge_mode)
    theirs = tf.keras.layers.Bidirectional(
        getattr(tf.keras.layers, rnn)(4, return_state=True, return_sequences=True),
        merge_mode=merge_mode)
    y = _compare(ours, theirs, x)
    assert len(nf.nest.flatten(y)) == len(tf.nest.flatten(theirs(x)))
