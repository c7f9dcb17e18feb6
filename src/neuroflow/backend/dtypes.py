"""Data types: ``nf.float32`` and friends, mapped one to one onto NumPy dtypes."""

import builtins

import numpy as np


class DType:
    """A tensor element type, like ``tf.DType``.

    Compares equal to itself, to its NumPy dtype and to its name, so ``t.dtype == 'float32'``
    and ``t.dtype == np.float32`` both hold for a float32 tensor.

    Example:
        >>> nf.float32.is_floating, nf.float32.size
        (True, 4)
    """

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name, np_dtype):
        self.name = name
        self._np = np.dtype(np_dtype)
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self):
        """True for float16/32/64 and bfloat16."""
        return self._np.kind == "f" or self.name == "bfloat16"

    @property
    def is_integer(self):
        """True for signed and unsigned integer types."""
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        """True for unsigned integer types."""
        return self._np.kind == "u"

    @property
    def is_bool(self):
        """True for ``nf.bool``."""
        return self._np.kind == "b"

    @property
    def size(self):
        """Bytes per element."""
        return self._np.itemsize

    @property
    def min(self):
        """The smallest finite value of this type."""
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        """The largest finite value of this type."""
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    @property
    def base_dtype(self):
        """This type (TF keeps reference types apart; we have none)."""
        return self

    def __eq__(self, other):
        if isinstance(other, DType):
            return self is other
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"nf.{self.name}"

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool = DType("bool", np.bool_)  # noqa: A001 - TF's name
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)

half, double = float16, float64
_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, complex64, complex128]

_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(half=float16, double=float64, float=float32)
_BY_PYTYPE = {float: float32, int: int32, builtins.bool: bool, complex: complex128}


# The dtype sets TF registers its ops for (the ``T`` attr's allowed values), by name so that
# bfloat16 needs no import. An op declares one with ``defop(..., dtypes=FLOATING)``.
FLOATING = ("bfloat16", "float16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
SIGNED_INTEGER = ("int8", "int16", "int32", "int64")
INTEGER = SIGNED_INTEGER + ("uint8", "uint16", "uint32", "uint64")
INEXACT = FLOATING + COMPLEX             # exp, log, sqrt, tanh, sigmoid, ...
REAL = FLOATING + INTEGER                # comparisons, maximum, relu
NUMBER = REAL + COMPLEX                  # arithmetic, reductions, matmul
SIGNED = FLOATING + SIGNED_INTEGER + COMPLEX   # negative, sign
BOOL = ("bool",)
ANY = None
_TF_NAMES = {"float16": "half", "float32": "float", "float64": "double"}


def allowed_names(allowed):
    """``allowed`` (a tuple of dtype names) spelled as TF's error messages list them."""
    return ", ".join(_TF_NAMES.get(name, name) for name in allowed)


class _FromNumPy(dict):
    """NumPy dtype -> DType; bfloat16 joins on first sight, so ml_dtypes loads only if used."""

    def __missing__(self, np_dtype):
        if _bfloat16() is not None and np_dtype in self:
            return self[np_dtype]
        raise KeyError(np_dtype)


FROM_NP = _FromNumPy({d._np: d for d in _ALL})
_BFLOAT16 = []


def _bfloat16():
    """The bfloat16 DType (registered on first use), or None without ml_dtypes."""
    if not _BFLOAT16:
        try:
            import ml_dtypes  # noqa: PLC0415 - optional: ~10 ms, so only when asked for

            dtype = DType("bfloat16", ml_dtypes.bfloat16)
            _ALL.append(dtype)
            _BY_NAME[dtype.name] = FROM_NP[dtype._np] = dtype
        except ImportError:
            dtype = None
        _BFLOAT16.append(dtype)
    return _BFLOAT16[0]


def __getattr__(name):
    if name == "bfloat16":
        return _bfloat16()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def as_dtype(value):
    """Converts a DType, name, NumPy dtype or Python type to a ``DType``.

    Raises:
        TypeError: if ``value`` names no supported type.
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        dtype = _BY_NAME.get(value) or (_bfloat16() if value == "bfloat16" else None)
        if dtype is None:
            raise TypeError(f"Unknown dtype name {value!r}; valid names: {sorted(_BY_NAME)}")
        return dtype
    if value in _BY_PYTYPE:
        return _BY_PYTYPE[value]
    try:
        return FROM_NP[np.dtype(value)]
    except (TypeError, KeyError):
        raise TypeError(f"Cannot convert {value!r} to a neuroflow dtype") from None
