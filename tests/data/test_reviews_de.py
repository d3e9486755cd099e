"""Prüft die eigenen Bewertungskorpora ``reviews_de.csv`` und ``reviews_ood_de.csv``.

Die Tests lesen die CSVs direkt mit pandas, unabhängig von ``kibuch.data``:
Schema, Umfang, Label-Balance, feste und stratifizierte Splits, leere und
doppelte Texte, Beinahe-Duplikate (Jaccard auf Zeichen-3-Grammen) und die
hinterlegte SHA-256-Prüfsumme. Für die OOD-Testmenge zusätzlich: neue Domänen,
längerer Stil, Datenblatt passt zur CSV. Die Loader von ``kibuch.data`` werden
am Ende gegen die CSVs geprüft; Überschneidungen zwischen Trainings- und
Evaluationsdaten prüft ``test_hygiene.py``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

RESOURCES = resources.files("kibuch") / "resources"
CSV_PATH = RESOURCES / "reviews_de.csv"
SHA_PATH = RESOURCES / "reviews_de.sha256"

COLUMNS = ["text", "label", "domain", "split"]
LABELS = {"positiv", "negativ", "neutral"}
SPLITS = {"train": 0.70, "validation": 0.15, "test": 0.15}
MIN_ROWS = 900
JACCARD_LIMIT = 0.6  # Paare darüber gelten als Beinahe-Duplikate


def normalize(text: str) -> str:
    """Kleinschreibung, nur Buchstaben/Ziffern, einfache Leerzeichen."""
    text = re.sub(r"[^0-9a-zäöüß ]", "", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def char_ngrams(text: str, n: int = 3) -> set[str]:
    """Menge der Zeichen-n-Gramme des normalisierten Texts."""
    norm = normalize(text)
    return {norm[i : i + n] for i in range(len(norm) - n + 1)}


def max_pairwise_jaccard(texts: list[str]) -> tuple[float, int, int]:
    """Größte Jaccard-Ähnlichkeit aller Textpaare und das zugehörige Paar.

    Rechnet über eine dünn besetzte 0/1-Matrix (Texte × 3-Gramme):
    Schnittmengen ergeben sich als ``M @ M.T``, Vereinigungen als
    ``|A| + |B| - |A ∩ B|``.
    """
    if len(texts) < 2:
        raise ValueError("Für Paarvergleiche braucht es mindestens zwei Texte.")
    grams = [char_ngrams(t) for t in texts]
    vocab = {g: k for k, g in enumerate(sorted(set().union(*grams)))}
    rows = np.repeat(np.arange(len(grams)), [len(g) for g in grams])
    cols = np.fromiter((vocab[g] for gs in grams for g in gs), dtype=np.int64)
    m = sparse.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)),
        shape=(len(grams), len(vocab)),
    )  # (N, V)
    inter = (m @ m.T).toarray()  # (N, N)
    sizes = np.diag(inter).copy()  # (N,)
    union = sizes[:, None] + sizes[None, :] - inter  # (N, N)
    jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    np.fill_diagonal(jac, 0.0)
    i, j = np.unravel_index(np.argmax(jac), jac.shape)
    return float(jac[i, j]), int(i), int(j)


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    with resources.as_file(CSV_PATH) as path:
        return pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)


def test_schema(reviews):
    assert list(reviews.columns) == COLUMNS
    assert set(reviews["label"]) == LABELS
    assert set(reviews["split"]) == set(SPLITS)
    for col in COLUMNS:
        assert (reviews[col].str.len() > 0).all(), f"leere Werte in Spalte {col}"
    # Domänen: Kleinbuchstaben ohne Leerzeichen, und wirklich viele verschiedene
    assert reviews["domain"].str.fullmatch(r"[a-z_]+").all()
    assert reviews["domain"].nunique() >= 15


def test_csv_is_properly_quoted():
    # Jede Zeile muss mit dem csv-Modul genau vier Felder ergeben.
    with resources.as_file(CSV_PATH) as path, open(path, encoding="utf-8", newline="") as fh:
        lengths = {len(row) for row in csv.reader(fh)}
    assert lengths == {4}


def test_size(reviews):
    assert len(reviews) >= MIN_ROWS


def test_label_balance(reviews):
    counts = reviews["label"].value_counts()
    mean = counts.mean()
    assert (abs(counts - mean) <= 0.02 * mean).all(), counts.to_dict()


def test_all_labels_in_every_split(reviews):
    for split, part in reviews.groupby("split"):
        assert set(part["label"]) == LABELS, split


def test_splits_are_stratified(reviews):
    shares = pd.crosstab(reviews["label"], reviews["split"], normalize="index")
    for split, target in SPLITS.items():
        # je Label höchstens 2 Prozentpunkte vom Ziel entfernt ...
        assert (abs(shares[split] - target) <= 0.02).all(), shares
        # ... und zwischen den Labels praktisch gleich
        assert shares[split].max() - shares[split].min() <= 0.01, shares


def test_texts_not_empty_and_unique(reviews):
    texts = reviews["text"]
    assert (texts.str.strip() == texts).all(), "Leerraum am Rand eines Texts"
    assert (texts.str.split().str.len() >= 3).all()
    assert (texts.str.split().str.len() <= 80).all()
    assert not texts.duplicated().any()
    normalized = texts.map(normalize)
    assert not normalized.duplicated().any(), normalized[normalized.duplicated()].tolist()


def test_no_near_duplicates(reviews):
    texts = reviews["text"].tolist()
    jac, i, j = max_pairwise_jaccard(texts)
    assert jac < JACCARD_LIMIT, f"Beinahe-Duplikat ({jac:.2f}): {texts[i]!r} / {texts[j]!r}"


def test_near_duplicate_detector_catches_variants():
    # Der Detektor selbst muss eine Schablone mit ausgetauschtem Wort erkennen.
    texts = [
        "Der Akku hält lange und das Display ist hell und scharf.",
        "Der Akku hält lange und das Display ist hell und klar.",
        "Völlig anderer Satz über ein Restaurant am Marktplatz.",
    ]
    jac, i, j = max_pairwise_jaccard(texts)
    assert jac >= JACCARD_LIMIT
    assert {i, j} == {0, 1}
    with pytest.raises(ValueError):
        max_pairwise_jaccard(texts[:1])


def test_checksum_matches():
    expected = SHA_PATH.read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", expected)
    actual = hashlib.sha256(CSV_PATH.read_bytes()).hexdigest()
    assert actual == expected, "reviews_de.csv wurde nach dem Festschreiben verändert"


def test_kibuch_loader_matches_csv_per_split(reviews):
    """``load_reviews_de`` liefert je Split genau die Zeilen der CSV (gleiche Reihenfolge)."""
    from kibuch.data.text import load_reviews_de

    for split in SPLITS:
        expected = reviews[reviews["split"] == split].reset_index(drop=True)
        loaded = load_reviews_de(split)
        pd.testing.assert_frame_equal(loaded.astype(str), expected.astype(str))
    with pytest.raises(ValueError, match="split"):
        load_reviews_de("dev")


# ------------------------------------------------------------------ reviews_ood_de

OOD_CSV = RESOURCES / "reviews_ood_de.csv"
OOD_SHA = RESOURCES / "reviews_ood_de.sha256"
OOD_MD = RESOURCES / "reviews_ood_de.md"
OOD_COLUMNS = ["text", "label", "domain"]
OOD_PER_LABEL = 50


@pytest.fixture(scope="module")
def ood() -> pd.DataFrame:
    with resources.as_file(OOD_CSV) as path:
        return pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)


def test_ood_schema_and_balance(ood):
    assert list(ood.columns) == OOD_COLUMNS  # keine Spalte split: alles ist Testmenge
    for col in OOD_COLUMNS:
        assert (ood[col].str.len() > 0).all(), f"leere Werte in Spalte {col}"
    assert ood["domain"].str.fullmatch(r"[a-z_]+").all()
    assert ood["label"].value_counts().to_dict() == dict.fromkeys(LABELS, OOD_PER_LABEL)
    # jede Domäne ist in sich ausgewogen: gleich viele Texte je Label
    table = pd.crosstab(ood["domain"], ood["label"])
    assert (table.to_numpy() == table.to_numpy()[0, 0]).all(), table


def test_ood_csv_is_properly_quoted():
    with resources.as_file(OOD_CSV) as path, open(path, encoding="utf-8", newline="") as fh:
        lengths = {len(row) for row in csv.reader(fh)}
    assert lengths == {3}


def test_ood_checksum_matches():
    expected = OOD_SHA.read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", expected)
    actual = hashlib.sha256(OOD_CSV.read_bytes()).hexdigest()
    assert actual == expected, "reviews_ood_de.csv wurde nach dem Festschreiben verändert"


def test_ood_domains_are_new(reviews, ood):
    shared = set(ood["domain"]) & set(reviews["domain"])
    assert not shared, f"OOD-Domänen auch in reviews_de: {sorted(shared)}"
    assert ood["domain"].nunique() >= 8


def test_ood_style_is_longer(reviews, ood):
    words = ood["text"].str.split().str.len()
    sentences = ood["text"].map(lambda t: len(re.findall(r"[.!?]+(?=\s|$)|:-\)|;-\)", t)))
    assert (words >= 15).all() and (words <= 80).all()
    assert sentences.between(1, 6).all(), ood.loc[~sentences.between(1, 6), "text"].tolist()
    # deutlich länger als reviews_de (dort knapp 14 Wörter im Mittel)
    assert words.mean() >= 2 * reviews["text"].str.split().str.len().mean()
    # Stilmerkmale kommen wirklich vor
    assert ood["text"].str.contains(r"[:;]-\)").sum() >= 5  # Emoticons
    assert (ood["text"].str[0].str.islower()).sum() >= 10  # Kleinschreibung
    assert ood["text"].str.contains(r"\bnicht (?:schlecht|übel)|gar nicht", case=False).any()


def test_ood_texts_unique_and_no_near_duplicates(ood):
    texts = ood["text"]
    assert (texts.str.strip() == texts).all(), "Leerraum am Rand eines Texts"
    assert not texts.map(normalize).duplicated().any()
    jac, i, j = max_pairwise_jaccard(texts.tolist())
    assert jac < JACCARD_LIMIT, f"Beinahe-Duplikat ({jac:.2f}): {texts[i]!r} / {texts[j]!r}"


def test_ood_datasheet_matches_csv(ood):
    sheet = OOD_MD.read_text(encoding="utf-8")
    words = ood["text"].str.split().str.len()
    assert f"{len(ood)} Bewertungen, je {OOD_PER_LABEL} `positiv`" in sheet
    assert f"{int(words.min())} bis {int(words.max())} Wörter" in sheet
    for domain in ood["domain"].unique():
        assert f"`{domain}`" in sheet, domain
    assert "CC BY-SA 4.0" in sheet and "Sprachmodell" in sheet and "nie zum Training" in sheet


def test_kibuch_loader_matches_ood_csv(ood):
    from kibuch import data
    from kibuch.data.text import load_reviews_ood_de

    pd.testing.assert_frame_equal(data.load("reviews_ood_de").astype(str), ood.astype(str))
    pd.testing.assert_frame_equal(load_reviews_ood_de("test").astype(str), ood.astype(str))
    for bad in ("train", "validation"):
        with pytest.raises(ValueError, match="Option 'split'.*Erlaubt: None, 'test'"):
            data.load("reviews_ood_de", split=bad)
    with pytest.raises(TypeError, match="split"):
        data.load("reviews_ood_de", split=1)
    with pytest.raises(ValueError, match="Unbekannte Option.*Erlaubt: split"):
        data.load("reviews_ood_de", label="positiv")
    sheet = data.info("reviews_ood_de")
    assert f"{len(ood)} Rezensionen" in sheet.size and "nur Testmenge" in sheet.size
    assert [c.name for c in sheet.columns] == OOD_COLUMNS


def test_read_reviews_ood_checks_schema_and_checksum(tmp_path):
    from kibuch.data import ChecksumError
    from kibuch.data.checksums import sha256_file
    from kibuch.data.text import read_reviews_ood

    def write(body: str):
        path = tmp_path / "ood.csv"
        path.write_text(body, encoding="utf-8")
        sha = tmp_path / "ood.sha256"
        sha.write_text(sha256_file(path) + "\n", encoding="utf-8")
        return path, sha

    path, sha = write('text,label,domain\n"Gut, sehr gut.",positiv,camping\n')
    assert read_reviews_ood(path, sha).loc[0, "text"] == "Gut, sehr gut."
    path.write_text("text,label,domain\nSchlecht.,positiv,camping\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match="reviews_ood_de.csv"):
        read_reviews_ood(path, sha)
    path, sha = write("text,label,domain,split\nGut.,positiv,camping,test\n")
    with pytest.raises(ValueError, match="Spalten"):
        read_reviews_ood(path, sha)
    path, sha = write("text,label,domain\nGut.,super,camping\n")
    with pytest.raises(ValueError, match="ungültige Werte in 'label'"):
        read_reviews_ood(path, sha)
    with pytest.raises(TypeError, match="csv_path"):
        read_reviews_ood(3, sha)
