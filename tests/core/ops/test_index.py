"""Indexing and selection: tensor[...], gather, gather_nd, boolean_mask, scatters, sort."""

import numpy as np
import pytest
from opcheck import check_forward, check_grad, check_op, check_second_order, rand

import neuroflow as nf
from neuroflow.core.registry import REGISTRY
from neuroflow.errors import InvalidArgumentError

I = np.s_  # noqa: E741 - reads like the indexing it builds


# -- tensor[key] -----------------------------------------------------------------------------
KEYS = [((4,), I[1]), ((4,), I[-1]), ((4,), I[1:3]), ((4,), I[::-1]), ((4,), I[::2]),
        ((4,), I[-3:]), ((4,), I[5:]), ((4,), I[3:0:-2]), ((3, 4), I[1, 2]), ((3, 4), I[:, -1]),
        ((3, 4), I[..., 1:]), ((3, 4), I[None, 1]), ((3, 4), I[:, None, ::-1]),
        ((2, 1, 4), I[1, ..., 2]), ((2, 1, 4), I[..., None]), ((2, 1, 4), I[...]),
        ((0, 4), I[:, 1]), ((0,), I[1:]), ((), I[...]), ((), I[None]), ((3, 4), I[::-2, 1:-1])]


@pytest.mark.parametrize("shape,key", KEYS, ids=str)
def test_getitem(shape, key):
    check_op(lambda t: t[key], lambda a: a[key], rand(shape))


def test_getitem_second_order_and_repeated_use():
    check_second_order(lambda t: t[1:, ::-1] * t[:-1, :], rand((3, 4)))
    check_grad(lambda t: t[0] + t[0] + t[-1], rand((3,)))


def test_getitem_scalar_tensor_indices():
    x = nf.reshape(nf.range(12), [3, 4])
    assert x[nf.constant(1)].numpy().tolist() == [4, 5, 6, 7]
    assert x[nf.constant(2, nf.int64), nf.constant(-1)].numpy() == 11
    assert x[np.int64(1), np.array(2)].numpy() == 6
    assert x[nf.constant(1):].shape == (2, 4)
    assert [row.numpy().tolist() for row in nf.constant([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]


def test_getitem_errors():
    x = nf.zeros([2, 3])
    with pytest.raises(InvalidArgumentError, match=r"index 5 .*dimension 1 of size 3.*\(2, 3\)"):
        x[0, 5]
    with pytest.raises(InvalidArgumentError, match=r"index -3 .*\(2, 3\)"):
        x[-3]
    with pytest.raises(InvalidArgumentError, match=r"too many indices.*\(2, 3\)"):
        x[0, 0, 0]
    with pytest.raises(InvalidArgumentError, match="single"):
        x[..., 0, ...]
    with pytest.raises(InvalidArgumentError, match="step"):
        x[::0]
    with pytest.raises(TypeError, match="gather"):
        x[[0, 1]]
    with pytest.raises(TypeError, match="gather"):
        x[nf.constant([0, 1])]
    with pytest.raises(TypeError, match="boolean_mask"):
        x[nf.constant([True, False])]
    with pytest.raises(TypeError):
        x[1.0]
    with pytest.raises(TypeError):
        x[nf.constant(1.0)]


def test_tensors_are_immutable():
    x = nf.zeros([3])
    with pytest.raises(TypeError, match="tensor_scatter_nd_update"):
        x[0] = 1.0


def test_getitem_traced_with_unknown_dims_and_symbolic_indices():
    spec = nf.TensorSpec([None, 4], nf.float64)
    seen = {}

    @nf.function(input_signature=[spec, nf.TensorSpec([], nf.int32)])
    def f(x, i):
        parts = [x[1:, 0], x[..., ::-2], x[None, 2], x[i], x[:, i:], x[-i, ::i]]
        seen["shapes"] = [tuple(p.shape) for p in parts]
        return parts

    a = rand((3, 4))
    got = f(nf.constant(a), nf.constant(1))
    assert seen["shapes"] == [(None,), (None, 2), (1, 4), (4,), (None, None), (None,)]
    for g, w in zip(got, [a[1:, 0], a[..., ::-2], a[None, 2], a[1], a[:, 1:], a[-1, ::1]]):
        np.testing.assert_array_equal(g.numpy(), w)


def test_getitem_gradient_with_symbolic_index():
    @nf.function
    def grad(x, i):
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = nf.reduce_sum(x[i:] * x[i])
        return tape.gradient(y, x)

    a = rand((3,))
    want = np.zeros(3)
    want[1:] += a[1]
    want[1] += a[1:].sum()
    np.testing.assert_allclose(grad(nf.constant(a), nf.constant(1)).numpy(), want)


# -- gather ----------------------------------------------------------------------------------
GATHERS = [((5,), [3, 0, 3], 0, 0), ((5, 3), [[1, 4], [4, 4]], 0, 0), ((3, 5), [4, 0], 1, 0),
           ((2, 3, 4), [3, 3, 1], -1, 0), ((5,), np.zeros((0,), int), 0, 0), ((0, 3), [], 1, 0),
           ((4, 2), 1, 0, 0), ((2, 3, 4), [[0, 2], [1, 1]], 2, 1), ((2, 3, 4), [[0], [2]], 1, 1),
           ((2, 3, 4), [[[0, 1]], [[2, 2]]], 1, 1), ((2, 3, 4), [[1, 1, 0], [2, 3, 0]], 2, 2)]


def _np_gather(a, idx, axis, batch_dims):
    if batch_dims == 0:
        return np.take(a, idx, axis)
    return np.stack([_np_gather(a[i], idx[i], axis - 1, batch_dims - 1) for i in range(len(a))])


@pytest.mark.parametrize("shape,indices,axis,batch_dims", GATHERS, ids=str)
def test_gather(shape, indices, axis, batch_dims):
    idx = np.asarray(indices, np.int32)
    ax = axis % len(shape)
    check_op(lambda p: nf.gather(p, idx, axis=axis, batch_dims=batch_dims),
             lambda a: _np_gather(a, idx, ax, batch_dims), rand(shape))


def test_gather_repeated_indices_accumulate_and_second_order():
    p = nf.constant([1.0, 2.0, 3.0])
    with nf.GradientTape() as tape:
        tape.watch(p)
        y = nf.reduce_sum(nf.gather(p, [2, 0, 2, 2]))
    assert tape.gradient(y, p).numpy().tolist() == [1.0, 0.0, 3.0]
    check_second_order(lambda t: nf.gather(t * t, [[1, 1], [0, 2]], axis=1), rand((2, 3)))
    check_second_order(lambda t: nf.gather(t * t, [[1, 1], [0, 2]], axis=1, batch_dims=1),
                       rand((2, 3)))


def test_gather_int64_indices_and_int_params():
    assert nf.gather([10, 20, 30], nf.constant([2, 0], nf.int64)).numpy().tolist() == [30, 10]


def test_gather_errors():
    with pytest.raises(InvalidArgumentError, match=r"gather: indices\[1\] = 5 is not in \[0, 3\)"):
        nf.gather([1.0, 2.0, 3.0], [0, 5])
    with pytest.raises(InvalidArgumentError, match=r"indices\[0,1\] = -1 is not in \[0, 2\)"):
        nf.gather(nf.zeros([3, 2]), [[0, -1]], axis=1)
    with pytest.raises(TypeError, match="gather: indices"):
        nf.gather([1.0, 2.0], [0.0])
    with pytest.raises(InvalidArgumentError, match="gather: axis"):
        nf.gather(nf.zeros([3]), [0], axis=1)
    with pytest.raises(InvalidArgumentError, match="batch_dims"):
        nf.gather(nf.zeros([2, 3]), nf.zeros([3, 1], nf.int32), axis=1, batch_dims=1)


def test_gather_rule_with_unknown_dims():
    rule = REGISTRY["gather"].shape
    shape = rule(nf.TensorShape([None, 5, 7]), nf.TensorShape([None, 2]), axis=1, batch_dims=1)
    assert shape == (None, 2, 7)


# -- gather_nd -------------------------------------------------------------------------------
GATHER_NDS = [((3, 4), [[1, 2], [0, 0], [1, 2]], 0), ((3, 4), [[2], [0]], 0),
              ((2, 3, 4), [[[1, 2]], [[0, 1]]], 0), ((3, 4), np.zeros((0, 2), int), 0),
              ((2, 3, 4), [[[0, 2], [1, 1]], [[2, 2], [0, 0]]], 1), ((2, 3, 4), [[1], [2]], 1)]


def _np_gather_nd(a, idx, batch_dims):
    if batch_dims:
        return np.stack([_np_gather_nd(a[i], idx[i], batch_dims - 1) for i in range(len(a))])
    return a[tuple(np.moveaxis(idx, -1, 0))]


@pytest.mark.parametrize("shape,indices,batch_dims", GATHER_NDS, ids=str)
def test_gather_nd(shape, indices, batch_dims):
    idx = np.asarray(indices, np.int64)
    check_op(lambda p: nf.gather_nd(p, idx, batch_dims=batch_dims),
             lambda a: _np_gather_nd(a, idx, batch_dims), rand(shape))


def test_gather_nd_second_order_and_errors():
    check_second_order(lambda t: nf.gather_nd(t * t, [[1, 1], [0, 2], [1, 1]]), rand((2, 3)))
    with pytest.raises(InvalidArgumentError, match=r"gather_nd: indices\[1\] = \[0, 4\] does not "
                                                   r"index into shape \[3, 4\]"):
        nf.gather_nd(nf.zeros([3, 4]), [[0, 0], [0, 4]])
    with pytest.raises(InvalidArgumentError, match=r"gather_nd: index depth 3.*\(2, 3\)"):
        nf.gather_nd(nf.zeros([2, 3]), [[0, 0, 0]])


# -- boolean_mask ----------------------------------------------------------------------------
@pytest.mark.parametrize("shape,mask,axis", [
    ((4,), [True, False, True, True], None), ((3, 2), [False, True, True], None),
    ((3, 2), [[True, False], [False, False], [True, True]], None), ((2, 3), [True, False, True], 1),
    ((2, 3, 2), [[True, False], [False, True], [True, True]], 1), ((3,), [False] * 3, 0)])
def test_boolean_mask(shape, mask, axis):
    m = np.asarray(mask)
    ax = axis or 0
    ref = lambda a: a[(slice(None),) * ax + (m,)]  # noqa: E731
    check_op(lambda t: nf.boolean_mask(t, m, axis=axis), ref, rand(shape))


def test_boolean_mask_errors():
    with pytest.raises(InvalidArgumentError, match=r"boolean_mask.*\(2,\).*\(3, 2\)"):
        nf.boolean_mask(nf.zeros([3, 2]), [True, False])
    with pytest.raises(TypeError, match="bool"):
        nf.boolean_mask(nf.zeros([2]), [1, 0])


# -- scatters --------------------------------------------------------------------------------
def test_scatter_nd():
    got = nf.scatter_nd([[1], [1], [3]], [1.0, 2.0, 5.0], [4])
    assert got.numpy().tolist() == [0.0, 3.0, 0.0, 5.0] and got.dtype == nf.float32
    rows = nf.scatter_nd([[2], [0]], [[1, 2], [3, 4]], [3, 2])
    assert rows.numpy().tolist() == [[3, 4], [0, 0], [1, 2]]
    idx = np.array([[0, 1], [2, 0], [0, 1]])
    check_op(lambda u: nf.scatter_nd(idx, u, [3, 2]),
             lambda u: np.add.at(z := np.zeros((3, 2), u.dtype), tuple(idx.T), u) or z,
             rand((3,)), second=False)
    check_second_order(lambda u: nf.scatter_nd(idx, u * u, [3, 2]), rand((3,)))


def test_tensor_scatter_nd_update_and_add():
    x, idx = rand((3, 2)), np.array([[2], [0]])
    upd = rand((2, 2), seed=5)

    def ref_update(a, u):
        out = a.copy()
        out[[2, 0]] = u
        return out

    def ref_add(a, u):
        out = a.copy()
        out[[2, 0]] += u
        return out

    check_op(lambda a, u: nf.tensor_scatter_nd_update(a, idx, u), ref_update, x, upd)
    check_op(lambda a, u: nf.tensor_scatter_nd_add(a, idx, u), ref_add, x, upd)
    check_second_order(lambda a, u: nf.tensor_scatter_nd_update(a * a, idx, u * u), x, upd)
    assert nf.tensor_scatter_nd_add([1, 2, 3], [[0], [0]], [5, 5]).numpy().tolist() == [11, 2, 3]


def test_scatter_errors():
    with pytest.raises(InvalidArgumentError, match=r"scatter_nd: indices\[0\] = \[5\] does not "
                                                   r"index into shape \[3\]"):
        nf.scatter_nd([[5]], [1.0], [3])
    with pytest.raises(InvalidArgumentError, match=r"scatter_nd: updates shape \(3,\)"):
        nf.scatter_nd([[0], [1]], [1.0, 2.0, 3.0], [3])
    with pytest.raises(InvalidArgumentError, match="tensor_scatter_nd_update"):
        nf.tensor_scatter_nd_update([1.0, 2.0], [[0]], [[1.0, 2.0]])
    with pytest.raises(TypeError, match="tensor_scatter_nd_update: updates"):
        nf.tensor_scatter_nd_update(nf.zeros([2]), [[0]], nf.constant([1.0], nf.float64))


# -- reverse, roll, sort, argsort ------------------------------------------------------------
@pytest.mark.parametrize("shape,axis", [((4,), [0]), ((3, 4), [1]), ((3, 4), [0, -1]),
                                        ((0, 4), [0]), ((3, 4), [])])
def test_reverse(shape, axis):
    check_op(lambda t: nf.reverse(t, axis), lambda a: np.flip(a, tuple(axis)), rand(shape))


@pytest.mark.parametrize("shape,shift,axis", [((4,), 1, 0), ((3, 4), -2, 1),
                                              ((3, 4), [1, 5], [0, 1]), ((0, 4), 1, 1)])
def test_roll(shape, shift, axis):
    np_shift = tuple(shift) if isinstance(shift, list) else shift
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    check_op(lambda t: nf.roll(t, shift, axis), lambda a: np.roll(a, np_shift, np_axis),
             rand(shape))
    with pytest.raises(InvalidArgumentError, match="roll"):
        nf.roll(nf.zeros([3]), [1, 2], 0)


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), 0), ((3, 4), -1), ((0, 4), 1),
                                        ((2, 3, 4), 1)])
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort(shape, axis, direction):
    def ref(a):
        s = np.sort(a, axis)
        return np.flip(s, axis) if direction == "DESCENDING" else s

    check_op(lambda t: nf.sort(t, axis, direction), ref, rand(shape))
    x = rand(shape)
    order = nf.argsort(x, axis, direction)
    assert order.dtype == nf.int32
    np.testing.assert_array_equal(np.take_along_axis(x, order.numpy(), axis), ref(x))


def test_sort_second_order_and_ties():
    check_second_order(lambda t: nf.sort(t * t, 1, "DESCENDING"), rand((2, 5)))
    assert nf.argsort([1, 3, 3, 2], direction="DESCENDING").numpy().tolist() == [1, 2, 3, 0]
    assert nf.argsort([1, 3, 3, 2]).numpy().tolist() == [0, 3, 1, 2]
    assert nf.sort(nf.constant([3, 1, 2], nf.uint8), direction="DESCENDING").numpy().tolist() \
        == [3, 2, 1]
    assert nf.sort([True, False, True]).numpy().tolist() == [False, True, True]
    with pytest.raises(ValueError, match="direction"):
        nf.sort([1, 2], direction="UP")


def test_integer_forward_of_selections():
    x = np.arange(12).reshape(3, 4).astype(np.int32)
    check_forward(lambda t: nf.gather(t, [2, 0]), lambda a: a[[2, 0]], x)
    check_forward(lambda t: t[::-1, 1], lambda a: a[::-1, 1], x)


# -- against TensorFlow ----------------------------------------------------------------------
@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    p = np.arange(24).reshape(2, 3, 4).astype(np.float32)
    idx = np.array([[0, 2], [1, 1]])
    for axis, batch_dims in [(1, 0), (2, 0), (2, 1), (1, 1)]:
        np.testing.assert_array_equal(
            nf.gather(p, idx, axis=axis, batch_dims=batch_dims).numpy(),
            tf.gather(p, idx, axis=axis, batch_dims=batch_dims).numpy())
    nd = np.array([[[0, 2], [1, 1]], [[2, 2], [0, 0]]])
    np.testing.assert_array_equal(nf.gather_nd(p, nd, batch_dims=1).numpy(),
                                  tf.gather_nd(p, nd, batch_dims=1).numpy())
    x = tf.constant(rand((4, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.gather(x, [3, 0, 3], axis=0) * 2.0)
    want = tape.gradient(y, x)
    xn = nf.constant(x.numpy())
    with nf.GradientTape() as tape:
        tape.watch(xn)
        y = nf.reduce_sum(nf.gather(xn, [3, 0, 3], axis=0) * 2.0)
    np.testing.assert_allclose(tape.gradient(y, xn).numpy(), tf.convert_to_tensor(want).numpy())
    v = np.array([3.0, 1.0, 3.0, 2.0], np.float32)
    np.testing.assert_array_equal(nf.argsort(v, direction="DESCENDING").numpy(),
                                  tf.argsort(v, direction="DESCENDING").numpy())
