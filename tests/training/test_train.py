"""Tests für kibuch.training.loop und kibuch.nn.mlp."""

import sys

import numpy as np
import pytest
import torch
from torch import nn

from kibuch import set_seed
from kibuch.data.synthetic.toy2d import make_toy2d
from kibuch.nn.mlp import MLPConfig, TorchMLP, build_mlp, count_parameters
from kibuch.training.loop import History, TrainConfig, evaluate, fit, tensor_loaders


@pytest.fixture
def loaders():
    X, y = make_toy2d("gauss", n=200, noise=0.0, seed=0)
    Xv, yv = make_toy2d("gauss", n=100, noise=0.0, seed=1)
    return tensor_loaders(X, y, Xv, yv, batch_size=32, seed=0)


def test_fit_learns_and_history_is_consistent(loaders, tmp_path):
    set_seed(0)
    model = TorchMLP(MLPConfig(hidden=(8,)))
    cfg = TrainConfig(epochs=5, lr=0.05, progress=False)
    history = fit(model, *loaders, cfg, device="cpu", log_dir=tmp_path)
    d = history.as_dict()
    assert set(d) == {"train_loss", "train_acc", "val_loss", "val_acc", "seconds"}
    assert all(len(v) == 5 for v in d.values())
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_acc[-1] > 0.95  # zwei getrennte Gauß-Wolken
    assert 0 <= history.best_epoch < 5
    assert any(p.name.startswith("events.out.tfevents") for p in tmp_path.iterdir())
    # evaluate stimmt mit dem letzten Eintrag der History überein
    result = evaluate(model, loaders[1], "cpu")
    assert result["loss"] == pytest.approx(history.val_loss[-1], rel=1e-5)
    assert result["acc"] == pytest.approx(history.val_acc[-1])


def test_evaluate_matches_manual_cross_entropy(loaders):
    set_seed(1)
    model = TorchMLP(MLPConfig(hidden=(4,)))
    X = torch.cat([xb for xb, _ in loaders[1]])
    y = torch.cat([yb for _, yb in loaders[1]])
    with torch.no_grad():
        logits = model(X)
    expected_loss = nn.CrossEntropyLoss()(logits, y).item()
    expected_acc = (logits.argmax(1) == y).float().mean().item()
    result = evaluate(model, loaders[1])
    assert result["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert result["acc"] == pytest.approx(expected_acc)


def test_sgd_with_momentum_and_progress_output(loaders, capsys):
    set_seed(0)
    model = TorchMLP(MLPConfig(hidden=(4,), activation="relu"))
    history = fit(model, *loaders, TrainConfig(epochs=2, lr=0.1, optimizer="sgd", momentum=0.9))
    assert len(history.train_acc) == 2
    assert "Training" in capsys.readouterr().err  # im Terminal: tqdm auf stderr


def test_progress_in_kernel_without_widgets_prints_one_line(loaders, capsys, monkeypatch):
    """Wie beim Buchbau: nur der Endstand landet (als eine Zeile) auf stdout."""
    import types

    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    set_seed(0)
    fit(TorchMLP(MLPConfig(hidden=(4,))), *loaders, TrainConfig(epochs=3, lr=0.01))
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and "\r" not in out
    assert "3/3" in lines[0] and "val_acc=" in lines[0]
    assert "Training" not in err


def test_diverging_training_raises(loaders):
    set_seed(0)
    model = TorchMLP(MLPConfig(hidden=(4,)))
    with torch.no_grad():
        model.net[1].weight.fill_(float("nan"))  # simuliert ein „explodiertes“ Training
    with pytest.raises(FloatingPointError, match="Lernrate"):
        fit(model, *loaders, TrainConfig(epochs=3, lr=0.1, optimizer="sgd", progress=False))


def test_mlp_shapes_flatten_and_parameter_count():
    model = TorchMLP(MLPConfig(in_features=784, hidden=(16,), out_features=10))
    out = model(torch.zeros(3, 1, 28, 28))
    assert out.shape == (3, 10)
    assert count_parameters(model) == 784 * 16 + 16 + 16 * 10 + 10
    linear = build_mlp(MLPConfig(in_features=3, hidden=(), out_features=2))
    assert [type(m) for m in linear] == [nn.Flatten, nn.Linear]
    dropout = build_mlp(MLPConfig(hidden=(4,), dropout=0.5))
    assert any(isinstance(m, nn.Dropout) for m in dropout)


@pytest.mark.parametrize(
    "kwargs",
    [{"in_features": 0}, {"out_features": True}, {"hidden": (4, 0)}, {"activation": "gelu"},
     {"dropout": 1.0}],
)
def test_mlp_config_errors(kwargs):
    with pytest.raises(ValueError):
        MLPConfig(**kwargs)


def test_mlp_type_and_shape_errors():
    with pytest.raises(TypeError):
        MLPConfig(hidden=5)
    with pytest.raises(TypeError):
        TorchMLP("klein")
    with pytest.raises(TypeError):
        build_mlp({"hidden": (4,)})
    with pytest.raises(TypeError):
        count_parameters(np.zeros(3))
    model = TorchMLP(MLPConfig(in_features=2))
    with pytest.raises(ValueError, match="Batch"):
        model(torch.zeros(2))
    with pytest.raises(ValueError, match="2 Werte"):
        model(torch.zeros(4, 3))


@pytest.mark.parametrize(
    "kwargs",
    [{"epochs": 0}, {"lr": 0}, {"lr": float("nan")}, {"optimizer": "rmsprop"},
     {"momentum": 1.0}, {"weight_decay": -1.0}],
)
def test_train_config_errors(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)


def test_fit_and_loader_argument_errors(loaders):
    model = TorchMLP()
    with pytest.raises(TypeError):
        fit(model, *loaders, cfg={"epochs": 1})
    with pytest.raises(TypeError):
        fit("modell", *loaders)
    with pytest.raises(TypeError):
        fit(model, [1, 2], loaders[1])
    with pytest.raises(TypeError):
        evaluate(model, [1, 2])
    X, y = make_toy2d("xor", 10)
    with pytest.raises(ValueError, match="Zeilen"):
        tensor_loaders(X, y[:5], X, y)
    with pytest.raises(ValueError, match="leer"):
        tensor_loaders(X[:0], y[:0], X, y)
    with pytest.raises(ValueError):
        tensor_loaders(X, y, X, y, batch_size=0)
    with pytest.raises(ValueError, match="leer"):
        _ = History().best_epoch
