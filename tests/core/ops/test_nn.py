"""nf.nn ops: NumPy references, gradients, second order, stability, errors, PyTorch parity."""

import math

import numpy as np
import pytest
from opcheck import SHAPES, check_forward, check_grad, check_op, check_second_order, rand

import neuroflow as nf
from neuroflow.errors import InvalidArgumentError

try:
    from scipy.special import erf as _erf
except ImportError:  # pragma: no cover
    _erf = np.vectorize(math.erf)

ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _np_sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def _np_log_softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
    with np.errstate(divide="ignore"):  # empty inputs
        return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def _np_softmax(x, axis=-1):
    return np.exp(_np_log_softmax(x, axis))


def _np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


# name: (neuroflow fn, numpy reference, input range, smooth)
ACTIVATIONS = {
    "relu": (nf.nn.relu, lambda x: np.maximum(x, 0), (-2, 2), False),
    "relu6": (nf.nn.relu6, lambda x: np.clip(x, 0, 6), (-2, 8), False),
    "leaky_relu": (nf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), (-2, 2), False),
    "leaky_relu_0.01": (lambda x: nf.nn.leaky_relu(x, alpha=0.01),
                        lambda x: np.where(x > 0, x, 0.01 * x), (-2, 2), False),
    "elu": (nf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), (-2, 2), True),
    "selu": (nf.nn.selu, lambda x: SCALE * np.where(x > 0, x, ALPHA * np.expm1(x)), (-2, 2),
             True),
    "gelu": (nf.nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), (-3, 3), True),
    "gelu_tanh": (lambda x: nf.nn.gelu(x, approximate=True), _np_gelu_tanh, (-3, 3), True),
    "silu": (nf.nn.silu, lambda x: x * _np_sigmoid(x), (-3, 3), True),
    "silu_beta": (lambda x: nf.nn.silu(x, beta=1.7), lambda x: x * _np_sigmoid(1.7 * x), (-3, 3),
                  True),
    "swish": (nf.nn.swish, lambda x: x * _np_sigmoid(x), (-3, 3), True),
    "softplus": (nf.nn.softplus, lambda x: np.logaddexp(0, x), (-3, 3), True),
    "softsign": (nf.nn.softsign, lambda x: x / (1 + np.abs(x)), (-3, 3), True),
    "log_sigmoid": (nf.nn.log_sigmoid, lambda x: -np.logaddexp(0, -x), (-3, 3), True),
    "sigmoid": (nf.nn.sigmoid, _np_sigmoid, (-3, 3), True),
    "tanh": (nf.nn.tanh, np.tanh, (-2, 2), True),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation(name, shape):
    fn, ref, (low, high), smooth = ACTIVATIONS[name]
    x = rand(shape, low, high, seed=3)
    check_op(fn, ref, x, second=smooth and shape in [(3, 4), ()])


def test_relu_kinks_follow_tf():
    x = nf.constant([-1.0, 0.0, 3.0, 6.0, 7.0])
    for fn, want in [(nf.nn.relu, [0, 0, 1, 1, 1]), (nf.nn.relu6, [0, 0, 1, 0, 0]),
                     (nf.nn.leaky_relu, [0.2, 0.2, 1, 1, 1])]:
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want)


def test_relu_second_derivative_is_zero():
    x = nf.constant([-1.0, 2.0])
    with nf.GradientTape() as outer:
        outer.watch(x)
        with nf.GradientTape() as inner:
            inner.watch(x)
            y = nf.reduce_sum(nf.nn.relu(x) * nf.nn.leaky_relu(x))
        g = inner.gradient(y, x)
    # d/dx (relu(x) * leaky(x)) = 2x for x > 0, 0 for x < 0 (leaky part times relu = 0)
    np.testing.assert_allclose(g.numpy(), [0.0, 4.0])
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [0.0, 2.0])


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu", "silu_beta", "elu", "selu",
                                  "softplus"])
def test_second_order_of_nested_activations(name):
    # gelu(gelu(x)): the upstream gradient of the inner op depends on x too.
    fn = ACTIVATIONS[name][0]
    check_second_order(lambda x: fn(fn(x)) * fn(x), rand((5,), -2, 2, seed=8))


def test_relu_keeps_dtype_and_ints():
    assert nf.nn.relu(nf.constant([-1, 2])).numpy().tolist() == [0, 2]
    assert nf.nn.relu(nf.constant([-1.0], nf.float64)).dtype == nf.float64
    assert nf.nn.leaky_relu(nf.constant([-5, 5])).dtype == nf.float32


@pytest.mark.parametrize("fn", [nf.nn.elu, nf.nn.selu, nf.nn.gelu, nf.nn.silu, nf.nn.softplus,
                                nf.nn.log_sigmoid, nf.nn.softmax, nf.nn.log_softmax])
def test_float_only_ops_reject_ints(fn):
    with pytest.raises(nf.errors.InvalidDTypeError, match="int32 is not in the list of allowed"):
        fn(nf.constant([1, 2]))


@pytest.mark.parametrize("fn", [nf.nn.elu, nf.nn.selu, nf.nn.gelu, nf.nn.silu, nf.nn.softplus,
                                nf.nn.softsign, nf.nn.log_sigmoid,
                                lambda x: nf.nn.gelu(x, approximate=True)])
def test_activations_finite_for_huge_inputs(fn):
    x = nf.constant([-1e4, -100.0, 100.0, 1e4])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    assert np.all(np.isfinite(y.numpy())) and np.all(np.isfinite(tape.gradient(y, x).numpy()))


def test_softplus_large_values():
    y = nf.nn.softplus(nf.constant([-1e4, 1e4, 0.0]))
    np.testing.assert_allclose(y.numpy(), [0.0, 1e4, math.log(2)], rtol=1e-6)
    assert float(nf.nn.log_sigmoid(nf.constant(-1e4))) == -1e4


# -- softmax ------------------------------------------------------------------------------
SOFTMAX_SHAPES = [s for s in SHAPES if s != ()] + [(2, 3, 5)]


@pytest.mark.parametrize("shape", SOFTMAX_SHAPES, ids=str)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_last_axis(name, shape):
    fn, ref = {"softmax": (nf.nn.softmax, _np_softmax),
               "log_softmax": (nf.nn.log_softmax, _np_log_softmax)}[name]
    check_op(fn, ref, rand(shape, -3, 3), second=shape in [(3, 4), (2, 3, 5)])


@pytest.mark.parametrize("axis", [0, 1, -2])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_other_axes(name, axis):
    fn, ref = {"softmax": (nf.nn.softmax, _np_softmax),
               "log_softmax": (nf.nn.log_softmax, _np_log_softmax)}[name]
    check_op(lambda x: fn(x, axis=axis), lambda x: ref(x, axis), rand((2, 3, 4), -3, 3),
             second=axis == 1)


def test_softmax_is_stable():
    for dtype in (nf.float32, nf.float64):
        x = nf.constant([1000.0, 1001.0], dtype)
        with nf.GradientTape() as tape:
            tape.watch(x)
            y = nf.nn.softmax(x)
            loss = nf.reduce_sum(y * [1.0, 2.0])
        assert abs(float(nf.reduce_sum(y)) - 1) < 1e-6
        np.testing.assert_allclose(y.numpy(), _np_softmax(np.array([0.0, 1.0])), rtol=1e-6)
        assert np.all(np.isfinite(tape.gradient(loss, x).numpy()))


def test_log_softmax_is_stable():
    x = nf.constant([1000.0, -1000.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.nn.log_softmax(x)
    np.testing.assert_allclose(y.numpy(), [0.0, -2000.0])
    g = tape.gradient(y, x).numpy()
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [-1.0, 1.0], atol=1e-6)


def test_softmax_errors():
    with pytest.raises(InvalidArgumentError, match="softmax"):
        nf.nn.softmax(nf.constant(1.0))
    with pytest.raises(InvalidArgumentError, match="axis 2"):
        nf.nn.log_softmax(nf.ones([2, 2]), axis=2)


def test_math_namespace_names_exist_in_nn():
    from neuroflow.core.ops import nn as nn_ops

    for name in nn_ops.NN_NAMES + nn_ops.MATH_NAMES:
        assert callable(getattr(nf.nn, name)), name


# -- cross-entropies ----------------------------------------------------------------------
def _np_sigmoid_ce(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


@pytest.mark.parametrize("shape", [(), (4,), (3, 4), (0, 4)], ids=str)
def test_sigmoid_cross_entropy(shape):
    z, x = rand(shape, 0, 1, seed=1), rand(shape, -3, 3, seed=2)
    fn = lambda z, x: nf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)  # noqa: E731
    ref = _np_sigmoid_ce
    check_op(fn, ref, z, x, second=shape == (3, 4))


def test_sigmoid_cross_entropy_at_zero_logit_and_stability():
    x = nf.constant([0.0, 1e4, -1e4, 1e4])
    z = nf.constant([1.0, 1.0, 0.0, 0.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    np.testing.assert_allclose(y.numpy(), [math.log(2), 0, 0, 1e4], rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [-0.5, 0, 0, 1])


def test_sigmoid_cross_entropy_shape_error():
    with pytest.raises(ValueError, match=r"sigmoid_cross_entropy_with_logits.*\(2,\).*\(3,\)"):
        nf.nn.sigmoid_cross_entropy_with_logits(labels=nf.ones([2]), logits=nf.ones([3]))


def test_weighted_cross_entropy():
    z, x = rand((3, 4), 0, 1, seed=1), rand((3, 4), -3, 3, seed=2)

    def ref(z, x):
        return (1 - z) * x + (1 + 2.0 * z) * np.logaddexp(0, -x)

    check_op(lambda z, x: nf.nn.weighted_cross_entropy_with_logits(z, x, 3.0), ref, z, x)
    same = nf.nn.weighted_cross_entropy_with_logits(nf.constant(z), nf.constant(x), 1.0)
    np.testing.assert_allclose(same.numpy(), _np_sigmoid_ce(z, x), rtol=1e-12)


def _np_softmax_ce(z, x, axis=-1):
    return -np.sum(z * _np_log_softmax(x, axis), axis=axis)


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1),
                                        ((0, 4), -1)], ids=str)
def test_softmax_cross_entropy(shape, axis):
    z = _np_softmax(rand(shape, -2, 2, seed=5), axis)
    x = rand(shape, -3, 3, seed=6)
    check_op(lambda z, x: nf.nn.softmax_cross_entropy_with_logits(z, x, axis=axis),
             lambda z, x: _np_softmax_ce(z, x, axis), z, x, second=shape == (3, 4))


def test_softmax_cross_entropy_unnormalized_labels():
    z, x = rand((3, 4), 0, 2, seed=7), rand((3, 4), -3, 3, seed=8)
    fn = nf.nn.softmax_cross_entropy_with_logits
    check_op(fn, _np_softmax_ce, z, x, second=True)
    with nf.GradientTape() as tape:
        xt = nf.constant(x)
        tape.watch(xt)
        y = fn(nf.constant(z), xt)
    s = z.sum(-1, keepdims=True)
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), _np_softmax(x) * s - z, rtol=1e-12)


def test_softmax_cross_entropy_is_stable():
    z = nf.constant([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    x = nf.constant([[1e4, -1e4], [-1e4, 1e4], [1e4, 1e4]])
    with nf.GradientTape() as tape:
        tape.watch([z, x])
        y = nf.nn.softmax_cross_entropy_with_logits(z, x)
    gz, gx = tape.gradient(y, [z, x])
    np.testing.assert_allclose(y.numpy(), [2e4, 1e4, math.log(2)], rtol=1e-6)
    assert np.all(np.isfinite(gz.numpy())) and np.all(np.isfinite(gx.numpy()))
    np.testing.assert_allclose(gx.numpy(), [[1, -1], [-0.5, 0.5], [-0.5, 0.5]], atol=1e-6)


def test_softmax_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"softmax_cross_entropy_with_logits.*\(3, 4\).*\(3, 5\)"):
        nf.nn.softmax_cross_entropy_with_logits(nf.ones([3, 4]), nf.ones([3, 5]))
    with pytest.raises(TypeError):
        nf.nn.softmax_cross_entropy_with_logits(nf.ones([3], nf.float64), nf.ones([3]))


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 5), (0, 4)], ids=str)
def test_sparse_softmax_cross_entropy(shape):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, shape[-1], shape[:-1])
    x = rand(shape, -3, 3, seed=9)

    def ref(x):
        log_p = _np_log_softmax(x)
        return -np.take_along_axis(log_p, labels[..., None], -1)[..., 0]

    for dtype in (nf.int32, nf.int64):
        lab = nf.constant(labels, dtype)
        check_op(lambda x: nf.nn.sparse_softmax_cross_entropy_with_logits(lab, x), ref, x,
                 second=shape == (3, 4))


def test_sparse_matches_dense_and_is_stable():
    x = nf.constant([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0]])
    labels = nf.constant([1, 1])
    with nf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        sparse = nf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x)
        dense = nf.nn.softmax_cross_entropy_with_logits(nf.one_hot(labels, 3), x)
    np.testing.assert_allclose(sparse.numpy(), dense.numpy())
    np.testing.assert_allclose(tape.gradient(sparse, x).numpy(), tape.gradient(dense, x).numpy())
    assert np.all(np.isfinite(tape.gradient(sparse, x).numpy()))


def test_sparse_softmax_cross_entropy_errors():
    x = nf.ones([2, 3])
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(InvalidArgumentError, match=r"label value of (3|-1).*\[0, 3\)"):
            nf.nn.sparse_softmax_cross_entropy_with_logits(nf.constant(bad), x)
    with pytest.raises(InvalidArgumentError, match="shape"):
        nf.nn.sparse_softmax_cross_entropy_with_logits(nf.constant([0, 1, 2]), x)
    with pytest.raises(TypeError, match="int32 or int64"):
        nf.nn.sparse_softmax_cross_entropy_with_logits(nf.constant([0.0, 1.0]), x)


# -- bias, dropout, normalization ---------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (0, 4)], ids=str)
def test_bias_add(shape):
    check_op(nf.nn.bias_add, lambda v, b: v + b, rand(shape, seed=1), rand((4,), seed=2))


def test_bias_add_channels_first():
    v, b = rand((2, 3, 4, 5), seed=1), rand((3,), seed=2)
    check_op(lambda v, b: nf.nn.bias_add(v, b, data_format="NCHW"),
             lambda v, b: v + b[:, None, None], v, b)
    check_op(lambda v, b: nf.nn.bias_add(v, b, data_format="NHWC"),
             lambda v, b: v + b, rand((2, 3, 4, 3), seed=3), b)


def test_bias_add_errors():
    with pytest.raises(ValueError, match=r"bias_add: bias length 3.*\(2, 4\)"):
        nf.nn.bias_add(nf.ones([2, 4]), nf.ones([3]))
    with pytest.raises(ValueError, match="1-D"):
        nf.nn.bias_add(nf.ones([2, 4]), nf.ones([1, 4]))
    with pytest.raises(ValueError, match="at least 2-D"):
        nf.nn.bias_add(nf.ones([4]), nf.ones([4]))
    with pytest.raises(ValueError, match="data_format"):
        nf.nn.bias_add(nf.ones([2, 4]), nf.ones([4]), data_format="HWC")
    with pytest.raises(ValueError, match=r"channel axis 1"):
        nf.nn.bias_add(nf.ones([2, 4, 5]), nf.ones([5]), data_format="NCW")


def test_dropout_scales_kept_values_and_gradient():
    x = nf.constant(rand((200, 50), 1, 2).astype(np.float32))
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.nn.dropout(x, rate=0.3)
    kept = y.numpy() != 0
    np.testing.assert_allclose(y.numpy()[kept], x.numpy()[kept] / 0.7, rtol=1e-6)
    assert abs(kept.mean() - 0.7) < 0.02
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, kept / 0.7, rtol=1e-6)
    assert y.dtype == nf.float32
    assert abs(float(nf.reduce_mean(nf.nn.dropout(nf.ones([100000]), 0.5))) - 1) < 0.02


def test_dropout_noise_shape_and_seed():
    y = nf.nn.dropout(nf.ones([50, 8], nf.float64), rate=0.5, noise_shape=[1, 8])
    rows = y.numpy()
    assert y.dtype == nf.float64 and np.all(rows == rows[0]) and set(rows[0]) <= {0.0, 2.0}
    y = nf.nn.dropout(nf.ones([8, 50]), rate=0.5, noise_shape=[None, 1]).numpy()
    assert np.all(y == y[:, :1])
    nf.random.set_seed(3)
    a = [nf.nn.dropout(nf.ones([20]), 0.5, seed=7).numpy() for _ in range(2)]
    nf.random.set_seed(3)
    b = [nf.nn.dropout(nf.ones([20]), 0.5, seed=7).numpy() for _ in range(2)]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])


def test_dropout_rate_zero_is_identity_and_errors():
    x = nf.constant([1.0, 2.0])
    assert nf.nn.dropout(x, 0.0) is x
    for rate in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"rate.*\[0, 1\)"):
            nf.nn.dropout(x, rate)
    with pytest.raises(TypeError):
        nf.nn.dropout(nf.constant([1, 2]), 0.5)
    with pytest.raises(ValueError, match="noise_shape"):
        nf.nn.dropout(nf.ones([3, 4]), 0.5, noise_shape=[3, 2])


def test_dropout_mask_op_is_stateful():
    from neuroflow.core.registry import REGISTRY

    assert REGISTRY["dropout_mask"].stateful


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 1], False), ([1], True),
                                           ([-1], False)], ids=str)
def test_moments(axes, keepdims):
    x = rand((3, 4, 2), seed=4)
    ax = tuple(axes)
    check_op(lambda x: nf.nn.moments(x, axes, keepdims=keepdims),
             lambda x: (x.mean(ax, keepdims=keepdims), x.var(ax, keepdims=keepdims)), x,
             grad_rtol=1e-5)
    check_second_order(lambda x: nf.nn.moments(x, axes)[1], x)


def test_batch_normalization():
    x = rand((5, 3), seed=1)
    mean, var = rand((3,), seed=2), rand((3,), 0.5, 2, seed=3)
    offset, scale = rand((3,), seed=4), rand((3,), seed=5)

    def ref(x, m, v, o, s):
        return s * (x - m) / np.sqrt(v + 1e-3) + o

    check_op(lambda x, m, v, o, s: nf.nn.batch_normalization(x, m, v, o, s, 1e-3), ref,
             x, mean, var, offset, scale, second=False)
    got = nf.nn.batch_normalization(nf.constant(x), nf.constant(mean), nf.constant(var), None,
                                    None, 1e-3)
    np.testing.assert_allclose(got.numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)


@pytest.mark.parametrize("axis", [None, 0, -1, [0, 1]], ids=str)
def test_l2_normalize(axis):
    x = rand((3, 4), seed=6)

    def ref(x):
        ax = tuple(axis) if isinstance(axis, list) else axis
        return x / np.sqrt(np.maximum(np.sum(x * x, axis=ax, keepdims=True), 1e-12))

    check_op(lambda x: nf.nn.l2_normalize(x, axis=axis), ref, x)
    assert np.all(nf.nn.l2_normalize(nf.zeros([3])).numpy() == 0)


def test_l2_loss_and_average_loss():
    x = rand((3, 4), seed=2)
    check_op(nf.nn.l2_loss, lambda x: np.sum(x * x) / 2, x)
    loss = nf.constant([1.0, 2.0, 3.0, 6.0])
    assert float(nf.nn.compute_average_loss(loss)) == 3.0
    assert float(nf.nn.compute_average_loss(loss, global_batch_size=8)) == 1.5
    assert float(nf.nn.compute_average_loss(loss, sample_weight=[1.0, 1.0, 0.0, 0.0])) == 0.75


# -- PyTorch parity (float32) -------------------------------------------------------------
def _torch_pair(nf_fn, torch_fn, *arrays, wrt=None):
    torch = pytest.importorskip("torch")
    wrt = range(len(arrays)) if wrt is None else wrt
    ts = [torch.tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    want = torch_fn(*ts)
    weight = np.asarray(rand(tuple(want.shape), 0.5, 1.5, seed=11), np.float32)
    (want * torch.tensor(weight)).sum().backward()
    xs = [nf.constant(a) for a in arrays]
    with nf.GradientTape() as tape:
        tape.watch(xs)
        got = nf_fn(*xs)
        loss = nf.reduce_sum(got * weight)
    grads = tape.gradient(loss, xs)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=2e-5, atol=2e-6)
    for i in wrt:
        np.testing.assert_allclose(grads[i].numpy(), ts[i].grad.numpy(), rtol=2e-5, atol=2e-6)


def _f32(shape, low=-3, high=3, seed=0):
    return rand(shape, low, high, seed=seed).astype(np.float32)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "selu", "elu", "softplus", "silu",
                                  "leaky_relu", "relu6", "softsign", "log_sigmoid"])
def test_activation_matches_torch(name):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    pairs = {
        "gelu": (nf.nn.gelu, F.gelu),
        "gelu_tanh": (lambda x: nf.nn.gelu(x, approximate=True),
                      lambda x: F.gelu(x, approximate="tanh")),
        "selu": (nf.nn.selu, F.selu), "elu": (nf.nn.elu, F.elu),
        "softplus": (nf.nn.softplus, F.softplus), "silu": (nf.nn.silu, F.silu),
        "leaky_relu": (nf.nn.leaky_relu, lambda x: F.leaky_relu(x, 0.2)),
        "relu6": (nf.nn.relu6, F.relu6), "softsign": (nf.nn.softsign, F.softsign),
        "log_sigmoid": (nf.nn.log_sigmoid, F.logsigmoid),
    }
    x = _f32((4, 6), -4, 8 if name == "relu6" else 4)
    _torch_pair(*pairs[name], x)


@pytest.mark.torch
def test_log_softmax_and_softmax_match_torch():
    torch = pytest.importorskip("torch")
    x = _f32((5, 7))
    _torch_pair(nf.nn.log_softmax, lambda t: torch.log_softmax(t, -1), x)
    _torch_pair(lambda t: nf.nn.softmax(t, axis=0), lambda t: torch.softmax(t, 0), x)


@pytest.mark.torch
def test_softmax_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    labels = _np_softmax(_f32((6, 5), seed=1)).astype(np.float32)
    logits = _f32((6, 5), -10, 10, seed=2)
    _torch_pair(nf.nn.softmax_cross_entropy_with_logits,
                lambda z, x: F.cross_entropy(x, z, reduction="none"), labels, logits)
    classes = np.array([0, 4, 2, 1, 3, 3])
    _torch_pair(lambda x: nf.nn.sparse_softmax_cross_entropy_with_logits(nf.constant(classes), x),
                lambda x: F.cross_entropy(x, torch.tensor(classes), reduction="none"), logits)
    _torch_pair(lambda z, x: nf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                lambda z, x: F.binary_cross_entropy_with_logits(x, z, reduction="none"),
                labels, logits)


# -- small composites ---------------------------------------------------------------------
def test_crelu_embedding_lookup_zero_fraction():
    x = rand((3, 4), seed=1)
    check_op(nf.nn.crelu, lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1), x)
    table, ids = rand((5, 3), seed=2), np.array([[0, 4], [4, 2]])
    check_op(lambda t: nf.nn.embedding_lookup(t, nf.constant(ids)), lambda t: t[ids], table)
    got = nf.nn.embedding_lookup([nf.constant([[3.0, 4.0], [0.3, 0.4]])], [0, 1], max_norm=1.0)
    np.testing.assert_allclose(got.numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    assert float(nf.nn.zero_fraction(nf.constant([0.0, 1.0, 0.0, 2.0]))) == 0.5
    assert nf.nn.top_k is nf.math.top_k


# -- graph mode ---------------------------------------------------------------------------
def test_ops_trace_into_graphs_with_gradients():
    @nf.function
    def step(labels, logits):
        with nf.GradientTape() as tape:
            tape.watch(logits)
            h = nf.nn.dropout(nf.nn.gelu(logits), rate=0.5)
            loss = nf.reduce_sum(nf.nn.softmax_cross_entropy_with_logits(labels, logits)
                                 + nf.nn.sparse_softmax_cross_entropy_with_logits(
                                     nf.argmax(labels, -1), logits)) + nf.reduce_sum(h * 0.0)
        return loss, tape.gradient(loss, logits), h

    z = nf.constant(np.eye(3, dtype=np.float32))
    x = nf.constant(rand((3, 3), seed=4).astype(np.float32))
    loss, grad, h1 = step(z, x)
    want = 2 * (_np_softmax(x.numpy().astype(np.float64)) - np.eye(3))
    np.testing.assert_allclose(grad.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(loss), 2 * _np_softmax_ce(np.eye(3), x.numpy()).sum(),
                               rtol=1e-5)
    h2 = step(z, x)[2]
    assert not np.array_equal(h1.numpy() != 0, h2.numpy() != 0)  # a new mask on every run


def test_sparse_ce_backprop_kernel_first_and_second_order():
    from opcheck import check_grad, check_second_order, rand

    labels = nf.constant(np.array([1, 0, 3]))

    def loss(logits):
        ce = nf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        return ce * nf.reduce_sum(logits, axis=1)   # a non-constant upstream gradient

    check_grad(loss, rand((3, 4)))
    check_second_order(loss, rand((3, 4)))
