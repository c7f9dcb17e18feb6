"""Initializers: fans, distributions' moments and bounds, seeding, configs, names."""

import json
import math

import numpy as np
import pytest

import neuroflow as nf

I = nf.keras.initializers  # noqa: E741


def test_compute_fans_as_keras():
    assert I.compute_fans(()) == (1, 1)
    assert I.compute_fans((7,)) == (7, 7)
    assert I.compute_fans((784, 64)) == (784, 64)
    assert I.compute_fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)
    assert I.compute_fans((5, 8, 4), input_axes=[0, 1], output_axes=[2]) == (40, 4)


@pytest.mark.parametrize("name, limit_or_std, kind", [
    ("glorot_uniform", math.sqrt(6 / (400 + 300)), "uniform"),
    ("he_uniform", math.sqrt(6 / 400), "uniform"),
    ("lecun_uniform", math.sqrt(3 / 400), "uniform"),
    ("glorot_normal", math.sqrt(2 / (400 + 300)), "normal"),
    ("he_normal", math.sqrt(2 / 400), "normal"),
    ("lecun_normal", math.sqrt(1 / 400), "normal"),
])
def test_variance_scaling_family(name, limit_or_std, kind):
    w = np.asarray(I.get(name)((400, 300)))
    assert w.dtype == np.float32 and w.shape == (400, 300)
    if kind == "uniform":
        assert np.abs(w).max() <= limit_or_std
        assert w.std() == pytest.approx(limit_or_std / math.sqrt(3), rel=0.02)
    else:
        # truncated at two stddev of the underlying normal, whose stddev is corrected upward
        assert np.abs(w).max() <= 2 * limit_or_std / 0.87962566103423978 + 1e-6
        assert w.std() == pytest.approx(limit_or_std, rel=0.02)


def test_basic_initializers():
    np.testing.assert_array_equal(I.Zeros()((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(I.Ones()((2,), dtype="float64"), np.ones(2))
    assert I.Ones()((2,), dtype="float64").dtype == nf.float64
    np.testing.assert_array_equal(I.Constant(3.5)((2, 2)), np.full((2, 2), 3.5))
    np.testing.assert_array_equal(I.Identity(2.0)((2, 3)), 2 * np.eye(2, 3))
    w = np.asarray(I.RandomNormal(mean=1.0, stddev=0.5)((200, 200)))
    assert w.mean() == pytest.approx(1.0, abs=0.01) and w.std() == pytest.approx(0.5, rel=0.02)
    w = np.asarray(I.RandomUniform(-1.0, 2.0)((200, 200)))
    assert w.min() >= -1.0 and w.max() < 2.0 and w.mean() == pytest.approx(0.5, abs=0.02)
    w = np.asarray(I.TruncatedNormal(stddev=0.1)((200, 200)))
    assert np.abs(w).max() <= 0.2 + 1e-7
    q = np.asarray(I.Orthogonal()((6, 4)), np.float64)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    q = np.asarray(I.Orthogonal(gain=2.0)((3, 5)), np.float64)
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(3), atol=1e-5)
    with pytest.raises(ValueError):
        I.Orthogonal()((4,))
    with pytest.raises(ValueError):
        I.Identity()((2, 2, 2))


def test_seeding():
    seeded = I.GlorotUniform(seed=7)
    np.testing.assert_array_equal(seeded((3, 4)), seeded((3, 4)))
    np.testing.assert_array_equal(seeded((3, 4)), I.GlorotUniform(seed=7)((3, 4)))
    nf.random.set_seed(5)
    a = np.asarray(I.HeNormal()((3, 4)))
    nf.random.set_seed(5)
    b = np.asarray(I.HeNormal()((3, 4)))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, np.asarray(I.HeNormal()((3, 4))))


def test_names_and_configs():
    assert isinstance(I.get("glorot_uniform"), I.GlorotUniform)
    assert isinstance(I.get("GlorotUniform"), I.GlorotUniform)
    assert isinstance(I.get("zeros"), I.Zeros) and isinstance(I.get("ones"), I.Ones)
    assert isinstance(I.get("orthogonal"), I.Orthogonal)
    for init in (I.GlorotUniform(seed=1), I.VarianceScaling(2.0, "fan_out", "uniform"),
                 I.RandomNormal(0.5, 2.0), I.Constant(2.0), I.Orthogonal(gain=0.5),
                 I.Identity(3.0), I.TruncatedNormal(stddev=0.3, seed=4)):
        back = I.deserialize(json.loads(json.dumps(I.serialize(init))))
        assert type(back) is type(init) and back.get_config() == init.get_config()
    with pytest.raises(ValueError, match="glorot_uniform"):
        I.get("glorot")
    with pytest.raises(ValueError):
        I.VarianceScaling(mode="fan_sideways")


@pytest.mark.tensorflow
def test_configs_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    for name in ("GlorotUniform", "HeNormal", "VarianceScaling", "RandomNormal",
                 "RandomUniform", "TruncatedNormal", "Orthogonal", "Constant", "Identity",
                 "Zeros"):
        # Ours may hold more (Keras's Identity drops its gain).
        theirs = getattr(tf.keras.initializers, name)().get_config()
        assert theirs.items() <= getattr(I, name)().get_config().items(), name
    for name in ("GlorotUniform", "HeNormal", "LecunUniform", "GlorotNormal"):
        ours = np.asarray(getattr(I, name)()((3, 3, 32, 64)))
        theirs = getattr(tf.keras.initializers, name)()((3, 3, 32, 64)).numpy()
        assert ours.std() == pytest.approx(theirs.std(), rel=0.03), name
        assert np.abs(ours).max() <= np.abs(theirs).max() * 1.01 + 1e-6
