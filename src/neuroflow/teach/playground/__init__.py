"""``neuroflow playground``: the lecture's networks live in the browser, trained by neuroflow.

``datasets``, ``config``, ``model``, ``session`` and ``codegen`` need only NumPy; ``server``
needs the ``web`` extra (aiohttp) and is imported by the command, not here.
"""

from .config import validate
from .datasets import make_dataset
from .session import Session

__all__ = ["Session", "make_dataset", "validate"]
