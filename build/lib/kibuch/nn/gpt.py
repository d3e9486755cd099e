"""Ein kleines GPT (Decoder-only-Transformer) im Stil von nanoGPT.

Das Modell sagt zu jeder Position das nächste Token voraus. Es arbeitet hier
zeichenweise (``kibuch.text.tokens.CharTokenizer``) und lässt sich auf einer CPU in
wenigen Minuten auf einem deutschen Korpus trainieren. Die Blöcke sind dieselben
:class:`~kibuch.nn.attention.TransformerBlock` wie in Kapitel 3.4 (kausal).
``generate`` erzeugt Text wahlweise mit KV-Cache (*key-value cache*): Schlüssel und
Werte früherer Positionen werden aufbewahrt, statt sie für jedes neue Token neu zu
berechnen.

``train_gpt`` trainiert mit der gemeinsamen Schleife :func:`kibuch.training.loop.fit`
und legt die Gewichte im Artefakt-Cache ab (:func:`kibuch.core.artifacts.load_or_train`);
der Schlüssel umfasst Modell-Config, Trainings-Config und Korpus.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from kibuch.core.checks import (
    check_bool,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_str,
)
from kibuch.nn.attention import BlockConfig, TransformerBlock
from kibuch.text.sampling import check_sampling_options, sample
from kibuch.training.loop import TrainConfig, fit, train_config_with


@dataclass
class GPTConfig:
    vocab_size: int = 100  # Anzahl der Tokens im Vokabular (vom Tokenizer vorgegeben)
    block_size: int = 128  # Kontextlänge: so viele Tokens sieht das Modell höchstens
    n_layer: int = 4  # Anzahl der Transformer-Blöcke
    n_head: int = 4  # Attention-Köpfe pro Block
    n_embd: int = 128  # Breite der Token-Vektoren
    dropout: float = 0.0  # Dropout (bei kurzem Training unnötig)
    fused: bool = True  # schneller Attention-Kern von torch (False: eigene Implementierung)

    def __post_init__(self):
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            setattr(self, name, check_int(name, getattr(self, name), minimum=1))
        self.dropout = check_probability("dropout", self.dropout, open_max=True)
        self.fused = check_bool("fused", self.fused)
        if self.n_embd % self.n_head:
            raise ValueError(
                f"n_embd ({self.n_embd}) muss durch n_head ({self.n_head}) teilbar sein."
            )


class GPT(nn.Module):
    """Decoder-only-Transformer: Token- und Positions-Embedding, Blöcke, Ausgabeschicht."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = check_instance("config", config, GPTConfig, "eine GPTConfig")
        block = BlockConfig(n_embd=config.n_embd, n_head=config.n_head, ff_mult=4,
                            dropout=config.dropout, causal=True, fused=config.fused)
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)  # Token-Embedding
        self.wpe = nn.Embedding(config.block_size, config.n_embd)  # gelernte Positionen
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(TransformerBlock(block) for _ in range(config.n_layer))
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
        past = self._check_forward(idx, targets, cache)
        b, t = idx.shape  # (B, T)
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

    def _check_forward(self, idx, targets, cache) -> int:
        """Prüft die Eingaben von ``forward``; gibt die Zahl der Positionen im Cache zurück."""
        _check_idx(idx)
        if targets is not None and (not isinstance(targets, torch.Tensor)
                                    or targets.shape != idx.shape):
            raise ValueError(f"targets muss ein Tensor der Form {tuple(idx.shape)} sein.")
        if cache is not None:
            check_instance("cache", cache, (list, tuple), "eine Liste von (K, V)-Paaren")
            if len(cache) != self.config.n_layer:
                raise ValueError(f"cache braucht {self.config.n_layer} Einträge (einen je "
                                 f"Block), nicht {len(cache)}.")
        past = 0 if cache is None else cache[0][0].size(2)
        if past + idx.size(1) > self.config.block_size:
            raise ValueError(
                f"Sequenz zu lang: {past + idx.size(1)} Tokens, "
                f"die Kontextlänge ist {self.config.block_size}."
            )
        return past

    @torch.no_grad()
    def generate(self, idx, max_new_tokens: int, *, temperature: float = 1.0,
                 top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
                 use_cache: bool = True, generator=None):
        """Hängt ``max_new_tokens`` Tokens an ``idx`` (B, T) an.

        ``greedy=True`` nimmt immer das wahrscheinlichste Token, sonst wird mit
        ``kibuch.text.sampling.sample`` gezogen. Mit ``use_cache=False`` wird der ganze
        Kontext für jedes neue Token neu durch das Netz geschickt (naiv).
        """
        max_new_tokens = check_int("max_new_tokens", max_new_tokens, minimum=0)
        greedy, use_cache = check_bool("greedy", greedy), check_bool("use_cache", use_cache)
        check_sampling_options(temperature, top_k, top_p)
        _check_idx(idx)
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


def _check_idx(idx) -> None:
    check_instance("idx", idx, torch.Tensor, "ein Tensor mit Token-IDs")
    if idx.dim() != 2 or idx.size(1) < 1 or idx.dtype != torch.long:
        raise ValueError(f"idx muss ein LongTensor der Form (B, T) mit T ≥ 1 sein, nicht "
                         f"{idx.dtype} {tuple(idx.shape)}.")


# --------------------------------------------------------------------------- Training


def gpt_train_config(**overrides) -> TrainConfig:
    """Das Trainingsrezept für das kleine GPT (nach nanoGPT); Felder lassen sich überschreiben.

    AdamW mit β₂ = 0,99, Warmup über 1/16 der Schritte, danach Kosinus-Abfall auf ein
    Zehntel der Lernrate, Gradienten auf Norm 1 gekappt, alle 100 Schritte messen.
    """
    recipe = dict(steps=1200, batch_size=32, eval_every=100, optimizer="adamw", lr=3e-3,
                  betas=(0.9, 0.99), weight_decay=0.01, schedule="cosine", warmup=0.0625,
                  final_lr=0.1, grad_clip=1.0)
    return train_config_with(recipe, **overrides)


def gpt_recipe(device=None) -> tuple[GPTConfig, TrainConfig]:
    """Modell und Training für das Kapitel, passend zum Gerät: ``(GPTConfig, TrainConfig)``.

    Auf der CPU ein winziges Modell (3 Blöcke, 96 Dimensionen, 64 Zeichen Kontext), das in
    gut zwei Minuten auf zwei Kernen trainiert; auf einer GPU derselbe Code mit einem
    größeren Modell und längerem Training. Welches Gerät es war, steht danach in
    ``info["device"]`` von :func:`train_gpt`.
    """
    from kibuch.core.device import as_device

    if as_device(device).type == "cuda":
        config = GPTConfig(block_size=128, n_layer=6, n_head=6, n_embd=384, dropout=0.1)
        return config, gpt_train_config(steps=5000, batch_size=64, eval_every=250, lr=1e-3)
    config = GPTConfig(block_size=64, n_layer=3, n_head=4, n_embd=96)
    return config, gpt_train_config(steps=3000, batch_size=32, eval_every=250)


@torch.no_grad()
def text_loss(model: GPT, tokenizer, text: str, *, batch_size: int = 256) -> float:
    """Kreuzentropie in nats pro Zeichen auf dem ganzen ``text`` (wie beim n-Gramm-Vergleich).

    Das Fenster der Kontextlänge ``T`` wandert in Schritten von ``T/2`` über den Text; von
    jedem Fenster zählen nur die hinteren ``T/2`` Positionen (beim ersten alle), so sieht
    jede gewertete Position mindestens ``T/2`` Zeichen Kontext. Gewertet wird jedes
    Zeichen ab dem zweiten.
    """
    from kibuch.text.tokens import CharTokenizer

    check_instance("model", model, GPT, "ein GPT")
    check_instance("tokenizer", tokenizer, CharTokenizer, "ein CharTokenizer")
    text = check_str("text", text)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    ids = torch.tensor(tokenizer.encode(text), dtype=torch.long)  # (N,)
    if len(ids) < 2:
        raise ValueError("text muss mindestens zwei Zeichen haben.")
    t = model.config.block_size
    stride = max(t // 2, 1)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    n_pred = len(ids) - 1  # so viele Zeichen werden vorhergesagt
    width = min(t, n_pred)  # Fensterbreite
    starts = list(range(0, n_pred - width + 1, stride))
    if starts[-1] != n_pred - width:
        starts.append(n_pred - width)  # das letzte Fenster endet am Textende
    windows, scored = [], 0  # (Start, erste neue Position im Fenster); bis wohin gewertet
    for start in starts:
        windows.append((start, scored - start))
        scored = start + width
    nll = 0.0
    for i in range(0, len(windows), batch_size):
        chunk = windows[i : i + batch_size]
        x = torch.stack([ids[s : s + width] for s, _ in chunk]).to(device)  # (B, T)
        y = torch.stack([ids[s + 1 : s + 1 + width] for s, _ in chunk]).to(device)  # (B, T)
        logp = F.log_softmax(model(x)[0], dim=-1)  # (B, T, V)
        picked = logp.gather(-1, y[..., None])[..., 0]  # (B, T): log P(richtiges Zeichen)
        for b, (_, first) in enumerate(chunk):
            nll -= picked[b, first:].sum().item()
    model.train(was_training)
    return nll / n_pred


class RandomWindows:
    """Zufällige Textausschnitte als Batches ``(x, y)``: ``y`` ist ``x`` um ein Token verschoben.

    ``data`` ist ein 1D-LongTensor mit Token-IDs. Jeder Durchlauf beginnt mit demselben
    Zufallsstartwert ``seed``; mit ``n_batches=None`` ist er endlos (Training), sonst
    liefert er immer dieselben ``n_batches`` Batches (Validierung).
    """

    def __init__(self, data, block_size: int, batch_size: int, *, seed: int = 0,
                 n_batches: int | None = None):
        check_instance("data", data, torch.Tensor, "ein 1D-Tensor mit Token-IDs")
        self.block_size = check_int("block_size", block_size, minimum=1)
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.seed = check_int("seed", seed, minimum=0)
        if n_batches is not None:
            n_batches = check_int("n_batches", n_batches, minimum=1)
        if data.dim() != 1 or len(data) <= block_size + 1:
            raise ValueError(f"data muss ein 1D-Tensor mit mehr als block_size + 1 = "
                             f"{block_size + 1} Tokens sein, nicht {tuple(data.shape)}.")
        self.data, self.n_batches = data, n_batches

    def __iter__(self):
        gen = torch.Generator().manual_seed(self.seed)
        count = 0
        while self.n_batches is None or count < self.n_batches:
            starts = torch.randint(len(self.data) - self.block_size - 1, (self.batch_size,),
                                   generator=gen).tolist()
            x = torch.stack([self.data[s : s + self.block_size] for s in starts])  # (B, T)
            y = torch.stack([self.data[s + 1 : s + 1 + self.block_size] for s in starts])
            yield x, y
            count += 1


def train_gpt(text: str, config: GPTConfig | None = None,
              train_config: TrainConfig | None = None, *, val_fraction: float = 0.1,
              use_cache: bool = True, device=None):
    """Trainiert ein zeichenbasiertes GPT auf ``text`` (oder lädt es aus dem Cache).

    Die Schritte, Lernrate usw. stehen in ``train_config`` (``steps`` muss gesetzt
    sein; Standard: :func:`gpt_train_config`). Die letzten ``val_fraction`` des Texts
    dienen der Validierung: alle ``eval_every`` Schritte auf denselben 8 Batches zu 32
    Ausschnitten.
    Gibt ``(model, tokenizer, info)`` zurück; ``info`` enthält den Verlauf
    (``history``, siehe :class:`~kibuch.training.loop.History`), die Trainingsdauer
    ``seconds``, die Parameterzahl, das Gerät, ``from_cache`` und den Cache-Pfad
    ``path``. Die ``vocab_size`` der Config wird an den Tokenizer angepasst.
    """
    from kibuch.core.artifacts import load_or_train
    from kibuch.core.device import as_device, set_seed
    from kibuch.text.tokens import CharTokenizer

    text = check_str("text", text)
    if len(text) < 1000:
        raise ValueError(f"text muss mindestens 1000 Zeichen haben, nicht {len(text)}.")
    config = GPTConfig() if config is None else check_instance("config", config, GPTConfig,
                                                               "eine GPTConfig")
    train_config = gpt_train_config() if train_config is None else check_instance(
        "train_config", train_config, TrainConfig, "eine TrainConfig")
    if train_config.steps is None:
        raise ValueError("train_config.steps muss gesetzt sein: Das GPT trainiert auf "
                         "zufälligen Ausschnitten nach Schritten, nicht nach Epochen.")
    val_fraction = check_float("val_fraction", val_fraction, 0.0, 0.5, open_min=True,
                               open_max=True)
    use_cache = check_bool("use_cache", use_cache)
    tokenizer = CharTokenizer.from_text(text)
    config = dataclasses.replace(config, vocab_size=tokenizer.vocab_size)
    device = as_device(device)
    data = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    n_val = int(len(data) * val_fraction)
    train_data, val_data = data[:-n_val], data[-n_val:]
    if min(len(train_data), len(val_data)) <= config.block_size + 1:
        raise ValueError("Der Text ist zu kurz für diese Kontextlänge.")

    def train():
        set_seed(train_config.seed)
        model = GPT(config)  # nach dem Seed anlegen: reproduzierbare Startgewichte
        train_batches = RandomWindows(train_data, config.block_size, train_config.batch_size,
                                      seed=train_config.seed)
        val_batches = RandomWindows(val_data, config.block_size, 32, seed=123, n_batches=8)
        start = time.perf_counter()
        history = fit(model, train_batches, val_batches, train_config, device=device)
        info = {"history": history.as_dict(), "seconds": time.perf_counter() - start,
                "params": model.num_params(), "device": str(device)}
        return model.state_dict(), info

    # Der Fortschrittsbalken ändert das Ergebnis nicht und gehört nicht in den Schlüssel.
    key_config = dataclasses.replace(train_config, progress=False)
    art = load_or_train("gpt", (config, key_config, val_fraction, text), train,
                        use_cache=use_cache, code=__name__)
    model = GPT(config)
    model.load_state_dict(art.tensors)
    info = {**art.info, "from_cache": art.from_cache, "path": art.path}
    return model.to(device).eval(), tokenizer, info
