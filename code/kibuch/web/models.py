"""Trainierte Netze für die Browser-Widgets: GPT (Kapitel 3.4) und CNN (Kapitel 3.3).

Die Widgets ``gpt-sampler`` und ``digit-draw`` rechnen im Browser mit denselben Gewichten,
die die Kapitel trainiert und im Artefakt-Cache abgelegt haben. Dieses Modul holt sie von
dort (es trainiert nie selbst) und schreibt sie als Skriptdatei, die einen Wert an
``window.KIBUCH_DATA`` hängt:

- :func:`write_gpt_js` → ``data/gpt.js`` mit ``window.KIBUCH_DATA["gpt"]``,
- :func:`write_cnn_js` → ``data/cnn.js`` mit ``window.KIBUCH_DATA["cnn"]``.

Gleitkomma-Arrays stehen als Base64 der Little-Endian-Bytes darin (``float32``, beim GPT
nötigenfalls ``float16``, siehe :data:`PAGE_BUDGET`). Beim CNN ist jede BatchNorm schon in
ihre Faltung eingerechnet („gefaltet“). Jede Datei enthält Referenzwerte, die
PyTorch aus genau den exportierten Gewichten berechnet hat; die Tests vergleichen die
JavaScript-Rechnung damit.

:func:`mnist_preprocess` bringt eine Zeichnung in die Form der MNIST-Bilder: Umriss
suchen, auf 20 × 20 Pixel skalieren, im 28 × 28-Feld nach dem Schwerpunkt zentrieren. Das
Widget rechnet in JavaScript dasselbe; diese Funktion ist die Referenz dafür.

Der Import dieses Moduls lädt nichts, trainiert nichts und importiert torch noch nicht.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
from pathlib import Path

import numpy as np

from kibuch.core.checks import (
    KibuchError,
    check_array,
    check_choice,
    check_instance,
    check_int,
    check_path,
    check_str,
    check_str_list,
)

#: Höchstens so viele Bytes JavaScript und Daten darf ein Widget einer Seite hinzufügen.
PAGE_BUDGET = 2_000_000
#: Bytes, die für die Skripte und Styles des GPT-Widgets eingeplant sind (``lib/gpt.js``,
#: ``gpt_sampler.js``, ``gpt_sampler.css``); ``tests/web/test_models.py`` prüft die Grenze.
GPT_WIDGET_CODE_BYTES = 60_000
#: Dateinamen unter ``_static/widgets/data/`` (für ``:data:`` der Direktive).
GPT_DATA_FILE = "gpt.js"
CNN_DATA_FILE = "cnn.js"
#: Quellen des Korpus, auf dem Kapitel 3.4 sein GPT trainiert (wie in 03_4_generierung.md).
GPT_CORPUS_SOURCES = ("debian_handbuch", "reviews_de")
#: Anfänge, für die die Datendatei Referenz-Logits von PyTorch enthält.
GPT_REFERENCE_PROMPTS = (
    "Das Beste an KI ist die Fähigkeit zu",
    "Die Installation",
    "Der Akku hält lange, aber das Display ist leider viel zu dunkel. Ich würde es nicht "
    "noch einmal kaufen.",  # länger als die Kontextlänge: das Modell sieht nur das Ende
)
#: So viele Zeichen setzt die Referenz per Greedy-Decoding hinter den ersten Anfang.
GPT_GREEDY_TOKENS = 80

#: MNIST-Format: Kantenlänge des Bilds, des Kastens für die Ziffer und Ziel des Schwerpunkts
#: (in Pixelindizes; die echten MNIST-Bilder haben ihn im Mittel bei 14,0 / 14,0).
MNIST_SIZE = 28
MNIST_BOX = 20
MNIST_CENTER = 14.0
#: Pixel mit mehr Tinte als diesem Anteil zählen zum Umriss der Zeichnung.
INK_THRESHOLD = 0.1
#: So viele Testziffern je Klasse kommen als Beispiele in die CNN-Datendatei.
CNN_SAMPLES_PER_CLASS = 1

_DTYPES = {"float32": "<f4", "float16": "<f2", "uint8": "u1"}


class MissingArtifactError(KibuchError, FileNotFoundError):
    """Das trainierte Modell, das ein Widget braucht, liegt nicht im Artefakt-Cache."""


class ModelTooLargeError(KibuchError, ValueError):
    """Das trainierte Modell passt nicht in das Seitenbudget eines Widgets."""


# ------------------------------------------------------------------ Arrays als Base64


def encode_array(array, dtype: str = "float32") -> dict:
    """Ein Array als ``{"dtype", "shape", "data"}``; ``data`` ist Base64 (Little Endian).

    ``dtype`` ist ``"float32"``, ``"float16"`` (halbe Größe, gerundet) oder ``"uint8"``
    (ganze Zahlen 0–255). Die Reihenfolge der Werte ist die von NumPy (zeilenweise).
    """
    dtype = check_choice("dtype", dtype, tuple(_DTYPES))
    if hasattr(array, "detach") and hasattr(array, "cpu"):
        array = array.detach().cpu().numpy()
    values = check_array("array", array, dtype=None, min_len=0)
    if not (np.issubdtype(values.dtype, np.floating) or np.issubdtype(values.dtype, np.integer)
            or values.dtype == bool):
        raise TypeError(f"array muss Zahlen enthalten, nicht den Datentyp {values.dtype}.")
    if dtype == "uint8":
        if values.size and (values.min() < 0 or values.max() > 255
                            or not np.array_equal(values, np.round(values))):
            raise ValueError("array muss für dtype='uint8' ganze Zahlen von 0 bis 255 enthalten.")
    elif dtype == "float16" and values.size and np.abs(values).max() > 65504:
        raise ValueError("array hat Beträge über 65504, die float16 nicht darstellen kann.")
    raw = np.ascontiguousarray(values.astype(_DTYPES[dtype]))
    return {"dtype": dtype, "shape": [int(n) for n in values.shape],
            "data": base64.b64encode(raw.tobytes()).decode("ascii")}


def decode_array(entry) -> np.ndarray:
    """Kehrt :func:`encode_array` um: ein NumPy-Array (``float32`` auch für ``float16``)."""
    check_instance("entry", entry, dict, "ein dict mit dtype, shape und data")
    missing = [k for k in ("dtype", "shape", "data") if k not in entry]
    if missing:
        raise ValueError(f"entry fehlen die Schlüssel {missing}.")
    dtype = check_choice("entry['dtype']", entry["dtype"], tuple(_DTYPES))
    check_instance("entry['shape']", entry["shape"], (list, tuple), "eine Liste von Längen")
    shape = tuple(check_int(f"entry['shape'][{i}]", n, minimum=0)
                  for i, n in enumerate(entry["shape"]))
    data = check_str("entry['data']", entry["data"], allow_empty=True)
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError("entry['data'] ist kein gültiges Base64.") from None
    values = np.frombuffer(raw, dtype=_DTYPES[dtype])
    if values.size != math.prod(shape):
        raise ValueError(f"entry['data'] enthält {values.size} Werte, die Form {shape} braucht "
                         f"{math.prod(shape)}.")
    out = values.reshape(shape)
    return out.astype(np.float32) if dtype == "float16" else out.copy()


def _floats(values, digits: int = 9) -> list[float]:
    """Zahlen für JSON: float32-genau, kurz geschrieben."""
    return [float(f"{float(v):.{digits}g}") for v in np.asarray(values, dtype=np.float64).ravel()]


def js_data_text(name: str, payload: dict) -> str:
    """Text einer Datendatei: hängt ``payload`` als ``window.KIBUCH_DATA[name]`` an.

    Die Datei ist ein klassisches Skript (kein ES-Modul), damit sie auch von ``file://``
    lädt; sie überschreibt andere Einträge von ``KIBUCH_DATA`` nicht. Nicht-ASCII-Zeichen
    stehen als ``\\uXXXX`` darin, so kommt es auf die Zeichenkodierung der Seite nicht an.
    """
    name = check_str("name", name)
    check_instance("payload", payload, dict, "ein dict")
    try:
        body = json.dumps(payload, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"payload lässt sich nicht als JSON schreiben: {err}") from None
    key = json.dumps(name, ensure_ascii=False)
    return ("// Erzeugt von kibuch.web.models; nicht von Hand bearbeiten.\n"
            "window.KIBUCH_DATA = window.KIBUCH_DATA || {};\n"
            f"window.KIBUCH_DATA[{key}] = {body};\n")


def _check_target(path) -> Path:
    """Zielpfad einer Datendatei: ein Pfad auf ``.js``, kein Ordner."""
    path = check_path("path", path)
    if path.suffix != ".js":
        raise ValueError(f"path muss auf .js enden, nicht {path.name!r}.")
    if path.is_dir():
        raise ValueError(f"path {path} ist ein Ordner; erwartet wird der Pfad einer .js-Datei.")
    return path


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- Cache


def _missing(what: str, chapter: str):
    """Eine ``train``-Funktion für ``load_or_train``, die nie trainiert, sondern meldet."""

    def train():
        from kibuch.core.cache import cache_dir

        raise MissingArtifactError(
            f"Das trainierte {what} fehlt im Artefakt-Cache ({cache_dir('artifacts')}). Die "
            f"Widgets trainieren nicht selbst: Führen Sie zuerst Kapitel {chapter} aus (etwa "
            "beim Buchbau), damit das Modell trainiert und im Cache gespeichert wird – mit "
            "demselben Code, denselben Daten und demselben KIBUCH_CACHE."
        )

    return train


def cached_gpt(text: str, config, train_config, *, val_fraction: float = 0.1):
    """Das GPT, das ``kibuch.nn.gpt.train_gpt`` mit diesen Argumenten trainiert hat.

    Sucht unter demselben Schlüssel im Artefakt-Cache wie ``train_gpt`` (Modell-Config,
    Trainings-Config, ``val_fraction``, Korpus, Code), trainiert aber nie: Fehlt der
    Eintrag, kommt ein :class:`MissingArtifactError`. Gibt ``(model, tokenizer)`` zurück,
    das Modell auf der CPU im Auswertungsmodus.
    """
    from kibuch.core.artifacts import load_or_train
    from kibuch.core.checks import check_float
    from kibuch.nn.gpt import GPT, GPTConfig
    from kibuch.text.tokens import CharTokenizer
    from kibuch.training.loop import TrainConfig

    text = check_str("text", text)
    check_instance("config", config, GPTConfig, "eine GPTConfig")
    check_instance("train_config", train_config, TrainConfig, "eine TrainConfig")
    val_fraction = check_float("val_fraction", val_fraction, 0.0, 0.5, open_min=True,
                               open_max=True)
    tokenizer = CharTokenizer.from_text(text)
    config = dataclasses.replace(config, vocab_size=tokenizer.vocab_size)
    key_config = dataclasses.replace(train_config, progress=False)  # wie in train_gpt
    art = load_or_train("gpt", (config, key_config, val_fraction, text),
                        _missing("GPT", "3.4 (Textgenerierung)"), code="kibuch.nn.gpt")
    model = GPT(config)
    model.load_state_dict(art.tensors)
    return model.eval(), tokenizer


def cached_cnn(splits, recipe=None, *, seed: int = 0):
    """Das ConvNet, das ``kibuch.chapters.ch03_3_cnn.train_cnn`` hiermit trainiert hat.

    Derselbe Schlüssel wie in ``train_cnn`` (Modell- und Trainings-Config, Rezept, Daten,
    Code); fehlt der Eintrag, kommt ein :class:`MissingArtifactError`, es wird nie
    trainiert. Gibt das Modell auf der CPU im Auswertungsmodus zurück.
    """
    from kibuch.chapters.ch03_3_cnn import CNNRecipe
    from kibuch.core.artifacts import load_or_train
    from kibuch.data.images import ImageSplits
    from kibuch.nn.convnet import ConvNet

    check_instance("splits", splits, ImageSplits, "ein ImageSplits (load_image_splits)")
    recipe = CNNRecipe() if recipe is None else check_instance("recipe", recipe, CNNRecipe,
                                                               "ein CNNRecipe")
    seed = check_int("seed", seed, minimum=0)
    model_config = recipe.model_config(mean=float(splits.X_train.mean()),
                                       std=float(splits.X_train.std()),
                                       n_classes=int(splits.y_train.max()) + 1)
    train_config = recipe.train_config(seed=seed)
    data_parts = (splits.name, splits.X_train, splits.y_train, splits.X_val, splits.y_val)
    art = load_or_train("cnn", (model_config, train_config, recipe, data_parts),
                        _missing("CNN", "3.3 (Faltende Netze)"), code="kibuch.chapters.ch03_3_cnn")
    model = ConvNet(model_config)
    model.load_state_dict(art.tensors)
    return model.eval()


def _chapter_gpt():
    """Modell und Tokenizer genau wie in Kapitel 3.4 (Korpus, Rezept für ``get_device()``)."""
    from kibuch import data
    from kibuch.core.device import get_device
    from kibuch.nn.gpt import gpt_recipe

    text = data.load("corpus_de", sources=list(GPT_CORPUS_SOURCES), as_text=True)
    config, train_config = gpt_recipe(get_device())
    return cached_gpt(text, config, train_config)


def _chapter_cnn():
    """Das ConvNet des ersten Seeds aus Kapitel 3.3 und die Bildaufteilung dazu."""
    from kibuch import data
    from kibuch.chapters.ch03_3_cnn import CNNRecipe

    splits = data.load_image_splits("auto")
    return cached_cnn(splits, CNNRecipe(), seed=0), splits


# ---------------------------------------------------------------------------- GPT


def _check_gpt(model, tokenizer):
    from kibuch.nn.gpt import GPT
    from kibuch.text.tokens import CharTokenizer

    check_instance("model", model, GPT, "ein kibuch.nn.gpt.GPT")
    check_instance("tokenizer", tokenizer, CharTokenizer, "ein CharTokenizer")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise ValueError(f"tokenizer hat {tokenizer.vocab_size} Zeichen, das Modell erwartet "
                         f"vocab_size = {model.config.vocab_size}.")
    if model.lm_head.weight.data_ptr() != model.wte.weight.data_ptr():
        raise ValueError("model: Ausgabeschicht und Token-Embedding müssen dieselben Gewichte "
                         "teilen (weight tying); exportiert wird nur wte.")


def _gpt_tensors(model) -> dict:
    """Alle Gewichte außer ``lm_head.weight`` (geteilt mit ``wte.weight``)."""
    return {name: t.detach().cpu().float() for name, t in model.state_dict().items()
            if name != "lm_head.weight"}


def gpt_payload(model, tokenizer, *, dtype: str = "float32",
                prompts=GPT_REFERENCE_PROMPTS, greedy_tokens: int = GPT_GREEDY_TOKENS) -> dict:
    """Alles, was das Widget ``gpt-sampler`` braucht, als JSON-taugliches dict.

    Config, Vokabular, Gewichte (Base64, ``dtype`` ``"float32"`` oder ``"float16"``) und
    Referenzen: für jeden Anfang in ``prompts`` die Logits des nächsten Zeichens und für
    den ersten Anfang ``greedy_tokens`` Zeichen Greedy-Decoding. PyTorch rechnet sie mit
    einem Modell aus genau den exportierten (bei ``float16`` gerundeten) Gewichten.
    Anfänge, die länger als die Kontextlänge sind, kürzt das Modell wie ``generate`` auf
    die letzten ``block_size`` Zeichen.
    """
    import torch

    _check_gpt(model, tokenizer)
    dtype = check_choice("dtype", dtype, ("float32", "float16"))
    prompts = check_str_list("prompts", prompts)
    greedy_tokens = check_int("greedy_tokens", greedy_tokens, minimum=1, maximum=10_000)
    ids = [tokenizer.encode(p) for p in prompts]  # unbekannte Zeichen: klarer ValueError
    cfg = model.config
    tensors = {name: encode_array(t.numpy(), dtype) for name, t in _gpt_tensors(model).items()}
    payload = {
        "format": 1, "kind": "gpt", "dtype": dtype,
        "config": {"vocab_size": cfg.vocab_size, "block_size": cfg.block_size,
                   "n_layer": cfg.n_layer, "n_head": cfg.n_head, "n_embd": cfg.n_embd,
                   "ff_mult": model.blocks[0].ff[0].out_features // cfg.n_embd,
                   "ln_eps": float(model.ln_f.eps), "activation": "gelu_erf",
                   "norm": "pre-ln", "tied_head": True},
        "params": int(sum(p.numel() for p in model.parameters())),
        "chars": list(tokenizer.chars),
        "tensors": tensors,
    }
    reference = gpt_from_payload(payload)  # genau die exportierten Gewichte
    block = cfg.block_size
    refs = []
    with torch.no_grad():
        for prompt, prompt_ids in zip(prompts, ids):
            idx = torch.tensor([prompt_ids[-block:]], dtype=torch.long)  # (1, T)
            logits = reference(idx)[0][0, -1]  # (V,)
            refs.append({"prompt": prompt, "ids": prompt_ids, "logits": _floats(logits)})
        start = torch.tensor([ids[0]], dtype=torch.long)
        out = reference.generate(start, greedy_tokens, greedy=True)[0, len(ids[0]):]
    payload["references"] = refs
    payload["greedy"] = {"prompt": prompts[0], "ids": out.tolist(),
                         "text": tokenizer.decode(out.tolist())}
    return payload


def gpt_from_payload(payload: dict):
    """Baut aus einem dict von :func:`gpt_payload` wieder ein ``GPT`` (CPU, eval)."""
    from kibuch.nn.gpt import GPT, GPTConfig

    check_instance("payload", payload, dict, "ein dict von gpt_payload")
    missing = [k for k in ("config", "tensors", "chars") if k not in payload]
    if missing:
        raise ValueError(f"payload fehlen die Schlüssel {missing}.")
    import torch

    c = payload["config"]
    model = GPT(GPTConfig(vocab_size=c["vocab_size"], block_size=c["block_size"],
                          n_layer=c["n_layer"], n_head=c["n_head"], n_embd=c["n_embd"]))
    state = {name: torch.from_numpy(decode_array(entry).astype(np.float32))
             for name, entry in payload["tensors"].items()}
    state["lm_head.weight"] = state["wte.weight"]
    model.load_state_dict(state)
    return model.eval()


def write_gpt_js(path: Path, *, dtype: str = "auto") -> Path:
    """Schreibt ``data/gpt.js`` für das Widget ``gpt-sampler`` (Kapitel 3.4).

    Nimmt das GPT, das Kapitel 3.4 trainiert hat, aus dem Artefakt-Cache (derselbe Korpus,
    dasselbe Rezept für das Gerät von ``get_device()``); fehlt es, kommt ein
    :class:`MissingArtifactError`. ``dtype="auto"`` speichert die Gewichte als
    ``float32``, solange die Datei und :data:`GPT_WIDGET_CODE_BYTES` für den Code des
    Widgets zusammen unter :data:`PAGE_BUDGET` bleiben, sonst als ``float16``. Gibt den
    Pfad zurück.
    """
    path = _check_target(path)
    dtype = check_choice("dtype", dtype, ("auto", "float32", "float16"))
    model, tokenizer = _chapter_gpt()
    n_weights = sum(t.numel() for t in _gpt_tensors(model).values())
    size = 4 * math.ceil(2 * n_weights / 3)  # Untergrenze: nur die Gewichte, float16, Base64
    choices = ("float32", "float16") if dtype == "auto" else (dtype,)
    if size + GPT_WIDGET_CODE_BYTES > PAGE_BUDGET:
        choices = ()  # passt nicht einmal halb so groß: gar nicht erst exportieren
    for choice in choices:
        payload = gpt_payload(model, tokenizer, dtype=choice, prompts=GPT_REFERENCE_PROMPTS,
                              greedy_tokens=GPT_GREEDY_TOKENS)
        text = js_data_text("gpt", payload)
        size = len(text.encode("utf-8"))
        if size + GPT_WIDGET_CODE_BYTES <= PAGE_BUDGET:
            return _write_text(path, text)
    raise ModelTooLargeError(
        f"Das GPT aus dem Cache hat {model.num_params()} Parameter; seine Datendatei wäre "
        f"mindestens {size} Bytes groß – mit dem Code des Widgets mehr, als eine Seite laden "
        f"darf ({PAGE_BUDGET} Bytes). Das CPU-Rezept von gpt_recipe passt; ein auf der GPU "
        "trainiertes Modell ist zu groß für den Browser."
    )


# ---------------------------------------------------------------------------- CNN


def _fold_batchnorm(conv, bn) -> tuple[np.ndarray, np.ndarray]:
    """Faltung ohne Bias und BatchNorm (eval) als eine Faltung mit Bias: ``(W', b')``.

    ``BN(W * x) = γ · (W * x − μ) / √(σ² + ε) + β``, also ``W' = W · γ / √(σ² + ε)`` und
    ``b' = β − μ · γ / √(σ² + ε)`` (je Ausgabekanal; in float64 gerechnet).
    """
    w = conv.weight.detach().cpu().double().numpy()  # (C_out, C_in, 3, 3)
    gamma = bn.weight.detach().cpu().double().numpy()
    beta = bn.bias.detach().cpu().double().numpy()
    mean = bn.running_mean.detach().cpu().double().numpy()
    var = bn.running_var.detach().cpu().double().numpy()
    scale = gamma / np.sqrt(var + bn.eps)  # (C_out,)
    bias = beta - mean * scale
    if conv.bias is not None:
        bias = bias + conv.bias.detach().cpu().double().numpy() * scale
    return w * scale[:, None, None, None], bias


def cnn_payload(model, samples=None, labels=None) -> dict:
    """Alles, was das Widget ``digit-draw`` braucht, als JSON-taugliches dict.

    ``model`` ist ein ``kibuch.nn.convnet.ConvNet``. Jede Faltung wird mit ihrer
    BatchNorm (Auswertungsmodus: gespeicherte Mittelwerte und Varianzen) zu einer Faltung
    mit Bias zusammengefasst; das Widget rechnet Faltung → ReLU (→ Max-Pooling), dann
    Mittelwert-Pooling und die lineare Ausgabeschicht. ``samples`` (N, 28, 28) mit Werten
    in [0, 1] und ``labels`` (N,) sind optionale Beispielbilder; für jedes stehen die
    Logits und Wahrscheinlichkeiten von PyTorch (ungefaltetes Modell) dabei.
    """
    import torch

    from kibuch.nn.convnet import ConvNet

    check_instance("model", model, ConvNet, "ein kibuch.nn.convnet.ConvNet")
    cfg = model.config
    blocks = []
    for block in model.features:
        conv, bn = block[0], block[1]
        if conv.kernel_size != (3, 3) or conv.padding != (1, 1) or conv.stride != (1, 1):
            raise ValueError("model: lib/cnn.js kennt nur 3×3-Faltungen mit Padding 1 und "
                             f"Schrittweite 1, nicht {conv}.")
        weight, bias = _fold_batchnorm(conv, bn)
        blocks.append({"weight": encode_array(weight), "bias": encode_array(bias),
                       "pool": len(block) > 3})
    linear = model.head[1]
    payload = {
        "format": 1, "kind": "cnn", "dtype": "float32", "batchnorm": "gefaltet",
        "config": {"in_channels": cfg.in_channels, "channels": list(cfg.channels),
                   "n_classes": cfg.n_classes, "grid": cfg.grid, "kernel": 3, "padding": 1,
                   "image_size": MNIST_SIZE},
        "mean": float(model.mean), "std": float(model.std),
        "params": int(sum(p.numel() for p in model.parameters())),
        "blocks": blocks,
        "head": {"weight": encode_array(linear.weight), "bias": encode_array(linear.bias)},
        "preprocess": {"size": MNIST_SIZE, "box": MNIST_BOX, "center": MNIST_CENTER,
                       "threshold": INK_THRESHOLD},
        "samples": [],
    }
    if samples is None and labels is None:
        return payload
    if samples is None or labels is None:
        raise ValueError("samples und labels gehören zusammen: beide angeben oder keines.")
    X = check_array("samples", samples, ndim=3)
    y = check_array("labels", labels, ndim=1, dtype=None)
    if len(X) != len(y):
        raise ValueError(f"samples und labels sind verschieden lang ({len(X)} und {len(y)}).")
    if X.shape[1:] != (MNIST_SIZE, MNIST_SIZE):
        raise ValueError(f"samples muss die Form (N, 28, 28) haben, nicht {X.shape}.")
    if X.min() < 0 or X.max() > 1:
        raise ValueError("samples muss Grauwerte von 0 bis 1 enthalten.")
    pixels = np.round(X * 255.0)
    if not np.allclose(pixels / 255.0, X, atol=1e-6):
        raise ValueError("samples müssen Grauwerte k / 255 sein (wie MNIST).")
    x = torch.from_numpy((pixels / 255.0).astype(np.float32))[:, None]  # (N, 1, 28, 28)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(x)  # (N, K)
    model.train(was_training)
    probs = torch.softmax(logits, dim=1)
    for i in range(len(X)):
        label = check_int(f"labels[{i}]", int(y[i]), 0, cfg.n_classes - 1)
        payload["samples"].append({"label": label, "pixels": encode_array(pixels[i], "uint8"),
                                   "logits": _floats(logits[i]), "probs": _floats(probs[i])})
    return payload


def _pick_samples(X, y, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    """Die ersten ``per_class`` Bilder jeder Klasse, nach Klasse sortiert."""
    chosen = [i for c in np.unique(y) for i in np.flatnonzero(y == c)[:per_class]]
    return X[chosen], y[chosen]


def write_cnn_js(path: Path) -> Path:
    """Schreibt ``data/cnn.js`` für das Widget ``digit-draw`` (Kapitel 3.3).

    Nimmt das ConvNet des ersten Seeds, das Kapitel 3.3 trainiert hat, aus dem
    Artefakt-Cache (fehlt es, kommt ein :class:`MissingArtifactError`), dazu je Ziffer
    ein Testbild, das das Training nie gesehen hat. Gibt den Pfad zurück.
    """
    path = _check_target(path)
    model, splits = _chapter_cnn()
    X, y = _pick_samples(splits.X_test, splits.y_test, CNN_SAMPLES_PER_CLASS)
    payload = cnn_payload(model, X, y)
    payload["data"] = splits.name
    return _write_text(path, js_data_text("cnn", payload))


# ----------------------------------------------------------- MNIST-Vorverarbeitung


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """Matrix (n_out, n_in) für Flächenmittelung: Zeile i mittelt über [i, i+1)·n_in/n_out."""
    weights = np.zeros((n_out, n_in))
    step = n_in / n_out
    for i in range(n_out):
        lo, hi = i * step, (i + 1) * step
        for j in range(math.floor(lo), min(n_in, math.ceil(hi))):
            overlap = min(hi, j + 1) - max(lo, j)
            if overlap > 0:
                weights[i, j] = overlap / step
    return weights


def mnist_preprocess(bitmap) -> np.ndarray:
    """Bringt eine Zeichnung in das Format von MNIST: ein (28, 28)-Array in [0, 1].

    ``bitmap`` (H, W) enthält die Tinte je Pixel von 0 (leer) bis 1 (voll), wie MNIST:
    helle Ziffer auf dunklem Grund, Zeile 0 oben. Wie bei der Erstellung von MNIST
    (LeCun et al. 1998) wird

    1. der Umriss der Pixel mit mehr als :data:`INK_THRESHOLD` Tinte ausgeschnitten,
    2. unter Erhalt des Seitenverhältnisses auf höchstens 20 × 20 Pixel gebracht
       (Flächenmittelung, daher Graustufen an den Rändern),
    3. so ins 28 × 28-Feld gelegt, dass der Schwerpunkt der Tinte bei Pixel
       (14, 14) liegt (ganzzahlig gerundet; die Ziffer bleibt ganz im Feld).

    Die Normierung mit Mittelwert und Streuung der Trainingsbilder macht das Netz selbst.
    Eine leere Zeichnung ergibt ein Nullbild. Das Widget ``digit-draw`` rechnet in
    JavaScript genau dasselbe (``lib/cnn.js``, ``preprocess``).
    """
    img = check_array("bitmap", bitmap, ndim=2)
    check_int("Breite von bitmap", img.shape[1], minimum=1)
    if img.min() < 0 or img.max() > 1:
        raise ValueError(f"bitmap muss Werte von 0 bis 1 enthalten, nicht {img.min():g} bis "
                         f"{img.max():g}.")
    out = np.zeros((MNIST_SIZE, MNIST_SIZE))
    rows = np.flatnonzero(img.max(axis=1) > INK_THRESHOLD)
    cols = np.flatnonzero(img.max(axis=0) > INK_THRESHOLD)
    if rows.size == 0:
        return out
    crop = img[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]  # (h, w)
    h, w = crop.shape
    scale = MNIST_BOX / max(h, w)
    nh = min(MNIST_BOX, max(1, math.floor(h * scale + 0.5)))
    nw = min(MNIST_BOX, max(1, math.floor(w * scale + 0.5)))
    small = _area_weights(h, nh) @ crop @ _area_weights(w, nw).T  # (nh, nw)
    small = np.clip(small, 0.0, 1.0)  # Rundung: ein Mittel aus Einsen ist sonst 1 + 2⁻⁵²
    mass = small.sum()
    cy = float(small.sum(axis=1) @ np.arange(nh)) / mass
    cx = float(small.sum(axis=0) @ np.arange(nw)) / mass
    top = min(max(math.floor(MNIST_CENTER - cy + 0.5), 0), MNIST_SIZE - nh)
    left = min(max(math.floor(MNIST_CENTER - cx + 0.5), 0), MNIST_SIZE - nw)
    out[top: top + nh, left: left + nw] = small
    return out


__all__ = [
    "CNN_DATA_FILE",
    "GPT_DATA_FILE",
    "MissingArtifactError",
    "cached_cnn",
    "cached_gpt",
    "cnn_payload",
    "decode_array",
    "encode_array",
    "gpt_from_payload",
    "gpt_payload",
    "js_data_text",
    "mnist_preprocess",
    "write_cnn_js",
    "write_gpt_js",
]
