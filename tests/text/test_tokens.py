"""Tests für kibuch.text.tokens: Zeichen-Tokenizer, BPE, One-Hot, Encoder-Pfad."""

import numpy as np
import pytest
import torch

from kibuch.text import tokens
from kibuch.text.tokens import CharTokenizer

TEXT = "Der Hund läuft über die Wiese. Die Katze schläft."


def test_char_tokenizer_roundtrip():
    tok = CharTokenizer.from_text(TEXT)
    assert tok.chars == sorted(set(TEXT)) and tok.vocab_size == len(set(TEXT))
    ids = tok.encode("Die Katze")
    assert ids == [tok.chars.index(c) for c in "Die Katze"]
    assert tok.decode(ids) == "Die Katze"
    assert tok.decode(torch.tensor(ids)) == "Die Katze"
    assert tok.decode(np.array(ids)) == "Die Katze"
    assert tok.decode([]) == "" and tok.encode("") == []
    assert CharTokenizer("cba").chars == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("ids", "error"),
    [([-1], ValueError), ([0, 99], ValueError), ([1.0], TypeError), (["a"], TypeError),
     ("ab", TypeError), (None, TypeError), (3, TypeError), ([[1, 2]], TypeError),
     ([True], TypeError), (torch.tensor(2), TypeError)],
)
def test_decode_rejects_bad_ids(ids, error):
    tok = CharTokenizer.from_text(TEXT)
    with pytest.raises(error):
        tok.decode(ids)


def test_char_tokenizer_errors():
    tok = CharTokenizer.from_text(TEXT)
    with pytest.raises(ValueError, match="Vokabular"):
        tok.encode("Zebra§")
    with pytest.raises(TypeError):
        tok.encode(["D", "e"])
    with pytest.raises(ValueError):
        CharTokenizer.from_text("")
    with pytest.raises(TypeError):
        CharTokenizer.from_text(None)
    with pytest.raises(ValueError):
        CharTokenizer(["ab", "c"])
    with pytest.raises(TypeError):
        CharTokenizer(5)


def test_bpe_learns_frequent_merges():
    tok = tokens.train_bpe(["Das ist ein Beispiel. Ein Beispiel ist das."] * 20, vocab_size=300)
    enc = tok.encode("Das Beispiel")
    assert enc.ids and all(0 <= i < tok.get_vocab_size() for i in enc.ids)
    assert "ĠBeispiel" in enc.tokens  # häufiges Wort samt Leerzeichen wird zu einem Token
    assert tokens.token_pieces(tok, "Das Beispiel") == ["Das", "␣Beispiel"]


@pytest.mark.parametrize(
    ("texts", "kwargs", "error"),
    [("Ein einzelner Text", {}, TypeError), ([], {}, ValueError), (["a", 3], {}, TypeError),
     (None, {}, TypeError), (["abc"], {"vocab_size": 10}, ValueError),
     (["abc"], {"vocab_size": 255}, ValueError), (["abc"], {"vocab_size": 10**7}, ValueError),
     (["abc"], {"vocab_size": 300.0}, TypeError), (["abc"], {"vocab_size": True}, TypeError),
     (["abc"], {"min_frequency": -1}, ValueError)],
)
def test_bpe_errors(texts, kwargs, error):
    with pytest.raises(error, match="texts|vocab_size|min_frequency"):
        tokens.train_bpe(texts, **kwargs)


HANDMADE = [
    "Schöne Grüße aus Köln!",
    "Die Straße ist 3,5 km lang und kostet 12,50 € Maut.",
    "Zwei  Leerzeichen,   drei Leerzeichen und ein Tab\there.",
    "Zeile eins\nZeile zwei\n\nnach einer Leerzeile",
    "  Leerraum am Anfang und am Ende  ",
    "Übermäßig große Äpfel, ölige Öfen, süße Ähren – „Anführungszeichen“ …",
    "ẞ, ß und ss: GROẞ, groß, gross.",
    "Preis: 1.234,56 € (inkl. 19 % MwSt.) – Stand 01.02.2026, 14:30 Uhr.",
    "Emoji 🙂, Sonderzeichen ©®™ und Mathematik ∑ ∞ √2.",
    "Kein Wort ist unbekannt: Xylophonquartettwettbewerbsjurorin.",
    "",
    " ",
    "\n",
]


@pytest.fixture(scope="module")
def corpus_sentences():
    """200 deutsche Sätze aus corpus_de (fest gewählt) plus die handgemachten."""
    import re

    from kibuch import data

    texts = data.load("corpus_de")["text"].tolist()
    found = []
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if 20 <= len(sentence) <= 300 and sentence not in found:
                found.append(sentence)
    step = len(found) // 200
    return texts, found[::step][:200] + HANDMADE


def test_bpe_roundtrip_is_exact(corpus_sentences):
    texts, sentences = corpus_sentences
    assert len(sentences) == 200 + len(HANDMADE)
    assert any(c in "".join(sentences) for c in "äöüß€")
    tok = tokens.train_bpe(texts, vocab_size=2000)
    for s in sentences:
        ids = tok.encode(s).ids
        assert tok.decode(ids) == s, repr(s)
        assert tok.token_to_id("[UNK]") is None
    for text in texts:  # auch ganze Dokumente mit Absätzen
        assert tok.decode(tok.encode(text).ids) == text
    # kleinstes Vokabular: nur Bytes und wenige Merges – auch das geht verlustfrei hin und zurück
    tiny = tokens.train_bpe(sentences, vocab_size=256)
    assert tiny.get_vocab_size() == 256
    assert all(tiny.decode(tiny.encode(s).ids) == s for s in sentences)
    # unbekannte Zeichen (nie im Training gesehen) gehen über ihre Bytes
    assert tok.decode(tok.encode("日本語 🙂").ids) == "日本語 🙂"


def test_bpe_training_is_deterministic_in_process(corpus_sentences):
    texts, _ = corpus_sentences
    first = tokens.train_bpe(texts[:300], vocab_size=1500).to_str()
    assert tokens.train_bpe(texts[:300], vocab_size=1500).to_str() == first


_TRAIN_SCRIPT = """
import hashlib
from kibuch import data
from kibuch.text.tokens import train_bpe
tok = train_bpe(data.load("corpus_de")["text"], vocab_size=3000)
print(hashlib.sha256(tok.to_str().encode("utf-8")).hexdigest())
"""


def test_bpe_training_is_deterministic_across_processes(corpus_sentences):
    import hashlib
    import os
    import subprocess
    import sys

    digests = []
    for seed, threads in (("1", "1"), ("2", "2"), ("12345", "4")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "RAYON_NUM_THREADS": threads}
        out = subprocess.run([sys.executable, "-c", _TRAIN_SCRIPT], env=env, check=True,
                             capture_output=True, text=True, timeout=300)
        digests.append(out.stdout.strip().splitlines()[-1])
    here = tokens.train_bpe(corpus_sentences[0], vocab_size=3000).to_str()
    assert len(set(digests)) == 1, digests
    assert digests[0] == hashlib.sha256(here.encode("utf-8")).hexdigest()


def test_token_pieces_are_readable():
    tok = tokens.train_bpe(["Schöne Grüße"] * 5, vocab_size=256)  # nur Bytes
    pieces = tokens.token_pieces(tok, "ö x\n")
    assert pieces == ["<0xC3>", "<0xB6>", "␣", "x", "↵"]
    tok = tokens.train_bpe(["Schöne Grüße"] * 20, vocab_size=300)
    assert "".join(tokens.token_pieces(tok, "Schöne Grüße")).replace("␣", " ") == "Schöne Grüße"
    assert tokens.token_pieces(tok, "") == []
    alphabet = tokens._byte_alphabet()
    from tokenizers import pre_tokenizers

    assert sorted(alphabet) == sorted(pre_tokenizers.ByteLevel.alphabet())
    assert sorted(alphabet.values()) == list(range(256))
    with pytest.raises(TypeError, match="tokenizer"):
        tokens.token_pieces("kein Tokenizer", "x")
    with pytest.raises(TypeError, match="text"):
        tokens.token_pieces(tok, 3)


def test_words():
    assert tokens.words("Hallo, Welt! (2024) – E-Mail kostet 12,50 €.") == [
        "Hallo", "Welt", "2024", "E-Mail", "kostet", "12,50"]
    assert tokens.words("„Zitat“ …") == ["Zitat"]
    assert tokens.words("") == [] and tokens.words(" – ") == []
    with pytest.raises(TypeError, match="sentence"):
        tokens.words(["a"])


def test_tokenizer_stats_counts():
    def split_in_two(text):  # Wörter ab 4 Buchstaben werden in zwei Hälften zerlegt
        out = []
        for w in text.split():
            out.extend([w[: len(w) // 2], w[len(w) // 2 :]] if len(w) >= 4 else [w])
        return out

    stats = tokens.tokenizer_stats(split_in_two, ["Ein kurzer Satz.", "Ja nein"])
    assert stats["saetze"] == 2 and stats["woerter"] == 5
    assert stats["zeichen"] == len("Ein kurzer Satz.") + len("Ja nein")
    assert stats["tokens"] == 1 + 2 + 2 + 1 + 2  # „Satz.“ hat 5 Zeichen: zwei Hälften
    # einzeln: Ein 1, kurzer 2, Satz 2, Ja 1, nein 2
    assert stats["tokens_pro_wort"] == pytest.approx(8 / 5)
    assert stats["anteil_zerlegter_woerter"] == pytest.approx(3 / 5)
    assert stats["zeichen_pro_token"] == pytest.approx(stats["zeichen"] / 8)
    whole = tokens.tokenizer_stats(str.split, ["Ein kurzer Satz."])
    assert whole["tokens_pro_wort"] == 1 and whole["anteil_zerlegter_woerter"] == 0


def test_compare_tokenizers_table():
    table = tokens.compare_tokenizers(
        {"Wörter": str.split, "Zeichen": lambda s: list(s.replace(" ", ""))},
        {"A": ["ab cd"], "B": ["x"]})
    assert list(table["tokenizer"]) == ["Wörter", "Wörter", "Zeichen", "Zeichen"]
    assert list(table["texte"]) == ["A", "B", "A", "B"]
    assert list(table["tokens_pro_wort"]) == [1, 1, 2, 1]
    assert {"anteil_zerlegter_woerter", "zeichen_pro_token", "woerter"} <= set(table.columns)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [(lambda: tokens.tokenizer_stats("split", ["a"]), TypeError, "tokenize"),
     (lambda: tokens.tokenizer_stats(str.split, "ein Satz"), TypeError, "sentences"),
     (lambda: tokens.tokenizer_stats(str.split, []), ValueError, "sentences"),
     (lambda: tokens.tokenizer_stats(str.split, ["– …"]), ValueError, "sentences"),
     (lambda: tokens.tokenizer_stats(len, ["a b"]), TypeError, "tokenize"),
     (lambda: tokens.tokenizer_stats(lambda s: [1, 2], ["a b"]), TypeError, "tokenize"),
     (lambda: tokens.tokenizer_stats(str.split, ["a"], word_prefix=None), TypeError,
      "word_prefix"),
     (lambda: tokens.compare_tokenizers([str.split], {"A": ["a"]}), TypeError, "tokenizers"),
     (lambda: tokens.compare_tokenizers({}, {"A": ["a"]}), ValueError, "tokenizers"),
     (lambda: tokens.compare_tokenizers({"w": 3}, {"A": ["a"]}), TypeError, "tokenizers"),
     (lambda: tokens.compare_tokenizers({3: str.split}, {"A": ["a"]}), TypeError, "tokenizers"),
     (lambda: tokens.compare_tokenizers({"w": str.split}, {"A": "a"}), TypeError, "texts"),
     (lambda: tokens.compare_tokenizers({"w": str.split}, {}), ValueError, "texts")],
)
def test_stats_errors(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_load_parallel_sentences():
    pairs = tokens.load_parallel_sentences()
    assert list(pairs.columns) == ["deutsch", "englisch"] and len(pairs) >= 20
    assert pairs["deutsch"].is_unique and pairs["englisch"].is_unique
    assert all(s.strip() == s and s[-1] in ".?!" for s in [*pairs["deutsch"], *pairs["englisch"]])


def test_one_hot_matches_torch():
    ids = [3, 0, 4, 3]
    oh = tokens.one_hot(ids, 5)
    assert oh.dtype == torch.float32 and oh.shape == (4, 5)
    assert torch.equal(oh, torch.eye(5)[ids])
    assert torch.equal(tokens.one_hot(torch.tensor(ids), 5), oh)
    assert tokens.one_hot([], 5).shape == (0, 5)


@pytest.mark.parametrize(
    ("ids", "vocab_size", "error"),
    [([0, 5], 5, ValueError), ([-1], 5, ValueError), ([0.5], 5, TypeError),
     ([[0, 1]], 5, ValueError), ("01", 5, TypeError), ([0], 0, ValueError),
     ([0], 5.0, TypeError), (None, 5, TypeError)],
)
def test_one_hot_errors(ids, vocab_size, error):
    with pytest.raises(error):
        tokens.one_hot(ids, vocab_size)


def test_resolve_encoder():
    assert tokens.resolve_encoder(None) == str(tokens.encoder_dir())
    assert tokens.resolve_encoder("org/modell") == "org/modell"
    with pytest.raises(TypeError):
        tokens.resolve_encoder(3)
    with pytest.raises(ValueError):
        tokens.resolve_encoder("  ")
