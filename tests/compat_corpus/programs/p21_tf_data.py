"""TF guide "tf.data: Build TensorFlow input pipelines" (basics): from_tensor_slices, map,
filter, batch, padded_batch, zip, take/skip, repeat, reduce, enumerate, window-free ops."""

import numpy as np

from _common import rounded


def main(tf):
    out = {}
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    out["elements"] = [int(e) for e in dataset]
    out["reduce"] = int(dataset.reduce(0, lambda state, value: state + value))
    out["element_spec"] = str(dataset.element_spec.dtype.name)
    features = np.arange(12, dtype=np.float32).reshape(6, 2)
    labels = np.array([0, 1, 0, 1, 1, 0])
    ds = tf.data.Dataset.from_tensor_slices((features, labels))
    out["batched"] = [[rounded(f), rounded(lab)] for f, lab in ds.batch(4)]
    out["drop_remainder"] = len(list(ds.batch(4, drop_remainder=True)))
    out["mapped"] = [rounded(f) for f, _ in ds.map(lambda f, lab: (f * 2.0, lab)).take(2)]
    out["filtered"] = [int(lab) for _, lab in ds.filter(lambda f, lab: lab > 0)]
    out["skip_take"] = [int(v) for v in tf.data.Dataset.range(10).skip(3).take(4)]
    out["repeat_batch"] = [rounded(b) for b in tf.data.Dataset.range(3).repeat(2).batch(4)]
    a = tf.data.Dataset.range(3)
    b = tf.data.Dataset.range(10, 13)
    out["zip"] = [[int(x), int(y)] for x, y in tf.data.Dataset.zip((a, b))]
    out["enumerate"] = [[int(i), int(v)] for i, v in b.enumerate()]
    out["concatenate"] = [int(v) for v in a.concatenate(b)]
    ragged = tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x))
    out["padded_batch"] = [rounded(v) for v in ragged.padded_batch(2, padded_shapes=(None,))]
    gen = tf.data.Dataset.from_generator(lambda: iter(range(4)),
                                         output_signature=tf.TensorSpec(shape=(), dtype=tf.int32))
    out["generator"] = [int(v) for v in gen.map(lambda v: v * v)]
    out["cardinality"] = int(tf.data.Dataset.range(7).batch(2).cardinality())
    print(out)
    return out
