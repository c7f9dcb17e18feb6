"""``nf.py_function`` and ``nf.numpy_function``: a Python function as an op of a graph.

Each call makes one op whose kernel calls the Python function when the graph runs (so it
runs at every call of an ``nf.function``, not once while tracing). The outputs' static shapes
are unknown in a graph (``set_shape`` refines them), as in TF. ``py_function`` is
differentiable: its gradient is another ``py_function`` that runs the function under a tape.
"""

from ..backend.dtypes import as_dtype
from ..core import nest
from ..core.convert import convert_to_tensor
from ..core.registry import Op, bind
from ..core.shape import TensorShape
from ..core.tape import GradientTape
from ..core.tensor import Tensor


def _outputs(result, dtypes, what):
    flat = result if isinstance(result, (list, tuple)) else [result]
    if len(flat) != len(dtypes):
        raise ValueError(f"{what}: the function returned {len(flat)} values, Tout lists "
                         f"{len(dtypes)}")
    arrays = []
    for value, dtype in zip(flat, dtypes):
        value = value._value if isinstance(value, Tensor) else value
        arrays.append(convert_to_tensor(value, dtype=dtype)._value)
    return arrays


def _make_op(what, kernel, dtypes, grad):
    n = len(dtypes)

    def forward(xp, *arrays):
        out = kernel(*arrays)
        return out[0] if n == 1 else tuple(out)

    unknown = TensorShape(None)
    return Op(what, forward, grad=grad, shape=lambda *s: unknown if n == 1 else (unknown,) * n,
              dtype=lambda *d: tuple(dtypes), n_out=n, stateful=True)


def _call(what, func, inp, Tout, kernel, grad):
    inputs = [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in nest.flatten(inp)]
    single = not isinstance(Tout, (list, tuple))
    dtypes = [as_dtype(Tout)] if single else [as_dtype(d) for d in Tout]
    if not dtypes:
        raise ValueError(f"{what}: Tout must name at least one output dtype")
    op = _make_op(what, kernel(func, dtypes), dtypes, grad(func, dtypes) if grad else None)
    out = bind(op, tuple(inputs), {})
    return out if single else list(out) if isinstance(out, tuple) else [out]


def _eager_kernel(func, dtypes):
    def kernel(*arrays):
        return _outputs(func(*[Tensor(a) for a in arrays]), dtypes, "py_function")
    return kernel


def _numpy_kernel(func, dtypes):
    def kernel(*arrays):
        return _outputs(func(*arrays), dtypes, "numpy_function")
    return kernel


def _py_grad(func, dtypes):
    def grad(gy, y, *inputs):
        gys = list(gy) if isinstance(gy, tuple) else [gy]
        floats = [x.dtype.is_floating for x in inputs]
        n = len(inputs)

        def vjp(*values):
            xs, seeds = list(values[:n]), list(values[n:])
            with GradientTape() as tape:
                for x in xs:
                    tape.watch(x)
                ys = func(*xs)
            ys = ys if isinstance(ys, (list, tuple)) else [ys]
            gs = tape.gradient(list(ys), [x for x, f in zip(xs, floats) if f],
                               output_gradients=seeds, unconnected_gradients="zero")
            return gs

        out_dtypes = [x.dtype for x in inputs if x.dtype.is_floating]
        if not out_dtypes:
            return (None,) * n
        gs = iter(py_function(vjp, list(inputs) + gys, out_dtypes))
        return tuple(next(gs) if f else None for f in floats)
    return grad


def py_function(func, inp, Tout, name=None):
    """Runs ``func`` on eager tensors, also inside ``nf.function`` graphs (at every call).

    Args:
        func: a Python function of tensors returning tensors (or values convertible to them).
        inp: list of input tensors.
        Tout: the output dtype, or a list of them (then a list is returned).

    Returns:
        A tensor (or list). In a graph its static shape is unknown: use ``set_shape``.

    Example:
        >>> nf.py_function(lambda x: x * 2, [nf.constant(1.0)], nf.float32).numpy()
        2.0
    """
    return _call("py_function", func, inp, Tout, _eager_kernel, _py_grad)


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Runs ``func`` on NumPy arrays, also inside graphs (at every call); not differentiable.

    Example:
        >>> nf.numpy_function(lambda x: x + 1, [nf.constant(1)], nf.int32).numpy()
        2
    """
    return _call("numpy_function", func, inp, Tout, _numpy_kernel, _numpy_no_grad)


def _no_gradient(gy, y, *inputs):
    return (None,) * len(inputs)


def _numpy_no_grad(func, dtypes):
    return _no_gradient
