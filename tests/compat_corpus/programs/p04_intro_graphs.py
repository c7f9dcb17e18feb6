"""TF guide "Introduction to graphs and tf.function": tracing, polymorphism, side effects."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}

    def a_regular_function(x, y, b):
        x = tf.matmul(x, y)
        return x + b

    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    out["eager"] = rounded(a_regular_function(x1, y1, b1))
    out["graph"] = rounded(a_function_that_uses_a_graph(x1, y1, b1))

    @tf.function
    def my_relu(x):
        return tf.maximum(0.0, x)

    out["relu_scalar"] = float(my_relu(tf.constant(5.5)))
    out["relu_list"] = rounded(my_relu([1, -1]))
    out["relu_tensor"] = rounded(my_relu(tf.constant([3.0, -3.0])))
    out["traces"] = my_relu.experimental_get_tracing_count()

    @tf.function
    def get_mse(y_true, y_pred):
        print("Calculating MSE!")   # Python side effect: only while tracing
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)

    y_true = tf.constant(np.array([1, 2, 3, 4, 5], np.int32))
    y_pred = tf.constant(np.array([2, 2, 1, 4, 6], np.int32))
    out["mse"] = [int(get_mse(y_true, y_pred)) for _ in range(3)]
    out["mse_traces"] = get_mse.experimental_get_tracing_count()

    @tf.function
    def unused_return_eager(x):
        tf.gather(x, [1])
        return x

    out["unused"] = rounded(unused_return_eager(tf.constant([0.0])[0:1] + 1))

    @tf.function
    def power(x, y):
        result = tf.eye(10, dtype=tf.dtypes.int32)
        for _ in range(y):
            result = tf.matmul(x, result)
        return result

    x = tf.random.uniform(shape=[10, 10], minval=-1, maxval=2, dtype=tf.dtypes.int32)
    out["power_shape"] = [int(d) for d in power(x, 3).shape]
    out["power_traces"] = power.experimental_get_tracing_count()
    print(out)
    return out
