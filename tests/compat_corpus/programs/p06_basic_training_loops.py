"""TF guide "Basic training loops": a linear model, MSE loss, a hand-written SGD loop, then the
same model as a Keras model with compile/fit."""

import numpy as np

from _common import rounded

TRUE_W, TRUE_B = 3.0, 2.0


def main(tf):
    out = {}
    rng = np.random.default_rng(0)
    x = rng.standard_normal(201).astype(np.float32)
    noise = rng.standard_normal(201).astype(np.float32)
    y = x * TRUE_W + TRUE_B + noise

    class MyModel(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    def loss(target_y, predicted_y):
        return tf.reduce_mean(tf.square(target_y - predicted_y))

    model = MyModel()
    out["variables"] = len(model.variables)
    out["initial_loss"] = float(loss(y, model(x)))

    def train(model, x, y, learning_rate):
        with tf.GradientTape() as t:
            current_loss = loss(y, model(x))
        dw, db = t.gradient(current_loss, [model.w, model.b])
        model.w.assign_sub(learning_rate * dw)
        model.b.assign_sub(learning_rate * db)

    history = []
    for _ in range(10):
        train(model, x, y, learning_rate=0.1)
        history.append(float(loss(y, model(x))))
    out["history"] = rounded(history)
    out["w"], out["b"] = float(model.w), float(model.b)

    class MyKerasModel(tf.keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def call(self, x):
            return self.w * x + self.b

    keras_model = MyKerasModel()
    keras_model.compile(run_eagerly=False, optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                        loss=tf.keras.losses.MeanSquaredError())
    fit = keras_model.fit(x, y, epochs=5, batch_size=1000, verbose=0)
    out["keras_loss"] = rounded(fit.history["loss"])
    print(out)
    return out
