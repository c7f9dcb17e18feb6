"""TF guide "Introduction to tensor slicing": slice, strided_slice, gather, gather_nd,
scatter_nd, tensor_scatter_nd_update/add, boolean_mask."""

from _common import rounded


def main(tf):
    out = {}
    t1 = tf.constant([0, 1, 2, 3, 4, 5, 6, 7])
    out["slice"] = rounded(tf.slice(t1, begin=[1], size=[3]))
    out["step"] = rounded(t1[::3])
    t2 = tf.constant([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14],
                      [15, 16, 17, 18, 19]])
    out["slice_2d"] = rounded(t2[:-1, 1:3])
    out["slice_op"] = rounded(tf.slice(t2, begin=[1, 1], size=[3, 2]))
    out["strided"] = rounded(tf.strided_slice(t2, [0, 0], [4, 5], [2, 2]))
    out["gather"] = rounded(tf.gather(t1, indices=[0, 3, 6]))
    alphabet = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    out["gather_axis1"] = rounded(tf.gather(alphabet, indices=[2, 0], axis=1))
    t4 = tf.constant([[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]])
    out["gather_nd"] = rounded(tf.gather_nd(t4, indices=[[2], [3], [0]]))
    t5 = tf.reshape(tf.range(18), [2, 3, 3])
    out["gather_nd_3d"] = rounded(tf.gather_nd(t5, indices=[[0, 0, 0], [1, 2, 1]]))
    out["gather_nd_pairs"] = rounded(tf.gather_nd(t5, indices=[[[0, 0], [0, 2]],
                                                             [[1, 0], [1, 2]]]))
    t6 = tf.constant([10])
    indices = tf.constant([[1], [3], [5], [7], [9]])
    data = tf.constant([2, 4, 6, 8, 10])
    out["scatter_nd"] = rounded(tf.scatter_nd(indices=indices, updates=data, shape=t6))
    t7 = tf.constant([[0, 0, 0], [0, 0, 0]])
    out["scatter_update"] = rounded(tf.tensor_scatter_nd_update(t7, [[0, 1], [1, 2]], [5, 6]))
    out["scatter_add"] = rounded(tf.tensor_scatter_nd_add(t7 + 1, [[0, 0]], [9]))
    t8 = tf.constant([[1.0, -1.0], [2.0, -2.0]])
    out["boolean_mask"] = rounded(tf.boolean_mask(t8, t8 > 0))
    out["boolean_mask_rows"] = rounded(tf.boolean_mask(t8, [True, False]))
    print(out)
    return out
