"""Every op, one definition each, grouped by family; re-exported by ``neuroflow``."""

from . import _operators, conv, index, linalg, math, nn, random, reduce, shape
from .conv import *  # noqa: F403
from .index import *  # noqa: F403
from .linalg import *  # noqa: F403
from .math import *  # noqa: F403
from .nn import *  # noqa: F403
from .reduce import *  # noqa: F403
from .shape import *  # noqa: F403

_operators.install(matmul=linalg.matmul, getitem=index.getitem)
