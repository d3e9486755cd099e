"""Export der Widget-Modelle (``kibuch.web.models``): Base64, Datendateien, Cache, MNIST-Format.

Die Rechnung in JavaScript prüfen die Golden-Tests unter ``tests/js``; hier geht es um die
Python-Seite: Argumentprüfung, Rundreise durch Base64, dieselben Cache-Schlüssel wie die
Trainingsfunktionen der Kapitel und klare Fehler, wenn ein Modell im Cache fehlt.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kibuch.web import models  # noqa: E402
from kibuch.web.models import (  # noqa: E402
    MissingArtifactError,
    cached_cnn,
    cached_gpt,
    cnn_payload,
    decode_array,
    encode_array,
    gpt_from_payload,
    gpt_payload,
    js_data_text,
    mnist_preprocess,
    write_cnn_js,
    write_gpt_js,
)

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "book" / "_static" / "widgets"
TEXT = ("Der Akku hält lange. Das Display ist hell, die Tasten sind gut. " * 25)  # > 1000 Zeichen


def _load_js(path: Path, name: str) -> dict:
    text = path.read_text(encoding="utf-8")
    prefix = f"window.KIBUCH_DATA[{json.dumps(name)}] = "
    line = next(x for x in text.splitlines() if x.startswith(prefix))
    return json.loads(line[len(prefix):].rstrip(";"))


def _tiny_gpt(seed: int = 0):
    from kibuch.nn.gpt import GPT, GPTConfig
    from kibuch.text.tokens import CharTokenizer

    tok = CharTokenizer.from_text("abcde fgh.\n")
    torch.manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, block_size=8, n_layer=1, n_head=2,
                          n_embd=8))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape))
    return model.eval(), tok


def _tiny_cnn():
    from kibuch.nn.convnet import ConvNet, ConvNetConfig

    torch.manual_seed(0)
    model = ConvNet(ConvNetConfig(channels=(3, 4), grid=2, mean=0.1, std=0.3))
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith("running_var"):
                t.copy_(0.5 + torch.rand(t.shape))
            elif name.endswith("running_mean"):
                t.copy_(0.2 * torch.randn(t.shape))
    return model.eval()


# ------------------------------------------------------------------------------ Base64


@pytest.mark.parametrize("dtype", ["float32", "float16", "uint8"])
def test_encode_decode_round_trip(dtype):
    rng = np.random.default_rng(0)
    values = rng.integers(0, 256, (3, 4)) if dtype == "uint8" else rng.normal(size=(3, 4))
    entry = encode_array(values, dtype)
    assert entry["dtype"] == dtype and entry["shape"] == [3, 4]
    raw = base64.b64decode(entry["data"])
    assert len(raw) == 12 * {"float32": 4, "float16": 2, "uint8": 1}[dtype]
    back = decode_array(entry)
    assert back.shape == (3, 4)
    if dtype == "uint8":
        assert np.array_equal(back, values)
    elif dtype == "float32":
        assert np.array_equal(back, values.astype(np.float32))
        assert np.frombuffer(raw, "<f4")[0] == np.float32(values[0, 0])  # Little Endian
    else:
        assert back.dtype == np.float32
        assert np.array_equal(back, values.astype(np.float16).astype(np.float32))


def test_encode_accepts_tensors_and_empty_arrays():
    assert np.array_equal(decode_array(encode_array(torch.arange(4.0))), [0, 1, 2, 3])
    assert decode_array(encode_array(np.zeros((0, 3)))).shape == (0, 3)


def test_encode_errors_name_the_argument():
    with pytest.raises(ValueError, match="dtype"):
        encode_array([1.0], "float64")
    with pytest.raises(ValueError, match="uint8"):
        encode_array([256], "uint8")
    with pytest.raises(ValueError, match="uint8"):
        encode_array([0.5], "uint8")
    with pytest.raises(ValueError, match="float16"):
        encode_array([1e6], "float16")
    with pytest.raises(ValueError, match="array"):
        encode_array([np.nan])
    with pytest.raises(TypeError, match="array"):
        encode_array("1,2")


def test_decode_errors():
    good = encode_array(np.ones(3))
    with pytest.raises(TypeError, match="entry"):
        decode_array([1, 2])
    with pytest.raises(ValueError, match="data"):
        decode_array({"dtype": "float32", "shape": [3]})
    with pytest.raises(ValueError, match="Base64"):
        decode_array({**good, "data": "@@@@"})
    with pytest.raises(ValueError, match="Form"):
        decode_array({**good, "shape": [4]})
    with pytest.raises(ValueError, match="dtype"):
        decode_array({**good, "dtype": "int7"})


def test_js_data_text_is_a_classic_script_with_json():
    text = js_data_text("probe", {"a": [1, 2.5], "ü": "ä"})
    assert "window.KIBUCH_DATA = window.KIBUCH_DATA || {};" in text
    assert "import " not in text and "export " not in text and "fetch(" not in text
    line = text.splitlines()[-1]
    assert json.loads(line.split(" = ", 1)[1].rstrip(";")) == {"a": [1, 2.5], "ü": "ä"}
    with pytest.raises(ValueError, match="payload"):
        js_data_text("probe", {"x": float("nan")})
    with pytest.raises(TypeError, match="payload"):
        js_data_text("probe", [1])
    with pytest.raises(ValueError, match="name"):
        js_data_text("", {})


# --------------------------------------------------------------------------------- GPT


def test_gpt_payload_round_trip_and_references():
    model, tok = _tiny_gpt()
    payload = gpt_payload(model, tok, prompts=["abc", "hgf edcba. abc"], greedy_tokens=12)
    assert payload["chars"] == tok.chars and payload["dtype"] == "float32"
    assert "lm_head.weight" not in payload["tensors"]  # geteilt mit wte.weight
    state = model.state_dict()
    for name, entry in payload["tensors"].items():
        assert np.array_equal(decode_array(entry), state[name].numpy()), name
    rebuilt = gpt_from_payload(payload)
    for ref in payload["references"]:
        idx = torch.tensor([ref["ids"][-8:]])  # zweiter Anfang: länger als block_size
        with torch.no_grad():
            expected = model(idx)[0][0, -1].numpy()
            again = rebuilt(idx)[0][0, -1].numpy()
        assert np.allclose(ref["logits"], expected, atol=1e-6)
        assert np.array_equal(expected, again)
    greedy = model.generate(torch.tensor([tok.encode("abc")]), 12, greedy=True)[0, 3:]
    assert payload["greedy"]["ids"] == greedy.tolist()
    assert payload["greedy"]["text"] == tok.decode(greedy.tolist())


def test_gpt_payload_float16_references_use_the_rounded_weights():
    model, tok = _tiny_gpt()
    payload = gpt_payload(model, tok, dtype="float16", prompts=["abc"], greedy_tokens=1)
    rounded = gpt_from_payload(payload)
    w = rounded.wte.weight.detach().numpy()
    half = model.wte.weight.detach().numpy().astype(np.float16).astype(np.float32)
    assert np.array_equal(w, half)
    with torch.no_grad():
        expected = rounded(torch.tensor([tok.encode("abc")]))[0][0, -1].numpy()
    assert np.allclose(payload["references"][0]["logits"], expected, atol=1e-6)
    assert len(payload["greedy"]["ids"]) == 1


def test_gpt_payload_argument_checks():
    model, tok = _tiny_gpt()
    with pytest.raises(TypeError, match="model"):
        gpt_payload("gpt", tok)
    with pytest.raises(TypeError, match="tokenizer"):
        gpt_payload(model, "abc")
    with pytest.raises(ValueError, match="dtype"):
        gpt_payload(model, tok, dtype="float64")
    with pytest.raises(ValueError, match="nicht im Vokabular"):
        gpt_payload(model, tok, prompts=["xyz"])
    with pytest.raises(ValueError, match="greedy_tokens"):
        gpt_payload(model, tok, prompts=["abc"], greedy_tokens=-1)
    from kibuch.text.tokens import CharTokenizer

    with pytest.raises(ValueError, match="vocab_size"):
        gpt_payload(model, CharTokenizer.from_text("ab"))
    untied, _ = _tiny_gpt()
    untied.lm_head.weight = torch.nn.Parameter(untied.wte.weight.detach().clone())
    with pytest.raises(ValueError, match="weight tying"):
        gpt_payload(untied, tok, prompts=["abc"])
    with pytest.raises(ValueError, match="payload"):
        gpt_from_payload({"config": {}})


def test_cached_gpt_finds_what_train_gpt_stored(tmp_cache):
    from kibuch.nn.gpt import GPTConfig, gpt_train_config, train_gpt

    config = GPTConfig(block_size=8, n_layer=1, n_head=1, n_embd=8)
    train_config = gpt_train_config(steps=2, batch_size=2, eval_every=1)
    with pytest.raises(MissingArtifactError, match="Artefakt-Cache"):
        cached_gpt(TEXT, config, train_config)  # noch nichts trainiert
    trained, tok, info = train_gpt(TEXT, config, train_config)
    assert not info["from_cache"]
    model, tok2 = cached_gpt(TEXT, config, train_config)  # derselbe Schlüssel, kein Training
    assert tok2.chars == tok.chars and not model.training
    for name, tensor in trained.state_dict().items():
        assert torch.equal(tensor.cpu(), model.state_dict()[name]), name
    with pytest.raises(MissingArtifactError):
        cached_gpt(TEXT, config, train_config, val_fraction=0.2)  # anderer Schlüssel
    with pytest.raises(TypeError, match="config"):
        cached_gpt(TEXT, "klein", train_config)
    with pytest.raises(TypeError, match="train_config"):
        cached_gpt(TEXT, config, {"steps": 2})
    with pytest.raises(ValueError, match="val_fraction"):
        cached_gpt(TEXT, config, train_config, val_fraction=0.7)


def test_write_gpt_js_checks_arguments_and_reports_a_missing_model(tmp_cache, tmp_path):
    with pytest.raises(TypeError, match="path"):
        write_gpt_js(42)
    with pytest.raises(ValueError, match="path"):
        write_gpt_js(tmp_path / "gpt.json")
    with pytest.raises(ValueError, match="dtype"):
        write_gpt_js(tmp_path / "gpt.js", dtype="int8")
    target = tmp_path / "data" / models.GPT_DATA_FILE
    with pytest.raises(MissingArtifactError, match="Kapitel 3.4") as err:
        write_gpt_js(target)
    assert "trainieren nicht selbst" in str(err.value)
    assert not target.exists()


def test_write_gpt_js_picks_float32_or_float16_by_size(monkeypatch, tmp_path):
    model, tok = _tiny_gpt()
    monkeypatch.setattr(models, "_chapter_gpt", lambda: (model, tok))
    monkeypatch.setattr(models, "GPT_REFERENCE_PROMPTS", ("abc", "fed"))
    monkeypatch.setattr(models, "GPT_GREEDY_TOKENS", 4)
    path = write_gpt_js(tmp_path / "gpt.js")
    data = _load_js(path, "gpt")
    assert data["dtype"] == "float32" and data["config"]["n_layer"] == 1
    size32 = path.stat().st_size
    monkeypatch.setattr(models, "PAGE_BUDGET", models.GPT_WIDGET_CODE_BYTES + size32 - 1)
    data = _load_js(write_gpt_js(tmp_path / "gpt.js"), "gpt")
    assert data["dtype"] == "float16"
    monkeypatch.setattr(models, "PAGE_BUDGET", models.GPT_WIDGET_CODE_BYTES + 10)
    with pytest.raises(ValueError, match="zu groß"):
        write_gpt_js(tmp_path / "gpt.js")


def test_gpt_widget_code_fits_the_allowance():
    files = [WIDGETS / "lib" / "gpt.js", WIDGETS / "gpt_sampler.js", WIDGETS / "gpt_sampler.css"]
    size = sum(f.stat().st_size for f in files)
    assert size <= models.GPT_WIDGET_CODE_BYTES, size


def test_chapter_gpt_export_fits_the_page_budget(tmp_path):
    """Mit dem echten Modell aus Kapitel 3.4 – nur, wenn es im Cache liegt."""
    try:
        path = write_gpt_js(tmp_path / "gpt.js")
    except MissingArtifactError:
        pytest.skip("Das GPT aus Kapitel 3.4 liegt nicht im Artefakt-Cache.")
    code = sum(f.stat().st_size for f in (WIDGETS / "lib" / "gpt.js", WIDGETS / "gpt_sampler.js",
                                          WIDGETS / "gpt_sampler.css"))
    assert path.stat().st_size + code <= models.PAGE_BUDGET
    data = _load_js(path, "gpt")
    assert [r["prompt"] for r in data["references"]] == list(models.GPT_REFERENCE_PROMPTS)
    assert len(data["references"][2]["ids"]) > data["config"]["block_size"]


# --------------------------------------------------------------------------------- CNN


def test_cnn_payload_folds_batchnorm_exactly():
    model = _tiny_cnn()
    payload = cnn_payload(model)
    assert payload["batchnorm"] == "gefaltet" and payload["samples"] == []
    x = torch.rand(2, 1, 28, 28)
    z = (x - model.mean) / model.std
    for block, exported in zip(model.features, payload["blocks"], strict=True):
        w = torch.from_numpy(decode_array(exported["weight"]))
        b = torch.from_numpy(decode_array(exported["bias"]))
        with torch.no_grad():
            expected = block[:2](z)  # Faltung und BatchNorm (eval)
            folded = torch.nn.functional.conv2d(z, w, b, padding=1)
            z = block(z)
        assert torch.allclose(folded, expected, atol=1e-5)
        assert exported["pool"] == (len(block) == 4)
    assert payload["mean"] == pytest.approx(0.1) and payload["std"] == pytest.approx(0.3)


def test_cnn_payload_samples_carry_pytorch_probabilities():
    model = _tiny_cnn()
    X = np.round(np.random.default_rng(0).random((3, 28, 28)) * 255) / 255
    payload = cnn_payload(model, X.astype(np.float32), np.array([3, 1, 4]))
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(X.astype(np.float32))[:, None]), 1).numpy()
    for sample, p, x, label in zip(payload["samples"], probs, X, [3, 1, 4], strict=True):
        assert sample["label"] == label
        assert np.allclose(sample["probs"], p, atol=1e-7)
        assert np.array_equal(decode_array(sample["pixels"]), np.round(x * 255).astype(np.uint8))


def test_cnn_payload_argument_checks():
    model = _tiny_cnn()
    X = np.zeros((2, 28, 28), dtype=np.float32)
    with pytest.raises(TypeError, match="model"):
        cnn_payload("cnn")
    with pytest.raises(ValueError, match="samples und labels"):
        cnn_payload(model, X)
    with pytest.raises(ValueError, match="verschieden lang"):
        cnn_payload(model, X, [1])
    with pytest.raises(ValueError, match="samples"):
        cnn_payload(model, np.zeros((2, 8, 8)), [1, 2])
    with pytest.raises(ValueError, match="k / 255"):
        cnn_payload(model, X + 0.001, [1, 2])
    with pytest.raises(ValueError, match="0 bis 1"):
        cnn_payload(model, X + 2, [1, 2])
    with pytest.raises(ValueError, match="labels"):
        cnn_payload(model, X, [1, 12])


def _mini_splits():
    from kibuch.data.images import ImageSplits

    rng = np.random.default_rng(0)

    def part(n):
        return rng.random((n, 8, 8), dtype=np.float32), np.arange(n) % 3

    return ImageSplits("mini", *part(24), *part(9), *part(9))


def test_cached_cnn_finds_what_train_cnn_stored(tmp_cache):
    from kibuch.chapters.ch03_3_cnn import CNNRecipe, train_cnn

    splits = _mini_splits()
    recipe = CNNRecipe(channels=(2,), grid=2, epochs=1, batch_size=12, augment=None)
    with pytest.raises(MissingArtifactError, match="Kapitel 3.3"):
        cached_cnn(splits, recipe, seed=1)
    trained, info = train_cnn(splits, recipe, seed=1)
    assert not info["from_cache"]
    model = cached_cnn(splits, recipe, seed=1)
    assert not model.training
    for name, tensor in trained.state_dict().items():
        assert torch.equal(tensor.cpu(), model.state_dict()[name]), name
    with pytest.raises(MissingArtifactError):
        cached_cnn(splits, recipe, seed=2)
    with pytest.raises(TypeError, match="splits"):
        cached_cnn("mnist", recipe)
    with pytest.raises(TypeError, match="recipe"):
        cached_cnn(splits, {"epochs": 1})
    with pytest.raises(ValueError, match="seed"):
        cached_cnn(splits, recipe, seed=-1)


def test_write_cnn_js_checks_arguments_and_reports_a_missing_model(tmp_cache, tmp_path):
    with pytest.raises(TypeError, match="path"):
        write_cnn_js(None)
    with pytest.raises(ValueError, match="path"):
        write_cnn_js(tmp_path / "cnn.txt")
    target = tmp_path / models.CNN_DATA_FILE
    with pytest.raises(MissingArtifactError, match="Kapitel 3.3"):
        write_cnn_js(target)
    assert not target.exists()


def test_write_cnn_js_writes_samples_of_every_digit(monkeypatch, tmp_path):
    from kibuch.data.images import ImageSplits

    rng = np.random.default_rng(1)
    X = np.round(rng.random((30, 28, 28)) * 255).astype(np.float32) / 255
    y = np.arange(30) % 10
    splits = ImageSplits("probe", X, y, X, y, X[::-1].copy(), y[::-1].copy())
    model = _tiny_cnn()
    monkeypatch.setattr(models, "_chapter_cnn", lambda: (model, splits))
    data = _load_js(write_cnn_js(tmp_path / "cnn.js"), "cnn")
    assert [s["label"] for s in data["samples"]] == list(range(10))
    assert data["data"] == "probe" and data["config"]["channels"] == [3, 4]
    first_seven = int(np.flatnonzero(splits.y_test == 7)[0])
    pixels = decode_array(data["samples"][7]["pixels"])
    assert np.array_equal(pixels.astype(np.float32) / np.float32(255), splits.X_test[first_seven])


# ----------------------------------------------------------------- MNIST-Vorverarbeitung


def test_mnist_preprocess_matches_the_mnist_format():
    img = np.zeros((200, 120))
    img[20:180, 50:70] = 1.0  # ein senkrechter Balken, höher als breit
    img[20:40, 20:70] = 1.0
    out = mnist_preprocess(img)
    assert out.shape == (28, 28) and out.min() >= 0 and out.max() <= 1
    rows, cols = np.flatnonzero(out.max(1) > 0), np.flatnonzero(out.max(0) > 0)
    assert rows[-1] - rows[0] + 1 == 20  # die Höhe füllt den 20er-Kasten
    assert cols[-1] - cols[0] + 1 == 6  # Seitenverhältnis 160 : 50 → 20 : 6,25, gerundet 6
    ys, xs = np.mgrid[0:28, 0:28]
    assert abs((out * ys).sum() / out.sum() - 14) <= 0.5
    assert abs((out * xs).sum() / out.sum() - 14) <= 0.5
    assert np.isclose(out.sum(), img.sum() * (20 * 6) / (160 * 50))  # Flächenmittel erhält Tinte


def test_mnist_preprocess_edge_cases():
    assert not mnist_preprocess(np.zeros((5, 7))).any()
    assert not mnist_preprocess(np.full((5, 7), 0.05)).any()  # unter der Tintenschwelle
    dot = np.zeros((9, 9))
    dot[4, 4] = 1.0
    out = mnist_preprocess(dot)
    assert np.isclose(out, 1.0).sum() == 400 and np.isclose(out.sum(), 400)  # 1 Pixel → 20 × 20
    corner = np.zeros((40, 40))
    corner[:, 0] = corner[-1, :] = 1.0  # Schwerpunkt weit unten links: Ziffer bleibt im Feld
    out = mnist_preprocess(corner)
    assert np.isclose(out.sum(), 79 / 4)  # 79 Pixel Tinte, 40 → 20: nichts abgeschnitten


def test_mnist_preprocess_argument_checks():
    with pytest.raises(ValueError, match="bitmap"):
        mnist_preprocess(np.zeros(10))
    with pytest.raises(ValueError, match="bitmap"):
        mnist_preprocess(np.full((3, 3), 2.0))
    with pytest.raises(ValueError, match="bitmap"):
        mnist_preprocess(np.full((3, 3), np.nan))
    with pytest.raises(TypeError, match="bitmap"):
        mnist_preprocess("bild")
    with pytest.raises(ValueError, match="bitmap"):
        mnist_preprocess(np.zeros((3, 0)))


def test_import_does_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys; import kibuch.web.models; "
            "print('torch' in sys.modules, 'kibuch.nn.gpt' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
