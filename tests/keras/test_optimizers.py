"""Optimizers: each update rule against its formula in NumPy, and against tf.keras when present.

Gradients come from a fixed random sequence, so every optimizer sees the same inputs here,
in the NumPy reference and in TensorFlow.
"""

import json
import math
import warnings

import numpy as np
import pytest

import neuroflow as nf

opt = nf.keras.optimizers
STEPS = 20


def _sequence(steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    w0 = [rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32)]
    grads = [[rng.normal(size=w.shape).astype(np.float32) for w in w0] for _ in range(steps)]
    return w0, grads


def _run(optimizer, w0, grads):
    variables = [nf.Variable(w) for w in w0]
    for g in grads:
        optimizer.apply_gradients(zip([nf.constant(x) for x in g], variables))
    return [v.numpy() for v in variables]


# -- NumPy references (float64), one per update rule -----------------------------------------
def ref_sgd(w, grads, lr=0.01, momentum=0.0, nesterov=False):
    v = np.zeros_like(w)
    for g in grads:
        if momentum == 0:
            w = w - lr * g
            continue
        v = momentum * v - lr * g
        w = w + (momentum * v - lr * g if nesterov else v)
    return w


def ref_adagrad(w, grads, lr=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    a = np.full_like(w, initial_accumulator_value)
    for g in grads:
        a = a + g * g
        w = w - lr * g / np.sqrt(a + epsilon)
    return w


def ref_rmsprop(w, grads, lr=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v, mg, mom = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g * g
        if centered:
            mg = rho * mg + (1 - rho) * g
            step = lr * g / np.sqrt(v - mg * mg + epsilon)
        else:
            step = lr * g / np.sqrt(v + epsilon)
        if momentum > 0:
            mom = momentum * mom + step
            w = w - mom
        else:
            w = w - step
    return w


def ref_adam(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None):
    m, v, vhat = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if weight_decay:
            w = w - w * weight_decay * lr
        alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        if amsgrad:
            vhat = np.maximum(vhat, v)
        w = w - alpha * m / (np.sqrt(vhat if amsgrad else v) + epsilon)
    return w


def ref_adamax(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * (1 - beta_1)
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - lr * m / ((1 - beta_1**t) * (u + epsilon))
    return w


def ref_nadam(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v, product = np.zeros_like(w), np.zeros_like(w), 1.0
    for t, g in enumerate(grads, start=1):
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        product = product * u_t
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * g / (1 - product)
        v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + epsilon)
    return w


def ref_adadelta(w, grads, lr=0.001, rho=0.95, epsilon=1e-7):
    eg, ed = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        eg = rho * eg + (1 - rho) * g * g
        d = -np.sqrt(ed + epsilon) * g / np.sqrt(eg + epsilon)
        ed = rho * ed + (1 - rho) * d * d
        w = w + lr * d
    return w


def ref_ftrl(w, grads, lr=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
             l1_regularization_strength=0.0, l2_regularization_strength=0.0,
             l2_shrinkage_regularization_strength=0.0, beta=0.0):
    n, z = np.full_like(w, initial_accumulator_value), np.zeros_like(w)
    p, l1 = -learning_rate_power, l1_regularization_strength
    l2 = l2_regularization_strength + beta / (2 * lr)
    for g in grads:
        g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
        n_new = n + g * g
        z = z + g_shrunk - (n_new**p - n**p) / lr * w
        w = (np.clip(z, -l1, l1) - z) / (n_new**p / lr + 2 * l2)
        n = n_new
    return w


def ref_lion(w, grads, lr=0.001, beta_1=0.9, beta_2=0.99):
    m = np.zeros_like(w)
    for g in grads:
        w = w - lr * np.sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g
    return w


CASES = [
    ("SGD", {}, ref_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, ref_sgd),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, ref_sgd),
    ("Adagrad", {}, ref_adagrad),
    ("Adagrad", {"learning_rate": 0.01, "epsilon": 1e-6}, ref_adagrad),
    ("RMSprop", {}, ref_rmsprop),
    ("RMSprop", {"momentum": 0.5, "centered": True}, ref_rmsprop),
    ("Adam", {}, ref_adam),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}, ref_adam),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}, ref_adam),
    ("Adamax", {}, ref_adamax),
    ("Nadam", {}, ref_nadam),
    ("Adadelta", {"learning_rate": 1.0}, ref_adadelta),
    ("Ftrl", {"learning_rate": 0.1}, ref_ftrl),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01,
              "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.01,
              "beta": 0.1}, ref_ftrl),
    ("Lion", {}, ref_lion),
]


def _ref_kwargs(kwargs):
    out = dict(kwargs)
    if "learning_rate" in out:
        out["lr"] = out.pop("learning_rate")
    return out


@pytest.mark.parametrize("name, kwargs, ref", CASES, ids=[f"{c[0]}-{i}" for i, c in
                                                           enumerate(CASES)])
def test_update_rule_matches_numpy_formula(name, kwargs, ref):
    w0, grads = _sequence()
    got = _run(getattr(opt, name)(**kwargs), w0, grads)
    ref_kwargs = _ref_kwargs(kwargs)
    if name == "AdamW":
        ref_kwargs.setdefault("weight_decay", 0.004)
    for i, w in enumerate(w0):
        expected = ref(w.astype(np.float64), [g[i].astype(np.float64) for g in grads],
                       **ref_kwargs)
        np.testing.assert_allclose(got[i], expected, rtol=2e-5, atol=2e-6)


def test_defaults_match_keras():
    assert opt.SGD().get_config()["learning_rate"] == pytest.approx(0.01)
    for cls in (opt.Adam, opt.RMSprop, opt.Adagrad, opt.Adamax, opt.Nadam, opt.Adadelta,
                opt.Ftrl, opt.Lion, opt.AdamW):
        assert cls().get_config()["learning_rate"] == pytest.approx(0.001), cls
    assert opt.Adam().epsilon == 1e-7
    assert opt.AdamW().weight_decay == 0.004
    assert opt.Adagrad().initial_accumulator_value == 0.1
    assert opt.Adadelta().rho == 0.95 and opt.Lion().beta_2 == 0.99
    assert opt.RMSprop().rho == 0.9


def test_lecture_spellings_lr_and_decay():
    """The lecture's Keras 2 spellings: ``lr=`` and time-based ``decay=``."""
    o = opt.SGD(lr=0.1, momentum=0.9, nesterov=True)
    assert float(o.learning_rate) == pytest.approx(0.1) and o.nesterov
    opt.RMSprop(lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0)
    opt.Adagrad(lr=0.01, epsilon=1e-6)
    opt.Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0)
    w0, grads = _sequence()
    decay = 0.05
    got = _run(opt.SGD(lr=0.1, decay=decay), w0[:1], [g[:1] for g in grads])[0]
    w = w0[0].astype(np.float64)
    for t, g in enumerate(grads):
        w = w - 0.1 / (1 + decay * t) * g[0]
    np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)
    assert opt.SGD(lr=0.1, decay=decay).get_config()["decay"] == decay


def test_iterations_is_int64_and_counts_steps():
    o = opt.Adam()
    w = nf.Variable([1.0, 2.0])
    assert o.iterations.dtype == nf.int64
    for _ in range(3):
        result = o.apply_gradients([(nf.constant([0.1, 0.2]), w)])
    assert int(o.iterations) == 3 and result is o.iterations


def test_slot_variables_order_names_and_trainability():
    o = opt.Adam(amsgrad=True)
    a, b = nf.Variable(np.ones((2, 2), np.float32), name="a"), nf.Variable([1.0], name="b")
    o.build([a, b])
    names = [v.name for v in o.variables]
    assert names == ["iteration:0", "learning_rate:0", "a_momentum:0", "a_velocity:0",
                     "b_momentum:0", "b_velocity:0", "a_velocity_hat:0", "b_velocity_hat:0"]
    assert not any(v.trainable for v in o.variables)
    assert tuple(o.variables[2].shape) == (2, 2)


def test_none_gradients_are_skipped_with_a_warning():
    o = opt.SGD(0.1)
    a, b = nf.Variable([1.0]), nf.Variable([1.0])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        o.apply_gradients([(nf.constant([1.0]), a), (None, b)])
    assert a.numpy()[0] == pytest.approx(0.9) and b.numpy()[0] == 1.0
    with pytest.raises(ValueError, match="No gradients"):
        o.apply_gradients([(None, a)])


def test_apply_with_built_variables_and_unknown_variable_error():
    o = opt.SGD(0.5)
    w = nf.Variable([2.0])
    o.build([w])
    o.apply([nf.constant([1.0])])
    assert w.numpy()[0] == pytest.approx(1.5)
    with pytest.raises(ValueError, match="Unknown variable"):
        o.apply_gradients([(nf.constant([1.0]), nf.Variable([0.0]))])


def test_minimize_with_callable_and_with_tape():
    w = nf.Variable(3.0)
    o = opt.SGD(learning_rate=0.1)
    o.minimize(lambda: w * w, [w])
    assert float(w) == pytest.approx(3.0 - 0.1 * 6.0)
    with nf.GradientTape() as tape:
        loss = w * w
    o.minimize(loss, [w], tape=tape)
    assert float(w) == pytest.approx(2.4 - 0.1 * 4.8)
    with pytest.raises(ValueError, match="tape"):
        o.minimize(loss, [w])


def test_minimize_solves_least_squares():
    rng = np.random.default_rng(1)
    a = nf.constant(rng.normal(size=(20, 3)).astype(np.float32))
    x_true = np.array([1.0, -2.0, 0.5], np.float32)
    b = nf.constant(a.numpy() @ x_true)
    x = nf.Variable(np.zeros(3, np.float32))
    o = opt.Adam(learning_rate=0.1)
    for _ in range(300):
        o.minimize(lambda: nf.reduce_mean(nf.square(nf.reshape(a @ nf.reshape(x, (3, 1)),
                                                                 (-1,)) - b)), [x])
    np.testing.assert_allclose(x.numpy(), x_true, atol=1e-2)


def test_learning_rate_setter_and_schedule():
    o = opt.Adam(0.01)
    o.learning_rate = 0.5
    assert float(o.learning_rate) == 0.5
    schedule = opt.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    o2 = opt.SGD(schedule)
    w = nf.Variable([0.0])
    values = []
    for _ in range(4):
        values.append(float(o2.learning_rate))
        o2.apply_gradients([(nf.constant([1.0]), w)])
    np.testing.assert_allclose(values, [0.1 * 0.5 ** (t / 2) for t in range(4)], rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        o2.learning_rate = 0.1
    assert isinstance(opt.SGD.from_config(o2.get_config()).learning_rate, nf.Tensor)


def test_clipping():
    g = nf.constant([3.0, 4.0])
    w = nf.Variable([0.0, 0.0])
    opt.SGD(1.0, clipnorm=1.0).apply_gradients([(g, w)])
    np.testing.assert_allclose(w.numpy(), [-0.6, -0.8], rtol=1e-6)
    w.assign([0.0, 0.0])
    opt.SGD(1.0, clipvalue=3.5).apply_gradients([(g, w)])
    np.testing.assert_allclose(w.numpy(), [-3.0, -3.5])
    a, b = nf.Variable([0.0]), nf.Variable([0.0])
    opt.SGD(1.0, global_clipnorm=1.0).apply_gradients([(nf.constant([3.0]), a),
                                                       (nf.constant([4.0]), b)])
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0]], [-0.6, -0.8], rtol=1e-6)
    with pytest.raises(ValueError, match="Only one of"):
        opt.SGD(clipnorm=1.0, clipvalue=1.0)


def test_weight_decay_exclusion_and_constraint():
    a, b = nf.Variable([1.0], name="kernel"), nf.Variable([1.0], name="bias")
    o = opt.SGD(0.1, weight_decay=0.5)
    o.exclude_from_weight_decay(var_names=["bias"])
    o.apply_gradients([(nf.constant([0.0]), a), (nf.constant([0.0]), b)])
    assert a.numpy()[0] == pytest.approx(0.95) and b.numpy()[0] == 1.0
    c = nf.Variable([1.0, -1.0], constraint=lambda v: nf.maximum(v, 0.0))
    opt.SGD(0.1).apply_gradients([(nf.constant([1.0, 1.0]), c)])
    np.testing.assert_allclose(c.numpy(), [0.9, 0.0])


def test_state_restore_gives_bit_identical_resumed_training():
    """Save after 10 steps, restore into a fresh optimizer, and the next 10 steps match."""
    w0, grads = _sequence(20)
    for name, kwargs in [("Adam", {"amsgrad": True}), ("Nadam", {}), ("RMSprop",
                         {"momentum": 0.9, "centered": True}), ("SGD", {"momentum": 0.9})]:
        full = _run(getattr(opt, name)(**kwargs), w0, grads)
        first = getattr(opt, name)(**kwargs)
        variables = [nf.Variable(w) for w in w0]
        for g in grads[:10]:
            first.apply_gradients(zip([nf.constant(x) for x in g], variables))
        saved_state = [v.numpy() for v in first.variables]
        saved_weights = [v.numpy() for v in variables]
        store = {}
        first.save_own_variables(store)
        resumed = getattr(opt, name)(**kwargs)
        new_vars = [nf.Variable(w) for w in saved_weights]
        resumed.build(new_vars)
        for v, value in zip(resumed.variables, saved_state):
            v.assign(value)
        for g in grads[10:]:
            resumed.apply_gradients(zip([nf.constant(x) for x in g], new_vars))
        for a, b in zip(full, new_vars):
            np.testing.assert_array_equal(a, b.numpy())
        loaded = getattr(opt, name)(**kwargs)
        loaded.build([nf.Variable(w) for w in w0])
        loaded.load_own_variables(store)
        assert int(loaded.iterations) == 10


def test_get_serialize_deserialize_and_unknown_names():
    assert isinstance(opt.get("adam"), opt.Adam)
    assert isinstance(opt.get("RMSprop"), opt.RMSprop)
    o = opt.SGD(learning_rate=0.1, momentum=0.5, nesterov=True, clipnorm=2.0)
    config = opt.serialize(o)
    assert config["class_name"] == "SGD" and config["module"] == "keras.optimizers"
    json.dumps(config)
    back = opt.deserialize(config)
    assert back.get_config() == o.get_config()
    assert isinstance(opt.get({"class_name": "adam", "config": {}}), opt.Adam)
    with pytest.raises(ValueError, match="adam"):
        opt.get("adamm")
    with pytest.raises(ValueError, match="not recognized"):
        opt.Adam(foo=1)


def test_schedule_config_round_trip():
    s = opt.schedules
    for schedule in (s.ExponentialDecay(0.1, 10, 0.5, staircase=True),
                     s.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
                     s.InverseTimeDecay(0.1, 10, 0.5), s.CosineDecay(0.1, 20, alpha=0.1),
                     s.PolynomialDecay(0.1, 10)):
        back = s.deserialize(json.loads(json.dumps(s.serialize(schedule))))
        assert back.get_config() == schedule.get_config()
        for step in (0, 7, 30):
            assert float(back(step)) == pytest.approx(float(schedule(step)))
    np.testing.assert_allclose(
        [float(s.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])(t)) for t in (5, 6, 10, 11)],
        [1.0, 0.5, 0.5, 0.1])
    np.testing.assert_allclose(float(s.CosineDecay(1.0, 10)(5)), 0.5, rtol=1e-6)
    np.testing.assert_allclose(float(s.InverseTimeDecay(1.0, 1, 1.0)(3)), 0.25, rtol=1e-6)


def test_ema_and_gradient_accumulation():
    w = nf.Variable([1.0])
    o = opt.SGD(0.1, use_ema=True, ema_momentum=0.5)
    for _ in range(3):
        o.apply_gradients([(nf.constant([1.0]), w)])
    o.finalize_variable_values([w])
    # averages: 0.9 (first step copies), then 0.5*0.9 + 0.5*0.8, then 0.5*0.85 + 0.5*0.7
    assert float(w.numpy()[0]) == pytest.approx(0.775)
    w2 = nf.Variable([1.0])
    o2 = opt.SGD(0.1, gradient_accumulation_steps=2)
    o2.apply_gradients([(nf.constant([1.0]), w2)])
    assert float(w2.numpy()[0]) == 1.0
    o2.apply_gradients([(nf.constant([3.0]), w2)])
    assert float(w2.numpy()[0]) == pytest.approx(0.8)


def test_graph_mode_matches_eager():
    w0, grads = _sequence(8)
    for name in ("Adam", "Nadam", "SGD"):
        eager = _run(getattr(opt, name)(), w0, grads)
        variables = [nf.Variable(w) for w in w0]
        o = getattr(opt, name)()

        @nf.function
        def step(g0, g1, o=o, variables=variables):
            o.apply_gradients(zip([g0, g1], variables))

        for g in grads:
            step(nf.constant(g[0]), nf.constant(g[1]))
        for a, b in zip(eager, variables):
            np.testing.assert_array_equal(a, b.numpy())
        assert int(o.iterations) == len(grads)


# -- TensorFlow as the oracle -------------------------------------------------------------------
TF_CASES = [(name, kwargs) for name, kwargs, _ in CASES] + [
    ("Adam", {"clipnorm": 0.5}), ("Adam", {"global_clipnorm": 0.5}),
    ("SGD", {"clipvalue": 0.3}), ("SGD", {"learning_rate": 0.1, "weight_decay": 0.01}),
    ("Adam", {"use_ema": True, "ema_overwrite_frequency": 3}),
    ("SGD", {"momentum": 0.9, "gradient_accumulation_steps": 3}),
    ("Nadam", {"learning_rate": 0.01}), ("AdamW", {}),
]


@pytest.mark.tensorflow
@pytest.mark.parametrize("name, kwargs", TF_CASES, ids=[f"{c[0]}-{i}" for i, c in
                                                         enumerate(TF_CASES)])
def test_matches_tensorflow(name, kwargs):
    tf = pytest.importorskip("tensorflow")
    w0, grads = _sequence(60, seed=3)
    ours = getattr(opt, name)(**kwargs)
    theirs = getattr(tf.keras.optimizers, name)(**kwargs)
    tf_vars = [tf.Variable(w) for w in w0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for g in grads:
            theirs.apply_gradients(zip([tf.constant(x) for x in g], tf_vars))
    got = _run(ours, w0, grads)
    for a, b in zip(got, tf_vars):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-6)
    assert len(ours.variables) == len(theirs.variables)
    for a, b in zip(ours.variables, theirs.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


@pytest.mark.tensorflow
def test_schedules_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    cases = [("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                       decay_rate=0.5, staircase=True)),
             ("PiecewiseConstantDecay", dict(boundaries=[5, 10], values=[1.0, 0.5, 0.1])),
             ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                       decay_rate=0.5)),
             ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=20, alpha=0.1,
                                  warmup_target=0.5, warmup_steps=5)),
             ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=7, cycle=True))]
    for name, kwargs in cases:
        ours = getattr(opt.schedules, name)(**kwargs)
        theirs = getattr(tf.keras.optimizers.schedules, name)(**kwargs)
        assert ours.get_config() == theirs.get_config()
        for step in range(30):
            assert float(ours(nf.constant(step, dtype="int64"))) == pytest.approx(
                float(theirs(step)), rel=1e-6), (name, step)


@pytest.mark.tensorflow
def test_training_loop_matches_tensorflow():
    """A small MLP trained with GradientTape + Adam + crossentropy: TF's losses, step by step."""
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(64, 8)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    init = [rng.normal(size=(8, 16)).astype(np.float32) * 0.3, np.zeros(16, np.float32),
            rng.normal(size=(16, 3)).astype(np.float32) * 0.3, np.zeros(3, np.float32)]

    def run(lib, keras, variables):
        optimizer = keras.optimizers.Adam(learning_rate=0.01)
        loss_fn = keras.losses.CategoricalCrossentropy()
        accuracy = keras.metrics.CategoricalAccuracy()
        losses = []
        for step in range(40):
            xb, yb = x[step % 4 * 16:(step % 4 + 1) * 16], y[step % 4 * 16:(step % 4 + 1) * 16]
            with lib.GradientTape() as tape:
                h = keras.activations.relu(lib.matmul(xb, variables[0]) + variables[1])
                p = keras.activations.softmax(lib.matmul(h, variables[2]) + variables[3])
                loss = loss_fn(yb, p)
            grads = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(grads, variables))
            accuracy.update_state(yb, p)
            losses.append(float(loss))
        return np.array(losses), float(accuracy.result())

    ours, our_acc = run(nf, nf.keras, [nf.Variable(w) for w in init])
    theirs, their_acc = run(tf, tf.keras, [tf.Variable(w) for w in init])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert our_acc == pytest.approx(their_acc)
