"""Feintuning mit Zufallsstart, Mittelwert-Kopf, Encoder-Wahl und das Experiment aus Kapitel 3.4.2.

Für die Encoder-Wahl wird ein winziges BERT mit eigenem Vokabular in einen temporären Ordner
gespeichert – so lässt sich der Ladeweg eines fremden (etwa deutschen) Encoders ohne Netz
prüfen, auch über einen nachgebauten Hugging-Face-Cache.
"""

import os

import pandas as pd
import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from kibuch.chapters import ch03_4_bert as ch  # noqa: E402
from kibuch.nn import bert  # noqa: E402
from kibuch.text import tokens  # noqa: E402

TEXTS = ["sehr gut", "gut und schön", "schlecht", "sehr schlecht", "geht so", "normal"] * 4
LABELS = ["positiv", "positiv", "negativ", "negativ", "neutral", "neutral"] * 4


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """Ein winziges BERT (2 Schichten, 16 Dimensionen) samt WordPiece-Tokenizer im Ordner."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    words = sorted({w for t in TEXTS for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words, "##s", "##e"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False).save_pretrained(
        folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=32)
    BertModel(config).save_pretrained(folder)
    return folder


def test_mean_pool_ignores_padding():
    hidden = torch.arange(2 * 3 * 2, dtype=torch.float32).view(2, 3, 2)
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    pooled = bert.mean_pool(hidden, mask)
    torch.testing.assert_close(pooled[0], hidden[0, :2].mean(0))
    torch.testing.assert_close(pooled[1], hidden[1, 0])
    with pytest.raises(ValueError, match="attention_mask"):
        bert.mean_pool(hidden, mask[:, :2])


def test_mean_head_matches_sentence_embeddings():
    """Der Mittelwert-Kopf sieht denselben Satzvektor wie sentence_embeddings (vor der Norm)."""
    tok = tokens.load_encoder_tokenizer()
    torch.manual_seed(0)
    net = bert.build_classifier(3, pooling="mean").eval()
    batch = tok(TEXTS[:4], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = net.encoder(**batch).last_hidden_state
        pooled = bert.mean_pool(hidden, batch["attention_mask"])
    expected = bert.sentence_embeddings(TEXTS[:4], model=net.encoder, tokenizer=tok)
    torch.testing.assert_close(torch.nn.functional.normalize(pooled, dim=-1), expected)


def test_random_init_has_same_architecture_but_other_weights():
    torch.manual_seed(0)
    pre = bert.build_classifier(3, pretrained=True)
    torch.manual_seed(0)
    rand = bert.build_classifier(3, pretrained=False)
    pre_sd, rand_sd = pre.state_dict(), rand.state_dict()
    assert pre_sd.keys() == rand_sd.keys()
    assert all(pre_sd[k].shape == rand_sd[k].shape for k in pre_sd)
    name = "encoder.embeddings.word_embeddings.weight"
    assert not torch.equal(pre_sd[name], rand_sd[name])
    loaded = bert.load_encoder().state_dict()[name.removeprefix("encoder.")]
    assert torch.equal(pre_sd[name], loaded)  # vortrainiert = Gewichte aus dem Paket


def test_fine_tune_random_init_and_validation(tmp_cache):
    clf = bert.fine_tune(TEXTS, LABELS, pretrained=False, pooling="cls", max_length=8,
                         epochs=2, batch_size=8, val_texts=TEXTS[:6], val_labels=LABELS[:6])
    assert clf.pretrained is False and clf.encoder == tokens.ENCODER_HUB_NAME
    assert clf.config.keep_best is True and len(clf.history.val_loss) == 2
    assert clf.model.pooling == "cls"
    again = bert.fine_tune(TEXTS, LABELS, pretrained=False, pooling="cls", max_length=8,
                           epochs=2, batch_size=8, val_texts=TEXTS[:6], val_labels=LABELS[:6])
    assert again.from_cache and again.predict(TEXTS[:6]) == clf.predict(TEXTS[:6])
    other = bert.fine_tune(TEXTS, LABELS, pretrained=True, pooling="cls", max_length=8,
                           epochs=2, batch_size=8, val_texts=TEXTS[:6], val_labels=LABELS[:6])
    assert other.from_cache is False  # vortrainiert ist ein anderer Cache-Eintrag


@pytest.mark.parametrize(("options", "pattern"), [
    ({"pretrained": "ja"}, "pretrained"), ({"pooling": "max"}, "pooling"),
    ({"val_texts": ["a"]}, "val_labels"), ({"val_texts": ["a"], "val_labels": ["x"]}, "val_labels"),
])
def test_fine_tune_rejects_bad_new_options(options, pattern, tmp_cache):
    with pytest.raises((TypeError, ValueError), match=pattern):
        bert.fine_tune(TEXTS, LABELS, max_length=8, epochs=1, **options)


def test_group_by_length_batches_cover_every_text_once():
    tok = tokens.load_encoder_tokenizer()
    texts = [("wort " * n).strip() for n in range(1, 41)]
    batches = bert.TextBatches(texts, list(range(40)), tok, batch_size=4, max_length=64,
                               group_by_length=True)
    seen, widths = [], []
    for x, y in batches:
        seen += y.tolist()
        widths.append(x["input_ids"].shape[1])
    assert sorted(seen) == list(range(40))
    plain = bert.TextBatches(texts, list(range(40)), tok, batch_size=4, max_length=64)
    plain_widths = [x["input_ids"].shape[1] for x, _ in plain]
    assert sum(widths) < sum(plain_widths)  # weniger Auffüllen


def test_local_encoder_folder_is_used(tiny_bert, tmp_cache, monkeypatch):
    """Ein Encoder in einem Ordner: erkannt, ausgewählt per KIBUCH_ENCODER, feintunbar."""
    assert bert.encoder_cached(str(tiny_bert))
    monkeypatch.setenv(bert.ENCODER_ENV, str(tiny_bert))
    assert bert.german_encoder() == str(tiny_bert)
    found = bert.available_encoders()
    assert list(found) == ["all-MiniLM-L6-v2", tiny_bert.name]
    clf = bert.fine_tune(TEXTS, LABELS, model=found[tiny_bert.name], max_length=8, epochs=1,
                         batch_size=8)
    assert clf.encoder == tiny_bert.name
    assert clf.model.encoder.config.hidden_size == 16
    assert set(clf.predict(TEXTS[:6])) <= set(LABELS)
    monkeypatch.delenv(bert.ENCODER_ENV)
    assert bert.german_encoder() == bert.GERMAN_ENCODER


def test_encoder_cached_reads_a_hugging_face_cache(tiny_bert, tmp_path):
    """Nachgebauter Hub-Cache: models--org--name/snapshots/<rev>/… und refs/main."""
    repo = tmp_path / "models--kibuch--tiny-bert"
    snapshot = repo / "snapshots" / "0123456789abcdef"
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123456789abcdef")
    assert not bert.encoder_cached("kibuch/tiny-bert", cache_dir=tmp_path)
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        (snapshot / name).write_bytes((tiny_bert / name).read_bytes())
    assert bert.encoder_cached("kibuch/tiny-bert", cache_dir=tmp_path)
    assert not bert.encoder_cached("kibuch/gibt-es-nicht", cache_dir=tmp_path)
    (snapshot / "model.safetensors").unlink()
    assert not bert.encoder_cached("kibuch/tiny-bert", cache_dir=tmp_path)  # ohne Gewichte


def test_experiment_on_tiny_encoder(tiny_bert, tmp_cache):
    """run_fine_tuning wählt die Lernrate nur auf der Validierung und wiederholt die Seeds."""
    frame = pd.DataFrame({"text": TEXTS, "label": LABELS})
    splits = {"train": frame, "validation": frame.iloc[:6], "test": frame.iloc[6:12],
              "ood": frame.iloc[12:18]}
    recipe = ch.BertRecipe(seeds=(0, 1), epochs=1, batch_size=8, max_length=8,
                           lr_pretrained=(1e-4, 1e-3), lr_random=(1e-3,), c_grid=(1.0,))
    runs = ch.run_fine_tuning(splits, recipe, model=str(tiny_bert))
    assert list(runs["seed"]) == [0, 1] and runs["lr"].nunique() == 1
    assert set(runs.columns) >= {"validation", "test", "ood", "epoche", "sekunden"}
    summary = ch.summarize({"a": runs})
    assert summary.loc["a", "seeds"] == 2
    assert summary.loc["a", "test_sd"] == pytest.approx(runs["test"].std(ddof=1))
    model, c = ch.fit_tfidf(splits, recipe)
    assert c == 1.0 and set(ch.scores(model.predict, splits)) == {"validation", "test", "ood"}


def test_macro_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    y, p = ["a", "b", "c", "a"], ["a", "c", "c", "b"]
    assert ch.macro_f1(y, p) == pytest.approx(f1_score(y, p, average="macro"))
    with pytest.raises(ValueError, match="y_pred"):
        ch.macro_f1(y, p[:2])
