"""``nf.dtypes``: the DType class and the dtype constants."""

from .backend.dtypes import *  # noqa: F403
from .backend.dtypes import DType, as_dtype

__all__ = ["DType", "as_dtype"]
