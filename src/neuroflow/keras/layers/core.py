"""Core layers: Dense, Activation, Dropout, Embedding, Lambda, Identity, Masking."""

import base64
import marshal
import types

import numpy as np

from ...core import ops
from .. import activations, constraints, initializers, regularizers
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["Dense", "Activation", "Dropout", "Embedding", "Lambda", "Identity", "Masking"]


def batch_dim(x):
    """``x``'s batch size: a Python int when static, else a scalar tensor (inside a trace)."""
    n = x.shape[0]
    return n if n is not None else ops.shape.shape(x)[0]


class Dense(Layer):
    """A fully connected layer: ``activation(inputs @ kernel + bias)``.

    Formula:
        ``y = activation(x · W + b)``, ``W`` of shape ``(input_dim, units)``.

    Args:
        units: output size.
        activation: name or callable (default: none, i.e. linear).
        use_bias: whether to add ``bias``.
        kernel_initializer, bias_initializer: defaults ``'glorot_uniform'``, ``'zeros'``.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional penalties.
        kernel_constraint, bias_constraint: optional constraints.

    Example:
        >>> layer = nf.keras.layers.Dense(64, activation='relu')
        >>> layer(nf.ones((2, 784))).shape
        TensorShape([2, 64])
    """

    _cast_int_inputs = True

    _shape_rule = "compute"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: {input_shape}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        return self.activation(x) if self.activation is not None else x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": None}


class Activation(Layer):
    """Applies an activation function: ``Activation('relu')(x)``.

    Args:
        activation: name (``'relu'``, ``'softmax'``, ...) or callable.
    """

    _shape_rule = "compute"

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Sets a fraction ``rate`` of inputs to 0 during training, scaling the rest by
    ``1 / (1 - rate)``; the identity at inference.

    Args:
        rate: fraction of units to drop, in [0, 1).
        noise_shape: shape of the keep/drop mask (broadcast over the input), or None.
        seed: random seed.
    """

    _shape_rule = "input"

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        noise_shape = self.noise_shape
        if noise_shape is not None:
            noise_shape = tuple(inputs.shape[i] if d is None else d
                                for i, d in enumerate(noise_shape))
        return ops.nn.dropout(inputs, rate=self.rate, noise_shape=noise_shape, seed=self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class Identity(Layer):
    """Returns its input unchanged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value`` (for RNNs downstream)."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, previous_mask=None):
        return ops.reduce_any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.reduce_any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * ops.cast(keep, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


class Embedding(Layer):
    """Turns integer indices into dense vectors: row ``i`` of ``embeddings`` for index ``i``.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each vector.
        embeddings_initializer: default ``'uniform'`` (U(-0.05, 0.05)).
        mask_zero: treat index 0 as padding and emit a mask for downstream layers.

    Example:
        >>> nf.keras.layers.Embedding(1000, 8)(nf.constant([[1, 2, 3]])).shape
        TensorShape([1, 3, 8])
    """

    _shape_rule = "compute"

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, input_length=None,
                 quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        if weights is not None:
            self._initial_weights = weights if isinstance(weights, list) else [weights]

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          name="embeddings",
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if not inputs.dtype.is_integer:
            inputs = ops.cast(inputs, "int32")
        return ops.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero, "quantization_config": None}


class Lambda(Layer):
    """Wraps an arbitrary function as a layer: ``Lambda(lambda x: x ** 2)``.

    Its config holds Python bytecode, so loading it runs code: ``from_config`` (and model
    loading) refuses it unless ``safe_mode=False``.

    Args:
        function: callable taking the input tensor(s).
        output_shape: optional output shape (inferred by running the function otherwise).
        mask: optional mask or callable ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments passed to ``function``.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self):
        return {**super().get_config(), "function": _serialize_function(self.function),
                "output_shape": self._output_shape, "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=True):
        config = dict(config)
        fn = config["function"]
        if isinstance(fn, dict) and fn.get("class_name") == "__lambda__":
            if safe_mode:
                raise ValueError(
                    "Requested the deserialization of a `Lambda` layer whose `function` is a "
                    "Python lambda. This carries a potential risk of arbitrary code execution "
                    "and thus it is disallowed by default. If you trust the source of the "
                    "artifact, you can override this error by passing `safe_mode=False` to the "
                    "loading function, or calling "
                    "`keras.config.enable_unsafe_deserialization()`.")
            config["function"] = _deserialize_lambda(fn["config"])
        elif isinstance(fn, dict) and fn.get("class_name") == "function":
            name = fn["config"]
            if not custom_objects or name not in custom_objects:
                raise ValueError(f"Lambda layer function {name!r} is not known: pass it in "
                                 "`custom_objects`.")
            config["function"] = custom_objects[name]
        return super().from_config(config)


def _serialize_function(fn):
    if isinstance(fn, types.FunctionType) and fn.__name__ != "<lambda>" and not fn.__closure__:
        return {"class_name": "function", "config": fn.__name__, "module": fn.__module__}
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {"class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": None}}


def _deserialize_lambda(config):
    code = marshal.loads(base64.b64decode(config["code"]))
    defaults = tuple(config["defaults"]) if config.get("defaults") else None
    return types.FunctionType(code, {"__builtins__": __builtins__, "nf": ops}, None, defaults)


