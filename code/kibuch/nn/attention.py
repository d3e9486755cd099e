"""Aufmerksamkeit (*attention*) und Transformer-Block von Grund auf.

Die Bausteine folgen Vaswani et al. (2017): skaliertes Skalarprodukt
``softmax(Q Kᵀ / √d) V``, mehrere Köpfe, sinusförmige Positionskodierung und
ein Block aus Attention und Feed-Forward-Netz mit Residualverbindungen und
Layer-Normalisierung (hier in der heute üblichen „Pre-Norm“-Variante).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


def causal_mask(t: int, device=None):
    """Boolesche Maske (t, t): ``True`` dort, wo ein Token hinschauen darf."""
    if not isinstance(t, int) or t < 1:
        raise ValueError(f"t muss eine ganze Zahl ≥ 1 sein, nicht {t!r}.")
    return torch.ones(t, t, dtype=torch.bool, device=device).tril()


def attention(q, k, v, *, causal: bool = False, mask=None):
    """Skaliertes Skalarprodukt-Attention; gibt ``(Ausgabe, Gewichte)`` zurück.

    ``q`` hat die Form ``(…, T_q, d)``, ``k`` ``(…, T_k, d)``, ``v`` ``(…, T_k, d_v)``.
    ``mask`` ist optional boolesch (``True`` = erlaubt) und muss auf
    ``(…, T_q, T_k)`` broadcastbar sein; ``causal=True`` verbietet den Blick auf
    spätere Positionen.
    """
    for name, x in (("q", q), ("k", k), ("v", v)):
        if not isinstance(x, torch.Tensor) or x.dim() < 2:
            raise ValueError(f"{name} muss ein Tensor mit mindestens 2 Dimensionen sein.")
    if q.size(-1) != k.size(-1):
        raise ValueError(
            f"q und k brauchen dieselbe Breite d, nicht {q.size(-1)} und {k.size(-1)}."
        )
    if k.size(-2) != v.size(-2):
        raise ValueError("k und v brauchen dieselbe Anzahl Positionen.")
    d = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (…, T_q, T_k)
    if causal:
        t_q, t_k = q.size(-2), k.size(-2)
        # die letzten T_q Positionen der Schlüssel gehören zu den Anfragen
        allowed = torch.ones(t_q, t_k, dtype=torch.bool, device=q.device).tril(t_k - t_q)
        scores = scores.masked_fill(~allowed, float("-inf"))
    if mask is not None:
        if mask.dtype != torch.bool:
            raise TypeError("mask muss boolesch sein (True = erlaubt).")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (…, T_q, T_k), jede Zeile summiert zu 1
    return weights @ v, weights  # (…, T_q, d_v)


def sinusoidal_positions(n_positions: int, d_model: int):
    """Sinusförmige Positionskodierung (n_positions, d_model) nach Vaswani et al.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/d))``, ``PE[pos, 2i+1] = cos(…)``.
    """
    if not isinstance(n_positions, int) or n_positions < 1:
        raise ValueError(f"n_positions muss ≥ 1 sein, nicht {n_positions!r}.")
    if not isinstance(d_model, int) or d_model < 2 or d_model % 2:
        raise ValueError(f"d_model muss eine gerade Zahl ≥ 2 sein, nicht {d_model!r}.")
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
    dropout: float = 0.0  # Dropout-Wahrscheinlichkeit
    causal: bool = True  # True: Decoder (GPT), False: Encoder (BERT)

    def __post_init__(self):
        if self.n_embd < 1 or self.n_head < 1 or self.n_embd % self.n_head:
            raise ValueError(
                f"n_embd ({self.n_embd}) muss positiv und durch n_head ({self.n_head}) "
                "teilbar sein."
            )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout muss in [0, 1) liegen, nicht {self.dropout}.")


class MultiHeadSelfAttention(nn.Module):
    """Mehrköpfige Selbst-Aufmerksamkeit: Q, K, V entstehen aus derselben Eingabe."""

    def __init__(self, config: BlockConfig):
        super().__init__()
        self.config = config
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)  # Q, K, V auf einmal
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.last_weights = None  # Attention-Gewichte des letzten Aufrufs (zum Anschauen)

    def forward(self, x):
        b, t, c = x.shape  # (B, T, C)
        h = self.config.n_head
        q, k, v = self.qkv(x).split(c, dim=-1)  # je (B, T, C)
        # in Köpfe aufteilen: (B, T, C) -> (B, h, T, C/h)
        q, k, v = (z.view(b, t, h, c // h).transpose(1, 2) for z in (q, k, v))
        out, weights = attention(q, k, v, causal=self.config.causal)  # (B, h, T, C/h)
        self.last_weights = weights.detach()  # (B, h, T, T)
        out = out.transpose(1, 2).reshape(b, t, c)  # Köpfe wieder nebeneinander
        return self.proj(out)


def feed_forward(n_embd: int, mult: int = 4, dropout: float = 0.0) -> nn.Sequential:
    """Feed-Forward-Teil eines Transformer-Blocks: (B, T, C) -> (B, T, mult·C) -> (B, T, C).

    Wird von :class:`TransformerBlock` und vom GPT in :mod:`kibuch.nn.gpt` geteilt.
    """
    return nn.Sequential(
        nn.Linear(n_embd, mult * n_embd),
        nn.GELU(),
        nn.Linear(mult * n_embd, n_embd),
        nn.Dropout(dropout),
    )


class TransformerBlock(nn.Module):
    """Ein Transformer-Block: x + Attention(Norm(x)), dann x + FeedForward(Norm(x))."""

    def __init__(self, config: BlockConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(config.n_embd)
        self.attn = MultiHeadSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.n_embd)
        self.ff = feed_forward(config.n_embd, config.ff_mult, config.dropout)

    def forward(self, x):  # (B, T, C) -> (B, T, C)
        x = x + self.attn(self.ln1(x))  # Residualverbindung um die Attention
        x = x + self.ff(self.ln2(x))  # Residualverbindung um das Feed-Forward-Netz
        return x


def reference_attention(q, k, v, *, causal: bool = False):
    """Dasselbe mit PyTorchs optimierter Funktion (zum Vergleich)."""
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
