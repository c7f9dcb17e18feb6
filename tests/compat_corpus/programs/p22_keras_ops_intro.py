"""Keras 3 "Introduction to Keras for engineers": keras.ops as a NumPy-like API, a custom
layer written with ops, a model trained with fit from equal weights."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)


def main(tf):
    out = {}
    keras = tf.keras
    ops = keras.ops
    x = ops.convert_to_tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    out["matmul"] = rounded(ops.matmul(x, ops.transpose(x)))
    out["softmax"] = rounded(ops.softmax(x, axis=-1))
    out["shape"] = list(ops.shape(x))
    out["mean"] = float(ops.mean(x))
    out["stack"] = rounded(ops.stack([ops.ones(2), ops.zeros(2)]))
    out["where"] = rounded(ops.where(x > 2, x, -x))
    out["clip"] = rounded(ops.clip(x, 1.0, 4.0))
    out["logsumexp"] = rounded(ops.logsumexp(x, axis=1))

    class MyDense(keras.layers.Layer):
        def __init__(self, units, activation=None, name=None):
            super().__init__(name=name)
            self.units = units
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="glorot_normal", name="kernel")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return self.activation(ops.matmul(inputs, self.w) + self.b)

    inputs = keras.Input(shape=(6,))
    h = MyDense(8, activation="relu")(inputs)
    outputs = MyDense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    seeded_weights(model, 20)
    rng = np.random.default_rng(7)
    xs = rng.random((48, 6)).astype(np.float32)
    ys = rng.integers(3, size=48)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(),
                  optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")])
    history = model.fit(xs, ys, batch_size=16, epochs=3, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["acc"] = rounded(history.history["acc"], 5)
    print(out)
    return out
