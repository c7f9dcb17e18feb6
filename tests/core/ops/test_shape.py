"""Shape ops and tensor creation: NumPy references, gradients, second order, shape rules."""

import numpy as np
import pytest
from opcheck import SHAPES, check_forward, check_grad, check_op, check_second_order, rand

import neuroflow as nf
from neuroflow.core.registry import REGISTRY
from neuroflow.errors import InvalidArgumentError


def _size(shape):
    return int(np.prod(shape))


# -- reshape, transpose, expand_dims, squeeze ------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reshape_flat_and_back(shape):
    x = rand(shape)
    check_op(lambda t: nf.reshape(t, [-1]), lambda a: a.reshape(-1), x)
    check_op(lambda t: nf.reshape(t, [1, _size(shape)]), lambda a: a.reshape(1, -1), x)


def test_reshape_infers_minus_one_and_second_order():
    x = rand((2, 6))
    check_op(lambda t: nf.reshape(t, [3, -1, 2]), lambda a: a.reshape(3, -1, 2), x, second=True)
    assert nf.reshape(nf.zeros([0, 4]), [-1, 2]).shape == (0, 2)


def test_reshape_errors_name_the_shapes():
    with pytest.raises(InvalidArgumentError, match=r"reshape.*\(2, 3\).*6 values.*\(4,\)"):
        nf.reshape(nf.zeros([2, 3]), [4])
    with pytest.raises(ValueError, match="at most one"):
        nf.reshape(nf.zeros([2, 3]), [-1, -1])
    with pytest.raises(ValueError, match="not a multiple"):
        nf.reshape(nf.zeros([2, 3]), [4, -1])


@pytest.mark.parametrize("shape,perm", [((3, 4), None), ((3, 4), [1, 0]), ((2, 1, 4), [2, 0, 1]),
                                        ((2, 3, 4), [0, 2, 1]), ((0, 4), [1, 0]), ((), None),
                                        ((2, 3, 4), [-1, 0, 1])])
def test_transpose(shape, perm):
    np_perm = None if perm is None else [p % len(shape) for p in perm]
    check_op(lambda t: nf.transpose(t, perm), lambda a: np.transpose(a, np_perm), rand(shape))


def test_transpose_conjugate():
    x = nf.constant([[1 + 2j, 3j]])
    np.testing.assert_array_equal(nf.transpose(x, conjugate=True).numpy(), [[1 - 2j], [-3j]])
    assert nf.transpose(nf.constant([[1.0, 2.0]]), conjugate=True).shape == (2, 1)


def test_transpose_bad_perm():
    with pytest.raises(InvalidArgumentError, match=r"transpose.*\(3, 4\)"):
        nf.transpose(nf.zeros([3, 4]), [0, 0])
    with pytest.raises(InvalidArgumentError, match="perm"):
        nf.transpose(nf.zeros([3, 4]), [0, 1, 2])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("axis", [0, -1])
def test_expand_dims(shape, axis):
    check_op(lambda t: nf.expand_dims(t, axis), lambda a: np.expand_dims(a, axis), rand(shape))


def test_expand_dims_axis_range():
    assert nf.expand_dims(nf.zeros([2, 3]), 2).shape == (2, 3, 1)
    assert nf.expand_dims(nf.zeros([2, 3]), -3).shape == (1, 2, 3)
    with pytest.raises(InvalidArgumentError, match="expand_dims"):
        nf.expand_dims(nf.zeros([2, 3]), 3)


@pytest.mark.parametrize("shape,axis", [((1, 3, 1), None), ((1, 3, 1), 0), ((1, 3, 1), -1),
                                        ((1, 3, 1), [0, 2]), ((3, 4), None), ((1,), None),
                                        ((0, 1), 1)])
def test_squeeze(shape, axis):
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    check_op(lambda t: nf.squeeze(t, axis), lambda a: np.squeeze(a, np_axis), rand(shape))


def test_squeeze_rejects_dims_other_than_one():
    with pytest.raises(InvalidArgumentError, match=r"squeeze.*dim\[0\].*\(2, 3\).*got 2"):
        nf.squeeze(nf.zeros([2, 3]), axis=0)
    with pytest.raises(InvalidArgumentError, match="squeeze"):
        nf.squeeze(nf.constant(1.0), axis=0)
    assert nf.squeeze(nf.constant(1.0)).shape == ()


# -- concat, split, stack, unstack -----------------------------------------------------------
@pytest.mark.parametrize("shapes,axis", [([(3, 4), (2, 4)], 0), ([(3, 4), (3, 1), (3, 2)], 1),
                                         ([(0, 4), (3, 4)], 0), ([(2, 1, 4), (2, 3, 4)], -2),
                                         ([(4,), (0,)], 0), ([(3, 0), (3, 2)], 1)])
def test_concat(shapes, axis):
    xs = [rand(s, seed=i) for i, s in enumerate(shapes)]
    check_op(lambda *ts: nf.concat(list(ts), axis), lambda *a: np.concatenate(a, axis), *xs)


def test_concat_second_order():
    check_second_order(lambda a, b: nf.concat([a * a, b], 1), rand((2, 3)), rand((2, 2), seed=1))


def test_concat_single_value_and_errors():
    x = nf.constant([[1.0, 2.0]])
    assert nf.concat([x], 0).numpy().tolist() == [[1.0, 2.0]]
    with pytest.raises(InvalidArgumentError, match=r"concat.*\(2, 3\).*\(3, 2\)"):
        nf.concat([nf.zeros([2, 3]), nf.zeros([3, 2])], 0)
    with pytest.raises(InvalidArgumentError, match="concat.*rank 0"):
        nf.concat([nf.constant(1.0), nf.constant(2.0)], 0)
    with pytest.raises(TypeError, match="concat.*dtype"):
        nf.concat([nf.zeros([2]), nf.zeros([2], nf.float64)], 0)
    with pytest.raises(InvalidArgumentError, match="axis 2"):
        nf.concat([nf.zeros([2, 3])] * 2, 2)


@pytest.mark.parametrize("shape,splits,axis", [((6, 2), 3, 0), ((6, 2), [1, -1, 2], 0),
                                               ((2, 5), [2, 3], 1), ((4, 0), 2, 0),
                                               ((2, 3), [0, 3], 1), ((3, 4), 1, 0)])
def test_split(shape, splits, axis):
    x = rand(shape)
    if isinstance(splits, int):
        ref = lambda a: np.split(a, splits, axis)  # noqa: E731
    else:
        sizes = [s if s != -1 else shape[axis] - sum(t for t in splits if t != -1)
                 for s in splits]
        ref = lambda a: np.split(a, np.cumsum(sizes)[:-1], axis)  # noqa: E731
    check_op(lambda t: nf.split(t, splits, axis), ref, x)


def test_split_returns_list_and_gradient_with_unused_parts():
    x = nf.constant(rand((6,)))
    parts = nf.split(x, 3)
    assert isinstance(parts, list) and len(parts) == 3
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.reduce_sum(nf.split(x, 3)[1] * 2.0)
    assert tape.gradient(y, x).numpy().tolist() == [0, 0, 2, 2, 0, 0]


def test_split_errors():
    with pytest.raises(InvalidArgumentError, match=r"split.*size 5.*\(5, 2\).*2 equal"):
        nf.split(nf.zeros([5, 2]), 2)
    with pytest.raises(InvalidArgumentError, match=r"split.*sum to 4.*size 5"):
        nf.split(nf.zeros([5]), [1, 3])
    with pytest.raises(InvalidArgumentError, match="split"):
        nf.split(nf.zeros([5]), [-1, -1])
    with pytest.raises(InvalidArgumentError, match="split"):
        nf.split(nf.zeros([5]), [3, 4, -1])


@pytest.mark.parametrize("shape", [(3,), (3, 4), (0, 4), ()], ids=str)
@pytest.mark.parametrize("axis", [0, -1])
def test_stack_unstack(shape, axis):
    xs = [rand(shape, seed=i) for i in range(3)]
    check_op(lambda *ts: nf.stack(list(ts), axis), lambda *a: np.stack(a, axis), *xs)
    if shape:
        n = shape[axis]
        check_op(lambda t: nf.unstack(t, axis=axis),
                 lambda a: [np.take(a, i, axis) for i in range(n)], rand(shape), grad=n > 0)


def test_stack_errors():
    with pytest.raises(InvalidArgumentError, match=r"stack.*\(2,\).*\(3,\)"):
        nf.stack([nf.zeros([2]), nf.zeros([3])])
    with pytest.raises(InvalidArgumentError, match="unstack.*num=2"):
        nf.unstack(nf.zeros([3]), num=2)


# -- tile, pad, broadcast_to, slice ----------------------------------------------------------
@pytest.mark.parametrize("shape,multiples", [((3,), [2]), ((3, 4), [2, 1]), ((3, 1), [1, 3]),
                                             ((2, 1, 4), [2, 2, 1]), ((0, 4), [2, 2]),
                                             ((3, 4), [0, 1]), ((), [])])
def test_tile(shape, multiples):
    check_op(lambda t: nf.tile(t, multiples), lambda a: np.tile(a, multiples), rand(shape))


def test_tile_second_order_and_errors():
    check_second_order(lambda t: nf.tile(t * t, [2, 3]), rand((2, 2)))
    with pytest.raises(InvalidArgumentError, match=r"tile.*\(3, 4\)"):
        nf.tile(nf.zeros([3, 4]), [2])


PADS = [((4,), [[1, 2]]), ((3, 4), [[1, 0], [2, 3]]), ((3, 4), [[0, 0], [0, 0]]),
        ((2, 3, 4), [[1, 1], [0, 2], [3, 0]]), ((0, 4), [[1, 1], [1, 1]])]


@pytest.mark.parametrize("shape,paddings", PADS, ids=str)
@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_pad(shape, paddings, mode):
    if mode != "CONSTANT" and 0 in shape:
        return
    check_op(lambda t: nf.pad(t, paddings, mode), lambda a: np.pad(a, paddings, mode.lower()),
             rand(shape))


def test_pad_constant_values_and_second_order():
    x = rand((2, 3))
    check_op(lambda t: nf.pad(t, [[1, 1], [2, 0]], constant_values=1.5),
             lambda a: np.pad(a, [[1, 1], [2, 0]], constant_values=1.5), x)
    for mode in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        check_second_order(lambda t: nf.pad(t * t, [[1, 1], [2, 1]], mode,  # noqa: B023
                                            constant_values=2.0), rand((3, 4)))


def test_pad_examples_and_errors():
    assert nf.pad([1, 2, 3], [[2, 1]], "REFLECT").numpy().tolist() == [3, 2, 1, 2, 3, 2]
    assert nf.pad([1, 2, 3], [[2, 1]], "symmetric").numpy().tolist() == [2, 1, 1, 2, 3, 3]
    with pytest.raises(InvalidArgumentError, match=r"pad: REFLECT.*less than.*2.*\(2, 3\)"):
        nf.pad(nf.zeros([2, 3]), [[2, 0], [0, 0]], "REFLECT")
    nf.pad(nf.zeros([2, 3]), [[2, 0], [0, 0]], "SYMMETRIC")
    with pytest.raises(InvalidArgumentError, match="pad: SYMMETRIC.*at most"):
        nf.pad(nf.zeros([2, 3]), [[3, 0], [0, 0]], "SYMMETRIC")
    with pytest.raises(InvalidArgumentError, match=r"pad.*\(2, 2\)"):
        nf.pad(nf.zeros([2, 3]), [[1, 1]])
    with pytest.raises(InvalidArgumentError, match="mode"):
        nf.pad(nf.zeros([2]), [[1, 1]], "WRAP")


@pytest.mark.parametrize("shape,target", [((4,), (3, 4)), ((3, 1), (3, 4)), ((1, 4), (2, 3, 4)),
                                          ((), (2, 2)), ((0, 4), (2, 0, 4)), ((3, 4), (3, 4))])
def test_broadcast_to(shape, target):
    check_op(lambda t: nf.broadcast_to(t, target), lambda a: np.broadcast_to(a, target),
             rand(shape))


def test_broadcast_to_error():
    with pytest.raises(InvalidArgumentError, match=r"broadcast_to.*\(3,\).*\(4,\)"):
        nf.broadcast_to(nf.zeros([3]), [4])


def test_slice_values_gradient_and_errors():
    check_op(lambda t: nf.slice(t, [1, 0], [2, -1]), lambda a: a[1:3, :], rand((4, 3)),
             second=True)
    with pytest.raises(InvalidArgumentError, match=r"slice.*\(4, 3\)"):
        nf.slice(nf.zeros([4, 3]), [3, 0], [2, 1])


# -- creation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args,dtype,want", [
    ((5,), "int32", np.arange(5)), ((0.0, 5), "float32", np.arange(5.0)),
    ((1, 5, 0.5), "float32", np.arange(1, 5, 0.5)), ((5, 0, -2), "int32", [5, 3, 1]),
    ((0,), "int32", []), ((1, 2, 5), "int32", [1]), ((-3, 3, 2), "int32", [-3, -1, 1])])
def test_range_values_and_dtypes(args, dtype, want):
    got = nf.range(*args)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.numpy(), np.asarray(want, dtype))


def test_range_dtype_from_tensors_and_argument():
    assert nf.range(nf.constant(5, nf.int64)).dtype == nf.int64
    assert nf.range(nf.constant(1.0, nf.float64)).dtype == nf.float64
    assert nf.range(3, dtype=nf.float32).numpy().tolist() == [0.0, 1.0, 2.0]
    assert nf.range(start=2, limit=4).numpy().tolist() == [2, 3]


def test_range_errors():
    with pytest.raises(InvalidArgumentError, match="delta != 0"):
        nf.range(0, 5, 0)
    with pytest.raises(InvalidArgumentError, match="start <= limit"):
        nf.range(5, 0)
    with pytest.raises(InvalidArgumentError, match="scalars"):
        nf.range([1, 2])


def test_linspace():
    check_forward(lambda a, b: nf.linspace(a, b, 5), lambda a, b: np.linspace(a, b, 5),
                  np.float64(0.5), np.float64(2.0))
    check_op(lambda a, b: nf.linspace(a, b, 4, axis=1),
             lambda a, b: np.linspace(a, b, 4, axis=1), rand((3,)), rand((3,), seed=2))
    check_op(lambda a, b: nf.linspace(a, b, 3, axis=-1),
             lambda a, b: np.linspace(a, b, 3, axis=-1), rand((2, 1)), rand((3,), seed=2))
    check_grad(lambda a, b: nf.linspace(a, b, 1), rand(()), rand((), seed=3))
    assert nf.linspace(0, 1, 3).dtype == nf.float64
    assert nf.linspace(0.0, 1.0, 0).shape == (0,)


def test_fill_zeros_ones():
    assert nf.fill([2, 3], 7).dtype == nf.int32
    assert nf.fill([2], 1.5).numpy().tolist() == [1.5, 1.5]
    check_grad(lambda v: nf.fill([2, 3], v) * 2.0, rand(()))
    assert nf.zeros([2, 3]).dtype == nf.float32 and nf.zeros([2, 3]).shape == (2, 3)
    assert nf.ones((2,), nf.int64).numpy().tolist() == [1, 1]
    assert nf.zeros(3, "bool").numpy().tolist() == [False] * 3
    assert nf.zeros([0, 2]).shape == (0, 2)
    assert nf.ones(nf.constant([2, 1])).shape == (2, 1)
    with pytest.raises(InvalidArgumentError, match="fill: value must be a scalar"):
        nf.fill([2], [1, 2])
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        nf.zeros([-1, 2])


def test_zeros_like_ones_like_accept_dtype():
    x = nf.constant([[1.5, 2.0]])
    assert nf.zeros_like(x).dtype == nf.float32
    assert nf.zeros_like(x, dtype=nf.int32).numpy().tolist() == [[0, 0]]
    assert nf.ones_like(x, dtype="float64").dtype == nf.float64
    assert nf.ones_like([1, 2]).numpy().tolist() == [1, 1]
    assert nf.math.zeros_like(x).dtype == nf.float32


@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (3, 2, [2]),
                                             (0, 2, None), (2, None, [2, 1])])
def test_eye(rows, cols, batch):
    got = nf.eye(rows, cols, batch)
    want = np.broadcast_to(np.eye(rows, cols), tuple(batch or ()) + np.eye(rows, cols).shape)
    assert got.dtype == nf.float32
    np.testing.assert_array_equal(got.numpy(), want)
    assert nf.eye(2, dtype=nf.int32).dtype == nf.int32


def test_one_hot():
    np.testing.assert_array_equal(nf.one_hot([0, 2, -1], 3).numpy(),
                                  [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert nf.one_hot([1], 3).dtype == nf.float32
    assert nf.one_hot([1], 3, on_value=5).dtype == nf.int32
    assert nf.one_hot([1], 3, dtype=nf.float64).dtype == nf.float64
    np.testing.assert_array_equal(nf.one_hot([0, 2], 3, axis=0).numpy(),
                                  [[1, 0], [0, 0], [0, 1]])
    np.testing.assert_array_equal(nf.one_hot([[1], [0]], 2, 5.0, -1.0).numpy(),
                                  [[[-1, 5]], [[5, -1]]])
    with pytest.raises(TypeError, match="one_hot"):
        nf.one_hot([1.0], 3)


def test_meshgrid():
    for indexing in ("xy", "ij"):
        got = nf.meshgrid([1, 2, 3], [4, 5], indexing=indexing)
        for g, w in zip(got, np.meshgrid([1, 2, 3], [4, 5], indexing=indexing)):
            np.testing.assert_array_equal(g.numpy(), w)
    check_grad(lambda a, b: nf.meshgrid(a, b)[0] * nf.meshgrid(a, b)[1], rand((3,)),
               rand((2,), seed=4))


# -- shape, size, rank, identity, stop_gradient, ensure_shape ---------------------------------
def test_shape_size_rank():
    x = nf.zeros([2, 3, 0])
    assert nf.shape(x).dtype == nf.int32 and nf.shape(x).numpy().tolist() == [2, 3, 0]
    assert nf.shape(x, out_type=nf.int64).dtype == nf.int64
    assert nf.size(x).numpy() == 0 and nf.size(nf.zeros([2, 3])).numpy() == 6
    assert nf.rank(x).numpy() == 3 and nf.rank(x).dtype == nf.int32
    assert nf.shape(nf.constant(1.0)).shape == (0,)
    with pytest.raises(TypeError, match="out_type"):
        nf.shape(x, out_type=nf.float32)


def test_shape_is_an_op_with_unknown_dims():
    assert REGISTRY["shape"].shape(nf.TensorShape([None, 3]), out_type=nf.int32) == (2,)
    assert REGISTRY["shape"].dtype(nf.int32, out_type=nf.int64) == nf.int64


def test_shape_in_gradient_computation_is_not_differentiated():
    x = nf.constant(rand((2, 3)))
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.reduce_sum(x * nf.cast(nf.size(x), nf.float64))
    assert np.all(tape.gradient(y, x).numpy() == 6)


def test_identity_stop_gradient():
    check_op(nf.identity, lambda a: a, rand((3, 4)))
    x = nf.constant(2.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.stop_gradient(x) * x
    assert float(tape.gradient(y, x)) == 2.0


def test_ensure_shape():
    x = nf.zeros([2, 3])
    assert nf.ensure_shape(x, [None, 3]) .shape == (2, 3)
    check_grad(lambda t: nf.ensure_shape(t, (3, None)), rand((3, 4)))
    with pytest.raises(InvalidArgumentError, match=r"ensure_shape.*\(2, 3\).*\(3, None\)"):
        nf.ensure_shape(x, [3, None])


def test_newaxis():
    assert nf.newaxis is None
    assert nf.zeros([3])[nf.newaxis, :, nf.newaxis].shape == (1, 3, 1)


# -- shape rules with unknown dims (what graph tracing sees) ---------------------------------
def _rule(name, *shapes, **attrs):
    return REGISTRY[name].shape(*[nf.TensorShape(s) for s in shapes], **attrs)


def test_shape_rules_accept_unknown_dims():
    assert _rule("reshape", (None, 4), shape=(-1, 2, 2)) == (None, 2, 2)
    assert _rule("reshape", (3, 4), shape=(-1, 6)) == (2, 6)
    assert _rule("transpose", (None, 4), perm=(1, 0)) == (4, None)
    assert _rule("expand_dims", (None, 4), axis=1) == (None, 1, 4)
    assert _rule("squeeze", (None, 1), axes=(1,)) == (None,)
    assert _rule("concat", (None, 4), (None, 2), axis=1) == (None, 6)
    assert _rule("concat", (None, 4), (3, 4), axis=0) == (None, 4)
    assert _rule("concat", (None, 4), (3, None), axis=0) == (None, 4)
    nf.split(nf.zeros([2, 6]), 2, axis=1)  # split ops are made per number of parts, on use
    assert _rule("split_2", (None, 6), axis=1, sizes=None, n=2) == ((None, 3), (None, 3))
    assert _rule("split_2", (None, 6), axis=0, sizes=None, n=2) == ((None, 6), (None, 6))
    assert _rule("split_2", (None, 6), axis=1, sizes=(2, -1), n=2) == ((None, 2), (None, 4))
    assert _rule("tile", (None, 4), multiples=(2, 3)) == (None, 12)
    assert _rule("pad", (None, 4), paddings=((1, 1), (0, 2)), mode="reflect",
                 constant_values=0) == (None, 6)
    assert _rule("broadcast_to", (None, 1), shape=(5, 3)) == (5, 3)
    assert _rule("slice", (None, 4), begin=(1, 1), size=(-1, 2)) == (None, 2)
    assert _rule("stack", (None, 4), (2, None), axis=0) == (2, None, 4)
    assert _rule("one_hot", (None,), depth=3, on_value=1.0, off_value=0.0, axis=-1,
                 dtype=nf.float32) == (None, 3)
    assert _rule("ensure_shape", (None, 4), expected=nf.TensorShape([2, None])) == (2, 4)
    assert _rule("linspace", (3,), (None, 1), num=5, axis=0) == (5, None, 3)
    with pytest.raises(ValueError, match=r"concat.*\(None, 4\).*\(None, 2\)"):
        _rule("concat", (None, 4), (None, 2), axis=0)
    with pytest.raises(ValueError, match="squeeze"):
        _rule("squeeze", (None, 2), axes=(1,))


def test_traced_shapes_from_run_time_dims():
    seen = {}

    @nf.function(input_signature=[nf.TensorSpec([None, 3], nf.float64)])
    def f(x):
        b = nf.shape(x)[0]
        outs = [nf.zeros([b, 4]), nf.ones([b], nf.int32), nf.fill(nf.shape(x), 2.0),
                nf.reshape(x, [b, 3, 1]), nf.reshape(x, nf.shape(x)[::-1]),
                nf.broadcast_to(nf.constant([1.0, 2.0, 3.0], nf.float64), [b, 3]),
                nf.broadcast_to(nf.reshape(x, [-1, 1, 3]), [b, 2, 3]), nf.size(x), nf.rank(x),
                nf.range(b), nf.range(3)]
        seen["shapes"] = [tuple(t.shape) for t in outs]
        return outs

    a = rand((2, 3))
    got = f(nf.constant(a))
    assert seen["shapes"] == [(None, 4), (None,), (None, None), (None, 3, 1), (None, None),
                              (None, 3), (None, 2, 3), (), (), (None,), (3,)]
    wants = [np.zeros((2, 4)), np.ones(2), np.full((2, 3), 2.0), a.reshape(2, 3, 1),
             a.reshape(3, 2), np.broadcast_to([1.0, 2.0, 3.0], (2, 3)),
             np.broadcast_to(a.reshape(2, 1, 3), (2, 2, 3)), 6, 2, [0, 1], [0, 1, 2]]
    for g, w in zip(got, wants):
        np.testing.assert_array_equal(g.numpy(), w)


def test_traced_gradients_with_unknown_dims():
    @nf.function(input_signature=[nf.TensorSpec([None, 3], nf.float64)])
    def grad(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            b = nf.shape(x)[0]
            parts = nf.split(nf.concat([x, x * x], 0), 2, axis=0)
            y = (nf.pad(parts[1], [[1, 1], [0, 2]], "REFLECT") * 2.0)[1:]
            y = nf.tile(y, [1, 2]) + nf.reduce_sum(nf.reshape(x, [b, 3, 1]))
            y = nf.reduce_sum(nf.squeeze(nf.expand_dims(y, 1), 1))
        return tape.gradient(y, x)

    def fn(t):
        parts = nf.split(nf.concat([t, t * t], 0), 2, axis=0)
        y = (nf.pad(parts[1], [[1, 1], [0, 2]], "REFLECT") * 2.0)[1:]
        return nf.tile(y, [1, 2]) + nf.reduce_sum(t)

    a = nf.constant(rand((3, 3)))
    with nf.GradientTape() as tape:
        tape.watch(a)
        y = nf.reduce_sum(fn(a))
    np.testing.assert_allclose(grad(a).numpy(), tape.gradient(y, a).numpy())


# -- against TensorFlow ----------------------------------------------------------------------
@pytest.mark.tensorflow
def test_matches_tensorflow():
    tf = pytest.importorskip("tensorflow")
    for args in [(5,), (0.0, 5), (1, 5, 0.5), (5, 0, -2)]:
        want = tf.range(*args)
        got = nf.range(*args)
        assert got.dtype.name == want.dtype.name
        np.testing.assert_allclose(got.numpy(), want.numpy())
    x = rand((6, 4), dtype=np.float32)
    for splits in (3, [1, -1, 2]):
        for g, w in zip(nf.split(x, splits), tf.split(x, splits)):
            np.testing.assert_array_equal(g.numpy(), w.numpy())
    for mode in ("REFLECT", "SYMMETRIC"):
        np.testing.assert_array_equal(nf.pad(x, [[2, 1], [3, 0]], mode).numpy(),
                                      tf.pad(x, [[2, 1], [3, 0]], mode).numpy())
    np.testing.assert_allclose(nf.linspace([0.0, 1.0], [1.0, 2.0], 3, axis=1).numpy(),
                               tf.linspace([0.0, 1.0], [1.0, 2.0], 3, axis=1).numpy())
    assert nf.linspace(0, 1, 3).dtype.name == tf.linspace(0, 1, 3).dtype.name
    np.testing.assert_array_equal(nf.one_hot([0, 2], 3, axis=0).numpy(),
                                  tf.one_hot([0, 2], 3, axis=0).numpy())
