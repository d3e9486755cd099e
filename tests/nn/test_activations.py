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
    with pytest.raises(ValueError, match="erlaubt"):
        get_activation("gelu")
