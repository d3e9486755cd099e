"""Datensätze des Buchs über eine kleine Registry – alles offline, alles geprüft.

>>> from kibuch import data
>>> data.names()                      # sortierte Liste aller Namen
>>> titanic = data.load("titanic")    # pandas.DataFrame
>>> X, y = data.load("digits")        # NumPy-Arrays bei Bilddaten
>>> print(data.info("titanic"))       # Datenblatt: Quelle, Lizenz, Größe, Spalten

Schemata (Spalten und dtypes) stehen in den Docstrings von
:mod:`kibuch.data.tabular`, :mod:`kibuch.data.images`, :mod:`kibuch.data.text` und
:mod:`kibuch.data.facts` (belegte Kennzahlen, ``data.load("fakten")``) sowie in
``data.info(name).columns``.

Fehler: unbekannter Name → :class:`UnknownDatasetError` (``KeyError`` und
``ValueError``) mit Liste der Namen; unbekannte Option oder ungültiger Wert →
``ValueError``; beschädigte Datei → :class:`ChecksumError`; MNIST nicht im
Cache und nicht ladbar → :class:`DatasetUnavailable` (``RuntimeError``) mit
Anleitung. Der Import dieses Pakets liest keine Datei und lädt nichts herunter.
"""

from kibuch.data import facts, images, tabular, text  # noqa: F401  (registrieren die Datensätze)
from kibuch.data.checksums import ChecksumError
from kibuch.data.images import (
    IDXFormatError,
    ImageSplits,
    download_mnist,
    load_image_splits,
    mnist_cached,
    read_idx,
)
from kibuch.data.registry import (
    Column,
    DatasetUnavailable,
    Datasheet,
    UnknownDatasetError,
    info,
    load,
    names,
)

__all__ = [
    "ChecksumError",
    "Column",
    "DatasetUnavailable",
    "Datasheet",
    "IDXFormatError",
    "ImageSplits",
    "UnknownDatasetError",
    "download_mnist",
    "info",
    "load",
    "load_image_splits",
    "mnist_cached",
    "names",
    "read_idx",
]
