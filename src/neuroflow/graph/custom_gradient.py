"""``nf.custom_gradient``: a function that states its own gradient, as ``tf.custom_gradient``.

The decorated function runs with tapes paused; its outputs then pass through one identity op
whose inputs are the outputs, the function's tensor arguments and the variables it read, and
whose gradient rule calls ``grad_fn``. Eagerly the rule calls ``grad_fn`` itself. While
tracing, ``grad_fn`` is traced at once into a branch graph (its reads of traced tensors become
captures, inputs of the op), so the gradient can be taken in the graph or by a tape around a
call of the traced function alike.
"""

import functools
import inspect

from ..core import nest, registry
from ..core.convert import convert_to_tensor
from ..core.registry import Op, bind
from ..core.tape import GradientTape
from ..core.tensor import Tensor
from . import control
from .ir import replay


def _forward(xp, *arrays, n_y, n_x, n_vars, grad_fn, grad_graph, grad_mask):
    return arrays[0] if n_y == 1 else tuple(arrays[:n_y])


def _shape(*shapes, n_y, **attrs):
    return shapes[0] if n_y == 1 else tuple(shapes[:n_y])


def _dtype(*dtypes, n_y, **attrs):
    return tuple(dtypes[:n_y])


def _grad(gy, y, *inputs, n_y, n_x, n_vars, grad_fn, grad_graph, grad_mask):
    gys = list(gy) if isinstance(gy, tuple) else [gy]
    xs, variables = inputs[n_y:n_y + n_x], inputs[n_y + n_x:n_y + n_x + n_vars]
    n_captures = len(inputs) - n_y - n_x - n_vars
    if grad_graph is None:
        flat = _split(_call_grad_fn(grad_fn, gys, variables), n_x, n_vars)
    else:
        captures = inputs[n_y + n_x + n_vars:]
        env = {id(p): v for p, v in zip(grad_graph.inputs, (*gys, *captures))}
        replay(grad_graph.nodes, env)
        outs = iter(env[id(t)] for t in grad_graph.outputs)
        flat = [next(outs) if present else None for present in grad_mask]
    return (None,) * n_y + tuple(flat) + (None,) * n_captures


def _call_grad_fn(grad_fn, gys, variables):
    if variables:
        return grad_fn(*gys, variables=list(variables))
    return grad_fn(*gys)


def _split(result, n_x, n_vars):
    """``grad_fn``'s result as one flat list: input gradients, then variable gradients."""
    if n_vars:
        if not isinstance(result, (list, tuple)) or len(result) != 2:
            raise ValueError("custom_gradient: with variables, grad_fn must return "
                             "(input_gradients, variable_gradients)")
        grad_xs, grad_vars = result
        grad_vars = list(grad_vars)
    else:
        grad_xs, grad_vars = result, []
    grad_xs = list(grad_xs) if isinstance(grad_xs, (list, tuple)) else [grad_xs]
    if len(grad_xs) != n_x or len(grad_vars) != n_vars:
        raise ValueError(f"custom_gradient: grad_fn returned {len(grad_xs)} input gradients "
                         f"and {len(grad_vars)} variable gradients for {n_x} inputs and "
                         f"{n_vars} variables")
    return grad_xs + grad_vars


_CUSTOM = Op("custom_gradient", _forward, grad=_grad, shape=_shape, dtype=_dtype, n_out=1)


def _takes_variables(grad_fn):
    try:
        params = inspect.signature(grad_fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def _trace_grad(grad_fn, ys, n_x, variables):
    """``grad_fn`` traced into a branch of the graph being traced: (graph, captures, mask)."""
    parent = registry.current_tracer()
    mask = []

    def flat_grads(*gys):
        flat = _split(_call_grad_fn(grad_fn, list(gys), variables), n_x, len(variables))
        mask.extend(g is not None for g in flat)
        return [g for g in flat if g is not None]

    specs = [(y.shape, y.dtype) for y in ys]
    graph, _ = control.trace_branch(parent, "custom_gradient", flat_grads, tuple(ys), specs)
    graph.inputs = graph.inputs + [inner for _, inner in graph.captures]
    return graph, [outer for outer, _ in graph.captures], mask


def _apply(f, args, kwargs):
    xs = [x for x in nest.flatten((args, kwargs)) if isinstance(x, Tensor) and not x._is_variable]
    paused = [t for t in registry._tapes if t._recording]
    for tape in paused:
        tape._recording = False
    try:
        with GradientTape() as watcher:   # only to learn which variables f reads
            y, grad_fn = f(*args, **kwargs)
    finally:
        for tape in paused:
            tape._recording = True
    variables = [v for v in watcher.watched_variables() if v.trainable]
    if variables and not _takes_variables(grad_fn):
        raise TypeError("If using @custom_gradient with a function that uses variables, then "
                        "grad_fn must accept a keyword argument 'variables'.")
    if not registry._tapes and not registry._tracers:
        return y
    flat_y = [v if isinstance(v, Tensor) else convert_to_tensor(v) for v in nest.flatten(y)]
    grad_graph, captures, mask = None, [], []
    if registry._tracers:
        grad_graph, captures, mask = _trace_grad(grad_fn, flat_y, len(xs), variables)
    attrs = {"n_y": len(flat_y), "n_x": len(xs), "n_vars": len(variables), "grad_fn": grad_fn,
             "grad_graph": grad_graph, "grad_mask": tuple(mask)}
    op = _CUSTOM if len(flat_y) == 1 else Op("custom_gradient", _forward, grad=_grad,
                                             shape=_shape, dtype=_dtype, n_out=len(flat_y))
    out = bind(op, (*flat_y, *xs, *variables, *captures), attrs)
    return nest.pack_sequence_as(y, [out] if len(flat_y) == 1 else list(out))


def custom_gradient(f=None):
    """Decorates ``f(*x) -> (y, grad_fn)`` so that gradients of ``y`` are ``grad_fn(*dy)``.

    ``grad_fn(*upstream)`` returns one gradient per tensor argument; when ``f`` reads trainable
    variables, ``grad_fn(*upstream, variables=...)`` returns ``(input_grads, variable_grads)``.
    Works eagerly, under tapes, inside ``nf.function`` and for higher-order gradients (when
    ``grad_fn`` is written in neuroflow ops).

    Example:
        >>> @nf.custom_gradient
        ... def clip_gradient(x):
        ...     return nf.identity(x), lambda dy: nf.clip_by_value(dy, -1.0, 1.0)
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return _apply(f, args, kwargs)
    return decorated
