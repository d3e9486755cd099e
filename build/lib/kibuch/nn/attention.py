"""Aufmerksamkeit (*attention*) und Transformer-Block von Grund auf.

Die Bausteine folgen Vaswani et al. (2017): skaliertes Skalarprodukt
``softmax(Q Kᵀ / √d_k) V`` (``d_k`` = Breite der Schlüssel eines Kopfs), mehrere Köpfe
mit Ausgangsprojektion ``W_O``, sinusförmige Positionskodierung und ein Block aus
Attention und Feed-Forward-Netz mit Residualverbindungen und Layer-Normalisierung.

Der Block normalisiert *vor* Attention und Feed-Forward-Netz („Pre-LN“), wie GPT-2 und
die meisten heutigen Decoder. Der ursprüngliche Transformer, BERT und MiniLM
normalisieren dagegen *nach* der Residualaddition („Post-LN“):
``x = Norm(x + Attention(x))``.

Es gibt genau eine mehrköpfige Selbst-Aufmerksamkeit (:class:`MultiHeadSelfAttention`)
und einen Block (:class:`TransformerBlock`): Kapitel 3.4 schaut sich damit
Attention-Gewichte an, das GPT in :mod:`kibuch.nn.gpt` stapelt dieselben Blöcke und
nutzt ihren KV-Cache beim Generieren.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from kibuch.core.checks import (
    check_bool,
    check_instance,
    check_int,
    check_probability,
)
from kibuch.core.device import as_device

#: Obergrenze für Längen und Breiten (Schutz vor versehentlich riesigen Tensoren).
MAX_SIZE = 65_536


def causal_mask(t: int, device=None):
    """Boolesche Maske (t, t): ``True`` dort, wo ein Token hinschauen darf."""
    t = check_int("t", t, minimum=1, maximum=MAX_SIZE)
    device = as_device(device) if device is not None else None
    return torch.ones(t, t, dtype=torch.bool, device=device).tril()


def _check_qkv(q, k, v, causal, mask) -> None:
    """Formen von Anfragen, Schlüsseln, Werten und Maske prüfen (für :func:`attention`)."""
    check_bool("causal", causal)
    for name, x in (("q", q), ("k", k), ("v", v)):
        check_instance(name, x, torch.Tensor, "ein torch.Tensor")
        if x.dim() < 2:
            raise ValueError(f"{name} braucht mindestens 2 Dimensionen (…, T, Breite), "
                             f"hat aber die Form {tuple(x.shape)}.")
    if q.size(-1) != k.size(-1):
        raise ValueError(f"q und k brauchen dieselbe Breite d_k, "
                         f"nicht {q.size(-1)} und {k.size(-1)}.")
    if k.size(-2) != v.size(-2):
        raise ValueError(f"k und v brauchen dieselbe Anzahl Positionen, "
                         f"nicht {k.size(-2)} und {v.size(-2)}.")
    try:
        torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except RuntimeError:
        raise ValueError(f"Die vorderen Dimensionen von q, k und v passen nicht zusammen: "
                         f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}.") from None
    if min(q.numel(), k.numel(), v.numel()) == 0:
        raise ValueError("q, k und v dürfen nicht leer sein.")
    if mask is not None and (not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool):
        raise TypeError("mask muss ein boolescher Tensor sein (True = erlaubt).")


def attention(q, k, v, *, causal: bool = False, mask=None):
    """Skaliertes Skalarprodukt-Attention; gibt ``(Ausgabe, Gewichte)`` zurück.

    ``q`` hat die Form ``(…, T_q, d_k)``, ``k`` ``(…, T_k, d_k)``, ``v`` ``(…, T_k, d_v)``;
    die Skalarprodukte werden durch ``√d_k`` geteilt.
    ``mask`` ist optional boolesch (``True`` = erlaubt) und muss auf
    ``(…, T_q, T_k)`` broadcastbar sein; ``causal=True`` verbietet den Blick auf
    spätere Positionen.
    """
    _check_qkv(q, k, v, causal, mask)
    d_k = q.size(-1)  # Breite der Anfragen und Schlüssel (bei mehreren Köpfen: je Kopf)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (…, T_q, T_k)
    if causal:
        t_q, t_k = q.size(-2), k.size(-2)
        # die letzten T_q Positionen der Schlüssel gehören zu den Anfragen
        allowed = torch.ones(t_q, t_k, dtype=torch.bool, device=q.device).tril(t_k - t_q)
        scores = scores.masked_fill(~allowed, float("-inf"))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (…, T_q, T_k), jede Zeile summiert zu 1
    return weights @ v, weights  # (…, T_q, d_v)


def sinusoidal_positions(n_positions: int, d_model: int):
    """Sinusförmige Positionskodierung (n_positions, d_model) nach Vaswani et al.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/d))``, ``PE[pos, 2i+1] = cos(…)``.
    """
    n_positions = check_int("n_positions", n_positions, minimum=1, maximum=MAX_SIZE)
    d_model = check_int("d_model", d_model, minimum=2, maximum=MAX_SIZE)
    if d_model % 2:
        raise ValueError(f"d_model muss gerade sein, nicht {d_model}.")
    pos = torch.arange(n_positions, dtype=torch.float32)[:, None]  # (P, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2) / d_model)  # (d/2,)
    pe = torch.zeros(n_positions, d_model)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe


@dataclass
class BlockConfig:
    n_embd: int = 64  # Breite der Token-Vektoren
    n_head: int = 4  # Anzahl der Attention-Köpfe (n_embd muss durch n_head teilbar sein)
    ff_mult: int = 4  # das Feed-Forward-Netz ist ff_mult-mal so breit
    dropout: float = 0.0  # Dropout-Wahrscheinlichkeit (nach Attention und Feed-Forward-Netz)
    causal: bool = True  # True: Decoder (GPT), False: Encoder (BERT)
    fused: bool = False  # True: torch' schnelle scaled_dot_product_attention (ohne Gewichte)

    def __post_init__(self):
        self.n_embd = check_int("n_embd", self.n_embd, minimum=1, maximum=MAX_SIZE)
        self.n_head = check_int("n_head", self.n_head, minimum=1)
        self.ff_mult = check_int("ff_mult", self.ff_mult, minimum=1, maximum=64)
        self.dropout = check_probability("dropout", self.dropout, open_max=True)
        self.causal = check_bool("causal", self.causal)
        self.fused = check_bool("fused", self.fused)
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) muss durch n_head ({self.n_head}) "
                             "teilbar sein.")


class MultiHeadSelfAttention(nn.Module):
    """Mehrköpfige Selbst-Aufmerksamkeit: Q, K, V entstehen aus derselben Eingabe.

    ``qkv`` bildet Anfragen, Schlüssel und Werte aller Köpfe auf einmal (je Kopf die Breite
    ``d_k = n_embd / n_head``); die Ausgaben der Köpfe werden nebeneinandergelegt und mit der
    Ausgangsprojektion ``proj`` (``W_O`` bei Vaswani et al.) wieder gemischt.

    ``forward(x, cache)`` gibt ``(Ausgabe, (K, V))`` zurück. ``(K, V)`` enthält Schlüssel
    und Werte aller bisherigen Positionen; beim nächsten Aufruf als ``cache`` übergeben,
    muss nur noch das neue Token berechnet werden (KV-Cache). Die Attention-Gewichte des
    letzten Aufrufs liegen in ``last_weights`` (zum Anschauen).
    """

    def __init__(self, config: BlockConfig):
        super().__init__()
        self.config = check_instance("config", config, BlockConfig, "eine BlockConfig")
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)  # Q, K, V auf einmal
        self.proj = nn.Linear(config.n_embd, config.n_embd)  # W_O: mischt die Köpfe
        self.drop = nn.Dropout(config.dropout)
        self.last_weights = None  # (B, h, T, T_alt + T) aus dem letzten Aufruf

    def forward(self, x, cache=None):
        _check_input(x, cache, self.config.n_embd)
        b, t, c = x.shape  # (B, T, C)
        h = self.config.n_head
        q, k, v = self.qkv(x).split(c, dim=-1)  # je (B, T, C)
        # in Köpfe aufteilen: (B, T, C) -> (B, h, T, C/h)
        q, k, v = (z.view(b, t, h, c // h).transpose(1, 2) for z in (q, k, v))
        if cache is not None:  # Schlüssel und Werte früherer Positionen voranstellen
            k = torch.cat([cache[0], k], dim=2)  # (B, h, T_alt + T, C/h)
            v = torch.cat([cache[1], v], dim=2)
        if self.config.fused and (cache is None or t == 1):
            # gleiche Rechnung wie attention(), als ein optimierter Kern; mit Cache und einem
            # neuen Token darf es ohnehin alle Positionen sehen
            causal = self.config.causal and cache is None
            out = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, h, T, C/h)
            self.last_weights = None  # der schnelle Kern gibt keine Gewichte heraus
        else:
            out, weights = attention(q, k, v, causal=self.config.causal)  # (B, h, T, C/h)
            self.last_weights = weights.detach()
        out = out.transpose(1, 2).reshape(b, t, c)  # Köpfe wieder nebeneinander
        return self.drop(self.proj(out)), (k, v)


def _check_input(x, cache, n_embd: int) -> None:
    """Eingabe (B, T, C) und optionalen Cache (K, V) prüfen."""
    check_instance("x", x, torch.Tensor, "ein torch.Tensor")
    if x.dim() != 3 or x.size(-1) != n_embd:
        raise ValueError(f"x muss die Form (B, T, {n_embd}) haben, nicht {tuple(x.shape)}.")
    if cache is not None:
        check_instance("cache", cache, (tuple, list), "ein Paar (K, V) oder None")
        if len(cache) != 2 or cache[0].shape != cache[1].shape or cache[0].size(0) != x.size(0):
            raise ValueError("cache muss ein Paar (K, V) gleicher Form (B, h, T_alt, C/h) sein.")


def feed_forward(n_embd: int, mult: int = 4, dropout: float = 0.0) -> nn.Sequential:
    """Feed-Forward-Teil eines Transformer-Blocks: (B, T, C) -> (B, T, mult·C) -> (B, T, C)."""
    n_embd = check_int("n_embd", n_embd, minimum=1, maximum=MAX_SIZE)
    mult = check_int("mult", mult, minimum=1, maximum=64)
    dropout = check_probability("dropout", dropout, open_max=True)
    return nn.Sequential(
        nn.Linear(n_embd, mult * n_embd),
        nn.GELU(),
        nn.Linear(mult * n_embd, n_embd),
        nn.Dropout(dropout),
    )


class TransformerBlock(nn.Module):
    """Ein Transformer-Block (Pre-LN): x + Attention(Norm(x)), dann x + FeedForward(Norm(x)).

    Die Normalisierung steht vor jedem Teil wie bei GPT-2; BERT und MiniLM normalisieren
    nach der Residualaddition (Post-LN).
    """

    def __init__(self, config: BlockConfig):
        super().__init__()
        check_instance("config", config, BlockConfig, "eine BlockConfig")
        self.ln1 = nn.LayerNorm(config.n_embd)
        self.attn = MultiHeadSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.n_embd)
        self.ff = feed_forward(config.n_embd, config.ff_mult, config.dropout)

    def forward(self, x, cache=None):  # (B, T, C) -> (B, T, C) und (K, V) für den KV-Cache
        a, cache = self.attn(self.ln1(x), cache)
        x = x + a  # Residualverbindung um die Attention
        x = x + self.ff(self.ln2(x))  # Residualverbindung um das Feed-Forward-Netz
        return x, cache
