"""Graphs you can see: nodes, edges, DOT text, rendering with Graphviz when installed."""

import shutil

import pytest

import neuroflow as nf


def _lecture_function():
    w = nf.Variable(2.0, name="weight")
    b = nf.Variable(0.7, name="bias")
    return nf.function(lambda x: w * x + b)


def test_nodes_and_edges_of_the_lecture_graph():
    graph = _lecture_function().get_concrete_function(nf.constant(1.0)).graph
    types = [n.type for n in graph.nodes]
    assert types == ["placeholder", "read_variable", "multiply", "read_variable", "add"]
    edges = {(a.name, b.name) for a, b, _ in graph.edges}
    assert ("x", "multiply") in edges and ("weight/read", "multiply") in edges
    assert ("multiply", "add") in edges and ("bias/read", "add") in edges


def test_to_dot_looks_like_the_textbook():
    graph = _lecture_function().get_concrete_function(nf.constant(1.0)).graph
    dot = graph.to_dot()
    assert dot.startswith("digraph")
    for label in ('"x"', '"weight"', '"bias"', '"×"', '"+"', '"output"'):
        assert label in dot


def test_draw_graph_writes_dot_without_graphviz(tmp_path):
    path = tmp_path / "z.dot"
    dot = nf.draw_graph(_lecture_function(), nf.constant(1.0), path=str(path))
    assert path.read_text() == dot


def test_draw_graph_image(tmp_path):
    path = tmp_path / "z.svg"
    if shutil.which("dot") is None:
        with pytest.raises(ImportError, match="Graphviz"):
            nf.draw_graph(_lecture_function(), nf.constant(1.0), path=str(path))
    else:
        nf.draw_graph(_lecture_function(), nf.constant(1.0), path=str(path))
        assert path.read_text().lstrip().startswith("<?xml")


def test_draw_tf1_graph():
    import neuroflow.compat.v1 as tf
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.reduce_sum(x * 2.0)
    g.outputs = [y]
    dot = nf.draw_graph(g)
    assert '"x"' in dot and "reduce_sum" in dot and "(None, 3)" in dot
