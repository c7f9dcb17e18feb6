"""The convolution fusions (graph/fuse.py): where they apply, where they must not, and that a
fused program computes what the unfused ops compute."""

import numpy as np
import pytest

import neuroflow as nf

RNG = np.random.default_rng(0)


def _weights(c_in=1, c_out=4):
    return (nf.Variable(RNG.standard_normal((3, 3, c_in, c_out)).astype(np.float32) * 0.3),
            nf.Variable(RNG.standard_normal(c_out).astype(np.float32) * 0.1))


def _block(x, w, b, relu=True, pool=True):
    h = nf.nn.conv2d(x, w, 1, "VALID") + b
    if relu:
        h = nf.nn.relu(h)
    if pool:
        h = nf.nn.max_pool2d(h, 2, 2, "VALID")
    return h


def _gradients(block, x, variables):
    def step(x):
        with nf.GradientTape() as tape:
            loss = nf.reduce_sum(nf.square(block(x)))
        return [loss] + tape.gradient(loss, variables)
    return step


def _compare(step, x, fused_ops):
    concrete = nf.function(step).get_concrete_function(x)
    counts = concrete.program.op_counts()
    for name in fused_ops:
        assert counts.get(name, 0) >= 1, counts
    for got, want in zip(concrete(x), step(x)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-5, atol=2e-5)
    return counts


def test_conv_bias_relu_pool_block_is_fused_and_exact():
    w, b = _weights()
    x = nf.constant(RNG.random((2, 9, 9, 1), dtype=np.float32))
    counts = _compare(_gradients(lambda x: _block(x, w, b), x, [w, b]), x,
                      ["conv2d_bias_activation", "conv2d_backprop_filter_bias"])
    assert "conv2d" not in counts and "conv2d_backprop_filter" not in counts
    # the ReLU gradient moved to the pooled gradient: it no longer reads the full activation
    assert counts["relu_grad"] == 1


def test_relu_gradient_moves_below_the_pool_gradient_exactly():
    # ties everywhere (a ReLU zeroes most windows): the routed values must match bit for bit
    w, b = _weights(1, 3)
    b.assign([-5.0, 0.0, 5.0])
    x = nf.constant(RNG.random((3, 8, 8, 1), dtype=np.float32))
    step = _gradients(lambda x: _block(x, w, b), x, [w, b])
    got = nf.function(step)(x)
    for a, e in zip(got, step(x)):
        np.testing.assert_allclose(a.numpy(), e.numpy(), rtol=1e-6, atol=1e-6)


def test_conv_plus_bias_without_relu_is_fused_without_activation():
    w, b = _weights()
    x = nf.constant(RNG.random((2, 6, 6, 1), dtype=np.float32))
    concrete = nf.function(lambda x: _block(x, w, b, relu=False, pool=False)
                           ).get_concrete_function(x)
    fused = [n for n in concrete.program.nodes if n.op.name == "conv2d_bias_activation"]
    assert len(fused) == 1 and fused[0].attrs["activation"] is None
    np.testing.assert_allclose(concrete(x).numpy(), _block(x, w, b, False, False).numpy(),
                               rtol=1e-6)


def test_no_fusion_when_the_pre_activation_is_used_elsewhere():
    w, b = _weights()
    x = nf.constant(RNG.random((2, 6, 6, 1), dtype=np.float32))

    def f(x):
        z = nf.nn.conv2d(x, w, 1, "VALID")
        return nf.nn.relu(z + b), z   # z is an output too: it must be computed on its own

    counts = nf.function(f).get_concrete_function(x).program.op_counts()
    assert counts.get("conv2d") == 1 and "conv2d_bias_activation" not in counts


def test_no_fusion_for_a_bias_of_another_shape():
    w, _ = _weights(1, 4)
    x = nf.constant(RNG.random((2, 6, 6, 1), dtype=np.float32))
    row = nf.constant(RNG.random((4, 4, 1), dtype=np.float32))   # not a channel bias
    counts = nf.function(lambda x: nf.nn.relu(nf.nn.conv2d(x, w, 1, "VALID") + row)
                         ).get_concrete_function(x).program.op_counts()
    assert "conv2d_bias_activation" not in counts


def test_filter_and_bias_gradients_share_one_product():
    w, b = _weights(2, 3)
    x = nf.constant(RNG.random((2, 7, 7, 2), dtype=np.float32))
    counts = _compare(_gradients(lambda x: _block(x, w, b, relu=False, pool=False), x, [w, b]),
                      x, ["conv2d_backprop_filter_bias"])
    assert "conv2d_backprop_filter" not in counts


@pytest.mark.parametrize("padding,strides", [("SAME", 1), ("VALID", 2), ("SAME", 2)])
def test_fused_kernels_follow_padding_and_strides(padding, strides):
    w, b = _weights(3, 5)
    x = nf.constant(RNG.random((2, 9, 9, 3), dtype=np.float32))

    def block(x):
        return nf.nn.relu(nf.nn.conv2d(x, w, strides, padding) + b)

    _compare(_gradients(block, x, [w, b]), x,
             ["conv2d_bias_activation", "conv2d_backprop_filter_bias"])


def test_keras_cnn_trains_the_same_compiled_and_eager():
    def model():
        nf.keras.utils.set_random_seed(3)
        layers = nf.keras.layers
        m = nf.keras.Sequential([
            nf.keras.Input((10, 10, 1)), layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(), layers.Conv2D(6, 3, activation="relu"), layers.Flatten(),
            layers.Dense(3, activation="softmax")])
        return m

    x = RNG.random((16, 10, 10, 1)).astype(np.float32)
    y = RNG.integers(0, 3, 16)
    results = []
    for eager in (True, False):
        m = model()
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=eager)
        m.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        results.append(m.get_weights())
    for a, e in zip(*results):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-5)


def _odd_block_step(w, b, also_return_conv=False):
    def step(x):
        with nf.GradientTape() as tape:
            z = nf.nn.relu(nf.nn.conv2d(x, w, 1, "VALID") + b)      # 11 x 11
            loss = nf.reduce_sum(nf.square(nf.nn.max_pool2d(z, 2, 2, "VALID")))  # reads 10 x 10
        grads = tape.gradient(loss, [w, b])
        return [loss] + grads + ([z] if also_return_conv else [])
    return step


def test_convolution_skips_what_a_valid_pooling_drops():
    w, b = _weights(3, 4)
    x = nf.constant(RNG.random((2, 13, 13, 3), dtype=np.float32))
    step = _odd_block_step(w, b)
    concrete = nf.function(step).get_concrete_function(x)
    active = {n.op.name: n.attrs.get("active") for n in concrete.program.nodes
              if n.op.name.startswith("conv2d")}
    assert active == {"conv2d_bias_activation": (10, 10),
                      "conv2d_backprop_filter_bias": (10, 10)}, active
    for got, want in zip(concrete(x), step(x)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-5, atol=2e-5)


def test_gradient_of_the_input_skips_the_dropped_border_too():
    w, b = _weights(3, 4)
    x = nf.constant(RNG.random((2, 13, 13, 3), dtype=np.float32))

    def step(x):
        with nf.GradientTape() as tape:
            tape.watch(x)
            z = nf.nn.relu(nf.nn.conv2d(x, w, 1, "VALID") + b)
            loss = nf.reduce_sum(nf.nn.max_pool2d(z, 2, 2, "VALID"))
        return tape.gradient(loss, x)

    concrete = nf.function(step).get_concrete_function(x)
    assert [n.attrs.get("active") for n in concrete.program.nodes
            if n.op.name == "conv2d_backprop_input"] == [(10, 10)]
    np.testing.assert_allclose(concrete(x).numpy(), step(x).numpy(), rtol=1e-5, atol=1e-6)


def test_no_region_when_the_whole_output_is_read_elsewhere():
    w, b = _weights(3, 4)
    x = nf.constant(RNG.random((2, 13, 13, 3), dtype=np.float32))
    step = _odd_block_step(w, b, also_return_conv=True)
    concrete = nf.function(step).get_concrete_function(x)
    forward = [n for n in concrete.program.nodes if n.op.name == "conv2d_bias_activation"]
    assert forward and "active" not in forward[0].attrs
    got, want = concrete(x)[-1].numpy(), step(x)[-1].numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5)   # the border rows are really computed
