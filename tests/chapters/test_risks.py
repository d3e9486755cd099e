"""Tests für kibuch.chapters.ch05_risks (Klassenverzerrung, Wasserzeichen, FGSM, n-Gramm-Modell,
Vergiftung) und die synthetische Bevölkerung aus kibuch.data.synthetic.population."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from kibuch.chapters.ch05_risks import (
    CharNGramLM,
    NGramConfig,
    add_watermark,
    confident_disagreement_filter,
    exposure_rank,
    feedback_learning,
    fgsm_attack,
    reduce_class,
)
from kibuch.data.synthetic.population import make_group_population


def test_group_population():
    pop = make_group_population(4000, 0.25, seed=0)
    assert abs((pop["gruppe"] == "B").mean() - 0.25) < 0.03
    a, b = pop[pop["gruppe"] == "A"], pop[pop["gruppe"] == "B"]
    assert ((a["x1"] + a["x2"] > 0).astype(int) == a["y"]).all()
    assert ((b["x1"] - b["x2"] > 0).astype(int) == b["y"]).all()
    with pytest.raises(ValueError):
        make_group_population(100, 1.5)
    with pytest.raises(TypeError):
        make_group_population(10.0, 0.1)
    with pytest.raises(ValueError, match="n muss"):
        make_group_population(10**15, 0.1)  # früher: MemoryError


def test_group_population_is_unchanged_by_the_move():
    """Dieselben Zahlen wie vor dem Umzug aus kibuch.chapters.ch05_risks."""
    pop = make_group_population(5, 0.5, seed=0)
    assert pop["x1"].iloc[0] == 0.1257302210933933
    assert pop["x2"].iloc[4] == -1.2654214710460525
    assert list(pop["gruppe"]) == ["A", "B", "A", "B", "A"]
    assert list(pop["y"]) == [0, 1, 0, 1, 0]


@pytest.mark.parametrize("args, kwargs, error", [
    ((1, 0.5), {}, ValueError), ((True, 0.5), {}, TypeError), (("100", 0.5), {}, TypeError),
    ((100, math.nan), {}, ValueError), ((100, -0.1), {}, ValueError), ((100, "0.1"), {}, TypeError),
    ((100, 0.1), {"seed": -1}, ValueError), ((100, 0.1), {"seed": 0.5}, TypeError),
])
def test_group_population_argument_errors(args, kwargs, error):
    with pytest.raises(error):
        make_group_population(*args, **kwargs)


def test_reduce_class():
    X = np.arange(20).reshape(10, 2)
    y = np.array([0, 1, 1, 1, 0, 1, 0, 1, 1, 0])
    Xr, yr = reduce_class(X, y, 1, 2, seed=0)
    assert (yr == 1).sum() == 2 and (yr == 0).sum() == 4
    assert all(any((row == x).all() for x in X) for row in Xr)
    with pytest.raises(ValueError):
        reduce_class(X, y, 1, 7)
    with pytest.raises(ValueError):
        reduce_class(X, y, 5, 1)
    with pytest.raises(ValueError):
        reduce_class(X, y[:3], 1, 1)
    with pytest.raises(TypeError, match="n_keep"):
        reduce_class(X, y, 1, 1.0)
    with pytest.raises(TypeError, match="X"):
        reduce_class(None, y, 1, 1)
    with pytest.raises(ValueError, match="y"):
        reduce_class(X, y.reshape(5, 2), 1, 1)


@pytest.mark.parametrize("cls, error", [
    (True, TypeError),  # früher: still wie Klasse 1
    ("1", TypeError), (1.0, TypeError), (None, TypeError), ([0, 1], TypeError),
    (-1, ValueError), (5, ValueError),
])
def test_reduce_class_names_cls(cls, error):
    X, y = np.arange(20).reshape(10, 2), np.array([0, 1, 1, 1, 0, 1, 0, 1, 1, 0])
    with pytest.raises(error, match="cls"):
        reduce_class(X, y, cls, 1)


def test_reduce_class_accepts_numpy_integers():
    X, y = np.arange(20).reshape(10, 2), np.array([0, 1, 1, 1, 0, 1, 0, 1, 1, 0])
    for a, b in zip(reduce_class(X, y, np.int64(1), 2), reduce_class(X, y, 1, 2)):
        np.testing.assert_array_equal(a, b)


def test_watermark():
    X = np.zeros((4, 8, 8), np.float32)
    marked = add_watermark(X, np.array([True, False, True, False]))
    assert marked[0, 0, 0] == 1 and marked[0, 0, 7] == 1 and marked[1].sum() == 0
    assert X.sum() == 0  # Original unverändert
    assert add_watermark(X, pixels=[(7, 7)], value=0.5).sum() == pytest.approx(2.0)
    with pytest.raises(ValueError):
        add_watermark(X, pixels=[(8, 0)])
    with pytest.raises(ValueError):
        add_watermark(X.reshape(4, 64))
    with pytest.raises(ValueError):
        add_watermark(X, [True])
    with pytest.raises(ValueError):
        add_watermark(X, pixels=[])
    with pytest.raises(ValueError, match="pixels"):
        add_watermark(X, pixels=[(0, 0, 0)])
    with pytest.raises(TypeError, match="value"):
        add_watermark(X, value="1")
    with pytest.raises(ValueError, match="value"):
        add_watermark(X, value=math.nan)


def test_fgsm_matches_manual_gradient_and_hurts_a_linear_model():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
    x = torch.rand(5, 2, 2)
    y = torch.tensor([0, 1, 2, 0, 1])
    eps = 0.1
    adv = fgsm_attack(model, x, y, eps)
    xr = x.clone().requires_grad_(True)
    torch.nn.functional.cross_entropy(model(xr), y).backward()
    assert torch.allclose(adv, (x + eps * xr.grad.sign()).clamp(0, 1))
    assert adv.shape == x.shape and adv.min() >= 0 and adv.max() <= 1
    loss = torch.nn.functional.cross_entropy
    with torch.no_grad():
        assert loss(model(adv), y) > loss(model(x), y)
    with pytest.raises(ValueError):
        fgsm_attack(model, x, y, 2.0)
    with pytest.raises(ValueError):
        fgsm_attack(model, x, y[:2], 0.1)
    with pytest.raises(TypeError):
        fgsm_attack(model, x.numpy(), y, 0.1)
    with pytest.raises(TypeError, match="eps"):
        fgsm_attack(model, x, y, "0.1")
    with pytest.raises(ValueError, match="eps"):
        fgsm_attack(model, x, y, math.nan)
    with pytest.raises(TypeError, match="model"):
        fgsm_attack(None, x, y, 0.1)
    x_nan = x.clone()
    x_nan[0, 0, 0] = math.nan
    with pytest.raises(ValueError, match="x"):
        fgsm_attack(model, x_nan, y, 0.1)  # früher: NaN ging still durch
    with pytest.raises(ValueError, match="x"):
        fgsm_attack(model, x[:0], y[:0], 0.1)


TEXT = ("Der Hund läuft über die Wiese. Die Katze schläft auf dem Sofa. "
        "Der Hund schläft auf der Wiese. Die Katze läuft über das Sofa. ") * 5


def test_ngram_probabilities_and_generation():
    lm = CharNGramLM(NGramConfig(order=4)).fit(TEXT)
    chars, p = lm.next_distribution("Der H")
    assert p.sum() == pytest.approx(1.0)
    assert chars == ["u"]  # nach „r H“ folgt im Text immer „u“
    # Rückzug auf kürzere Kontexte bei Unbekanntem
    chars, p = lm.next_distribution("qqq")
    assert len(chars) > 5 and p.sum() == pytest.approx(1.0)
    text, probs = lm.generate("Die K", 30, seed=1)
    assert len(text) == 30 and len(probs) == 30 and (probs > 0).all()
    assert text == lm.generate("Die K", 30, seed=1)[0]
    # log_prob: bekannte Fortsetzung wahrscheinlicher als Unsinn
    assert lm.log_prob("atze", "Die K") > lm.log_prob("qqqq", "Die K")
    assert lm.log_prob("u", "Der H") == pytest.approx(0.0)


def test_ngram_memorises_canary():
    secret = "4711"
    text = TEXT + f"Die PIN von Frau Muster lautet {secret}. " * 3
    lm = CharNGramLM(NGramConfig(order=6)).fit(text)
    others = [f"{i:04d}" for i in range(0, 10000, 97)]
    assert exposure_rank(lm, "Die PIN von Frau Muster lautet ", secret, others) == 1
    with pytest.raises(ValueError, match="candidates"):
        exposure_rank(lm, "x", secret, [])
    with pytest.raises(ValueError, match="candidates"):
        exposure_rank(lm, "x", secret, [secret])


def test_ngram_errors():
    with pytest.raises(ValueError):
        CharNGramLM(NGramConfig(order=0))
    with pytest.raises(ValueError):
        CharNGramLM(NGramConfig(temperature=0))
    with pytest.raises(TypeError):
        CharNGramLM({"order": 3})
    lm = CharNGramLM()
    with pytest.raises(RuntimeError):
        lm.next_distribution("a")
    with pytest.raises(ValueError):
        lm.fit("kurz")
    with pytest.raises(TypeError):
        lm.fit(123)
    lm.fit(TEXT)
    with pytest.raises(ValueError):
        lm.generate("Der", 0)
    with pytest.raises(TypeError):
        lm.generate(5, 3)
    with pytest.raises(TypeError, match="n_chars"):
        lm.generate("Der", 2.0)
    with pytest.raises(TypeError, match="context"):
        lm.next_distribution(None)
    with pytest.raises(TypeError, match="temperature"):
        NGramConfig(temperature="warm")
    with pytest.raises(ValueError, match="temperature"):
        NGramConfig(temperature=math.nan)
    with pytest.raises(TypeError, match="lm"):
        exposure_rank("kein Modell", "x", "1", ["2"])
    with pytest.raises(TypeError, match="candidates"):
        exposure_rank(lm, "x", "1", "2345")


def _reviews(n, seed):
    rng = np.random.default_rng(seed)
    pos = ["toll", "super", "prima", "klasse"]
    neg = ["schlecht", "mies", "kaputt", "furchtbar"]
    texts, labels = [], []
    for _ in range(n):
        label = rng.choice(["positiv", "negativ"])
        words = rng.choice(pos if label == "positiv" else neg, size=3)
        texts.append("das produkt ist " + " ".join(words))
        labels.append(str(label))
    return texts, labels


def test_feedback_learning_is_poisoned_and_filter_helps():
    base_t, base_l = _reviews(200, 0)
    eval_t, eval_l = _reviews(200, 1)
    # Angreifer: negative Texte als „positiv“ zurückgemeldet
    attack_t, attack_l = _reviews(600, 2)
    stream = [(t, "positiv") for t, lab in zip(attack_t, attack_l) if lab == "negativ"]
    naive = feedback_learning(base_t, base_l, eval_t, eval_l, stream, batch_size=50)
    guarded = feedback_learning(base_t, base_l, eval_t, eval_l, stream, batch_size=50,
                                accept=confident_disagreement_filter(0.8))
    assert naive["genauigkeit"].iloc[0] > 0.95
    assert naive["genauigkeit"].iloc[-1] < 0.8
    assert guarded["genauigkeit"].iloc[-1] > 0.95
    assert guarded["gelernt"].iloc[-1] < naive["gelernt"].iloc[-1]
    with pytest.raises(ValueError, match="Unbekannte"):
        feedback_learning(base_t, base_l, eval_t, eval_l, [("x", "neutral")])
    with pytest.raises(ValueError):
        feedback_learning(base_t, base_l[:5], eval_t, eval_l, stream)
    with pytest.raises(ValueError):
        confident_disagreement_filter(1.5)
    with pytest.raises(ValueError, match="threshold"):
        confident_disagreement_filter(1.0)
    with pytest.raises(TypeError, match="threshold"):
        confident_disagreement_filter("0.9")
    with pytest.raises(TypeError, match="accept"):
        feedback_learning(base_t, base_l, eval_t, eval_l, stream, accept=0.8)
    with pytest.raises(ValueError):
        feedback_learning(base_t, base_l, eval_t, eval_l, stream,
                          accept=lambda m, X, labels: [True])


def test_feedback_learning_argument_errors():
    texts, labels = _reviews(20, 0)
    with pytest.raises(ValueError):
        feedback_learning(texts, labels, texts, labels, [], batch_size=0)
    with pytest.raises(ValueError):
        feedback_learning(texts, labels, texts, labels, [], base_epochs=0)
    with pytest.raises(TypeError, match="base_texts"):
        feedback_learning("ein Text", labels, texts, labels, [])
    with pytest.raises(TypeError, match="seed"):
        feedback_learning(texts, labels, texts, labels, [], seed=None)
    result = feedback_learning(texts, labels, texts, labels, [])
    assert list(result.columns) == ["schritt", "gelernt", "genauigkeit"] and len(result) == 1


@pytest.mark.parametrize("stream, error, name", [
    (None, TypeError, "stream"), (3, TypeError, "stream"), ("text,positiv", TypeError, "stream"),
    ([("nur ein Text",)], ValueError, r"stream\[0\]"),
    ([("a", "positiv", "b")], ValueError, r"stream\[0\]"),
    ([("gut", "positiv"), (1, "positiv")], TypeError, r"stream\[1\]"),
    ([("gut", None)], TypeError, r"stream\[0\]"),
])
def test_feedback_learning_checks_the_stream(stream, error, name):
    texts, labels = _reviews(20, 0)
    with pytest.raises(error, match=name):
        feedback_learning(texts, labels, texts, labels, stream, base_epochs=1)


def test_feedback_learning_stream_may_be_any_iterable_of_pairs():
    texts, labels = _reviews(20, 0)
    stream = list(zip(*_reviews(30, 1)))
    as_list = feedback_learning(texts, labels, texts, labels, stream, batch_size=10)
    as_generator = feedback_learning(texts, labels, texts, labels, (p for p in stream),
                                     batch_size=10)
    as_lists = feedback_learning(texts, labels, texts, labels, [list(p) for p in stream],
                                 batch_size=10)
    pd.testing.assert_frame_equal(as_list, as_generator)
    pd.testing.assert_frame_equal(as_list, as_lists)
    assert list(as_list["schritt"]) == [0, 10, 20, 30]


def test_fgsm_maximises_the_linearised_loss_within_the_eps_box():
    """FGSM wählt unter allen Störungen mit höchstens eps je Pixel die, die den Verlust in
    linearer Näherung am stärksten erhöht: grad · δ ist für δ = eps · sign(grad) maximal."""
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 4))
    x = torch.full((3, 4, 4), 0.5)  # weit weg von 0 und 1: kein Zuschneiden
    y = torch.tensor([0, 1, 2])
    eps = 0.05
    xr = x.clone().requires_grad_(True)
    torch.nn.functional.cross_entropy(model(xr), y).backward()
    grad = xr.grad
    best = (grad * (fgsm_attack(model, x, y, eps) - x)).sum()
    assert best == pytest.approx(eps * grad.abs().sum().item(), rel=1e-5)
    gen = torch.Generator().manual_seed(0)
    for _ in range(200):
        delta = (torch.rand(x.shape, generator=gen) * 2 - 1) * eps  # beliebig in der Box
        assert (grad * delta).sum() <= best + 1e-7
