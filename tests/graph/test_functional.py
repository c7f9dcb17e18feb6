"""TensorArray, map_fn, scan, foldl/foldr: eager and traced agree with NumPy, gradients flow."""

import numpy as np
import pytest

import neuroflow as nf


def test_tensor_array_eager_write_read_stack_unstack():
    ta = nf.TensorArray(nf.float32, size=0, dynamic_size=True)
    for i in range(3):
        ta = ta.write(i, nf.constant([float(i), 1.0]))
    np.testing.assert_array_equal(ta.stack(), [[0, 1], [1, 1], [2, 1]])
    assert int(ta.size()) == 3 and ta.element_shape == (2,)
    np.testing.assert_array_equal(ta.read(1), [1, 1])
    back = nf.TensorArray(nf.float32, size=2).unstack(nf.constant([[5.0], [6.0]]))
    np.testing.assert_array_equal(back.read(1), [6.0])
    np.testing.assert_array_equal(back.gather([1, 0]), [[6.0], [5.0]])
    np.testing.assert_array_equal(back.concat(), [5.0, 6.0])


def test_tensor_array_fixed_size_out_of_range_write_raises():
    ta = nf.TensorArray(nf.float32, size=2)
    with pytest.raises(IndexError, match="out of range"):
        ta.write(2, nf.constant(1.0))


@pytest.mark.parametrize("dynamic", [False, True])
def test_tensor_array_in_traced_loop_with_gradient(dynamic):
    @nf.function(input_signature=[nf.TensorSpec([None, 2])])
    def squares(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            n = nf.shape(x)[0]
            ta = nf.TensorArray(nf.float32, size=0 if dynamic else n, dynamic_size=dynamic)
            for i in nf.range(n):
                ta = ta.write(i, x[i] * x[i])
            y = ta.stack()
            total = nf.reduce_sum(y)
        return y, tape.gradient(total, x)

    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    y, g = squares(nf.constant(x))
    np.testing.assert_allclose(y, x * x)
    np.testing.assert_allclose(g, 2 * x)
    y, _ = squares(nf.constant(x[:1]))
    np.testing.assert_allclose(y, x[:1] ** 2)
    assert squares.experimental_get_tracing_count() == 1


def test_tensor_array_as_explicit_while_loop_variable():
    @nf.function
    def cumulative(x):
        ta = nf.TensorArray(nf.float32, size=nf.shape(x)[0])

        def body(i, acc, ta):
            acc = acc + x[i]
            return i + 1, acc, ta.write(i, acc)

        _, _, ta = nf.while_loop(lambda i, *_: i < nf.shape(x)[0], body,
                                 [nf.constant(0), nf.constant(0.0), ta])
        return ta.stack()

    np.testing.assert_allclose(cumulative(nf.constant([1.0, 2.0, 3.0])), [1, 3, 6])


@pytest.mark.parametrize("traced", [False, True])
def test_map_fn_structures(traced):
    def run(x, y):
        return nf.map_fn(lambda e: (e[0] * 2.0, nf.reduce_sum(e[1])), (x, y))

    fn = nf.function(run) if traced else run
    x = np.array([1.0, 2.0, 3.0], np.float32)
    y = np.arange(6, dtype=np.float32).reshape(3, 2)
    a, b = fn(nf.constant(x), nf.constant(y))
    np.testing.assert_allclose(a, 2 * x)
    np.testing.assert_allclose(b, y.sum(1))


def test_map_fn_output_signature_and_empty():
    out = nf.map_fn(lambda v: nf.cast(v, nf.int32), nf.constant([1.5, 2.5]),
                    fn_output_signature=nf.int32)
    assert out.dtype == nf.int32
    empty = nf.map_fn(lambda v: v, nf.zeros([0, 3]), fn_output_signature=nf.TensorSpec([3]))
    assert empty.shape == (0, 3)


@pytest.mark.parametrize("traced", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_matches_numpy(traced, reverse):
    def run(x):
        return nf.scan(lambda a, v: a * 0.5 + v, x, initializer=nf.constant(1.0),
                       reverse=reverse)

    fn = nf.function(run) if traced else run
    x = np.array([1.0, 2.0, 4.0], np.float32)
    acc, expected = 1.0, []
    for v in (x[::-1] if reverse else x):
        acc = acc * 0.5 + v
        expected.append(acc)
    np.testing.assert_allclose(fn(nf.constant(x)), expected[::-1] if reverse else expected)


def test_scan_without_initializer_and_folds():
    np.testing.assert_array_equal(nf.scan(lambda a, x: a + x, nf.constant([1, 2, 3, 4])),
                                  [1, 3, 6, 10])
    assert int(nf.foldl(lambda a, x: a + x, nf.constant([1, 2, 3]))) == 6
    assert int(nf.foldr(lambda a, x: a * 10 + x, nf.constant([1, 2, 3]))) == 321
    folded = nf.function(lambda x: nf.foldl(lambda a, v: a * v, x, initializer=1.0))
    assert float(folded(nf.constant([2.0, 3.0, 4.0]))) == 24.0


def test_scan_gradient_traced_equals_eager():
    def loss(w):
        with nf.GradientTape() as tape:
            tape.watch(w)
            y = nf.reduce_sum(nf.scan(lambda a, v: a * v, w))
        return tape.gradient(y, w)

    w = nf.constant([1.5, 2.0, -0.5])
    np.testing.assert_allclose(nf.function(loss)(w), loss(w), rtol=1e-6)
