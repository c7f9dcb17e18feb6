"""Keras guide "Transfer learning & fine-tuning" (small): freezing layers, trainable weight
counts, a frozen base under a new head, then fine-tuning the whole model."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)


def main(tf):
    out = {}
    keras = tf.keras
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    out["trainable"] = len(layer.trainable_weights)
    layer.trainable = False
    out["frozen_trainable"] = len(layer.trainable_weights)
    out["frozen_non_trainable"] = len(layer.non_trainable_weights)
    bn = keras.layers.BatchNormalization()
    bn.build((None, 4))
    out["bn_trainable"] = len(bn.trainable_weights)
    out["bn_non_trainable"] = len(bn.non_trainable_weights)
    base_model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(6, activation="relu"),
                                   keras.layers.Dense(4, activation="relu")])
    seeded_weights(base_model, 8)
    base_model.trainable = False
    inputs = keras.Input(shape=(8,))
    x = base_model(inputs, training=False)
    outputs = keras.layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.layers[-1].set_weights([np.full((4, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    out["head_trainable"] = len(model.trainable_weights)
    rng = np.random.default_rng(3)
    x_new = rng.random((40, 8)).astype(np.float32)
    y_new = (x_new.sum(1, keepdims=True) > 4).astype(np.float32)
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy()])
    h1 = model.fit(x_new, y_new, epochs=2, batch_size=20, shuffle=False, verbose=0)
    out["head_loss"] = rounded(h1.history["loss"], 5)
    base_model.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(1e-5),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy()])
    out["fine_tune_trainable"] = len(model.trainable_weights)
    h2 = model.fit(x_new, y_new, epochs=2, batch_size=20, shuffle=False, verbose=0)
    out["fine_tune_loss"] = rounded(h2.history["loss"], 5)
    print(out)
    return out
