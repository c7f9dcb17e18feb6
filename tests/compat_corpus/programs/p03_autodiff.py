"""TF guide "Introduction to gradients and automatic differentiation"."""

from _common import rounded


def main(tf):
    out = {}
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    out["dy_dx"] = float(tape.gradient(y, x))
    w = tf.Variable(tf.constant([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y ** 2)
    dl_dw, dl_db = tape.gradient(loss, [w, b])
    out["dl_dw"] = rounded(dl_dw)
    out["dl_db"] = rounded(dl_db)
    grads = tape.gradient(loss, {"w": w, "b": b})
    out["dict_b"] = rounded(grads["b"])
    x0 = tf.Variable(3.0, name="x0")
    x1 = tf.Variable(3.0, name="x1", trainable=False)
    x2 = tf.Variable(2.0, name="x2") + 1.0
    x3 = tf.constant(3.0, name="x3")
    with tf.GradientTape() as tape:
        y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
    grad = tape.gradient(y, [x0, x1, x2, x3])
    out["unwatched"] = [None if g is None else float(g) for g in grad]
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x ** 2
    out["watched_const"] = float(tape.gradient(y, x))
    x = tf.constant([1, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    out["dz_dx"] = rounded(tape.gradient(z, x))
    out["dy_dx_vec"] = rounded(tape.gradient(y, x))
    del tape
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y0 = x ** 2
        y1 = 1 / x
    out["two_targets"] = float(tape.gradient({"y0": y0, "y1": y1}, x))
    x = tf.linspace(-10.0, 10.0, 9)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.sigmoid(x)
    out["sigmoid_grad"] = rounded(tape.gradient(y, x))
    x = tf.constant(1.0)
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        if x > 0.0:
            result = v0
        else:
            result = v1 ** 2
    dv0, dv1 = tape.gradient(result, [v0, v1])
    out["control_flow"] = [None if g is None else float(g) for g in (dv0, dv1)]
    x = tf.Variable([2.0, 2.0])
    y = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = y ** 2
    out["unconnected_zero"] = rounded(
        tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO))
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.stop_gradient(x * x) + x
    out["stop_gradient"] = float(tape.gradient(y, x))
    print(out)
    return out
