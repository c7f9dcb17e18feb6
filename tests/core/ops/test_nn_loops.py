"""The Numba loops of softmax cross-entropy (core/ops/_loops.py) against the NumPy kernels they
replace: same numbers to rounding, on ordinary, extreme and non-finite logits."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.backend import jit
from neuroflow.core.ops import nn as _nn

pytest.importorskip("numba")
RNG = np.random.default_rng(0)


def _both(fn, *args):
    fast = fn(np, *args)
    with jit.disabled():
        slow = fn(np, *args)
    return fast, slow


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("shape", [(256, 10), (7, 3), (4, 5, 6)])
def test_loss_and_gradient_match_numpy(dtype, rtol, label_dtype, shape):
    logits = (RNG.standard_normal(shape) * 8).astype(dtype)
    labels = RNG.integers(0, shape[-1], shape[:-1]).astype(label_dtype)
    gy = RNG.random(shape[:-1]).astype(dtype)
    fast, slow = _both(_nn._sparse_ce_forward, labels, logits)
    np.testing.assert_allclose(fast, slow, rtol=rtol, atol=rtol)
    assert fast.dtype == slow.dtype and fast.shape == slow.shape
    fast, slow = _both(_nn._sparse_ce_backprop_forward, labels, logits, gy)
    np.testing.assert_allclose(fast, slow, rtol=rtol, atol=rtol)


def test_extreme_and_non_finite_logits_agree():
    logits = np.array([[1e30, -1e30, 0.0], [np.inf, 0.0, 1.0], [np.nan, 0.0, 1.0],
                       [-np.inf, 0.0, 1.0], [0.0, 0.0, 0.0]], np.float32)
    labels = np.array([1, 0, 2, 0, 1])
    gy = np.ones(5, np.float32)
    for fn, args in ((_nn._sparse_ce_forward, (labels, logits)),
                     (_nn._sparse_ce_backprop_forward, (labels, logits, gy))):
        fast, slow = _both(fn, *args)
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))
        np.testing.assert_allclose(fast[~np.isnan(fast)], slow[~np.isnan(slow)], rtol=1e-6)


def test_public_op_still_rejects_a_label_out_of_range():
    with pytest.raises(nf.errors.InvalidArgumentError, match="label value of 3"):
        nf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=[0, 3], logits=np.zeros((2, 3), np.float32))
