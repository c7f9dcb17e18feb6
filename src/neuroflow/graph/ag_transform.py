"""A small AutoGraph, source half: rewrites a function's control flow into ``autograph`` calls.

``nf.function`` uses it only when a trace fails because Python needed a tensor's truth value
(or the length of a traced tensor it iterates); the function's source is rewritten once and
traced again. Three lowering passes run first, on plain Python:

- ``return`` inside ``if``: the statements after the ``if`` move into the branches that do not
  return, then every ``return v`` becomes ``__ag_ret = v`` and the function ends in one return;
- ``break``/``continue`` in a loop become flags (``__ag_brk_N``, ``__ag_cnt_N``) guarding the
  rest of the body, and ``not __ag_brk_N`` joins the loop's test;
then ``if``/``while``/``for``/``and``/``or``/``not`` become ``autograph.if_stmt`` ... calls,
whose branch and body functions take and return the variables the block assigns.
Not converted (left as Python): ``return`` inside a loop, a loop's ``else:``, ``yield``.
"""

import ast
import copy
import functools
import inspect
import textwrap
import types

from . import autograph

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.While, ast.For)


def _walk_local(node, into_loops=True):
    """ast.walk that does not enter nested functions, lambdas or classes (nor loops if asked)."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _SCOPES) and (into_loops or not isinstance(child, _LOOPS)):
                stack.append(child)


def _walk_all(statements, into_loops=True):
    for s in statements:
        if not isinstance(s, _SCOPES) and (into_loops or not isinstance(s, _LOOPS)):
            yield from _walk_local(s, into_loops)


def _assigned(statements):
    names = set()
    for node in _walk_all(statements):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return sorted(names)


def _has(statements, kinds, into_loops=True):
    return any(isinstance(n, kinds) for n in _walk_all(statements, into_loops))


def _expr(code):
    return ast.parse(code, mode="eval").body


def _name(n, store=False):
    return ast.Name(n, ast.Store() if store else ast.Load())


def _set(name, value):
    return ast.Assign([_name(name, True)], value)


def _def(name, params, body):
    """A ``def name(*params): body`` node."""
    args = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return ast.FunctionDef(name=name, args=args, body=list(body), decorator_list=[],
                           returns=None, type_params=[])


# -- pass 1: early returns ------------------------------------------------------------------
def _returns_only_via_ifs(statements):
    """True when every ``return`` sits in plain statement lists and ``if`` branches."""
    for s in statements:
        if isinstance(s, ast.If):
            if not _returns_only_via_ifs(s.body) or not _returns_only_via_ifs(s.orelse):
                return False
        elif not isinstance(s, (ast.Return, *_SCOPES)) and _has([s], ast.Return):
            return False
    return True


def _push_down(statements):
    """Moves what follows an ``if`` holding a ``return`` into its branches."""
    out = []
    for i, s in enumerate(statements):
        out.append(s)
        if isinstance(s, ast.Return):
            return out                       # what follows is dead code
        if isinstance(s, ast.If) and _has([s], ast.Return):
            rest = statements[i + 1:]
            s.body = _push_down(s.body + copy.deepcopy(rest))
            s.orelse = _push_down((s.orelse or []) + copy.deepcopy(rest))
            return out
    return out


def _returns_to_assign(statements):
    out = []
    for s in statements:
        if isinstance(s, ast.Return):
            out.append(_set("__ag_ret", s.value or ast.Constant(None)))
        elif isinstance(s, ast.If) and _has([s], ast.Return):
            s.body, s.orelse = _returns_to_assign(s.body), _returns_to_assign(s.orelse)
            out.append(s)
        else:
            out.append(s)
    return out


def lower_returns(definition):
    """Rewrites ``return`` inside ``if`` blocks into one final ``return __ag_ret``."""
    body = definition.body
    if not any(isinstance(s, ast.If) and _has([s], ast.Return) for s in _walk_all(body, False)):
        return
    if not _returns_only_via_ifs(body):
        return
    if not body or not isinstance(body[-1], ast.Return):
        body = body + [ast.Return(ast.Constant(None))]
    definition.body = _returns_to_assign(_push_down(body)) + [ast.Return(_name("__ag_ret"))]


# -- pass 2: break and continue -------------------------------------------------------------
class _JumpLowering(ast.NodeTransformer):
    """``break``/``continue`` of a loop become flags guarding the rest of its body."""

    def __init__(self):
        self.count = 0

    def _loop(self, node):
        self.generic_visit(node)
        jumps = (ast.Break, ast.Continue)
        if node.orelse or not _has(node.body, jumps, into_loops=False):
            return node
        if not _jumps_only_via_ifs(node.body):
            return node
        self.count += 1
        brk, cnt = f"__ag_brk_{self.count}", f"__ag_cnt_{self.count}"
        node.body = [_set(cnt, ast.Constant(False))] + _lower_jumps(node.body, brk, cnt)
        if isinstance(node, ast.While):
            node.test = ast.BoolOp(ast.And(), [_expr(f"not {brk}"), node.test])
        else:
            node.__dict__["ag_extra_test"] = brk
        return [_set(brk, ast.Constant(False)), node]

    visit_While = visit_For = _loop


def _jumps_only_via_ifs(statements):
    for s in statements:
        if isinstance(s, ast.If):
            if not _jumps_only_via_ifs(s.body) or not _jumps_only_via_ifs(s.orelse):
                return False
        elif not isinstance(s, (ast.Break, ast.Continue, *_LOOPS, *_SCOPES)) and _has(
                [s], (ast.Break, ast.Continue), into_loops=False):
            return False
    return True


def _lower_jumps(statements, brk, cnt):
    out = []
    for i, s in enumerate(statements):
        if isinstance(s, (ast.Break, ast.Continue)):
            out.append(_set(brk if isinstance(s, ast.Break) else cnt, ast.Constant(True)))
            return out
        if isinstance(s, ast.If) and _has([s], (ast.Break, ast.Continue), into_loops=False):
            s.body = _lower_jumps(s.body, brk, cnt)
            s.orelse = _lower_jumps(s.orelse, brk, cnt)
            out.append(s)
            rest = statements[i + 1:]
            if rest:
                guard = ast.If(_expr(f"not ({brk} or {cnt})"), _lower_jumps(rest, brk, cnt), [])
                out.append(guard)
            return out
        out.append(s)
    return out


# -- pass 3: control flow into autograph calls ------------------------------------------------
class _Converter(ast.NodeTransformer):
    def __init__(self):
        self.count = 0

    def _function(self, name, params, body, returns):
        ret = ast.Return(ast.Tuple([_name(n) for n in returns], ast.Load()))
        return _def(name, params, list(body) + [ret])

    def _init(self, names):
        return ast.Tuple([_expr(f"__ag.ld(lambda: {n})") for n in names], ast.Load())

    def _names(self, names):
        return ast.Tuple([ast.Constant(n) for n in names], ast.Load())

    def _assign(self, names, call):
        if not names:
            return ast.Expr(call)
        return ast.Assign([ast.Tuple([_name(n, True) for n in names], ast.Store())], call)

    def visit_If(self, node):
        self.generic_visit(node)
        if _has(node.body + node.orelse, (ast.Return, ast.Break, ast.Continue, ast.Yield,
                                          ast.YieldFrom)):
            return node
        self.count += 1
        names = _assigned(node.body + node.orelse)
        t, f = f"__ag_true_{self.count}", f"__ag_false_{self.count}"
        call = ast.Call(_expr("__ag.if_stmt"), [
            node.test, _name(t), _name(f), self._init(names), self._names(names)], [])
        return [self._function(t, names, node.body, names),
                self._function(f, names, node.orelse or [ast.Pass()], names),
                self._assign(names, call)]

    def visit_While(self, node):
        self.generic_visit(node)
        if node.orelse or _has(node.body, (ast.Return, ast.Break, ast.Continue, ast.Yield)):
            return node
        self.count += 1
        names = _assigned(node.body)
        c, b = f"__ag_cond_{self.count}", f"__ag_body_{self.count}"
        cond = _def(c, names, [ast.Return(node.test)])
        call = ast.Call(_expr("__ag.while_stmt"), [_name(c), _name(b), self._init(names),
                                                   self._names(names)], [])
        return [cond, self._function(b, names, node.body, names), self._assign(names, call)]

    def visit_For(self, node):
        self.generic_visit(node)
        if node.orelse or _has(node.body, (ast.Return, ast.Break, ast.Continue, ast.Yield)):
            return node
        self.count += 1
        names = sorted(set(_assigned(node.body)) | set(_assigned([ast.Assign(
            [node.target], ast.Constant(None))])))
        b, t = f"__ag_body_{self.count}", f"__ag_test_{self.count}"
        item = f"__ag_item_{self.count}"
        body = [ast.Assign([node.target], _name(item))] + node.body
        extra = node.__dict__.get("ag_extra_test")
        out = []
        if extra is not None:
            out.append(_def(t, names, [ast.Return(_expr(f"__ag.not_({extra})"))]))
        out.append(self._function(b, [item] + names, body, names))
        call = ast.Call(_expr("__ag.for_stmt"), [
            node.iter, _name(t) if extra is not None else ast.Constant(None), _name(b),
            self._init(names), self._names(names)], [])
        return out + [self._assign(names, call)]

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


def _definition(fn):
    """The ``ast.FunctionDef`` of ``fn``'s source, or None."""
    if getattr(fn, "__name__", "<lambda>") == "<lambda>" or not hasattr(fn, "__code__"):
        return None
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    definition = tree.body[0]
    if not isinstance(definition, ast.FunctionDef):
        return None
    definition.decorator_list = []
    return definition


def transform(definition):
    """Runs the three passes on a FunctionDef; returns (new definition, conversions made)."""
    lower_returns(definition)
    definition = _JumpLowering().visit(definition)
    converter = _Converter()
    definition = converter.visit(definition)
    return ast.fix_missing_locations(definition), converter.count


def convert(fn):
    """``fn`` with its tensor-dependent control flow rewritten, or None when it cannot be."""
    definition = _definition(fn)
    if definition is None:
        return None
    try:
        definition, count = transform(definition)
    except (TypeError, ValueError, AttributeError):
        return None
    if not count:
        return None
    free = list(fn.__code__.co_freevars)
    factory = _def("__ag_factory", ["__ag"] + free,
                   [definition, ast.Return(_name(definition.name))])
    module = ast.fix_missing_locations(ast.Module([factory], []))
    ast.increment_lineno(module, fn.__code__.co_firstlineno - 1)
    namespace = {}
    try:
        code = compile(module, fn.__code__.co_filename, "exec")
        exec(code, fn.__globals__, namespace)  # noqa: S102 - the user's own function, rewritten
    except (SyntaxError, TypeError, ValueError):
        return None
    cells = [c.cell_contents for c in (fn.__closure__ or ())]
    converted = namespace["__ag_factory"](autograph, *cells)
    converted.__defaults__, converted.__kwdefaults__ = fn.__defaults__, fn.__kwdefaults__
    converted.__ag_source__ = ast.unparse(definition)
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


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The Python source of ``entity`` (a function or ``nf.function``) as AutoGraph converts it,
    like ``tf.autograph.to_code``.

    Example:
        >>> print(nf.autograph.to_code(lambda_free_function))   # doctest: +SKIP
    """
    fn = getattr(entity, "python_function", entity)
    while isinstance(fn, functools.partial):
        fn = fn.func
    fn = getattr(fn, "__func__", fn)
    source = getattr(fn, "__ag_source__", None)
    if source is not None:
        return source + "\n"
    definition = _definition(fn)
    if definition is None:
        raise ValueError(f"to_code: the source of {entity!r} is not available")
    definition, _ = transform(definition)
    return ast.unparse(definition) + "\n"


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """``entity`` with its control flow converted (``tf.autograph.to_graph``): the converted
    Python function, to be called inside ``nf.function``; ``entity`` itself when nothing needs
    converting."""
    return convert_callable(entity) or entity

