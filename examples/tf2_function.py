"""TF2 style: eager by default, ``@nf.function`` for speed; see the graph it traces.

Run: python examples/tf2_function.py [--draw z.svg]
"""

import sys
import time

import numpy as np

import neuroflow as tf

# -- the lecture's TF2 listing: eager evaluation ------------------------------------------------
w = tf.Variable(2.0, name='weight')
b = tf.Variable(0.7, name='bias')
for x in [1.0, 0.6, -1.8]:
    z = w * x + b
    print('x=%4.1f --> z=%4.1f' % (x, z))  # noqa: UP031


# -- the same computation as a graph ----------------------------------------------------------
@tf.function
def simple_func(x):
    return w * x + b


print(simple_func(tf.constant(1.0)))
concrete = simple_func.get_concrete_function(tf.constant(1.0))
print("nodes:", [node.type for node in concrete.graph.nodes])
print(concrete.graph.to_dot())
if "--draw" in sys.argv:
    path = sys.argv[sys.argv.index("--draw") + 1]
    tf.draw_graph(simple_func, tf.constant(1.0), path=path)
    print("wrote", path)

# -- a training step: tape, gradients and variable updates inside one graph --------------------
rng = np.random.default_rng(0)
xs = tf.constant(rng.normal(size=(32, 784)).astype(np.float32))
ys = tf.constant(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)])
params = [tf.Variable(rng.normal(size=s).astype(np.float32) * 0.05)
          for s in [(784, 64), (64,), (64, 32), (32,), (32, 10), (10,)]]


def train_step(x, y):
    w1, b1, w2, b2, w3, b3 = params
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        h = tf.nn.relu(tf.matmul(h, w2) + b2)
        logits = tf.matmul(h, w3) + b3
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    for v, g in zip(params, tape.gradient(loss, params)):
        v.assign_sub(0.1 * g)
    return loss


fast_step = tf.function(train_step)
for name, step in [("eager", train_step), ("tf.function", fast_step)]:
    step(xs, ys)
    start = time.perf_counter()
    for _ in range(50):
        loss = step(xs, ys)
    print(f"{name:12s} {(time.perf_counter() - start) / 50 * 1e6:8.0f} us/step  "
          f"loss {float(loss):.4f}")
fast_step.get_concrete_function(xs, ys).summary()
