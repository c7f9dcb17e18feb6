"""Elementwise math: arithmetic, powers, exp/log, trigonometry, rounding, comparisons, logic.

Each op is one block: the forward kernel on ``xp``, the gradient rule in neuroflow ops, the
shape rule. Broadcasting follows NumPy; gradients sum back over broadcast axes (``sum_like``).
"""

import math as _math

import numpy as np

from ...backend.dtypes import (BOOL, FLOATING, INEXACT, INTEGER, NUMBER, REAL, SIGNED,
                               SIGNED_INTEGER, as_dtype)
from ..registry import bind, defop
from ._base import bool_dtype, broadcast_rule, pair, same_shape, sum_like, tensor

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floormod", "mod", "pow",
    "negative", "abs", "sign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "square",
    "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid",
    "erf", "maximum", "minimum", "clip_by_value", "where", "floor", "ceil", "round", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
    "logical_not", "logical_xor", "cast", "zeros_like", "ones_like", "squared_difference",
    "add_n", "is_nan", "is_inf", "is_finite", "divide_no_nan", "bitwise_and", "bitwise_or",
    "bitwise_xor", "invert", "real_div",
]
_NO_ATTRS = {}


def _unary(name, kernel, grad, doc, dtypes=NUMBER):
    """Defines a unary elementwise op and its public function (``dtypes``: see ``Op``)."""
    op = defop(name, kernel, grad=grad, shape=same_shape, dtypes=dtypes)

    def fn(x, name=None):
        return bind(op, (tensor(x),), _NO_ATTRS)

    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


def _binary(name, kernel, grad, doc, dtype=None, dtypes=NUMBER):
    """Defines a broadcasting binary elementwise op and its public function."""
    op = defop(name, kernel, grad=grad, shape=broadcast_rule(name), dtype=dtype, dtypes=dtypes)

    def fn(x, y, name=None):
        return bind(op, pair(x, y, op.name), _NO_ATTRS)

    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


# -- arithmetic ----------------------------------------------------------------------------
add = _binary("add", lambda xp, x, y: x + y,
              lambda gy, z, x, y: (sum_like(gy, x), sum_like(gy, y)),
              "Returns x + y elementwise, with broadcasting.")
subtract = _binary("subtract", lambda xp, x, y: x - y,
                   lambda gy, z, x, y: (sum_like(gy, x), sum_like(negative(gy), y)),
                   "Returns x - y elementwise, with broadcasting.")
multiply = _binary("multiply", lambda xp, x, y: x * y,
                   lambda gy, z, x, y: (sum_like(gy * y, x), sum_like(gy * x, y)),
                   "Returns x * y elementwise, with broadcasting.")


def _div_kernel(xp, x, y):
    return x / y


_divide = _binary("real_div", _div_kernel,
                  lambda gy, z, x, y: (sum_like(gy / y, x), sum_like(negative(gy) * z / y, y)),
                  "Returns x / y elementwise for floating-point tensors.")
real_div = _divide


def divide(x, y, name=None):
    """Returns x / y elementwise (true division; integers are cast to float as in TF).

    int8/int16/uint8 become float32, int32/int64 become float64.

    Example:
        >>> nf.divide(7, 2).numpy()
        3.5
    """
    x, y = pair(x, y, "divide")
    if not x.dtype.is_floating:
        target = "float64" if x.dtype.size >= 4 else "float32"
        x, y = cast(x, target), cast(y, target)
    return _divide(x, y)


truediv = divide


def _floordiv_kernel(xp, x, y):
    if x.dtype.kind in "iu":
        if np.any(y == 0):
            raise ValueError("floordiv: integer division by zero")
        return x // y
    return xp.floor(x / y)  # TF's floor(x / y): inf // 1 is inf, where NumPy's // gives nan


floordiv = _binary("floordiv", _floordiv_kernel, None,
                   "Returns floor(x / y) elementwise (Python's ``//``); not differentiable.",
                   dtypes=REAL)


def _mod_kernel(xp, x, y):
    if x.dtype.kind in "iu" and np.any(y == 0):
        raise ValueError("floormod: integer division by zero")
    return xp.mod(x, y)


floormod = _binary("floormod", _mod_kernel,
                   lambda gy, z, x, y: (sum_like(gy, x),
                                        sum_like(negative(gy) * floor(x / y), y)),
                   "Returns x mod y with the sign of y (Python's ``%``).", dtypes=REAL)
mod = floormod


def _pow_grad(gy, z, x, y):
    gx = gy * y * pow(x, y - 1)
    safe = where(greater(x, 0), x, ones_like(x))
    gy_ = where(greater(x, 0), gy * z * log(safe), zeros_like(z))
    return sum_like(gx, x), sum_like(gy_, y)


def _pow_kernel(xp, x, y):
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise ValueError("pow: integers to negative integer powers are not allowed")
    return xp.power(x, y)


pow = _binary("pow", _pow_kernel, _pow_grad,  # noqa: A001 - TF's name
              "Returns x ** y elementwise, with broadcasting.")

squared_difference = _binary(
    "squared_difference", lambda xp, x, y: (x - y) * (x - y),
    lambda gy, z, x, y: (sum_like(gy * 2 * (x - y), x), sum_like(gy * 2 * (y - x), y)),
    "Returns (x - y) ** 2 elementwise.")
maximum = _binary(
    "maximum", lambda xp, x, y: xp.maximum(x, y),
    lambda gy, z, x, y: (sum_like(where(greater_equal(x, y), gy, zeros_like(gy)), x),
                         sum_like(where(greater_equal(x, y), zeros_like(gy), gy), y)),
    "Returns max(x, y) elementwise; the gradient goes to x where x >= y (as in TF).", dtypes=REAL)
minimum = _binary(
    "minimum", lambda xp, x, y: xp.minimum(x, y),
    lambda gy, z, x, y: (sum_like(where(less_equal(x, y), gy, zeros_like(gy)), x),
                         sum_like(where(less_equal(x, y), zeros_like(gy), gy), y)),
    "Returns min(x, y) elementwise; the gradient goes to x where x <= y (as in TF).", dtypes=REAL)


def _divide_no_nan_kernel(xp, x, y):
    if not x.ndim and not y.ndim:  # the scalar case (metric results) is the hot one
        return (x / y) if y else (x * y) * 0
    out = xp.zeros(xp.broadcast_shapes(x.shape, y.shape), dtype=x.dtype)
    return xp.divide(x, y, out=out, where=y != 0)


divide_no_nan = _binary(
    "divide_no_nan", _divide_no_nan_kernel,
    lambda gy, z, x, y: (sum_like(divide_no_nan(gy, y), x),
                         sum_like(divide_no_nan(negative(gy) * z, y), y)),
    "Returns x / y, or 0 where y is 0.", dtypes=INEXACT)

# -- unary ---------------------------------------------------------------------------------
negative = _unary("negative", lambda xp, x: -x, lambda gy, y, x: (negative(gy),),
                  "Returns -x elementwise.", dtypes=SIGNED)
abs = _unary("abs", lambda xp, x: xp.abs(x), lambda gy, y, x: (gy * sign(x),),  # noqa: A001
             "Returns |x| elementwise.", dtypes=FLOATING + SIGNED_INTEGER)
sign = _unary("sign", lambda xp, x: xp.sign(x), lambda gy, y, x: (zeros_like(x),),
              "Returns -1, 0 or 1 by the sign of x (0 gradient).", dtypes=SIGNED)
exp = _unary("exp", lambda xp, x: xp.exp(x), lambda gy, y, x: (gy * y,),
             "Returns e ** x elementwise.", dtypes=INEXACT)
log = _unary("log", lambda xp, x: xp.log(x), lambda gy, y, x: (gy / x,),
             "Returns the natural logarithm; log(0) is -inf.", dtypes=INEXACT)
log1p = _unary("log1p", lambda xp, x: xp.log1p(x), lambda gy, y, x: (gy / (x + 1),),
               "Returns log(1 + x), accurate for small x.", dtypes=INEXACT)
expm1 = _unary("expm1", lambda xp, x: xp.expm1(x), lambda gy, y, x: (gy * (y + 1),),
               "Returns e ** x - 1, accurate for small x.", dtypes=INEXACT)
sqrt = _unary("sqrt", lambda xp, x: xp.sqrt(x), lambda gy, y, x: (gy / (y * 2),),
              "Returns the square root elementwise.", dtypes=INEXACT)
rsqrt = _unary("rsqrt", lambda xp, x: 1 / xp.sqrt(x),
               lambda gy, y, x: (gy * y * y * y * -0.5,), "Returns 1 / sqrt(x) elementwise.",
               dtypes=INEXACT)
square = _unary("square", lambda xp, x: x * x, lambda gy, y, x: (gy * x * 2,),
                "Returns x * x elementwise.")
reciprocal = _unary("reciprocal",
                    lambda xp, x: 1 / x,
                    lambda gy, y, x: (negative(gy) * y * y,), "Returns 1 / x elementwise.",
                    dtypes=INEXACT)
sin = _unary("sin", lambda xp, x: xp.sin(x), lambda gy, y, x: (gy * cos(x),),
             "Returns sin(x) elementwise.", dtypes=INEXACT)
cos = _unary("cos", lambda xp, x: xp.cos(x), lambda gy, y, x: (negative(gy) * sin(x),),
             "Returns cos(x) elementwise.", dtypes=INEXACT)
tan = _unary("tan", lambda xp, x: xp.tan(x), lambda gy, y, x: (gy * (y * y + 1),),
             "Returns tan(x) elementwise.", dtypes=INEXACT)
asin = _unary("asin", lambda xp, x: xp.arcsin(x), lambda gy, y, x: (gy * rsqrt(1 - x * x),),
              "Returns arcsin(x) elementwise.", dtypes=INEXACT)
acos = _unary("acos", lambda xp, x: xp.arccos(x),
              lambda gy, y, x: (negative(gy) * rsqrt(1 - x * x),),
              "Returns arccos(x) elementwise.", dtypes=INEXACT)
atan = _unary("atan", lambda xp, x: xp.arctan(x), lambda gy, y, x: (gy / (x * x + 1),),
              "Returns arctan(x) elementwise.", dtypes=INEXACT)
sinh = _unary("sinh", lambda xp, x: xp.sinh(x), lambda gy, y, x: (gy * cosh(x),),
              "Returns sinh(x) elementwise.", dtypes=INEXACT)
cosh = _unary("cosh", lambda xp, x: xp.cosh(x), lambda gy, y, x: (gy * sinh(x),),
              "Returns cosh(x) elementwise.", dtypes=INEXACT)
tanh = _unary("tanh", lambda xp, x: xp.tanh(x), lambda gy, y, x: (gy * (1 - y * y),),
              "Returns tanh(x) elementwise; its derivative is 1 - tanh(x)^2.", dtypes=INEXACT)


def _sigmoid_kernel(xp, x):
    # exp of a negative argument only, so neither branch overflows.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


sigmoid = _unary("sigmoid", _sigmoid_kernel, lambda gy, y, x: (gy * y * (1 - y),),
                 "Returns 1 / (1 + e^-x); its derivative is s(x) * (1 - s(x)).", dtypes=INEXACT)


def _erf_kernel(xp, x):
    if xp is not np:
        import cupyx.scipy.special as special  # noqa: PLC0415 - GPU kernels load on use

        return special.erf(x)
    try:
        from scipy.special import erf as scipy_erf  # noqa: PLC0415 - optional, heavy

        return scipy_erf(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.frompyfunc(_math.erf, 1, 1)(x).astype(x.dtype)


erf = _unary("erf", _erf_kernel,
             lambda gy, y, x: (gy * exp(negative(x * x)) * (2 / _math.sqrt(_math.pi)),),
             "Returns the Gauss error function erf(x) elementwise.", dtypes=FLOATING)
floor = _unary("floor", lambda xp, x: xp.floor(x), lambda gy, y, x: (None,),
               "Rounds down elementwise (no gradient).", dtypes=FLOATING)
ceil = _unary("ceil", lambda xp, x: xp.ceil(x), lambda gy, y, x: (None,),
              "Rounds up elementwise (no gradient).", dtypes=FLOATING)
round = _unary("round", lambda xp, x: xp.round(x), lambda gy, y, x: (None,),  # noqa: A001
               "Rounds half to even elementwise, as TF does (no gradient).", dtypes=SIGNED)
zeros_like = _unary("zeros_like", lambda xp, x: xp.zeros_like(x), lambda gy, y, x: (None,),
                    "Returns a tensor of zeros with x's shape and dtype.", dtypes=None)
ones_like = _unary("ones_like", lambda xp, x: xp.ones_like(x), lambda gy, y, x: (None,),
                   "Returns a tensor of ones with x's shape and dtype.", dtypes=None)

# -- comparisons and logic (never differentiable) ------------------------------------------
def _predicate(name, kernel, doc, arity=2, dtypes=REAL):
    op = defop(name, kernel, shape=broadcast_rule(name) if arity == 2 else same_shape,
               dtype=bool_dtype, dtypes=dtypes)
    if arity == 1:
        def fn(x, name=None):
            return bind(op, (tensor(x),), _NO_ATTRS)
    else:
        def fn(x, y, name=None):
            return bind(op, pair(x, y, op.name), _NO_ATTRS)
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


equal = _predicate("equal", lambda xp, x, y: x == y, "Returns x == y elementwise (bool).",
                   dtypes=None)
not_equal = _predicate("not_equal", lambda xp, x, y: x != y, "Returns x != y elementwise.",
                       dtypes=None)
less = _predicate("less", lambda xp, x, y: x < y, "Returns x < y elementwise.")
less_equal = _predicate("less_equal", lambda xp, x, y: x <= y, "Returns x <= y elementwise.")
greater = _predicate("greater", lambda xp, x, y: x > y, "Returns x > y elementwise.")
greater_equal = _predicate("greater_equal", lambda xp, x, y: x >= y,
                           "Returns x >= y elementwise.")
is_nan = _predicate("is_nan", lambda xp, x: xp.isnan(x), "True where x is NaN.", 1, FLOATING)
is_inf = _predicate("is_inf", lambda xp, x: xp.isinf(x), "True where x is +-inf.", 1, FLOATING)
is_finite = _predicate("is_finite", lambda xp, x: xp.isfinite(x), "True where x is finite.", 1,
                       FLOATING)


def _logical(name, kernel, doc, arity=2):
    inner = _predicate(name, kernel, doc, arity, BOOL)

    def checked(*args, name=None):
        return inner(*[tensor(a, "bool") for a in args])

    checked.__name__ = checked.__qualname__ = inner.__name__
    checked.__doc__ = doc
    return checked


logical_and = _logical("logical_and", lambda xp, x, y: x & y, "Elementwise x AND y on bools.")
logical_or = _logical("logical_or", lambda xp, x, y: x | y, "Elementwise x OR y on bools.")
logical_xor = _logical("logical_xor", lambda xp, x, y: x ^ y, "Elementwise x XOR y on bools.")
logical_not = _logical("logical_not", lambda xp, x: ~x, "Elementwise NOT x on bools.", 1)


def _bitwise(name, kernel, doc):
    return _binary(name, kernel, None, doc, dtypes=INTEGER)


bitwise_and = _bitwise("bitwise_and", lambda xp, x, y: x & y, "Elementwise bitwise AND.")
bitwise_or = _bitwise("bitwise_or", lambda xp, x, y: x | y, "Elementwise bitwise OR.")
bitwise_xor = _bitwise("bitwise_xor", lambda xp, x, y: x ^ y, "Elementwise bitwise XOR.")
invert = _unary("invert", lambda xp, x: ~x, None, "Elementwise bitwise NOT of integers.",
                dtypes=INTEGER)

# -- selection, clipping, casting ----------------------------------------------------------
_WHERE = defop(
    "where", lambda xp, c, x, y: xp.where(c, x, y),
    grad=lambda gy, z, c, x, y: (None, sum_like(where(c, gy, zeros_like(gy)), x),
                                 sum_like(where(c, zeros_like(gy), gy), y)),
    shape=broadcast_rule("where"), dtype=lambda c, x, y: x, dtypes=(BOOL, None, None))


def where(condition, x=None, y=None, name=None):
    """Picks x where ``condition`` is True, else y (broadcasting all three).

    With only ``condition``, returns the int64 coordinates of its True entries, shape
    (num_true, rank), as TF does.
    """
    condition = tensor(condition)
    if x is None and y is None:
        return bind(_WHERE_INDICES, (condition,), _NO_ATTRS)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    x, y = pair(x, y, "where")
    return bind(_WHERE, (condition, x, y), _NO_ATTRS)


_WHERE_INDICES = defop("where_indices",
                       lambda xp, c: xp.argwhere(c).astype(np.int64), dtypes=BOOL,
                       shape=lambda c: (None, len(c)), dtype=lambda c: as_dtype("int64"))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips ``t`` elementwise to [clip_value_min, clip_value_max].

    The gradient passes where min <= t <= max, as in TF.
    """
    t = tensor(t)
    return maximum(minimum(t, clip_value_max), clip_value_min)  # TF's order: min wins if > max


def _cast_grad(gy, y, x, dtype):
    if x.dtype.is_floating and y.dtype.is_floating:
        return (cast(gy, x.dtype),)
    return (None,)


_CAST = defop("cast", lambda xp, x, dtype: x.astype(dtype._np, copy=False), grad=_cast_grad,
              shape=same_shape, dtype=lambda x, dtype: dtype)


def cast(x, dtype, name=None):
    """Converts ``x`` to ``dtype`` (floats to ints truncate toward zero, as in TF)."""
    x = tensor(x)
    dtype = as_dtype(dtype)
    if x.dtype is dtype:
        return x
    return bind(_CAST, (x,), {"dtype": dtype})


def add_n(inputs, name=None):
    """Returns the elementwise sum of a list of same-shape tensors."""
    inputs = [tensor(t) for t in inputs]
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    total = inputs[0]
    for t in inputs[1:]:
        if t.shape != total.shape and None not in t.shape and None not in total.shape:
            raise ValueError(f"add_n: all inputs must have the same shape, got {total.shape} "
                             f"and {t.shape}")
        total = add(total, t)
    return total


def _flush_subnormal_kernel(xp, x):
    return xp.where(xp.abs(x) < xp.finfo(x.dtype).tiny, xp.zeros((), x.dtype), x)


# An optimizer's state only (no gradient): neuroflow never changes the CPU's flush-to-zero
# modes, so the rule that keeps Adam's moments out of (100x slower) subnormal arithmetic is
# part of the update itself, computed the same on every path (eager, graph, fused, Numba).
_FLUSH_SUBNORMAL = defop("flush_subnormal", _flush_subnormal_kernel, shape=same_shape,
                         fresh=True)


def flush_subnormal(x):
    """``x`` with every subnormal element (0 < |x| < the dtype's smallest normal) set to +0.

    Example:
        >>> flush_subnormal(nf.constant([1e-40, 1.0])).numpy()
        array([0., 1.], dtype=float32)
    """
    x = tensor(x)
    if not x.dtype.is_floating:
        return x
    return bind(_FLUSH_SUBNORMAL, (x,), {})
