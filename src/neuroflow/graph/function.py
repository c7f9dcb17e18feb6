"""``nf.function``: traces a Python function into a ``Graph`` once per input signature, then runs
the optimized, compiled graph instead of the Python code.

Rules (as TF 2):
- A trace happens per *signature*: shapes and dtypes of tensor arguments, values of Python
  arguments (so ``f(1)`` and ``f(2)`` are two traces), identity of other objects.
- Python side effects (``print``, appending to a list) happen while tracing only; ``nf.print``
  and variable assigns happen at every call.
- Variables are captured by reference: the graph reads and writes them when it runs. Creating
  variables is allowed on the first trace only.
- When a tape is recording outside, or the call is itself being traced, the graph is replayed op
  by op through ``bind`` so gradients and nesting work as in eager mode.
- Python control flow on a traced tensor is converted by ``autograph`` on demand.
"""

import collections
import functools
import warnings
import weakref

import numpy as np

from ..backend import device as _device
from ..backend.dtypes import FROM_NP
from ..core import nest, registry
from ..core.convert import convert_to_tensor
from ..core.tensor import OperatorNotAllowedInGraphError, Tensor
from . import ag_transform as _ag_transform
from . import signature as _signature
from .autograph import Undefined
from .execute import Compiled
from .ir import Graph, replay, tracing
from .passes import Program, op_count_table, optimize
from .symbolic import SymbolicTensor, TensorSpec

_RETRACE_WINDOW = 5
_RUN_EAGERLY = [False]


def run_functions_eagerly(run_eagerly):
    """When True, every ``nf.function`` calls its Python function directly instead of tracing
    it (for debugging with ``print`` and breakpoints), as ``tf.config.run_functions_eagerly``.
    """
    _RUN_EAGERLY[0] = bool(run_eagerly)


def functions_run_eagerly():
    """Whether ``run_functions_eagerly(True)`` is in effect."""
    return _RUN_EAGERLY[0]


class RetracingWarning(UserWarning):
    """Warned when a function is retraced on (nearly) every call, which makes it slow."""


def _is_tensor_leaf(x):
    return (isinstance(x, Tensor) and not x._is_variable) or isinstance(x, np.ndarray)


def _leaf_key(x):
    t = type(x)
    if t is Tensor:
        v = x._value
        return (v.shape, v.dtype)
    if t is float or t is int or t is bool or t is str or x is None:
        return (t, x)
    if t is tuple or t is list:
        return (t, tuple(_leaf_key(v) for v in x))
    if t is dict:
        return (t, tuple((k, _leaf_key(x[k])) for k in sorted(x)))
    if isinstance(x, SymbolicTensor):
        return ("S", tuple(x.shape), x.dtype)
    if isinstance(x, Tensor):
        if x._is_variable:
            return ("V", id(x))
        return (x._value.shape, x._value.dtype)
    if isinstance(x, np.ndarray):
        return ("A", x.shape, x.dtype)
    if isinstance(x, (tuple, list)):  # namedtuples and subclasses
        return (t, tuple(_leaf_key(v) for v in x))
    try:
        hash(x)
        return ("O", x)
    except TypeError:
        return ("id", id(x))


def _spec_of(x):
    if isinstance(x, Tensor):
        return TensorSpec(x.shape, x.dtype)
    return TensorSpec(x.shape, FROM_NP[x.dtype])


class Function:
    """A Python function compiled into graphs; see ``nf.function``."""

    def __init__(self, python_function, input_signature=None, reduce_retracing=False,
                 jit_compile=None, autograph=True, name=None, optimize=True):
        functools.update_wrapper(self, python_function)
        self.python_function = python_function
        self.input_signature = None if input_signature is None else list(input_signature)
        self._reduce_retracing = bool(reduce_retracing)
        self._optimize = optimize
        self._autograph = bool(autograph)
        self._converted = False
        self._name = name or getattr(python_function, "__name__", "function")
        self._cache = {}
        self._concrete = []
        self._trace_count = 0
        self._recent = collections.deque(maxlen=_RETRACE_WINDOW)
        self._warned = False
        self._bound = weakref.WeakKeyDictionary()
        self._attr = f"_nf_function_{id(self)}"

    def __get__(self, instance, owner):
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:  # unhashable instance: keep the bound function on it
            bound = getattr(instance, "__dict__", {}).get(self._attr)
        if bound is None:
            bound = Function(functools.partial(self.python_function, instance),
                             self.input_signature, self._reduce_retracing,
                             autograph=self._autograph, name=self._name, optimize=self._optimize)
            try:
                self._bound[instance] = bound
            except TypeError:
                if hasattr(instance, "__dict__"):
                    instance.__dict__[self._attr] = bound
        return bound

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if _RUN_EAGERLY[0]:
            return self.python_function(*args, **kwargs)
        if self.input_signature is not None:
            concrete = self._signature_concrete()
            return concrete._call_structured(args, kwargs, check=True)
        key = tuple(_leaf_key(a) for a in args)
        if kwargs:
            key = (key, tuple((k, _leaf_key(kwargs[k])) for k in sorted(kwargs)))
        concrete = self._cache.get(key)
        if concrete is None:
            concrete = self._lookup_or_trace(args, kwargs, key)
        else:
            self._recent.append(False)
        return concrete._call_structured(args, kwargs)

    def _lookup_or_trace(self, args, kwargs, key):
        flat = nest.flatten((args, kwargs))
        specs = [_spec_of(x) if _is_tensor_leaf(x) else None for x in flat]
        for concrete in self._concrete:
            if concrete._accepts(flat, specs, key):
                self._cache[key] = concrete
                self._recent.append(False)
                return concrete
        if self._reduce_retracing:
            specs = self._relaxed(flat, specs)
        concrete = self._trace(args, kwargs, specs)
        self._cache[key] = concrete
        self._recent.append(True)
        if (not self._warned and len(self._recent) == _RETRACE_WINDOW and all(self._recent)):
            self._warned = True
            warnings.warn(
                f"{_RETRACE_WINDOW} out of the last {_RETRACE_WINDOW} calls to "
                f"{self._name} triggered nf.function retracing. Tracing is expensive; "
                "likely causes: calling it with Python numbers or differently-shaped tensors "
                "(pass tensors, use input_signature or reduce_retracing=True), or defining the "
                "nf.function inside a loop.", RetracingWarning, stacklevel=3)
        return concrete

    def _relaxed(self, flat, specs):
        """Specs with the dims that differ from an earlier trace of the same structure as None."""
        for concrete in reversed(self._concrete):
            old = concrete._specs
            if len(old) != len(specs) or any((a is None) != (b is None) for a, b in
                                             zip(old, specs)):
                continue
            if any(a is not None and (a.dtype != b.dtype or len(a.shape) != len(b.shape))
                   for a, b in zip(old, specs)):
                continue
            return [None if s is None else TensorShape_relax(s, o) for s, o in zip(specs, old)]
        return specs

    def _signature_concrete(self):
        if not self._concrete:
            specs = list(self.input_signature)
            self._trace(tuple(specs), {}, specs)
        return self._concrete[0]

    # -- tracing ------------------------------------------------------------------------------
    def _trace(self, args, kwargs, specs):
        graph = Graph(self._name)
        graph.allow_new_variables = self._trace_count == 0
        flat = nest.flatten((args, kwargs))
        names = _leaf_names(self.python_function, args, kwargs)
        symbolic = []
        for x, spec, name in zip(flat, specs, names):
            if spec is not None:
                symbolic.append(graph.placeholder(spec.shape, spec.dtype, spec.name or name))
            else:
                symbolic.append(x)
        sym_args, sym_kwargs = nest.pack_sequence_as((args, kwargs), symbolic)
        self._trace_count += 1
        try:
            with tracing(graph):
                result = self.python_function(*sym_args, **sym_kwargs)
                out_flat = nest.flatten(result)
                for x in out_flat:
                    if isinstance(x, Undefined):
                        raise x.error()
                outputs = [graph.capture(x) for x in out_flat if isinstance(x, Tensor)]
        except OperatorNotAllowedInGraphError:
            converted = None
            if self._autograph and not self._converted:  # Python control flow on a tensor
                self._converted = True
                converted = _ag_transform.convert_callable(self.python_function)
            if converted is None:
                raise
            self.python_function = converted
            self._trace_count -= 1
            return self._trace(args, kwargs, specs)
        finally:
            graph.closed = True
        graph.outputs = outputs
        concrete = ConcreteFunction(graph, (args, kwargs), specs, result, self._optimize)
        concrete._python_function = self.python_function
        self._concrete.append(concrete)
        return concrete

    def get_concrete_function(self, *args, **kwargs):
        """The traced function for these arguments (tensors, ``TensorSpec``s or Python values).

        Returns:
            A ``ConcreteFunction`` with its ``.graph``.
        """
        if self.input_signature is not None and not args and not kwargs:
            return self._signature_concrete()
        flat = nest.flatten((args, kwargs))
        if any(isinstance(x, TensorSpec) for x in flat):
            specs = [x if isinstance(x, TensorSpec) else _spec_of(x) if _is_tensor_leaf(x)
                     else None for x in flat]
            for concrete in self._concrete:
                if concrete._specs == specs:
                    return concrete
            return self._trace(args, kwargs, specs)
        key = tuple(_leaf_key(a) for a in args)
        if kwargs:
            key = (key, tuple((k, _leaf_key(kwargs[k])) for k in sorted(kwargs)))
        concrete = self._cache.get(key)
        return concrete if concrete is not None else self._lookup_or_trace(args, kwargs, key)

    def pretty_printed_concrete_signatures(self, verbose=True):
        """The signatures of every trace so far, as ``ConcreteFunction.pretty_printed_signature``
        shows them, separated by blank lines."""
        return "\n\n".join(c.pretty_printed_signature(verbose) for c in self._concrete)

    def experimental_get_tracing_count(self):
        """How many times the Python function has been traced."""
        return self._trace_count

    def __repr__(self):
        return f"<nf.function {self._name}: {self._trace_count} trace(s)>"


def _leaf_names(fn, args, kwargs):
    """A name per flattened argument leaf, from the function's parameter names."""
    bound = 0
    while isinstance(fn, functools.partial) or getattr(fn, "__self__", None) is not None:
        if isinstance(fn, functools.partial):
            bound += len(fn.args)
            fn = fn.func
        else:  # a bound method: skip ``self``
            bound += 1
            fn = getattr(fn, "__func__", None)
    code = getattr(fn, "__code__", None)
    params = list(code.co_varnames[bound:code.co_argcount]) if code is not None else []
    names = []
    for i, arg in enumerate(args):
        base = params[i] if i < len(params) else f"arg{i}"
        leaves = nest.flatten(arg)
        names += [base] if len(leaves) == 1 and not nest.is_nested(arg) else [
            f"{base}_{j}" for j in range(len(leaves))]
    for key in sorted(kwargs):
        leaves = nest.flatten(kwargs[key])
        names += [key] if not nest.is_nested(kwargs[key]) else [
            f"{key}_{j}" for j in range(len(leaves))]
    return names


def TensorShape_relax(spec, old):
    """``spec`` with dims that differ from ``old``'s set to None."""
    dims = [a if a == b else None for a, b in zip(spec.shape, old.shape)]
    return TensorSpec(dims, spec.dtype, spec.name)


class ConcreteFunction:
    """One trace of a function: its ``graph``, the optimized ``program`` and the compiled code.

    Call it with the same arguments as the function (tensors where the trace had tensors).
    """

    def __init__(self, graph, structure, specs, result, optimize_graph=True):
        self.graph = graph
        self._structure = structure
        self._specs = specs
        self._result = result
        self._out_is_tensor = [isinstance(x, Tensor) for x in nest.flatten(result)]
        self._single = isinstance(result, Tensor)
        self._flat_args = not structure[1] and all(not nest.is_nested(a) for a in structure[0])
        self._positions = [i for i, s in enumerate(specs) if s is not None]
        program = Program(graph.nodes, graph.inputs, graph.outputs)
        self.unoptimized_counts = program.op_counts()
        self.program, self._compiled = _compile(program, graph.name, optimize_graph)
        self._generic_compiled = None

    def _generic(self):
        if self._generic_compiled is None:
            self._generic_compiled = Compiled(self.program.nodes, self.program.inputs,
                                              self.program.outputs, self.graph.name,
                                              specialize=False)
        return self._generic_compiled

    @property
    def inputs(self):
        """The placeholder tensors."""
        return list(self.graph.inputs)

    @property
    def outputs(self):
        """The output tensors."""
        return list(self.graph.outputs)

    @property
    def structured_outputs(self):
        """The traced function's return value, with symbolic tensors."""
        return self._result

    @property
    def source(self):
        """The generated Python code that runs the graph."""
        return self._compiled.source

    def summary(self, print_fn=print):
        """Prints the op counts of the traced graph and of the optimized one."""
        before, after = self.unoptimized_counts, self.program.op_counts()
        title = (f"Graph {self.graph.name!r}: {sum(before.values())} ops traced, "
                 f"{sum(after.values())} after optimization, "
                 f"{self._compiled.n_inplace} computed in place")
        text = op_count_table(title, ("traced", "optimized"), before, after)
        if print_fn is not None:
            print_fn(text)
        return text

    def _accepts(self, flat, specs, key):
        if len(specs) != len(self._specs):
            return False
        for x, new, old in zip(flat, specs, self._specs):
            if (new is None) != (old is None):
                return False
            if old is not None and not old.is_compatible_with(new):
                return False
        base = [_leaf_key(x) for x, s in zip(flat, specs) if s is None]
        own = [_leaf_key(x) for x, s in zip(nest.flatten(self._structure), self._specs)
               if s is None]
        return base == own

    def __call__(self, *args, **kwargs):
        n_given = len(nest.flatten((args, kwargs)))
        if n_given != len(self._specs) and n_given == len(self._positions):
            return self._call_flat(args, kwargs)
        return self._call_structured(args, kwargs, check=True)

    def _call_flat(self, args, kwargs):
        """A call with the tensor arguments only (positionally, or by their input names);
        the Python arguments are those the trace was made with, as in TF."""
        names = [self.graph.inputs[k].op.name for k in range(len(self._positions))]
        tensors = list(args) + [None] * (len(self._positions) - len(args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(f"{self.graph.name}: unexpected keyword argument {key!r} "
                                f"(tensor inputs: {names})")
            tensors[names.index(key)] = value
        flat = list(nest.flatten(self._structure))
        for i, x in zip(self._positions, tensors):
            flat[i] = x
        args, kwargs = nest.pack_sequence_as(self._structure, flat)
        return self._call_structured(args, kwargs, check=True)

    @property
    def structured_input_signature(self):
        """``(args, kwargs)`` of the trace, each tensor argument as its ``TensorSpec``."""
        return _signature.structured_specs(self._structure, self._specs)

    @property
    def captured_variables(self):
        """The variables the graph reads or writes, in first-use order."""
        seen = {}
        for node in self.graph.nodes:
            if node.var is not None:
                seen.setdefault(id(node.var), node.var)
        return list(seen.values())

    def pretty_printed_signature(self, verbose=True):
        """The parameters, output type and captures of this trace, in TF's format."""
        fn = getattr(self, "_python_function", None)
        return _signature.pretty_signature(fn, self._structure, self._specs, self._result,
                                           self.captured_variables)

    def run_arrays(self, arrays):
        """Runs the graph on NumPy arrays, one per tensor argument in flattened order, and
        returns the output arrays as a tuple: the loop-friendly path, with no conversion,
        no shape checks and no packing (callers guarantee shapes and dtypes match the trace).
        """
        try:
            return self._compiled.run(np, arrays)
        except Exception as error:  # noqa: BLE001 - re-raised, named after its node
            raise self._compiled.error(error) from None

    @property
    def fresh_outputs(self):
        """For each output of ``run_arrays``: True when it is a new array of its own, which a
        caller may hand out without a copy (else it may be an input, a constant or a view)."""
        return self._compiled.fresh_outputs

    def pack_outputs(self, arrays):
        """The function's structured return value from ``run_arrays``'s output arrays."""
        if self._single:
            return Tensor(arrays[0])
        return self._pack([Tensor(a) for a in arrays])

    def _call_structured(self, args, kwargs, check=False):
        if self._flat_args and not kwargs:
            flat = args
        else:
            flat = nest.flatten((args, kwargs))
        if check:
            flat = self._checked(flat)
        if registry._tracers or (registry._tapes and any(t._recording for t in registry._tapes)):
            return self._replay(flat)
        try:
            arrays = [flat[i]._value if isinstance(flat[i], Tensor) else flat[i]
                      for i in self._positions]
        except OperatorNotAllowedInGraphError:
            return self._replay(flat)
        compiled, xp = self._compiled, np
        if _device._cupy is not None:
            xp = registry._xp_of(arrays)
            if xp is not np:  # CuPy arrays: every node through its kernel, on xp
                compiled = self._generic()
        try:
            outs = compiled.run(xp, arrays)
        except Exception as error:  # noqa: BLE001 - re-raised, named after its node
            raise compiled.error(error) from None
        return self.pack_outputs(outs)

    def _pack(self, tensors):
        it = iter(tensors)
        flat = [next(it) if is_tensor else x
                for x, is_tensor in zip(nest.flatten(self._result), self._out_is_tensor)]
        return nest.pack_sequence_as(self._result, flat)

    def _checked(self, flat):
        if len(flat) != len(self._specs):
            raise TypeError(f"{self.graph.name}: expected {len(self._positions)} tensor "
                            f"argument(s) matching {[s for s in self._specs if s]}, got "
                            f"{len(flat)} argument(s)")
        out = list(flat)
        for i in self._positions:
            spec, x = self._specs[i], flat[i]
            if not isinstance(x, Tensor):
                x = out[i] = convert_to_tensor(x, dtype=spec.dtype)
            if x.dtype != spec.dtype:
                raise TypeError(f"{self.graph.name}: argument {i} has dtype {x.dtype.name}, "
                                f"but the signature expects {spec}")
            if not spec.shape.is_compatible_with(x.shape):
                raise ValueError(f"{self.graph.name}: argument {i} has shape "
                                 f"{tuple(x.shape)}, incompatible with the signature {spec}")
        return out

    def _replay(self, flat):
        env = {id(self.graph.inputs[k]): flat[i] for k, i in enumerate(self._positions)}
        replay(self.graph.nodes, env)
        return self._pack([env[id(t)] for t in self.graph.outputs])


def _compile(program, name, optimize_graph=True):
    """The optimized program and its compiled code; a failing pass or specialization falls
    back to the plain program (with a warning) rather than breaking the function."""
    try:
        optimized = optimize(program) if optimize_graph else program
        return optimized, Compiled(optimized.nodes, optimized.inputs, optimized.outputs, name)
    except Exception as error:  # noqa: BLE001 - a bug in an optimization must not be fatal
        warnings.warn(f"nf.function {name}: graph optimization failed ({error!r}); running "
                      "the unoptimized graph", UserWarning, stacklevel=4)
        return program, Compiled(program.nodes, program.inputs, program.outputs, name,
                                 specialize=False)


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_relax_shapes=None, name=None, **unused):
    """Compiles a Python function into a graph, as ``tf.function``; usable as a decorator.

    Args:
        func: the function (omit it to get a decorator with these options).
        input_signature: list of ``nf.TensorSpec``; then one trace serves every call, and
            arguments are checked against it.
        reduce_retracing: on a retrace, dims that changed become None so one graph serves many
            shapes (``experimental_relax_shapes`` is the old name).
        autograph: when a trace meets a Python ``if``/``while``/``and``/``or``/``not`` on a
            traced tensor, rewrite the function's source into ``nf.cond`` / ``nf.while_loop``
            and trace again (blocks with ``return``/``break`` inside are not converted).
        jit_compile: accepted for TF compatibility (graphs are always compiled to
            straight-line Python over the kernels).

    Returns:
        A ``Function``: call it like the original; ``get_concrete_function`` gives a trace.

    Example:
        >>> w = nf.Variable(2.0)
        >>> @nf.function
        ... def f(x):
        ...     return w * x + 0.7
        >>> f(nf.constant(1.0)).numpy()
        2.7
    """
    relax = reduce_retracing or bool(experimental_relax_shapes)
    if func is None:
        return lambda f: Function(f, input_signature, relax, jit_compile, autograph, name)
    return Function(func, input_signature, relax, jit_compile, autograph, name)
