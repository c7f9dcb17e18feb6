"""``nf.random``: seeded random tensors."""

from .core.ops.random import *  # noqa: F403
