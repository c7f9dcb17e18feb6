"""Keras guide "Customizing what happens in fit()": a Model subclass overriding train_step with
a tracked loss metric, called functionally; and a custom test_step via evaluate."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)   # several Adam steps in float32


def main(tf):
    out = {}
    keras = tf.keras

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = keras.losses.MeanSquaredError()(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    seeded_weights(model, 5)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    rng = np.random.default_rng(1)
    x = rng.random((64, 32)).astype(np.float32)
    y = rng.random((64, 1)).astype(np.float32)
    history = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["mae"] = rounded(history.history["mae"], 5)
    print(out)
    return out
