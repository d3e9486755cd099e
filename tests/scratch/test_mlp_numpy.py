"""Tests für kibuch.scratch.mlp_numpy: Backprop gegen finite Differenzen und torch.autograd."""

import numpy as np
import pytest
import torch

from kibuch.data.synthetic.toy2d import make_toy2d
from kibuch.scratch.mlp_numpy import (
    NumpyMLP,
    NumpyMLPConfig,
    check_gradients,
    numerical_gradients,
    torch_gradients,
    train,
)

CASES = [
    NumpyMLPConfig(sizes=(2, 5, 3), activation="tanh", head="softmax", seed=1),
    NumpyMLPConfig(sizes=(3, 4, 4, 2), activation="sigmoid", head="sigmoid", seed=2),
    NumpyMLPConfig(sizes=(3, 6, 1), activation="relu", head="linear", seed=3),
    NumpyMLPConfig(sizes=(2, 3), activation="tanh", head="softmax", seed=4),
]


def _data(cfg, n=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, cfg.sizes[0]))
    k = cfg.sizes[-1]
    y = rng.integers(0, k, n) if cfg.head == "softmax" else rng.uniform(0, 1, (n, k))
    return X, y


@pytest.mark.parametrize("cfg", CASES, ids=lambda c: f"{c.activation}-{c.head}-{len(c.sizes)}")
def test_gradients_match_finite_differences(cfg):
    model = NumpyMLP(cfg)
    X, y = _data(cfg)
    _, grads = model.loss_and_grads(X, y)
    numeric = numerical_gradients(model, X, y)
    for g, n in zip(grads, numeric, strict=True):
        np.testing.assert_allclose(g, n, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("cfg", CASES, ids=lambda c: f"{c.activation}-{c.head}-{len(c.sizes)}")
def test_gradients_match_torch_nn(cfg):
    """Unabhängiger Vergleich: dasselbe Netz mit nn.Linear und nn-Verlustfunktionen."""
    model = NumpyMLP(cfg)
    X, y = _data(cfg, seed=5)
    loss, grads = model.loss_and_grads(X, y)
    layers = []
    act = {"tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU}
    for i in range(model.n_layers):
        W, b = model.params[2 * i], model.params[2 * i + 1]
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < model.n_layers - 1:
            layers.append(act[cfg.activation]())
    net = torch.nn.Sequential(*layers)
    out = net(torch.from_numpy(X))
    if cfg.head == "softmax":
        t_loss = torch.nn.CrossEntropyLoss()(out, torch.from_numpy(y))
    else:
        pred = torch.sigmoid(out) if cfg.head == "sigmoid" else out
        t_loss = torch.nn.MSELoss(reduction="sum")(pred, torch.from_numpy(y)) / (2 * len(X))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    torch_grads = [g for lin in layers if isinstance(lin, torch.nn.Linear)
                   for g in (lin.weight.grad, lin.bias.grad)]
    for g, t in zip(grads, torch_grads, strict=True):
        np.testing.assert_allclose(g, t.numpy(), atol=1e-12)


def test_check_gradients_summary_and_torch_helper():
    cfg = CASES[0]
    model = NumpyMLP(cfg)
    X, y = _data(cfg)
    result = check_gradients(model, X, y)
    assert result["finite_differenzen"] < 1e-7
    assert result["torch_autograd"] < 1e-12
    assert result["verlust_torch"] < 1e-12
    assert result["groesster_gradient"] > 1e-3  # sonst wäre der Vergleich wertlos
    loss, grads = torch_gradients(model, X, y)
    assert loss == pytest.approx(model.loss(X, y))
    # Ein absichtlich falscher Gradient wird erkannt
    model.act_grad = lambda z: np.ones_like(z)
    assert check_gradients(model, X, y)["torch_autograd"] > 1e-4


def test_training_solves_xor():
    X, y = make_toy2d("xor", n=200, noise=0.0, seed=0)
    model = NumpyMLP(NumpyMLPConfig(sizes=(2, 8, 2), activation="tanh", seed=0))
    seen = []
    losses = train(model, X, y, lr=0.1, epochs=60, batch_size=10,
                   callback=lambda epoch, m: seen.append(epoch))
    assert seen == list(range(60))
    assert losses[-1] < 0.5 * losses[0]
    assert np.mean(model.predict(X) == y) > 0.9
    probs = model.predict_proba(X)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_regression_with_full_batch():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (50, 1))
    y = 0.5 * X[:, 0] + 0.2  # Form (N,) bei einem Ausgabeneuron erlaubt
    model = NumpyMLP(NumpyMLPConfig(sizes=(1, 1), head="linear"))
    losses = train(model, X, y, lr=0.5, epochs=200)
    assert losses[-1] < 1e-6
    np.testing.assert_allclose(model.params[0], [[0.5]], atol=1e-3)


@pytest.mark.parametrize(
    "kwargs",
    [{"sizes": (3,)}, {"sizes": (2, 0)}, {"activation": "gelu"}, {"head": "probit"},
     {"sizes": (2, 1), "head": "softmax"}, {"seed": -1}],
)
def test_config_errors(kwargs):
    with pytest.raises(ValueError):
        NumpyMLPConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [({"sizes": 3}, "sizes"), ({"sizes": "2-8-2"}, "sizes"), ({"sizes": (2, 8.0, 2)}, "sizes"),
     ({"sizes": (2, True)}, "sizes"), ({"activation": None}, "activation"),
     ({"head": 1}, "head"), ({"seed": 1.5}, "seed")],
)
def test_config_type_errors(kwargs, name):
    with pytest.raises(TypeError, match=name):
        NumpyMLPConfig(**kwargs)


def test_config_accepts_numpy_integers_and_lists():
    cfg = NumpyMLPConfig(sizes=[np.int64(2), 4, np.int32(2)], seed=np.int64(3))
    assert cfg.sizes == (2, 4, 2) and all(type(s) is int for s in cfg.sizes)
    assert cfg.seed == 3


def test_argument_errors():
    model = NumpyMLP(NumpyMLPConfig(sizes=(2, 3, 2)))
    X = np.zeros((4, 2))
    with pytest.raises(TypeError):
        NumpyMLP({"sizes": (2, 2)})
    with pytest.raises(ValueError, match="Form"):
        model.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="Form"):
        model.loss(X, np.zeros((4, 1), dtype=int))
    with pytest.raises(ValueError, match="Klassennummern"):
        model.loss(X, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="Klassennummern"):
        model.loss(X, np.array([0.0, 1.0, 0.0, 1.0]))
    reg = NumpyMLP(NumpyMLPConfig(sizes=(2, 2), head="linear"))
    with pytest.raises(ValueError, match="Form"):
        reg.loss(X, np.zeros(3))
    with pytest.raises(ValueError):
        model.sgd_step(model.loss_and_grads(X, [0, 1, 0, 1])[1], lr=0)
    with pytest.raises(ValueError):
        model.sgd_step([np.zeros(1)], lr=0.1)
    with pytest.raises(TypeError):
        train("netz", X, [0, 1, 0, 1])
    with pytest.raises(ValueError):
        train(model, X, [0, 1, 0, 1], epochs=0)
    with pytest.raises(ValueError, match=r"y muss die Form \(4,\)"):
        train(model, X, [0, 1, 0])
    with pytest.raises(TypeError, match="lr"):
        train(model, X, [0, 1, 0, 1], lr="0.1")
    with pytest.raises(ValueError, match="lr"):
        train(model, X, [0, 1, 0, 1], lr=float("nan"))
    with pytest.raises(TypeError, match="epochs"):
        train(model, X, [0, 1, 0, 1], epochs=2.0)
    with pytest.raises(ValueError, match="epochs"):
        train(model, X, [0, 1, 0, 1], epochs=10**15)
    with pytest.raises(TypeError, match="batch_size"):
        train(model, X, [0, 1, 0, 1], batch_size=True)
    with pytest.raises(TypeError, match="callback"):
        train(model, X, [0, 1, 0, 1], callback="drucken")
    with pytest.raises(ValueError, match="X enthält NaN"):
        model.forward(np.full((4, 2), np.nan))
    with pytest.raises(TypeError, match="X"):
        model.forward(None)
    with pytest.raises(ValueError, match="y enthält NaN"):
        reg.loss(X, np.full((4, 2), np.nan))
    with pytest.raises(ValueError):
        train(model, X, [0, 1, 0, 1], batch_size=0)
    with pytest.raises(ValueError):
        numerical_gradients(model, X, [0, 1, 0, 1], eps=-1)


def test_mlp_schema_and_history_figures():
    import matplotlib.pyplot as plt

    from kibuch.training.loop import History
    from kibuch.viz.nn_figures import history_figure, mlp_schema_figure

    fig = mlp_schema_figure([3, 4, 2], ["Eingabe", "verdeckt", "Ausgabe"])
    try:
        ax = fig.axes[0]
        assert len(ax.get_lines()) == 3 * 4 + 4 * 2  # eine Linie je Gewicht
        assert sum(len(c.get_offsets()) for c in ax.collections) == 9  # ein Kreis je Neuron
        assert [t.get_text() for t in ax.texts] == ["Eingabe", "verdeckt", "Ausgabe"]
        with pytest.raises(ValueError, match="Längen"):
            mlp_schema_figure([3, 4, 2], ["Eingabe", "Ausgabe"])
        with pytest.raises(ValueError, match="layer_sizes"):
            mlp_schema_figure([3, 0, 2], ["a", "b", "c"])
    finally:
        plt.close(fig)
    history = History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.8], val_loss=[1.2, 0.7],
                      val_acc=[0.4, 0.75])
    for percent in (False, True):
        fig = history_figure(history, percent=percent, markers=percent)
        try:
            ax_loss, ax_acc = fig.axes
            np.testing.assert_allclose(ax_loss.get_lines()[1].get_ydata(), history.val_loss)
            scale = 100 if percent else 1
            np.testing.assert_allclose(ax_acc.get_lines()[0].get_ydata(),
                                       np.array(history.train_acc) * scale)
            assert ax_acc.get_ylabel() == ("Genauigkeit in %" if percent else "Genauigkeit")
        finally:
            plt.close(fig)
    with pytest.raises(TypeError, match="percent"):
        history_figure(history, percent="ja")
