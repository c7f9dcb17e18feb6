"""Fusions for convolutional networks: fewer passes over the largest arrays of a training step.

In a small CNN most of a step is spent moving the first layer's activations (batch x 26 x 26 x
32 floats) through memory, once per op. These passes rewrite the differentiated graph so that
fewer ops touch them, without changing any value:

- ``relu_grad(max_pool_grad(r, y, gy), r)`` becomes ``max_pool_grad(r, y, relu_grad(gy, y))``:
  the gradient of a pooled window lands where ``r == y``, so the ReLU mask of ``r`` there is the
  mask of ``y``, applied to the 4x smaller pooled gradient (exactly the same numbers).
- a ``conv2d_backprop_filter(x, g)`` and the bias gradient ``sum(g)`` over all but the channel
  axis become one ``conv2d_backprop_filter_bias`` node: one product over ``g`` gives both.
- ``relu(conv2d(x, w) + b)`` (or without the ReLU) becomes one ``conv2d_bias_activation`` node,
  which adds the bias and applies the ReLU in one pass, on each core's slice of the output.
- a VALID max pooling that drops the last rows or columns of a convolution's output (11 x 11
  pooled by 2 reads 10 x 10) lets the convolution skip them (``active`` attribute), and its
  gradient is zero there, so the convolution's gradients skip them too: 17% fewer products.
"""

from ..core.ops.conv import CONV_BIAS, CONV_FILTER_BIAS
from .nodes import Node
from .symbolic import SymbolicTensor


def _new_node(op, inputs, attrs, name, like):
    """A node with one new output tensor of ``like``'s shape and dtype."""
    node = Node(op, inputs, attrs, name)
    node.outputs = (SymbolicTensor(like.graph, node, 0, like.shape, like.dtype),)
    return node


def pool_relu_gradients(program):
    """Moves each ReLU gradient below the max-pool gradient it masks (see the module doc)."""
    producers, uses, nodes, dropped = program.producers(), program.uses(), [], set()
    for node in program.nodes:
        pool = producers.get(id(node.inputs[0])) if node.inputs else None
        if (node.op.name != "relu_grad" or node.attrs or len(node.inputs) != 2
                or pool is None or pool.op.name != "max_pool_grad"
                or pool.inputs[0] is not node.inputs[1] or uses[id(node.inputs[0])] != 1):
            nodes.append(node)
            continue
        r, y, gy = pool.inputs
        masked = _new_node(node.op, (gy, y), {}, node.name, gy)
        routed = Node(pool.op, (r, y, masked.outputs[0]), pool.attrs, pool.name)
        routed.outputs = node.outputs
        nodes += [masked, routed]
        dropped.add(id(pool))
    if not dropped:
        return program
    kept = [n for n in nodes if id(n) not in dropped]
    return type(program)(kept, program.inputs, program.outputs)


def _bias_gradient_of(node):
    """The tensor a node sums over all but its last axis (a bias gradient), else None."""
    if not node.inputs:
        return None
    g = node.inputs[0]
    shape = g.shape
    if shape.rank is None or shape.rank < 2 or shape[-1] is None:
        return None
    out = node.outputs[0].shape if len(node.outputs) == 1 else None
    if out is None or out.rank != 1 or out[0] != shape[-1]:
        return None
    name, attrs = node.op.name, node.attrs
    if name == "sum_like" and not attrs and len(node.inputs) == 2:
        return g
    if (name == "reduce_sum" and not attrs.get("keepdims")
            and tuple(attrs.get("axes", ())) == tuple(range(shape.rank - 1))):
        return g
    return None


def conv_filter_bias_gradients(program):
    """Merges a filter gradient and a bias gradient of the same ``g`` into one node."""
    sums = {}
    for node in program.nodes:
        g = _bias_gradient_of(node)
        if g is not None and g.shape.rank == 4 and g.dtype.is_floating:
            sums.setdefault(id(g), node)
    merged, nodes = {}, []
    for node in program.nodes:
        if (node.op.name == "conv2d_backprop_filter" and len(node.inputs) == 2
                and id(node.inputs[1]) in sums and id(node.inputs[1]) not in merged):
            merged[id(node.inputs[1])] = node
    if not merged:
        return program
    position = {id(n): k for k, n in enumerate(program.nodes)}
    fused_at = {}
    for g, conv in merged.items():
        total = sums[g]
        fused = Node(CONV_FILTER_BIAS, conv.inputs, conv.attrs, conv.name)
        fused.outputs = (conv.outputs[0], total.outputs[0])
        first = min(position[id(conv)], position[id(total)])
        fused_at[id(program.nodes[first])] = fused
    gone = {id(n) for g, conv in merged.items() for n in (conv, sums[g])}
    for node in program.nodes:
        if id(node) in fused_at:
            nodes.append(fused_at[id(node)])
        if id(node) not in gone:
            nodes.append(node)
    return type(program)(nodes, program.inputs, program.outputs)


def _conv_plus_bias(node, producers, uses):
    """``(conv node, bias)`` when ``node`` adds a channel bias to a conv2d used only there."""
    if node.op.name != "add" or node.attrs or len(node.inputs) != 2:
        return None
    for z, b in (node.inputs, node.inputs[::-1]):
        conv = producers.get(id(z))
        if (conv is None or conv.op.name != "conv2d" or len(conv.inputs) != 2
                or uses.get(id(z)) != 1 or not z.dtype.is_floating or b.dtype != z.dtype):
            continue
        channels = z.shape[-1] if z.shape.rank else None
        if (channels is not None and b.shape.rank == 1 and b.shape[0] == channels
                and node.outputs[0].shape.rank == z.shape.rank):
            return conv, b
    return None


def conv_bias_activations(program):
    """Merges ``conv2d``, its bias ``add`` and a following ``relu`` into one node."""
    producers, uses, replaced, dropped = program.producers(), program.uses(), {}, set()
    for node in program.nodes:
        if node.op.name == "relu" and not node.attrs and len(node.inputs) == 1:
            add = producers.get(id(node.inputs[0]))
            if add is None or uses.get(id(node.inputs[0])) != 1:
                continue
            activation, tail = "relu", node
        elif node.op.name == "add":
            add, activation, tail = node, None, node
        else:
            continue
        found = _conv_plus_bias(add, producers, uses)
        if found is None or id(add) in dropped:
            continue
        conv, b = found
        fused = Node(CONV_BIAS, conv.inputs + (b,), dict(conv.attrs, activation=activation),
                     conv.name)
        fused.outputs = tail.outputs
        replaced[id(tail)] = fused
        dropped |= {id(conv), id(add)} - {id(tail)}
    if not replaced:
        return program
    nodes = [replaced.get(id(n), n) for n in program.nodes if id(n) not in dropped]
    return type(program)(nodes, program.inputs, program.outputs)


_POOL_OPS = ("max_pool", "max_pool_grad")
_CONVS = ("conv2d", "conv2d_bias_activation")
_CONV_GRADIENTS = {"conv2d_backprop_input": 0, "conv2d_backprop_filter": 1,
                   "conv2d_backprop_filter_bias": 1}   # op -> position of the gradient


def _pool_reads(node):
    """``(rows, cols)`` of a max-pool (or its gradient) node's input its windows read, when
    that is less than all of it; else None."""
    if node.op.name not in _POOL_OPS or node.attrs.get("padding") != "VALID":
        return None
    x, attrs = node.inputs[0], node.attrs
    if x.shape.rank != 4:
        return None
    size = tuple(x.shape)[1:3]
    if None in size:
        return None
    reads = tuple((n - k) // s * s + k for n, k, s in zip(size, attrs["ksize"], attrs["strides"]))
    return reads if reads != size else None


def _with_active(node, active):
    new = Node(node.op, node.inputs, dict(node.attrs, active=active), node.name)
    new.outputs = node.outputs
    return new


def pooled_regions(program):
    """Sets ``active`` on convolutions whose output a VALID pooling only partly reads, and on
    the gradients of convolutions fed by that pooling's (partly zero) gradient."""
    consumers = {}
    for node in program.nodes:
        for k, t in enumerate(node.inputs):
            consumers.setdefault(id(t), []).append((node, k))
    outputs = {id(t) for t in program.outputs}
    active = {}
    for node in program.nodes:
        region = _pool_reads(node)
        if region is None:
            continue
        if node.op.name == "max_pool_grad":   # its result is zero outside the region
            for user, k in consumers.get(id(node.outputs[0]), ()):
                if (_CONV_GRADIENTS.get(user.op.name) == k and "active" not in user.attrs
                        and len(user.inputs) == 2):
                    active.setdefault(id(user), set()).add(region)
    for node in program.nodes:   # the convolutions read only by such poolings
        if node.op.name not in _CONVS or "active" in node.attrs:
            continue
        y = node.outputs[0]
        users = consumers.get(id(y), ())
        regions = {_pool_reads(u) if k == 0 else None for u, k in users}
        if users and id(y) not in outputs and len(regions) == 1 and None not in regions:
            active.setdefault(id(node), set()).update(regions)
    if not active:
        return program
    nodes = [_with_active(n, next(iter(active[id(n)]))) if len(active.get(id(n), ())) == 1
             else n for n in program.nodes]
    return type(program)(nodes, program.inputs, program.outputs)


def fuse_convolutions(program):
    """The fusions above; the program is unchanged where their patterns do not occur."""
    program = conv_bias_activations(program)
    program = conv_filter_bias_gradients(pool_relu_gradients(program))
    return pooled_regions(program)

