"""Tensor, Variable and conversion semantics (TF 2)."""

import copy

import numpy as np
import pytest

import neuroflow as nf


def test_constant_default_dtypes_follow_tf():
    assert nf.constant(1.5).dtype == nf.float32
    assert nf.constant(1).dtype == nf.int32
    assert nf.constant(True).dtype == nf.bool
    assert nf.constant([1, 2.5]).dtype == nf.float32
    assert nf.constant(2**40).dtype == nf.int64
    assert nf.constant(np.float64(1.0)).dtype == nf.float64
    assert nf.constant(np.arange(3)).dtype == nf.int64


def test_constant_dtype_and_shape_arguments():
    assert nf.constant(1, dtype=nf.float64).dtype == nf.float64
    assert nf.constant(0.0, shape=[2, 3]).shape == (2, 3)
    assert nf.constant([1, 2, 3, 4], shape=[2, 2]).numpy().tolist() == [[1, 2], [3, 4]]
    with pytest.raises(TypeError):
        nf.constant(1.5, dtype=nf.int32)
    with pytest.raises(TypeError):
        nf.constant([1, 2, 3], shape=[2, 2])
    with pytest.raises(TypeError):
        nf.constant("text")


def test_convert_to_tensor():
    t = nf.constant([1.0])
    assert nf.convert_to_tensor(t) is t
    with pytest.raises(TypeError, match="requested dtype"):
        nf.convert_to_tensor(t, dtype=nf.int32)
    assert nf.convert_to_tensor(1, dtype_hint=nf.float32).dtype == nf.float32
    assert nf.convert_to_tensor([nf.constant(1.0), 2.0]).numpy().tolist() == [1.0, 2.0]


def test_repr_str_and_format():
    x = nf.constant(2.7)
    assert repr(x) == "<nf.Tensor: shape=(), dtype=float32, numpy=2.7>"
    assert str(x) == "nf.Tensor(2.7, shape=(), dtype=float32)"
    assert f"{x:.2f}" == "2.70"
    assert "x=%4.1f" % x == "x= 2.7"
    v = nf.constant([1, 2])
    assert repr(v) == "<nf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"


def test_python_conversions():
    assert float(nf.constant(2.5)) == 2.5
    assert int(nf.constant(3)) == 3
    assert bool(nf.constant(True)) is True
    assert [10, 20, 30][nf.constant(1)] == 20
    with pytest.raises(TypeError):
        [1, 2][nf.constant(1.0)]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nf.constant([1, 2]))
    with pytest.raises(TypeError):
        float(nf.constant([1.0, 2.0]))
    with pytest.raises(TypeError):
        len(nf.constant(1.0))
    assert len(nf.constant([[1, 2], [3, 4], [5, 6]])) == 3
    rows = list(nf.constant([[1, 2], [3, 4]]))
    assert [r.numpy().tolist() for r in rows] == [[1, 2], [3, 4]]


def test_array_protocol_and_numpy_interop():
    x = nf.constant([1.0, 2.0])
    assert np.asarray(x).dtype == np.float32
    assert isinstance(np.exp(x), np.ndarray)
    out = np.array([1.0, 1.0], dtype=np.float32) + x
    assert isinstance(out, nf.Tensor) and out.numpy().tolist() == [2.0, 3.0]


def test_shape_dtype_ndim():
    x = nf.zeros([2, 3])
    assert x.shape == (2, 3) and x.shape == [2, 3] and x.ndim == 2
    assert x.shape.as_list() == [2, 3] and x.shape.rank == 2
    assert x.dtype.is_floating and x.dtype.name == "float32"
    assert "CPU" in x.device


def test_every_operator():
    a, b = nf.constant([6.0, -7.0]), nf.constant([4.0, 2.0])
    ref_a, ref_b = a.numpy(), b.numpy()
    for got, want in [(a + b, ref_a + ref_b), (a - b, ref_a - ref_b), (a * b, ref_a * ref_b),
                      (a / b, ref_a / ref_b), (a // b, ref_a // ref_b), (a % b, ref_a % ref_b),
                      (a ** 2, ref_a ** 2), (-a, -ref_a), (abs(a), abs(ref_a)),
                      (2 - a, 2 - ref_a), (1 / b, 1 / ref_b), (a < b, ref_a < ref_b),
                      (a <= b, ref_a <= ref_b), (a > b, ref_a > ref_b),
                      (a >= b, ref_a >= ref_b), (a == b, ref_a == ref_b),
                      (a != b, ref_a != ref_b)]:
        np.testing.assert_array_equal(got.numpy(), want)
    m = nf.ones([2, 3])
    assert (m @ nf.ones([3, 1])).numpy().tolist() == [[3.0], [3.0]]
    assert (nf.constant([6, 3]) & nf.constant([3, 3])).numpy().tolist() == [2, 3]


def test_eq_with_none_and_incompatible():
    assert (nf.constant(1.0) == None) is False  # noqa: E711
    # TF 2: shapes that cannot broadcast compare unequal as a scalar bool tensor.
    eq = nf.constant([1.0, 2.0]) == nf.constant([1.0, 2.0, 3.0])
    ne = nf.constant([1.0, 2.0]) != nf.constant([1.0, 2.0, 3.0])
    assert eq.dtype == nf.bool and eq.shape == () and not bool(eq) and bool(ne)
    with pytest.raises(nf.errors.InvalidArgumentError):  # mismatched dtypes raise, as in TF
        _ = nf.constant([1, 2]) == nf.constant([1.0, 2.0])


def test_tensor_is_unhashable_but_ref_works():
    x = nf.constant(1.0)
    with pytest.raises(TypeError, match="ref"):
        hash(x)
    d = {x.ref(): 1}
    assert d[x.ref()] == 1 and x.ref().deref() is x


def test_tensor_is_immutable():
    x = nf.constant([1.0, 2.0])
    arr = x.numpy()
    arr[0] = 100.0
    assert x.numpy()[0] == 1.0
    with pytest.raises(TypeError):
        x[0] = 5.0
    assert copy.copy(x) is x


def test_variable_basics():
    w = nf.Variable(2.0, name="weight")
    assert w.name == "weight:0" and w.trainable and w.dtype == nf.float32
    assert float(w.assign(3.0)) == 3.0
    assert float(w.assign_add(1.0)) == 4.0
    assert float(w.assign_sub(0.5)) == 3.5
    assert float(w * 2) == 7.0 and float(nf.add(w, 1.0)) == 4.5
    with pytest.raises(ValueError, match="shape"):
        w.assign([1.0, 2.0])
    with pytest.raises(TypeError):
        w.assign(nf.constant(1, nf.int32))
    assert "weight:0" in repr(w)


def test_variable_from_callable_and_dtype():
    v = nf.Variable(lambda: np.zeros(3), dtype=nf.float32)
    assert v.dtype == nf.float32 and v.shape == (3,)
    v2 = nf.Variable(nf.constant([1, 2]), dtype=nf.float64)
    assert v2.dtype == nf.float64
    with pytest.raises(ValueError):
        nf.Variable(None)


def test_variable_assign_does_not_alias_the_source():
    src = nf.constant([1.0, 2.0])
    v = nf.Variable([0.0, 0.0])
    v.assign(src)
    v.assign_add([1.0, 1.0])
    assert src.numpy().tolist() == [1.0, 2.0]


def test_dtypes():
    assert nf.as_dtype("float32") is nf.float32
    assert nf.as_dtype(np.int64) is nf.int64
    assert nf.float32 == np.float32 and nf.float32 == "float32"
    assert nf.int32.is_integer and not nf.int32.is_floating and nf.bool.is_bool
    assert nf.float16.size == 2 and nf.uint8.max == 255
    with pytest.raises(TypeError):
        nf.as_dtype("float33")
    assert repr(nf.float32) == "nf.float32"


def test_devices():
    cpus = nf.config.list_physical_devices("CPU")
    assert len(cpus) == 1 and cpus[0].device_type == "CPU"
    with nf.device("/CPU:0"):
        x = nf.constant([1.0])
    assert x.device.endswith("CPU:0")
    if not nf.config.list_physical_devices("GPU"):
        with pytest.raises(ValueError, match="not available"):
            with nf.device("/GPU:0"):
                pass
    with pytest.raises(ValueError):
        with nf.device("/TPU:0"):
            pass


def test_tensor_shape():
    s = nf.TensorShape([None, 3])
    assert s.as_list() == [None, 3] and not s.is_fully_defined()
    assert s.num_elements() is None and nf.TensorShape([2, 3]).num_elements() == 6
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert s.merge_with([5, None]) == (5, 3)
    assert repr(s) == "TensorShape([None, 3])"


def test_bfloat16_loads_ml_dtypes_only_when_used():
    import subprocess
    import sys

    code = ("import sys, neuroflow as nf; before = 'ml_dtypes' in sys.modules; "
            "d = nf.bfloat16; print(before, d is None or d.is_floating)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]
