"""Reductions and axis-wise ops: NumPy reference, gradients, second order, TF edge semantics."""

import importlib
import warnings

import numpy as np
import pytest
from opcheck import SHAPES, check_forward, check_grad, check_op, check_second_order, rand

import neuroflow as nf

nf_math = importlib.import_module("neuroflow.math")  # the tf.math namespace module itself


def _quiet(ref):
    """A NumPy reference with its empty-slice RuntimeWarnings silenced."""
    def run(*args, **kwargs):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return ref(*args, **kwargs)
    return run


def _np_logsumexp(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


# name: (neuroflow fn, NumPy reference(x, axis, keepdims), input range, smooth)
REDUCTIONS = {
    "reduce_sum": (nf.reduce_sum, np.sum, (-2, 2), True),
    "reduce_mean": (nf.reduce_mean, _quiet(np.mean), (-2, 2), True),
    "reduce_max": (nf.reduce_max,
                   lambda x, axis, keepdims: np.max(x, axis, keepdims=keepdims, initial=-np.inf),
                   (-2, 2), False),
    "reduce_min": (nf.reduce_min,
                   lambda x, axis, keepdims: np.min(x, axis, keepdims=keepdims, initial=np.inf),
                   (-2, 2), False),
    "reduce_prod": (nf.reduce_prod, np.prod, (0.5, 1.5), True),
    "reduce_logsumexp": (nf.reduce_logsumexp, _quiet(_np_logsumexp), (-2, 2), True),
    "reduce_variance": (nf_math.reduce_variance, _quiet(np.var), (-2, 2), True),
    "reduce_std": (nf_math.reduce_std, _quiet(np.std), (-2, 2), True),
    "reduce_euclidean_norm": (nf_math.reduce_euclidean_norm,
                              lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis,
                                                                       keepdims=keepdims)),
                              (0.2, 2), True),
}


def _axis_cases():
    cases = []
    for shape in SHAPES:
        rank = len(shape)
        axes = [None]
        if rank >= 1:
            axes += [0, -1]
        if rank >= 2:
            axes += [[0, -1], [-1, 0]]
        if rank >= 3:
            axes += [[0, 2]]
        for axis in axes:
            for keepdims in (False, True):
                cases.append((shape, axis, keepdims))
    return cases


AXIS_CASES = _axis_cases()


def _as_np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _group_size(shape, axis):
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    return int(np.prod([shape[a] for a in axes]))


@pytest.mark.parametrize("shape,axis,keepdims", AXIS_CASES, ids=str)
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction(name, shape, axis, keepdims):
    fn, ref, (low, high), smooth = REDUCTIONS[name]
    x = rand(shape, low, high)
    # std's gradient at zero spread is inf*0 (NaN in TF too); a group of one has zero spread.
    grad = not (name == "reduce_std" and _group_size(shape, axis) == 1)
    check_op(lambda t: fn(t, axis=axis, keepdims=keepdims),
             lambda a: ref(a, _as_np_axis(axis), keepdims=keepdims), x, grad=grad,
             second=smooth and grad and shape == (3, 4))


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_logsumexp",
                                  "reduce_variance", "reduce_prod"])
def test_second_order_over_axes(name):
    fn = REDUCTIONS[name][0]
    x = rand((2, 1, 4), 0.5, 1.5, seed=3)
    check_second_order(lambda t: fn(t, axis=[0, 2], keepdims=False), x)
    check_second_order(lambda t: fn(t, axis=-1, keepdims=True), x)


def test_reduce_sum_and_mean_tf_examples():
    x = nf.constant([[1, 1, 1], [1, 1, 1]])
    assert nf.reduce_sum(x).numpy() == 6
    assert nf.reduce_sum(x, 0).numpy().tolist() == [2, 2, 2]
    assert nf.reduce_sum(x, 1, keepdims=True).numpy().tolist() == [[3], [3]]
    assert nf.reduce_sum(x, [0, 1]).numpy() == 6
    assert nf.reduce_mean(nf.constant([[1.0, 1.0], [2.0, 2.0]])).numpy() == 1.5
    assert nf.reduce_mean(nf.constant([[1.0, 1.0], [2.0, 2.0]]), 0).numpy().tolist() == [1.5,
                                                                                            1.5]


def test_axis_as_tensor_and_empty_list():
    x = rand((3, 4))
    np.testing.assert_allclose(nf.reduce_sum(nf.constant(x), nf.constant([1])).numpy(),
                               x.sum(1))
    np.testing.assert_array_equal(nf.reduce_max(nf.constant(x), axis=[]).numpy(), x)


# -- integer dtypes --------------------------------------------------------------------------
def test_integer_reductions_keep_dtype():
    x = nf.constant([[1, 2, 3], [4, 5, 6]])
    for fn in (nf.reduce_sum, nf.reduce_prod, nf.reduce_max, nf.reduce_min, nf.reduce_mean):
        assert fn(x).dtype == nf.int32, fn.__name__
    assert nf.reduce_sum(x).numpy() == 21 and nf.reduce_prod(x).numpy() == 720
    assert nf.reduce_max(x, 1).numpy().tolist() == [3, 6]
    assert nf.reduce_min(nf.constant([5, 2], nf.int64)).dtype == nf.int64


def test_integer_mean_is_integer_division_toward_zero_like_tf():
    assert nf.reduce_mean(nf.constant([1, 2, 4])).numpy() == 2
    assert nf.reduce_mean(nf.constant([1, 2])).numpy() == 1
    assert nf.reduce_mean(nf.constant([-1, -2])).numpy() == -1   # C division, not floor
    assert nf.reduce_mean(nf.constant([[-3, -4], [5, 8]]), axis=1).numpy().tolist() == [-3, 6]
    assert nf.reduce_mean(nf.constant([7, 8], nf.uint8)).numpy() == 7


def test_empty_reductions_give_identities():
    e = nf.zeros([0, 3])
    assert nf.reduce_sum(e).numpy() == 0 and nf.reduce_prod(e).numpy() == 1
    assert nf.reduce_max(e).numpy() == -np.inf and nf.reduce_min(e).numpy() == np.inf
    assert nf.reduce_max(e, axis=0).numpy().tolist() == [-np.inf] * 3
    assert nf.reduce_max(e, axis=1).shape == (0,)
    assert nf.reduce_max(nf.zeros([0], nf.int32)).numpy() == np.iinfo(np.int32).min
    assert nf.reduce_min(nf.zeros([0], nf.int32)).numpy() == np.iinfo(np.int32).max
    assert np.isnan(nf.reduce_mean(e).numpy())
    assert nf.reduce_logsumexp(e).numpy() == -np.inf


# -- edge values -----------------------------------------------------------------------------
def test_reduce_max_min_with_inf_and_nan():
    assert nf.reduce_max(nf.constant([1.0, np.inf, 3.0])).numpy() == np.inf
    assert nf.reduce_min(nf.constant([1.0, -np.inf, 3.0])).numpy() == -np.inf
    assert np.isnan(nf.reduce_max(nf.constant([1.0, np.nan, 3.0])).numpy())
    assert np.isnan(nf.reduce_min(nf.constant([1.0, np.nan, 3.0])).numpy())
    got = nf.reduce_max(nf.constant([[1.0, np.nan], [2.0, 5.0]]), axis=1).numpy()
    assert np.isnan(got[0]) and got[1] == 5.0


def test_logsumexp_is_stable():
    got = nf.reduce_logsumexp(nf.constant([1000.0, 1001.0]))
    assert np.isfinite(got.numpy())
    np.testing.assert_allclose(got.numpy(), 1001.0 + np.log1p(np.exp(-1.0)), rtol=1e-6)
    got = nf.reduce_logsumexp(nf.constant([-1000.0, -1001.0], nf.float64))
    np.testing.assert_allclose(got.numpy(), -1000.0 + np.log1p(np.exp(-1.0)), rtol=1e-12)
    assert nf.reduce_logsumexp(nf.constant([-np.inf, -np.inf])).numpy() == -np.inf
    assert nf.reduce_logsumexp(nf.constant([np.inf, 1.0])).numpy() == np.inf
    rows = nf.reduce_logsumexp(nf.constant([[1e4, 1e4], [-np.inf, 0.0]]), axis=1).numpy()
    np.testing.assert_allclose(rows, [1e4 + np.log(2), 0.0], rtol=1e-6)


def test_logsumexp_gradient_is_softmax_even_for_large_inputs():
    x = nf.constant([1000.0, 1001.0, 1002.0], nf.float64)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.reduce_logsumexp(x)
    e = np.exp(np.array([-2.0, -1.0, 0.0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), e / e.sum(), rtol=1e-12)


# -- gradient semantics ----------------------------------------------------------------------
def _grad(fn, x):
    x = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


def test_max_min_gradient_splits_ties_equally_like_tf():
    assert _grad(nf.reduce_max, [1.0, 3.0, 3.0]).tolist() == [0, 0.5, 0.5]
    assert _grad(nf.reduce_min, [2.0, 2.0, 2.0, 5.0]).tolist() == pytest.approx([1 / 3] * 3
                                                                                 + [0])
    g = _grad(lambda t: nf.reduce_max(t, axis=0, keepdims=True), [[1.0, 4.0], [1.0, 2.0]])
    assert g.tolist() == [[0.5, 1.0], [0.5, 0.0]]
    g = _grad(lambda t: nf.reduce_max(t, axis=1) * nf.constant([1.0, 3.0]),
              [[7.0, 7.0], [0.0, 1.0]])
    assert g.tolist() == [[0.5, 0.5], [0.0, 3.0]]


def test_reduce_max_second_order_is_zero():
    check_second_order(lambda t: nf.reduce_max(t, axis=1), rand((3, 4), seed=5))


def test_prod_gradient_with_zeros():
    assert _grad(nf.reduce_prod, [2.0, 0.0, 3.0]).tolist() == [0.0, 6.0, 0.0]
    assert _grad(nf.reduce_prod, [0.0, 0.0, 3.0]).tolist() == [0.0, 0.0, 0.0]
    g = _grad(lambda t: nf.reduce_prod(t, axis=1), [[2.0, 0.0, 4.0], [1.0, 2.0, 3.0]])
    assert g.tolist() == [[0.0, 8.0, 0.0], [6.0, 3.0, 2.0]]
    x = rand((2, 3, 2), 0.5, 1.5, seed=4)
    x[1, 2, 0] = 0.0
    for axis in (None, [0, 2], [1, 2], 1):
        check_grad(lambda t: nf.reduce_prod(t, axis=axis), x)


def test_variance_and_std_values():
    x = nf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert nf_math.reduce_variance(x).numpy() == 1.25
    np.testing.assert_allclose(nf_math.reduce_std(x).numpy(), np.sqrt(1.25), rtol=1e-6)
    assert nf_math.reduce_variance(x, axis=-1).numpy().tolist() == [0.25, 0.25]
    assert nf_math.reduce_std(x, 0, keepdims=True).numpy().tolist() == [[1.0, 1.0]]
    with pytest.raises(TypeError, match="reduce_variance"):
        nf_math.reduce_variance(nf.constant([1, 2]))


def test_euclidean_norm_integers():
    assert nf_math.reduce_euclidean_norm(nf.constant([3, 4])).numpy() == 5
    assert nf_math.reduce_euclidean_norm(nf.constant([[1, 2, 3], [1, 1, 1]]), 1).dtype == \
        nf.int32


# -- any / all / count_nonzero ---------------------------------------------------------------
@pytest.mark.parametrize("shape,axis,keepdims", AXIS_CASES, ids=str)
def test_any_all(shape, axis, keepdims):
    x = rand(shape, seed=2) > 0.5
    check_forward(lambda t: nf.reduce_any(t, axis=axis, keepdims=keepdims),
                  lambda a: np.any(a, _as_np_axis(axis), keepdims=keepdims), x)
    check_forward(lambda t: nf.reduce_all(t, axis=axis, keepdims=keepdims),
                  lambda a: np.all(a, _as_np_axis(axis), keepdims=keepdims), x)
    assert nf.reduce_any(nf.constant(x), axis).dtype == nf.bool


def test_any_all_values_and_errors():
    x = nf.constant([[True, True], [False, False]])
    assert nf.reduce_all(x).numpy() == False  # noqa: E712 - NumPy bool
    assert nf.reduce_any(x, 1).numpy().tolist() == [True, False]
    assert nf.reduce_all(x, 0).numpy().tolist() == [False, False]
    assert nf.reduce_any(nf.zeros([0], nf.bool)).numpy() == False  # noqa: E712
    assert nf.reduce_all(nf.zeros([0], nf.bool)).numpy() == True  # noqa: E712
    with pytest.raises(TypeError, match="reduce_any"):
        nf.reduce_any(nf.constant([1.0]))
    with pytest.raises(TypeError, match="reduce_all"):
        nf.reduce_all(nf.constant([1]))


def test_count_nonzero():
    x = nf.constant([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    got = nf_math.count_nonzero(x)
    assert got.dtype == nf.int64 and got.numpy() == 3
    assert nf_math.count_nonzero(x, axis=1, keepdims=True).numpy().tolist() == [[1], [2]]
    assert nf_math.count_nonzero(x, 0, dtype=nf.int32).dtype == nf.int32
    assert nf_math.count_nonzero(nf.constant([True, False, True])).numpy() == 2


# -- argmax / argmin -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 1, 4), (0, 4)], ids=str)
def test_argmax_argmin_match_numpy(shape):
    x = rand(shape, seed=6)
    for axis in range(-len(shape), len(shape)):
        if shape[axis] == 0:
            continue
        for nf_fn, np_fn in ((nf.argmax, np.argmax), (nf.argmin, np.argmin)):
            got = nf_fn(nf.constant(x), axis=axis)
            assert got.dtype == nf.int64
            np.testing.assert_array_equal(got.numpy(), np_fn(x, axis=axis))


def test_argmax_defaults_and_ties():
    x = nf.constant([[1, 9, 9], [8, 2, 8]])
    assert nf.argmax(x).numpy().tolist() == [1, 0, 0]          # axis defaults to 0
    assert nf.argmax(x, 1).numpy().tolist() == [1, 0]          # first index on ties
    assert nf.argmin(x, -1, output_type=nf.int32).numpy().tolist() == [0, 1]
    assert nf.argmin(x, output_type="int32").dtype == nf.int32
    assert nf_math.argmax is nf.argmax and nf_math.argmin is nf.argmin
    with pytest.raises(TypeError, match="argmax"):
        nf.argmax(x, output_type=nf.float32)


def test_argmax_errors_and_no_gradient():
    with pytest.raises(ValueError, match="argmax.*axis 2"):
        nf.argmax(nf.ones([3, 4]), axis=2)
    with pytest.raises(ValueError, match="argmin.*empty"):
        nf.argmin(nf.zeros([0, 4]), axis=0)
    with pytest.raises(ValueError, match="argmax"):
        nf.argmax(nf.constant(1.0))
    x = nf.constant([1.0, 3.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.cast(nf.argmax(x), nf.float32)
    assert tape.gradient(y, x) is None


# -- cumsum / cumprod ------------------------------------------------------------------------
def _np_cumulative(x, axis, exclusive, reverse, prod):
    op, start = (np.cumprod, 1) if prod else (np.cumsum, 0)
    if reverse:
        x = np.flip(x, axis)
    y = op(x, axis=axis, dtype=x.dtype)
    if exclusive:
        y = np.concatenate([np.full_like(np.take(x, [0], axis), start),
                            np.delete(y, -1, axis)], axis) if x.shape[axis] else y
    return np.flip(y, axis) if reverse else y


@pytest.mark.parametrize("shape,axis", [((4,), 0), ((3, 4), 0), ((3, 4), 1), ((3, 4), -1),
                                        ((2, 1, 4), 2), ((0, 4), 0), ((0, 4), 1)], ids=str)
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("prod", [False, True], ids=["cumsum", "cumprod"])
def test_cumulative(shape, axis, exclusive, reverse, prod):
    fn = nf_math.cumprod if prod else nf.cumsum
    x = rand(shape, 0.5, 1.5, seed=7)
    check_op(lambda t: fn(t, axis=axis, exclusive=exclusive, reverse=reverse),
             lambda a: _np_cumulative(a, axis, exclusive, reverse, prod), x,
             second=shape == (3, 4) and axis == 1)


def test_cumsum_tf_examples():
    x = nf.constant([1, 2, 3])
    assert nf.cumsum(x).numpy().tolist() == [1, 3, 6]
    assert nf.cumsum(x, exclusive=True).numpy().tolist() == [0, 1, 3]
    assert nf.cumsum(x, reverse=True).numpy().tolist() == [6, 5, 3]
    assert nf.cumsum(x, exclusive=True, reverse=True).numpy().tolist() == [5, 3, 0]
    assert nf_math.cumprod(x, exclusive=True).numpy().tolist() == [1, 1, 2]
    assert nf.cumsum(x).dtype == nf.int32 and nf_math.cumsum is nf.cumsum
    with pytest.raises(ValueError, match="cumsum"):
        nf.cumsum(x, axis=1)
    with pytest.raises(ValueError, match="cumsum"):
        nf.cumsum(nf.constant(1.0))


def test_cumprod_gradient_where_not_zero():
    check_grad(lambda t: nf_math.cumprod(t, axis=0), rand((5,), 0.5, 2.0, seed=9))


# -- top_k -----------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 3), ((3, 4), 2), ((2, 1, 4), 4),
                                     ((3, 4), 0), ((0, 4), 2)], ids=str)
def test_top_k(shape, k):
    x = rand(shape, seed=8)
    got = nf_math.top_k(nf.constant(x), k=k)
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    assert got.indices.dtype == nf.int32
    np.testing.assert_array_equal(got.indices.numpy(), order)
    np.testing.assert_array_equal(got.values.numpy(), np.take_along_axis(x, order, -1))
    values, indices = got  # unpacks like TF's TopKV2
    assert values is got.values and indices is got.indices
    check_grad(lambda t: nf_math.top_k(t, k=k).values, x)


def test_top_k_ties_prefer_lower_index_and_int_inputs():
    got = nf_math.top_k(nf.constant([1.0, 4.0, 2.0, 4.0, 4.0]), k=3)
    assert got.indices.numpy().tolist() == [1, 3, 4]
    got = nf_math.top_k(nf.constant([[3, 1, 3], [0, 5, 5]]), k=2)
    assert got.values.numpy().tolist() == [[3, 3], [5, 5]]
    assert got.indices.numpy().tolist() == [[0, 2], [1, 2]]


def test_top_k_gradient_scatters_to_top_positions():
    x = nf.constant([[1.0, 5.0, 3.0, 4.0]])
    with nf.GradientTape() as tape:
        tape.watch(x)
        v = nf_math.top_k(x, k=2).values * nf.constant([[10.0, 1.0]])
    assert tape.gradient(v, x).numpy().tolist() == [[0.0, 10.0, 0.0, 1.0]]
    check_second_order(lambda t: nf.square(nf_math.top_k(t, k=2).values), rand((3, 4)))


def test_top_k_errors():
    with pytest.raises(ValueError, match="top_k.*k=5"):
        nf_math.top_k(nf.ones([3, 4]), k=5)
    with pytest.raises(ValueError, match="top_k"):
        nf_math.top_k(nf.ones([3]), k=-1)
    with pytest.raises(ValueError, match="top_k"):
        nf_math.top_k(nf.constant(1.0))


# -- argument errors -------------------------------------------------------------------------
AXIS_FNS = [nf.reduce_sum, nf.reduce_mean, nf.reduce_max, nf.reduce_min, nf.reduce_prod,
            nf.reduce_logsumexp, nf_math.reduce_variance, nf_math.reduce_std,
            nf_math.reduce_euclidean_norm]


@pytest.mark.parametrize("fn", AXIS_FNS, ids=lambda f: f.__name__)
def test_axis_out_of_range_names_the_op(fn):
    x = nf.ones([3, 4])
    for axis in (2, -3, [0, 5]):
        with pytest.raises(ValueError, match=f"{fn.__name__}.*axis"):
            fn(x, axis=axis)
    with pytest.raises(ValueError, match=f"{fn.__name__}.*repeated"):
        fn(x, axis=[1, -1])
    with pytest.raises(ValueError, match=f"{fn.__name__}.*rank 0"):
        fn(nf.constant(2.0), axis=0)


def test_bool_and_integer_inputs_rejected_where_tf_does():
    with pytest.raises(TypeError, match="reduce_sum"):
        nf.reduce_sum(nf.constant([True, False]))
    with pytest.raises(TypeError, match="reduce_logsumexp"):
        nf.reduce_logsumexp(nf.constant([1, 2]))


def test_namespaces():
    for name in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
                 "reduce_logsumexp", "reduce_any", "reduce_all", "argmax", "argmin", "cumsum"):
        assert getattr(nf, name) is getattr(nf_math, name), name
    for name in ("reduce_std", "reduce_variance", "reduce_euclidean_norm", "count_nonzero",
                 "cumprod", "top_k"):
        assert callable(getattr(nf_math, name)), name
        assert getattr(nf.math, name) is getattr(nf_math, name), name


# -- against PyTorch -------------------------------------------------------------------------
def _torch_grad(torch, fn, x):
    t = torch.tensor(x, requires_grad=True)
    fn(t).backward(torch.tensor(np.linspace(0.5, 1.5, fn(t).numel()).reshape(
        tuple(fn(t).shape)).astype(x.dtype)))
    return t.grad.numpy()


def _nf_grad(fn, x):
    t = nf.constant(x)
    with nf.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    weight = np.linspace(0.5, 1.5, int(np.prod(y.shape))).reshape(tuple(y.shape))
    return tape.gradient(y, t, output_gradients=nf.constant(weight.astype(x.dtype))).numpy()


@pytest.mark.torch
def test_gradients_match_torch():
    torch = pytest.importorskip("torch")
    x = rand((3, 5), seed=11, dtype=np.float32)
    x[0, 1] = x[0, 3] = 7.0                      # ties: both split the gradient evenly
    x[2, :] = -1.0
    cases = [
        (lambda t: nf.reduce_logsumexp(t, axis=1), lambda t: torch.logsumexp(t, dim=1)),
        (lambda t: nf.reduce_max(t, axis=1), lambda t: torch.amax(t, dim=1)),
        (lambda t: nf.reduce_min(t, axis=0, keepdims=True),
         lambda t: torch.amin(t, dim=0, keepdim=True)),
        (lambda t: nf.reduce_prod(t, axis=0), lambda t: torch.prod(t, dim=0)),
        (lambda t: nf.cumsum(t, axis=1, reverse=True),
         lambda t: torch.flip(torch.cumsum(torch.flip(t, [1]), 1), [1])),
    ]
    for nf_fn, torch_fn in cases:
        np.testing.assert_allclose(nf_fn(nf.constant(x)).numpy(),
                                   torch_fn(torch.tensor(x)).detach().numpy(), rtol=1e-5)
        np.testing.assert_allclose(_nf_grad(nf_fn, x), _torch_grad(torch, torch_fn, x),
                                   rtol=1e-5, atol=1e-6)
    y = rand((3, 5), seed=12, dtype=np.float32)  # no constant rows: std's gradient there is
    np.testing.assert_allclose(                    # NaN in TF, 0 in torch
        _nf_grad(lambda t: nf_math.reduce_std(t, axis=1), y),
        _torch_grad(torch, lambda t: torch.std(t, dim=1, correction=0), y), rtol=1e-5)
    np.testing.assert_allclose(_nf_grad(lambda t: nf_math.top_k(t, k=2).values, y),
                               _torch_grad(torch, lambda t: torch.topk(t, 2).values, y))
