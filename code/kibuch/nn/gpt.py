"""Ein kleines GPT (Decoder-only-Transformer) im Stil von nanoGPT.

Das Modell sagt zu jeder Position das nächste Token voraus. Es arbeitet hier
zeichenweise (``kibuch.text.tokens.CharTokenizer``) und lässt sich auf einer CPU in
wenigen Minuten auf einem deutschen Korpus trainieren. ``generate`` erzeugt
Text wahlweise mit KV-Cache (*key-value cache*): Schlüssel und Werte früherer
Positionen werden aufbewahrt, statt sie für jedes neue Token neu zu berechnen.

``train_gpt`` legt trainierte Gewichte im kibuch-Cache ab; der Schlüssel ist ein
Hash aus Modell-Config, Trainings-Config und Korpus.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from kibuch.nn.attention import feed_forward
from kibuch.text.sampling import sample


@dataclass
class GPTConfig:
    vocab_size: int = 100  # Anzahl der Tokens im Vokabular (vom Tokenizer vorgegeben)
    block_size: int = 128  # Kontextlänge: so viele Tokens sieht das Modell höchstens
    n_layer: int = 4  # Anzahl der Transformer-Blöcke
    n_head: int = 4  # Attention-Köpfe pro Block
    n_embd: int = 128  # Breite der Token-Vektoren
    dropout: float = 0.0  # Dropout (bei kurzem Training unnötig)

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        if self.n_embd % self.n_head:
            raise ValueError(
                f"n_embd ({self.n_embd}) muss durch n_head ({self.n_head}) teilbar sein."
            )
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout muss in [0, 1) liegen, nicht {self.dropout}.")


class CausalSelfAttention(nn.Module):
    """Kausale mehrköpfige Selbst-Aufmerksamkeit mit optionalem KV-Cache."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x, cache=None):
        b, t, c = x.shape  # (B, T, C)
        q, k, v = self.c_attn(x).split(c, dim=2)
        q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))
        if cache is not None:  # frühere Schlüssel und Werte voranstellen
            k = torch.cat([cache[0], k], dim=2)  # (B, h, T_alt + T, C/h)
            v = torch.cat([cache[1], v], dim=2)
        t_k = k.size(2)
        drop = self.dropout if self.training else 0.0
        if t == t_k:  # kein Cache: gewöhnliche kausale Maske
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=drop)
        else:  # neue Anfragen dürfen alle alten und die bisherigen neuen Positionen sehen
            allowed = torch.ones(t, t_k, dtype=torch.bool, device=x.device).tril(t_k - t)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=drop)
        y = y.transpose(1, 2).contiguous().view(b, t, c)  # (B, T, C)
        return self.c_proj(y), (k, v)


class Block(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = feed_forward(config.n_embd, 4, config.dropout)

    def forward(self, x, cache=None):
        a, new_cache = self.attn(self.ln_1(x), cache)
        x = x + a  # Residualverbindung
        x = x + self.mlp(self.ln_2(x))  # Residualverbindung
        return x, new_cache


class GPT(nn.Module):
    """Decoder-only-Transformer: Token- und Positions-Embedding, Blöcke, Ausgabeschicht."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError("config muss eine GPTConfig sein.")
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)  # Token-Embedding
        self.wpe = nn.Embedding(config.block_size, config.n_embd)  # gelernte Positionen
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # Gewichte teilen (weight tying)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx, targets=None, cache=None):
        """Logits (B, T, V); mit ``targets`` zusätzlich der Kreuzentropie-Verlust.

        ``cache`` ist eine Liste von (K, V)-Paaren je Block aus einem früheren Aufruf;
        zurückgegeben wird ``(logits, loss, neuer_cache)``.
        """
        b, t = idx.shape  # (B, T)
        past = 0 if cache is None else cache[0][0].size(2)
        if past + t > self.config.block_size:
            raise ValueError(
                f"Sequenz zu lang: {past + t} Tokens, "
                f"die Kontextlänge ist {self.config.block_size}."
            )
        pos = torch.arange(past, past + t, device=idx.device)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, C)
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, layer_cache = block(x, None if cache is None else cache[i])
            new_cache.append(layer_cache)
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss, new_cache

    @torch.no_grad()
    def generate(self, idx, max_new_tokens: int, *, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
                 use_cache: bool = True, generator=None):
        """Hängt ``max_new_tokens`` Tokens an ``idx`` (B, T) an.

        ``greedy=True`` nimmt immer das wahrscheinlichste Token, sonst wird mit
        ``kibuch.text.sampling.sample`` gezogen. Mit ``use_cache=False`` wird der ganze
        Kontext für jedes neue Token neu durch das Netz geschickt (naiv).
        """
        if not isinstance(max_new_tokens, int) or max_new_tokens < 0:
            raise ValueError(
                f"max_new_tokens muss eine ganze Zahl ≥ 0 sein, nicht {max_new_tokens!r}."
            )
        if idx.dim() != 2 or idx.size(1) < 1:
            raise ValueError("idx muss die Form (B, T) mit T ≥ 1 haben.")
        was_training = self.training
        self.eval()
        block = self.config.block_size
        cache = None
        for _ in range(max_new_tokens):
            if use_cache and cache is not None and cache[0][0].size(2) < block:
                logits, _, cache = self(idx[:, -1:], cache=cache)  # nur das neue Token
            else:  # (Neu-)Start: den ganzen (gekürzten) Kontext verarbeiten
                logits, _, cache = self(idx[:, -block:])
            logits = logits[:, -1, :]  # (B, V)
            if greedy:
                next_id = logits.argmax(dim=-1)
            else:
                next_id = sample(logits, temperature=temperature, top_k=top_k, top_p=top_p,
                                 generator=generator)
            idx = torch.cat([idx, next_id[:, None]], dim=1)  # (B, T + 1)
            if not use_cache:
                cache = None
        self.train(was_training)
        return idx


@dataclass
class TrainConfig:
    steps: int = 1200  # Optimierungsschritte
    batch_size: int = 32  # Textausschnitte pro Schritt
    lr: float = 3e-3  # Spitzen-Lernrate (AdamW, Cosinus-Abfall)
    warmup: int = 50  # Schritte mit linear steigender Lernrate
    weight_decay: float = 0.01
    val_fraction: float = 0.1  # Anteil des Korpus (am Ende) für die Validierung
    eval_every: int = 100  # alle so viele Schritte den Validierungsverlust messen
    seed: int = 0

    def __post_init__(self):
        for name in ("steps", "batch_size", "warmup", "eval_every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        if not self.lr > 0:
            raise ValueError(f"lr muss > 0 sein, nicht {self.lr}.")
        if not 0 < self.val_fraction < 0.5:
            raise ValueError(f"val_fraction muss in (0; 0,5) liegen, nicht {self.val_fraction}.")


def cache_key(config: GPTConfig, train_config: TrainConfig, text: str) -> str:
    """Hash aus Modell-Config, Trainings-Config und Korpus (16 Hex-Zeichen)."""
    if not isinstance(text, str):
        raise TypeError("text muss ein String sein.")
    corpus_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    payload = json.dumps(
        {"model": asdict(config), "train": asdict(train_config), "corpus": corpus_hash,
         "format": 1},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _lr_at(step: int, tc: TrainConfig) -> float:
    if step < tc.warmup:
        return tc.lr * (step + 1) / tc.warmup
    progress = (step - tc.warmup) / max(1, tc.steps - tc.warmup)
    return tc.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def _batch(data, block_size: int, batch_size: int, generator):
    starts = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([data[s : s + block_size] for s in starts.tolist()])  # (B, T)
    y = torch.stack([data[s + 1 : s + 1 + block_size] for s in starts.tolist()])  # (B, T)
    return x, y


@torch.no_grad()
def evaluate(model: GPT, data, *, batches: int = 8, batch_size: int = 32, seed: int = 123) -> float:
    """Mittlerer Kreuzentropie-Verlust (nats pro Token) auf zufälligen Ausschnitten."""
    gen = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    losses = []
    for _ in range(batches):
        x, y = _batch(data, model.config.block_size, batch_size, gen)
        losses.append(model(x.to(device), y.to(device))[1].item())
    model.train(was_training)
    return sum(losses) / len(losses)


def train_gpt(text: str, config: GPTConfig | None = None, train_config: TrainConfig | None = None,
              *, use_cache: bool = True, device=None, verbose: bool = False):
    """Trainiert ein zeichenbasiertes GPT auf ``text``.

    Gibt ``(model, tokenizer, info)`` zurück; ``info`` enthält den Verlauf
    (``history``: Liste von (Schritt, Trainingsverlust, Validierungsverlust)),
    die Trainingsdauer in Sekunden, den Cache-Schlüssel und ob aus dem Cache
    geladen wurde. Die ``vocab_size`` der Config wird an den Tokenizer angepasst.
    """
    from kibuch.core.cache import cache_dir
    from kibuch.core.device import get_device, set_seed
    from kibuch.text.tokens import CharTokenizer

    if not isinstance(text, str) or len(text) < 1000:
        raise ValueError("text muss ein String mit mindestens 1000 Zeichen sein.")
    config = config or GPTConfig()
    train_config = train_config or TrainConfig()
    if not isinstance(config, GPTConfig) or not isinstance(train_config, TrainConfig):
        raise TypeError("config muss eine GPTConfig und train_config eine TrainConfig sein.")
    tokenizer = CharTokenizer.from_text(text)
    config = GPTConfig(**{**asdict(config), "vocab_size": tokenizer.vocab_size})
    key = cache_key(config, train_config, text)
    path = cache_dir("gpt") / f"gpt-{key}.pt"
    device = torch.device(device) if device is not None else get_device()

    model = GPT(config)
    if use_cache and path.is_file():
        state = torch.load(path, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        info = {**state["info"], "from_cache": True, "path": path}
        return model.to(device).eval(), tokenizer, info

    set_seed(train_config.seed)
    model = GPT(config).to(device)  # nach dem Seed neu anlegen: reproduzierbare Startgewichte
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    n_val = int(len(data) * train_config.val_fraction)
    train_data, val_data = data[:-n_val], data[-n_val:]
    if min(len(train_data), len(val_data)) <= config.block_size + 1:
        raise ValueError("Der Text ist zu kurz für diese Kontextlänge.")
    opt = torch.optim.AdamW(model.parameters(), lr=train_config.lr,
                            weight_decay=train_config.weight_decay, betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(train_config.seed)
    history = []
    start = time.perf_counter()
    model.train()
    for step in range(train_config.steps):
        for group in opt.param_groups:
            group["lr"] = _lr_at(step, train_config)
        x, y = _batch(train_data, config.block_size, train_config.batch_size, gen)
        _, loss, _ = model(x.to(device), y.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last = step == train_config.steps - 1
        if (step + 1) % train_config.eval_every == 0 or last:
            val = evaluate(model, val_data)
            history.append((step + 1, loss.item(), val))
            if verbose:
                print(f"Schritt {step + 1:5d}: Training {loss.item():.3f}, Validierung {val:.3f}")
    seconds = time.perf_counter() - start
    model.eval()
    info = {"history": history, "seconds": seconds, "key": key, "params": model.num_params(),
            "device": str(device)}
    if use_cache:
        tmp = path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "info": info, "config": asdict(config)}, tmp)
        tmp.replace(path)
    return model, tokenizer, {**info, "from_cache": False, "path": path}
