"""Zeichen-n-Gramme mit Kneser-Ney-Glättung: die Messlatte für das kleine GPT.

Ein n-Gramm-Modell schätzt die Wahrscheinlichkeit des nächsten Zeichens aus den
``n - 1`` Zeichen davor, allein durch Zählen. Ungesehene Kontexte fängt die
interpolierte Kneser-Ney-Glättung ab (Chen & Goodman 1999): Von jeder Zählung wird ein
fester Rabatt ``discount`` abgezogen, und die frei gewordene Masse geht an das Modell
mit einem Zeichen kürzerem Kontext. Das unterste Modell ist die Gleichverteilung über
das Vokabular.

    lm = CharNGram(order=4).fit(train_text)
    lm.cross_entropy(val_text)   # nats pro Zeichen, vergleichbar mit dem GPT-Verlust
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from kibuch.core.checks import check_float, check_instance, check_int, check_str


@dataclass
class CharNGram:
    order: int = 4  # n: Länge des n-Gramms (Kontext = n - 1 Zeichen); 1 = Unigramm
    discount: float = 0.75  # Rabatt D je Zählung, üblicher Wert nach Chen & Goodman

    def __post_init__(self):
        self.order = check_int("order", self.order, minimum=1, maximum=12)
        self.discount = check_float("discount", self.discount, 0.0, 1.0, open_min=True,
                                    open_max=True)
        self._fitted = False

    def fit(self, text: str) -> CharNGram:
        """Zählt alle n-Gramme bis zur Länge ``order`` in ``text``."""
        text = check_str("text", text)
        if len(text) <= self.order:
            raise ValueError(f"text muss länger als order = {self.order} Zeichen sein.")
        self.vocab = sorted(set(text))  # bekannte Zeichen
        # counts[k][kontext][zeichen]: Häufigkeit, mit der `zeichen` auf `kontext` folgt
        # (k = Länge des Kontexts). Auf der obersten Stufe zählen echte Vorkommen, auf den
        # unteren die Zahl verschiedener Vorgänger (Kneser-Ney: „in wie vielen Kontexten?“).
        top = self.order - 1
        self.counts = [defaultdict(Counter) for _ in range(self.order)]
        for i in range(top, len(text)):
            self.counts[top][text[i - top : i]][text[i]] += 1
        for k in range(top, 0, -1):  # Fortsetzungszählungen: Kontext k → Kontext k - 1
            for context, nexts in self.counts[k].items():
                for char in nexts:
                    self.counts[k - 1][context[1:]][char] += 1
        # Je Kontext: Summe der Zählungen und Zahl verschiedener Folgezeichen.
        self.totals = [{c: sum(n.values()) for c, n in level.items()} for level in self.counts]
        self.types = [{c: len(n) for c, n in level.items()} for level in self.counts]
        self._fitted = True
        return self

    def prob(self, context: str, char: str) -> float:
        """P(char | die letzten order - 1 Zeichen von context), rekursiv geglättet."""
        self._check_fitted()
        check_instance("context", context, str, "ein Text (str)")
        if not isinstance(char, str) or len(char) != 1:
            raise ValueError(f"char muss genau ein Zeichen sein, nicht {char!r}.")
        return self._prob(context, char)

    def _prob(self, context: str, char: str) -> float:
        p = 1.0 / (len(self.vocab) + 1)  # Gleichverteilung (+1: ein unbekanntes Zeichen)
        context = context[len(context) - (self.order - 1):] if self.order > 1 else ""
        for k in range(0, self.order):  # vom leeren Kontext aufwärts
            if k > len(context):
                break
            ctx = context[len(context) - k:] if k else ""
            total = self.totals[k].get(ctx)
            if not total:
                continue  # Kontext nie gesehen: Wahrscheinlichkeit der Stufe darunter
            count = self.counts[k][ctx].get(char, 0)
            backoff = self.discount * self.types[k][ctx] / total  # frei gewordene Masse
            p = max(count - self.discount, 0.0) / total + backoff * p
        return p

    def cross_entropy(self, text: str) -> float:
        """Mittlere negative Log-Wahrscheinlichkeit in nats pro Zeichen auf ``text``.

        Die ersten ``order - 1`` Zeichen dienen nur als Kontext; gewertet werden alle
        Zeichen danach (wie beim GPT, das jedes Zeichen aus seinen Vorgängern vorhersagt).
        """
        self._check_fitted()
        text = check_str("text", text)
        start = self.order - 1
        if len(text) <= start:
            raise ValueError(f"text muss länger als order - 1 = {start} Zeichen sein.")
        nll = 0.0
        for i in range(start, len(text)):
            nll -= math.log(self._prob(text[i - start : i], text[i]))
        return nll / (len(text) - start)

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise RuntimeError("Das n-Gramm-Modell ist noch nicht trainiert: zuerst fit(text).")
