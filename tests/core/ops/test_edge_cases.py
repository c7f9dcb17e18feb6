"""TF's answers on the edge cases users hit: dtype rules, NaN, inverted bounds, inf, gradients
through non-differentiable ops (values checked against TF 2.21 by hand; the oracle sweep in
``test_tf_sweep.py`` re-checks them against TF itself when it is installed)."""

import math

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.backend.dtypes import FLOATING
from neuroflow.core.registry import defop

FLOAT_ONLY = [nf.sigmoid, nf.exp, nf.math.log, nf.sqrt, nf.tanh, nf.sin, nf.math.reciprocal,
              nf.math.erf, nf.math.rsqrt, nf.math.log1p, nf.math.floor, nf.math.is_nan,
              nf.keras.activations.sigmoid, nf.keras.activations.selu]


@pytest.mark.parametrize("fn", FLOAT_ONLY, ids=lambda f: f.__name__)
def test_float_only_ops_reject_int_input(fn):
    with pytest.raises(nf.errors.InvalidDTypeError, match="int32 is not in the list of allowed"):
        fn(nf.constant([1, 2]))


def test_the_dtype_error_is_both_invalid_argument_and_type_error():
    for bad in (lambda: nf.add(nf.constant(1), nf.constant(1.0)),
                lambda: nf.less(nf.constant(1), nf.constant(1.0)),
                lambda: nf.where([True], nf.constant([1]), nf.constant([1.0])),
                lambda: nf.concat([nf.constant([1]), nf.constant([1.0])], 0),
                lambda: nf.gather(nf.constant([1, 2]), nf.constant([0.0])),
                lambda: nf.sigmoid(nf.constant([1]))):
        with pytest.raises(nf.errors.InvalidArgumentError) as info:
            bad()
        assert isinstance(info.value, TypeError)


def test_declared_dtypes_are_checked_in_graphs_too():
    f = nf.function(lambda x: nf.exp(x))
    with pytest.raises(nf.errors.InvalidDTypeError, match="exp"):
        f(nf.constant([1, 2]))


def test_defop_dtypes_per_input():
    op = defop("test_edge_pick", lambda xp, c, x: x, dtypes=(("bool",), FLOATING))
    assert op.bind(nf.constant([True]), nf.constant([1.0])).numpy().tolist() == [1.0]
    with pytest.raises(nf.errors.InvalidDTypeError, match="test_edge_pick: .* int32 .* half"):
        op.bind(nf.constant([True]), nf.constant([1]))


def test_keras_tanh_and_exponential_cast_ints_to_float32():
    assert nf.keras.activations.tanh(nf.constant([1])).dtype == nf.float32
    assert nf.keras.activations.exponential(nf.constant([1])).dtype == nf.float32
    assert nf.keras.activations.relu(nf.constant([1])).dtype == nf.int32


def test_argmax_argmin_skip_nan_as_tf():
    n = math.nan
    assert int(nf.argmax([1.0, n, 3.0])) == 2
    assert int(nf.argmin([1.0, n, 0.0])) == 2
    assert int(nf.argmax([n, 5.0, 3.0])) == 1
    assert int(nf.argmax([n, n, n])) == 0
    assert nf.argmax([[n, 1.0], [2.0, n], [n, n]], axis=1).numpy().tolist() == [1, 0, 0]


def test_clip_by_value_with_min_above_max_gives_min():
    assert nf.clip_by_value([1.0, 5.0, 10.0], 6.0, 2.0).numpy().tolist() == [6.0, 6.0, 6.0]
    assert nf.clip_by_value([1, 5, 10], 6, 2).numpy().tolist() == [6, 6, 6]


def test_floordiv_of_infinities_is_floor_of_the_quotient():
    got = nf.math.floordiv(nf.constant([np.inf, -np.inf, np.nan, 5.0]), 1.0).numpy()
    np.testing.assert_array_equal(got, [np.inf, -np.inf, np.nan, 5.0])
    assert nf.math.floordiv([-7, 7], [2, -2]).numpy().tolist() == [-4, -4]


def test_equality_operators_as_tf2():
    a = nf.constant([1, 2, 3])
    assert not bool(a == nf.constant([1, 2])) and bool(a != nf.constant([1, 2]))
    assert (a == None) is False and (a != None) is True  # noqa: E711
    with pytest.raises(TypeError):
        _ = a == "text"
    assert (a == 2).numpy().tolist() == [False, True, False]


def test_unstack_of_a_scalar_is_a_value_error():
    with pytest.raises(ValueError, match="scalar"):
        nf.unstack(nf.constant(1.0))


def test_no_gradient_through_argmax_one_hot_and_floordiv():
    x = nf.Variable([[1.0, 3.0], [2.0, 0.0]])
    with nf.GradientTape(persistent=True) as tape:
        y = nf.reduce_sum(x * nf.one_hot(nf.argmax(x, 1), 2))
        z = nf.reduce_sum(x // 1.0)
        w = nf.reduce_sum(nf.cast(nf.argmax(x, 1), nf.float32))
    assert tape.gradient(y, x).numpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert tape.gradient(z, x) is None and tape.gradient(w, x) is None
    zero = tape.gradient(z, x, unconnected_gradients=nf.UnconnectedGradients.ZERO)
    assert zero.numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert tape.gradient(w, x, unconnected_gradients="zero").numpy().sum() == 0.0


def test_selu_gradient_at_zero_is_scale():
    x = nf.Variable([0.0, -1.0, 1.0])
    with nf.GradientTape() as tape:
        y = nf.reduce_sum(nf.nn.selu(x))
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, [1.0507010, 1.7580993 * math.exp(-1.0), 1.0507010], rtol=1e-6)
