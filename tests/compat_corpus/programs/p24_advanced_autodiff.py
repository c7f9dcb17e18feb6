"""TF guide "Advanced automatic differentiation": stop_recording, reset, gradient of a
non-scalar target, custom gradients (clipping, log1pexp), higher-order gradients, Jacobians,
batch Jacobians."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}
    x = tf.Variable(2.0)
    y = tf.Variable(3.0)
    with tf.GradientTape() as t:
        x_sq = x * x
        with t.stop_recording():
            y_sq = y * y
        z = x_sq + y_sq
    grad = t.gradient(z, {"x": x, "y": y})
    out["stop_recording"] = [float(grad["x"]), grad["y"] is None]
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y0 = x ** 2
        y1 = 1 / x
    out["vector_target"] = float(tape.gradient([y0, y1], x))

    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return tf.clip_by_norm(dy, 0.5)
        return y, backward

    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    out["clipped"] = float(t.gradient(output, v))

    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad

    x = tf.constant(100.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = log1pexp(x)
    out["log1pexp_grad"] = float(tape.gradient(value, x))
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    out["second_order"] = [float(dy_dx), float(t2.gradient(dy_dx, x))]
    x = tf.linspace(-10.0, 10.0, 5)
    delta = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = tf.nn.sigmoid(x + delta)
    out["jacobian_scalar_source"] = rounded(tape.jacobian(y, delta))
    x = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    w = tf.Variable(np.full((3, 2), 0.5, np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.nn.relu(x @ w)
    j = tape.jacobian(y, w)
    out["jacobian_shape"] = [int(d) for d in j.shape]
    out["jacobian_sum"] = round(float(tf.reduce_sum(j)), 5)
    bj = tape.batch_jacobian(y, x)
    out["batch_jacobian"] = rounded(bj)
    print(out)
    return out
