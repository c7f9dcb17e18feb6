"""A small AutoGraph: Python ``if``/``while``/``and``/``or``/``not`` on traced tensors become
``nf.cond`` / ``nf.while_loop`` / logical ops.

``nf.function`` uses it only when a trace fails because Python needed a tensor's truth value;
the function's source is rewritten once and traced again. On Python values the rewritten code
behaves exactly as the original (the helpers below fall back to plain Python).

Supported: ``if``/``else`` and ``while`` blocks without ``return``/``break``/``continue`` inside
them; variables they assign are carried through the branches or the loop.
"""

import ast
import functools
import inspect
import sys
import textwrap
import types

from ..core.ops import math as _m
from ..core.tensor import Tensor
from . import control
from .symbolic import SymbolicTensor


class _Undefined:
    """The value of a variable not yet assigned when a converted block starts."""

    def __repr__(self):
        return "<undefined>"


UNDEFINED = _Undefined()


def ld(read):
    """The current value of a variable, or UNDEFINED."""
    try:
        return read()
    except NameError:
        return UNDEFINED


def _symbolic(x):
    return isinstance(x, SymbolicTensor)


def if_stmt(test, true_fn, false_fn, init, names):
    """``if test:`` as ``nf.cond`` when ``test`` is a traced tensor; else plain Python."""
    if not _symbolic(test):
        return true_fn(*init) if test else false_fn(*init)

    def branch(fn):
        def run():
            out = fn(*init)
            for name, value in zip(names, out):
                if value is UNDEFINED:
                    raise ValueError(f"'{name}' must be defined in both branches of an `if` on "
                                     "a tensor (and before it, if one branch leaves it alone)")
            return tuple(out)
        return run

    result = control.cond(test, branch(true_fn), branch(false_fn))
    return () if result is None else tuple(result)


def while_stmt(cond_fn, body_fn, init):
    """``while test:`` as ``nf.while_loop`` when the test is a traced tensor; else Python."""
    values = tuple(init)
    test = cond_fn(*values)
    while not _symbolic(test):
        if not test:
            return values
        values = tuple(body_fn(*values))
        test = cond_fn(*values)
    keep = [i for i, v in enumerate(values) if v is not UNDEFINED]   # body temporaries drop

    def full(loop_vars):
        out = list(values)
        for i, v in zip(keep, loop_vars):
            out[i] = v
        return out

    def cond(*loop_vars):
        return cond_fn(*full(loop_vars))

    def body(*loop_vars):
        out = body_fn(*full(loop_vars))
        return [out[i] for i in keep]

    result = control.while_loop(cond, body, [values[i] for i in keep])
    return tuple(full(result))


def and_(*operands):
    """``a and b`` (operands as thunks): ``logical_and`` on traced tensors."""
    value = operands[0]()
    for thunk in operands[1:]:
        if _symbolic(value):
            value = _m.logical_and(value, thunk())
        elif not value:
            return value
        else:
            value = thunk()
    return value


def or_(*operands):
    """``a or b`` (operands as thunks): ``logical_or`` on traced tensors."""
    value = operands[0]()
    for thunk in operands[1:]:
        if _symbolic(value):
            value = _m.logical_or(value, thunk())
        elif value:
            return value
        else:
            value = thunk()
    return value


def not_(value):
    """``not x``: ``logical_not`` on traced tensors."""
    return _m.logical_not(value) if isinstance(value, Tensor) and _symbolic(value) else not value


# -- the source transformation --------------------------------------------------------------
def _assigned(statements):
    names = set()
    for stmt in statements:
        for node in _walk_local(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return sorted(names)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _walk_local(node):
    """ast.walk that does not enter nested functions, lambdas or classes."""
    if isinstance(node, _SCOPES):
        return
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _SCOPES):
                stack.append(child)


def _jumps(statements):
    return any(isinstance(n, (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom))
               for s in statements for n in _walk_local(s))


def _expr(code):
    return ast.parse(code, mode="eval").body


def _def(name, params, body):
    """A ``def name(*params): body`` node."""
    args = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return ast.FunctionDef(name=name, args=args, body=list(body), decorator_list=[],
                           returns=None)


class _Converter(ast.NodeTransformer):
    def __init__(self):
        self.count = 0

    def _function(self, name, params, body, returns):
        ret = ast.Return(ast.Tuple([ast.Name(n, ast.Load()) for n in returns], ast.Load()))
        return _def(name, params, list(body) + [ret])

    def _init(self, names):
        return ast.Tuple([_expr(f"__ag.ld(lambda: {n})") for n in names], ast.Load())

    def _assign(self, names, call):
        if not names:
            return ast.Expr(call)
        return ast.Assign([ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())],
                          call)

    def visit_If(self, node):
        self.generic_visit(node)
        if _jumps(node.body) or _jumps(node.orelse):
            return node
        self.count += 1
        names = _assigned(node.body + node.orelse)
        t, f = f"__ag_true_{self.count}", f"__ag_false_{self.count}"
        call = ast.Call(_expr("__ag.if_stmt"), [
            node.test, ast.Name(t, ast.Load()), ast.Name(f, ast.Load()), self._init(names),
            ast.Tuple([ast.Constant(n) for n in names], ast.Load())], [])
        return [self._function(t, names, node.body, names),
                self._function(f, names, node.orelse or [ast.Pass()], names),
                self._assign(names, call)]

    def visit_While(self, node):
        self.generic_visit(node)
        if node.orelse or _jumps(node.body):
            return node
        self.count += 1
        names = _assigned(node.body)
        c, b = f"__ag_cond_{self.count}", f"__ag_body_{self.count}"
        cond = _def(c, names, [ast.Return(node.test)])
        call = ast.Call(_expr("__ag.while_stmt"), [ast.Name(c, ast.Load()),
                                                   ast.Name(b, ast.Load()), self._init(names)],
                        [])
        return [cond, self._function(b, names, node.body, names), self._assign(names, call)]

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        self.count += 1
        fn = "__ag.and_" if isinstance(node.op, ast.And) else "__ag.or_"
        thunks = [ast.Lambda(ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                           kw_defaults=[], kwarg=None, defaults=[]), v)
                  for v in node.values]
        return ast.Call(_expr(fn), thunks, [])

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            self.count += 1
            return ast.Call(_expr("__ag.not_"), [node.operand], [])
        return node


def convert(fn):
    """``fn`` with its tensor-dependent control flow rewritten, or None when it cannot be."""
    if getattr(fn, "__name__", "<lambda>") == "<lambda>" or not hasattr(fn, "__code__"):
        return None
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source)
        cells = [c.cell_contents for c in (fn.__closure__ or ())]
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    definition = tree.body[0]
    if not isinstance(definition, ast.FunctionDef):
        return None
    definition.decorator_list = []
    converter = _Converter()
    try:
        definition = converter.visit(definition)
    except (TypeError, ValueError, AttributeError):
        return None
    if not converter.count:
        return None
    free = list(fn.__code__.co_freevars)
    factory = _def("__ag_factory", ["__ag"] + free,
                   [definition, ast.Return(ast.Name(definition.name, ast.Load()))])
    module = ast.fix_missing_locations(ast.Module([factory], []))
    ast.increment_lineno(module, fn.__code__.co_firstlineno - 1)
    namespace = {}
    try:
        code = compile(module, fn.__code__.co_filename, "exec")
        exec(code, fn.__globals__, namespace)  # noqa: S102 - the user's own function, rewritten
    except (SyntaxError, TypeError, ValueError):
        return None
    converted = namespace["__ag_factory"](sys.modules[__name__], *cells)
    converted.__defaults__, converted.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    return converted


def convert_callable(fn):
    """``convert`` through ``functools.partial`` and bound methods; None when not possible."""
    if isinstance(fn, functools.partial):
        inner = convert_callable(fn.func)
        return None if inner is None else functools.partial(inner, *fn.args, **fn.keywords)
    if inspect.ismethod(fn):
        inner = convert(fn.__func__)
        return None if inner is None else types.MethodType(inner, fn.__self__)
    return convert(fn)
