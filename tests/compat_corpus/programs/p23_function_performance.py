"""TF guide "Better performance with tf.function": retracing rules, input_signature,
reduce_retracing, AutoGraph loops over tf.range and datasets, TensorArray accumulation,
run_functions_eagerly, pretty-printed signatures."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}

    @tf.function
    def double(a):
        return a + a

    double(tf.constant(1))
    double(tf.constant(1.1))
    double(tf.constant("a") if False else tf.constant([1, 2]))
    out["traces"] = double.experimental_get_tracing_count()

    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)

    out["collatz"] = rounded(next_collatz(tf.constant([1, 2])))
    out["collatz_2"] = rounded(next_collatz(tf.constant([[1, 2], [3, 4]])[0]))

    @tf.function(reduce_retracing=True)
    def g(x):
        return x * 2

    for n in (1, 2, 3, 4):
        g(tf.ones([n]))
    out["reduced_traces"] = g.experimental_get_tracing_count()

    @tf.function
    def sum_even(items):
        s = 0
        for c in items:
            if c % 2 > 0:
                continue
            s += c
        return s

    out["sum_even"] = int(sum_even(tf.constant([10, 12, 15, 20])))

    @tf.function
    def f(x):
        while tf.reduce_sum(x) > 1:
            x = tf.tanh(x)
        return x

    out["while"] = rounded(f(tf.constant([5.0, 5.0])))

    @tf.function
    def rnn(inputs, state):
        outputs = tf.TensorArray(tf.float32, size=tf.shape(inputs)[1])
        state = tf.cast(state, tf.float32)
        for i in tf.range(tf.shape(inputs)[1]):
            state = tf.tanh(inputs[:, i] + state)
            outputs = outputs.write(i, state)
        return tf.transpose(outputs.stack(), [1, 0, 2]), state

    seq = np.linspace(-1, 1, 2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2)
    outputs, state = rnn(tf.constant(seq), np.zeros((2, 2), np.float32))
    out["rnn_outputs"] = rounded(outputs)
    out["rnn_state"] = rounded(state)

    @tf.function
    def dataset_sum(ds):
        total = tf.constant(0, tf.int64)
        for v in ds:
            total += v
        return total

    out["dataset_loop"] = int(dataset_sum(tf.data.Dataset.range(5)))

    @tf.function
    def sign(x):
        if x > 0:
            return 1.0
        elif x < 0:
            return -1.0
        else:
            return 0.0

    out["early_return"] = [float(sign(tf.constant(v))) for v in (3.0, -2.0, 0.0)]
    tf.config.run_functions_eagerly(True)
    try:
        out["eager_flag"] = tf.config.functions_run_eagerly()
        out["eager_value"] = float(sign(tf.constant(-5.0)))
    finally:
        tf.config.run_functions_eagerly(False)

    @tf.function
    def scaled(x, factor=2):
        return x * factor

    scaled.get_concrete_function(tf.TensorSpec([None], tf.float32), factor=3)
    out["signature"] = scaled.pretty_printed_concrete_signatures()
    print(out)
    return out
