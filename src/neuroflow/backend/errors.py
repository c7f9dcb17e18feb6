"""Error kinds raised by neuroflow, named as in TensorFlow.

Shape and value problems subclass ``ValueError``; a tensor of a dtype an op does not accept
raises ``InvalidDTypeError``, which is both TF's ``InvalidArgumentError`` and ``TypeError``.
"""


class OpError(Exception):
    """Base of errors raised while running an op (TF's ``tf.errors.OpError``)."""


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument with a bad shape or value."""


class InvalidDTypeError(InvalidArgumentError, TypeError):
    """A tensor's dtype is not one the op accepts, or two inputs' dtypes differ.

    TF raises ``InvalidArgumentError`` there; Python code expects ``TypeError``: this class is
    both, so code written for either catches it.
    """


class NotFoundError(OpError, LookupError):
    """Something that was asked for does not exist (a file, a checkpoint entry)."""


class FailedPreconditionError(OpError, RuntimeError):
    """The system is not in a state to run the op (e.g. an uninitialized variable)."""


class UnimplementedError(OpError, NotImplementedError):
    """The operation is not supported for these arguments."""


class ResourceExhaustedError(OpError, MemoryError):
    """Out of memory or another resource."""
