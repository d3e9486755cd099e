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
    tok = tokens.train_bpe(["Das ist ein Beispiel. Ein Beispiel ist das."] * 20, vocab_size=60)
    enc = tok.encode("Das Beispiel")
    assert enc.ids and all(0 <= i < tok.get_vocab_size() for i in enc.ids)
    assert "Beispiel" in enc.tokens  # häufiges Wort wird zu einem Token


@pytest.mark.parametrize(
    ("texts", "kwargs", "error"),
    [("Ein einzelner Text", {}, TypeError), ([], {}, ValueError), (["a", 3], {}, TypeError),
     (None, {}, TypeError), (["abc"], {"vocab_size": 10}, ValueError),
     (["abc"], {"vocab_size": 100.0}, TypeError), (["abc"], {"vocab_size": True}, TypeError),
     (["abc"], {"min_frequency": -1}, ValueError)],
)
def test_bpe_errors(texts, kwargs, error):
    with pytest.raises(error):
        tokens.train_bpe(texts, **kwargs)


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
