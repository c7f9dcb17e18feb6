"""``nf.random``: seeded random tensors (normal, uniform, truncated_normal, shuffle, ...)."""

from .core.ops.random import *  # noqa: F403
