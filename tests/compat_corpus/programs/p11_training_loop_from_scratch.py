"""Keras guide "Writing a training loop from scratch": GradientTape, optimizer.apply_gradients,
metrics reset per epoch, a tf.function train step, validation metrics."""

import numpy as np

from _common import rounded, seeded_weights

TOLERANCE = (1e-4, 1e-6)   # 2 epochs of Adam in float32


def main(tf):
    out = {}
    keras = tf.keras
    inputs = keras.Input(shape=(20,), name="digits")
    x1 = keras.layers.Dense(16, activation="relu")(inputs)
    x2 = keras.layers.Dense(16, activation="relu")(x1)
    outputs = keras.layers.Dense(4, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    seeded_weights(model, 6)
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    rng = np.random.default_rng(2)
    x_train = rng.standard_normal((96, 20)).astype(np.float32)
    y_train = (x_train[:, :4].argmax(1)).astype(np.int32)
    x_val, y_val = x_train[:32], y_train[:32]
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc_metric.update_state(y, logits)
        return loss_value

    losses, accs, val_accs = [], [], []
    for _epoch in range(2):
        for x_batch, y_batch in train_dataset:
            losses.append(float(train_step(x_batch, y_batch)))
        accs.append(float(train_acc_metric.result()))
        train_acc_metric.reset_state()
        val_acc_metric.update_state(y_val, model(x_val, training=False))
        val_accs.append(float(val_acc_metric.result()))
        val_acc_metric.reset_state()
    out["losses"] = rounded(losses, 5)
    out["train_acc"] = rounded(accs, 5)
    out["val_acc"] = rounded(val_accs, 5)
    print(out)
    return out
