"""``nf.linalg``: TF's ``tf.linalg`` namespace (matrix products, norms, matrix functions)."""

from .core.ops.linalg import (adjoint, det, diag, diag_part, einsum, eye, inv, matmul,
                              matrix_transpose, matvec, norm, tensordot, trace)

__all__ = ["adjoint", "det", "diag", "diag_part", "einsum", "eye", "inv", "matmul",
           "matrix_transpose", "matvec", "norm", "tensordot", "trace"]
