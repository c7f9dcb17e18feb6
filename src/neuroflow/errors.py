"""``nf.errors``: the exception classes, as in ``tf.errors``."""

from .backend.errors import *  # noqa: F403
from .backend.errors import (FailedPreconditionError, InvalidArgumentError, InvalidDTypeError,
                             NotFoundError, OpError, ResourceExhaustedError, UnimplementedError)

__all__ = ["OpError", "InvalidArgumentError", "InvalidDTypeError", "NotFoundError",
           "FailedPreconditionError", "UnimplementedError", "ResourceExhaustedError"]
