"""A custom training loop: GradientTape + optimizer.apply_gradients, compiled by tf.function."""

import numpy as np
from _common import args, data

import neuroflow as tf

opts = args(__doc__)
(x_train, y_train), (x_test, y_test) = data(opts.quick)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(784,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10),
])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(1e-3)
accuracy = tf.keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


batch = 32
for epoch in range(opts.epochs or (1 if opts.quick else 3)):
    order = np.random.permutation(len(x_train))
    losses = []
    for i in range(0, len(order) - batch + 1, batch):
        idx = order[i:i + batch]
        losses.append(float(train_step(tf.constant(x_train[idx]), tf.constant(y_train[idx]))))
    accuracy.reset_state()
    accuracy.update_state(y_test, model(tf.constant(x_test)))
    print(f"epoch {epoch + 1}: loss {np.mean(losses):.4f}, "
          f"test accuracy {float(accuracy.result()):.4f}")
