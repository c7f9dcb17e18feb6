"""Graphs you can see: ``to_dot`` (Graphviz DOT text) and ``draw_graph`` (SVG/PNG via Graphviz).

Inputs are drawn as ellipses, variables as boxes, constants as plain text and operations as
circles with their symbol, so ``z = w * x + b`` looks like the textbook figure.
"""

import os

import numpy as np

_SYMBOLS = {"add": "+", "subtract": "−", "multiply": "×", "real_div": "÷", "matmul": "@",
            "negative": "−x", "square": "x²", "sqrt": "√", "exp": "exp", "pow": "^",
            "maximum": "max", "minimum": "min"}


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_style(node):
    kind = node.op.name
    if kind == "placeholder":
        return node.name.split("/")[-1], "ellipse", "#d5e8d4"
    if kind == "read_variable":
        return node.var._name, "box", "#dae8fc"
    if kind == "const":
        value = np.asarray(node.value)
        label = np.array2string(value, precision=4) if value.size <= 4 else f"const {value.shape}"
        return label, "plaintext", "white"
    if kind == "assign_variable":
        return f"{node.var._name} {node.attrs['kind'].replace('assign', '')}=".replace(
            "_add", "+").replace("_sub", "-"), "box", "#f8cecc"
    return _SYMBOLS.get(kind, kind), "circle" if kind in _SYMBOLS else "box", "#fff2cc"


def to_dot(graph, rankdir="LR", show_shapes=True, outputs=None):
    """The graph in Graphviz's DOT language.

    Args:
        graph: a ``Graph`` (``f.get_concrete_function(...).graph``).
        rankdir: layout direction, ``'LR'`` (left to right) or ``'TB'``.
        show_shapes: label edges with the tensor shapes.
        outputs: output names to draw as the graph's results (default ``graph.outputs``).

    Returns:
        The DOT source (a ``str``).
    """
    lines = [f"digraph {_quote(graph.name)} {{", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica", style=filled];', '  edge [fontname="Helvetica"];']
    ids = {}
    for i, node in enumerate(graph.nodes):
        ids[id(node)] = f"n{i}"
        label, shape, color = _node_style(node)
        lines.append(f"  n{i} [label={_quote(label)}, shape={shape}, fillcolor={_quote(color)}];")
    for node in graph.nodes:
        for t in node.inputs:
            if id(t._node) not in ids:
                continue
            label = f" [label={_quote(tuple(t.shape))}]" if show_shapes and t.shape else ""
            lines.append(f"  {ids[id(t._node)]} -> {ids[id(node)]}{label};")
    names = outputs or (["output"] if len(graph.outputs) == 1 else
                        [f"output_{i}" for i in range(len(graph.outputs))])
    for i, (t, name) in enumerate(zip(graph.outputs, names)):
        if id(t._node) in ids:
            lines.append(f"  o{i} [label={_quote(name)}, shape=doublecircle, "
                         'fillcolor="#e1d5e7"];')
            lines.append(f"  {ids[id(t._node)]} -> o{i};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw_graph(f, *args, path=None, rankdir="LR", show_shapes=True, **kwargs):
    """Draws a function's graph (or a ``Graph``) with Graphviz.

    Args:
        f: an ``nf.function`` (traced for ``*args``/``**kwargs``), a concrete function or a
            ``Graph``.
        path: where to write: ``'g.svg'``, ``'g.png'``, ``'g.pdf'`` or ``'g.dot'`` (DOT text,
            needs no Graphviz). None returns the DOT source only.
        rankdir, show_shapes: see ``to_dot``.

    Returns:
        The DOT source.

    Raises:
        ImportError: the image format needs Graphviz's ``dot`` program and it is missing.

    Example:
        >>> w, b = nf.Variable(2.0, name='weight'), nf.Variable(0.7, name='bias')
        >>> f = nf.function(lambda x: w * x + b)
        >>> dot = nf.draw_graph(f, nf.constant(1.0), path='z.svg')
    """
    graph = f
    if hasattr(graph, "get_concrete_function"):
        graph = graph.get_concrete_function(*args, **kwargs)
    graph = getattr(graph, "graph", graph)
    dot = to_dot(graph, rankdir=rankdir, show_shapes=show_shapes)
    if path is None:
        return dot
    path = os.fspath(path)
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    if fmt in ("dot", "gv"):
        with open(path, "w") as file:
            file.write(dot)
        return dot
    import shutil
    import subprocess

    program = shutil.which("dot")
    if program is None:
        raise ImportError(
            f"draw_graph: writing {path!r} needs Graphviz's `dot` program, which is not "
            "installed (apt-get install graphviz / brew install graphviz / conda install "
            "graphviz). Use path='graph.dot' to get the DOT text without it.")
    subprocess.run([program, f"-T{fmt}", "-o", path], input=dot.encode(), check=True)
    return dot
