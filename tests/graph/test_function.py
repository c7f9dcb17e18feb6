"""nf.function: tracing, caching, variables by reference, tapes inside and outside, signatures."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.backend.errors import InvalidArgumentError


def _close(a, b, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=1e-7)


def test_lecture_tf2_function():
    w = nf.Variable(2.0, name="weight")
    b = nf.Variable(0.7, name="bias")

    @nf.function
    def simple_func(x):
        return w * x + b

    for t in [1.0, 0.6, -1.8]:
        assert float(simple_func(nf.constant(t))) == pytest.approx(2.0 * t + 0.7)
    assert simple_func.experimental_get_tracing_count() == 1


def test_same_signature_runs_graph_without_python():
    calls = []

    @nf.function
    def f(x):
        calls.append(1)
        return x * 2.0

    for _ in range(3):
        f(nf.constant([1.0, 2.0]))
    assert len(calls) == 1
    f(nf.constant([1.0, 2.0, 3.0]))   # new shape: new trace
    f(nf.constant([1, 2]))            # new dtype: new trace
    assert len(calls) == 3


def test_variables_by_reference_both_ways():
    v = nf.Variable(1.0)

    @nf.function
    def bump(x):
        v.assign_add(x)
        return v * 1.0

    assert float(bump(nf.constant(2.0))) == 3.0
    assert float(v) == 3.0
    v.assign(10.0)                     # outside change seen inside
    assert float(bump(nf.constant(1.0))) == 11.0


def test_reads_after_assign_see_new_value():
    v = nf.Variable(1.0)

    @nf.function
    def f():
        a = v * 1.0
        v.assign(5.0)
        b = v * 1.0
        v.assign_sub(2.0)
        return a, b, v.read_value()

    a, b, c = f()
    assert (float(a), float(b), float(c)) == (1.0, 5.0, 3.0)
    a, b, c = f()
    assert (float(a), float(b), float(c)) == (3.0, 5.0, 3.0)


def test_train_step_matches_eager():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(4, 3)).astype(np.float32)
    x = nf.constant(rng.normal(size=(8, 4)).astype(np.float32))
    y = nf.constant(rng.normal(size=(8, 3)).astype(np.float32))

    def make():
        w, b = nf.Variable(w0), nf.Variable(np.zeros(3, np.float32))

        def step(x, y):
            with nf.GradientTape() as tape:
                z = nf.matmul(x, w) + b
                loss = nf.reduce_mean(nf.square(z - y))
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(0.1 * gw)
            b.assign_sub(0.1 * gb)
            return loss
        return step, w, b

    eager, we, be = make()
    graph, wg, bg = make()
    graph = nf.function(graph)
    for _ in range(4):
        _close(eager(x, y).numpy(), graph(x, y).numpy())
    _close(we.numpy(), wg.numpy())
    _close(be.numpy(), bg.numpy())


def test_gradient_of_function_from_outside():
    w = nf.Variable([[1.0, 2.0], [3.0, 4.0]])
    f = nf.function(lambda x: nf.reduce_sum(nf.matmul(x, w) ** 2))
    x = nf.constant([[1.0, -1.0]])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gw = tape.gradient(y, [x, w])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y2 = nf.reduce_sum(nf.matmul(x, w) ** 2)
    ex, ew = tape.gradient(y2, [x, w])
    _close(y, y2)
    _close(gx, ex)
    _close(gw, ew)


def test_second_order_through_function():
    f = nf.function(lambda x: x * x * x)
    x = nf.constant(2.0)
    with nf.GradientTape() as outer:
        outer.watch(x)
        with nf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        g = inner.gradient(y, x)
    assert float(g) == 12.0
    assert float(outer.gradient(g, x)) == 12.0


def test_gradient_inside_function_with_persistent_tape():
    @nf.function
    def f(x):
        with nf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x
            z = nf.exp(x)
        return tape.gradient(y, x), tape.gradient(z, x)

    gy, gz = f(nf.constant(1.5))
    _close(gy, 3.0)
    _close(gz, np.exp(np.float32(1.5)))


def test_nested_functions_inline():
    inner = nf.function(lambda x: x + 1.0)

    @nf.function
    def outer(x):
        return inner(x) * 2.0

    _close(outer(nf.constant(3.0)), 8.0)


def test_input_signature_one_trace_for_all_batches():
    @nf.function(input_signature=[nf.TensorSpec([None, 3], nf.float32)])
    def f(x):
        return nf.reduce_sum(x, axis=1)

    _close(f(nf.ones([2, 3])), [3.0, 3.0])
    _close(f(nf.ones([5, 3])), [3.0] * 5)
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError):
        f(nf.ones([2, 4]))
    with pytest.raises(TypeError):
        f(nf.ones([2, 3], dtype=nf.float64))


def test_reduce_retracing_generalizes_shapes():
    f = nf.function(lambda x: x * 2.0, reduce_retracing=True)
    for n in range(1, 6):
        _close(f(nf.ones([n])), [2.0] * n)
    assert f.experimental_get_tracing_count() == 2
    shapes = [tuple(c.graph.inputs[0].shape) for c in f._concrete]
    assert shapes == [(1,), (None,)]


def test_get_concrete_function_with_specs():
    f = nf.function(lambda x, y: nf.matmul(x, y))
    concrete = f.get_concrete_function(nf.TensorSpec([None, 2]), nf.TensorSpec([2, 3]))
    assert tuple(concrete.outputs[0].shape) == (None, 3)
    _close(concrete(nf.ones([4, 2]), nf.ones([2, 3])), np.full((4, 3), 2.0))
    assert "matmul" in concrete.graph.op_counts()


def test_python_arguments_and_structures():
    @nf.function
    def f(inputs, scale, training=False):
        total = inputs["a"] * scale + inputs["b"][0]
        return {"out": total if training else -total, "n": 3}

    out = f({"a": nf.constant(2.0), "b": [nf.constant(1.0)]}, 3.0, training=True)
    assert float(out["out"]) == 7.0 and out["n"] == 3
    out = f({"a": nf.constant(2.0), "b": [nf.constant(1.0)]}, 3.0)
    assert float(out["out"]) == -7.0
    assert f.experimental_get_tracing_count() == 2


def test_numpy_arguments():
    f = nf.function(lambda x: x * 2.0)
    _close(f(np.ones(3, np.float32)), [2.0, 2.0, 2.0])


def test_method_decorated():
    class Model:
        def __init__(self, k):
            self.k = nf.Variable(k)

        @nf.function
        def __call__(self, x):
            return x * self.k

    a, b = Model(2.0), Model(3.0)
    assert float(a(nf.constant(1.0))) == 2.0
    assert float(b(nf.constant(1.0))) == 3.0


def test_variable_created_on_first_trace():
    class Counter:
        def __init__(self):
            self.v = None

        @nf.function
        def __call__(self, x):
            if self.v is None:
                self.v = nf.Variable(nf.zeros([2]))
            self.v.assign_add(x)
            return self.v.read_value()

    c = Counter()
    _close(c(nf.constant([1.0, 2.0])), [1.0, 2.0])
    _close(c(nf.constant([1.0, 2.0])), [2.0, 4.0])


def test_graph_errors_match_eager_kinds():
    f = nf.function(lambda a, b: nf.matmul(a, b))
    with pytest.raises(InvalidArgumentError):
        f(nf.ones([2, 3]), nf.ones([4, 5]))
    with pytest.raises(TypeError):
        f(nf.ones([2, 2]), nf.ones([2, 2], dtype=nf.float64))
    g = nf.function(lambda a, b: nf.matmul(a, b),
                    input_signature=[nf.TensorSpec([None, None]), nf.TensorSpec([None, None])])
    with pytest.raises(InvalidArgumentError, match="matmul"):
        g(nf.ones([2, 3]), nf.ones([4, 5]))   # shapes known only at run time


def test_print_runs_every_call(capsys):
    @nf.function
    def f(x):
        print("python print")          # trace time only
        nf.print("nf.print", x)         # every call
        return x

    f(nf.constant(1))
    f(nf.constant(2))
    err, out = capsys.readouterr().err, capsys.readouterr().out
    assert err.count("nf.print") == 2 and "nf.print 2" in err
    assert out == ""


def test_print_eager_and_stdout(capsys):
    import sys
    nf.print("x:", nf.constant([1, 2]), output_stream=sys.stdout)
    assert capsys.readouterr().out == "x: [1 2]\n"


def test_executing_eagerly_inside():
    seen = []

    @nf.function
    def f(x):
        seen.append(nf.executing_eagerly())
        return x

    f(nf.constant(1.0))
    assert seen == [False] and nf.executing_eagerly()


def test_returns_variable_and_constant():
    v = nf.Variable([1.0, 2.0])
    c = nf.constant(5.0)
    f = nf.function(lambda: (v, c, v + c))
    a, b, s = f()
    _close(a, [1.0, 2.0])
    _close(b, 5.0)
    _close(s, [6.0, 7.0])
    v.assign([0.0, 0.0])
    _close(f()[0], [0.0, 0.0])


def test_no_arguments_and_none_result():
    v = nf.Variable(0)

    @nf.function
    def tick():
        v.assign_add(1)

    assert tick() is None and tick() is None
    assert int(v) == 2


def test_python_values_in_result_pass_through():
    f = nf.function(lambda x: (x + 1, "label", 3))
    out = f(nf.constant(1))
    assert int(out[0]) == 2 and out[1:] == ("label", 3)


def test_method_on_unhashable_instance_traces_once():
    class Unhashable:
        __hash__ = None

        def __init__(self):
            self.w = nf.Variable(2.0)

        @nf.function
        def scale(self, x):
            return x * self.w

    obj = Unhashable()
    for _ in range(3):
        assert float(obj.scale(nf.constant(1.0))) == 2.0
    assert obj.scale.experimental_get_tracing_count() == 1


def test_keras_like_step_with_optimizer_slots_created_on_first_trace():
    w = nf.Variable([1.0, 2.0])
    slots = {}

    @nf.function
    def step(x):
        with nf.GradientTape() as tape:
            loss = nf.reduce_sum(w * x)
        g = tape.gradient(loss, w)
        if "m" not in slots:                       # lazily built state, first trace only
            slots["m"] = nf.Variable(nf.zeros_like(w), trainable=False)
        m = slots["m"]
        m.assign(m * 0.9 + g)
        w.assign_sub(0.1 * m)
        return loss

    step(nf.constant([1.0, 1.0]))
    step(nf.constant([1.0, 1.0]))
    np.testing.assert_allclose(slots["m"].numpy(), [1.9, 1.9], rtol=1e-6)
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.1 - 0.19, 2.0 - 0.1 - 0.19], rtol=1e-6)
