"""nf.data.Dataset: tf.data's pipeline semantics."""

import numpy as np
import pytest

import neuroflow as nf

Dataset = nf.data.Dataset


def _values(ds):
    return [np.asarray(e).tolist() for e in ds.as_numpy_iterator()]


def test_from_tensor_slices_tuples_dicts_and_tensors():
    ds = Dataset.from_tensor_slices((np.arange(3.0), np.array([4, 5, 6])))
    elements = list(ds)
    assert len(elements) == 3 and isinstance(elements[0][0], nf.Tensor)
    assert elements[1][0].numpy() == 1.0 and elements[1][1].numpy() == 5
    assert elements[0][0].dtype == nf.float64          # NumPy dtypes are kept, as in TF
    d = Dataset.from_tensor_slices({"a": [1, 2], "b": nf.constant([[1.0], [2.0]])})
    first = next(iter(d.as_numpy_iterator()))
    assert first["a"] == 1 and first["a"].dtype == np.int32
    np.testing.assert_array_equal(first["b"], [1.0])
    with pytest.raises(ValueError, match="first dimension"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_from_tensors_and_range_and_generator():
    assert _values(Dataset.from_tensors([1, 2])) == [[1, 2]]
    assert _values(Dataset.range(2, 8, 2)) == [2, 4, 6]

    def gen():
        for i in range(3):
            yield i, [i, i]
    ds = Dataset.from_generator(gen, output_types=(nf.float32, nf.int64))
    first = next(iter(ds))
    assert first[0].dtype == nf.float32 and first[1].dtype == nf.int64
    assert len(list(ds)) == 3 and len(list(ds)) == 3        # re-iterable: calls gen again
    assert int(ds.cardinality()) == nf.data.UNKNOWN_CARDINALITY


def test_batch_with_and_without_remainder():
    ds = Dataset.range(10)
    assert [len(b) for b in _values(ds.batch(4))] == [4, 4, 2]
    assert [len(b) for b in _values(ds.batch(4, drop_remainder=True))] == [4, 4]
    assert int(ds.batch(4).cardinality()) == 3
    assert int(ds.batch(4, drop_remainder=True).cardinality()) == 2
    mapped = ds.map(lambda x: x * 2).batch(3)            # generic (non-array) path
    assert _values(mapped) == [[0, 2, 4], [6, 8, 10], [12, 14, 16], [18]]
    assert _values(ds.batch(3).unbatch()) == list(range(10))


def test_shuffle_is_a_permutation_reshuffled_each_epoch_and_seedable():
    ds = Dataset.range(100).shuffle(100, seed=3)
    first, second = _values(ds), _values(ds)
    assert sorted(first) == list(range(100)) and first != list(range(100))
    assert first != second                                 # new order every pass
    fixed = Dataset.range(100).shuffle(100, seed=3, reshuffle_each_iteration=False)
    assert _values(fixed) == _values(fixed)
    assert _values(Dataset.range(100).shuffle(100, seed=3)) == first      # seed reproduces
    # A small buffer only mixes nearby elements: element i can not come out before i - 1 others
    local = _values(Dataset.range(100).shuffle(2, seed=0))
    assert sorted(local) == list(range(100))
    assert all(pos >= value - 1 for pos, value in enumerate(local))
    batches = _values(Dataset.range(10).shuffle(10, seed=1).batch(4))
    assert sorted(v for b in batches for v in b) == list(range(10))


def test_shuffle_on_generic_datasets_keeps_every_element():
    ds = Dataset.range(20).map(lambda x: x + 1).shuffle(5, seed=0)
    assert sorted(_values(ds)) == list(range(1, 21))


def test_map_unpacks_tuples_and_dicts_pass_whole():
    ds = Dataset.from_tensor_slices((np.array([1.0, 2.0]), np.array([3.0, 4.0])))
    assert _values(ds.map(lambda a, b: a + b)) == [4.0, 6.0]
    swapped = ds.map(lambda a, b: (b, a))
    assert _values(swapped) == [[3.0, 1.0], [4.0, 2.0]]
    d = Dataset.from_tensor_slices({"x": [1, 2]}).map(lambda e: e["x"] * 10)
    assert _values(d) == [10, 20]
    assert _values(Dataset.range(6).filter(lambda x: x % 2 == 0)) == [0, 2, 4]


def test_repeat_take_skip_and_cardinality():
    ds = Dataset.range(3)
    assert _values(ds.repeat(2)) == [0, 1, 2, 0, 1, 2]
    assert int(ds.repeat().cardinality()) == nf.data.INFINITE_CARDINALITY
    assert _values(ds.repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert _values(ds.skip(1)) == [1, 2] and _values(ds.take(2)) == [0, 1]
    assert _values(ds.take(-1)) == [0, 1, 2]
    assert int(ds.skip(5).cardinality()) == 0 and len(ds.take(2)) == 2
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    assert _values(ds.concatenate(Dataset.range(2))) == [0, 1, 2, 0, 1]
    assert _values(Dataset.zip((ds, ds.map(lambda x: -x)))) == [[0, 0], [1, -1], [2, -2]]
    assert _values(ds.enumerate(1)) == [[1, 0], [2, 1], [3, 2]]


def test_prefetch_cache_and_autotune():
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)
    ds = Dataset.from_generator(gen, output_types=nf.int64).cache().prefetch(
        nf.data.AUTOTUNE)
    assert _values(ds) == [0, 1, 2] and _values(ds) == [0, 1, 2]
    assert len(calls) == 1
    assert nf.data.AUTOTUNE == nf.data.experimental.AUTOTUNE == -1


def test_batching_array_datasets_slices_without_stacking():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    batches = list(Dataset.from_tensor_slices(x).batch(4))
    np.testing.assert_array_equal(batches[0].numpy(), x[:4])
    np.testing.assert_array_equal(batches[-1].numpy(), x[8:])
    taken = list(Dataset.from_tensor_slices(x).skip(2).take(5).batch(2).as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate(taken), x[2:7])


def test_element_spec():
    ds = Dataset.from_tensor_slices((np.zeros((10, 3), "float32"), np.arange(10)))
    x_spec, y_spec = ds.element_spec
    assert tuple(x_spec.shape) == (3,) and x_spec.dtype == nf.float32
    assert y_spec.dtype == nf.int64 and tuple(y_spec.shape) == ()
    x_spec, _ = ds.shuffle(10).batch(4).prefetch(1).element_spec
    assert list(x_spec.shape) == [None, 3]
    x_spec, _ = ds.batch(4, drop_remainder=True).element_spec
    assert tuple(x_spec.shape) == (4, 3)


def test_padded_batch_and_flat_map():
    ds = Dataset.from_generator(lambda: iter([[1], [2, 3], [4, 5, 6]]), output_types=nf.int32)
    assert [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()] == [
        [[1, 0], [2, 3]], [[4, 5, 6]]]
    padded = ds.padded_batch(3, padded_shapes=[4], padding_values=-1)
    assert [b.tolist() for b in padded.as_numpy_iterator()] == [
        [[1, -1, -1, -1], [2, 3, -1, -1], [4, 5, 6, -1]]]
    flat = Dataset.range(3).flat_map(lambda x: Dataset.range(2).map(lambda y: y + x))
    assert _values(flat) == [0, 1, 1, 2, 2, 3]
