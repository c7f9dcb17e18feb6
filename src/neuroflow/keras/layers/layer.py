"""``Layer``: Keras 3's contract. ``__init__`` stores config, ``build`` adds weights, ``call`` is
the math, ``get_config`` round-trips; ``__call__`` glues them (build on first call, input checks,
training flag, masks, losses) and records a ``Node`` when called on symbolic tensors.
"""

import functools
import inspect
import itertools

import numpy as np

from ...core import nest
from ...core.convert import convert_to_tensor
from ...core.ops import math as math_ops
from ...core.ops import shape as shape_ops
from ...core.tensor import Tensor
from ...core.variable import Variable as _CoreVariable
from .. import backend, constraints, initializers, regularizers
from . import layer_utils
from .input_spec import assert_input_compatibility
from .layer_utils import dtype_config
from .node import KerasTensor, Node, any_symbolic, get_mask, set_mask

__all__ = ["Layer"]

_CALL_STACK = []       # training flag of each layer call in progress, innermost last
_NAME_SCOPE = []       # names of the layers being called or built: variable paths

_KERAS3_ADD_WEIGHT = ("shape", "initializer", "dtype", "trainable", "autocast", "regularizer",
                      "constraint", "aggregation", "overwrite_with_gradient", "name")
_BASE_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights",
                "input_length"}


def _scope_of(layer):
    scope = list(_NAME_SCOPE)
    return scope if scope and scope[-1] == layer.name else scope + [layer.name]


class name_scope:
    """Context manager: variables created inside get ``name/`` in their path (unless the
    innermost scope already is ``name``)."""

    def __init__(self, name):
        self.name = name
        self._pushed = False

    def __enter__(self):
        if not _NAME_SCOPE or _NAME_SCOPE[-1] != self.name:
            _NAME_SCOPE.append(self.name)
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _NAME_SCOPE.pop()


@functools.lru_cache(maxsize=None)
def _call_spec(cls):
    """(accepts training, accepts mask, names of the other ``<arg>_mask`` parameters, names of
    the positional parameters) of ``cls.call``."""
    params = inspect.signature(cls.call).parameters
    names = [n for n, p in params.items() if n != "self" and p.kind in (
        p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    arg_masks = tuple(n for n in params if n.endswith("_mask") and n[:-5] in params)
    return "training" in params, "mask" in params, arg_masks, tuple(names)


@functools.lru_cache(maxsize=None)
def _extra_build_params(cls):
    """Parameters of ``cls.build`` after the first, named ``<call arg>_shape`` (Keras 3 maps
    each call argument's shape to them, e.g. MultiHeadAttention's ``value_shape``)."""
    params = [n for n in inspect.signature(cls.build).parameters if n != "self"]
    return tuple(n for n in params[1:] if n.endswith("_shape"))


def _extend_unique(out, variables):
    """``out`` with each of ``variables`` not already in it appended, in order. Compared by
    identity: a variable's ``==`` is elementwise."""
    seen = {id(v) for v in out}
    for v in variables:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _marking_built(build):
    """``build`` that, as Keras's, leaves the layer built (and its build shape recorded) when a
    user calls it directly: the first call then neither rebuilds it nor discards weights set
    in between."""
    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        if self.__dict__.get("_build_shapes") is None and args:
            self._build_shapes = args[0]
        self.built = True
        return result
    wrapper._marks_built = True
    return wrapper


class Layer:
    """Base class of all layers: a callable holding weights, built on its first call.

    Subclass it and write ``build(input_shape)`` (create weights with ``add_weight``) and
    ``call(inputs, training=None, mask=None)`` (the math); ``get_config`` for serialization.

    Args:
        trainable: whether the layer's weights are updated by training.
        name: unique name; default derived from the class (``'dense'``, ``'dense_1'``, ...).
        dtype: dtype of weights and computations (default ``'float32'``).
        activity_regularizer: regularizer applied to the outputs (a loss added per call).
        input_shape: shape of one example, accepted on the first layer of a Sequential.

    A built-in layer whose ``compute_output_shape`` is exact sets ``_shape_rule`` to
    ``'compute'`` (outputs in the layer's dtype) or ``'input'`` (the input's dtype), so a
    symbolic call uses it instead of running ``call`` on dummy data.

    Example:
        >>> class Linear(nf.keras.layers.Layer):
        ...     def __init__(self, units=4, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.units = units
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1], self.units))
        ...     def call(self, x):
        ...         return x @ self.w
    """

    _shape_rule = None
    # Built-in layers whose math needs floats set this: an int or bool input is cast to the
    # compute dtype (Keras's ops promote such inputs; neuroflow's ops do not mix dtypes).
    # Embedding, CategoryEncoding, reshaping layers and user layers keep their input dtype.
    _cast_int_inputs = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__ and not getattr(cls.__dict__["build"], "_marks_built", False):
            cls.build = _marking_built(cls.__dict__["build"])

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        object.__setattr__(obj, "_init_args", (args, kwargs))
        return obj

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        unknown = {k: v for k, v in kwargs.items() if k not in _BASE_KWARGS}
        if unknown:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                             f"{unknown}")
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Argument `name` must be a string and cannot contain character "
                             f"`/`. Received: name={name!r}")
        self._init_tracking()
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._dtype = backend.standardize_dtype(dtype)
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.built = False
        self.input_spec = None
        self.supports_masking = getattr(self, "supports_masking", False)
        self._build_shapes = None
        self._batch_input_shape = self._shape_from_kwargs(kwargs)
        self._initial_weights = kwargs.get("weights")

    def _init_tracking(self):
        if "_tracked_layers" in self.__dict__:
            return
        for attr in ("_tracked_layers", "_trainable_variables", "_non_trainable_variables",
                     "_losses", "_inbound_nodes", "_outbound_nodes", "_regularized"):
            object.__setattr__(self, attr, [])

    @staticmethod
    def _shape_from_kwargs(kwargs):
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        if kwargs.get("input_shape") is not None:
            shape = kwargs["input_shape"]
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            return (kwargs.get("batch_size"),) + shape
        if kwargs.get("input_dim") is not None:
            return (kwargs.get("batch_size"), kwargs["input_dim"])
        return None

    # -- attribute tracking (sublayers and variables assigned as attributes) -------------------
    def __setattr__(self, name, value):
        if name != "_tracked_layers" and not name.startswith("__"):
            self._init_tracking()
            # private attributes track sublayers only: framework state (metrics, optimizer
            # slots) kept on a model must not become its weights
            self._track(value, variables=not name.startswith("_"))
        object.__setattr__(self, name, value)

    def _track(self, value, variables=True):
        if isinstance(value, Layer):
            if value is not self and value not in self._tracked_layers:
                self._tracked_layers.append(value)
        elif isinstance(value, _CoreVariable):
            if variables and not any(v is value for v in self._own_variables()):
                target = (self._trainable_variables if value.trainable
                          else self._non_trainable_variables)
                target.append(value)
        elif isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                if isinstance(item, (Layer, _CoreVariable, list, tuple, dict)):
                    self._track(item, variables)

    def _own_variables(self):
        return self._trainable_variables + self._non_trainable_variables

    def _flatten_layers(self, include_self=True, recursive=True):
        out, seen = [], set()

        def visit(layer, depth):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            if recursive or depth == 0:
                for child in layer._tracked_layers:
                    visit(child, depth + 1)
        visit(self, 0)
        return out if include_self else out[1:]

    # -- properties -------------------------------------------------------------------------------
    @property
    def trainable(self):
        """Whether the layer's weights are trained; setting it applies to all sublayers."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        for layer in self._flatten_layers():
            object.__setattr__(layer, "_trainable", bool(value))

    @property
    def dtype(self):
        """The dtype of the layer's weights and computations, e.g. ``'float32'``."""
        return self._dtype

    compute_dtype = dtype
    variable_dtype = dtype

    @property
    def dtype_policy(self):
        """The dtype as a name (neuroflow has no mixed-precision policies)."""
        return self._dtype

    @property
    def weights(self):
        """All weights: own trainable, own non-trainable, then each sublayer's."""
        sublayer_weights = (v for layer in self._tracked_layers for v in layer.weights)
        return _extend_unique([], itertools.chain(self._own_variables(), sublayer_weights))

    @property
    def trainable_weights(self):
        """Weights updated by training (empty when ``trainable`` is False)."""
        if not self.trainable:
            return []
        own = [v for v in self._trainable_variables if v.trainable]
        return _extend_unique(own, (v for layer in self._tracked_layers
                                    for v in layer.trainable_weights))

    @property
    def non_trainable_weights(self):
        """Weights not updated by gradients (moving statistics, frozen weights)."""
        if not self.trainable:
            return self.weights
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self):
        """Losses added by ``add_loss`` during the last call, then the weight regularizers'."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
        for layer in self._flatten_layers():
            for variable, regularizer in layer._regularized:
                if variable.trainable and layer.trainable:
                    out.append(regularizer(variable))
        return out

    def add_loss(self, loss):
        """Adds a scalar loss (e.g. an activity penalty) to be minimized with the model's loss."""
        if layer_utils.SPEC_RUNS[0]:
            return
        for value in nest.flatten(loss):
            self._losses.append(value if isinstance(value, Tensor) else convert_to_tensor(value))

    def _clear_losses(self):
        for layer in self._flatten_layers():
            layer._losses.clear()

    # -- weights ----------------------------------------------------------------------------------
    def add_weight(self, *args, **kwargs):
        """Creates a weight variable owned by this layer.

        Keras 3 order ``add_weight(shape, initializer, dtype, trainable, ...)``; Keras 2's
        ``add_weight(name, shape, dtype, initializer, regularizer, trainable, constraint)`` is
        accepted when the first argument is a string.

        Args:
            shape: the weight's shape (``()`` for a scalar).
            initializer: name or callable ``(shape, dtype) -> tensor``; default
                ``'glorot_uniform'`` for floats, ``'zeros'`` otherwise.
            dtype: default: the layer's dtype.
            trainable: whether gradients update it.
            regularizer: name or callable adding ``regularizer(weight)`` to ``losses``.
            constraint: name or callable applied after each optimizer update.
            name: e.g. ``'kernel'``; the variable's path is ``'<layer>/<name>'``.

        Returns:
            The new ``nf.keras.Variable``.
        """
        order = _KERAS3_ADD_WEIGHT
        if args and isinstance(args[0], str):
            order = ("name", "shape", "dtype", "initializer", "regularizer", "trainable",
                     "constraint")
        for key, value in zip(order, args):
            if key in kwargs:
                raise TypeError(f"add_weight() got multiple values for argument '{key}'")
            kwargs[key] = value
        return self._add_weight(**kwargs)

    def _add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                    autocast=True, regularizer=None, constraint=None, aggregation="none",
                    overwrite_with_gradient=False, name=None, **unused):
        dtype = backend.standardize_dtype(dtype or self._dtype)
        shape = () if shape is None else tuple(int(d) for d in shape)
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype)
        value = convert_to_tensor(value) if not isinstance(value, Tensor) else value
        if value.dtype != dtype:
            value = math_ops.cast(value, dtype)
        name = name or "variable"
        variable = backend.Variable(value, trainable=trainable, name=name, dtype=dtype,
                                    constraint=constraints.get(constraint),
                                    path="/".join(_scope_of(self) + [name]))
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            variable.regularizer = regularizer
            self._regularized.append((variable, regularizer))
        (self._trainable_variables if trainable else self._non_trainable_variables).append(
            variable)
        return variable

    def get_weights(self):
        """The values of ``weights`` as a list of NumPy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        """Sets ``weights`` from a list of arrays, in the order of ``get_weights``."""
        layer_weights = self.weights
        if len(layer_weights) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a "
                             f"weight list of length {len(weights)}, but the layer was "
                             f"expecting {len(layer_weights)} weights.")
        for variable, value in zip(layer_weights, weights):
            value = np.asarray(value)
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(f"Layer {self.name} weight shape {tuple(variable.shape)} is "
                                 f"not compatible with provided weight shape "
                                 f"{tuple(value.shape)}.")
            variable.assign(value.astype(variable.dtype._np))

    def count_params(self):
        """Number of scalars in all weights."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but "
                             "the layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(input_shape)`.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- the contract -----------------------------------------------------------------------------
    def build(self, input_shape):
        """Creates the weights; called once with the shape of the first input. Default: none."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's math. Default: identity."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape for an input shape (None for unknown dims); inferred by running ``call``
        on small dummy inputs unless a layer overrides it."""
        spec = self.compute_output_spec(layer_utils.spec_like(input_shape, self._dtype))
        return nest.map_structure(lambda t: tuple(t.shape), spec)

    def compute_mask(self, inputs, previous_mask):
        """Output mask for the given inputs and input mask; default: pass the mask through."""
        return previous_mask

    def get_config(self):
        """The constructor arguments as a JSON-friendly dict (name, trainable, dtype, ...)."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_config(self._dtype)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return {**config, **layer_utils.auto_config(self)}

    @classmethod
    def from_config(cls, config):
        """Builds a layer from ``get_config()``'s dict."""
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = backend.standardize_dtype(config["dtype"])
        try:
            return cls(**config)
        except Exception as error:
            raise TypeError(f"Error when deserializing class '{cls.__name__}' using "
                            f"config={config}.\n\nException encountered: {error}") from error

    def get_build_config(self):
        """The input shape the layer was built with, to rebuild it when loading."""
        if self._build_shapes is not None:
            return {"input_shape": self._build_shapes}
        return None

    def build_from_config(self, config):
        """Builds the layer from ``get_build_config()``'s dict."""
        if config and config.get("input_shape") is not None and not self.built:
            self._build_with(layer_utils.as_shape(config["input_shape"]))

    # -- calling ----------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        _NAME_SCOPE.append(self.name)
        try:
            return self._call(*args, **kwargs)
        finally:
            _NAME_SCOPE.pop()

    def _call(self, *args, **kwargs):
        if not args and "inputs" in kwargs:
            args = (kwargs.pop("inputs"),)
        if not args:
            raise ValueError(f"Layer '{self.name}' was called without an input")
        if any_symbolic(args) or any_symbolic(kwargs):
            return self._symbolic_call(*args, **kwargs)
        inputs = self._convert_inputs(args[0])
        args = (inputs,) + tuple(args[1:])
        if not self.built:
            assert_input_compatibility(self.input_spec, inputs, self.name)
            self._maybe_build(args, kwargs)
        assert_input_compatibility(self.input_spec, inputs, self.name)
        kwargs, training, previous_mask = self._call_context(
            inputs, kwargs, self._arguments(args, kwargs))
        if not _CALL_STACK:
            self._clear_losses()
        _CALL_STACK.append(training)
        try:
            outputs = self.call(*args, **kwargs)
        finally:
            _CALL_STACK.pop()
        if self.activity_regularizer is not None:
            for output in nest.flatten(outputs):
                if isinstance(output, Tensor):
                    loss = self.activity_regularizer(output)
                    if output.ndim:
                        batch = output.shape[0]
                        batch = shape_ops.shape(output)[0] if batch is None else batch
                        loss = math_ops.divide_no_nan(loss, math_ops.cast(batch, loss.dtype))
                    self.add_loss(loss)
        if self.supports_masking:
            self._set_output_masks(inputs, outputs, previous_mask)
        return outputs

    def _call_context(self, inputs, kwargs, arguments):
        """Resolves ``training`` (explicit, else the enclosing call's) and the input mask
        (explicit, else the one attached to the inputs); passes each to ``call`` only if its
        signature takes it."""
        has_training, has_mask, arg_masks, _ = _call_spec(type(self))
        positional = {k for k in arguments if k not in kwargs}   # given by position
        if "training" in positional:
            training = arguments["training"]
        else:
            training = kwargs.get("training") if has_training else kwargs.pop("training", None)
        if training is None:
            training = next((t for t in reversed(_CALL_STACK) if t is not None), None)
        if has_training and training is not None and "training" not in positional:
            kwargs["training"] = training
        if "mask" in positional:
            previous_mask = arguments["mask"]
        else:
            previous_mask = kwargs.get("mask") if has_mask else kwargs.pop("mask", None)
        if previous_mask is None and "mask" not in positional:
            masks = [get_mask(t) for t in nest.flatten(inputs)]
            if any(m is not None for m in masks):
                previous_mask = masks[0] if len(masks) == 1 and not isinstance(
                    inputs, (list, tuple, dict)) else nest.pack_sequence_as(inputs, masks)
                if has_mask:
                    kwargs["mask"] = previous_mask
        for name in arg_masks:
            if kwargs.get(name) is None:
                source = arguments.get(name[:-5])
                if source is not None and get_mask(source) is not None:
                    kwargs[name] = get_mask(source)
        return kwargs, training, previous_mask

    def _set_output_masks(self, inputs, outputs, previous_mask):
        mask = self.compute_mask(inputs, previous_mask)
        flat = nest.flatten(outputs)
        if isinstance(mask, (list, tuple)) and len(mask) == len(flat):
            for t, m in zip(flat, mask):
                set_mask(t, m)
        elif mask is not None:
            for t in flat:
                set_mask(t, mask)

    def _convert_inputs(self, inputs):
        if isinstance(inputs, (list, tuple)) and inputs and all(
                isinstance(v, (int, float, bool, np.number)) for v in nest.flatten(inputs)):
            inputs = np.asarray(inputs)

        def convert(x):
            if isinstance(x, (np.ndarray, np.generic, int, float)):
                x = convert_to_tensor(x)
            if (isinstance(x, Tensor) and self.autocast and x.dtype.name != self._dtype
                    and backend.is_float_dtype(self._dtype) and (x.dtype.is_floating or (
                        self._cast_int_inputs and (x.dtype.is_integer or x.dtype.is_bool)))):
                x = math_ops.cast(x, self._dtype)
            return x
        return nest.map_structure(convert, inputs)

    def _arguments(self, args, kwargs):
        """The call's arguments by parameter name (positional ones named by ``call``)."""
        names = _call_spec(type(self))[3]
        return {**dict(zip(names, args)), **kwargs}

    def _maybe_build(self, args, kwargs):
        """Builds from the first argument's shape, plus ``<arg>_shape`` for the other call
        arguments that ``build`` names."""
        extra = {}
        params = _extra_build_params(type(self))
        if params:
            arguments = self._arguments(args, kwargs)
            for name in params:
                value = arguments.get(name[:-6])
                if value is not None and hasattr(value, "shape"):
                    extra[name] = tuple(value.shape)
        self._build_with(nest.map_structure(lambda t: tuple(t.shape), args[0]), **extra)

    def _build_with(self, input_shape, **extra_shapes):
        if not self.built:
            self._build_shapes = input_shape
            with name_scope(self.name):
                self.build(input_shape, **extra_shapes)
            self.built = True
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None

    def _symbolic_call(self, *args, **kwargs):
        inputs = args[0]
        assert_input_compatibility(self.input_spec, inputs, self.name)
        if not self.built:
            self._maybe_build(args, kwargs)
            assert_input_compatibility(self.input_spec, inputs, self.name)
        if (self._shape_rule is not None and type(self).__module__.startswith("neuroflow.")
                and len(args) == 1 and isinstance(inputs, KerasTensor)
                and not any_symbolic(kwargs)):
            # a layer with a trusted ``compute_output_shape``: no dummy run needed
            dtype = self._dtype if self._shape_rule == "compute" else inputs.dtype
            outputs = KerasTensor(self.compute_output_shape(tuple(inputs.shape)), dtype)
        else:
            outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors for symbolic inputs, found by running the layer on dummy data
        (see ``layer_utils.infer_output_spec``)."""
        return layer_utils.infer_output_spec(self, args, kwargs)

    # -- the functional graph as seen from a layer -----------------------------------------------
    def _single_node_attr(self, attr):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {attr}.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(f"The layer {self.name} has multiple inbound nodes, hence the "
                                 f"notion of 'layer {attr}' is ill-defined.")
        node = self._inbound_nodes[0]
        if attr == "input":
            tensors = node.input_tensors
            return tensors[0] if len(tensors) == 1 else tensors
        return node.outputs

    @property
    def input(self):
        """The symbolic input of this layer's only call in a functional graph."""
        return self._single_node_attr("input")

    @property
    def output(self):
        """The symbolic output of this layer's only call in a functional graph."""
        return self._single_node_attr("output")

    @property
    def output_shape(self):
        """Shape of ``output`` (a list of shapes for several outputs)."""
        return nest.map_structure(lambda t: tuple(t.shape), self.output)

    @property
    def input_shape(self):
        """Shape of ``input``."""
        return nest.map_structure(lambda t: tuple(t.shape), self.input)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
