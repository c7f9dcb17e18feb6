"""Keras guide "Making new layers and models via subclassing": weights, build, nested layers,
add_loss, training argument, get_config."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}
    keras = tf.keras

    class Linear(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="ones", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    linear_layer = Linear(4)
    out["linear"] = rounded(linear_layer(x))
    out["n_weights"] = len(linear_layer.weights)

    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,),
                                         trainable=False)

        def call(self, inputs):
            self.total.assign_add(tf.reduce_sum(inputs, axis=0))
            return self.total

    my_sum = ComputeSum(2)
    y = my_sum(np.ones((2, 2), np.float32))
    y = my_sum(np.ones((2, 2), np.float32))
    out["sum"] = rounded(y)
    out["non_trainable"] = len(my_sum.non_trainable_weights)

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = tf.nn.relu(self.linear_1(inputs))
            x = tf.nn.relu(self.linear_2(x))
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(np.ones((3, 64), np.float32))
    out["mlp"] = rounded(y)
    out["mlp_weights"] = len(mlp.weights)

    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * tf.reduce_sum(inputs))
            return inputs

    layer = ActivityRegularizationLayer()
    layer(np.ones((2, 2), np.float32))
    out["losses"] = [float(v) for v in layer.losses]

    class CustomDropout(keras.layers.Layer):
        def call(self, inputs, training=None):
            if training:
                return inputs * 0.0
            return inputs

    drop = CustomDropout()
    out["training"] = rounded(drop(np.ones((1, 2), np.float32), training=True))
    out["inference"] = rounded(drop(np.ones((1, 2), np.float32), training=False))
    config = Linear(64).get_config()
    out["config_units"] = config["units"]
    out["from_config"] = Linear.from_config(config).units
    print(out)
    return out
