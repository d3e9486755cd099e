"""Tests für kibuch.chapters.ch03_3_transfer: Klassen wählen, Schichten übernehmen, Experimente."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from kibuch.chapters.ch03_3_transfer import (
    METHODS,
    FewShotConfig,
    make_model,
    pretrain,
    run_trials,
    sample_per_class,
    select_classes,
    summarize,
    train_few_shot,
    transfer_model,
)
from kibuch.nn.cnn import LeNet, LeNetConfig
from kibuch.nn.mlp import count_parameters

CFG = LeNetConfig(image_size=8, kernel_size=3)


@pytest.fixture(scope="module")
def toy():
    """Vier Klassen einfacher Strichmuster auf 8×8 Pixeln (Trainings- und Testteil)."""
    rng = np.random.default_rng(0)

    def make(n):
        X = rng.normal(0, 0.1, size=(n, 8, 8)).astype(np.float32)
        y = np.arange(n) % 4
        X[y == 0, :, 1:3] += 1  # senkrecht links
        X[y == 1, 1:3, :] += 1  # waagerecht oben
        X[y == 2, :, 5:7] += 1  # senkrecht rechts
        X[y == 3, 5:7, :] += 1  # waagerecht unten
        return X, y

    return make(80), make(40)


@pytest.fixture(scope="module")
def base(toy):
    (X, y), _ = toy
    return pretrain(X, y, (0, 1), CFG, epochs=3, batch_size=16)


def test_select_classes_relabels_in_given_order():
    X = np.arange(6)[:, None]
    y = np.array([5, 8, 9, 8, 5, 1])
    Xs, ys = select_classes(X, y, (8, 5))
    assert Xs.ravel().tolist() == [0, 1, 3, 4]
    assert ys.tolist() == [1, 0, 0, 1]
    with pytest.raises(ValueError, match="leer"):
        select_classes(X, y, ())
    with pytest.raises(ValueError, match="Doppelte"):
        select_classes(X, y, (5, 5))
    with pytest.raises(ValueError, match="ohne Bilder"):
        select_classes(X, y, (5, 7))
    with pytest.raises(ValueError, match="Längen"):
        select_classes(X[:3], y, (5,))
    with pytest.raises(TypeError, match="classes"):
        select_classes(X, y, 5)
    with pytest.raises(TypeError, match=r"classes\[0\]"):
        select_classes(X, y, ("5",))
    with pytest.raises(ValueError, match="Klassennummern"):
        select_classes(X, y.astype(float), (5,))
    with pytest.raises(ValueError, match="NaN"):
        select_classes(np.full((6, 1), np.nan), y, (5,))


def test_sample_per_class_counts_and_reproducibility():
    y = np.array([0] * 10 + [1] * 5)
    idx = sample_per_class(y, 3, seed=1)
    assert np.bincount(y[idx]).tolist() == [3, 3]
    np.testing.assert_array_equal(idx, sample_per_class(y, 3, seed=1))
    assert not np.array_equal(idx, sample_per_class(y, 3, seed=2))
    assert np.bincount(y[sample_per_class(y, (7, 2), seed=0)]).tolist() == [7, 2]
    assert len(set(sample_per_class(y, 5, seed=0))) == 10  # ohne Zurücklegen
    with pytest.raises(ValueError, match="nur 5"):
        sample_per_class(y, 6, seed=0)
    with pytest.raises(ValueError, match="Anzahlen"):
        sample_per_class(y, (1, 2, 3), seed=0)
    with pytest.raises(ValueError, match="n_per_class muss ≥ 1"):
        sample_per_class(y, 0, seed=0)
    with pytest.raises(ValueError, match=r"n_per_class\[1\]"):
        sample_per_class(y, (2, -1), seed=0)
    with pytest.raises(ValueError, match="y muss mindestens 1"):
        sample_per_class(np.array([], dtype=int), 1, seed=0)
    with pytest.raises(TypeError, match="n_per_class"):
        sample_per_class(y, "3", seed=0)
    with pytest.raises(TypeError, match="seed"):
        sample_per_class(y, 3, seed=None)


@pytest.mark.parametrize("keep", ["features", "embedding"])
def test_transfer_model_copies_and_freezes(base, keep):
    model = transfer_model(base, 3, keep=keep)
    assert model(torch.zeros(2, 1, 8, 8)).shape == (2, 3)
    torch.testing.assert_close(model.features[0].weight, base.features[0].weight)
    assert not model.features[0].weight.requires_grad
    emb_same = torch.equal(model.embedding[1].weight, base.embedding[1].weight)
    assert emb_same == (keep == "embedding")
    assert model.embedding[1].weight.requires_grad == (keep == "features")
    assert model.features[0].weight.data_ptr() != base.features[0].weight.data_ptr()
    trainable = count_parameters(model)
    assert trainable < sum(p.numel() for p in model.parameters())
    thawed = transfer_model(base, 3, keep=keep, freeze=False)
    assert count_parameters(thawed) == sum(p.numel() for p in thawed.parameters())


def test_transfer_model_errors(base):
    with pytest.raises(TypeError):
        transfer_model(torch.nn.Linear(2, 2), 3)
    with pytest.raises(ValueError, match="n_classes"):
        transfer_model(base, 1)
    with pytest.raises(ValueError, match="keep"):
        transfer_model(base, 3, keep="alles")
    with pytest.raises(TypeError, match="n_classes"):
        transfer_model(base, 3.0)
    with pytest.raises(TypeError, match="freeze"):
        transfer_model(base, 3, freeze="ja")


def test_train_few_shot_changes_only_unfrozen_layers(base, toy):
    (X, y), _ = toy
    X_new, y_new = select_classes(X, y, (2, 3))
    before = base.features[0].weight.detach().clone()
    model = make_model("Faltungen übernommen", base, 2, seed=0)
    head_before = model.head[-1].weight.detach().clone()
    train_few_shot(model, X_new[:6], y_new[:6], FewShotConfig(steps=5), seed=0)
    torch.testing.assert_close(model.features[0].weight, before)  # eingefroren
    assert not torch.equal(model.head[-1].weight, head_before)   # Kopf hat gelernt
    torch.testing.assert_close(base.features[0].weight, before)  # Basis unverändert
    with pytest.raises(TypeError):
        train_few_shot(model, X_new, y_new, cfg={"steps": 5})
    with pytest.raises(ValueError, match="X muss mindestens 1"):
        train_few_shot(model, X_new[:0], y_new[:0])
    with pytest.raises(ValueError, match="Längen"):
        train_few_shot(model, X_new[:6], y_new[:5])
    with pytest.raises(TypeError, match="y"):
        train_few_shot(model, X_new[:6], None)


def test_make_model_methods(base):
    for method in METHODS:
        assert isinstance(make_model(method, base, 2, seed=0), LeNet)
    scratch = make_model("von Grund auf", base, 2, seed=0)
    assert not torch.equal(scratch.features[0].weight, base.features[0].weight)
    with pytest.raises(ValueError, match="für method"):
        make_model("magisch", base, 2, seed=0)
    with pytest.raises(ValueError, match="n_classes"):
        make_model("von Grund auf", base, 10**9, seed=0)


def test_run_trials_and_summarize(base, toy):
    (X, y), (Xt, yt) = toy
    settings = [{"classes": (2, 3), "n": 2, "name": "a"}, {"classes": (2, 3), "n": (4, 1)}]
    res = run_trials(base, X, y, Xt, yt, settings, methods=("Faltungen übernommen",),
                     seeds=(0, 1), cfg=FewShotConfig(steps=10))
    assert len(res) == 4
    assert {"genauigkeit", "balancierte_genauigkeit", "trefferquote_2", "trefferquote_3",
            "verfahren", "seed", "n", "klassen", "name"} <= set(res.columns)
    assert res["genauigkeit"].between(0, 1).all()
    row = res.iloc[0]
    assert row["balancierte_genauigkeit"] == pytest.approx(
        (row["trefferquote_2"] + row["trefferquote_3"]) / 2)
    assert res["n"].tolist()[2:] == [(4, 1), (4, 1)]
    summary = summarize(res.assign(n=res["n"].astype(str)), ["n"])
    first = res["genauigkeit"].iloc[:2]
    assert summary.loc[0, "mittel"] == pytest.approx(first.mean())
    assert summary.loc[0, "streuung"] == pytest.approx(first.std())
    assert summary["laeufe"].tolist() == [2, 2]


def test_run_trials_errors(base, toy):
    (X, y), (Xt, yt) = toy
    with pytest.raises(ValueError, match="settings"):
        run_trials(base, X, y, Xt, yt, [])
    with pytest.raises(ValueError, match="seeds"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], seeds=())
    with pytest.raises(ValueError, match="für methods"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], methods=("x",))
    with pytest.raises(ValueError, match="Unbekanntes Gerät"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], device="tpu")
    with pytest.raises(TypeError, match="cfg"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], cfg={"steps": 5})
    with pytest.raises(ValueError, match="'classes' und 'n'"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3)}])
    with pytest.raises(TypeError, match="methods"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], methods="von Grund auf")
    with pytest.raises(TypeError, match="seeds"):
        run_trials(base, X, y, Xt, yt, [{"classes": (2, 3), "n": 1}], seeds=(0.5,))
    with pytest.raises(TypeError, match="Einstellung"):
        run_trials(base, X, y, Xt, yt, [((2, 3), 1)])
    with pytest.raises(TypeError, match="by"):
        summarize(pd.DataFrame({"n": [1]}), "n")
    with pytest.raises(TypeError):
        summarize([1, 2], ["n"])
    with pytest.raises(ValueError, match="Spalten fehlen"):
        summarize(pd.DataFrame({"a": [1]}), ["n"])
    with pytest.raises(ValueError, match="results ist leer"):
        summarize(pd.DataFrame({"n": [], "genauigkeit": []}), ["n"])


def test_few_shot_config_errors():
    with pytest.raises(ValueError, match="steps"):
        FewShotConfig(steps=0)
    with pytest.raises(TypeError, match="batch_size"):
        FewShotConfig(batch_size=True)
    with pytest.raises(ValueError, match="lr"):
        FewShotConfig(lr=float("nan"))
    with pytest.raises(ValueError, match="lr"):
        FewShotConfig(lr=0)
    with pytest.raises(TypeError, match="steps"):
        FewShotConfig(steps=60.0)


def test_pretrain_rejects_wrong_config(toy):
    (X, y), _ = toy
    with pytest.raises(TypeError, match="config"):
        pretrain(X, y, (0, 1), {"image_size": 8}, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        pretrain(X, y, (0, 1), CFG, epochs=10**15)
    with pytest.raises(ValueError, match="Unbekanntes Gerät"):
        pretrain(X, y, (0, 1), CFG, epochs=1, device="tpu")


def test_pretrain_learns_old_classes(toy):
    (X, y), (Xt, yt) = toy
    model = pretrain(X, y, (0, 1), CFG, epochs=8, batch_size=16)
    Xo, yo = select_classes(Xt, yt, (0, 1))
    model.eval()
    with torch.no_grad():
        acc = (model(torch.as_tensor(Xo)[:, None]).argmax(1).numpy() == yo).mean()
    assert acc >= 0.9


def test_transfer_figures():
    import matplotlib.pyplot as plt

    from kibuch.viz.nn_figures import teachable_figure, transfer_figure

    curve = pd.DataFrame({"verfahren": ["a", "a", "b", "b"], "n": [1, 3, 1, 3],
                          "mittel": [0.5, 0.7, 0.4, 0.9], "streuung": [0.1, 0.05, 0.2, 0.0],
                          "laeufe": [2] * 4})
    fig = transfer_figure(curve, (1, 3))
    try:
        ax = fig.axes[0]
        lines = [line for line in ax.get_lines() if line.get_label() in ("a", "b")]
        np.testing.assert_allclose(lines[1].get_ydata(), [40.0, 90.0])
        assert ax.get_xscale() == "log"
        assert any(t.get_text() == "Raten (20 %)" for t in ax.texts)
        band = ax.collections[0].get_paths()[0].vertices[:, 1]
        assert band.min() == pytest.approx(40.0) and band.max() == pytest.approx(75.0)
        with pytest.raises(ValueError, match="n_grid"):
            transfer_figure(curve, (0, 3))
    finally:
        plt.close(fig)
    q = curve.rename(columns={"verfahren": "aufgabe"})
    q3 = curve.rename(columns={"verfahren": "klasse", "n": "minderheit"})
    fig = teachable_figure(q, q, q3, (1, 3), pair=(5, 8), third=9, major=20)
    try:
        assert [ax.get_title() for ax in fig.axes] == [
            "1. Wie viele Bilder?", "2. Eine dritte Klasse", "3. Ungleiche Klassen (5: 20 Bilder)"]
        assert fig.axes[2].get_xlabel() == "Bilder der Klasse 8"
    finally:
        plt.close(fig)
