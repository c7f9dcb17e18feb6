"""The lecture's claims, computed by the teaching demos, with their printed numbers checked."""

import numpy as np
import pytest

from neuroflow.teach import backprop, perceptron, vanishing, xor

try:
    import matplotlib  # noqa: F401

    HAVE_MPL = True
except ImportError:  # pragma: no cover
    HAVE_MPL = False


def _lines():
    out = []
    return out, out.append


def test_xor_table_matches_the_lecture_exactly(tmp_path):
    assert xor.lecture_table() == [(0, 0, 1, 0, 0, 0), (0, 1, 1, 1, 1, 1),
                                   (1, 0, 1, 1, 1, 1), (1, 1, 0, 1, 0, 0)]
    lines, echo = _lines()
    result = xor.run(out_dir=str(tmp_path), epochs=2000, echo=echo)
    assert result["accuracy"] == 1.0
    assert "  1   1 |  0   1 |   0   |   0" in lines
    if HAVE_MPL:
        assert (tmp_path / "xor.png").stat().st_size > 10_000


def test_perceptron_learns_and_or_but_not_xor(tmp_path):
    lines, echo = _lines()
    results = perceptron.run(out_dir=str(tmp_path), epochs=500, echo=echo)
    assert results["AND"]["accuracy"] == 1.0 and results["OR"]["accuracy"] == 1.0
    assert results["XOR"]["accuracy"] <= 0.75 and results["XOR"]["best_line"] == 0.75
    if HAVE_MPL:
        assert (tmp_path / "perceptron.png").stat().st_size > 10_000


def test_backprop_tape_equals_hand_chain_rule():
    lines, echo = _lines()
    result = backprop.run(echo=echo)
    assert result["max_diff"] < 1e-6
    assert result["E_after"] < result["E"]
    for _, formula, taped, numeric in backprop.sigmoid_derivative_check():
        assert abs(formula - taped) < 1e-9 and abs(formula - numeric) < 1e-8


def test_vanishing_sigmoid_first_layer_orders_of_magnitude_below_relu(tmp_path):
    lines, echo = _lines()
    norms = vanishing.run(out_dir=str(tmp_path), depth=8, echo=echo)
    assert norms["relu"][0] / norms["sigmoid"][0] > 1e3
    assert vanishing.sigmoid_derivative_max() == pytest.approx(0.25, abs=1e-6)
    assert np.all(np.diff(np.log(norms["sigmoid"])) > 0)  # grows toward the output
    if HAVE_MPL:
        assert (tmp_path / "vanishing.png").stat().st_size > 10_000


def test_activations_derivatives(tmp_path):
    from neuroflow.teach import activations

    lines, echo = _lines()
    table = activations.run(out_dir=str(tmp_path), echo=echo)
    y, dy = table["sigmoid"]
    np.testing.assert_allclose(dy, y * (1 - y), rtol=1e-5)
    assert table["relu"][1].tolist() == [0, 0, 0, 1, 1]
    p, total = activations.softmax_table((1000.0, 1001.0))
    assert np.isfinite(p).all() and abs(total - 1) < 1e-6
    if HAVE_MPL:
        assert (tmp_path / "activations.png").stat().st_size > 10_000


def test_optimizer_race_and_mlp(tmp_path):
    from neuroflow.teach import optimizers

    lines, echo = _lines()
    result = optimizers.run(out_dir=str(tmp_path), steps=150, epochs=8, echo=echo)
    bowl = result["races"]["elongated bowl"]
    assert bowl["Nesterov"][2] is not None and bowl["Momentum"][2] is not None
    assert bowl["Nesterov"][2] < bowl["GD"][2]   # momentum beats plain descent on the bowl
    for name, losses in result["curves"].items():
        assert losses[-1] < losses[0], name
    if HAVE_MPL:
        assert (tmp_path / "optimizers.png").stat().st_size > 10_000


def test_graph_topic(tmp_path):
    from neuroflow.teach import graph

    lines, echo = _lines()
    result = graph.run(out_dir=str(tmp_path), echo=echo)
    ops = sorted(node.op.name for node in result["graph"].nodes)
    assert ops == ["add", "multiply", "placeholder", "read_variable", "read_variable"]
    assert any("2.7, 1.9, -2.9" in line for line in lines)
    assert result["losses"][-1] < result["losses"][0] * 0.01
    if HAVE_MPL:
        assert (tmp_path / "graph_z.png").stat().st_size > 5_000
        assert (tmp_path / "graph_step.png").stat().st_size > 10_000
