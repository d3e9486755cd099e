"""Sampling für Sprachmodelle: Temperatur, Top-k und Top-p von Grund auf.

Ein Sprachmodell liefert für das nächste Token einen Vektor von Logits (rohe
Punktzahlen, eine pro Token im Vokabular). ``filter_logits`` formt diese
Verteilung um, ``sample`` zieht daraus ein Token. Die Semantik entspricht genau
den Klassen ``TemperatureLogitsWarper``, ``TopKLogitsWarper`` und
``TopPLogitsWarper`` aus ``transformers.generation.logits_process``, angewandt
in dieser Reihenfolge: erst Temperatur, dann Top-k, dann Top-p.

Beispiel::

    logits = model(idx)[:, -1, :]                 # (B, V)
    next_id = sample(logits, temperature=0.7, top_p=0.9)  # (B,)
"""

from __future__ import annotations

import math
from numbers import Integral, Real


def _check_options(temperature, top_k, top_p) -> None:
    """Prüft die Sampling-Parameter und wirft verständliche Fehler."""
    if isinstance(temperature, bool) or not isinstance(temperature, Real):
        raise TypeError(f"temperature muss eine Zahl sein, nicht {type(temperature).__name__}.")
    if not math.isfinite(float(temperature)) or temperature <= 0:
        raise ValueError(
            f"temperature muss eine endliche Zahl > 0 sein, nicht {temperature!r}. "
            "Für „Temperatur 0“ (immer das wahrscheinlichste Token) nehmen Sie argmax."
        )
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, Integral):
            raise TypeError(f"top_k muss eine ganze Zahl oder None sein, nicht {top_k!r}.")
        if top_k < 1:
            raise ValueError(f"top_k muss mindestens 1 sein, nicht {top_k}.")
    if top_p is not None:
        if isinstance(top_p, bool) or not isinstance(top_p, Real):
            raise TypeError(f"top_p muss eine Zahl oder None sein, nicht {top_p!r}.")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p muss im Intervall (0, 1] liegen, nicht {top_p!r}.")


def filter_logits(logits, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None):
    """Skaliert Logits mit der Temperatur und setzt aussortierte Tokens auf -inf.

    ``logits`` ist ein Gleitkomma-Tensor der Form ``(V,)`` oder ``(B, V)``; die
    letzte Achse läuft über das Vokabular. Das Ergebnis hat dieselbe Form.

    - Temperatur: ``logits / temperature``. Werte < 1 schärfen die Verteilung,
      Werte > 1 machen sie flacher.
    - Top-k: behält die ``top_k`` Tokens mit den größten Logits (bei Gleichstand
      an der Grenze auch alle gleich großen).
    - Top-p (*nucleus sampling*): behält die kleinste Menge der wahrscheinlichsten
      Tokens, deren Wahrscheinlichkeit zusammen mehr als ``top_p`` ausmacht;
      mindestens ein Token bleibt immer erhalten.
    """
    import torch

    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits muss ein torch.Tensor sein, nicht {type(logits).__name__}.")
    if logits.dim() not in (1, 2) or logits.size(-1) == 0:
        raise ValueError(
            f"logits muss die Form (V,) oder (B, V) mit V ≥ 1 haben, nicht {tuple(logits.shape)}."
        )
    if not logits.is_floating_point():
        raise TypeError(f"logits muss Gleitkommazahlen enthalten, nicht {logits.dtype}.")
    _check_options(temperature, top_k, top_p)

    scores = logits / float(temperature)  # (…, V)
    neg_inf = float("-inf")
    if top_k is not None:
        k = min(int(top_k), scores.size(-1))
        kth_best = torch.topk(scores, k, dim=-1).values[..., -1:]  # (…, 1)
        scores = scores.masked_fill(scores < kth_best, neg_inf)
    if top_p is not None:
        # aufsteigend sortieren: die unwahrscheinlichsten Tokens stehen vorn
        sorted_scores, sorted_idx = torch.sort(scores, descending=False, dim=-1)
        cum_probs = sorted_scores.softmax(dim=-1).cumsum(dim=-1)  # (…, V)
        # entfernen, solange die aufsummierte Masse ≤ 1 - top_p ist
        sorted_remove = cum_probs <= (1 - float(top_p))
        sorted_remove[..., -1:] = False  # das beste Token bleibt immer
        remove = sorted_remove.scatter(-1, sorted_idx, sorted_remove)
        scores = scores.masked_fill(remove, neg_inf)
    return scores


def sample(logits, *, temperature: float = 1.0, top_k: int | None = None,
           top_p: float | None = None, generator=None):
    """Zieht ein Token aus den gefilterten Logits.

    Gibt für ``logits`` der Form ``(B, V)`` einen Tensor ``(B,)`` mit Token-IDs
    zurück, für ``(V,)`` einen 0-dimensionalen Tensor. ``generator`` ist ein
    optionaler ``torch.Generator`` für reproduzierbares Ziehen.
    """
    import torch

    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator muss ein torch.Generator sein, nicht {type(generator).__name__}."
        )
    scores = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    probs = torch.softmax(scores.float(), dim=-1)  # (…, V)
    flat = probs.reshape(-1, probs.size(-1))  # (B, V)
    ids = torch.multinomial(flat, num_samples=1, generator=generator).squeeze(-1)  # (B,)
    return ids.reshape(probs.shape[:-1])
