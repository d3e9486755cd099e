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

from kibuch.core.checks import check_float, check_instance, check_int, check_probability


def check_sampling_options(temperature, top_k, top_p) -> None:
    """Prüft die Sampling-Parameter (für „Temperatur 0“ nimmt man argmax, nicht T = 0)."""
    check_float("temperature", temperature, minimum=0.0, open_min=True)
    if top_k is not None:
        check_int("top_k", top_k, minimum=1)
    if top_p is not None:
        check_probability("top_p", top_p, open_min=True)


def _check_logits(logits) -> None:
    import torch

    check_instance("logits", logits, torch.Tensor, "ein torch.Tensor")
    if logits.dim() not in (1, 2) or logits.size(-1) == 0:
        raise ValueError(
            f"logits muss die Form (V,) oder (B, V) mit V ≥ 1 haben, nicht {tuple(logits.shape)}."
        )
    if not logits.is_floating_point():
        raise TypeError(f"logits muss Gleitkommazahlen enthalten, nicht {logits.dtype}.")
    if logits.numel() == 0:
        raise ValueError("logits ist leer.")
    if torch.isnan(logits).any() or torch.isposinf(logits).any():
        raise ValueError("logits enthält NaN oder +inf (−inf für ausgeschlossene Tokens ist "
                         "erlaubt).")


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
      Tokens, deren Wahrscheinlichkeit zusammen mindestens ``top_p`` ausmacht;
      mindestens ein Token bleibt immer erhalten.
    """
    import torch

    _check_logits(logits)
    check_sampling_options(temperature, top_k, top_p)

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

    if generator is not None:
        check_instance("generator", generator, torch.Generator, "ein torch.Generator oder None")
    scores = filter_logits(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    probs = torch.softmax(scores.float(), dim=-1)  # (…, V)
    flat = probs.reshape(-1, probs.size(-1))  # (B, V)
    ids = torch.multinomial(flat, num_samples=1, generator=generator).squeeze(-1)  # (B,)
    return ids.reshape(probs.shape[:-1])
