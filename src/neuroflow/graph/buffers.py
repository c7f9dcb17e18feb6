"""Buffer ownership of a compiled graph: liveness and alias analysis, decided at compile time.

Every array a program handles lives in a *buffer*, named by a root key: one per fresh result
(a buffer the graph itself allocated), one per input and constant, and one per version of each
variable's storage (a new version after each assign). A tensor may alias several buffers (the
result of an op that can return views of its inputs aliases all of theirs). From the last node
reading each tensor we know, for every buffer, the last node that reads it through any alias.

That gives the two rules of the executor, the way XLA assigns buffers:

* an elementwise node may write its result over an input's buffer only if the graph produced
  it, no later node reads it or any view of it, it is not an output, an input, a constant or a
  variable, and no *other* input of the node aliases it (a row-split kernel would read
  memory another slice has already written);
* an ``assign_add``/``assign_sub`` may update the variable's storage in place only if no
  later node reads the current version (an earlier read, a view of it), the delta does not
  alias it, and at run time the variable still owns its buffer (``Variable._owned``: nothing
  outside the library was handed it since).

What escapes a run is known too: an output aliasing a variable's storage makes that variable
give up ownership at return (its next in-place update copies first), and only outputs that
are fresh buffers may be handed to a caller without a copy (``predict``).
"""

import itertools

from .nodes import ASSIGN

_versions = itertools.count()


def last_uses(nodes, outputs):
    """id(tensor) -> index of the last node reading it (inf for outputs and assigned values)."""
    last = {}
    for i, node in enumerate(nodes):
        end = float("inf") if node.op is ASSIGN else i   # a variable keeps its value's buffer
        for t in node.inputs:
            last[id(t)] = max(last.get(id(t), -1), end)
    for t in outputs:
        last[id(t)] = float("inf")
    return last


class BufferPlan:
    """Alias sets, fresh buffers and buffer lifetimes, filled in node by node while compiling.

    The analysis is incremental but sound: a view created after node ``i`` is made by a node
    reading an alias that exists at ``i`` and lives past it, so ``buffer_end`` at ``i`` already
    covers it.
    """

    def __init__(self, last_use):
        self.last_use = last_use
        self.roots = {}        # id(tensor) -> frozenset of buffer keys it may alias
        self.fresh = set()     # ids of tensors that are a whole fresh buffer
        self.buffer_end = {}   # buffer key -> last node index reading any alias
        self.var_root = {}     # id(variable) -> key of its storage's current version
        self.var_of = {}       # buffer key -> the variable whose storage it is (any version)

    def is_fresh(self, t):
        """True when ``t`` is a whole buffer the graph allocated (not a view, input, ...)."""
        return id(t) in self.fresh

    def _alias(self, t, roots):
        self.roots[id(t)] = frozenset(roots)
        end = self.last_use.get(id(t), -1)
        for r in roots:
            self.buffer_end[r] = max(self.buffer_end.get(r, -1), end)

    def foreign(self, t, kind):
        """``t`` is an input or a constant: its buffer belongs to someone else."""
        self._alias(t, {(kind, id(t))})

    def opaque(self, node):
        """An op that may return views of its inputs: its outputs alias all of them."""
        roots = set()
        for t in node.inputs:
            roots |= self.roots.get(id(t), frozenset())
        for t in node.outputs:
            self._alias(t, roots)

    def made(self, node, j=0, target=None):
        """Output ``j`` of ``node`` is a fresh buffer, or ``target``'s buffer reused."""
        out = node.outputs[j]
        if target is None:
            roots = {("fresh", id(out))}
        else:   # the target's buffer, dead after this node: the output's from now on
            self.fresh.discard(id(target))
            roots = self.roots[id(target)]
        self.fresh.add(id(out))
        self._alias(out, roots)

    def inplace_target(self, node, i):
        """An input of elementwise ``node`` (index ``i``) whose buffer may take its result."""
        out = node.outputs[0]
        shape = out.shape
        if not shape or not shape.is_fully_defined():
            return None
        for t in node.inputs:
            if (id(t) in self.fresh and t.shape == shape and t.dtype == out.dtype
                    and self._dead_after(t, i) and not self._aliased_by_others(node, t)):
                return t
        return None

    def _dead_after(self, t, i):
        return all(self.buffer_end.get(r, -1) <= i for r in self.roots[id(t)])

    def _aliased_by_others(self, node, t):
        roots = self.roots[id(t)]
        return any(u is not t and roots & self.roots.get(id(u), frozenset())
                   for u in node.inputs)

    # -- variables -------------------------------------------------------------------------
    def _var_key(self, var):
        key = self.var_root.get(id(var))
        if key is None:
            key = self.var_root[id(var)] = ("var", id(var), next(_versions))
            self.var_of[key] = var
        return key

    def read(self, node):
        """A ``read_variable`` node: its output is the variable's current storage."""
        self._alias(node.outputs[0], {self._var_key(node.var)})

    def may_update_in_place(self, node, i):
        """True when ``assign_add/sub`` node ``i`` may write the variable's storage in place
        (given that the variable still owns it at run time)."""
        key, delta = self._var_key(node.var), node.inputs[0]
        return (self.buffer_end.get(key, -1) <= i
                and key not in self.roots.get(id(delta), frozenset()))

    def assigned(self, node, zero_copy):
        """An assign node: the variable's storage is a new version (``zero_copy``: the
        assigned value's own buffer, which stays readable under its other names)."""
        var = node.var
        if zero_copy:
            (key,) = self.roots[id(node.inputs[0])]
            self.fresh.discard(id(node.inputs[0]))   # the variable's now: never reused
        else:
            key = ("var", id(var), next(_versions))
        self.var_root[id(var)] = key
        self.var_of[key] = var
        for t in node.outputs:
            self._alias(t, {key})

    def escaping_variables(self, outputs):
        """The variables whose storage (any version) an output may alias."""
        found = {}
        for t in outputs:
            for r in self.roots.get(id(t), ()):
                var = self.var_of.get(r)
                if var is not None:
                    found[id(var)] = var
        return list(found.values())

    def fresh_outputs(self, outputs):
        """For each output: True when it is a whole buffer of its own, made by this run."""
        seen, result = set(), []
        for t in outputs:
            result.append(id(t) in self.fresh and id(t) not in seen)
            seen.add(id(t))
        return tuple(result)
