"""Zeichen-n-Gramme mit Kneser-Ney-Glättung: Normierung, Handrechnung, Fehlermeldungen."""

import math
import random

import pytest

from kibuch.text.ngram import CharNGram

TEXT = "der hund und die katze. die katze und der hund. " * 20 + "ein vogel."


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_probabilities_sum_to_one(order):
    lm = CharNGram(order=order).fit(TEXT)
    rng = random.Random(0)
    outcomes = [*lm.vocab, "§"]  # „§“ steht für ein unbekanntes Zeichen
    for _ in range(20):
        start = rng.randrange(len(TEXT) - 6)
        context = TEXT[start : start + rng.randrange(0, 6)]
        assert sum(lm.prob(context, c) for c in outcomes) == pytest.approx(1.0, abs=1e-12)
    assert sum(lm.prob("xyz", c) for c in outcomes) == pytest.approx(1.0)  # ungesehener Kontext


def test_unigram_by_hand():
    """Unigramm: gewöhnliche Zählung, der Rest geht an die Gleichverteilung."""
    text = "aab"
    lm = CharNGram(order=1, discount=0.5).fit(text)
    uniform = 1 / 3  # zwei bekannte Zeichen + ein unbekanntes
    backoff = 0.5 * 2 / 3
    assert lm.prob("", "a") == pytest.approx((2 - 0.5) / 3 + backoff * uniform)
    assert lm.prob("", "b") == pytest.approx((1 - 0.5) / 3 + backoff * uniform)


def test_bigram_uses_continuation_counts():
    """Die untere Stufe zählt verschiedene Vorgänger, nicht Vorkommen (Kneser-Ney)."""
    text = "xaxaxaxaya"  # 'a' folgt auf x und y, 'x' nur auf a, 'y' nur auf x
    lm = CharNGram(order=2, discount=0.75).fit(text)
    continuation = lm.counts[0][""]
    assert continuation == {"a": 2, "x": 1, "y": 1}
    d, total = 0.75, sum(continuation.values())
    uniform = 1 / (len(lm.vocab) + 1)
    p_a_lower = (2 - d) / total + d * 3 / total * uniform
    # Kontext 'y': genau einmal gesehen, gefolgt von 'a'
    assert lm.prob("y", "a") == pytest.approx((1 - d) / 1 + d * 1 / 1 * p_a_lower)


def test_cross_entropy_is_mean_negative_log_prob_and_falls_with_order():
    lm = CharNGram(order=3).fit(TEXT)
    val = "die katze und der vogel."
    manual = -sum(math.log(lm.prob(val[i - 2 : i], val[i])) for i in range(2, len(val)))
    assert lm.cross_entropy(val) == pytest.approx(manual / (len(val) - 2))
    losses = [CharNGram(order=n).fit(TEXT).cross_entropy(val) for n in (1, 2, 3, 4)]
    assert losses == sorted(losses, reverse=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [({"order": 0}, ValueError, "order"), ({"order": "3"}, TypeError, "order"),
     ({"discount": 1.0}, ValueError, "discount"), ({"discount": 0}, ValueError, "discount")],
)
def test_bad_config(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        CharNGram(**kwargs)


def test_bad_calls():
    lm = CharNGram(order=3)
    with pytest.raises(RuntimeError, match="fit"):
        lm.cross_entropy("abc")
    with pytest.raises(ValueError, match="text"):
        lm.fit("ab")
    lm.fit(TEXT)
    with pytest.raises(ValueError, match="char"):
        lm.prob("ab", "xy")
    with pytest.raises(TypeError, match="context"):
        lm.prob(3, "a")
    with pytest.raises(ValueError, match="text"):
        lm.cross_entropy("a")
