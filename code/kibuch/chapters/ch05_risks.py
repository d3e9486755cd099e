"""Kleine Experimente zu Grenzen und Risiken von KI (Kapitel 5).

Jede Funktion macht ein Risiko messbar, statt es nur zu beschreiben:

- ``make_group_population`` – eine Minderheitsgruppe folgt einer anderen Regel
  (Verzerrung durch Unterrepräsentation),
- ``reduce_class`` – eine Klasse bekommt nur wenige Trainingsbeispiele,
- ``add_watermark`` – ein Wasserzeichen-Pixel als Scheinkorrelation,
- ``fgsm_attack`` – kleine, gezielte Störungen kippen einen Bildklassifikator,
- ``CharNGramLM`` – ein Zeichen-n-Gramm-Sprachmodell, das flüssigen Unsinn
  selbstsicher erzeugt und Geheimnisse aus den Trainingsdaten wiedergibt,
- ``feedback_learning`` – ein Modell lernt ungeprüft aus Nutzerrückmeldungen
  und wird dabei vergiftet.

Ein Import tut nichts; ``torch`` wird erst in ``fgsm_attack`` gebraucht.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import check_int as _check_int

# ---------------------------------------------------------------------------
# Verzerrung durch unterrepräsentierte Gruppen und Klassen
# ---------------------------------------------------------------------------

def make_group_population(n: int, minority_share: float, *, seed: int = 0) -> pd.DataFrame:
    """Zwei Gruppen mit denselben Merkmalen, aber verschiedenen Zusammenhängen.

    In Gruppe ``"A"`` (Mehrheit) gilt ``y = 1`` genau dann, wenn ``x1 + x2 > 0``;
    in Gruppe ``"B"`` (Anteil ``minority_share``), wenn ``x1 - x2 > 0``. Ein Modell,
    das die Gruppe nicht kennt und überwiegend A-Daten sieht, lernt die Regel von A.
    Spalten: ``x1``, ``x2``, ``gruppe``, ``y``.
    """
    n = _check_int("n", n, 2)
    if not 0.0 <= minority_share <= 1.0:
        raise ValueError(f"minority_share muss in [0, 1] liegen, nicht {minority_share!r}.")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))  # (n, 2)
    group = np.where(rng.uniform(size=n) < minority_share, "B", "A")
    score = np.where(group == "A", x[:, 0] + x[:, 1], x[:, 0] - x[:, 1])
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "gruppe": group,
                         "y": (score > 0).astype(int)})


def reduce_class(X: np.ndarray, y: np.ndarray, cls: int, n_keep: int, *,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Behält von Klasse ``cls`` nur ``n_keep`` zufällige Beispiele, alle anderen bleiben."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X und y sind verschieden lang ({len(X)} und {len(y)}).")
    n_keep = _check_int("n_keep", n_keep, 0)
    members = np.flatnonzero(y == cls)
    if len(members) == 0:
        raise ValueError(f"Klasse {cls!r} kommt in y nicht vor.")
    if n_keep > len(members):
        raise ValueError(f"n_keep={n_keep}, aber Klasse {cls!r} hat nur {len(members)} Beispiele.")
    rng = np.random.default_rng(seed)
    keep = np.concatenate([np.flatnonzero(y != cls), rng.choice(members, n_keep, replace=False)])
    keep.sort()
    return X[keep], y[keep]


# ---------------------------------------------------------------------------
# Scheinkorrelation: ein Wasserzeichen-Pixel
# ---------------------------------------------------------------------------

def add_watermark(X: np.ndarray, which=None, *, pixels=((0, 0), (0, 7)),
                  value: float = 1.0) -> np.ndarray:
    """Kopie der Bilder ``X`` (Form ``(n, H, W)``), in der bei den durch ``which``
    ausgewählten Bildern (bool-Maske; ``None`` = alle) die Pixel ``pixels``
    (Folge von ``(zeile, spalte)``) auf ``value`` stehen – ein unauffälliges
    Wasserzeichen in den sonst leeren Ecken."""
    X = np.asarray(X)
    if X.ndim != 3:
        raise ValueError(f"X muss die Form (n, H, W) haben, nicht {X.shape}.")
    pixels = [tuple(p) for p in pixels]
    if not pixels:
        raise ValueError("pixels darf nicht leer sein.")
    for r, c in pixels:
        if not (0 <= r < X.shape[1] and 0 <= c < X.shape[2]):
            raise ValueError(
                f"Pixel {(r, c)} liegt außerhalb eines {X.shape[1]}×{X.shape[2]}-Bildes."
            )
    mask = np.ones(len(X), bool) if which is None else np.asarray(which, dtype=bool)
    if mask.shape != (len(X),):
        raise ValueError(f"which muss eine bool-Maske der Länge {len(X)} sein.")
    marked = X.copy()
    for r, c in pixels:
        marked[mask, r, c] = value
    return marked


# ---------------------------------------------------------------------------
# Adversariale Beispiele: Fast Gradient Sign Method
# ---------------------------------------------------------------------------

def fgsm_attack(model, x, y, eps: float):
    """Fast Gradient Sign Method (Goodfellow et al. 2015).

    Verschiebt jedes Pixel um ``eps`` in die Richtung, die den Verlust für das
    richtige Label ``y`` am stärksten erhöht, und schneidet auf [0, 1] zu.
    ``x``: Tensor ``(B, ...)`` mit Werten in [0, 1]; ``y``: ``(B,)`` Klassen.
    """
    import torch
    import torch.nn.functional as F

    if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError("x und y müssen torch-Tensoren sein.")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x und y haben verschiedene Batchgrößen ({x.shape[0]}, {y.shape[0]}).")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"eps muss in [0, 1] liegen, nicht {eps!r}.")
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


class CharNGramLM:
    """Zeichenbasiertes n-Gramm-Modell mit einfachem Rückzug (*backoff*).

    Für den nächsten Buchstaben nimmt es den längsten Kontext (höchstens
    ``order`` Zeichen), den es im Training gesehen hat, und verteilt die
    Wahrscheinlichkeit nach den gezählten Fortsetzungen. Es kennt also nur
    Zeichenfolgen – keine Fakten.
    """

    def __init__(self, config: NGramConfig | None = None):
        self.cfg = config if config is not None else NGramConfig()
        if not isinstance(self.cfg, NGramConfig):
            raise TypeError(f"config muss eine NGramConfig sein, nicht {type(self.cfg).__name__}.")
        _check_int("order", self.cfg.order, 1)
        if not self.cfg.temperature > 0:
            raise ValueError(f"temperature muss positiv sein, nicht {self.cfg.temperature!r}.")
        self.counts: dict[str, Counter] | None = None

    def fit(self, text: str) -> CharNGramLM:
        """Zählt alle Fortsetzungen für Kontexte der Länge 0 bis ``order``."""
        self.counts = {}
        return self.partial_fit(text)

    def partial_fit(self, text: str) -> CharNGramLM:
        """Zählt die Zeichenfolgen von ``text`` zu den bisherigen Zählungen hinzu."""
        if not isinstance(text, str):
            raise TypeError(f"text muss ein str sein, nicht {type(text).__name__}.")
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
        if not isinstance(prompt, str):
            raise TypeError("prompt muss ein str sein.")
        n_chars = _check_int("n_chars", n_chars, 1)
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
    candidates = list(candidates)
    if secret not in candidates:
        candidates.append(secret)
    if len(candidates) < 2:
        raise ValueError("Es braucht mindestens eine Alternative zum Geheimnis.")
    scores = {c: lm.log_prob(c, prefix) for c in candidates}
    return 1 + sum(s > scores[secret] for c, s in scores.items() if c != secret)


# ---------------------------------------------------------------------------
# Lernen aus Nutzerrückmeldungen: Vergiftung
# ---------------------------------------------------------------------------

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

    batch_size = _check_int("batch_size", batch_size, 1)
    base_epochs = _check_int("base_epochs", base_epochs, 1)
    base_labels, eval_labels = list(base_labels), list(eval_labels)
    if len(base_texts) != len(base_labels) or len(eval_texts) != len(eval_labels):
        raise ValueError("Texte und Labels müssen gleich lang sein.")
    stream = list(stream)
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
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold muss in (0, 1) liegen, nicht {threshold!r}.")

    def accept(model, X_new, labels):
        proba = model.predict_proba(X_new)
        pred = model.classes_[proba.argmax(axis=1)]
        sure = proba.max(axis=1) >= threshold
        return ~(sure & (pred != np.asarray(labels)))

    return accept
