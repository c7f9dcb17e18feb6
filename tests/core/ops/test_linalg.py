"""Linear algebra: matmul, tensordot, einsum, norm and nf.linalg's matrix ops."""

import importlib

import numpy as np
import pytest
from opcheck import check_op, check_second_order, rand

import neuroflow as nf

linalg = importlib.import_module("neuroflow.linalg")  # the tf.linalg namespace module itself

# -- matmul ----------------------------------------------------------------------------------
MATMUL_SHAPES = [((3, 4), (4, 5)), ((1, 4), (4, 1)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
                 ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((0, 4), (4, 5)),
                 ((3, 0), (0, 5)), ((2, 0, 3), (3, 4))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    a, b = rand(shapes[0], seed=1), rand(shapes[1], seed=2)
    check_op(nf.matmul, np.matmul, a, b, second=shapes in [((3, 4), (4, 5)),
                                                            ((2, 1, 3, 4), (5, 4, 2))])


@pytest.mark.parametrize("ta,tb", [(False, True), (True, False), (True, True)])
def test_matmul_transposes(ta, tb):
    a = rand((2, 4, 3) if ta else (2, 3, 4), seed=3)
    b = rand((5, 4) if tb else (4, 5), seed=4)

    def ref(a, b):
        return np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b)

    check_op(lambda x, y: nf.matmul(x, y, transpose_a=ta, transpose_b=tb), ref, a, b)
    check_op(lambda x, y: nf.matmul(x, y, adjoint_a=ta, adjoint_b=tb), ref, a, b, grad=False)


def test_matmul_operator_and_integers():
    a = nf.constant([[1, 2], [3, 4]])
    assert (a @ a).numpy().tolist() == [[7, 10], [15, 22]] and (a @ a).dtype == nf.int32
    x = nf.constant([[1.0, 2.0]])
    assert (x @ [[1.0], [1.0]]).numpy().tolist() == [[3.0]]
    assert nf.matmul([[1.0, 0.0]], x, transpose_b=True).numpy().tolist() == [[1.0]]


def test_matmul_errors():
    with pytest.raises(ValueError, match=r"^matmul: inner dimensions differ: a is \(3, 4\), "
                                         r"b is \(5, 6\)$"):
        nf.matmul(nf.ones([3, 4]), nf.ones([5, 6]))
    with pytest.raises(nf.errors.InvalidArgumentError, match="matmul: inner dimensions differ"):
        nf.matmul(nf.ones([3, 4]), nf.ones([5, 3]), transpose_b=True)
    with pytest.raises(ValueError, match=r"matmul: .*rank >= 2.*\(4,\)"):
        nf.matmul(nf.ones([4]), nf.ones([4, 2]))
    with pytest.raises(ValueError, match="matmul: .*rank >= 2"):
        nf.matmul(nf.ones([2, 4]), nf.ones([4]))
    with pytest.raises(TypeError, match="matmul: .*float32 and float64"):
        nf.matmul(nf.ones([2, 2]), nf.ones([2, 2], nf.float64))
    with pytest.raises(ValueError, match="matmul: shapes .* not broadcast-compatible"):
        nf.matmul(nf.ones([2, 3, 4]), nf.ones([3, 4, 5]))
    with pytest.raises(ValueError, match="matmul: only one of"):
        nf.matmul(nf.ones([2, 2]), nf.ones([2, 2]), transpose_a=True, adjoint_a=True)


def test_matvec():
    a, v = rand((2, 3, 4), seed=5), rand((4,), seed=6)
    check_op(linalg.matvec, lambda a, v: np.einsum("bij,j->bi", a, v), a, v)
    check_op(lambda a, v: linalg.matvec(a, v, transpose_a=True),
             lambda a, v: np.einsum("bji,bj->bi", a, v), a, rand((2, 3), seed=7))


# -- tensordot -------------------------------------------------------------------------------
TENSORDOT_CASES = [((3, 4), (4, 5), 1), ((3, 4), (3, 4), 2), ((3,), (4,), 0),
                   ((2, 3, 4), (3, 4, 5), 2), ((2, 3, 4), (4, 3), [[1, 2], [1, 0]]),
                   ((3, 4), (5, 3), [0, 1]), ((3, 4), (5, 4), [[-1], [-1]]),
                   ((0, 4), (4, 2), 1)]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT_CASES, ids=str)
def test_tensordot(sa, sb, axes):
    a, b = rand(sa, seed=8), rand(sb, seed=9)
    np_axes = axes if isinstance(axes, int) else tuple(axes)
    check_op(lambda x, y: nf.tensordot(x, y, axes), lambda x, y: np.tensordot(x, y, np_axes),
             a, b, second=sa == (2, 3, 4))


def test_tensordot_errors():
    with pytest.raises(ValueError, match=r"tensordot: axis 1 of a \(size 4\).*axis 0 of b "
                                         r"\(size 5\)"):
        nf.tensordot(nf.ones([3, 4]), nf.ones([5, 6]), 1)
    with pytest.raises(ValueError, match="tensordot"):
        nf.tensordot(nf.ones([3, 4]), nf.ones([4, 6]), 3)
    with pytest.raises(ValueError, match="tensordot"):
        nf.tensordot(nf.ones([3, 4]), nf.ones([4, 6]), [[1], [0, 1]])
    with pytest.raises(TypeError, match="tensordot"):
        nf.tensordot(nf.ones([3, 4]), nf.ones([4, 6], nf.float64), 1)


# -- einsum ----------------------------------------------------------------------------------
EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...ij,jk", [(2, 3, 4), (4, 5)]),
    ("i...,i...->...", [(3, 2, 1), (3, 4)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(4,), (4,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,ij->i", [(3, 1), (3, 4)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ii->", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("bii->b", [(2, 3, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ijk,jk->", [(2, 3, 4), (3, 4)]),
    ("i,jk->", [(2,), (3, 4)]),
    ("ij,kj->ik", [(0, 3), (4, 3)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM_CASES, ids=str)
def test_einsum(equation, shapes):
    arrays = [rand(s, seed=10 + i) for i, s in enumerate(shapes)]
    check_op(lambda *ts: nf.einsum(equation, *ts), lambda *xs: np.einsum(equation, *xs), *arrays,
             second=equation in ("ij,jk->ik", "...ij,...jk->...ik", "ii->i", "ij,jk,kl->il",
                                 "ij,ij->i"))


def test_einsum_list_argument_and_spaces():
    a, b = nf.ones([2, 3]), nf.ones([3, 4])
    assert nf.einsum("ij, jk -> ik", [a, b]).shape == (2, 4)
    assert nf.einsum("ij->", [[1, 2], [3, 4]]).numpy() == 10


def test_einsum_squared_operand_second_order():
    check_second_order(lambda x: nf.einsum("ij,ij->", x, x), rand((3, 4)))
    check_second_order(lambda x: nf.einsum("ij,jk->ik", x, nf.matmul(x, x, transpose_a=True)),
                       rand((2, 2)))


def test_einsum_errors():
    with pytest.raises(ValueError, match="einsum: .*2 operand.*1 input"):
        nf.einsum("ij,jk->ik", nf.ones([2, 3]))
    with pytest.raises(ValueError, match="einsum: operand 0 has rank 3"):
        nf.einsum("ij->i", nf.ones([2, 3, 4]))
    with pytest.raises(ValueError, match="einsum: subscript 'j' has size 3 and size 4"):
        nf.einsum("ij,jk->ik", nf.ones([2, 3]), nf.ones([4, 5]))
    with pytest.raises(ValueError, match="einsum: output subscript 'z'"):
        nf.einsum("ij->z", nf.ones([2, 3]))
    with pytest.raises(ValueError, match="einsum: invalid subscript"):
        nf.einsum("i2->i", nf.ones([2, 3]))
    with pytest.raises(TypeError, match="einsum"):
        nf.einsum("ij,jk->ik", nf.ones([2, 3]), nf.ones([3, 4], nf.float64))


# -- norm ------------------------------------------------------------------------------------
VECTOR_NORMS = [("euclidean", None), ("euclidean", 1), (2, -1), (1, 0), (np.inf, 1), (3, 1),
                (0.5, None), (1, None), (np.inf, None)]


@pytest.mark.parametrize("ord_,axis", VECTOR_NORMS, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_vector_norm(ord_, axis, keepdims):
    x = rand((3, 4), 0.2, 2.0, seed=20) * np.array([1, -1, 1, -1])

    def ref(a):
        if axis is None:
            out = np.linalg.norm(a.reshape(-1), 2 if ord_ == "euclidean" else ord_)
            return np.reshape(out, (1, 1)) if keepdims else out
        return np.linalg.norm(a, 2 if ord_ == "euclidean" else ord_, axis=axis,
                              keepdims=keepdims)

    check_op(lambda t: nf.norm(t, ord=ord_, axis=axis, keepdims=keepdims), ref, x,
             rtol=1e-5 if ord_ != 0.5 else 1e-4, second=ord_ == "euclidean" and keepdims)


@pytest.mark.parametrize("ord_", ["fro", "euclidean", 1, np.inf])
@pytest.mark.parametrize("axis", [(0, 1), (-1, -2)], ids=str)
def test_matrix_norm(ord_, axis):
    x = rand((2, 3, 4), 0.2, 2.0, seed=21) * np.array([1, -1, 1, -1])
    np_ord = "fro" if ord_ == "euclidean" else ord_
    check_op(lambda t: nf.norm(t, ord=ord_, axis=axis),
             lambda a: np.linalg.norm(a, np_ord, axis=axis), x)
    kept = nf.norm(nf.constant(x), ord=ord_, axis=axis, keepdims=True)
    np.testing.assert_allclose(kept.numpy(), np.linalg.norm(x, np_ord, axis=axis, keepdims=True),
                               rtol=1e-6)


def test_norm_values_and_errors():
    assert nf.norm(nf.constant([3.0, 4.0])).numpy() == 5.0
    assert linalg.norm is nf.norm
    with pytest.raises(ValueError, match="norm: 'ord'"):
        nf.norm(nf.ones([3]), ord=-1)
    with pytest.raises(ValueError, match="norm: 'ord'"):
        nf.norm(nf.ones([3]), ord="fro")
    with pytest.raises(ValueError, match="norm: 'ord'"):
        nf.norm(nf.ones([3, 3]), ord=3, axis=[0, 1])
    with pytest.raises(ValueError, match="norm: 'axis'"):
        nf.norm(nf.ones([3, 3]), axis=(1, 1))
    with pytest.raises(ValueError, match="norm: 'axis'"):
        nf.norm(nf.ones([3, 3, 3]), axis=(0, 1, 2))
    with pytest.raises(ValueError, match="norm.*axis 2"):
        nf.norm(nf.ones([3, 3]), axis=2)
    with pytest.raises(NotImplementedError, match="norm"):
        nf.norm(nf.ones([3, 3]), ord=2, axis=[0, 1])
    with pytest.raises(TypeError, match="norm"):
        nf.norm(nf.constant([3, 4]))


# -- matrix ops ------------------------------------------------------------------------------
def test_matrix_transpose_and_adjoint():
    x = rand((2, 3, 4))
    check_op(linalg.matrix_transpose, lambda a: np.swapaxes(a, -1, -2), x)
    check_op(linalg.adjoint, lambda a: np.swapaxes(a, -1, -2), x, grad=False)
    with pytest.raises(ValueError, match="matrix_transpose: .*rank >= 2"):
        linalg.matrix_transpose(nf.ones([3]))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 4), (4, 2), (2, 0, 3)], ids=str)
def test_diag_part_and_trace(shape):
    x = rand(shape, seed=22)
    check_op(linalg.diag_part, lambda a: np.diagonal(a, axis1=-2, axis2=-1), x,
             second=shape == (3, 3))
    check_op(linalg.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), x)


def test_diag_and_eye():
    v = rand((2, 3), seed=23)
    check_op(linalg.diag, lambda a: np.stack([np.diag(r) for r in a]), v, second=True)
    assert linalg.eye(2).numpy().tolist() == [[1, 0], [0, 1]]
    assert linalg.eye(2, 3).numpy().tolist() == [[1, 0, 0], [0, 1, 0]]
    e = linalg.eye(3, batch_shape=[2], dtype=nf.float64)
    assert e.shape == (2, 3, 3) and e.dtype == nf.float64
    np.testing.assert_array_equal(e.numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)))


def _well_conditioned(shape, seed):
    return rand(shape, -0.5, 0.5, seed=seed) + 2 * np.eye(shape[-1])


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 3, 3)], ids=str)
def test_inv_and_det(shape):
    x = _well_conditioned(shape, seed=24)
    check_op(linalg.inv, np.linalg.inv, x, rtol=1e-5, grad_rtol=1e-5, second=shape == (3, 3))
    check_op(linalg.det, np.linalg.det, x, rtol=1e-5, grad_rtol=1e-5, second=shape == (3, 3))
    check_op(lambda t: linalg.inv(t, adjoint=True),
             lambda a: np.linalg.inv(np.swapaxes(a, -1, -2)), x, rtol=1e-5, grad_rtol=1e-5)


def test_inv_det_errors():
    with pytest.raises(ValueError, match="inv: .*not invertible"):
        linalg.inv(nf.constant([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(ValueError, match=r"inv: .*square.*\(2, 3\)"):
        linalg.inv(nf.ones([2, 3]))
    with pytest.raises(ValueError, match="det: .*square"):
        linalg.det(nf.ones([2, 3]))
    with pytest.raises(ValueError, match="det: .*rank >= 2"):
        linalg.det(nf.ones([3]))
    assert linalg.det(nf.constant([[1.0, 2.0], [2.0, 4.0]])).numpy() == 0.0


def test_namespaces():
    for name in ("matmul", "einsum", "tensordot", "norm"):
        assert getattr(nf, name) is getattr(linalg, name), name
    for name in linalg.__all__:
        assert callable(getattr(linalg, name)), name
        assert getattr(nf.linalg, name) is getattr(linalg, name), name


# -- against PyTorch -------------------------------------------------------------------------
@pytest.mark.torch
def test_gradients_match_torch():
    torch = pytest.importorskip("torch")
    a = rand((2, 1, 3, 4), seed=30, dtype=np.float32)
    b = rand((5, 4, 2), seed=31, dtype=np.float32)
    w = rand((2, 5, 3, 2), seed=32, dtype=np.float32)
    cases = [
        (nf.matmul, torch.matmul),
        (lambda x, y: nf.einsum("...ij,...kj->...ik", x, linalg.matrix_transpose(y)),
         lambda x, y: torch.einsum("...ij,...kj->...ik", x, y.transpose(-1, -2))),
    ]
    for nf_fn, torch_fn in cases:
        ta, tb = (torch.tensor(v, requires_grad=True) for v in (a, b))
        (torch_fn(ta, tb) * torch.tensor(w)).sum().backward()
        xa, xb = nf.constant(a), nf.constant(b)
        with nf.GradientTape() as tape:
            tape.watch([xa, xb])
            loss = nf.reduce_sum(nf_fn(xa, xb) * nf.constant(w))
        ga, gb = tape.gradient(loss, [xa, xb])
        np.testing.assert_allclose(ga.numpy(), ta.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gb.numpy(), tb.grad.numpy(), rtol=1e-5, atol=1e-6)
    m = _well_conditioned((3, 3), seed=33).astype(np.float32)
    tm = torch.tensor(m, requires_grad=True)
    (torch.linalg.inv(tm).sum() + torch.linalg.det(tm)).backward()
    xm = nf.constant(m)
    with nf.GradientTape() as tape:
        tape.watch(xm)
        loss = nf.reduce_sum(linalg.inv(xm)) + linalg.det(xm)
    np.testing.assert_allclose(tape.gradient(loss, xm).numpy(), tm.grad.numpy(), rtol=1e-4,
                               atol=1e-5)
