"""Which strategy is in force: ``strategy.scope()`` (cross-replica) and ``strategy.run``
(replica) push onto a per-thread stack; outside both, the default strategy applies.

As in TF: ``get_replica_context()`` is None inside ``scope()`` (cross-replica code), a
``ReplicaContext`` inside ``run`` and the default strategy's one outside any scope.
"""

import contextlib
import threading

__all__ = ["get_strategy", "has_strategy", "get_replica_context", "in_cross_replica_context",
           "entered"]

_LOCAL = threading.local()
_DEFAULT = {}   # "strategy": the default strategy, set by strategy.py when it is defined


def _stack():
    stack = getattr(_LOCAL, "stack", None)
    if stack is None:
        stack = _LOCAL.stack = []
    return stack


@contextlib.contextmanager
def entered(strategy, replica):
    """Makes ``strategy`` current for the block, in replica (True) or cross-replica mode."""
    stack = _stack()
    stack.append((strategy, replica))
    try:
        yield strategy
    finally:
        stack.pop()


def get_strategy():
    """The strategy in force: the innermost ``scope()``/``run``, else the default strategy.

    Example:
        >>> with strategy.scope():
        ...     assert nf.distribute.get_strategy() is strategy
    """
    stack = _stack()
    return stack[-1][0] if stack else _DEFAULT["strategy"]


def has_strategy():
    """True inside a non-default strategy's ``scope()`` or ``run``."""
    return bool(_stack())


def in_cross_replica_context():
    """True inside ``strategy.scope()`` but not inside ``strategy.run``."""
    stack = _stack()
    return bool(stack) and not stack[-1][1]


def get_replica_context():
    """The current ``ReplicaContext``: inside ``strategy.run``, or the default strategy's
    outside any scope; None in cross-replica context (inside ``scope()``, outside ``run``)."""
    stack = _stack()
    if not stack:
        return _DEFAULT["strategy"]._replica_context
    strategy, replica = stack[-1]
    return strategy._replica_context if replica else None
