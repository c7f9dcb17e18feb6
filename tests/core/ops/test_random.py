"""nf.random ops: statistics, reproducibility, truncation, categorical frequencies, errors."""

import numpy as np
import pytest

import neuroflow as nf
from neuroflow.core.registry import REGISTRY
from neuroflow.errors import InvalidArgumentError

TRUNCATED_STD = 0.8796256610342398  # std of N(0, 1) truncated to [-2, 2]


def test_random_ops_are_stateful_registry_ops():
    for name in ("random_normal", "random_uniform", "random_shuffle", "random_categorical"):
        assert REGISTRY[name].stateful, name
    assert not REGISTRY["stateless_random"].stateful


@pytest.mark.parametrize("dtype", [nf.float32, nf.float64, nf.float16])
def test_normal_statistics_and_dtype(dtype):
    x = nf.random.normal([200, 500], mean=3.0, stddev=2.0, dtype=dtype)
    assert x.dtype == dtype and x.shape == (200, 500)
    values = x.numpy().astype(np.float64)
    assert abs(values.mean() - 3.0) < 0.02 and abs(values.std() - 2.0) < 0.02
    assert nf.random.normal([3]).dtype == nf.float32


def test_uniform_statistics_and_range():
    x = nf.random.uniform([100000], minval=-1.0, maxval=3.0).numpy()
    assert x.dtype == np.float32 and x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.std() - 4 / np.sqrt(12)) < 0.02
    unit = nf.random.uniform([1000], dtype=nf.float64).numpy()
    assert unit.dtype == np.float64 and 0 <= unit.min() and unit.max() < 1


@pytest.mark.parametrize("dtype", [nf.int32, nf.int64])
def test_uniform_integers(dtype):
    x = nf.random.uniform([10000], minval=-2, maxval=5, dtype=dtype)
    assert x.dtype == dtype
    assert set(np.unique(x.numpy())) == set(range(-2, 5))


def test_uniform_errors():
    with pytest.raises(ValueError, match="maxval"):
        nf.random.uniform([3], dtype=nf.int32)
    with pytest.raises(InvalidArgumentError, match="minval < maxval"):
        nf.random.uniform([3], minval=5, maxval=5, dtype=nf.int64)
    with pytest.raises(TypeError):
        nf.random.normal([3], dtype=nf.int32)
    with pytest.raises(InvalidArgumentError, match="negative"):
        nf.random.normal([3, -1])
    with pytest.raises(TypeError, match="shape"):
        nf.random.normal(nf.constant([2.0, 3.0]))


def test_truncated_normal_bound_and_std():
    x = nf.random.truncated_normal([100000], mean=1.0, stddev=0.5).numpy().astype(np.float64)
    assert np.all(np.abs(x - 1.0) <= 1.0 + 1e-6)
    assert abs(x.mean() - 1.0) < 0.01 and abs(x.std() - 0.5 * TRUNCATED_STD) < 0.01
    assert nf.random.truncated_normal([2, 2], dtype=nf.float64).dtype == nf.float64


def test_shapes_as_ints_lists_and_tensors():
    assert nf.random.normal(5).shape == (5,)
    assert nf.random.uniform(nf.constant([2, 3])).shape == (2, 3)
    assert nf.random.normal(nf.constant([2, 3], nf.int64)).shape == (2, 3)
    assert nf.random.normal([nf.constant(4), 2]).shape == (4, 2)
    assert nf.random.normal(nf.TensorShape([3, 1])).shape == (3, 1)
    assert nf.random.normal([0, 3]).shape == (0, 3)


def test_set_seed_reproduces_every_op():
    def draw():
        return [nf.random.normal([5]).numpy(), nf.random.uniform([5]).numpy(),
                nf.random.truncated_normal([5]).numpy(),
                nf.random.uniform([5], maxval=100, dtype=nf.int64).numpy(),
                nf.random.shuffle(np.arange(10)).numpy(),
                nf.random.categorical(nf.zeros([2, 10]), 5).numpy(),
                nf.nn.dropout(nf.ones([10]), 0.5).numpy()]

    nf.random.set_seed(42)
    first = draw()
    nf.random.set_seed(42)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    nf.random.set_seed(43)
    assert not np.array_equal(nf.random.normal([5]).numpy(), first[0])


def test_op_seed_gives_a_reproducible_sequence():
    nf.random.set_seed(7)
    a = [nf.random.normal([4], seed=3).numpy() for _ in range(2)]
    nf.random.set_seed(7)
    nf.random.normal([4])  # draws from the global stream do not disturb the op's stream
    b = [nf.random.normal([4], seed=3).numpy() for _ in range(2)]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])


def test_consecutive_calls_differ():
    assert not np.array_equal(nf.random.uniform([8]).numpy(), nf.random.uniform([8]).numpy())


def test_tensor_parameters_are_differentiable():
    mean, stddev = nf.constant([0.0, 10.0]), nf.constant(2.0)
    with nf.GradientTape() as tape:
        tape.watch([mean, stddev])
        x = nf.random.normal([1000, 2], mean=mean, stddev=stddev)
        loss = nf.reduce_sum(x)
    g_mean, g_std = tape.gradient(loss, [mean, stddev])
    np.testing.assert_allclose(g_mean.numpy(), [1000, 1000])
    np.testing.assert_allclose(float(g_std), float(nf.reduce_sum((x - mean) / stddev)), rtol=1e-4)
    u = nf.random.uniform([5000], minval=nf.constant(2.0), maxval=nf.constant(4.0)).numpy()
    assert u.min() >= 2 and u.max() < 4 and abs(u.mean() - 3) < 0.05


def test_shuffle_permutes_rows():
    x = np.arange(20).reshape(10, 2)
    y = nf.random.shuffle(x).numpy()
    assert sorted(map(tuple, y)) == sorted(map(tuple, x))
    assert np.all(y[:, 1] == y[:, 0] + 1)
    shuffled = [tuple(nf.random.shuffle(np.arange(10)).numpy()) for _ in range(5)]
    assert len(set(shuffled)) > 1
    assert nf.random.shuffle(nf.constant(3.0)).numpy() == 3.0
    t = nf.constant([1.0, 2.0, 3.0])
    with nf.GradientTape() as tape:
        tape.watch(t)
        y = nf.reduce_sum(nf.random.shuffle(t))
    assert tape.gradient(y, t) is None


def test_categorical_frequencies():
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.0, 0.5]])
    with np.errstate(divide="ignore"):
        logits = nf.constant(np.log(probs) + 3.0)  # a shift does not change the distribution
    samples = nf.random.categorical(logits, 20000)
    assert samples.dtype == nf.int64 and samples.shape == (2, 20000)
    for row, p in zip(samples.numpy(), probs):
        freq = np.bincount(row, minlength=3) / row.size
        np.testing.assert_allclose(freq, p, atol=0.015)
    assert np.all(samples.numpy()[1] != 1)
    assert nf.random.categorical([[1.0, 1.0]], 3, dtype=nf.int32).dtype == nf.int32


def test_categorical_large_logits_and_errors():
    s = nf.random.categorical(nf.constant([[1e4, 0.0, -1e4]]), 100).numpy()
    assert np.all(s == 0)
    assert nf.random.categorical(nf.zeros([0, 3]), 4).shape == (0, 4)
    with pytest.raises(InvalidArgumentError, match="2-D"):
        nf.random.categorical(nf.zeros([3]), 2)
    with pytest.raises(TypeError, match="int32 or int64"):
        nf.random.categorical(nf.zeros([1, 3]), 2, dtype=nf.float32)


def test_stateless_ops_depend_only_on_seed():
    for fn in (nf.random.stateless_normal, nf.random.stateless_uniform,
               nf.random.stateless_truncated_normal):
        a = fn([3, 4], seed=[1, 2]).numpy()
        nf.random.normal([10])  # the global stream does not matter
        np.testing.assert_array_equal(a, fn([3, 4], seed=nf.constant([1, 2])).numpy())
        assert not np.array_equal(a, fn([3, 4], seed=[1, 3]).numpy())
    t = nf.random.stateless_truncated_normal([10000], seed=[5, -6], stddev=2.0).numpy()
    assert np.abs(t).max() <= 4.0 + 1e-6
    i = nf.random.stateless_uniform([1000], seed=[0, 0], minval=3, maxval=6, dtype=nf.int32)
    assert set(np.unique(i.numpy())) == {3, 4, 5}
    with pytest.raises(InvalidArgumentError, match="seed"):
        nf.random.stateless_normal([2], seed=[1, 2, 3])


def test_graph_mode_redraws_and_reproduces():
    @nf.function
    def draw(x):
        return (nf.random.normal(nf.shape(x)), nf.random.uniform([3]),
                nf.random.categorical(nf.zeros([1, 50]), 4), nf.random.shuffle(nf.range(20)))

    x = nf.zeros([2, 3])
    nf.random.set_seed(11)
    first, second = draw(x), draw(x)
    assert first[0].shape == (2, 3)
    for a, b in zip(first, second):
        assert not np.array_equal(a.numpy(), b.numpy())
    nf.random.set_seed(11)
    again = draw(x)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
