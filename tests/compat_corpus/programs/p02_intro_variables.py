"""TF guide "Introduction to Variables": create, assign, copy semantics, names, trainable."""

from _common import rounded


def main(tf):
    out = {}
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    my_variable = tf.Variable(my_tensor)
    bool_variable = tf.Variable([False, False, False, True])
    out["shape"] = [int(d) for d in my_variable.shape]
    out["dtype"] = my_variable.dtype.name
    out["bool_dtype"] = bool_variable.dtype.name
    out["as_tensor"] = rounded(tf.convert_to_tensor(my_variable))
    out["argmax"] = rounded(tf.math.argmax(my_variable))
    out["reshape"] = rounded(tf.reshape(my_variable, [1, 4]))
    a = tf.Variable([2.0, 3.0])
    a.assign([1, 2])
    out["assigned"] = rounded(a)
    b = tf.Variable(a)
    a.assign([5, 6])
    out["a_after"] = rounded(a)
    out["b_copy"] = rounded(b)
    out["assign_add"] = rounded(a.assign_add([2, 3]))
    out["assign_sub"] = rounded(a.assign_sub([7, 9]))
    c = tf.Variable(my_tensor, name="Mark")
    d = tf.Variable(my_tensor + 1, name="Mark")
    out["equal_names"] = c.name == d.name
    out["name"] = c.name
    step_counter = tf.Variable(1, trainable=False)
    out["trainable"] = step_counter.trainable
    out["step_dtype"] = step_counter.dtype.name
    try:
        a.assign([1.0, 2.0, 3.0])
        out["bad_assign"] = "no error"
    except (ValueError, Exception) as error:  # noqa: BLE001 - the class is compared below
        out["bad_assign"] = "ValueError" if isinstance(error, ValueError) else type(
            error).__name__
    print(out)
    return out
