"""Deutsche Textdaten: ``reviews_de``, die OOD-Testmenge ``reviews_ood_de`` und ``corpus_de``.

``load("reviews_de", split=None)`` → ``pandas.DataFrame`` mit
    ``text`` str (eine Rezension), ``label`` str ("positiv"/"negativ"/"neutral"),
    ``domain`` str (Themenbereich), ``split`` str ("train"/"validation"/"test").
    Mit ``split="train"`` usw. nur diese Teilmenge (Index neu ab 0).
    Quelle ist ``kibuch/resources/reviews_de.csv``; ihre SHA-256 steht in
    ``kibuch/resources/reviews_de.sha256`` und wird vor dem Lesen geprüft.

``load("reviews_ood_de", split=None)`` → ``pandas.DataFrame`` mit
    ``text`` str, ``label`` str ("positiv"/"negativ"/"neutral"), ``domain`` str.
    Eine reine Testmenge außerhalb der Verteilung (*out of distribution*): andere
    Domänen und ein anderer Stil als ``reviews_de``; ``split`` darf nur ``None`` oder
    ``"test"`` sein (beides liefert alle Zeilen). Quelle ist
    ``kibuch/resources/reviews_ood_de.csv`` mit Prüfsumme in ``reviews_ood_de.sha256``.

``load("corpus_de", sources=None, as_text=False)`` → ``pandas.DataFrame`` mit
    ``quelle`` str (Name der Quelle, z. B. "buch"), ``dokument`` str (z. B.
    Kapiteldatei), ``text`` str (Fließtext, Absätze durch Leerzeilen getrennt);
    mit ``as_text=True`` ein einziger ``str`` (Dokumente durch Leerzeilen verbunden).
    ``info("corpus_de")`` nennt Quellen, Größe in Zeichen und Bytes und Lizenzen.
    Das Korpus ist frei von Evaluationstexten: Aus ``reviews_de`` enthält es nur die
    Trainingsteilmenge, aus ``reviews_ood_de`` nichts, und Buchabsätze, die einen
    Validierungs-, Test- oder OOD-Text wörtlich enthalten, fallen weg.

Datenhygiene: :func:`normalize_for_overlap`, :func:`find_contained` (wörtlich
enthaltene Texte) und :func:`near_duplicates` (Zeichen-n-Gramm-Ähnlichkeit) prüfen,
ob Evaluationstexte in Trainingsdaten stecken.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from pathlib import Path

import pandas as pd

from kibuch.core.checks import (
    KibuchError,
    check_bool,
    check_choice,
    check_int,
    check_path,
    check_probability,
    check_str,
    check_str_list,
)
from kibuch.data.checksums import ChecksumError, read_sha256_file, verify_file
from kibuch.data.registry import Column, Datasheet, Option, register

#: Ordner der eigenen Ressourcen im installierten Paket.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"

REVIEWS_CSV = RESOURCES / "reviews_de.csv"
REVIEWS_SHA = RESOURCES / "reviews_de.sha256"
REVIEW_COLUMNS = ("text", "label", "domain", "split")
REVIEW_LABELS = ("positiv", "negativ", "neutral")
REVIEW_SPLITS = ("train", "validation", "test")

REVIEWS_OOD_CSV = RESOURCES / "reviews_ood_de.csv"
REVIEWS_OOD_SHA = RESOURCES / "reviews_ood_de.sha256"
REVIEW_OOD_COLUMNS = ("text", "label", "domain")

#: Ordner der eingecheckten, frei lizenzierten Korpustexte mit ``manifest.json``.
CORPUS_DIR = RESOURCES / "corpus_de"


class ManifestError(KibuchError, ValueError):
    """``manifest.json`` des Korpus ist kein gültiges JSON oder hat ein falsches Schema."""


# ------------------------------------------------------------------------ reviews_de

def _read_review_table(csv_path, sha_path, columns: tuple[str, ...], what: str,
                       allowed: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Gemeinsamer Leser für die Review-CSVs: Prüfsumme, Spalten, Werte, leere Felder."""
    csv_path, sha_path = check_path("csv_path", csv_path), check_path("sha_path", sha_path)
    if not csv_path.is_file():
        raise FileNotFoundError(f"Review-Korpus fehlt: {csv_path}")
    stem = what.removesuffix(".csv")
    verify_file(csv_path, read_sha256_file(sha_path), what=what,
                hint=f"Stimmt {stem}.sha256 noch zur CSV? (sha256sum {what})")
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8")
    if sorted(frame.columns) != sorted(columns):
        raise ValueError(
            f"{csv_path.name}: Spalten {list(frame.columns)}, erwartet {list(columns)}."
        )
    frame = frame[list(columns)]
    for col, values in allowed.items():
        bad = sorted(set(frame[col]) - set(values))
        if bad:
            raise ValueError(f"{csv_path.name}: ungültige Werte in {col!r}: {bad}; "
                             f"erlaubt: {list(values)}.")
    for col in ("text", "domain"):
        empty = frame[col].str.strip() == ""
        if empty.any():
            rows = list(frame.index[empty][:5])
            raise ValueError(f"{csv_path.name}: leere Einträge in {col!r} (Zeilen {rows} …).")
    if frame.empty:
        raise ValueError(f"{csv_path.name}: enthält keine Zeilen.")
    return frame.astype("str")


def read_reviews(csv_path: str | Path, sha_path: str | Path) -> pd.DataFrame:
    """Liest und prüft eine Review-CSV (Prüfsumme, Spalten, Labels, Splits).

    Wirft :class:`ChecksumError`, wenn die SHA-256 nicht zur Prüfsummendatei passt,
    und ``ValueError`` bei falschem Schema. Gibt die Spalten in der Reihenfolge
    ``text, label, domain, split`` als str zurück.
    """
    return _read_review_table(csv_path, sha_path, REVIEW_COLUMNS, "reviews_de.csv",
                              {"label": REVIEW_LABELS, "split": REVIEW_SPLITS})


def read_reviews_ood(csv_path: str | Path, sha_path: str | Path) -> pd.DataFrame:
    """Liest und prüft die OOD-Review-CSV (Prüfsumme, Spalten, Labels).

    Wie :func:`read_reviews`, aber ohne Spalte ``split``: Die Spalten sind
    ``text, label, domain`` (alle str). Wirft :class:`ChecksumError` bei falscher
    SHA-256 und ``ValueError`` bei falschem Schema.
    """
    return _read_review_table(csv_path, sha_path, REVIEW_OOD_COLUMNS, "reviews_ood_de.csv",
                              {"label": REVIEW_LABELS})


@functools.lru_cache(maxsize=4)
def _reviews_cached(csv_path: str, sha_path: str, mtime: float) -> pd.DataFrame:
    return read_reviews(csv_path, sha_path)


def _reviews() -> pd.DataFrame:
    mtime = REVIEWS_CSV.stat().st_mtime if REVIEWS_CSV.is_file() else 0.0
    return _reviews_cached(str(REVIEWS_CSV), str(REVIEWS_SHA), mtime)


def _reviews_sheet() -> Datasheet:
    try:
        frame = _reviews()
        counts = frame["split"].value_counts()
        size = (
            f"{len(frame)} Rezensionen ("
            + ", ".join(f"{s} {int(counts.get(s, 0))}" for s in REVIEW_SPLITS)
            + f"), {frame['domain'].nunique()} Domänen, "
            f"{int(frame['text'].str.len().sum())} Zeichen"
        )
    except (FileNotFoundError, ChecksumError, ValueError) as exc:
        size = f"nicht lesbar: {exc}"
    return Datasheet(
        name="reviews_de",
        title="Deutsche Kurzbewertungen mit Stimmungslabel (künstlich)",
        source="kibuch/resources/reviews_de.csv (eigenes Korpus des Buchs)",
        license="CC BY-SA 4.0 wie die Buchtexte (KI-Grundlagen-Autorenteam)",
        size=size,
        citation="KI-Grundlagen-Autorenteam (2026): KI-Grundlagen, Begleitpaket kibuch.",
        collection=(
            "Künstliche Texte: von einem Sprachmodell im Auftrag des Autorenteams "
            "geschrieben und redigiert, je für ein Ziel-Label (positiv/negativ/neutral); "
            "keine echten Kundenbewertungen, keine Namen. Feste Aufteilung in "
            "train/validation/test. Ausführliches Datenblatt: "
            "kibuch/resources/reviews_de.md."
        ),
        columns=(
            Column("text", "str", "Rezensionstext"),
            Column("label", "str", "'positiv', 'negativ' oder 'neutral'"),
            Column("domain", "str", "Themenbereich der Rezension"),
            Column("split", "str", "'train', 'validation' oder 'test'"),
        ),
    )


@register(
    "reviews_de",
    _reviews_sheet,
    {"split": Option(None, (None, *REVIEW_SPLITS), help="Teilmenge (None = alle)")},
)
def load_reviews_de(split: str | None = None) -> pd.DataFrame:
    """Review-Korpus: Spalten ``text, label, domain, split`` (alle str).

    ``split`` wird wie bei ``load("reviews_de", split=...)`` geprüft.
    """
    frame = _reviews()
    if split is not None:
        frame = frame[frame["split"] == split].reset_index(drop=True)
    return frame.copy()


# -------------------------------------------------------------------- reviews_ood_de

@functools.lru_cache(maxsize=4)
def _reviews_ood_cached(csv_path: str, sha_path: str, mtime: float) -> pd.DataFrame:
    return read_reviews_ood(csv_path, sha_path)


def _reviews_ood() -> pd.DataFrame:
    mtime = REVIEWS_OOD_CSV.stat().st_mtime if REVIEWS_OOD_CSV.is_file() else 0.0
    return _reviews_ood_cached(str(REVIEWS_OOD_CSV), str(REVIEWS_OOD_SHA), mtime)


def _reviews_ood_sheet() -> Datasheet:
    try:
        frame = _reviews_ood()
        counts = frame["label"].value_counts()
        words = frame["text"].str.split().str.len()
        size = (
            f"{len(frame)} Rezensionen ("
            + ", ".join(f"{lab} {int(counts.get(lab, 0))}" for lab in REVIEW_LABELS)
            + f"), {frame['domain'].nunique()} Domänen, "
            f"{int(frame['text'].str.len().sum())} Zeichen, "
            f"{int(words.min())} bis {int(words.max())} Wörter je Text; nur Testmenge"
        )
    except (FileNotFoundError, ChecksumError, ValueError) as exc:
        size = f"nicht lesbar: {exc}"
    return Datasheet(
        name="reviews_ood_de",
        title="Deutsche Bewertungen außerhalb der Verteilung von reviews_de (künstlich, nur Test)",
        source="kibuch/resources/reviews_ood_de.csv (eigenes Korpus des Buchs)",
        license="CC BY-SA 4.0 wie die Buchtexte (KI-Grundlagen-Autorenteam)",
        size=size,
        citation="KI-Grundlagen-Autorenteam (2026): KI-Grundlagen, Begleitpaket kibuch.",
        collection=(
            "Künstliche Texte: vom Autorenteam für dieses Buch mit Hilfe eines Sprachmodells "
            "geschrieben und redigiert, je für ein Ziel-Label (positiv/negativ/neutral), in "
            "Domänen, die in reviews_de nicht vorkommen, und in einem anderen Stil (länger, "
            "umgangssprachlich, Ironie, Verneinung, Tippfehler, Emoticons). Keine echten "
            "Nutzerbewertungen. Nur zur Evaluation außerhalb der Verteilung (OOD), nie zum "
            "Training; corpus_de enthält keinen dieser Texte. Ausführliches Datenblatt: "
            "kibuch/resources/reviews_ood_de.md."
        ),
        columns=(
            Column("text", "str", "Rezensionstext (2 bis 5 Sätze)"),
            Column("label", "str", "'positiv', 'negativ' oder 'neutral'"),
            Column("domain", "str", "Themenbereich (keiner davon kommt in reviews_de vor)"),
        ),
    )


@register(
    "reviews_ood_de",
    _reviews_ood_sheet,
    {"split": Option(None, (None, "test"),
                     help="nur None oder 'test': der ganze Datensatz ist Testmenge")},
)
def load_reviews_ood_de(split: str | None = None) -> pd.DataFrame:
    """OOD-Testmenge: Spalten ``text, label, domain`` (alle str), immer alle Zeilen.

    ``split`` darf nur ``None`` oder ``"test"`` sein; ``"train"`` oder
    ``"validation"`` sind ein ``ValueError``, denn diese Daten dienen nie dem Training.
    """
    return _reviews_ood().copy()


# --------------------------------------------------------------------- Datenhygiene

_NON_WORD = re.compile(r"[\W_]+")


_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?)])")


def normalize_for_overlap(text: str) -> str:
    """Normalform für Überschneidungsprüfungen: Unicode-NFC, Kleinschreibung
    (``casefold``), jeder Leerraum als ein Leerzeichen, ohne Rand-Leerraum und ohne
    Leerzeichen vor Satzzeichen (so wie :func:`markdown_prose` Fließtext glättet,
    etwa „Witz :-)“ zu „Witz:-)“)."""
    text = check_str("text", text, allow_empty=True)
    text = unicodedata.normalize("NFC", text).casefold().replace("\x00", " ")
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))


def find_contained(texts: list[str], corpus: list[str]) -> list[int]:
    """Indizes der Einträge von ``texts``, die wörtlich in ``corpus`` vorkommen.

    Beide Seiten werden mit :func:`normalize_for_overlap` normalisiert; ein Text
    gilt als enthalten, wenn er Teilstring eines Dokuments von ``corpus`` ist
    (über Dokumentgrenzen hinweg wird nicht gesucht). Typische Verwendung:
    ``find_contained(testtexte, [trainingskorpus])`` muss ``[]`` ergeben.
    """
    texts = check_str_list("texts", texts)
    corpus = check_str_list("corpus", corpus, allow_empty_items=True)
    haystack = "\x00".join(normalize_for_overlap(doc) for doc in corpus)
    return [i for i, t in enumerate(texts) if normalize_for_overlap(t) in haystack]


def _char_ngrams(text: str, n: int) -> set[str]:
    norm = " ".join(_NON_WORD.sub(" ", normalize_for_overlap(text)).split())
    return {norm[i:i + n] for i in range(len(norm) - n + 1)}


def near_duplicates(texts: list[str], others: list[str] | None = None, *, n: int = 5,
                    threshold: float = 0.8, measure: str = "jaccard"
                    ) -> list[tuple[int, int, float]]:
    """Paare ähnlicher Texte nach Zeichen-n-Grammen: ``[(i, j, ähnlichkeit), …]``.

    Verglichen werden die Mengen der Zeichen-``n``-Gramme (nach
    :func:`normalize_for_overlap`, Satzzeichen als Leerzeichen). ``measure="jaccard"``
    misst ``|A ∩ B| / |A ∪ B|``, ``measure="overlap"`` misst ``|A ∩ B| / min(|A|, |B|)``
    und findet so auch einen kurzen Text, der fast vollständig in einem langen steckt.
    Ohne ``others`` werden alle Paare ``i < j`` innerhalb von ``texts`` verglichen,
    sonst jeder Text aus ``texts`` (Index ``i``) mit jedem aus ``others`` (Index ``j``).
    Gemeldet werden Paare mit Ähnlichkeit ``>= threshold``, absteigend sortiert.
    Die Ähnlichkeitsmatrix ist dicht (``len(texts) × len(others)``): gedacht für
    einige tausend Texte, nicht für Millionen.
    """
    import numpy as np
    from scipy import sparse

    texts = check_str_list("texts", texts)
    if others is not None:
        others = check_str_list("others", others)
    n = check_int("n", n, minimum=1, maximum=100)
    threshold = check_probability("threshold", threshold, open_min=True)
    measure = check_choice("measure", measure, ("jaccard", "overlap"))
    left = [_char_ngrams(t, n) for t in texts]
    right = left if others is None else [_char_ngrams(t, n) for t in others]
    vocab: dict[str, int] = {}
    for grams in left + right:
        for g in grams:
            vocab.setdefault(g, len(vocab))

    def matrix(sets):  # (Texte, Vokabular), 0/1
        rows = np.repeat(np.arange(len(sets)), [len(g) for g in sets])
        cols = np.fromiter((vocab[g] for gs in sets for g in gs), dtype=np.int64,
                           count=int(sum(len(g) for g in sets)))
        return sparse.csr_matrix((np.ones(len(cols), dtype=np.float64), (rows, cols)),
                                 shape=(len(sets), max(len(vocab), 1)))

    a = matrix(left)
    b = a if others is None else matrix(right)
    inter = (a @ b.T).toarray()  # (N, M)
    size_a = np.array([len(g) for g in left], dtype=float)[:, None]  # (N, 1)
    size_b = np.array([len(g) for g in right], dtype=float)[None, :]  # (1, M)
    denom = size_a + size_b - inter if measure == "jaccard" else np.minimum(size_a, size_b)
    sim = np.divide(inter, denom, out=np.zeros_like(inter), where=denom > 0)
    if others is None:
        sim = np.triu(sim, k=1)
    pairs = [(int(i), int(j), float(sim[i, j])) for i, j in zip(*np.nonzero(sim >= threshold))]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def _evaluation_texts() -> list[str]:
    """Alle Evaluationstexte: reviews_de validation + test und ganz reviews_ood_de."""
    texts: list[str] = []
    try:
        reviews = _reviews()
        texts += reviews.loc[reviews["split"] != "train", "text"].tolist()
    except FileNotFoundError:
        pass
    try:
        texts += _reviews_ood()["text"].tolist()
    except FileNotFoundError:
        pass
    return texts


def _drop_contaminated(text: str, evaluation: list[str]) -> tuple[str, int]:
    """Lässt Absätze weg, die einen (normalisierten) Evaluationstext enthalten.

    ``evaluation`` sind bereits normalisierte Texte. Gibt den bereinigten Text und die
    Zahl der entfernten Absätze zurück.
    """
    whole = normalize_for_overlap(text)
    if not any(e in whole for e in evaluation):
        return text, 0
    kept, removed = [], 0
    for paragraph in text.split("\n\n"):
        norm = normalize_for_overlap(paragraph)
        if any(e in norm for e in evaluation):
            removed += 1
        else:
            kept.append(paragraph)
    return "\n\n".join(kept), removed


# ------------------------------------------------------------------------- corpus_de

def repository_root() -> Path | None:
    """Wurzel des Buch-Repositorys, wenn kibuch daraus (editierbar) installiert ist."""
    root = Path(__file__).resolve().parents[3]
    if (root / "book").is_dir() and (root / "code" / "kibuch").is_dir():
        return root
    return None


#: Verzeichnis-Direktiven, deren Inhalt Prosa ist (alle anderen werden übersprungen).
_PROSE_DIRECTIVES = {
    "admonition", "note", "tip", "hint", "important", "warning", "caution", "attention",
    "danger", "error", "seealso", "exercise", "solution", "dropdown", "margin", "sidebar",
    "epigraph", "topic", "card", "tab-item", "tab-set", "div", "prf:definition",
    "prf:theorem", "prf:example", "prf:remark",
}
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{([^}]*)\})?\s*(.*)$")
_ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE_MATH = re.compile(r"\$([^$\n]+)\$")
_EMPH = re.compile(r"(\*{1,3}|_{2})([^*_\n]+?)\1")
_CODE = re.compile(r"`([^`\n]*)`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def markdown_prose(source: str) -> str:
    """Extrahiert den Fließtext einer MyST-Markdown-Seite.

    Entfernt YAML-Kopf, Code-Zellen und andere Codeblöcke, Mathematik-Blöcke,
    Tabellen, Sprungmarken, Optionen von Direktiven, Rollen wie ``{cite}`…``` und
    Markdown-Auszeichnung; Sätze mit ``{glue:text}`…``` fallen ganz weg, weil ihnen
    ohne Ausführung die Zahlen fehlen, ebenso Sätze mit LaTeX-Befehlen in
    Inline-Formeln; einfache Inline-Formeln (``$a^2$``) bleiben als Rohtext stehen.
    Der Inhalt von Prosa-Direktiven (Hinweisboxen, Übungen, Lösungen) bleibt
    erhalten. Absätze werden zu je einer Zeile zusammengefügt und durch Leerzeilen
    getrennt.
    """
    source = check_str("source", source, allow_empty=True)
    text = _COMMENT.sub("", source)
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # YAML-Kopf (jupytext)
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
            lines = lines[end + 1:]
        except StopIteration:
            pass
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (Zaun, Prosa?)
    in_math = False
    in_options = False
    for line in lines:
        stripped = line.strip()
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            if stack and set(stripped) == {stack[-1][0][0]} and len(stripped) >= len(
                stack[-1][0]
            ):
                stack.pop()  # schließender Zaun
                in_options = False
                out.append("")
                continue
            if not stack or stack[-1][1]:
                directive = (match.group(3) or "").strip()
                prose = fence[0] == ":" and not directive or directive in _PROSE_DIRECTIVES
                stack.append((fence, prose))
                title = match.group(4).strip()
                if prose and title and directive in ("admonition", "dropdown", "exercise"):
                    out += ["", title, ""]
                in_options = True
                out.append("")
                continue
        if stack and not stack[-1][1]:
            continue  # Code, Mathematik, Literaturverzeichnis …
        if in_options:
            if stripped.startswith(":") and re.match(r"^:[\w-]+:", stripped):
                continue
            if stripped == "---":  # YAML-Optionen einer Direktive
                in_math = not in_math
                continue
            if in_math:
                continue
            in_options = False
        if stripped.startswith("$$"):
            if not (len(stripped) > 2 and stripped.endswith("$$") and len(stripped) > 4):
                in_math = not in_math
            continue
        if in_math:
            continue
        if (
            re.match(r"^\(.+\)=$", stripped)
            or stripped.startswith("|")
            or stripped == "+++"
            or re.match(r"^[-*_]{3,}$", stripped)
        ):
            out.append("")
            continue
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)
        if re.match(r"^([-*+]|\d+[.)])\s+", stripped):  # Listenpunkt = eigener Absatz
            out.append("")
            stripped = re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped)
        stripped = re.sub(r"^>\s?", "", stripped)
        out.append(stripped)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in out + [""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(_clean_inline(" ".join(current)))
            current = []
    return "\n\n".join(p for p in paragraphs if p)


def _unreadable(sentence: str) -> bool:
    return "{glue" in sentence or any(
        "\\" in m or "{" in m for m in _INLINE_MATH.findall(sentence)
    )


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[„\"A-ZÄÖÜ0-9])")


def _clean_inline(text: str) -> str:
    # Sätze mit per glue eingesetzten Zahlen fehlen ohne Ausführung die Zahlen: weglassen.
    # Ebenso Sätze mit LaTeX-Befehlen in Inline-Formeln ($\\sqrt{d}$): kein Fließtext.
    if "{glue" in text or "$" in text:
        text = " ".join(s for s in _SENTENCE.split(text) if not _unreadable(s))
    text = _ROLE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)  # HTML-Tags
    text = _INLINE_MATH.sub(r"\1", text)  # Formel als Rohtext, z. B. 10^{21}
    text = _CODE.sub(r"\1", text)
    for _ in range(2):
        text = _EMPH.sub(r"\2", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _book_documents(root: Path | None) -> list[tuple[str, str]]:
    if root is None:
        return []
    book = root / "book"
    files = sorted(
        (p for p in book.rglob("*.md") if not any(part.startswith(("_", ".")) for part in
                                                 p.relative_to(book).parts)),
        key=lambda p: p.relative_to(book).as_posix(),
    )
    docs = []
    for path in files:
        prose = markdown_prose(path.read_text(encoding="utf-8"))
        if prose:
            docs.append((path.relative_to(root).as_posix(), prose))
    return docs


_MANIFEST_FIELDS = ("file", "source", "title", "author", "license", "origin", "sha256")


def _manifest() -> list[dict]:
    """Einträge von ``manifest.json``; ein kaputtes Manifest ist ein :class:`ManifestError`."""
    path = CORPUS_DIR / "manifest.json"
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ManifestError(f"{path} ist kein UTF-8-Text ({err.reason}).") from None
    except json.JSONDecodeError as err:
        raise ManifestError(
            f"{path} ist kein gültiges JSON (Zeile {err.lineno}, Spalte {err.colno}: "
            f"{err.msg}). Ist die Datei beschädigt oder abgeschnitten?"
        ) from None
    if not isinstance(entries, list):
        raise ManifestError(f"{path}: erwartet wird eine JSON-Liste von Einträgen, "
                            f"gefunden {type(entries).__name__}.")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ManifestError(f"{path}: Eintrag {i} ist kein JSON-Objekt.")
        missing = sorted(set(_MANIFEST_FIELDS) - set(entry))
        if missing:
            raise ManifestError(f"{path}: Eintrag {entry.get('file')!r} ohne {missing}.")
        bad = [k for k in _MANIFEST_FIELDS if not isinstance(entry[k], str) or not entry[k]]
        if bad:
            raise ManifestError(f"{path}: Eintrag {entry.get('file')!r} hat leere oder "
                                f"nicht-Text-Felder {bad}.")
        name = entry["file"]
        if Path(name).name != name or name in (".", ".."):
            raise ManifestError(f"{path}: 'file' muss ein Dateiname im Ordner sein, "
                                f"nicht {name!r}.")
    return entries


def _resource_documents() -> list[tuple[str, str, str]]:
    docs = []
    for entry in _manifest():
        path = verify_file(CORPUS_DIR / entry["file"], entry["sha256"],
                           what=f"corpus_de/{entry['file']}")
        docs.append((entry["source"], entry["title"], path.read_text(encoding="utf-8")))
    return docs


@functools.lru_cache(maxsize=2)
def _corpus(root_str: str | None, fingerprint: tuple) -> pd.DataFrame:
    # Datenhygiene: keine Evaluationstexte im Korpus (reviews_de nur train, kein OOD-Text,
    # Buchabsätze mit wörtlich zitierten Evaluationstexten fallen weg).
    evaluation = [normalize_for_overlap(t) for t in _evaluation_texts()]
    rows, dropped = [], []
    for doc, text in _book_documents(Path(root_str) if root_str else None):
        text, removed = _drop_contaminated(text, evaluation)
        if removed:
            dropped.append(f"{doc} ({removed})")
        if text.strip():
            rows.append(("buch", doc, text))
    try:
        reviews = _reviews()
    except FileNotFoundError:
        reviews = None
    if reviews is not None:
        for i, (text, split) in enumerate(zip(reviews["text"], reviews["split"])):
            if split == "train":  # Dokumentname = Zeile der CSV
                rows.append(("reviews_de", f"review-{i:05d}", text.strip()))
    rows += _resource_documents()
    frame = pd.DataFrame(rows, columns=["quelle", "dokument", "text"]).astype("str")
    frame.attrs["ohne_evaluationstexte"] = tuple(dropped)
    return frame


def _fingerprint(root: Path | None) -> tuple:
    """Änderungszeitpunkte aller Eingaben: ändert sich eine Datei, wird neu gelesen."""
    paths = []
    if root is not None:
        paths += sorted((root / "book").rglob("*.md"))
    paths += [REVIEWS_CSV, REVIEWS_OOD_CSV, CORPUS_DIR / "manifest.json"]
    return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)


def _corpus_frame() -> pd.DataFrame:
    root = repository_root()
    return _corpus(str(root) if root else None, _fingerprint(root))


def corpus_sources() -> list[str]:
    """Namen der Quellen, die ``corpus_de`` auf diesem Rechner enthält."""
    return sorted(_corpus_frame()["quelle"].unique())


def _check_sources(value) -> None:
    if value is None:
        return
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and not value:
        raise TypeError("sources muss None, ein Name oder eine nicht leere Liste von Namen sein.")
    value = check_str_list("sources", value)
    known = sorted(set(_KNOWN_SOURCES) | {e["source"] for e in _manifest()})
    bad = sorted(set(value) - set(known))
    if bad:
        close = difflib.get_close_matches(bad[0], known, n=1)
        hint = f" Meinten Sie {close[0]!r}?" if close else ""
        raise ValueError(f"Unbekannte Quelle(n) {bad} in sources; verfügbar: {known}.{hint}")


def _check_bool(value) -> None:
    check_bool("as_text", value)


_KNOWN_SOURCES = ("buch", "reviews_de")


def _corpus_sheet() -> Datasheet:
    frame = _corpus_frame()
    parts = []
    for name, group in frame.groupby("quelle", sort=True):
        chars = int(group["text"].str.len().sum())
        nbytes = int(group["text"].map(lambda t: len(t.encode("utf-8"))).sum())
        parts.append(f"{name}: {len(group)} Dokumente, {chars} Zeichen, {nbytes} Bytes")
    total_chars = int(frame["text"].str.len().sum())
    total_bytes = int(frame["text"].map(lambda t: len(t.encode("utf-8"))).sum())
    present = set(frame["quelle"])
    manifest = [e for e in _manifest() if e["source"] in present]
    licenses, origins = [], []
    if "buch" in present:
        licenses.append("buch: CC BY-SA 4.0 (KI-Grundlagen-Autorenteam)")
        dropped = frame.attrs.get("ohne_evaluationstexte", ())
        origins.append(
            "buch: Prosa aller Seiten unter book/ (ohne Code-Zellen, Mathematik-Blöcke, "
            "Tabellen, Verweise und Sätze mit eingesetzten Zahlen), zur Laufzeit aus dem "
            "Repository abgeleitet; Absätze, die einen Evaluationstext (reviews_de "
            "validation/test oder reviews_ood_de) wörtlich enthalten, fallen weg ("
            + ("entfernt: " + ", ".join(dropped) if dropped else "derzeit keine") + ")"
        )
    if "reviews_de" in present:
        licenses.append("reviews_de: CC BY-SA 4.0 (KI-Grundlagen-Autorenteam)")
        origins.append(
            "reviews_de: nur die Trainingstexte (split='train') des Review-Korpus, eine "
            "Rezension je Dokument (Name review-<Zeile der CSV>); Validierungs- und "
            "Testtexte fehlen absichtlich, damit ein auf corpus_de trainiertes Modell die "
            "Evaluationsdaten nie gesehen hat (künstlich, von einem Sprachmodell "
            "geschrieben; siehe info('reviews_de'))"
        )
    licenses += [f"{e['source']}: {e['license']}" for e in manifest]
    origins += [f"{e['source']}: {e['title']} von {e['author']}; {e['origin']}" for e in manifest]
    absent = [s for s in ("buch", "reviews_de") if s not in present]
    if absent:
        origins.append("nicht vorhanden (kein Repository bzw. keine CSV): " + ", ".join(absent))
    citations = ["KI-Grundlagen-Autorenteam (2026): KI-Grundlagen (buch, reviews_de)"]
    citations += [e.get("citation", e["title"]) for e in manifest]
    return Datasheet(
        name="corpus_de",
        title="Deutsches Textkorpus",
        source="; ".join(origins),
        license="; ".join(licenses),
        size=f"{len(frame)} Dokumente, {total_chars} Zeichen, {total_bytes} Bytes (UTF-8) – "
        + "; ".join(parts),
        citation="; ".join(citations),
        collection=(
            "Deterministisch zusammengesetzt in der Reihenfolge buch (Dateien alphabetisch), "
            "reviews_de (nur split='train', CSV-Reihenfolge), dann die Texte aus "
            "kibuch/resources/corpus_de (manifest.json, jeweils per SHA-256 geprüft). "
            "Datenhygiene: kein Text aus der Validierungs- oder Testmenge von reviews_de "
            "und keiner aus reviews_ood_de; geprüft in tests/data/test_hygiene.py. Die "
            "Texte aus reviews_de sind künstlich (Sprachmodell); die übrigen Quellen sind "
            "veröffentlichte Texte unter den genannten Lizenzen."
        ),
        columns=(
            Column("quelle", "str", "Quelle: " + ", ".join(sorted(frame["quelle"].unique()))),
            Column("dokument", "str", "Dokumentname (Kapiteldatei, review-00000, Werk)"),
            Column("text", "str", "Fließtext, Absätze durch Leerzeilen getrennt"),
        ),
        options={
            "sources": "None (alle) oder Liste von Quellen, z. B. ['buch']",
            "as_text": "False (DataFrame) oder True (ein einziger str)",
        },
    )


@register(
    "corpus_de",
    _corpus_sheet,
    {
        "sources": Option(None, check=_check_sources, help="Auswahl der Quellen"),
        "as_text": Option(False, check=_check_bool, help="alles als ein str"),
    },
)
def load_corpus_de(sources=None, as_text: bool = False):
    """Deutsches Korpus: DataFrame ``quelle, dokument, text`` oder ein ``str``."""
    frame = _corpus_frame()
    if sources is not None:
        wanted = [sources] if isinstance(sources, str) else list(sources)
        frame = frame[frame["quelle"].isin(wanted)].reset_index(drop=True)
    if as_text:
        return "\n\n".join(frame["text"])
    return frame.copy()
