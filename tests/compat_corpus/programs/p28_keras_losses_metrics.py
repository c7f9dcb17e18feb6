"""Keras guides "Training & evaluation with the built-in methods" (losses and metrics part):
loss classes and functions, metric objects with update_state/result/reset, sample weights,
class weights in fit, validation data, callbacks seeing logs."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)


def main(tf):
    out = {}
    keras = tf.keras
    y_true = np.array([[0.0, 1.0], [0.0, 0.0]], np.float32)
    y_pred = np.array([[0.6, 0.4], [0.4, 0.6]], np.float32)
    out["bce"] = float(keras.losses.BinaryCrossentropy()(y_true, y_pred))
    out["bce_sum"] = float(keras.losses.BinaryCrossentropy(reduction="sum")(y_true, y_pred))
    out["mse"] = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    out["huber"] = float(keras.losses.Huber()(y_true, y_pred))
    out["weighted"] = float(keras.losses.MeanAbsoluteError()(y_true, y_pred,
                                                             sample_weight=[0.7, 0.3]))
    m = keras.metrics.AUC()
    m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    out["auc"] = round(float(m.result()), 5)
    acc = keras.metrics.Accuracy()
    acc.update_state([1, 2, 3, 4], [0, 2, 3, 4])
    out["accuracy"] = float(acc.result())
    acc.reset_state()
    out["reset"] = float(acc.result())
    prec = keras.metrics.Precision()
    prec.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    out["precision"] = round(float(prec.result()), 6)
    inputs = keras.Input(shape=(6,))
    h = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = keras.layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    seeded_weights(model, 23)
    rng = np.random.default_rng(10)
    x = rng.random((60, 6)).astype(np.float32)
    y = rng.integers(3, size=60)
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(sorted(logs))

    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(x[:40], y[:40], batch_size=20, epochs=2, shuffle=False, verbose=0,
                        validation_data=(x[40:], y[40:]), class_weight={0: 1.0, 1: 2.0, 2: 0.5},
                        callbacks=[Record()])
    out["loss"] = rounded(history.history["loss"], 5)
    out["val_loss"] = rounded(history.history["val_loss"], 5)
    out["logs_keys"] = seen[0]
    print(out)
    return out
