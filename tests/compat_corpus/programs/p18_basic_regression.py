"""TF tutorial "Basic regression": a Normalization layer adapted to the features, a linear
model and a DNN trained with Adam and mean absolute error, evaluated."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-5)   # Adam epochs in float32


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    rng = np.random.default_rng(5)
    features = rng.normal([20, 100, 3000, 15], [5, 30, 800, 3], size=(80, 4)).astype(np.float32)
    labels = (40 - 0.1 * features[:, 1] - 0.004 * features[:, 2] + 0.3 * features[:, 3]
              + rng.normal(0, 1, 80)).astype(np.float32)
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(features)
    out["mean"] = rounded(normalizer.mean, 3)
    out["normalized_first"] = rounded(normalizer(features[:1]), 5)
    linear_model = keras.Sequential([keras.Input((4,)), normalizer, layers.Dense(units=1)])
    linear_model.layers[-1].set_weights([np.full((4, 1), 0.5, np.float32),
                                         np.zeros(1, np.float32)])
    linear_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1),
                         loss="mean_absolute_error")
    history = linear_model.fit(features, labels, epochs=5, batch_size=32, shuffle=False,
                               verbose=0, validation_split=0.2)
    out["linear_loss"] = rounded(history.history["loss"], 4)
    out["linear_val_loss"] = rounded(history.history["val_loss"], 4)
    dnn = keras.Sequential([keras.Input((4,)), normalizer,
                            layers.Dense(16, activation="relu"),
                            layers.Dense(16, activation="relu"), layers.Dense(1)])
    seeded_weights(dnn, 16)
    dnn.compile(loss="mean_absolute_error", optimizer=keras.optimizers.Adam(0.01))
    history = dnn.fit(features, labels, epochs=5, batch_size=32, shuffle=False, verbose=0)
    out["dnn_loss"] = rounded(history.history["loss"], 4)
    out["dnn_eval"] = round(float(dnn.evaluate(features, labels, verbose=0)), 4)
    print(out)
    return out
