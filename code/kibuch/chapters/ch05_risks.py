"""Kleine Experimente zu Grenzen und Risiken von KI (Kapitel 5).

Jede Funktion macht ein Risiko messbar, statt es nur zu beschreiben:

- ``reduce_class`` – eine Klasse bekommt nur wenige Trainingsbeispiele,
- ``add_watermark`` – ein Wasserzeichen aus wenigen Pixeln als Scheinkorrelation,
- ``fgsm_attack`` – kleine, gezielte Störungen kippen einen Bildklassifikator,
- ``CharNGramLM`` – ein Zeichen-n-Gramm-Sprachmodell, das flüssigen Unsinn
  selbstsicher erzeugt und Geheimnisse aus den Trainingsdaten wiedergibt,
- ``feedback_learning`` – ein Modell lernt ungeprüft aus Nutzerrückmeldungen
  und wird dabei vergiftet.

Die Bevölkerung mit Minderheitsgruppe für das Verzerrungsexperiment erzeugt
:mod:`kibuch.data.synthetic.population`. Ein Import tut nichts; ``torch`` wird erst in
``fgsm_attack`` gebraucht.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_array,
    check_callable,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_same_length,
    check_str,
    check_str_list,
)

# ---------------------------------------------------------------------------
# Verzerrung durch unterrepräsentierte Klassen
# ---------------------------------------------------------------------------

def reduce_class(X: np.ndarray, y: np.ndarray, cls: int, n_keep: int, *,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Behält von Klasse ``cls`` nur ``n_keep`` zufällige Beispiele, alle anderen bleiben."""
    X = check_array("X", X, dtype=None)
    y = check_array("y", y, ndim=1, dtype=None)
    check_same_length(X=X, y=y)
    n_keep = check_int("n_keep", n_keep, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    cls = check_int("cls", cls)
    members = np.flatnonzero(y == cls)
    if len(members) == 0:
        raise ValueError(f"Die Klasse cls={cls} kommt in y nicht vor.")
    if n_keep > len(members):
        raise ValueError(f"n_keep={n_keep}, aber die Klasse cls={cls} hat nur {len(members)} "
                         "Beispiele.")
    rng = np.random.default_rng(seed)
    keep = np.concatenate([np.flatnonzero(y != cls), rng.choice(members, n_keep, replace=False)])
    keep.sort()
    return X[keep], y[keep]


# ---------------------------------------------------------------------------
# Scheinkorrelation: ein Wasserzeichen aus wenigen Pixeln
# ---------------------------------------------------------------------------

def add_watermark(X: np.ndarray, which=None, *, pixels=((0, 0), (0, 7)),
                  value: float = 1.0) -> np.ndarray:
    """Kopie der Bilder ``X`` (Form ``(n, H, W)``), in der bei den durch ``which``
    ausgewählten Bildern (bool-Maske; ``None`` = alle) die Pixel ``pixels``
    (Folge von ``(zeile, spalte)``) auf ``value`` stehen – ein unauffälliges
    Wasserzeichen in den sonst leeren Ecken."""
    X = check_array("X", X, ndim=3, dtype=None)
    value = check_float("value", value)
    pixels = check_array("pixels", pixels, ndim=2, dtype=int)
    if pixels.shape[1] != 2:
        raise ValueError(f"pixels muss aus (zeile, spalte)-Paaren bestehen, Form {pixels.shape}.")
    for r, c in pixels:
        if not (0 <= r < X.shape[1] and 0 <= c < X.shape[2]):
            raise ValueError(
                f"Pixel {(r, c)} liegt außerhalb eines {X.shape[1]}×{X.shape[2]}-Bildes."
            )
    mask = np.ones(len(X), bool) if which is None else check_array("which", which, ndim=1,
                                                                     dtype=bool)
    check_same_length(X=X, which=mask)
    marked = X.copy()
    for r, c in pixels:
        marked[mask, r, c] = value
    return marked


# ---------------------------------------------------------------------------
# Adversariale Beispiele: Fast Gradient Sign Method
# ---------------------------------------------------------------------------

def fgsm_attack(model, x, y, eps: float):
    """Fast Gradient Sign Method (Goodfellow et al. 2015).

    Verschiebt jedes Pixel um ``eps`` nach oben oder unten, je nach Vorzeichen des
    Gradienten des Verlusts für das richtige Label ``y``, und schneidet auf [0, 1] zu.
    Unter allen Störungen, die kein Pixel um mehr als ``eps`` ändern, erhöht das den
    Verlust in linearer Näherung am stärksten.
    ``x``: Tensor ``(B, ...)`` mit Werten in [0, 1]; ``y``: ``(B,)`` Klassen.
    """
    import torch
    import torch.nn.functional as F

    check_callable("model", model)
    check_instance("x", x, torch.Tensor, "ein torch.Tensor")
    check_instance("y", y, torch.Tensor, "ein torch.Tensor")
    check_array("x", x, dtype=None)  # kein NaN/inf, mindestens ein Bild
    check_same_length(x=x, y=y)
    eps = check_float("eps", eps, 0.0, 1.0)
    was_training = model.training
    model.eval()
    x_adv = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_adv), y)  # Logits (B, K) gegen Labels (B,)
    (grad,) = torch.autograd.grad(loss, x_adv)
    model.train(was_training)
    return (x + eps * grad.sign()).clamp(0.0, 1.0).detach()  # gleiche Form wie x


# ---------------------------------------------------------------------------
# Ein Zeichen-n-Gramm-Sprachmodell: flüssig, selbstsicher, ahnungslos
# ---------------------------------------------------------------------------

@dataclass
class NGramConfig:
    order: int = 7  # Länge des Kontexts in Zeichen, auf den das Modell schaut
    temperature: float = 0.8  # < 1: sicherere, > 1: zufälligere Texte

    def __post_init__(self) -> None:
        check_int("order", self.order, minimum=1)
        check_float("temperature", self.temperature, 0, open_min=True)


class CharNGramLM:
    """Zeichenbasiertes n-Gramm-Modell mit einfachem Rückzug (*backoff*).

    Für den nächsten Buchstaben nimmt es den längsten Kontext (höchstens
    ``order`` Zeichen), den es im Training gesehen hat, und verteilt die
    Wahrscheinlichkeit nach den gezählten Fortsetzungen. Es kennt also nur
    Zeichenfolgen – keine Fakten.
    """

    def __init__(self, config: NGramConfig | None = None):
        self.cfg = config if config is not None else NGramConfig()
        check_instance("config", self.cfg, NGramConfig, "eine NGramConfig")
        self.counts: dict[str, Counter] | None = None

    def fit(self, text: str) -> CharNGramLM:
        """Zählt alle Fortsetzungen für Kontexte der Länge 0 bis ``order``."""
        self.counts = {}
        return self.partial_fit(text)

    def partial_fit(self, text: str) -> CharNGramLM:
        """Zählt die Zeichenfolgen von ``text`` zu den bisherigen Zählungen hinzu."""
        text = check_str("text", text)
        if len(text) <= self.cfg.order:
            raise ValueError(f"Der Text ist zu kurz für order={self.cfg.order}.")
        counts = self.counts if self.counts is not None else {}
        for k in range(self.cfg.order + 1):
            # alle Teilfolgen der Länge k + 1: Kontext (k Zeichen) plus nächstes Zeichen
            grams = Counter(text[i:i + k + 1] for i in range(len(text) - k))
            for gram, n in grams.items():
                counts.setdefault(gram[:-1], Counter())[gram[-1]] += n
        self.counts = counts
        return self

    def _check_fitted(self) -> None:
        if self.counts is None:
            raise RuntimeError("Das Modell ist noch nicht trainiert; zuerst fit(text) aufrufen.")

    def next_distribution(self, context: str) -> tuple[list[str], np.ndarray]:
        """Zeichen und Wahrscheinlichkeiten (bei Temperatur 1) nach ``context``."""
        self._check_fitted()
        context = check_str("context", context, allow_empty=True)
        for k in range(min(self.cfg.order, len(context)), -1, -1):
            seen = self.counts.get(context[len(context) - k:] if k else "")
            if seen:
                chars = list(seen)
                freq = np.array([seen[c] for c in chars], dtype=float)
                return chars, freq / freq.sum()
        raise RuntimeError("Kein Kontext gefunden – das Modell ist leer.")  # pragma: no cover

    def generate(self, prompt: str, n_chars: int, *, seed: int = 0) -> tuple[str, np.ndarray]:
        """Setzt ``prompt`` um ``n_chars`` Zeichen fort.

        Gibt den erzeugten Text (ohne Prompt) und für jedes Zeichen die
        Wahrscheinlichkeit zurück, die das Modell ihm gegeben hat.
        """
        prompt = check_str("prompt", prompt, allow_empty=True)
        n_chars = check_int("n_chars", n_chars, minimum=1)
        seed = check_int("seed", seed, minimum=0)
        rng = np.random.default_rng(seed)
        text, probs = prompt, []
        for _ in range(n_chars):
            chars, p = self.next_distribution(text)
            q = p ** (1.0 / self.cfg.temperature)
            q /= q.sum()
            j = rng.choice(len(chars), p=q)
            text += chars[j]
            probs.append(p[j])
        return text[len(prompt):], np.array(probs)

    def log_prob(self, text: str, prompt: str = "") -> float:
        """Natürlicher Logarithmus der Wahrscheinlichkeit von ``text`` nach ``prompt``.

        Unbekannte Zeichen bekommen eine kleine Restwahrscheinlichkeit (1e-6),
        damit der Wert endlich bleibt.
        """
        self._check_fitted()
        text = check_str("text", text, allow_empty=True)
        prompt = check_str("prompt", prompt, allow_empty=True)
        total, context = 0.0, prompt
        for ch in text:
            chars, p = self.next_distribution(context)
            total += math.log(p[chars.index(ch)] if ch in chars else 1e-6)
            context += ch
        return total


def exposure_rank(lm: CharNGramLM, prefix: str, secret: str, candidates) -> int:
    """Rang des echten Geheimnisses unter Kandidaten nach Modellwahrscheinlichkeit.

    Rang 1 heißt: Das Modell hält das Geheimnis aus den Trainingsdaten für
    wahrscheinlicher als jede Alternative – es hat es auswendig gelernt
    (Idee nach Carlini et al. 2019).
    """
    check_instance("lm", lm, CharNGramLM, "ein CharNGramLM")
    prefix = check_str("prefix", prefix, allow_empty=True)
    secret = check_str("secret", secret)
    candidates = check_str_list("candidates", candidates, min_len=0)
    if secret not in candidates:
        candidates.append(secret)
    if len(candidates) < 2:
        raise ValueError("candidates braucht mindestens eine Alternative zum Geheimnis secret.")
    scores = {c: lm.log_prob(c, prefix) for c in candidates}
    return 1 + sum(s > scores[secret] for c, s in scores.items() if c != secret)


# ---------------------------------------------------------------------------
# Lernen aus Nutzerrückmeldungen: Vergiftung
# ---------------------------------------------------------------------------

def _check_pairs(name: str, value) -> list[tuple[str, str]]:
    """Eine (auch leere) Folge von ``(text, label)``-Paaren aus Strings."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} muss eine Folge von (text, label)-Paaren sein, nicht "
                        f"{'None' if value is None else type(value).__name__}.")
    pairs = [check_str_list(f"{name}[{i}]", pair, min_len=2) for i, pair in enumerate(value)]
    for i, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValueError(f"{name}[{i}] muss ein Paar (text, label) sein, hat aber "
                             f"{len(pair)} Einträge.")
    return [(text, label) for text, label in pairs]


def feedback_learning(base_texts, base_labels, eval_texts, eval_labels, stream, *,
                      batch_size: int = 20, accept=None, base_epochs: int = 20,
                      seed: int = 0) -> pd.DataFrame:
    """Ein Textklassifikator lernt nach dem Start laufend aus Rückmeldungen.

    ``stream`` ist eine Folge von ``(text, label)``-Paaren, wie Nutzer sie
    liefern – ehrlich oder böswillig. Nach jedem Block von ``batch_size``
    Rückmeldungen lernt das Modell nach (``partial_fit``) und wird auf den
    Prüfdaten bewertet. ``accept(model, texts, labels) -> bool-Maske`` ist ein
    optionaler Filter (Moderation), der Rückmeldungen vor dem Lernen verwirft.
    Ergebnis: Tabelle mit ``schritt``, ``gelernt`` (angenommene Rückmeldungen)
    und ``genauigkeit``.
    """
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier

    batch_size = check_int("batch_size", batch_size, minimum=1)
    base_epochs = check_int("base_epochs", base_epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    base_texts = check_str_list("base_texts", base_texts)
    eval_texts = check_str_list("eval_texts", eval_texts)
    base_labels = check_str_list("base_labels", base_labels)
    eval_labels = check_str_list("eval_labels", eval_labels)
    check_same_length(base_texts=base_texts, base_labels=base_labels)
    check_same_length(eval_texts=eval_texts, eval_labels=eval_labels)
    if accept is not None:
        check_callable("accept", accept)
    stream = _check_pairs("stream", stream)
    classes = sorted(set(base_labels))
    unknown = {label for _, label in stream} - set(classes)
    if unknown:
        raise ValueError(f"Unbekannte Labels im Strom: {sorted(unknown)}; bekannt sind {classes}.")
    vec = HashingVectorizer(n_features=2**16, alternate_sign=False, ngram_range=(1, 2),
                            norm="l2")
    model = SGDClassifier(loss="log_loss", alpha=1e-4, random_state=seed)
    X_base = vec.transform(base_texts)
    rng = np.random.default_rng(seed)
    for _ in range(base_epochs):  # mehrere Durchgänge über die sauberen Startdaten
        order = rng.permutation(len(base_labels))
        model.partial_fit(X_base[order], [base_labels[i] for i in order], classes=classes)
    X_eval = vec.transform(eval_texts)
    rows = [(0, 0, model.score(X_eval, eval_labels))]
    learned = 0
    for start in range(0, len(stream), batch_size):
        texts = [t for t, _ in stream[start:start + batch_size]]
        labels = [lab for _, lab in stream[start:start + batch_size]]
        X_new = vec.transform(texts)
        if accept is not None:
            keep = np.asarray(accept(model, X_new, labels), dtype=bool)
            if keep.shape != (len(labels),):
                raise ValueError("accept muss eine bool-Maske passender Länge liefern.")
            X_new = X_new[keep]
            labels = [lab for lab, k in zip(labels, keep) if k]
        if labels:
            model.partial_fit(X_new, labels)
            learned += len(labels)
        rows.append((start + len(texts), learned, model.score(X_eval, eval_labels)))
    return pd.DataFrame(rows, columns=["schritt", "gelernt", "genauigkeit"])


def confident_disagreement_filter(threshold: float = 0.9):
    """Moderationsregel für ``feedback_learning``: verwirft eine Rückmeldung, wenn
    das aktuelle Modell mit mindestens ``threshold`` Sicherheit anderer Meinung ist."""
    threshold = check_probability("threshold", threshold, open_min=True, open_max=True)

    def accept(model, X_new, labels):
        proba = model.predict_proba(X_new)
        pred = model.classes_[proba.argmax(axis=1)]
        sure = proba.max(axis=1) >= threshold
        return ~(sure & (pred != np.asarray(labels)))

    return accept
