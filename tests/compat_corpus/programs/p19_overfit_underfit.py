"""TF tutorial "Overfit and underfit": L2 weight regularization (its loss in model.losses),
Dropout at inference, binary cross-entropy with logits, from equal weights."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)


def main(tf):
    out = {}
    keras, layers, regularizers = tf.keras, tf.keras.layers, tf.keras.regularizers
    rng = np.random.default_rng(6)
    x = rng.standard_normal((64, 10)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.float32)
    l2_model = keras.Sequential([
        keras.Input((10,)),
        layers.Dense(16, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(16, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(1),
    ])
    seeded_weights(l2_model, 17)
    out["regularization_losses"] = rounded([float(v) for v in l2_model.losses], 6)
    l2_model.compile(optimizer=keras.optimizers.Adam(0.01),
                     loss=keras.losses.BinaryCrossentropy(from_logits=True),
                     metrics=[keras.losses.BinaryCrossentropy(from_logits=True,
                                                              name="binary_crossentropy")])
    history = l2_model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    out["loss"] = rounded(history.history["loss"], 5)
    out["crossentropy"] = rounded(history.history["binary_crossentropy"], 5)
    dropout_model = keras.Sequential([keras.Input((10,)), layers.Dense(8, activation="elu"),
                                      layers.Dropout(0.5), layers.Dense(1)])
    seeded_weights(dropout_model, 18)
    out["dropout_inference"] = rounded(dropout_model(x[:2], training=False), 5)
    print(out)
    return out
