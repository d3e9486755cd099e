"""Tests für kibuch.chapters.ch03_3_transfer: Zieldaten, Linear-Probe, Feintuning, Urteile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from scipy.optimize import minimize
from scipy.stats import ttest_1samp

from kibuch.chapters import ch03_3_transfer as tl
from kibuch.chapters.ch03_3_transfer import (
    METHODS,
    VERDICTS,
    TransferConfig,
    compare,
    comparison_text,
    linear_probe,
    new_target_model,
    paired_verdict,
    pilot_then_rest,
    probe_features,
    probe_task,
    resample_images,
    run_transfer,
    sample_per_class,
    summarize,
    target_splits,
    train_target,
    verdict_text,
)
from kibuch.data.images import ImageSplits
from kibuch.nn.cnn import extract_embeddings
from kibuch.nn.convnet import ConvNet, ConvNetConfig


def _tiny_base(seed: int = 0) -> ConvNet:
    torch.manual_seed(seed)
    return ConvNet(ConvNetConfig(channels=(4, 8), grid=1, mean=0.1, std=0.3)).eval()


def _tiny_splits(n_per_class: int = 4, side: int = 8, n_classes: int = 10) -> ImageSplits:
    """Zufällige „Bilder“ mit Klassen 0 … n_classes−1 in allen drei Teilen."""
    rng = np.random.default_rng(0)

    def part(n):
        y = np.repeat(np.arange(n_classes), n)
        return rng.random((len(y), side, side), dtype=np.float32), y

    return ImageSplits("digits", *part(n_per_class), *part(2), *part(2))


# ------------------------------------------------------------------ resample_images

@pytest.mark.parametrize(("side", "size"), [(8, 28), (8, 20), (28, 14), (5, 9)])
def test_resample_matches_torch_bilinear(side, size):
    X = np.random.default_rng(1).random((3, side, side))
    ours = resample_images(X, size)
    ref = F.interpolate(torch.as_tensor(X)[:, None], size=(size, size), mode="bilinear",
                        align_corners=False)[:, 0].numpy()
    assert ours.shape == (3, size, size) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, atol=1e-6)


def test_resample_with_pad_has_black_border_and_scaled_inside():
    X = np.random.default_rng(2).random((2, 8, 8))
    out = resample_images(X, 28, pad=4)
    inner = F.interpolate(torch.as_tensor(X)[:, None], size=(20, 20), mode="bilinear",
                          align_corners=False)[:, 0].numpy()
    np.testing.assert_allclose(out[:, 4:24, 4:24], inner, atol=1e-6)
    border = out.copy()
    border[:, 4:24, 4:24] = 0
    assert not border.any()


def test_resample_keeps_constant_images_constant():
    out = resample_images(np.full((1, 8, 8), 0.7), 28)
    np.testing.assert_allclose(out, 0.7, atol=1e-6)


@pytest.mark.parametrize(("args", "kwargs", "error"), [
    ((np.zeros((8, 8)), 28), {}, ValueError),  # ein Bild ohne N-Achse
    ((np.zeros((1, 8, 8)), "28"), {}, TypeError),
    ((np.zeros((1, 8, 8)), True), {}, TypeError),
    ((np.zeros((1, 8, 8)), 0), {}, ValueError),
    ((np.zeros((1, 8, 8)), 28), {"pad": 14}, ValueError),
    ((np.zeros((1, 8, 8)), 28), {"pad": -1}, ValueError),
    ((np.full((1, 8, 8), np.nan), 28), {}, ValueError),
    (("bild", 28), {}, TypeError),
])
def test_resample_errors(args, kwargs, error):
    with pytest.raises(error):
        resample_images(*args, **kwargs)


def test_target_splits_resamples_every_part():
    target = target_splits(_tiny_splits(), 28, pad=4)
    for part in ("train", "val", "test"):
        assert getattr(target, f"X_{part}").shape[1:] == (28, 28)
    np.testing.assert_array_equal(target.y_test, _tiny_splits().y_test)
    with pytest.raises(TypeError, match="splits"):
        target_splits((np.zeros((1, 8, 8)), np.zeros(1)))


# ------------------------------------------------------------------ sample_per_class

def test_sample_per_class_is_stratified_reproducible_and_without_repeats():
    y = np.repeat(np.arange(4), [5, 7, 6, 9])
    idx = sample_per_class(y, 3, seed=0)
    assert np.bincount(y[idx]).tolist() == [3, 3, 3, 3]
    assert len(set(idx.tolist())) == len(idx)
    np.testing.assert_array_equal(idx, sample_per_class(y, 3, seed=0))
    assert not np.array_equal(idx, sample_per_class(y, 3, seed=1))
    uneven = sample_per_class(y, [5, 1, 2, 4], seed=3)
    assert np.bincount(y[uneven]).tolist() == [5, 1, 2, 4]


def test_sample_per_class_prefix_is_paired_across_class_sets():
    """Mit gleichem Seed bekommen die ersten Klassen dieselben Bilder – auch wenn weitere
    Klassen dazukommen (die Grundlage für Frage 2)."""
    y3 = np.repeat(np.arange(3), 10)
    two = sample_per_class(y3[y3 < 2], 4, seed=5)
    three = sample_per_class(y3, 4, seed=5)
    np.testing.assert_array_equal(three[:8], two)


@pytest.mark.parametrize(("y", "n", "error"), [
    (np.array([0, 0, 1]), 2, ValueError),  # Klasse 1 hat nur ein Bild
    (np.array([0, 1]), 0, ValueError),
    (np.array([0, 1]), 1.5, TypeError),
    (np.array([0, 1]), True, TypeError),
    (np.array([0, 1]), [1], ValueError),  # eine Anzahl für zwei Klassen
    (np.array([0.5, 1.0]), 1, ValueError),
    (np.array([-1, 0]), 1, ValueError),
    ("01", 1, TypeError),
])
def test_sample_per_class_errors(y, n, error):
    with pytest.raises(error):
        sample_per_class(y, n, seed=0)


def test_sample_per_class_seed_errors():
    with pytest.raises(TypeError, match="seed"):
        sample_per_class(np.array([0, 1]), 1, seed="0")
    with pytest.raises(ValueError, match="seed"):
        sample_per_class(np.array([0, 1]), 1, seed=-1)


# ------------------------------------------------------------------ Linear-Probe

def _reference_logreg(Z, y, C):
    """Multinomiale logistische Regression mit scipy: C · Σ Kreuzentropie + ½ ‖W‖²
    (Achsenabschnitt ohne Strafe) – dasselbe Ziel wie scikit-learn, eigener Optimierer."""
    n, d = Z.shape
    k = int(y.max()) + 1
    onehot = np.eye(k)[y]

    def loss(theta):
        W, b = theta[: d * k].reshape(d, k), theta[d * k:]
        logits = Z @ W + b
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        p = np.exp(log_p)
        value = -C * (onehot * log_p).sum() + 0.5 * (W ** 2).sum()
        grad_logits = C * (p - onehot)
        return value, np.concatenate([(Z.T @ grad_logits + W).ravel(), grad_logits.sum(0)])

    res = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                   options={"maxiter": 5000, "gtol": 1e-10, "ftol": 1e-14})
    W, b = res.x[: d * k].reshape(d, k), res.x[d * k:]
    logits = Z @ W + b
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


@pytest.mark.parametrize("C", [0.1, 1.0])
def test_linear_probe_matches_reference_logistic_regression(C):
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(30, 5))
    y = np.repeat(np.arange(3), 10)
    Z[:, :3] += 1.5 * np.eye(3)[y]  # leicht trennbar, aber nicht perfekt
    probe = linear_probe(Z, y, C=C)
    np.testing.assert_allclose(probe.predict_proba(Z), _reference_logreg(Z, y, C), atol=2e-4)


def test_linear_probe_errors():
    Z, y = np.zeros((4, 3)), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="Längen"):
        linear_probe(Z, y[:3])
    with pytest.raises(ValueError, match="C"):
        linear_probe(Z, y, C=0.0)
    with pytest.raises(TypeError, match="C"):
        linear_probe(Z, y, C="1")
    with pytest.raises(ValueError, match="Z"):
        linear_probe(np.zeros(4), y)


def test_probe_features_standardise_with_training_statistics():
    base, target = _tiny_base(), target_splits(_tiny_splits(), 16, pad=2)
    Z = probe_features(base, target)
    raw = {p: extract_embeddings(base, getattr(target, f"X_{p}")) for p in ("train", "test")}
    mean, sd = raw["train"].mean(axis=0), raw["train"].std(axis=0)
    sd[sd == 0] = 1.0  # wie StandardScaler: konstante Merkmale bleiben unskaliert
    np.testing.assert_allclose(Z["test"], (raw["test"] - mean) / sd, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(Z["train"].mean(axis=0), 0.0, atol=1e-5)
    with pytest.raises(TypeError, match="base"):
        probe_features("netz", target)


# ------------------------------------------------------------ Feintuning, von Grund auf

def test_new_target_model_copies_body_not_head_and_leaves_base_alone():
    base = _tiny_base()
    before = {k: v.clone() for k, v in base.state_dict().items()}
    tuned = new_target_model(base, 10, pretrained=True, seed=3)
    fresh = new_target_model(base, 10, pretrained=False, seed=3)
    for key, value in base.state_dict().items():
        torch.testing.assert_close(value, before[key])
        if key.startswith("head."):
            torch.testing.assert_close(tuned.state_dict()[key], fresh.state_dict()[key])
        else:
            torch.testing.assert_close(tuned.state_dict()[key], value)
    assert not torch.equal(fresh.features[0][0].weight, base.features[0][0].weight)
    assert not torch.equal(tuned.head[1].weight, base.head[1].weight)
    with pytest.raises(TypeError, match="pretrained"):
        new_target_model(base, 10, pretrained=1, seed=0)
    with pytest.raises(TypeError, match="base"):
        new_target_model(object(), 10, pretrained=True, seed=0)


def test_train_target_runs_the_budget_and_keeps_the_base():
    base = _tiny_base()
    before = base.features[0][0].weight.clone()
    target = _tiny_splits()
    cfg = TransferConfig(min_steps=4, epochs=1.0, eval_points=2, batch_size=8, augment=None)
    model, val_acc = train_target(base, target.X_train, target.y_train, target.X_val,
                                  target.y_val, pretrained=True, lr=1e-3, cfg=cfg, seed=0)
    assert 0.0 <= val_acc <= 1.0 and not model.training
    assert not torch.equal(model.features[0][0].weight, before)  # feingetunt
    torch.testing.assert_close(base.features[0][0].weight, before)
    with pytest.raises(ValueError, match="lr"):
        train_target(base, target.X_train, target.y_train, target.X_val, target.y_val,
                     pretrained=True, lr=0.0, cfg=cfg)
    with pytest.raises(TypeError, match="cfg"):
        train_target(base, target.X_train, target.y_train, target.X_val, target.y_val,
                     pretrained=True, lr=1e-3, cfg={"min_steps": 2})
    with pytest.raises(ValueError, match="Längen"):
        train_target(base, target.X_train, target.y_train[:-1], target.X_val, target.y_val,
                     pretrained=True, lr=1e-3, cfg=cfg)
    with pytest.raises(ValueError, match="y_val"):
        train_target(base, target.X_train, target.y_train, target.X_val, target.y_val + 0.5,
                     pretrained=True, lr=1e-3, cfg=cfg)


def test_config_budget_and_errors():
    cfg = TransferConfig(min_steps=30, epochs=3.0, batch_size=16)
    assert cfg.steps(10) == 30  # Mindestzahl
    assert cfg.steps(500) == 94  # 3 Durchläufe à 32 Schritte (500 / 16 aufgerundet)
    for kwargs, error in [({"seeds": (0,)}, ValueError), ({"seeds": (0, 0)}, ValueError),
                          ({"shots": (1, "5")}, TypeError), ({"shots": 5}, TypeError),
                          ({"lrs": (0.0,)}, ValueError), ({"probe_C": ()}, ValueError),
                          ({"epochs": float("nan")}, ValueError), ({"min_steps": True}, TypeError),
                          ({"eval_points": 0}, ValueError), ({"augment": "ja"}, TypeError)]:
        with pytest.raises(error):
            TransferConfig(**kwargs)
    with pytest.raises(ValueError, match="n_images"):
        cfg.steps(0)


# ------------------------------------------------------------------ Experiment

def test_pilot_then_rest_chooses_on_validation_only():
    calls = []

    def run(setting, seed):
        calls.append((setting, seed))
        return {"a": 0.5, "b": 0.9, "c": 0.9}[setting], {"a": 1.0, "b": 0.0, "c": 0.5}[setting]

    rows = pilot_then_rest(("a", "b", "c"), (7, 8, 9), run)
    assert [r for r in rows if r[-1]] == [("b", 7, 0.9, 0.0, True), ("b", 8, 0.9, 0.0, True),
                                         ("b", 9, 0.9, 0.0, True)]  # Gleichstand: erste
    assert calls == [("a", 7), ("b", 7), ("c", 7), ("b", 8), ("b", 9)]
    with pytest.raises(TypeError, match="run"):
        pilot_then_rest(("a",), (0,), "run")
    for seeds, error in [(["a", "b"], TypeError), ((-1, -1), ValueError), ((0, 0), ValueError),
                         ((), ValueError), ("01", TypeError)]:
        with pytest.raises(error, match="seeds"):
            pilot_then_rest(("a",), seeds, run)


def test_run_transfer_pairs_the_same_images_for_all_methods(monkeypatch):
    seen = []
    real_probe, real_train = tl.linear_probe, tl.train_target

    def spy_probe(Z, y, *, C):
        seen.append(("Linear-Probe", len(y), tuple(np.round(Z[:, 0], 4))))
        return real_probe(Z, y, C=C)

    def spy_train(base, X, y, *args, pretrained, seed, **kwargs):
        seen.append((pretrained, seed, tuple(y), float(X.sum())))
        return real_train(base, X, y, *args, pretrained=pretrained, seed=seed, **kwargs)

    monkeypatch.setattr(tl, "linear_probe", spy_probe)
    monkeypatch.setattr(tl, "train_target", spy_train)
    base, target = _tiny_base(), target_splits(_tiny_splits(), 16, pad=2)
    cfg = TransferConfig(shots=(1, 2), seeds=(0, 1), probe_C=(1.0, 10.0), lrs=(1e-3, 3e-3),
                         min_steps=2, epochs=1.0, eval_points=1, augment=None)
    runs = run_transfer(base, target, cfg, use_cache=False)
    # Pilot mit Seed 0 (zwei Einstellungen je Verfahren), dann Seed 1 nur mit der gewählten
    assert len(runs) == 2 * 3 * (2 + 1)
    chosen = runs[runs["gewaehlt"]]
    assert chosen.groupby(["verfahren", "bilder"]).size().eq(2).all()
    assert set(runs["verfahren"]) == set(METHODS)
    # Feintuning und von Grund auf sehen je Seed und Bildzahl exakt dieselben Bilder
    tuned = {(s, y, x) for p, s, y, x in (r for r in seen if r[0] is True)}
    fresh = {(s, y, x) for p, s, y, x in (r for r in seen if r[0] is False)}
    assert tuned == fresh and len(tuned) == 4
    idx = sample_per_class(target.y_train, 2, seed=1)
    assert (1, tuple(target.y_train[idx]), float(target.X_train[idx].sum())) in tuned
    table = summarize(runs)
    assert table["seeds"].eq(2).all() and set(table["bilder"]) == {1, 2}


def test_run_transfer_is_cached(tmp_cache, monkeypatch):
    calls = []
    real_train = tl.train_target

    def spy_train(*args, **kwargs):
        calls.append(1)
        return real_train(*args, **kwargs)

    monkeypatch.setattr(tl, "train_target", spy_train)
    base, target = _tiny_base(), target_splits(_tiny_splits(), 16, pad=2)
    cfg = TransferConfig(shots=(1,), seeds=(0, 1), probe_C=(1.0,), lrs=(1e-3,), min_steps=2,
                         epochs=1.0, eval_points=1, augment=None)
    first = run_transfer(base, target, cfg)
    n_calls = len(calls)
    second = run_transfer(base, target, cfg)
    assert n_calls == 4 and len(calls) == n_calls  # zweiter Aufruf: nur aus dem Cache
    pd.testing.assert_frame_equal(first, second)
    other = run_transfer(base, target, TransferConfig(**{**cfg.__dict__, "seeds": (0, 2)}))
    assert len(calls) > n_calls and not other.equals(first)  # andere Konfiguration: neu


def test_run_transfer_errors():
    with pytest.raises(TypeError, match="base"):
        run_transfer("netz", _tiny_splits())
    with pytest.raises(TypeError, match="target"):
        run_transfer(_tiny_base(), (np.zeros((1, 8, 8)),))
    with pytest.raises(TypeError, match="cfg"):
        run_transfer(_tiny_base(), _tiny_splits(), {"shots": (1,)})
    with pytest.raises(TypeError, match="use_cache"):
        run_transfer(_tiny_base(), _tiny_splits(), use_cache="ja")


def _runs(diffs: dict) -> pd.DataFrame:
    """Eine Tabelle wie von run_transfer: Grund auf 0,5, Feintuning 0,5 + Differenz."""
    rows = []
    for n, ds in diffs.items():
        for seed, d in enumerate(ds):
            rows.append(("von Grund auf", n, 1e-3, seed, 0.5, 0.5, True))
            rows.append(("Feintuning", n, 1e-3, seed, 0.5, 0.5 + d, True))
            rows.append(("Feintuning", n, 3e-3, seed, 0.1, 0.99, False))  # nicht gewählt
    return pd.DataFrame(rows, columns=list(tl._COLUMNS))


def test_compare_uses_paired_chosen_runs():
    runs = _runs({1: [0.1, 0.12, 0.11], 5: [0.05, -0.04, 0.01], 10: [-0.2, -0.21, -0.19]})
    result = compare(runs, "Feintuning", "von Grund auf").set_index("bilder")
    assert result.loc[1, "urteil"] == "besser"
    assert result.loc[5, "urteil"] == "kein klarer Unterschied"
    assert result.loc[10, "urteil"] == "schlechter"
    assert result.loc[1, "differenz"] == pytest.approx(0.11)
    assert result["seeds"].eq(3).all()
    with pytest.raises(ValueError, match="beide"):
        compare(runs, "Feintuning", "Feintuning")
    with pytest.raises(ValueError, match="fehlen"):
        compare(runs, "Feintuning", "Linear-Probe")
    with pytest.raises(ValueError, match="Meinten"):
        compare(runs, "Feintunig", "von Grund auf")


def test_verdict_text_lists_shots_per_verdict():
    table = pd.DataFrame({"bilder": [10, 1, 5, 50],
                          "urteil": ["besser", "besser", "kein klarer Unterschied", "besser"]})
    phrases = {"besser": "ist A besser", "kein klarer Unterschied": "ist nichts klar"}
    assert verdict_text(table, phrases) == ("Bei 1, 10 und 50 Bildern je Klasse ist A besser; "
                                            "bei 5 Bildern je Klasse ist nichts klar.")
    one = pd.DataFrame({"bilder": [1], "urteil": ["schlechter"]})
    assert verdict_text(one, {"schlechter": "sinkt sie"}) == "Bei 1 Bild je Klasse sinkt sie."
    with pytest.raises(TypeError, match="schlechter"):
        verdict_text(one, {"besser": "steigt sie"})  # fehlende Satzhälfte
    with pytest.raises(ValueError, match="Unbekannte"):
        verdict_text(pd.DataFrame({"bilder": [1], "urteil": ["gut"]}), phrases)


def test_comparison_text_follows_compare():
    runs = _runs({1: [0.1, 0.12, 0.11], 5: [0.05, -0.04, 0.01]})
    assert comparison_text(runs, "Feintuning", "von Grund auf") == (
        "Bei 1 Bild je Klasse ist das Feintuning besser als das Training von Grund auf; bei 5 "
        "Bildern je Klasse ist zwischen dem Feintuning und dem Training von Grund auf kein "
        "klarer Unterschied zu erkennen.")
    with pytest.raises(ValueError, match="Meinten"):
        comparison_text(runs, "Feintunin", "von Grund auf")


def test_paired_verdict_agrees_with_paired_t_test():
    rng = np.random.default_rng(0)
    for _ in range(200):
        diff = rng.normal(rng.normal(0, 0.02), 0.03, size=rng.integers(2, 8))
        verdict = paired_verdict(diff)
        significant = ttest_1samp(diff, 0.0).pvalue < 0.05
        assert (verdict["urteil"] != VERDICTS[2]) == significant
        if significant:
            assert verdict["urteil"] == ("besser" if diff.mean() > 0 else "schlechter")


def test_paired_verdict_edge_cases():
    assert paired_verdict([0.02, 0.02, 0.02])["urteil"] == "besser"  # keine Streuung
    assert paired_verdict([0.0, 0.0])["urteil"] == VERDICTS[2]
    with pytest.raises(ValueError, match="differences"):
        paired_verdict([0.1])
    with pytest.raises(ValueError, match="differences"):
        paired_verdict([0.1, float("nan")])


# ------------------------------------------------------------------ Teachable Machine

def test_probe_task_reports_recall_per_class_in_given_order():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 20)
    Z = rng.normal(size=(80, 6)) + 6 * np.eye(6)[y]
    result = probe_task(Z, y, Z, y, (3, 1), 5, seed=0)
    assert set(result) == {"genauigkeit", "trefferquote"} and len(result["trefferquote"]) == 2
    assert result["genauigkeit"] > 0.9
    uneven = probe_task(Z, y, Z, y, (3, 1, 0), [10, 1, 2], seed=1)
    assert len(uneven["trefferquote"]) == 3
    assert uneven["genauigkeit"] == pytest.approx(np.mean(uneven["trefferquote"]))  # je 20
    with pytest.raises(ValueError, match="classes"):
        probe_task(Z, y, Z, y, (3,), 5, seed=0)
    with pytest.raises(ValueError, match="classes"):
        probe_task(Z, y, Z, y, (3, 3), 5, seed=0)
    with pytest.raises(ValueError, match="Längen"):
        probe_task(Z, y[:-1], Z, y, (0, 1), 5, seed=0)
    with pytest.raises(ValueError, match="y_test"):
        probe_task(Z, y, Z, y * 0.5, (0, 1), 5, seed=0)
