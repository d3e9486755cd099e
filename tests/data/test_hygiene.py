"""Datenhygiene: Kein Evaluationstext steckt in den Trainingsdaten des Sprachkapitels.

Evaluationstexte sind die Validierungs- und Testmenge von ``reviews_de`` und die ganze
OOD-Testmenge ``reviews_ood_de``. Trainingsdaten sind die Trainingsmenge von
``reviews_de`` und das Korpus ``corpus_de`` (darauf lernen BPE-Tokenizer, das GPT und
die NSP-Paare des BERT-Abschnitts). Geprüft wird

* wörtliche Enthaltenheit nach Normalisierung (Kleinschreibung, Leerraum): Ein
  normalisierter Evaluationstext darf kein Teilstring der normalisierten
  Trainingsdaten sein;
* exakte Duplikate zwischen den Splits von ``reviews_de`` und zwischen
  ``reviews_ood_de`` und ``reviews_de``;
* Beinahe-Duplikate über Zeichen-5-Gramme (Jaccard und Überdeckung ab 0,8).

Damit die Prüfungen scheitern *können*, zeigen eigene Tests, dass die Hilfsfunktionen
eine absichtlich eingepflanzte Verunreinigung finden.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kibuch import data
from kibuch.data import text
from kibuch.data.text import find_contained, near_duplicates, normalize_for_overlap

NGRAM = 5
LIMIT = 0.8  # ab dieser Ähnlichkeit gilt ein Paar als Beinahe-Duplikat


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("KIBUCH_OFFLINE", "1")


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return data.load("reviews_de")


@pytest.fixture(scope="module")
def ood() -> pd.DataFrame:
    return data.load("reviews_ood_de")


@pytest.fixture(scope="module")
def evaluation(reviews, ood) -> list[str]:
    return reviews.loc[reviews["split"] != "train", "text"].tolist() + ood["text"].tolist()


@pytest.fixture(scope="module")
def train_texts(reviews) -> list[str]:
    return reviews.loc[reviews["split"] == "train", "text"].tolist()


def _show(texts: list[str], idx: list[int], limit: int = 5) -> str:
    return "; ".join(repr(texts[i]) for i in idx[:limit])


# ------------------------------------------------------------ Hilfsfunktionen selbst


def test_normalize_for_overlap():
    assert normalize_for_overlap("  Gar  NICHT\n\tschlecht ! ") == "gar nicht schlecht!"
    assert normalize_for_overlap("kein Witz :-) Echt") == "kein witz:-) echt"
    assert normalize_for_overlap("STRASSE") == normalize_for_overlap("straße")  # casefold
    assert normalize_for_overlap("") == ""
    with pytest.raises(TypeError, match="text"):
        normalize_for_overlap(None)


def test_find_contained_flags_planted_contamination(evaluation):
    planted = evaluation[3]
    clean = "Ein Absatz über Tokenizer.\n\nNoch ein Absatz über Aufmerksamkeit."
    dirty = clean + "\n\nZitat:  " + planted.upper().replace(" ", "\n  ") + " Ende."
    assert find_contained(evaluation, [clean]) == []
    assert 3 in find_contained(evaluation, [clean, dirty])
    assert find_contained([planted], [dirty]) == [0]
    # ein verändertes Wort genügt, damit es kein wörtliches Zitat mehr ist
    changed = planted.replace(planted.split()[1], "XYZ", 1)
    assert find_contained([planted], [changed]) == []
    # über Dokumentgrenzen hinweg wird nicht gesucht
    half = len(planted) // 2
    assert find_contained([planted], [planted[:half], planted[half:]]) == []


def test_find_contained_validates_arguments():
    with pytest.raises(TypeError, match="texts"):
        find_contained("ein Text", ["Korpus"])
    with pytest.raises(ValueError, match="texts"):
        find_contained([], ["Korpus"])
    with pytest.raises(TypeError, match="corpus"):
        find_contained(["ein Text"], "Korpus")
    with pytest.raises(TypeError, match=r"corpus\[0\]"):
        find_contained(["ein Text"], [3])


def test_near_duplicates_flags_planted_variant():
    base = "Die Sanitäranlagen waren sauber und der Platzwart hat uns nachts noch reingelassen."
    variant = base.replace("sauber", "blitzsauber")
    other = "Der Verstärker rauscht schon bei halber Lautstärke, zurückgeschickt."
    pairs = near_duplicates([base, other, variant], n=NGRAM, threshold=LIMIT)
    assert [(i, j) for i, j, _ in pairs] == [(0, 2)] and pairs[0][2] >= LIMIT
    # zwei Listen: Index i aus texts, j aus others
    cross = near_duplicates([other, variant], [base], n=NGRAM, threshold=LIMIT)
    assert [(i, j) for i, j, _ in cross] == [(1, 0)]
    # kurzer Text fast ganz in einem langen: Jaccard klein, Überdeckung groß
    short = "der Platzwart hat uns nachts noch reingelassen"
    assert near_duplicates([short], [base], n=NGRAM, threshold=LIMIT) == []
    assert near_duplicates([short], [base], n=NGRAM, threshold=LIMIT, measure="overlap")
    assert near_duplicates([base, other], n=NGRAM, threshold=LIMIT) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"texts": "abc"}, TypeError, "texts"),
        ({"texts": ["abc"], "others": []}, ValueError, "others"),
        ({"texts": ["abc"], "n": 0}, ValueError, "n"),
        ({"texts": ["abc"], "threshold": 0.0}, ValueError, "threshold"),
        ({"texts": ["abc"], "threshold": 1.5}, ValueError, "threshold"),
        ({"texts": ["abc"], "measure": "cosinus"}, ValueError, "measure"),
    ],
)
def test_near_duplicates_validates_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        near_duplicates(**kwargs)


def test_corpus_filter_drops_planted_book_paragraph(tmp_path, ood, reviews):
    """Zitiert eine Buchseite einen Evaluationstext, fehlt dieser Absatz in corpus_de."""
    # mit Emoticon: markdown_prose macht aus „Witz :-)“ ein „Witz:-)“
    planted = ood.loc[ood["text"].str.contains(" :-)", regex=False), "text"].iloc[0]
    test_text = reviews.loc[reviews["split"] == "test", "text"].iloc[0]
    page = tmp_path / "book" / "kapitel.md"
    page.parent.mkdir()
    page.write_text(
        "# Kapitel\n\nEin harmloser Absatz.\n\n"
        f"Ein Beispiel aus der OOD-Menge: „{planted}“\n\n"
        f"Und eines aus dem Test: „{test_text}“\n\nZum Schluss noch ein Satz.\n",
        encoding="utf-8",
    )
    corpus = text._corpus.__wrapped__(str(tmp_path), ())
    book = corpus.loc[corpus["quelle"] == "buch", "text"].iloc[0]
    assert "Ein harmloser Absatz." in book and "Zum Schluss noch ein Satz." in book
    assert find_contained([planted, test_text], ["\n\n".join(corpus["text"])]) == []
    assert corpus.attrs["ohne_evaluationstexte"] == ("book/kapitel.md (2)",)


# -------------------------------------------------------- die echten Daten des Buchs


def test_no_evaluation_text_in_reviews_train(evaluation, train_texts):
    hits = find_contained(evaluation, train_texts)
    assert hits == [], f"Evaluationstexte in reviews_de/train: {_show(evaluation, hits)}"


def test_no_evaluation_text_in_corpus_de(evaluation):
    corpus = data.load("corpus_de", as_text=True)
    hits = find_contained(evaluation, [corpus])
    assert hits == [], f"Evaluationstexte in corpus_de: {_show(evaluation, hits)}"


def test_corpus_de_reviews_are_exactly_the_train_split(train_texts):
    corpus = data.load("corpus_de", sources=["reviews_de"])
    assert corpus["text"].tolist() == [t.strip() for t in train_texts]
    assert corpus["dokument"].str.fullmatch(r"review-\d{5}").all()
    assert "nur die Trainingstexte" in data.info("corpus_de").source


def test_book_prose_quotes_no_evaluation_text(evaluation):
    """Die Buchprosa (``buch``) zitiert keinen Evaluationstext; sonst fiele der Absatz
    aus corpus_de weg (siehe ``info('corpus_de')``) – hier steht dann, wo."""
    root = text.repository_root()
    if root is None:
        pytest.skip("kibuch ist nicht aus dem Repository installiert: keine Buchseiten")
    docs = text._book_documents(root)
    assert docs, "keine Buchseiten gefunden"
    quoted = {doc: find_contained(evaluation, [prose]) for doc, prose in docs}
    quoted = {doc: hits for doc, hits in quoted.items() if hits}
    assert not quoted, "Buchseiten zitieren Evaluationstexte wörtlich: " + "; ".join(
        f"{doc}: {_show(evaluation, hits, 2)}" for doc, hits in quoted.items())


def test_no_exact_duplicates_between_reviews_de_splits(reviews):
    norm = reviews.assign(norm=reviews["text"].map(normalize_for_overlap))
    by_split = {s: set(g["norm"]) for s, g in norm.groupby("split")}
    for a in by_split:
        for b in by_split:
            if a < b:
                shared = by_split[a] & by_split[b]
                assert not shared, f"{a}/{b} teilen {len(shared)} Texte: {sorted(shared)[:3]}"


def test_no_exact_duplicates_between_ood_and_reviews_de(ood, reviews):
    shared = set(ood["text"].map(normalize_for_overlap)) & set(
        reviews["text"].map(normalize_for_overlap))
    assert not shared, sorted(shared)[:3]
    assert not ood["text"].map(normalize_for_overlap).duplicated().any()


@pytest.mark.parametrize("measure", ["jaccard", "overlap"])
def test_no_near_duplicates_between_ood_and_reviews_de(ood, reviews, measure):
    a, b = ood["text"].tolist(), reviews["text"].tolist()
    pairs = near_duplicates(a, b, n=NGRAM, threshold=LIMIT, measure=measure)
    assert pairs == [], "; ".join(f"{s:.2f}: {a[i]!r} / {b[j]!r}" for i, j, s in pairs[:3])


@pytest.mark.parametrize("measure", ["jaccard", "overlap"])
def test_no_near_duplicates_between_reviews_de_evaluation_and_train(reviews, measure):
    ev = reviews.loc[reviews["split"] != "train", "text"].tolist()
    tr = reviews.loc[reviews["split"] == "train", "text"].tolist()
    pairs = near_duplicates(ev, tr, n=NGRAM, threshold=LIMIT, measure=measure)
    assert pairs == [], "; ".join(f"{s:.2f}: {ev[i]!r} / {tr[j]!r}" for i, j, s in pairs[:3])
