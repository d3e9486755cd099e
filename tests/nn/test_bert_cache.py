"""Feintuning über den Artefakt-Cache: Treffer, Schlüssel, Heilung, Prüfungen.

``fine_tune`` legt die feingetunten Gewichte mit :func:`kibuch.core.artifacts.load_or_train`
ab. Ein zweiter Aufruf mit denselben Texten, Labels, Einstellungen und demselben Code
trainiert nicht, sondern lädt bitgleiche Gewichte; ein beschädigter Eintrag wird mit
Warnung verworfen und neu trainiert. Alle Läufe sind winzig (12 Texte, eine Epoche).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from kibuch.core import artifacts  # noqa: E402
from kibuch.core.artifacts import ArtifactCacheWarning, artifact_key  # noqa: E402
from kibuch.nn import bert  # noqa: E402
from kibuch.training import loop  # noqa: E402

TEXTS = ["Das Essen war wunderbar.", "Toller Service!", "Kalt und versalzen.",
         "Nie wieder.", "Liegt am Marktplatz.", "Wir waren am Dienstag dort."] * 2
LABELS = ["positiv", "positiv", "negativ", "negativ", "neutral", "neutral"] * 2
OPTIONS = dict(epochs=1, batch_size=6, max_length=12, train_layers=1, lr=5e-4, seed=3,
               device="cpu")


@pytest.fixture
def fit_calls(monkeypatch) -> list:
    """Zählt die Trainingsläufe (``fine_tune`` importiert ``fit`` erst beim Aufruf)."""
    calls = []
    real = loop.fit

    def counting_fit(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(loop, "fit", counting_fit)
    return calls


def _weights(clf) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in clf.model.state_dict().items()}


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert a[name].dtype == b[name].dtype and torch.equal(a[name], b[name]), name


def _entries(cache) -> list[str]:
    folder = cache / "artifacts" / "bert"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_cache_hit_returns_the_same_weights_without_training(tmp_cache, fit_calls):
    first = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    assert first.from_cache is False and fit_calls == [1]
    entries = _entries(tmp_cache)
    assert len(entries) == 2 and {e.rsplit(".", 1)[1] for e in entries} == {"json",
                                                                           "safetensors"}
    second = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    assert second.from_cache is True and fit_calls == [1]  # geladen, nicht trainiert
    _assert_same(_weights(first), _weights(second))
    assert second.history == first.history and second.seconds == first.seconds > 0
    assert second.labels == first.labels == ["negativ", "neutral", "positiv"]
    assert second.config == first.config and second.max_length == 12
    assert not second.model.training  # Auswertungsmodus wie nach dem Training
    probe = ["Wunderbar!", "Ganz schlimm.", "Es ist Dienstag."]
    np.testing.assert_array_equal(first.predict_proba(probe), second.predict_proba(probe))
    # eingefroren wie beim Training: nur die oberste Schicht und der Kopf lernen
    base = second.model.encoder
    assert not any(p.requires_grad for p in base.embeddings.parameters())
    assert all(p.requires_grad for p in base.encoder.layer[-1].parameters())
    assert _entries(tmp_cache) == entries  # kein zweiter Eintrag


def test_use_cache_false_trains_the_same_weights_and_writes_nothing(tmp_cache, fit_calls):
    cached = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    entries = _entries(tmp_cache)
    fresh = bert.fine_tune(TEXTS, LABELS, use_cache=False, **OPTIONS)
    assert fresh.from_cache is False and fit_calls == [1, 1]
    _assert_same(_weights(cached), _weights(fresh))  # Training ist reproduzierbar
    assert _entries(tmp_cache) == entries


def test_corrupt_entry_is_discarded_and_retrained(tmp_cache, fit_calls):
    first = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    data = next((tmp_cache / "artifacts" / "bert").glob("*.safetensors"))
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 64] = bytes(64)  # 64 Bytes mitten in den Gewichten
    data.write_bytes(bytes(raw))
    with pytest.warns(ArtifactCacheWarning, match="verworfen und neu trainiert") as record:
        healed = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    assert data.name in str(record[0].message)
    assert healed.from_cache is False and fit_calls == [1, 1]
    _assert_same(_weights(first), _weights(healed))
    again = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    assert again.from_cache is True and fit_calls == [1, 1]
    _assert_same(_weights(first), _weights(again))


def test_truncated_entry_is_discarded_and_retrained(tmp_cache, fit_calls):
    bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    data = next((tmp_cache / "artifacts" / "bert").glob("*.safetensors"))
    data.write_bytes(data.read_bytes()[:1000])
    with pytest.warns(ArtifactCacheWarning, match="abgeschnitten"):
        healed = bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    assert healed.from_cache is False and fit_calls == [1, 1]
    assert len(_entries(tmp_cache)) == 2


def _key_parts(monkeypatch, **changes) -> tuple:
    """Die Schlüsselteile, mit denen ``fine_tune`` den Cache fragt (ohne zu trainieren)."""
    seen = []

    class Stop(Exception):
        pass

    def spy(kind, key_parts, train, *, use_cache=True, code=None):
        seen.append((kind, key_parts, use_cache, code))
        raise Stop

    monkeypatch.setattr(artifacts, "load_or_train", spy)
    options = {**OPTIONS, **changes}
    texts, labels = options.pop("texts", TEXTS), options.pop("labels", LABELS)
    with pytest.raises(Stop):
        bert.fine_tune(texts, labels, **options)
    (kind, key_parts, use_cache, code), = seen
    assert kind == "bert" and use_cache is True
    assert code == "kibuch.nn.bert"  # Quelltext: dieses Modul und seine Importe
    return key_parts


def _key(parts) -> str:
    return artifact_key(parts, code="kibuch.nn.bert")


def test_key_covers_config_data_encoder_and_code(monkeypatch):
    base = _key(_key_parts(monkeypatch))
    assert _key(_key_parts(monkeypatch)) == base  # gleich gefragt, gleicher Schlüssel
    assert _key(_key_parts(monkeypatch, progress=True)) == base  # Anzeige zählt nicht
    variants = {
        "seed": dict(seed=4), "epochs": dict(epochs=2), "lr": dict(lr=1e-4),
        "max_length": dict(max_length=16), "train_layers": dict(train_layers=2),
        "texts": dict(texts=[*TEXTS[:-1], "Anders."]),
        "labels": dict(labels=[*LABELS[:-1], "positiv"]),
    }
    keys = {name: _key(_key_parts(monkeypatch, **change)) for name, change in variants.items()}
    assert base not in keys.values() and len(set(keys.values())) == len(keys), keys
    parts = _key_parts(monkeypatch)
    assert parts[0] == bert._encoder_fingerprint(str(bert.resolve_encoder(None)))
    assert len(parts[0]) == 64 and "cpu" in parts  # Encoder-Inhalt und Gerätetyp
    import kibuch

    monkeypatch.setattr(kibuch, "__version__", "99.0")  # Code-Version
    assert _key(parts) != base


def test_key_follows_the_code_that_trains(monkeypatch):
    """Der Quelltext von bert.py und der Trainingsschleife zählt, der anderer Kapitel nicht."""
    from pathlib import Path

    from kibuch.core.artifacts import _code_closure, _code_fingerprint

    closure = {p.relative_to(Path(bert.__file__).parents[1]).as_posix()
               for p in _code_closure(("kibuch.nn.bert",))}
    assert {"nn/bert.py", "training/loop.py", "core/device.py", "text/tokens.py",
            "core/artifacts.py"} <= closure
    assert not any(p.startswith(("chapters/", "viz/")) for p in closure), closure
    parts = _key_parts(monkeypatch)
    base = _key(parts)
    real = Path.read_bytes

    def edited(name):
        def read_bytes(self):
            data = real(self)
            return data + b"\n# geaendert\n" if self.as_posix().endswith(name) else data
        return read_bytes

    for name, changes in [("viz/book.py", False), ("training/loop.py", True),
                          ("nn/bert.py", True)]:
        monkeypatch.setattr(Path, "read_bytes", edited(name))
        _code_fingerprint.cache_clear()
        assert (_key(parts) != base) is changes, name
    monkeypatch.setattr(Path, "read_bytes", real)
    _code_fingerprint.cache_clear()
    assert _key(parts) == base


def test_encoder_fingerprint_follows_file_contents(tmp_path):
    folder = tmp_path / "encoder"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"gewichte")
    first = bert._encoder_fingerprint(str(folder))
    assert bert._encoder_fingerprint(str(folder)) == first
    (folder / "model.safetensors").write_bytes(b"andere Gewichte")
    assert bert._encoder_fingerprint(str(folder)) != first
    assert bert._encoder_fingerprint("org/modell") == "hub:org/modell"


def test_cache_hit_leaves_the_global_torch_rng_alone(tmp_cache):
    bert.fine_tune(TEXTS, LABELS, **OPTIONS)
    torch.manual_seed(11)
    expected = torch.rand(3)
    torch.manual_seed(11)
    assert bert.fine_tune(TEXTS, LABELS, **OPTIONS).from_cache is True
    assert torch.equal(torch.rand(3), expected)  # der überschriebene Startkopf zog nichts


@pytest.mark.parametrize(("options", "error", "pattern"), [
    ({"use_cache": 1}, TypeError, "use_cache"),
    ({"use_cache": None}, TypeError, "use_cache"),
    ({"model": 3}, TypeError, "model"),
    ({"model": ""}, ValueError, "model"),
    ({"model": ["a"]}, TypeError, "model"),
])
def test_fine_tune_rejects_bad_cache_and_model_options(tmp_cache, options, error, pattern):
    with pytest.raises(error, match=pattern):
        bert.fine_tune(TEXTS, LABELS, **{**OPTIONS, **options})
    assert _entries(tmp_cache) == []


@pytest.fixture(scope="module")
def classifier_parts(tmp_path_factory):
    os.environ["KIBUCH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    try:
        clf = bert.fine_tune(TEXTS, LABELS, use_cache=False, **OPTIONS)
    finally:
        os.environ.pop("KIBUCH_CACHE")
    return {"model": clf.model, "tokenizer": clf.tokenizer, "labels": clf.labels,
            "config": clf.config, "history": clf.history, "seconds": clf.seconds,
            "max_length": clf.max_length}


@pytest.mark.parametrize(("name", "bad", "error"), [
    ("model", "kein Modell", TypeError), ("model", None, TypeError),
    ("tokenizer", "kein Tokenizer", TypeError), ("tokenizer", None, TypeError),
    ("labels", "abc", TypeError), ("labels", ["nur eins"], ValueError),
    ("labels", [1, 2], TypeError),
    ("config", {}, TypeError), ("history", {"train_loss": []}, TypeError),
    ("seconds", -1.0, ValueError), ("seconds", float("nan"), ValueError),
    ("seconds", "1", TypeError), ("max_length", 1, ValueError), ("max_length", 8.0, TypeError),
    ("from_cache", 1, TypeError),
])
def test_text_classifier_checks_its_arguments(classifier_parts, name, bad, error):
    assert bert.TextClassifier(**classifier_parts).from_cache is False  # gültig
    with pytest.raises(error, match=name):
        bert.TextClassifier(**{**classifier_parts, name: bad})
