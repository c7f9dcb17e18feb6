"""``Tensor.__array__`` takes NumPy 2's ``dtype`` and ``copy`` and never lets a write through
a converted array change the tensor."""

import numpy as np
import pytest

import neuroflow as nf


def test_copy_true_gives_an_independent_array():
    t = nf.constant([1.0, 2.0])
    a = np.array(t, copy=True)
    a[0] = 5.0
    assert t.numpy().tolist() == [1.0, 2.0]


def test_default_conversion_is_a_read_only_view_as_tf():
    t = nf.constant([1.0, 2.0])
    a = np.asarray(t)
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0] = 3.0
    assert t.numpy().flags.writeable            # .numpy() is the user's own copy


def test_dtype_and_copy_false():
    t = nf.constant([1.5, 2.5])
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.array(t, copy=False).tolist() == [1.5, 2.5]
    with pytest.raises(ValueError, match="copy"):
        np.array(t, dtype=np.float64, copy=False)
    assert t.__array__(np.float32, copy=None).dtype == np.float32
