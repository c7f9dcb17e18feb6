"""``keras.random``: the three kinds of seed (None, int, SeedGenerator) and each function."""

import numpy as np
import pytest

import neuroflow as nf

R = nf.keras.random


def test_int_seed_is_stateless_and_generator_advances():
    a, b = R.normal((4,), seed=7), R.normal((4,), seed=7)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    gen = R.SeedGenerator(1337)
    c, d = R.normal((4,), seed=gen), R.normal((4,), seed=gen)
    assert not np.allclose(c.numpy(), d.numpy())


def test_generators_with_one_seed_draw_alike_in_a_fresh_program_order():
    # two generators made with the same seed each have their own stream
    g1, g2 = R.SeedGenerator(5), R.SeedGenerator(5)
    x1 = R.uniform((3,), seed=g1).numpy()
    x2 = R.uniform((3,), seed=g2).numpy()
    assert not np.allclose(x1, x2)
    assert R.SeedGenerator.from_config(g1.get_config()).seed == 5


def test_seed_generator_draws_again_inside_a_traced_function():
    gen = R.SeedGenerator(3)

    @nf.function
    def sample():
        return R.normal((3,), seed=gen)
    assert not np.allclose(sample().numpy(), sample().numpy())


def test_distributions_and_dtypes():
    x = R.normal((20000,), mean=2.0, stddev=3.0, seed=1).numpy()
    assert x.dtype == np.float32 and abs(x.mean() - 2) < 0.1 and abs(x.std() - 3) < 0.1
    t = R.truncated_normal((20000,), seed=2).numpy()
    assert np.abs(t).max() <= 2.0
    u = R.uniform((1000,), 1.0, 2.0, seed=3, dtype="float64").numpy()
    assert u.dtype == np.float64 and u.min() >= 1 and u.max() < 2
    i = R.randint((1000,), 0, 5, seed=4).numpy()
    assert i.dtype == np.int32 and set(i.tolist()) == {0, 1, 2, 3, 4}
    with pytest.raises(ValueError, match="floating point"):
        R.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="integer"):
        R.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="seed"):
        R.normal((2,), seed="x")


def test_dropout_shuffle_categorical():
    y = R.dropout(np.ones((100, 100), "float32"), 0.25, seed=R.SeedGenerator(1)).numpy()
    assert set(np.unique(y).tolist()) <= {0.0, 1 / 0.75 + 0.0} or np.allclose(
        np.unique(y), [0, 1 / 0.75])
    assert abs((y == 0).mean() - 0.25) < 0.02
    y = R.dropout(np.ones((4, 6), "float32"), 0.5, noise_shape=(4, 1), seed=2).numpy()
    assert all(len(set(row.tolist())) == 1 for row in y)          # one decision per row
    s = R.shuffle(np.arange(10), seed=3).numpy()
    assert sorted(s.tolist()) == list(range(10)) and s.tolist() != list(range(10))
    m = R.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=4).numpy()
    assert sorted(m[0].tolist()) == [0, 1, 2, 3]
    logits = np.log(np.array([[0.2, 0.8], [0.9, 0.1]], "float32"))
    c = R.categorical(logits, 4000, seed=R.SeedGenerator(5)).numpy()
    assert c.shape == (2, 4000) and c.dtype == np.int32
    np.testing.assert_allclose(c.mean(axis=1), [0.8, 0.1], atol=0.03)


def test_backend_random_normal_takes_a_dynamic_shape():
    z = nf.keras.backend.random_normal(nf.shape(nf.zeros((3, 2))))
    assert z.shape == (3, 2) and z.dtype == nf.float32
    assert nf.keras.backend.random_uniform((5,), 2.0, 3.0).numpy().min() >= 2.0
