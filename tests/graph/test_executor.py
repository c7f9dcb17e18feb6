"""The optimization passes and the compiled executor: what they remove, and that buffer reuse
never changes a result."""

import numpy as np

import neuroflow as nf
from neuroflow.graph import passes
from neuroflow.graph.ir import Graph, tracing


def _program(fn, *args):
    return nf.function(fn).get_concrete_function(*args)


def test_constant_folding():
    concrete = _program(lambda: nf.constant(2.0) * 3.0 + nf.exp(nf.constant(0.0)))
    assert concrete.program.op_counts() == {"const": 1}
    assert float(concrete()) == 7.0


def test_ones_like_of_static_shape_is_a_constant():
    concrete = _program(lambda x: nf.ones_like(x) + x, nf.constant([1.0, 2.0]))
    assert "ones_like" not in concrete.program.op_counts()


def test_common_subexpressions_merged():
    concrete = _program(lambda x: nf.exp(x) * 2.0 + nf.exp(x) * 2.0, nf.constant(1.0))
    assert concrete.program.op_counts()["exp"] == 1
    np.testing.assert_allclose(concrete(nf.constant(1.0)), 4 * np.e, rtol=1e-6)


def test_dead_code_removed_but_side_effects_kept():
    v = nf.Variable(0.0)

    def f(x):
        _unused = nf.exp(x) * 100.0
        v.assign_add(1.0)
        return x + 1.0

    concrete = _program(f, nf.constant(1.0))
    counts = concrete.program.op_counts()
    assert "exp" not in counts and counts["assign_variable"] == 1
    concrete(nf.constant(1.0))
    assert float(v) == 1.0


def test_algebraic_simplification():
    def f(x):
        y = nf.transpose(nf.transpose(x)) * 1.0 + 0.0
        return nf.reshape(nf.reshape(y, [6]), [3, 2])

    concrete = _program(f, nf.ones([2, 3]))
    counts = concrete.program.op_counts()
    assert "transpose" not in counts and "multiply" not in counts and "add" not in counts
    assert counts["reshape"] == 1
    np.testing.assert_allclose(concrete(nf.ones([2, 3])), np.ones((3, 2)))


def test_x_times_one_keeps_broadcast():
    concrete = _program(lambda x: x * nf.ones([3]), nf.constant(2.0))
    assert concrete(nf.constant(2.0)).shape == (3,)


def test_reads_are_not_merged_across_an_assign():
    v = nf.Variable(1.0)

    def f():
        a = v + 0.5
        v.assign(3.0)
        return a, v + 0.5

    concrete = _program(f)
    a, b = concrete()
    assert (float(a), float(b)) == (1.5, 3.5)


def test_in_place_never_corrupts_live_values():
    v = nf.Variable(np.zeros(4, np.float32))

    def f(x):
        a = x * 2.0                 # fresh buffer
        view = nf.reshape(a, [2, 2])
        b = a + 1.0                 # a's last use, but the view of it is still live
        v.assign(b)
        c = b * 3.0                 # b now belongs to v: must not be written
        d = nf.exp(c) - 1.0         # c is dead after this: may be reused
        return a, view, d

    x = nf.constant([1.0, 2.0, 3.0, 4.0])
    x_before = x.numpy().copy()
    a, view, d = nf.function(f)(x)
    np.testing.assert_allclose(a, [2, 4, 6, 8])
    np.testing.assert_allclose(view, [[2, 4], [6, 8]])
    np.testing.assert_allclose(v.numpy(), [3, 5, 7, 9])
    np.testing.assert_allclose(d, np.exp(np.float32([9, 15, 21, 27])) - 1, rtol=1e-6)
    np.testing.assert_array_equal(x.numpy(), x_before)


def test_in_place_is_used_for_elementwise_chains():
    concrete = _program(lambda x: nf.tanh(nf.exp(x * 2.0) + 1.0), nf.ones([8]))
    assert "out=" in concrete.source
    np.testing.assert_allclose(concrete(nf.ones([8])), np.tanh(np.exp(2.0) + 1.0) * np.ones(8),
                               rtol=1e-6)


def test_summary_reports_counts():
    concrete = _program(lambda x: x * 1.0 + nf.constant(1.0) * 2.0, nf.ones([2]))
    text = concrete.summary(print_fn=None)
    assert "traced" in text and "optimized" in text and "multiply" in text


def test_generated_source_is_straight_line():
    concrete = _program(lambda x, w: nf.matmul(x, w) + 1.0, nf.ones([2, 3]), nf.ones([3, 4]))
    assert concrete.source.startswith("def run(xp, args):")
    assert "for " not in concrete.source and "while " not in concrete.source


def test_runtime_error_names_the_op():
    f = nf.function(lambda a, b: a + b, input_signature=[nf.TensorSpec([None]),
                                                         nf.TensorSpec([None])])
    try:
        f(nf.ones([2]), nf.ones([3]))
    except ValueError as error:
        assert "add" in str(error)
    else:
        raise AssertionError("expected an error")


def test_optimize_leaves_the_traced_graph_alone():
    graph = Graph("g")
    with tracing(graph):
        x = graph.placeholder([2], nf.float32, "x")
        y = nf.exp(x) * 1.0
    graph.outputs = [y]
    before = [n.name for n in graph.nodes]
    program = passes.optimize(passes.Program(graph.nodes, graph.inputs, graph.outputs))
    assert [n.name for n in graph.nodes] == before
    assert len(program.nodes) < len(graph.nodes)


def test_softmax_cross_entropy_shares_log_softmax():
    if not hasattr(nf.nn, "softmax_cross_entropy_with_logits"):
        return
    labels = nf.constant(np.eye(4, dtype=np.float32))

    def f(z):
        with nf.GradientTape() as tape:
            tape.watch(z)
            loss = nf.reduce_mean(nf.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                                          logits=z))
        return loss, tape.gradient(loss, z)

    z = nf.constant(np.random.default_rng(0).normal(size=(4, 4)).astype(np.float32))
    concrete = _program(f, z)
    counts = concrete.program.op_counts()
    assert counts.get("log_softmax", 0) <= 1
    for e, g in zip(f(z), concrete(z)):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-7)


def test_graph_summary_before_and_after():
    graph = nf.function(lambda x: x * 1.0 + 0.0).get_concrete_function(nf.ones([2])).graph
    text = graph.summary(print_fn=None)
    assert "before" in text and "after" in text and "multiply" in text
