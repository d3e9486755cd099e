"""Tests für kibuch.nn.activations: Werte und Ableitungen gegen PyTorch."""

import numpy as np
import pytest
import torch

from kibuch.nn.activations import ACTIVATIONS, get_activation, sigmoid, softmax

Z = np.linspace(-6, 6, 121) + 0.013  # trifft die 0 nicht genau


@pytest.mark.parametrize(
    "name, torch_fn",
    [("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("relu", torch.relu),
     ("identity", lambda z: z)],
)
def test_value_and_derivative_match_autograd(name, torch_fn):
    f, df = get_activation(name)
    z = torch.tensor(Z, requires_grad=True)
    out = torch_fn(z)
    out.sum().backward()
    np.testing.assert_allclose(f(Z), out.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(df(Z), z.grad.numpy(), atol=1e-12)


def test_step_and_special_points():
    f, df = get_activation("step")
    np.testing.assert_array_equal(f([-1.0, 0.0, 2.0]), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(df([-1.0, 0.0, 2.0]), [0.0, 0.0, 0.0])
    assert get_activation("relu")[1](0.0) == 0.0
    # σ'(z) = σ(z)(1 − σ(z)) hat sein Maximum ¼ bei 0
    assert ACTIVATIONS["sigmoid"][1](0.0) == pytest.approx(0.25)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise"):
        values = sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(values, [0.0, 1.0])


def test_softmax_matches_torch():
    logits = np.random.default_rng(0).normal(size=(5, 4)) * 50
    expected = torch.softmax(torch.tensor(logits), dim=1).numpy()
    np.testing.assert_allclose(softmax(logits, axis=1), expected, atol=1e-12)
    np.testing.assert_allclose(softmax(logits).sum(axis=1), 1.0)


def test_unknown_activation():
    with pytest.raises(ValueError, match="Erlaubt.*Meinten Sie 'relu'"):
        get_activation("gelu")
    with pytest.raises(TypeError, match="name"):
        get_activation(None)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_shapes_are_kept_and_bad_input_is_rejected(name):
    f, df = get_activation(name)
    assert np.shape(f(0.5)) == () and np.shape(df(0.5)) == ()
    assert f([[1.0, -2.0]]).shape == (1, 2) and df(np.zeros((2, 3))).shape == (2, 3)
    assert f(np.float32(0.5)) == f(0.5) and f(np.array(0.5)) == f(0.5)
    assert f(np.array([])).shape == (0,)
    for bad in (None, "1,5", True):
        with pytest.raises(TypeError, match="z"):
            f(bad)
        with pytest.raises(TypeError, match="z"):
            df(bad)
    for bad in (float("nan"), [1.0, np.inf]):
        with pytest.raises(ValueError, match="z"):
            f(bad)


def test_softmax_errors():
    with pytest.raises(ValueError, match="axis"):
        softmax(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis"):
        softmax(np.zeros((2, 3)), axis=1.0)
    with pytest.raises(ValueError, match="NaN"):
        softmax([1.0, np.nan])
    with pytest.raises(TypeError, match="z"):
        softmax("logits")
    np.testing.assert_allclose(softmax(np.zeros((2, 4)), axis=-2), 0.5)


def test_activation_figure_plots_values_and_derivatives():
    import matplotlib.pyplot as plt

    from kibuch.viz.nn_figures import activation_figure, loss_comparison_figure

    fig = activation_figure(ACTIVATIONS, {"sigmoid": "Sigmoid", "relu": "ReLU"})
    try:
        axes = fig.axes
        assert [ax.get_title() for ax in axes] == ["Sigmoid", "ReLU"]
        for ax, name in zip(axes, ("sigmoid", "relu"), strict=True):
            f, df = ACTIVATIONS[name]
            value_line, grad_line = ax.get_lines()
            z = value_line.get_xdata()
            np.testing.assert_allclose(value_line.get_ydata(), f(z))
            np.testing.assert_allclose(grad_line.get_ydata(), df(z))
            assert grad_line.get_linestyle() == "--"
        with pytest.raises(TypeError, match="titles"):
            activation_figure(ACTIVATIONS, ["relu"])
    finally:
        plt.close(fig)
    fig = loss_comparison_figure()
    try:
        ce, sq = fig.axes[0].get_lines()
        p = ce.get_xdata()
        np.testing.assert_allclose(ce.get_ydata(), -np.log(p))
        np.testing.assert_allclose(sq.get_ydata(), 0.5 * (1 - p) ** 2)
    finally:
        plt.close(fig)
