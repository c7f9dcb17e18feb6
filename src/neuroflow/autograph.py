"""``nf.autograph``: TF's ``tf.autograph`` namespace (see ``graph/ag_transform.py``)."""

import functools as _functools
import types as _types

from .graph.ag_transform import to_code, to_graph

__all__ = ["to_code", "to_graph", "set_verbosity", "trace", "experimental"]


def set_verbosity(level, alsologtostdout=False):
    """Accepted for TF compatibility: neuroflow's AutoGraph logs nothing."""


def trace(*args):
    """Prints its arguments while tracing (TF's ``tf.autograph.trace``), as Python ``print``."""
    print(*args)


def _do_not_convert(func=None):
    """Marks ``func`` so that AutoGraph leaves it as Python (``tf.autograph.experimental.
    do_not_convert``); usable as a decorator."""
    if func is None:
        return _do_not_convert

    @_functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


experimental = _types.SimpleNamespace(do_not_convert=_do_not_convert)
experimental.__doc__ = "TF's ``tf.autograph.experimental``."
