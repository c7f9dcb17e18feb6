"""TF tutorial "Convolutional Neural Network" (small, generated CIFAR-like images): Conv2D,
MaxPooling2D, Flatten, Dense; summary shapes, one epoch from equal weights, evaluate."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (2e-4, 1e-5)   # convolutions summed in another order, then Adam


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    model = keras.Sequential([keras.Input((12, 12, 3)),
                              layers.Conv2D(4, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)),
                              layers.Conv2D(8, (3, 3), activation="relu"),
                              layers.Flatten(),
                              layers.Dense(8, activation="relu"),
                              layers.Dense(3)])
    out["shapes"] = [list(layer.output.shape)[1:] for layer in model.layers]
    out["params"] = model.count_params()
    seeded_weights(model, 22)
    rng = np.random.default_rng(9)
    x = rng.random((48, 12, 12, 3)).astype(np.float32)
    y = rng.integers(3, size=48)
    x[np.arange(48), :, :, y] += 0.5
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["evaluate"] = rounded(model.evaluate(x[:16], y[:16], verbose=0), 5)
    print(out)
    return out
