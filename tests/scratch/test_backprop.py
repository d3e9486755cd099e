"""Tests für kibuch.scratch.backprop: Zwei-Neuronen-Netz gegen finite Differenzen und autograd."""

import numpy as np
import pytest
import torch

from kibuch.scratch.backprop import (
    TwoNeuronNet,
    backward,
    forward,
    loss,
    numerical_gradient,
    sgd_step,
)


@pytest.mark.parametrize(
    "params, x, y",
    [((0.5, 0.0, -1.0, 0.2), 1.0, 1.0), ((1.5, -0.3, 2.0, -1.0), -0.7, 0.0),
     ((-2.0, 1.0, 0.3, 0.4), 2.5, 0.5)],
)
def test_backward_matches_autograd_and_finite_differences(params, x, y):
    p = TwoNeuronNet(*params)
    cache = forward(p, x)
    grads = backward(p, cache, y)

    w1, b1, w2, b2 = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in params)
    a1 = torch.sigmoid(w1 * x + b1)
    a1.retain_grad()
    a2 = torch.sigmoid(w2 * a1 + b2)
    error = 0.5 * (a2 - y) ** 2
    error.backward()
    assert loss(cache["a2"], y) == pytest.approx(error.item(), abs=1e-14)
    for name, t in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("a1", a1)):
        assert grads[name] == pytest.approx(t.grad.item(), abs=1e-12), name

    numeric = numerical_gradient(p, x, y)
    for name in ("w1", "b1", "w2", "b2"):
        assert grads[name] == pytest.approx(numeric[name], abs=1e-8), name


def test_forward_values():
    cache = forward(TwoNeuronNet(w1=0.0, b1=0.0, w2=0.0, b2=0.0), x=3.0)
    assert cache["a1"] == 0.5 and cache["a2"] == 0.5
    assert cache["z2"] == 0.0


def test_sgd_reduces_error():
    p = TwoNeuronNet()
    errors = []
    for _ in range(200):
        p, e = sgd_step(p, x=1.0, y=1.0, lr=2.0)
        errors.append(e)
    assert errors[-1] < 0.1 * errors[0]
    assert all(b <= a + 1e-12 for a, b in zip(errors, errors[1:], strict=False))


def test_errors():
    with pytest.raises(TypeError):
        TwoNeuronNet(w1="1")
    with pytest.raises(ValueError):
        TwoNeuronNet(b2=float("inf"))
    with pytest.raises(TypeError):
        forward((1, 2, 3, 4), 1.0)
    with pytest.raises(TypeError):
        forward(TwoNeuronNet(), x=True)
    with pytest.raises(ValueError):
        forward(TwoNeuronNet(), x=float("nan"))
    with pytest.raises(ValueError, match="forward"):
        backward(TwoNeuronNet(), {"a2": 0.3}, 1.0)
    with pytest.raises(TypeError):
        backward("netz", forward(TwoNeuronNet(), 1.0), 1.0)
    with pytest.raises(ValueError):
        numerical_gradient(TwoNeuronNet(), 1.0, 1.0, eps=0)
    with pytest.raises(ValueError):
        sgd_step(TwoNeuronNet(), 1.0, 1.0, lr=-1)
    with pytest.raises(TypeError, match="lr"):
        sgd_step(TwoNeuronNet(), 1.0, 1.0, lr="2")
    with pytest.raises(TypeError, match="w2"):
        TwoNeuronNet(w2=None)
    with pytest.raises(TypeError, match="cache"):
        backward(TwoNeuronNet(), [0.1, 0.2, 0.3], 1.0)
    with pytest.raises(TypeError, match="y"):
        backward(TwoNeuronNet(), forward(TwoNeuronNet(), 1.0), "1")
    with pytest.raises(ValueError, match="a2"):
        loss(float("nan"), 1.0)
    with pytest.raises(TypeError, match="eps"):
        numerical_gradient(TwoNeuronNet(), 1.0, 1.0, eps="klein")
    with pytest.raises(TypeError, match="p"):
        numerical_gradient({"w1": 0.5}, 1.0, 1.0)


def test_numpy_numbers_are_accepted():
    p = TwoNeuronNet(np.float32(0.5), np.int64(0), -1.0, 0.2)
    assert forward(p, np.float64(1.0)) == forward(TwoNeuronNet(), 1.0)


def test_figures_for_the_chapter():
    import matplotlib.pyplot as plt

    from kibuch.viz.nn_figures import descent_figure, two_neuron_graph_figure

    fig = two_neuron_graph_figure()
    try:
        labels = {t.get_text() for t in fig.axes[0].texts}
        assert {"$E$", "$a^{(0)}$", "$w^{(2)}$", r"$\sigma'(z^{(1)})$"} <= labels
    finally:
        plt.close(fig)
    paths = {"zu groß": np.array([[0.0, 0.0], [1.0, 1.0]]),
             "gut": np.array([[0.0, 0.0], [0.5, 0.2]])}
    fig = descent_figure(lambda w, b: w**2 + b**2, paths, {"zu groß": 1.0, "gut": 0.5})
    try:
        lines = fig.axes[0].get_lines()
        assert [line.get_label() for line in lines] == ["zu groß (η = 1,000)",
                                                        "gut (η = 0,500)", "Start"]
        np.testing.assert_array_equal(lines[1].get_xydata(), paths["gut"])
        with pytest.raises(TypeError, match="paths"):
            descent_figure(lambda w, b: w, [paths["gut"]], {})
    finally:
        plt.close(fig)
