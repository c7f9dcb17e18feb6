"""Every layer through ``run_layer_test``: config round-trip, weights, shapes, a gradient step."""

import numpy as np
import pytest
from layer_test import run_layer_test

import neuroflow as nf

L = nf.keras.layers

CASES = [
    (L.Dense, dict(units=3), (2, 4), (2, 3), 2, 0),
    (L.Dense, dict(units=3, activation="relu", kernel_regularizer="l2"), (2, 5, 4), (2, 5, 3),
     2, 0),
    (L.Dense, dict(units=3, use_bias=False), (2, 4), (2, 3), 1, 0),
    (L.Activation, dict(activation="tanh"), (2, 4), (2, 4), 0, 0),
    (L.Dropout, dict(rate=0.5), (2, 4), (2, 4), 0, 0),
    (L.Flatten, {}, (2, 3, 4), (2, 12), 0, 0),
    (L.Reshape, dict(target_shape=(2, -1)), (2, 3, 4), (2, 2, 6), 0, 0),
    (L.Permute, dict(dims=(2, 1)), (2, 3, 4), (2, 4, 3), 0, 0),
    (L.RepeatVector, dict(n=3), (2, 4), (2, 3, 4), 0, 0),
    (L.ReLU, dict(max_value=1.0, negative_slope=0.1), (2, 4), (2, 4), 0, 0),
    (L.LeakyReLU, {}, (2, 4), (2, 4), 0, 0),
    (L.PReLU, {}, (2, 4), (2, 4), 1, 0),
    (L.ELU, dict(alpha=0.5), (2, 4), (2, 4), 0, 0),
    (L.Softmax, {}, (2, 4), (2, 4), 0, 0),
    (L.Conv1D, dict(filters=3, kernel_size=2), (2, 5, 4), (2, 4, 3), 2, 0),
    (L.Conv1D, dict(filters=3, kernel_size=2, padding="causal"), (2, 5, 4), (2, 5, 3), 2, 0),
    (L.Conv2D, dict(filters=3, kernel_size=3, padding="same"), (2, 5, 5, 2), (2, 5, 5, 3),
     2, 0),
    (L.Conv2DTranspose, dict(filters=3, kernel_size=3, strides=2), (2, 4, 4, 2), (2, 9, 9, 3),
     2, 0),
    (L.DepthwiseConv2D, dict(kernel_size=3, depth_multiplier=2), (2, 5, 5, 2), (2, 3, 3, 4),
     2, 0),
    (L.SeparableConv2D, dict(filters=4, kernel_size=3), (2, 5, 5, 2), (2, 3, 3, 4), 3, 0),
    (L.MaxPooling1D, {}, (2, 6, 3), (2, 3, 3), 0, 0),
    (L.MaxPooling2D, {}, (2, 6, 6, 3), (2, 3, 3, 3), 0, 0),
    (L.AveragePooling1D, {}, (2, 6, 3), (2, 3, 3), 0, 0),
    (L.AveragePooling2D, dict(pool_size=3, strides=2, padding="same"), (2, 5, 5, 3),
     (2, 3, 3, 3), 0, 0),
    (L.GlobalAveragePooling1D, {}, (2, 6, 3), (2, 3), 0, 0),
    (L.GlobalMaxPooling1D, {}, (2, 6, 3), (2, 3), 0, 0),
    (L.GlobalAveragePooling2D, {}, (2, 6, 6, 3), (2, 3), 0, 0),
    (L.GlobalMaxPooling2D, dict(keepdims=True), (2, 6, 6, 3), (2, 1, 1, 3), 0, 0),
    (L.ZeroPadding2D, dict(padding=1), (2, 3, 3, 2), (2, 5, 5, 2), 0, 0),
    (L.UpSampling2D, {}, (2, 3, 3, 2), (2, 6, 6, 2), 0, 0),
    (L.Cropping2D, dict(cropping=1), (2, 5, 5, 2), (2, 3, 3, 2), 0, 0),
    (L.BatchNormalization, {}, (4, 3), (4, 3), 2, 2),
    (L.BatchNormalization, dict(center=False), (4, 3, 3, 2), (4, 3, 3, 2), 1, 2),
    (L.LayerNormalization, {}, (4, 3), (4, 3), 2, 0),
    (L.SimpleRNN, dict(units=3), (2, 5, 4), (2, 3), 3, 0),
    (L.LSTM, dict(units=3, return_sequences=True), (2, 5, 4), (2, 5, 3), 3, 0),
    (L.GRU, dict(units=3, return_state=True), (2, 5, 4), [(2, 3), (2, 3)], 3, 0),
    (L.LSTM, dict(units=3, go_backwards=True, return_state=True), (2, 5, 4),
     [(2, 3), (2, 3), (2, 3)], 3, 0),
    (L.Rescaling, dict(scale=0.5, offset=1.0), (2, 4), (2, 4), 0, 0),
    (L.Normalization, dict(mean=1.0, variance=4.0), (2, 4), (2, 4), 0, 0),
    (L.GaussianNoise, dict(stddev=0.1), (2, 4), (2, 4), 0, 0),
    (L.GaussianDropout, dict(rate=0.1), (2, 4), (2, 4), 0, 0),
    (L.SpatialDropout1D, dict(rate=0.5), (2, 3, 4), (2, 3, 4), 0, 0),
    (L.SpatialDropout2D, dict(rate=0.5), (2, 3, 3, 4), (2, 3, 3, 4), 0, 0),
    (L.ActivityRegularization, dict(l1=0.1), (2, 4), (2, 4), 0, 0),
    (L.Attention, dict(use_scale=True), None, None, 1, 0),
]


@pytest.mark.parametrize("cls, kwargs, shape, out, n_trainable, n_frozen", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_layer(cls, kwargs, shape, out, n_trainable, n_frozen):
    if cls is L.Attention:
        data = [np.ones((2, 3, 4), "float32"), np.ones((2, 3, 4), "float32")]
        layer = cls(**kwargs)
        assert tuple(layer(data).shape) == (2, 3, 4)
        assert len(layer.trainable_weights) == n_trainable
        assert cls.from_config(layer.get_config()).get_config() == layer.get_config()
        return
    run_layer_test(cls, kwargs, shape, expected_output_shape=out,
                   expected_num_trainable_weights=n_trainable,
                   expected_num_non_trainable_weights=n_frozen)


def test_embedding_masks_zero():
    ids = np.array([[1, 2, 0], [3, 0, 0]], dtype="int32")
    run_layer_test(L.Embedding, dict(input_dim=10, output_dim=3, mask_zero=True), (2, 3),
                   input_dtype="int32", input_data=ids, expected_output_shape=(2, 3, 3),
                   expected_num_trainable_weights=1, supports_masking=True)
    emb = L.Embedding(10, 3, mask_zero=True)
    np.testing.assert_array_equal(emb.compute_mask(nf.constant(ids)).numpy(), ids != 0)


def test_wrappers():
    run_layer_test(L.Bidirectional, dict(layer=L.LSTM(3, return_sequences=True)), (2, 5, 4),
                   expected_output_shape=(2, 5, 6), expected_num_trainable_weights=6)
    run_layer_test(L.Bidirectional, dict(layer=L.GRU(3), merge_mode="sum"), (2, 5, 4),
                   expected_output_shape=(2, 3))
    run_layer_test(L.TimeDistributed, dict(layer=L.Dense(3)), (2, 5, 4),
                   expected_output_shape=(2, 5, 3), expected_num_trainable_weights=2)


def test_activity_regularizer_adds_a_loss_per_call():
    layer = L.Dense(2, activity_regularizer="l2", kernel_regularizer="l1")
    layer(np.ones((4, 3), "float32"))
    assert len(layer.losses) == 2
    layer(np.ones((4, 3), "float32"))
    assert len(layer.losses) == 2, "add_loss losses are reset at each outer call"


def test_merge_layers():
    a, b = np.full((2, 3), 2.0, "float32"), np.full((2, 3), 3.0, "float32")
    expected = {L.Add: 5.0, L.Subtract: -1.0, L.Multiply: 6.0, L.Average: 2.5, L.Maximum: 3.0,
                L.Minimum: 2.0}
    for cls, value in expected.items():
        np.testing.assert_allclose(cls()([a, b]).numpy(), np.full((2, 3), value))
    assert tuple(L.Concatenate()([a, b]).shape) == (2, 6)
    assert tuple(L.Concatenate(axis=0)([a, b]).shape) == (4, 3)
    assert tuple(L.Dot(axes=1)([a, b]).shape) == (2, 1)
    with pytest.raises(ValueError, match="merge layer should be called on a list"):
        L.Add()(a)
    with pytest.raises(ValueError, match="matching shapes"):
        L.Concatenate()([np.ones((2, 3, 4), "float32"), np.ones((2, 5, 3), "float32")])


def test_dropout_training_only():
    x = np.ones((100, 10), "float32")
    layer = L.Dropout(0.5)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.3 < (y == 0).mean() < 0.7


def test_batch_normalization_updates_moving_stats_in_training_only():
    bn = L.BatchNormalization(momentum=0.5)
    x = np.arange(12, dtype="float32").reshape(4, 3)
    bn(x)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0.0)
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0) * 0.5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + x.var(0) * 0.5)
    bn.trainable = False   # frozen: inference mode even when training
    before = bn.moving_mean.numpy()
    bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]


def test_normalization_adapt():
    data = np.array([[1.0, 10.0], [3.0, 30.0]], "float32")
    norm = L.Normalization()
    norm.adapt(data)
    np.testing.assert_allclose(norm(data).numpy(), [[-1, -1], [1, 1]], atol=1e-6)
    assert [w.name for w in norm.weights] == ["mean", "variance", "count"]
    inverse = L.Normalization(mean=[2.0, 20.0], variance=[1.0, 100.0], invert=True)
    np.testing.assert_allclose(inverse(np.zeros((1, 2), "float32")).numpy(), [[2.0, 20.0]])


def test_lambda_layer_and_unsafe_config():
    layer = L.Lambda(lambda x: x * 2.0)
    np.testing.assert_allclose(layer(np.ones((1, 2), "float32")).numpy(), [[2.0, 2.0]])
    config = L.serialize(layer)
    with pytest.raises(ValueError, match="arbitrary code execution"):
        L.deserialize(config)
    again = L.deserialize(config, safe_mode=False)
    np.testing.assert_allclose(again(np.ones((1, 2), "float32")).numpy(), [[2.0, 2.0]])
    x = nf.keras.Input((3,))
    assert tuple(L.Lambda(lambda t: t[:, :2])(x).shape) == (None, 2)


def test_transformer_block_with_padding_mask_trains():
    ids = np.array([[3, 4, 5, 0], [6, 7, 0, 0]], dtype="int32")
    inputs = nf.keras.Input((None,), dtype="int32")
    x = L.Embedding(10, 8, mask_zero=True)(inputs)
    attended = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    x = L.LayerNormalization()(L.Add()([x, attended]))
    outputs = L.Dense(1)(L.GlobalAveragePooling1D()(x))
    model = nf.keras.Model(inputs, outputs)
    model.compile("adam", "mse")
    history = model.fit(ids, np.ones((2, 1), "float32"), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    config = model.get_config()
    again = nf.keras.Model.from_config(config)
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(ids, verbose=0), model.predict(ids, verbose=0),
                               rtol=1e-5, atol=1e-6)
    # padding is masked (attention keys and pooling): more padding changes nothing
    longer = np.concatenate([ids, np.zeros((2, 3), "int32")], axis=1)
    np.testing.assert_allclose(model.predict(longer, verbose=0), model.predict(ids, verbose=0),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls, kwargs, shape", [
    (L.Conv2D, dict(filters=2, kernel_size=3, strides=2, data_format="channels_first"),
     (1, 3, 7, 6)),
    (L.Conv2D, dict(filters=2, kernel_size=(3, 2), strides=(2, 1), padding="same",
                    dilation_rate=1), (1, 7, 6, 3)),
    (L.Conv1D, dict(filters=2, kernel_size=3, dilation_rate=2), (1, 9, 3)),
    (L.Conv2DTranspose, dict(filters=2, kernel_size=2, strides=3), (1, 3, 4, 2)),
    (L.MaxPooling2D, dict(pool_size=3, strides=2, padding="same"), (1, 7, 6, 3)),
    (L.AveragePooling1D, dict(pool_size=3, strides=1), (1, 7, 3)),
    (L.GlobalMaxPooling2D, dict(data_format="channels_first"), (1, 3, 4, 5)),
    (L.Reshape, dict(target_shape=(-1, 3)), (1, 4, 3)),
    (L.Flatten, dict(), (1, 2, 3, 4)),
])
def test_symbolic_shapes_agree_with_eager(cls, kwargs, shape):
    """The shape rule used for symbolic calls gives the eager call's shape."""
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    eager = tuple(cls(**kwargs)(x).shape)
    symbolic = tuple(cls(**kwargs)(nf.keras.Input(batch_shape=shape)).shape)
    assert symbolic == eager
    unknown = tuple(cls(**kwargs)(nf.keras.Input(shape[1:])).shape)
    assert unknown == (None,) + eager[1:]
