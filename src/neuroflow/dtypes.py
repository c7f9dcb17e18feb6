"""``nf.dtypes``: the DType class and the dtype constants."""

from .backend.dtypes import *  # noqa: F403
from .backend import dtypes as _dtypes
from .backend.dtypes import DType, as_dtype

__all__ = ["DType", "as_dtype"]


def __getattr__(name):
    if name == "bfloat16":  # needs ml_dtypes: loaded on first use
        return _dtypes._bfloat16()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
