"""neuroflow: a small, fast deep-learning framework with TensorFlow 2 / Keras semantics.

Use it as you would TensorFlow::

    import neuroflow as tf
    w = tf.Variable(2.0, name='weight')
    with tf.GradientTape() as tape:
        z = w * 3.0 + 0.7
    tape.gradient(z, w)        # <nf.Tensor: shape=(), dtype=float32, numpy=3.0>
"""

import importlib as _importlib
import warnings as _warnings

from . import config, dtypes, errors, math, nest
from .backend.device import DeviceSpec, device
from .backend import dtypes as _backend_dtypes
from .backend.dtypes import (DType, as_dtype, bool, complex64, complex128, double,
                             float16, float32, float64, half, int8, int16, int32, int64, uint8,
                             uint16, uint32, uint64)
from .core.convert import constant, convert_to_tensor
from .core.ops import *  # noqa: F403
from .core.ops.shape import shape
from .core.registry import executing_eagerly
from .core.shape import TensorShape
from .core.tape import GradientTape, UnconnectedGradients
from .core.tensor import Tensor
from .core.variable import Variable
from .graph import *  # noqa: F403

__version__ = "0.1.0"

# TF returns inf/nan silently (log(0) is -inf); NumPy's RuntimeWarnings from our kernels are noise.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"neuroflow\.")

# Heavier parts load on first use, so ``import neuroflow`` stays fast.
_LAZY = {
    "keras": ".keras", "nn": ".nn", "random": ".random", "linalg": ".linalg",
    "compat": ".compat", "data": ".data", "teach": ".teach", "image": ".image",
    "autograph": ".autograph",
    "distribute": ".distribute", "onnx": ".onnx",
}


def __getattr__(name):
    if name == "bfloat16":  # needs ml_dtypes: loaded on first use
        return _backend_dtypes._bfloat16()
    if name in _LAZY:
        module = _importlib.import_module(_LAZY[name], __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'neuroflow' has no attribute {name!r}")
