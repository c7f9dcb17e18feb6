"""TF tutorial "Text classification with an RNN" (small, generated token data): an
Embedding(mask_zero) + Bidirectional LSTM + Dense classifier trained for two epochs."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (2e-4, 1e-5)   # LSTM steps and masking in float32, summed in other orders
# SGD with momentum, not the guide's Adam: TF hands Embedding gradients to Keras's Adam as
# IndexedSlices whose repeated token rows are squared one by one (sum g_i^2 where dense math has
# (sum g_i)^2); neuroflow's gradients are dense. Updates linear in the gradient agree exactly.


def main(tf):
    out = {}
    keras, layers = tf.keras, tf.keras.layers
    rng = np.random.default_rng(4)
    vocab = 30
    lengths = rng.integers(3, 9, size=64)
    x = np.zeros((64, 8), np.int32)
    for i, n in enumerate(lengths):
        x[i, :n] = rng.integers(1, vocab, size=n)
    y = ((x == 7).any(1) | (x == 11).any(1)).astype(np.float32)
    model = keras.Sequential([
        keras.Input((None,), dtype="int32"),
        layers.Embedding(input_dim=vocab, output_dim=8, mask_zero=True),
        layers.Bidirectional(layers.LSTM(8)),
        layers.Dense(8, activation="relu"),
        layers.Dense(1),
    ])
    seeded_weights(model, 15)
    model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.SGD(0.1, momentum=0.9), metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["accuracy"] = rounded(history.history["accuracy"], 5)
    test_loss, test_acc = model.evaluate(x[:16], y[:16], verbose=0)
    out["evaluate"] = rounded([test_loss, test_acc], 5)
    out["predict"] = rounded(model.predict(x[:2], verbose=0), 5)
    print(out)
    return out
