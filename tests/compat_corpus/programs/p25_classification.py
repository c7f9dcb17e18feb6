"""TF tutorial "Basic classification" (Fashion-MNIST-like generated 8x8 images): Flatten +
Dense softmax classifier, fit, evaluate, predict, a Softmax probability model."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)


def main(tf):
    out = {}
    keras = tf.keras
    rng = np.random.default_rng(8)
    labels = rng.integers(4, size=96)
    images = rng.random((96, 8, 8)).astype(np.float32) * 0.3
    for i, k in enumerate(labels):
        images[i, 2 * k:2 * k + 2, :] += 0.7
    images = (images * 255).astype(np.uint8)
    images = images / 255.0
    model = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(),
                              keras.layers.Dense(16, activation="relu"), keras.layers.Dense(4)])
    seeded_weights(model, 21)
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(images[:64], labels[:64], epochs=3, batch_size=32, shuffle=False,
                        verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["accuracy"] = rounded(history.history["accuracy"], 5)
    test_loss, test_acc = model.evaluate(images[64:], labels[64:], verbose=0)
    out["test"] = rounded([test_loss, test_acc], 5)
    probability_model = keras.Sequential([model, keras.layers.Softmax()])
    predictions = probability_model.predict(images[64:66], verbose=0)
    out["predictions"] = rounded(predictions, 5)
    out["argmax"] = [int(v) for v in np.argmax(predictions, axis=1)]
    print(out)
    return out
