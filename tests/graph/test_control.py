"""nf.cond and nf.while_loop: eager, traced, differentiable, with captures and side effects."""

import numpy as np
import pytest

import neuroflow as nf


def test_cond_eager_runs_one_branch():
    ran = []
    out = nf.cond(nf.constant(True), lambda: ran.append("t") or nf.constant(1),
                  lambda: ran.append("f") or nf.constant(2))
    assert int(out) == 1 and ran == ["t"]


def test_cond_in_function_chooses_at_run_time():
    @nf.function
    def f(x):
        return nf.cond(nf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)

    np.testing.assert_allclose(f(nf.constant([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(f(nf.constant([-1.0, -2.0])), [1.0, 2.0])
    assert f.experimental_get_tracing_count() == 1


def test_cond_structures_and_shapes_merge():
    @nf.function(input_signature=[nf.TensorSpec([], nf.bool)])
    def f(p):
        return nf.cond(p, lambda: (nf.ones([2]), nf.constant(1)),
                       lambda: (nf.zeros([3]), nf.constant(2)))

    a, b = f(nf.constant(True))
    assert a.shape == (2,) and int(b) == 1
    a, b = f(nf.constant(False))
    assert a.shape == (3,) and int(b) == 2
    concrete = f.get_concrete_function()
    assert tuple(concrete.outputs[0].shape) == (None,)


def test_cond_branch_dtype_mismatch_is_type_error():
    @nf.function
    def f(p):
        return nf.cond(p, lambda: nf.constant(1.0), lambda: nf.constant(1))

    with pytest.raises(TypeError):
        f(nf.constant(True))


def test_cond_gradient_inside_and_outside():
    w = nf.Variable(3.0)

    @nf.function
    def f(x):
        return nf.cond(x > 0.0, lambda: x * x * w, lambda: x * 3.0)

    for x0, expected in [(2.0, 12.0), (-2.0, 3.0)]:
        x = nf.constant(x0)
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        assert float(tape.gradient(y, x)) == expected

    @nf.function
    def g(x):
        with nf.GradientTape() as tape:
            y = nf.cond(x > 0.0, lambda: x * w, lambda: x * x)
        return tape.gradient(y, w)

    assert float(g(nf.constant(2.0))) == 2.0
    assert float(g(nf.constant(-2.0))) == 0.0


def test_cond_with_assign_in_branch():
    v = nf.Variable(0.0)

    @nf.function
    def f(x):
        nf.cond(x > 0.0, lambda: v.assign_add(x), lambda: v.assign_sub(1.0))
        return v.read_value()

    assert float(f(nf.constant(2.0))) == 2.0
    assert float(f(nf.constant(-5.0))) == 1.0


def test_while_loop_eager():
    i, s = nf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
                         [nf.constant(0), nf.constant(0)])
    assert int(i) == 5 and int(s) == 10


def test_while_loop_traced_counts_at_run_time():
    @nf.function
    def f(n):
        _, s = nf.while_loop(lambda i, s: i < n,
                             lambda i, s: (i + 1, s + nf.cast(i, nf.float32)),
                             [nf.constant(0), nf.constant(0.0)])
        return s

    assert float(f(nf.constant(5))) == 10.0
    assert float(f(nf.constant(10))) == 45.0
    assert f.experimental_get_tracing_count() == 1


def test_while_loop_maximum_iterations():
    @nf.function
    def f(x):
        return nf.while_loop(lambda v: v < 1000.0, lambda v: v * 2.0, x,
                             maximum_iterations=3)

    assert float(f(nf.constant(1.0))) == 8.0


def test_while_loop_shape_changes_become_unknown():
    @nf.function
    def f(x):
        return nf.while_loop(lambda v: nf.size(v) < 8 if hasattr(nf, "size") else
                             nf.reduce_sum(nf.ones_like(v)) < 8.0,
                             lambda v: nf.concat([v, v], 0), x)

    if not hasattr(nf, "concat"):
        pytest.skip("concat not available")
    out = f(nf.constant([1.0]))
    assert out.shape == (8,)


def test_while_loop_gradient():
    x = nf.constant(3.0)

    @nf.function
    def power(x):
        return nf.while_loop(lambda v: v < 100.0, lambda v: v * x, x)

    with nf.GradientTape() as tape:
        tape.watch(x)
        y = power(x)     # x ** 5 = 243
    assert float(y) == 243.0
    assert float(tape.gradient(y, x)) == pytest.approx(405.0)

    @nf.function
    def inside(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = nf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x),
                              [nf.constant(0), nf.constant(1.0)])[1]
        return tape.gradient(y, x)

    assert float(inside(nf.constant(2.0))) == pytest.approx(12.0)   # d x^3 = 3x^2


def test_cond_in_tf1_graph():
    import neuroflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [])
        y = nf.cond(x > 0.0, lambda: x * 10.0, lambda: x - 1.0)
    with tf.Session(graph=g) as sess:
        assert sess.run(y, {x: 2.0}) == 20.0
        assert sess.run(y, {x: -2.0}) == -3.0
