"""Readable signatures of traced functions (``pretty_printed_concrete_signatures``), in TF's
format: the parameters with their specs or Python values, the output type and the captures."""

import functools
import inspect

from ..core import nest
from ..core.tensor import Tensor
from .symbolic import TensorSpec


def _spec_text(spec):
    return f"TensorSpec(shape={spec.shape}, dtype=tf.{spec.dtype.name}, name=None)"


def type_text(value):
    """TF's type notation for a structure of specs, tensors and Python values."""
    if isinstance(value, TensorSpec):
        return _spec_text(value)
    if isinstance(value, Tensor):
        return _spec_text(TensorSpec(value.shape, value.dtype))
    if isinstance(value, dict):
        items = ", ".join(f"[{k!r}, {type_text(v)}]" for k, v in value.items())
        return f"Dict[{items}]"
    if isinstance(value, list):
        return f"List[{', '.join(type_text(v) for v in value)}]"
    if isinstance(value, tuple):
        return f"Tuple[{', '.join(type_text(v) for v in value)}]"
    return f"Literal[{value!r}]"


def bound_parameters(fn, args, kwargs):
    """``[(name, kind, value)]`` for ``fn`` called with ``args``/``kwargs``, defaults applied;
    None when the signature cannot be read."""
    try:
        signature = inspect.signature(fn)
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    return [(name, signature.parameters[name].kind.name, value)
            for name, value in bound.arguments.items()]


def structured_specs(structure, specs):
    """``(args, kwargs)`` with each traced tensor replaced by its spec (named as its input)."""
    flat = nest.flatten(structure)
    leaves = [s if s is not None else x for x, s in zip(flat, specs)]
    return nest.pack_sequence_as(structure, leaves)


def pretty_signature(fn, structure, specs, result, captures):
    """The text TF's ``ConcreteFunction.pretty_printed_signature()`` shows."""
    args, kwargs = structured_specs(structure, specs)
    params = bound_parameters(_unwrapped(fn), args, kwargs)
    lines = ["Input Parameters:"]
    if params is None:
        params = [(f"arg{i}", "POSITIONAL_ONLY", a) for i, a in enumerate(args)]
        params += [(k, "KEYWORD_ONLY", v) for k, v in sorted(kwargs.items())]
    for name, kind, value in params:
        lines.append(f"  {name} ({kind}): {type_text(value)}")
    lines += ["Output Type:", f"  {type_text(result) if result is not None else 'None'}",
              "Captures:"]
    lines += [f"  {i} : {_spec_text(TensorSpec(v.shape, v.dtype))}" for i, v in
              enumerate(captures)] or ["  None"]
    return "\n".join(lines)


def _unwrapped(fn):
    """``fn`` without its ``partial`` of bound ``self`` kept (inspect handles partials)."""
    return fn if isinstance(fn, functools.partial) else getattr(fn, "__wrapped__", fn)
