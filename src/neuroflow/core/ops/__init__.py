"""Every op, one definition each, grouped by family; re-exported by ``neuroflow``.

``__all__`` lists op names only, so ``from .core.ops import *`` never shadows a namespace
module (``nf.math``, ``nf.nn``, ``nf.random``) with a family module of the same name. Note that
the op ``shape`` is left out here (``core.ops.shape`` stays the family module);
``neuroflow/__init__.py`` exports ``nf.shape`` itself. Pooling lives in ``pooling.py``, so that
the op ``pool`` (``nf.pool``) and its module have different names.
"""

from . import _operators
from . import conv as _conv
from . import creation as _creation
from . import index as _index
from . import linalg as _linalg
from . import math as _math
from . import nn as _nn
from . import pooling as _pooling
from . import random as _random  # noqa: F401 - registers the random ops
from . import reduce as _reduce
from . import shape as _shape
from .conv import *  # noqa: F403
from .index import *  # noqa: F403
from .linalg import *  # noqa: F403
from .math import *  # noqa: F403
from .nn import *  # noqa: F403
from .pooling import *  # noqa: F403
from .reduce import *  # noqa: F403
from .shape import *  # noqa: F403
# after math: creation's zeros_like/ones_like (which take dtype=) are the public ones
from .creation import *  # noqa: F403

_FAMILIES = (_conv, _creation, _index, _linalg, _math, _nn, _pooling, _reduce, _shape)
__all__ = sorted({name for module in _FAMILIES
                  for name in module.__all__} - {"shape"})
shape = _shape  # the module, not the op of the same name (see above)

_operators.install(matmul=_linalg.matmul, getitem=_index.getitem, setitem=_index.setitem)
