"""Graph mode: nf.function traces Python into a dataflow graph, optimizes it and runs it."""

from .control import cond, print, while_loop
from .draw import draw_graph, to_dot
from .function import ConcreteFunction, Function, RetracingWarning, function
from .ir import Graph, Node, init_scope
from .symbolic import SymbolicTensor, TensorSpec

__all__ = [
           "ConcreteFunction",
           "Function",
           "Graph",
           "Node",
           "RetracingWarning",
           "SymbolicTensor",
           "TensorSpec",
           "cond",
           "draw_graph",
           "function",
           "init_scope",
           "print",
           "to_dot",
           "while_loop",
]
