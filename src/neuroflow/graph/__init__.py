"""Graph mode: nf.function traces Python into a dataflow graph, optimizes it and runs it."""

from .control import cond, print, while_loop
from .custom_gradient import custom_gradient
from .functional import foldl, foldr, map_fn, scan
from .py_function import numpy_function, py_function
from .tensor_array import TensorArray
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
           "TensorArray",
           "TensorSpec",
           "cond",
           "custom_gradient",
           "foldl",
           "foldr",
           "map_fn",
           "numpy_function",
           "py_function",
           "scan",
           "draw_graph",
           "function",
           "init_scope",
           "print",
           "to_dot",
           "while_loop",
]
