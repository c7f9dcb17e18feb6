"""Graph nodes: ``Node`` and the special ops of the IR (placeholder, const, variable assign)."""

from ..core.registry import READ, Op

PLACEHOLDER = Op("placeholder", None)
CONST = Op("const", None)
ASSIGN = Op("assign_variable", None, stateful=True)
SPECIAL = (PLACEHOLDER, CONST, READ, ASSIGN)


class Node:
    """One operation of a graph: ``op`` applied to ``inputs`` with ``attrs``, giving ``outputs``.

    ``var`` is the variable of ``read_variable``/``assign_variable`` nodes; ``value`` the array
    of ``const`` nodes.
    """

    __slots__ = ("attrs", "inputs", "name", "op", "outputs", "value", "var")

    def __init__(self, op, inputs, attrs, name, var=None, value=None):
        self.op, self.inputs, self.attrs, self.name = op, tuple(inputs), attrs, name
        self.var, self.value, self.outputs = var, value, ()

    @property
    def type(self):
        """The op's name (``'matmul'``), as TF's ``Operation.type``."""
        return self.op.name

    @property
    def has_side_effect(self):
        """True for nodes that must run even when nothing uses their outputs."""
        op = self.op
        return op is ASSIGN or (op.stateful and not self.outputs) or getattr(
            op, "side_effect", False)

    def __repr__(self):
        ins = ", ".join(t.name for t in self.inputs)
        return f"<Node {self.name} = {self.op.name}({ins})>"


def storage(var):
    """The attribute holding a variable's array (TF1 variables keep it away from ``_value``)."""
    return getattr(type(var), "_STORAGE", "_value")
