"""Werte und Abbildungen aus Code-Zellen in den Text bringen – im Buch und im Notebook.

Im Buch legt ``glue_values`` jeden Wert für die Rolle ``{glue:text}`` ab. Außerhalb des
Buchs (ein Notebook ohne MyST-NB) gibt es die Werte als kleine Tabelle aus, damit Leserinnen
und Leser sehen, was im Text stünde.

``glue_figure`` legt eine plotly-Figur für die Direktive ``{glue:figure}`` ab. Ein
gewöhnliches ``glue(name, fig, display=False)`` taugt dafür nicht: plotly-Figuren zeigen
sich in IPython selbst an (``_ipython_display_``), ``glue`` erhielte dann gar keine Daten,
und die Figur stünde ohne Bildunterschrift an der Stelle der Code-Zelle.

``report_results`` meldet Kennzahlen eines Kapitels (Genauigkeiten, Laufzeiten) in einer
Ausgabe mit eigenem MIME-Typ; die Sphinx-Erweiterung des Buchs sammelt sie aus den
ausgeführten Notebooks in ``reports/results.json`` und zeigt sie auf der Statusseite.

``claim`` bindet einen Satz im Text an die Bedingung, die ihn wahr macht (etwa „k-NN ist
besser als 1-NN“ an ``acc_knn > acc_1nn``): Wird sie falsch, bricht der Buchbau ab.
``compare_text`` erzeugt solche Wörter („besser“, „schlechter“, „gleichauf“) gleich aus den
Zahlen. Die Erweiterung zählt die geprüften Aussagen je Kapitel in ``reports/claims.json``.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np

from kibuch.core.checks import KibuchError, check_float, check_int, check_str
from kibuch.core.fmt import de

_NUMBER = (int, float, np.integer, np.floating)


def _as_text(name: str, value) -> str:
    """Ein Text oder eine endliche Zahl als Text; alles andere ist ein Fehler."""
    if isinstance(value, str):
        return check_str(name, value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _NUMBER):
        raise TypeError(f"{name} muss ein Text oder eine Zahl sein, nicht {type(value).__name__}. "
                        "Abbildungen legt glue(name, fig, display=False) ab.")
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise ValueError(f"{name} ist {value} – im Fließtext stünde keine Zahl.")
    return str(value)


#: Umgebungsvariable, die die Sphinx-Erweiterung des Buchs beim Bauen setzt; die Kernel der
#: ausgeführten Kapitel erben sie.
BOOK_BUILD_ENV = "KIBUCH_BOOK_BUILD"


def in_book_build() -> bool:
    """Läuft der Code gerade im Buchbau (Jupyter Book)? Sonst: Notebook, Colab oder Skript.

    Nur im Buchbau gehen Werte per MyST-NB-``glue`` in den Text; überall sonst zeigen die
    Helfer sie direkt an, damit ein heruntergeladenes Notebook seine Zahlen sichtbar macht –
    auch wenn dort zufällig MyST-NB installiert ist.
    """
    return os.environ.get(BOOK_BUILD_ENV) == "1"


def glue_values(**values) -> None:
    """Legt jeden Wert als Text für ``{glue:text}`name``` ab.

    Alle Werte werden mit ``str`` in Text verwandelt: MyST-NB liest die Darstellung eines
    Werts mit ``literal_eval`` und würde „61,0“ sonst als Tupel (61, 0) deuten. Erlaubt
    sind Texte (nicht leer) und endliche Zahlen; ``None``, NaN, Wahrheitswerte und andere
    Objekte sind fast immer ein Versehen und führen zu einem Fehler. Gibt nichts zurück,
    damit die (versteckte) Zelle im heruntergeladenen Notebook keine Ausgabe ``{…}`` zeigt.
    """
    if not values:
        raise ValueError("glue_values braucht mindestens einen benannten Wert.")
    texts = {name: _as_text(name, value) for name, value in values.items()}
    if not in_book_build():  # heruntergeladenes Notebook: Werte sichtbar ausgeben
        width = max(len(n) for n in texts)
        print("\n".join(f"{name:<{width}}  {text}" for name, text in texts.items()))
        return
    from myst_nb import glue

    for name, text in texts.items():
        glue(name, text, display=False)


class _MimeBundle:
    """Hülle um ein fertiges MIME-Bündel, damit IPython es unverändert übernimmt."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle


def glue_figure(name: str, fig) -> None:
    """Legt die plotly-Figur ``fig`` für ``{glue:figure}`name``` ab und zeigt sie an.

    Gedacht für eine Zelle mit dem Tag ``remove-cell``: Im Buch verschwindet die Zelle samt
    Ausgabe, und die Figur erscheint mit Bildunterschrift dort, wo ``{glue:figure}`` steht.
    Im Notebook (auch ohne MyST-NB) sieht man sie direkt unter der Zelle. Abgelegt wird ein
    MIME-Bündel (HTML für die Website, plotly-JSON für JupyterLab); zurück gibt es nichts,
    damit die Figur nicht ein zweites Mal als Ausgabe erscheint.
    """
    import plotly.graph_objects as go

    from kibuch.viz.plotting import _plotly_bundle

    name = check_str("name", name)
    if not isinstance(fig, go.Figure):
        raise TypeError(f"fig muss eine plotly-Figur sein, nicht {type(fig).__name__}.")
    bundle = _plotly_bundle(fig.to_dict())
    if not in_book_build():  # heruntergeladenes Notebook: Figur direkt zeigen
        from IPython.display import display

        display(_MimeBundle(bundle))
        return
    from myst_nb import glue

    glue(name, _MimeBundle(bundle), display=True)


# --- Ergebnisse für reports/results.json ---------------------------------------------------

#: MIME-Typ der Ausgabe von ``report_results``. Die Sphinx-Erweiterung des Buchs sammelt
#: diese Ausgaben aus den ausgeführten Notebooks aller Kapitel in ``reports/results.json``.
RESULTS_MIME = "application/vnd.kibuch.results+json"

#: Ein Schlüsselteil: Kleinbuchstaben, Ziffern, Unterstrich („test_acc_mean“); vorn kein
#: Unterstrich, denn ``_meta`` ist in ``results.json`` für Angaben zur Datei reserviert.
_KEY_PART = re.compile(r"[a-z0-9][a-z0-9_]*")


def _check_key(name: str, key) -> str:
    """Ein Schlüssel aus mindestens zwei Teilen mit Punkt, etwa ``cnn.mnist.test_acc``."""
    key = check_str(f"{name} {key!r}", key)
    parts = key.split(".")
    if len(parts) < 2 or not all(_KEY_PART.fullmatch(p) for p in parts):
        raise ValueError(f"{name} {key!r} ist kein gültiger Ergebnisschlüssel: erwartet sind "
                         "mindestens zwei Teile aus a–z, 0–9 und _ (nicht vorn) mit Punkt "
                         "dazwischen, etwa 'cnn.mnist.test_acc'.")
    return key


def _result_value(path: str, value):
    """Prüft einen gemeldeten Wert und gibt ihn JSON-fertig zurück (Python-Typen).

    Erlaubt: endliche Zahlen, nicht leere Texte, nicht leere dicts (Schlüssel: Text oder
    ganze Zahl) und Listen davon, beliebig verschachtelt. ``path`` nennt im Fehler die
    Stelle, etwa ``cnn.mnist.baselines['SVM']``.
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise TypeError(f"{path} ist {value!r}: gemeldet werden nur Zahlen, Texte und "
                        "dicts oder Listen davon (ein Wahrheitswert oder None ist fast "
                        "immer ein Versehen).")
    if isinstance(value, (int, np.integer)):
        return check_int(path, value)
    if isinstance(value, (float, np.floating)):
        return check_float(path, value)
    if isinstance(value, str):
        return check_str(path, value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict):
        if not value:
            raise ValueError(f"{path} ist ein leeres dict.")
        clean = {}
        for k, v in value.items():
            if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
                k = str(int(k))  # JSON kennt nur Text-Schlüssel: 5 → "5"
            k = check_str(f"Schlüssel in {path}", k)
            if k in clean:
                raise ValueError(f"{path} enthält den Schlüssel {k!r} doppelt (etwa 5 und '5').")
            clean[k] = _result_value(f"{path}[{k!r}]", v)
        return clean
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"{path} ist eine leere Liste.")
        return [_result_value(f"{path}[{i}]", v) for i, v in enumerate(value)]
    hint = " (pandas: .to_dict() oder .tolist())" if hasattr(value, "to_dict") else ""
    raise TypeError(f"{path} ist vom Typ {type(value).__name__}: gemeldet werden nur Zahlen, "
                    f"Texte und dicts oder Listen davon{hint}.")


def format_result(value) -> str:
    """Ein gemeldeter Wert als kurzer deutscher Text, etwa ``0.98534`` → ``'0,9853'``.

    Ganze Zahlen mit Tausenderpunkt, Gleitkommazahlen mit vier gültigen Stellen (ohne
    Nullen am Ende), dicts als ``Name: Wert; …``, Listen als ``[Wert; …]``. Semikolons
    trennen, weil das Komma schon Dezimalzeichen ist.
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise TypeError(f"value muss eine Zahl, ein Text, ein dict oder eine Liste sein, "
                        f"nicht {value!r}.")
    if isinstance(value, (int, np.integer)):
        return de(check_int("value", value), 0)
    if isinstance(value, (float, np.floating)):
        x = check_float("value", value)
        digits = 0 if x == 0 else min(max(3 - math.floor(math.log10(abs(x))), 0), 8)
        text = de(x, digits)
        return text.rstrip("0").rstrip(",") if "," in text else text
    if isinstance(value, str):
        return check_str("value", value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_nested(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + "; ".join(_nested(v) for v in value) + "]"
    raise TypeError(f"value muss eine Zahl, ein Text, ein dict oder eine Liste sein, "
                    f"nicht {type(value).__name__}.")


def _nested(value) -> str:
    """Verschachtelte dicts in geschweiften Klammern, damit die Ebenen lesbar bleiben."""
    return "{" + format_result(value) + "}" if isinstance(value, dict) else format_result(value)


def _show(bundle: dict) -> None:
    """Zeigt ein MIME-Bündel in Jupyter an; ohne IPython nur dessen ``text/plain``."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # einfaches Python-Skript ohne IPython
        shell = None
    if shell is None:
        print(bundle["text/plain"])
        return
    from IPython.display import display

    display(bundle, raw=True)


def report_results(prefix_or_results, **values) -> None:
    """Meldet Ergebnisse eines Kapitels für ``reports/results.json`` der Website.

    Zwei Schreibweisen mit demselben Ergebnis::

        report_results({"cnn.mnist.test_acc_mean": 0.985,
                        "cnn.mnist.baselines": {"Logistische Regression": 0.91}})
        report_results("cnn.mnist", test_acc_mean=0.985,
                       baselines={"Logistische Regression": 0.91})

    Schlüssel haben mindestens zwei Teile aus ``a–z``, ``0–9`` und ``_`` (nicht vorn) mit Punkt
    dazwischen (siehe ``.github/CONTRIBUTING.md``). Werte sind endliche Zahlen, Texte oder
    (verschachtelte) dicts und Listen davon; ganze Zahlen als dict-Schlüssel werden zu Text.
    NaN, ±inf, None und Wahrheitswerte sind Fehler, deren Meldung den Schlüssel nennt.

    Die Zelle trägt im Buch das Tag ``remove-cell``. Ihre Ausgabe hat den MIME-Typ
    :data:`RESULTS_MIME` (den die Website nicht anzeigt; die Sphinx-Erweiterung sammelt ihn
    beim Bau ein) und daneben eine kleine Texttabelle für Jupyter. Gibt nichts zurück.
    """
    if isinstance(prefix_or_results, dict):
        if values:
            raise TypeError("prefix_or_results ist ein dict; benannte Werte dazu sind nicht "
                            f"erlaubt (zusätzlich: {', '.join(values)}). Entweder ein dict oder "
                            "ein Präfix mit benannten Werten.")
        results = prefix_or_results
    elif isinstance(prefix_or_results, str):
        prefix = check_str("prefix_or_results", prefix_or_results)
        if not values:
            raise ValueError(f"report_results({prefix!r}) braucht mindestens einen benannten "
                             "Wert, etwa test_acc=0.97.")
        results = {f"{prefix}.{name}": value for name, value in values.items()}
    else:
        raise TypeError("prefix_or_results muss ein dict {Schlüssel: Wert} oder ein Präfix (str) "
                        f"mit benannten Werten sein, nicht {type(prefix_or_results).__name__}.")
    if not results:
        raise ValueError("report_results braucht mindestens ein Ergebnis.")
    payload = {_check_key("Schlüssel", key): _result_value(key, value)
               for key, value in results.items()}
    width = max(len(k) for k in payload)
    text = "\n".join(f"{k:<{width}}  {format_result(v)}" for k, v in payload.items())
    _show({RESULTS_MIME: payload, "text/plain": text})


# --- Aussagen an Ergebnisse binden ----------------------------------------------------------

#: MIME-Typ der Ausgabe von ``claim``. Die Sphinx-Erweiterung des Buchs sammelt diese
#: Ausgaben je Seite in ``reports/claims.json`` und zählt sie auf der Statusseite.
CLAIM_MIME = "application/vnd.kibuch.claim+json"


class ClaimError(KibuchError, AssertionError):
    """Eine Aussage im Text passt nicht mehr zu den Ergebnissen, die der Code berechnet hat."""


def claim(condition, statement: str) -> None:
    """Bindet eine Aussage im Text an die Bedingung, die sie wahr macht.

    ``condition`` ist ein Wahrheitswert (``bool`` oder ``numpy.bool_``), etwa
    ``acc_knn > acc_1nn``; ``statement`` ist die Aussage, wie sie im Text steht, etwa
    „k-NN ist bei zufälligem Rauschen besser als 1-NN“. Ist die Bedingung falsch, bricht
    :class:`ClaimError` die Zelle und damit den strengen Buchbau ab: Der Satz im Text wäre
    nicht mehr wahr. Ist sie wahr, erscheint eine Ausgabe mit dem MIME-Typ
    :data:`CLAIM_MIME` (die Website zeigt sie nicht; die Sphinx-Erweiterung zählt sie je
    Kapitel) und daneben „✓ Aussage“ für Jupyter. Gibt nichts zurück.

    Andere Werte als Wahrheitswerte sind ein ``TypeError``: Ein Array, eine Zahl oder
    ``None`` als Bedingung ist fast immer ein Versehen (ein Array braucht ``.all()`` oder
    ``.any()``, ein Vergleich zweier Tabellen ``.equals``).
    """
    if not isinstance(condition, (bool, np.bool_)):
        hint = (" Ein Array oder eine Tabelle braucht .all() oder .any()."
                if hasattr(condition, "shape") else "")
        raise TypeError("condition muss ein Wahrheitswert sein (bool oder numpy.bool_, etwa "
                        f"a > b), nicht {type(condition).__name__}.{hint}")
    statement = " ".join(check_str("statement", statement).split())
    if not condition:
        raise ClaimError(f"Aussage stimmt nicht mehr mit den Ergebnissen überein: {statement}")
    _show({CLAIM_MIME: {"statement": statement}, "text/plain": f"✓ {statement}"})


def compare_text(a, b, *, higher: str = "besser", lower: str = "schlechter",
                 tie: str = "gleichauf", tol: float = 0.0) -> str:
    """Ein Vergleich zweier Zahlen als deutsches Wort für den Fließtext.

    ``higher``, wenn ``a`` um mehr als ``tol`` über ``b`` liegt, ``lower``, wenn um mehr
    als ``tol`` darunter, sonst ``tie``::

        compare_text(0.91, 0.85)                          # 'besser'
        compare_text(0.91, 0.90, tol=0.02)                # 'gleichauf'
        compare_text(t1, t2, higher="länger", lower="kürzer", tie="etwa gleich lang")

    Für Größen, bei denen weniger besser ist (Fehler, Laufzeit), tauscht man die Wörter:
    ``compare_text(err_a, err_b, higher="schlechter", lower="besser")``. ``tol`` ist der
    Abstand, ab dem ein Unterschied als Unterschied zählt (etwa eine Standardabweichung).
    """
    a = check_float("a", a)
    b = check_float("b", b)
    tol = check_float("tol", tol, minimum=0.0)
    higher = check_str("higher", higher)
    lower = check_str("lower", lower)
    tie = check_str("tie", tie)
    if a - b > tol:
        return higher
    if b - a > tol:
        return lower
    return tie


class ClaimsSkip:
    """MyST-NB-Plugin: Die Ausgabe von :func:`claim` erscheint in der Website nicht.

    Wie :class:`kibuch.viz.mystnb.ResultsSkip` (dort steht, warum ein Kommentar statt einer
    leeren Liste): Der Aussagetyp hat Vorrang vor der Textzeile „✓ …“ daneben und wird als
    Kommentar gesetzt, auch wenn die Zelle das Tag ``remove-cell`` vergisst. Eingetragen in
    ``pyproject.toml`` unter ``myst_nb.mime_renderers``.
    """

    mime_priority_overrides = [("*", CLAIM_MIME, 1)]

    def __init__(self, **kwargs):
        if kwargs:
            raise TypeError(f"ClaimsSkip nimmt keine Argumente an, nicht {', '.join(kwargs)}.")

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != CLAIM_MIME:
            return None
        from docutils import nodes

        return [nodes.comment("", "kibuch: geprüfte Aussage für reports/claims.json")]
