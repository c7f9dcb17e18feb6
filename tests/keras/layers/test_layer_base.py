"""The Layer contract: names, build, InputSpec errors, weights, tracking, custom layers."""

import numpy as np
import pytest

import neuroflow as nf

L = nf.keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    nf.keras.backend.clear_session()


def test_unique_auto_names():
    names = [L.Dense(1).name, L.Dense(1).name, L.Conv2D(1, 1).name, L.Dense(1).name,
             L.BatchNormalization().name, L.LSTM(1).name, L.SimpleRNN(1).name,
             L.GlobalAveragePooling2D().name]
    assert names == ["dense", "dense_1", "conv2d", "dense_2", "batch_normalization", "lstm",
                     "simple_rnn", "global_average_pooling2d"]


def test_build_on_first_call_and_keras_weight_layout():
    layer = L.Dense(64)
    assert not layer.built and layer.weights == []
    layer(np.zeros((2, 784), "float32"))
    assert layer.built
    assert [w.shape for w in layer.get_weights()] == [(784, 64), (64,)]
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert layer.count_params() == 784 * 64 + 64


def test_input_spec_error_message():
    layer = L.Dense(64)
    layer(np.zeros((1, 784), "float32"))
    with pytest.raises(ValueError) as info:
        layer(np.zeros((32, 100), "float32"))
    assert str(info.value) == (
        'Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input '
        "shape to have value 784, but received input with shape (32, 100)")
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layer(np.zeros((784,), "float32"))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        L.MaxPooling2D()(np.zeros((1, 4, 4), "float32"))


def test_set_weights_errors():
    layer = L.Dense(2)
    layer(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="weight list of length 1, but the layer was expecting 2"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"weight shape \(3, 2\) is not compatible"):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="isn't built"):
        L.Dense(1).count_params()


def test_unknown_kwarg_raises():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        L.Dense(3, foo=1)


def test_trainable_flag_moves_weights():
    layer = L.Dense(2)
    layer(np.zeros((1, 3), "float32"))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


class Linear(L.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return nf.matmul(inputs, self.w) + self.b


class Block(L.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = [Linear(3), Linear(2)]
        self.scale = nf.Variable(2.0, trainable=False)

    def call(self, inputs, training=None):
        x = self.inner[1](self.inner[0](inputs))
        self.add_loss(nf.reduce_sum(x) * 0.0)
        return x * self.scale


def test_custom_layers_track_sublayers_variables_and_losses():
    block = Block()
    y = block(np.ones((2, 5), "float32"))
    assert tuple(y.shape) == (2, 2)
    assert len(block.trainable_weights) == 4 and len(block.non_trainable_weights) == 1
    assert len(block.losses) == 1
    assert Linear(units=7).get_config()["units"] == 7   # constructor args are captured
    x = nf.keras.Input((5,))
    assert tuple(Block()(x).shape) == (None, 2)


def test_training_flag_propagates_to_nested_layers():
    seen = []

    class Probe(L.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(L.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, inputs):
            return self.probe(inputs)

    Outer()(np.ones((1, 1), "float32"), training=True)
    assert seen == [True]


def test_layer_is_usable_in_a_gradient_tape():
    layer = L.Dense(1, kernel_initializer="ones")
    x = nf.constant([[1.0, 2.0]])
    with nf.GradientTape() as tape:
        y = layer(x)
    grads = tape.gradient(y, layer.trainable_variables)
    np.testing.assert_allclose(grads[0].numpy(), [[1.0], [2.0]])
    np.testing.assert_allclose(grads[1].numpy(), [1.0])


def test_symbolic_call_records_nodes():
    x = nf.keras.Input((4,), name="x")
    dense = L.Dense(3)
    y = dense(x)
    assert isinstance(y, L.KerasTensor) and tuple(y.shape) == (None, 3)
    assert dense.input is x and dense.output is y and dense.output_shape == (None, 3)
    assert y._keras_history.operation is dense


def test_add_weight_accepts_keras2_and_keras3_orders():
    class Both(L.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", shape=(input_shape[-1], 2), initializer="ones")
            self.v = self.add_weight((2,), "zeros", name="v")

        def call(self, inputs):
            return nf.matmul(inputs, self.w) + self.v

    layer = Both()
    np.testing.assert_allclose(layer(np.ones((1, 3), "float32")).numpy(), [[3.0, 3.0]])
    assert [w.name for w in layer.weights] == ["w", "v"]


def test_masking_layer_feeds_rnn_and_mask_kwarg_is_optional():
    x = np.ones((2, 4, 3), "float32")
    x[:, 2:] = 0.0
    masked = L.Masking()(x)
    rnn = L.SimpleRNN(2, return_sequences=True)
    y = rnn(masked).numpy()
    np.testing.assert_allclose(y[:, 2], y[:, 1])  # masked steps repeat the last output
    assert tuple(L.Dense(2)(x, mask=None).shape) == (2, 4, 2)  # Dense takes no mask argument


def test_backend_names_and_config():
    backend = nf.keras.backend
    assert backend.floatx() == "float32" and backend.epsilon() == 1e-7
    assert backend.image_data_format() == "channels_last"
    assert backend.to_snake_case("GlobalAveragePooling2D") == "global_average_pooling2d"
    v = nf.keras.Variable(np.zeros(2, "float32"), name="kernel")
    assert v.name == "kernel" and v.path == "kernel"
    assert backend.is_keras_tensor(nf.keras.Input((2,)))
    assert not backend.is_keras_tensor(nf.constant(1.0))
