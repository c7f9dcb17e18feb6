"""TF guide "Introduction to Tensors": creation, dtypes, shapes, broadcasting, ops, reshape."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}
    rank_2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    out["rank_2_dtype"] = rank_2.dtype.name
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.ones([2, 2], dtype=tf.int32)
    out["add"] = rounded(tf.add(a, b))
    out["multiply"] = rounded(tf.multiply(a, b))
    out["matmul"] = rounded(tf.matmul(a, b))
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    out["reduce_max"] = float(tf.reduce_max(c))
    out["argmax"] = rounded(tf.math.argmax(c))
    out["softmax"] = rounded(tf.nn.softmax(c))
    rank_4 = tf.zeros([3, 2, 4, 5])
    out["shape"] = [int(d) for d in rank_4.shape]
    out["ndim"] = rank_4.ndim
    out["size"] = int(tf.size(rank_4).numpy())
    x = tf.constant([[1], [2], [3]])
    out["reshaped"] = [int(d) for d in tf.reshape(x, [1, 3]).shape]
    rank_3 = tf.constant(np.arange(30).reshape(3, 2, 5))
    out["flat"] = rounded(tf.reshape(rank_3, [-1])[:6])
    out["reshape_2"] = [int(d) for d in tf.reshape(rank_3, [3 * 2, 5]).shape]
    the_f64 = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
    the_u8 = tf.cast(tf.cast(the_f64, dtype=tf.float16), dtype=tf.uint8)
    out["cast"] = rounded(the_u8)
    x = tf.constant([1, 2, 3])
    out["broadcast_mul"] = rounded(tf.multiply(x, 2))
    y = tf.reshape(x, [3, 1])
    z = tf.range(1, 5)
    out["outer"] = rounded(tf.multiply(y, z))
    out["broadcast_to"] = rounded(tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]))
    t = tf.constant([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    out["slice"] = rounded(t[:, 1:])
    out["transpose"] = rounded(tf.transpose(t))
    out["convert"] = rounded(tf.convert_to_tensor([1.5, 2.5]))
    print(out)
    return out
