"""Tests für kibuch.training.loop und kibuch.nn.mlp."""

import math
import sys

import numpy as np
import pytest
import torch
from torch import nn

from kibuch import set_seed
from kibuch.data.synthetic.toy2d import make_toy2d
from kibuch.nn.mlp import MLPConfig, TorchMLP, build_mlp, count_parameters
from kibuch.training.loop import (
    History,
    TrainConfig,
    cross_entropy,
    evaluate,
    fit,
    learning_rate,
    make_optimizer,
    tensor_loaders,
    train_config_with,
)


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
    assert set(d) == {"train_loss", "train_acc", "val_loss", "val_acc", "seconds", "step"}
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
    [{"in_features": 0}, {"hidden": (4, 0)}, {"activation": "gelu"}, {"dropout": 1.0}],
)
def test_mlp_config_errors(kwargs):
    with pytest.raises(ValueError):
        MLPConfig(**kwargs)


def test_mlp_type_and_shape_errors():
    with pytest.raises(TypeError):
        MLPConfig(out_features=True)
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
    [{"epochs": 0}, {"steps": 0}, {"lr": 0}, {"lr": -0.1}, {"lr": float("nan")},
     {"lr": float("inf")}, {"optimizer": "rmsprop"}, {"momentum": 1.0},
     {"weight_decay": -1.0}, {"schedule": "cosinus"}, {"warmup": 1.0}, {"final_lr": 1.5},
     {"grad_clip": 0.0}, {"eval_every": 0}, {"betas": (0.9, 1.0)}, {"betas": (0.9,)},
     {"seed": -1}, {"batch_size": 0}],
)
def test_train_config_errors(kwargs):
    with pytest.raises(ValueError):
        TrainConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"epochs": 2.0}, {"epochs": True}, {"lr": "0.1"}, {"lr": None}, {"optimizer": 1},
     {"progress": 1}, {"steps": "10"}, {"betas": 0.9}, {"grad_clip": "1"}],
)
def test_train_config_type_errors(kwargs):
    with pytest.raises(TypeError):
        TrainConfig(**kwargs)


def test_train_config_hint_and_defaults():
    with pytest.raises(ValueError, match="Meinten Sie 'adamw'"):
        TrainConfig(optimizer="adamwx")
    cfg = train_config_with({"epochs": 3, "lr": 0.1}, lr=np.float32(0.5))
    assert cfg.epochs == 3 and cfg.lr == 0.5 and type(cfg.lr) is float
    with pytest.raises(ValueError, match="Meinten Sie 'epochs'"):
        train_config_with({}, epoch=3)


def reference_lr(step, total, lr, warmup, schedule, final):
    """Lernrate nach den Formeln aus nanoGPT (Kosinus) und transformers (linear)."""
    if step < warmup:
        return lr * (step + 1) / warmup
    if schedule == "constant":
        return lr
    progress = (step - warmup) / (total - warmup)
    if schedule == "linear":
        return lr * max(0.0, (total - step) / (total - warmup))
    return lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * progress)))


@pytest.mark.parametrize("schedule", ["constant", "linear", "cosine"])
def test_learning_rate_schedules(schedule):
    final = 0.1 if schedule == "cosine" else 0.0
    cfg = TrainConfig(lr=2e-3, schedule=schedule, warmup=0.1, final_lr=final)
    rates = [learning_rate(cfg, s, 200) for s in range(200)]
    expected = [reference_lr(s, 200, 2e-3, 20, schedule, final) for s in range(200)]
    assert rates == pytest.approx(expected, rel=1e-12)
    assert rates[19] == pytest.approx(2e-3) and rates[0] == pytest.approx(1e-4)
    assert max(rates) == pytest.approx(2e-3)


def test_linear_schedule_matches_torch_lambda_lr():
    cfg = TrainConfig(lr=3e-4, schedule="linear", warmup=0.1)
    total, warmup = 50, 5
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=cfg.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else (total - s) / (total - warmup))
    for step in range(total):
        assert learning_rate(cfg, step, total) == opt.param_groups[0]["lr"]
        opt.step()
        sched.step()


class Infinite:
    """Endlos viele Zufallsbatches (wie beim Sprachmodell), ohne Länge."""

    def __init__(self, X, y, batch_size=16, seed=0):
        self.X, self.y, self.batch_size, self.seed = X, y, batch_size, seed

    def __iter__(self):
        gen = torch.Generator().manual_seed(self.seed)
        while True:
            idx = torch.randint(len(self.X), (self.batch_size,), generator=gen)
            yield self.X[idx], self.y[idx]


def test_step_based_training_with_schedule_and_clipping(loaders):
    X, y = loaders[0].dataset.tensors
    set_seed(0)
    model = TorchMLP(MLPConfig(hidden=(8,)))
    cfg = TrainConfig(steps=95, eval_every=20, optimizer="adamw", lr=0.05, schedule="cosine",
                      warmup=0.1, final_lr=0.1, grad_clip=0.5, progress=False)
    history = fit(model, Infinite(X, y), loaders[1], cfg)
    assert history.step == [20, 40, 60, 80, 95]
    assert len(history.train_loss) == len(history.val_acc) == len(history.seconds) == 5
    assert history.val_acc[-1] > 0.95
    with pytest.raises(TypeError, match="steps"):  # ohne Länge geht es nur nach Schritten
        fit(model, Infinite(X, y), loaders[1], TrainConfig(epochs=2, progress=False))


def test_one_step_equals_manual_update_with_clipping(loaders):
    """Ein Schritt von fit gleicht einem von Hand gerechneten AdamW-Schritt mit Clipping."""
    xb, yb = next(iter(loaders[0]))
    cfg = TrainConfig(steps=1, optimizer="adamw", lr=0.1, weight_decay=0.01, grad_clip=0.01,
                      progress=False)
    set_seed(3)
    model = TorchMLP(MLPConfig(hidden=(4,)))
    manual = TorchMLP(MLPConfig(hidden=(4,)))
    manual.load_state_dict(model.state_dict())
    fit(model, [(xb, yb)], None, cfg)
    opt = torch.optim.AdamW(manual.parameters(), lr=0.1, weight_decay=0.01)
    nn.functional.cross_entropy(manual(xb), yb).backward()
    norm = torch.nn.utils.clip_grad_norm_(manual.parameters(), 0.01)
    assert norm > 0.01  # das Clipping hat tatsächlich gegriffen
    opt.step()
    for p, q in zip(model.parameters(), manual.parameters()):
        torch.testing.assert_close(p, q)


def test_frozen_parameters_stay_and_dict_batches():
    """Wie beim Feintuning: x ist ein dict (model(**x)), eingefrorene Gewichte bleiben."""

    class DictModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(2, 8)
            self.head = nn.Linear(8, 2)

        def forward(self, features, scale):
            return types.SimpleNamespace(logits=self.head(self.embed(features) * scale))

    import types

    set_seed(0)
    X, y = make_toy2d("gauss", n=64, noise=0.0, seed=0)
    X, y = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y)
    batches = [({"features": X[i : i + 16], "scale": torch.ones(1)}, y[i : i + 16])
               for i in range(0, 64, 16)]
    model = DictModel()
    model.embed.requires_grad_(False)
    frozen = model.embed.weight.clone()
    head = model.head.weight.clone()
    history = fit(model, batches, batches, TrainConfig(epochs=3, lr=0.05, progress=False))
    assert torch.equal(model.embed.weight, frozen)
    assert not torch.equal(model.head.weight, head)
    assert history.step == [4, 8, 12] and history.val_acc[-1] > 0.9


def test_sequence_logits_and_custom_loss():
    """Logits (B, T, V) wie beim Sprachmodell; cross_entropy mittelt über alle Tokens."""
    logits = torch.randn(3, 5, 7)
    y = torch.randint(7, (3, 5))
    expected = nn.functional.cross_entropy(logits.permute(0, 2, 1), y)
    torch.testing.assert_close(cross_entropy(logits, y), expected)

    class Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(7, 7)

        def forward(self, x):
            return self.emb(x), None  # wie GPT: Tupel mit Logits vorn

    model = Seq()
    data = [(y, y)] * 4  # lernt, das eigene Token vorherzusagen
    calls = []

    def loss_fn(lg, target):
        calls.append(lg.shape)
        return cross_entropy(lg, target)

    history = fit(model, data, data, TrainConfig(epochs=20, lr=0.1, progress=False),
                  loss_fn=loss_fn)
    assert calls[0] == (3, 5, 7)
    assert history.val_acc[-1] == 1.0
    assert evaluate(model, data, loss_fn=loss_fn)["acc"] == 1.0


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
    with pytest.raises(TypeError):
        fit(model, "batches", loaders[1])
    with pytest.raises(TypeError):
        fit(model, *loaders, loss_fn="mse")
    with pytest.raises(ValueError, match="keine"):
        fit(model, [], loaders[1], TrainConfig(steps=3, progress=False))
    with pytest.raises(ValueError, match="keine"):  # ein Generator ist nach einem Durchlauf leer
        batches = ((xb, yb) for xb, yb in loaders[0])
        fit(model, batches, None, TrainConfig(steps=100, progress=False))
    with pytest.raises(ValueError, match="keine"):
        evaluate(model, [])
    X, y = make_toy2d("xor", 10)
    with pytest.raises(ValueError, match="Längen"):
        tensor_loaders(X, y[:5], X, y)
    with pytest.raises(ValueError, match="leer"):
        tensor_loaders(X[:0], y[:0], X, y)
    with pytest.raises(ValueError):
        tensor_loaders(X, y, X, y, batch_size=0)
    with pytest.raises(TypeError):
        tensor_loaders(X, y, X, y, batch_size=2.0)
    with pytest.raises(TypeError):
        tensor_loaders("X", y, X, y)
    with pytest.raises(ValueError, match="leer"):
        _ = History().best_epoch


def test_make_optimizer():
    params = [torch.nn.Parameter(torch.zeros(2))]
    sgd = make_optimizer(params, TrainConfig(optimizer="sgd", lr=0.1, momentum=0.5))
    assert isinstance(sgd, torch.optim.SGD) and sgd.defaults["momentum"] == 0.5
    adam = make_optimizer(params, TrainConfig(betas=(0.8, 0.9)))
    assert type(adam) is torch.optim.Adam and adam.defaults["betas"] == (0.8, 0.9)
    adamw = make_optimizer(params, TrainConfig(optimizer="adamw", weight_decay=0.1))
    assert isinstance(adamw, torch.optim.AdamW) and adamw.defaults["weight_decay"] == 0.1


def test_keep_best_restores_best_validation_weights():
    """Mit keep_best stehen am Ende die Gewichte des Messpunkts mit kleinstem val_loss."""
    import torch
    from torch import nn

    from kibuch.training.loop import TrainConfig, evaluate, fit, tensor_loaders

    torch.manual_seed(0)
    X = torch.randn(64, 4)
    y = (X[:, 0] > 0).long()
    Xv = torch.randn(32, 4)
    yv = 1 - (Xv[:, 0] > 0).long()  # Validierung absichtlich umgekehrt: Lernen schadet ihr
    train, val = tensor_loaders(X, y, Xv, yv, batch_size=16, seed=0)
    model = nn.Linear(4, 2)
    cfg = TrainConfig(epochs=6, lr=0.1, keep_best=True, progress=False)
    history = fit(model, train, val, cfg)
    assert evaluate(model, val)["loss"] == pytest.approx(min(history.val_loss), rel=1e-6)
    assert history.best_epoch < len(history.val_loss) - 1  # nicht einfach die letzte Epoche
    with pytest.raises(ValueError, match="keep_best"):
        fit(nn.Linear(4, 2), train, None, cfg)
    with pytest.raises(TypeError, match="keep_best"):
        TrainConfig(keep_best="ja")
