"""Kapitel 3.3.1: Rezept, Cache, TensorBoard-Protokoll, Vergleichsverfahren, Projektor."""

import numpy as np
import pandas as pd
import pytest
import torch

from kibuch import data
from kibuch.chapters import ch03_3_cnn as kit
from kibuch.data.images import ImageSplits

TINY = kit.CNNRecipe(channels=(4, 8), grid=2, epochs=2, batch_size=64)


@pytest.fixture(scope="module")
def digits_small():
    d = data.load_image_splits("digits")
    return ImageSplits("digits", d.X_train[:200], d.y_train[:200], d.X_val[:100], d.y_val[:100],
                       d.X_test[:100], d.y_test[:100])


def test_train_cnn_caches_and_logs(tmp_cache, tmp_path, digits_small):
    model, info = kit.train_cnn(digits_small, TINY, seed=0, log_dir=tmp_path / "run")
    assert not info["from_cache"] and 0 <= info["best_epoch"] < TINY.epochs
    again, info2 = kit.train_cnn(digits_small, TINY, seed=0)
    assert info2["from_cache"]
    for a, b in zip(model.state_dict().values(), again.state_dict().values()):
        torch.testing.assert_close(a, b)
    # Das TensorBoard-Protokoll enthält genau die History
    scalars = kit.read_scalars(tmp_path / "run")
    history = kit.history_from_scalars(scalars)
    assert history.val_acc == pytest.approx(info["history"]["val_acc"], rel=1e-6)
    assert history.step == [1, 2]
    # Ein anderer Seed ist ein anderer Cache-Eintrag
    _, info3 = kit.train_cnn(digits_small, TINY, seed=1)
    assert not info3["from_cache"]


def test_seed_runs_table(tmp_cache, digits_small):
    runs = kit.seed_runs(digits_small, TINY, seeds=(0, 1))
    assert list(runs["seed"]) == [0, 1]
    assert runs[["val_acc", "test_acc"]].apply(lambda c: c.between(0, 1)).all().all()
    model, _ = kit.train_cnn(digits_small, TINY, seed=0)
    assert runs.loc[0, "test_acc"] == pytest.approx(
        kit.evaluate_images(model, digits_small.X_test, digits_small.y_test))


def test_fit_baselines_chooses_on_validation_only(digits_small, monkeypatch):
    from sklearn.neighbors import KNeighborsClassifier

    monkeypatch.setattr(kit, "BASELINES", {"k-nächste Nachbarn": ("k", (1, 15))})
    table = kit.fit_baselines(digits_small)
    flat = [X.reshape(len(X), -1) for X in (digits_small.X_train, digits_small.X_val,
                                            digits_small.X_test)]
    val = {k: KNeighborsClassifier(k).fit(flat[0], digits_small.y_train)
           .score(flat[1], digits_small.y_val) for k in (1, 15)}
    best = max(val, key=val.get)
    assert table.loc[0, "einstellung"] == f"k = {best}"
    ref = KNeighborsClassifier(best).fit(flat[0], digits_small.y_train)
    assert table.loc[0, "test_acc"] == pytest.approx(ref.score(flat[2], digits_small.y_test))


def test_write_projector_format(tmp_path):
    emb = np.arange(6, dtype=np.float32).reshape(3, 2)
    vectors, metadata = kit.write_projector(emb, np.array([7, 8, 9]), tmp_path / "p")
    back = pd.read_csv(vectors, sep="\t", header=None).to_numpy()
    np.testing.assert_allclose(back, emb)
    assert metadata.read_text().split() == ["7", "8", "9"]
    with pytest.raises(ValueError, match="embeddings|labels"):
        kit.write_projector(emb, np.array([1, 2]), tmp_path)


def test_bad_inputs(tmp_path):
    with pytest.raises(TypeError, match="splits"):
        kit.train_cnn("mnist")
    with pytest.raises(TypeError, match="augment"):
        kit.CNNRecipe(augment="stark")
    with pytest.raises((TypeError, ValueError), match="epochs"):
        kit.CNNRecipe(epochs=0)
    with pytest.raises((TypeError, ValueError), match="channels"):
        kit.CNNRecipe(channels=(0,))
    with pytest.raises(FileNotFoundError, match="log_dir"):
        kit.read_scalars(tmp_path / "fehlt")
    with pytest.raises(ValueError, match="scalars"):
        kit.history_from_scalars(pd.DataFrame({"tag": [], "step": [], "value": []}))
    with pytest.raises(ValueError, match="seeds"):
        kit.seed_runs(data.load_image_splits("digits"), TINY, seeds=())
