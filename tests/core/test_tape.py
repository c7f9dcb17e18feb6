"""GradientTape: watching, nesting, persistence, structures, jacobians, variables."""

import numpy as np
import pytest

import neuroflow as nf


def test_gradient_of_polynomial():
    x = nf.constant(3.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x * x + 2 * x
    assert float(tape.gradient(y, x)) == 29.0


def test_unwatched_constant_gives_none_and_zero_option():
    x = nf.constant(3.0)
    with nf.GradientTape(persistent=True) as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(y, x, unconnected_gradients="zero")) == 0.0
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, x, unconnected_gradients="bogus")


def test_trainable_variables_are_watched_automatically():
    w = nf.Variable(2.0, name="weight")
    frozen = nf.Variable(5.0, trainable=False)
    with nf.GradientTape() as tape:
        z = w * 3.0 + frozen
    gw, gf = tape.gradient(z, [w, frozen])
    assert float(gw) == 3.0 and gf is None
    assert nf.Variable(1.0).name == "Variable:0"


def test_watch_accessed_variables_false():
    w = nf.Variable(2.0)
    with nf.GradientTape(watch_accessed_variables=False) as tape:
        z = w * w
    assert tape.gradient(z, w) is None
    with nf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        z = w * w
    assert float(tape.gradient(z, w)) == 4.0
    assert tape.watched_variables() == () or len(tape.watched_variables()) == 1


def test_non_persistent_tape_used_twice_raises():
    x = nf.constant(1.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_many_gradients():
    x = nf.constant([1.0, 2.0])
    with nf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2, 4])
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), [4, 32])


def test_nested_structures_of_sources_and_targets():
    a, b = nf.Variable(1.0), nf.Variable(2.0)
    with nf.GradientTape() as tape:
        out = {"sum": a + b, "prod": a * b}
    grads = tape.gradient(out, {"a": a, "list": [b]})
    assert float(grads["a"]) == 1.0 + 2.0
    assert float(grads["list"][0]) == 1.0 + 1.0


def test_output_gradients():
    x = nf.constant([1.0, 2.0, 3.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=nf.constant([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, 12.0])


def test_stop_recording():
    x = nf.constant(2.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * 10.0
        w = y + z
    assert float(tape.gradient(w, x)) == 4.0  # z is a constant to the tape


def test_stop_gradient():
    x = nf.constant(2.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * nf.stop_gradient(x)
    assert float(tape.gradient(y, x)) == 2.0


def test_second_and_third_order():
    x = nf.constant(2.0)
    with nf.GradientTape() as t3:
        t3.watch(x)
        with nf.GradientTape() as t2:
            t2.watch(x)
            with nf.GradientTape() as t1:
                t1.watch(x)
                y = x ** 4
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    g3 = t3.gradient(g2, x)
    assert (float(g1), float(g2), float(g3)) == (32.0, 48.0, 48.0)


def test_second_order_through_variable():
    w = nf.Variable(3.0)
    with nf.GradientTape() as outer:
        with nf.GradientTape() as inner:
            y = w * w * w
        g = inner.gradient(y, w)
    assert float(g) == 27.0
    assert float(outer.gradient(g, w)) == 18.0


def test_variable_assigned_after_use_keeps_recorded_value():
    w = nf.Variable(3.0)
    with nf.GradientTape() as tape:
        y = w * w
        w.assign(100.0)
    assert float(tape.gradient(y, w)) == 6.0


def test_gradient_accumulates_over_reuse():
    x = nf.constant(3.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x + x + x * x
    assert float(tape.gradient(y, x)) == 8.0


def test_integer_target_gives_none():
    x = nf.constant(3)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2
    assert tape.gradient(y, x) is None


def test_gradient_of_source_itself_is_ones():
    x = nf.constant([1.0, 2.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_jacobian():
    x = nf.constant([1.0, 2.0, 3.0])
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    j = tape.jacobian(y, x)
    np.testing.assert_allclose(j.numpy(), np.diag([2.0, 4.0, 6.0]))


def test_jacobian_matrix_shapes():
    x = nf.constant(np.arange(6.0).reshape(2, 3))
    w = nf.constant(np.ones((3, 4)))
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = nf.matmul(x, w)
    j = tape.jacobian(y, x)
    assert j.shape == (2, 4, 2, 3)
    expected = np.einsum("ac,bd->abcd", np.eye(2), np.ones((4, 3)))
    np.testing.assert_allclose(j.numpy(), expected)


def test_batch_jacobian():
    x = nf.constant(np.arange(6.0).reshape(3, 2))
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (3, 2, 2)
    for i in range(3):
        np.testing.assert_allclose(bj.numpy()[i], np.diag(2 * x.numpy()[i]))


def test_bad_sources_raise():
    with nf.GradientTape() as tape:
        y = nf.constant(1.0)
    with pytest.raises(ValueError):
        tape.gradient(y, [1.0])
    with pytest.raises(ValueError):
        nf.GradientTape().watch("x")


def test_tape_frees_entries_after_non_persistent_gradient():
    x = nf.constant(2.0)
    with nf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    assert tape._entries == [] and tape._watched == {}


def test_sigmoid_chain_matches_hand_backprop():
    """The lecture's chain rule: dE/dw through a sigmoid equals (a - t) * s'(z) * x."""
    x, t = 0.5, 1.0
    w = nf.Variable(0.8)
    with nf.GradientTape() as tape:
        a = nf.sigmoid(w * x)
        e = 0.5 * (a - t) ** 2
    s = 1 / (1 + np.exp(-0.8 * 0.5))
    assert abs(float(tape.gradient(e, w)) - (s - t) * s * (1 - s) * x) < 1e-7
