"""The dataflow graph: nodes are operations, edges are tensors (the lecture's first picture).

``z = w * x + b`` (the lecture's TF1/TF2 listing) and one training step of a small model are
traced by ``nf.function``; their nodes and edges are printed and drawn with matplotlib (and
written as Graphviz SVG too when Graphviz is installed).
"""

import shutil

import numpy as np

from ..core.convert import constant
from ..core.ops import math as m
from ..core.ops import reduce as r
from ..core.tape import GradientTape
from ..core.variable import Variable
from ..graph import draw as graph_draw
from ..graph import function
from . import _plot

_COLORS = {"ellipse": "#d5e8d4", "box": "#dae8fc", "circle": "#fff2cc", "plaintext": "white"}


def lecture_graph():
    """The traced graph of the lecture's ``z = w * x + b`` (w = 2.0, b = 0.7)."""
    w = Variable(2.0, name="weight")
    b = Variable(0.7, name="bias")
    f = function(lambda x: w * x + b)
    concrete = f.get_concrete_function(constant(1.0))
    return f, concrete.graph


def training_step_graph():
    """The traced graph of one SGD step of linear regression y = w * x + b (MSE loss)."""
    w = Variable(0.0, name="weight")
    b = Variable(0.0, name="bias")

    def step(x, y):
        with GradientTape() as tape:
            loss = r.reduce_mean(m.square(w * x + b - y))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(gw * 0.1)
        b.assign_sub(gb * 0.1)
        return loss

    f = function(step)
    xs = constant(np.linspace(-1, 1, 8).astype(np.float32))
    concrete = f.get_concrete_function(xs, xs * 2.0 + 0.7)
    return f, concrete


def layout(graph):
    """{id(node): (column, row)}: columns by longest path, sources just before their first
    consumer, rows ordered by the mean row of each node's neighbours to limit crossings."""
    depth, children = {}, {}
    for node in graph.nodes:
        parents = [t._node for t in node.inputs if id(t._node) in depth]
        depth[id(node)] = 1 + max(depth[id(p)] for p in parents) if parents else 0
        for p in parents:
            children.setdefault(id(p), []).append(node)
    for node in graph.nodes:  # pull inputs, variables and constants next to their use
        if not node.inputs and id(node) in children:
            depth[id(node)] = min(depth[id(c)] for c in children[id(node)]) - 1
    columns = {}
    for node in graph.nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    row = {id(n): i for nodes in columns.values() for i, n in enumerate(nodes)}
    for _ in range(4):
        for col in sorted(columns):
            def key(node):
                near = [row[id(t._node)] for t in node.inputs if id(t._node) in row]
                near += [row[id(c)] for c in children.get(id(node), [])]
                return sum(near) / len(near) if near else row[id(node)]
            columns[col].sort(key=key)
            for i, node in enumerate(columns[col]):
                row[id(node)] = i - (len(columns[col]) - 1) / 2
    return {id(n): (depth[id(n)], row[id(n)]) for n in graph.nodes}


def draw(plt, graph, title, ax, show_shapes=True):
    """Draws ``graph`` on ``ax``: inputs ellipses, variables boxes, operations circles."""
    position = layout(graph)
    for node in graph.nodes:
        x1, y1 = position[id(node)]
        for t in node.inputs:
            if id(t._node) in position:
                x0, y0 = position[id(t._node)]
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                            arrowprops={"arrowstyle": "-|>", "color": "0.4", "lw": 1.1,
                                        "shrinkA": 16, "shrinkB": 16})
                if show_shapes and t.shape:
                    ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.08, str(tuple(t.shape)),
                            fontsize=6, color="0.35", ha="center")
    for node in graph.nodes:
        label, shape, _ = graph_draw._node_style(node)
        x, y = position[id(node)]
        box = {"boxstyle": {"circle": "circle,pad=0.3", "ellipse": "round,pad=0.4",
                            "box": "square,pad=0.3", "plaintext": "square,pad=0.1"}[shape],
               "fc": _COLORS[shape], "ec": "0.3" if shape != "plaintext" else "white"}
        ax.text(x, y, label, ha="center", va="center", fontsize=9, bbox=box, zorder=3)
    for i, t in enumerate(graph.outputs):
        if id(t._node) in position:
            x, y = position[id(t._node)]
            taken = any(abs(px - x - 1) < 0.1 and abs(py - y) < 0.5
                        for px, py in position.values())
            tx, ty = (x, y - 0.75) if taken else (x + 0.85, y)  # below when the right is busy
            ax.annotate("", xy=(tx, ty), xytext=(x, y),
                        arrowprops={"arrowstyle": "-|>", "color": "purple", "shrinkA": 16,
                                    "shrinkB": 8})
            ax.text(tx, ty, "output" if len(graph.outputs) == 1 else f"output {i}",
                    ha="left" if not taken else "center", va="center" if not taken else "top",
                    fontsize=9, bbox={"boxstyle": "round", "fc": "#e1d5e7", "ec": "0.3"})
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 1.6)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_title(title)
    ax.axis("off")


def run(out_dir="figures", echo=print):
    """Prints nodes, edges and op counts of both graphs; draws them as PNG (and SVG)."""
    f, graph = lecture_graph()
    echo("z = w * x + b as a dataflow graph (nodes = operations, edges = tensors):")
    for node in graph.nodes:
        ins = ", ".join(t._node.name for t in node.inputs)
        echo(f"  node {node.name:18s} op {node.op.name:14s} inputs: {ins or '-'}")
    echo(f"  {len(graph.edges)} edges; the graph computes z for x = 1.0, 0.6, -1.8: " +
         ", ".join(f"{float(f(constant(v))):.1f}" for v in (1.0, 0.6, -1.8)))
    step, concrete = training_step_graph()
    echo("\nOne SGD step (forward, GradientTape backward, two assigns) traced into one graph:")
    concrete.summary(print_fn=echo)
    losses = []
    xs = constant(np.linspace(-1, 1, 8).astype(np.float32))
    for _ in range(50):
        losses.append(float(step(xs, xs * 2.0 + 0.7)))
    echo(f"running the graph 50 times: loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    if shutil.which("dot"):
        for name, target in (("graph_z.svg", graph), ("graph_step.svg", concrete.graph)):
            graph_draw.draw_graph(target, path=f"{out_dir}/{name}")
            echo(f"wrote {out_dir}/{name} (Graphviz)")
    plt = _plot.pyplot()
    if plt is None:
        echo(_plot.HINT)
        return {"graph": graph, "losses": losses}
    fig, ax = plt.subplots(figsize=(7, 3.2))
    draw(plt, graph, "z = w * x + b: the lecture's dataflow graph", ax)
    _plot.save(fig, out_dir, "graph_z.png", echo)
    n = len(concrete.graph.nodes)
    fig, ax = plt.subplots(figsize=(min(4 + n * 0.5, 20), 6.5))
    draw(plt, concrete.graph, "One training step: forward, backward (from GradientTape) and "
         "the SGD assigns, as one graph", ax, show_shapes=False)
    _plot.save(fig, out_dir, "graph_step.png", echo)
    return {"graph": graph, "losses": losses}
