"""TF1 programs end to end: placeholders, sessions, feeds, initializers, optimizers."""

import numpy as np
import pytest

import neuroflow as nf
import neuroflow.compat.v1 as tf
from neuroflow.backend.errors import FailedPreconditionError, InvalidArgumentError


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield


def test_lecture_tf1_listing(capsys):
    x = tf.placeholder(dtype=tf.float32, shape=(None), name='x')
    w = tf.Variable(2.0, name='weight')
    b = tf.Variable(0.7, name='bias')
    z = w * x + b
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        for t in [1.0, 0.6, -1.8]:
            print('x=%4.1f --> z=%4.1f' % (t, sess.run(z, feed_dict={x: t})))  # noqa: UP031
    assert capsys.readouterr().out == ("x= 1.0 --> z= 2.7\nx= 0.6 --> z= 1.9\n"
                                       "x=-1.8 --> z=-2.9\n")


def test_no_global_mode_switch_tf2_still_eager():
    x = tf.placeholder(tf.float32, [None])
    y = x * 2.0
    assert nf.executing_eagerly()
    assert float(nf.constant(2.0) * 3.0) == 6.0   # eager next to a TF1 graph
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])


def test_nested_fetches_and_eager_fetches():
    x = tf.placeholder(tf.float32, [2], name="x")
    a, b = x + 1.0, x * 3.0
    c = tf.constant(5.0)
    with tf.Session() as sess:
        out = sess.run({"pair": (a, b), "list": [b], "c": c}, feed_dict={x: [1.0, 2.0]})
    np.testing.assert_allclose(out["pair"][0], [2.0, 3.0])
    np.testing.assert_allclose(out["pair"][1], [3.0, 6.0])
    np.testing.assert_allclose(out["list"][0], [3.0, 6.0])
    assert out["c"] == 5.0


def test_feed_checks():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.reduce_sum(x)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 4\)"):
            sess.run(y, {x: np.ones((2, 4))})
        with pytest.raises(InvalidArgumentError, match="must feed a value for placeholder"):
            sess.run(y)
        with pytest.raises(TypeError):
            sess.run(y, {x: [["a", "b", "c"]]})
        assert sess.run(y, {x: np.ones((2, 3))}) == 6.0


def test_fetch_unfed_placeholder_is_error():
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.Session() as sess, pytest.raises(InvalidArgumentError, match="x"):
        sess.run(x)


def test_uninitialized_variable_is_failed_precondition():
    w = tf.Variable(1.0, name="w")
    x = tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        with pytest.raises(FailedPreconditionError, match="uninitialized value w"):
            sess.run(w * x, {x: 1.0})
        sess.run(tf.global_variables_initializer())
        assert sess.run(w * x, {x: 3.0}) == 3.0
        assert sess.run(w) == 1.0


def test_assign_ops_run_in_session():
    v = tf.Variable(1.0, name="v")
    inc = v.assign_add(2.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(inc) == 3.0
        assert sess.run(inc) == 5.0
        assert sess.run(v) == 5.0
        sess.run(v.initializer)
        assert sess.run(v) == 1.0


def test_ops_on_variables_alone_are_graph_ops():
    v = tf.Variable(2.0)
    sq = v * v           # no placeholder involved: still a graph tensor
    update = tf.assign(v, 3.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(sq) == 4.0
        sess.run(update)
        assert sess.run(sq) == 9.0


def _regression_data():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(64, 3)).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    return xs, ys


@pytest.mark.parametrize("optimizer", [
    lambda: tf.train.GradientDescentOptimizer(0.1),
    lambda: tf.train.MomentumOptimizer(0.05, 0.9),
    lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
    lambda: tf.train.AdamOptimizer(0.05),
])
def test_classic_training_loop_trains(optimizer):
    xs, ys = _regression_data()
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(tf.zeros([3, 1]))
    b = tf.Variable(tf.zeros([1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    train_op = optimizer().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(200):
            _, last = sess.run([train_op, loss], feed_dict={x: xs, y: ys})
    assert last < 0.01 * first


def test_gradient_descent_matches_manual_update():
    xs, ys = _regression_data()
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(np.ones((3, 1), np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    grad, = tf.gradients(loss, [w])
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g = sess.run(grad, {x: xs, y: ys})
        expected = 2 * xs.T @ (xs @ np.ones((3, 1), np.float32) - ys) / len(xs)
        np.testing.assert_allclose(g, expected, rtol=1e-5)
        sess.run(step, {x: xs, y: ys})
        np.testing.assert_allclose(sess.run(w), 1.0 - 0.1 * expected, rtol=1e-5)


def test_mlp_softmax_training():
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(128, 8)).astype(np.float32)
    labels = (xs[:, 0] > 0).astype(np.int64) + (xs[:, 1] > 0)
    ys = np.eye(3, dtype=np.float32)[labels]
    x = tf.placeholder(tf.float32, [None, 8])
    y = tf.placeholder(tf.float32, [None, 3])
    w1 = tf.get_variable("w1", [8, 16])
    b1 = tf.Variable(tf.zeros([16]))
    w2 = tf.get_variable("w2", [16, 3])
    b2 = tf.Variable(tf.zeros([3]))
    h = tf.maximum(tf.matmul(x, w1) + b1, 0.0)
    logits = tf.matmul(h, w2) + b2
    p = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keep_dims=True)
    loss = -tf.reduce_mean(tf.reduce_sum(y * tf.log(p + 1e-7), axis=1))
    global_step = tf.Variable(0, trainable=False)
    train = tf.train.AdamOptimizer(0.02).minimize(loss, global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(150):
            sess.run(train, {x: xs, y: ys})
        last, step = sess.run([loss, global_step], {x: xs, y: ys})
    assert last < 0.3 * first
    assert step == 150


def test_graph_as_default_and_names():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [], name="inp")
        y = tf.add(x, 1.0)
        assert tf.get_default_graph() is g
    assert tf.get_default_graph() is not g
    assert g.get_tensor_by_name("inp:0") is x
    with tf.Session(graph=g) as sess:
        assert sess.run(y, {"inp:0": 2.0}) == 3.0


def test_get_variable_reuses_by_name():
    a = tf.get_variable("v", [2, 2])
    b = tf.get_variable("v", [2, 2])
    assert a is b
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(a)
    assert value.shape == (2, 2) and np.all(np.abs(value) <= np.sqrt(6 / 4))


def test_feeding_an_intermediate_tensor():
    x = tf.placeholder(tf.float32, [])
    y = x * 2.0
    z = y + 1.0
    with tf.Session() as sess:
        assert sess.run(z, {y: 10.0}) == 11.0


def test_scalar_placeholder_rejects_arrays_clearly():
    x = tf.placeholder(tf.float32)
    with tf.Session() as sess, pytest.raises(ValueError, match="shape=None"):
        sess.run(x * 2.0, {x: [1.0, 2.0]})


def test_closed_session_cannot_run():
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError):
        sess.run(tf.constant(1.0))


def test_variable_value_needs_a_session():
    w = tf.Variable(1.0, name="w")
    with pytest.raises(TypeError, match="session"):
        w.numpy()


def test_tensor_eval_and_operation_run_in_default_session():
    x = tf.placeholder(tf.float32, [])
    v = tf.Variable(1.0)
    y = x * v
    with tf.Session():
        tf.global_variables_initializer().run()
        assert y.eval(feed_dict={x: 4.0}) == 4.0
        assert v.eval() == 1.0


def test_nf_function_called_on_placeholders_builds_graph():
    double = nf.function(lambda t: t * 2.0 + 1.0)
    x = tf.placeholder(tf.float32, [None])
    y = double(x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0]}), [3.0, 5.0])


def test_while_loop_in_tf1_graph():
    n = tf.placeholder(tf.int32, [])
    _, total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i),
                             [tf.constant(0), tf.constant(0)])
    with tf.Session() as sess:
        assert sess.run(total, {n: 5}) == 10


def test_random_ops_resample_each_run_and_initialize_variables():
    w = tf.Variable(tf.random_normal([3, 2], stddev=0.1))
    noise = tf.random_uniform([4])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run(noise), sess.run(noise)
        assert not np.allclose(a, b) and np.all((a >= 0) & (a < 1))
        value = sess.run(w)
        assert value.shape == (3, 2) and np.all(np.abs(value) < 1.0)
        np.testing.assert_array_equal(sess.run(w), value)


def test_tf1_names():
    x = tf.placeholder(tf.float32, [2, 2])
    y = tf.reduce_sum(tf.mul(tf.to_float(tf.to_int32(x)), 2.0), reduction_indices=1,
                      keep_dims=True)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [[1.5, 2.0], [3.0, 4.9]]}), [[6.0], [14.0]])
