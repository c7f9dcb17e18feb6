"""The executor updates a variable's buffer in place only when nothing else can see it."""

import numpy as np

import neuroflow as nf


def _step():
    v = nf.Variable(np.zeros((4, 3), np.float32))

    @nf.function
    def step(g):
        v.assign_sub(g * 0.5)
        return nf.reduce_sum(v)

    return v, step


def test_assign_sub_reuses_the_buffer_when_unshared():
    v, step = _step()
    g = nf.constant(np.ones((4, 3), np.float32))
    step(g)
    buffer = v._peek()        # looks without handing the buffer out
    step(g)
    assert v._peek() is buffer
    assert np.all(v.numpy() == -1.0)


def test_reading_the_value_makes_the_next_update_copy():
    v, step = _step()
    g = nf.constant(np.ones((4, 3), np.float32))
    step(g)
    buffer = v._peek()
    held = v._value           # handed out: the variable no longer owns it
    step(g)
    assert v._peek() is not buffer and np.all(held == -0.5)


def test_a_tensor_holding_the_value_never_changes():
    v, step = _step()
    g = nf.constant(np.ones((4, 3), np.float32))
    step(g)
    held = v.value()
    view = nf.reshape(v, [12])
    step(g)
    assert np.all(held.numpy() == -0.5) and np.all(view.numpy() == -0.5)
    assert np.all(v.numpy() == -1.0)
