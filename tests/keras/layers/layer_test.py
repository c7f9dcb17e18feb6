"""``run_layer_test``: the checks every layer gets (config round-trip, weights, shapes, training).

Imported by the layer tests as ``from layer_test import run_layer_test``.
"""

import numpy as np

import neuroflow as nf
from neuroflow.keras import layers


def _random_input(shape, dtype, low=None, high=None):
    rng = np.random.default_rng(0)
    if dtype.startswith("int"):
        return rng.integers(low or 0, high or 10, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _first(y):
    return y[0] if isinstance(y, (list, tuple)) else y


def run_layer_test(layer_cls, init_kwargs, input_shape, input_dtype="float32",
                   input_data=None, expected_output_shape=None,
                   expected_num_trainable_weights=None, expected_num_non_trainable_weights=None,
                   expected_num_losses=None, run_training_check=True, supports_masking=None):
    """Builds ``layer_cls(**init_kwargs)`` and checks it the way Keras's LayerTest does.

    - ``get_config``/``from_config`` and ``layers.serialize``/``deserialize`` round-trip;
    - eager call: output shape, weight counts, ``set_weights`` into a rebuilt layer gives the
      same output;
    - symbolic call on ``Input``: output shape with an unknown batch dim;
    - one gradient step changes every trainable weight.

    Returns:
        The eager output (or the first output for multi-output layers).
    """
    x = input_data if input_data is not None else _random_input(input_shape, input_dtype)
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    clone = layer_cls.from_config(config)
    assert clone.get_config() == config, "get_config/from_config does not round-trip"
    again = layers.deserialize(layers.serialize(layer))
    assert type(again) is layer_cls and again.get_config() == config
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    y = layer(x)
    out = _first(y)
    if expected_output_shape is not None:
        got = [tuple(t.shape) for t in y] if isinstance(y, (list, tuple)) else tuple(y.shape)
        assert got == expected_output_shape, f"output shape {got} != {expected_output_shape}"
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    if expected_num_losses is not None:
        assert len(layer.losses) == expected_num_losses

    rebuilt = layer_cls.from_config(config)
    rebuilt(x)
    rebuilt.set_weights(layer.get_weights())
    np.testing.assert_allclose(_first(rebuilt(x)).numpy(), out.numpy(), rtol=1e-5, atol=1e-6)

    symbolic = layer_cls.from_config({**config, "name": config["name"] + "_sym"})
    spec = layers.Input(batch_shape=(None,) + tuple(input_shape[1:]), dtype=input_dtype)
    ys = symbolic(spec)
    if expected_output_shape is not None:
        got = [tuple(t.shape) for t in ys] if isinstance(ys, (list, tuple)) else tuple(
            ys.shape)
        want = [(None,) + tuple(s[1:]) for s in expected_output_shape] if isinstance(
            expected_output_shape, list) else (None,) + tuple(expected_output_shape[1:])
        assert got == want, f"symbolic output shape {got} != {want}"

    if run_training_check and layer.trainable_weights:
        before = [w.numpy().copy() for w in layer.trainable_weights]
        with nf.GradientTape() as tape:
            y = layer(x, training=True)
            # a fixed random projection: its gradient is non-zero where a square's may not be
            loss = sum(nf.reduce_sum(t * _random_input(tuple(t.shape), t.dtype.name))
                       for t in nf.nest.flatten(y) if t.dtype.is_floating)
        grads = tape.gradient(loss, layer.trainable_weights)
        for w, g in zip(layer.trainable_weights, grads):
            assert g is not None, f"no gradient for {w.path}"
            w.assign_sub(0.01 * g)
        changed = [not np.allclose(b, w.numpy()) for b, w in zip(before, layer.trainable_weights)]
        assert any(changed), "one gradient step changed no weight"
    return out
