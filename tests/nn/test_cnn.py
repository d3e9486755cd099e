"""Tests für kibuch.nn.cnn: Faltung von Hand, Formeln, LeNet, AlexNet, Embeddings."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.signal import correlate2d

from kibuch.nn.cnn import (
    KERNELS,
    AlexNet,
    AlexNetConfig,
    LeNet,
    LeNetConfig,
    as_image_tensor,
    conv2d_naive,
    conv_layer_params,
    conv_output_size,
    dense_layer_params,
    extract_embeddings,
    filter_image,
    iter_windows,
    layer_table,
    max_pool_naive,
    predict_proba,
    to_gray,
)
from kibuch.nn.mlp import count_parameters
from kibuch.training.loop import TrainConfig, fit, tensor_loaders


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----------------------------------------------------------------- Faltung von Hand


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (2, 2), (3, 1)])
def test_conv2d_naive_matches_torch(rng, stride, padding):
    image = rng.normal(size=(9, 11))
    kernel = rng.normal(size=(3, 4))
    ours = conv2d_naive(image, kernel, stride=stride, padding=padding)
    ref = F.conv2d(torch.tensor(image)[None, None], torch.tensor(kernel)[None, None],
                   stride=stride, padding=padding)[0, 0].numpy()
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-10)


def test_conv2d_naive_matches_scipy_and_is_not_flipped(rng):
    image = rng.normal(size=(8, 8))
    kernel = KERNELS["vertikale Kanten"]
    ours = conv2d_naive(image, kernel)
    np.testing.assert_allclose(ours, correlate2d(image, kernel, mode="valid"), atol=1e-5)
    # Eine echte (gespiegelte) Faltung ergibt beim asymmetrischen Sobel-Kern etwas anderes
    from scipy.signal import convolve2d

    assert not np.allclose(ours, convolve2d(image, kernel, mode="valid"))


def test_filter_image_equals_naive_with_same_padding(rng):
    image = rng.random((12, 10)).astype(np.float32)
    for kernel in KERNELS.values():
        pad = kernel.shape[0] // 2
        np.testing.assert_allclose(filter_image(image, kernel),
                                   conv2d_naive(image, kernel, padding=pad), atol=1e-5)
        assert filter_image(image, kernel).shape == image.shape


def test_filter_image_errors():
    with pytest.raises(ValueError, match="padding"):
        filter_image(np.zeros((5, 5)), np.ones((3, 3)), padding="valid-ish")
    with pytest.raises(ValueError, match="image muss 2-dimensional"):
        filter_image(np.zeros((5, 5, 3)), np.ones((3, 3)))
    with pytest.raises(TypeError, match="padding"):
        filter_image(np.zeros((5, 5)), np.ones((3, 3)), padding=1.0)
    with pytest.raises(ValueError, match="padding"):
        filter_image(np.zeros((5, 5)), np.ones((3, 3)), padding=-1)
    with pytest.raises(ValueError, match="kernel enthält NaN"):
        filter_image(np.zeros((5, 5)), np.full((3, 3), np.nan))
    with pytest.raises(TypeError, match="image"):
        filter_image("Bild", np.ones((3, 3)))


def test_filter_image_valid_padding_equals_naive(rng):
    image = rng.random((7, 9))
    kernel = rng.normal(size=(3, 3))
    np.testing.assert_allclose(filter_image(image, kernel, padding="valid"),
                               conv2d_naive(image, kernel), atol=1e-5)


def test_iter_windows_positions_and_patches():
    image = np.arange(25.0).reshape(5, 5)
    windows = list(iter_windows(image, (3, 3), stride=2))
    assert [(i, j) for i, j, _ in windows] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    np.testing.assert_array_equal(windows[3][2], image[2:5, 2:5])
    padded = list(iter_windows(image, (3, 3), padding=1))
    assert len(padded) == 25
    assert padded[0][2][0, 0] == 0.0  # aufgefüllte Null
    # Die Prüfung greift sofort beim Aufruf, nicht erst beim ersten Fenster
    with pytest.raises(ValueError, match="kernel_shape"):
        iter_windows(image, (3,))
    with pytest.raises(TypeError, match=r"kernel_shape\[1\]"):
        iter_windows(image, (3, 2.5))
    with pytest.raises(TypeError, match="kernel_shape"):
        iter_windows(image, 3)


def test_max_pool_naive_matches_torch(rng):
    image = rng.normal(size=(8, 6))
    for size, stride in [(2, None), (3, 2), (2, 1)]:
        ours = max_pool_naive(image, size=size, stride=stride)
        ref = F.max_pool2d(torch.tensor(image)[None, None], size,
                           stride=stride if stride else size)[0, 0].numpy()
        np.testing.assert_allclose(ours, ref)


def test_kernel_properties():
    np.testing.assert_array_equal(KERNELS["vertikale Kanten"].T, KERNELS["horizontale Kanten"])
    assert KERNELS["Weichzeichner"].sum() == pytest.approx(1.0)
    assert KERNELS["Schärfen"].sum() == pytest.approx(1.0)
    # Ein Kantenfilter ergibt auf einer konstanten Fläche null
    assert np.allclose(conv2d_naive(np.ones((6, 6)), KERNELS["vertikale Kanten"]), 0)


def test_conv_input_errors():
    with pytest.raises(ValueError, match="image muss 2-dimensional"):
        conv2d_naive(np.zeros((2, 4, 4)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="kernel muss mindestens 1"):
        conv2d_naive(np.zeros((4, 4)), np.ones((0, 0)))
    with pytest.raises(ValueError, match="Breite von kernel"):
        conv2d_naive(np.zeros((4, 4)), np.ones((3, 0)))
    with pytest.raises(ValueError, match="image enthält NaN"):
        conv2d_naive(np.full((4, 4), np.inf), np.ones((3, 3)))
    with pytest.raises(TypeError, match="image"):
        conv2d_naive(None, np.ones((3, 3)))
    with pytest.raises(TypeError, match="stride"):
        max_pool_naive(np.zeros((4, 4)), stride=True)
    with pytest.raises(ValueError, match="größer"):
        conv2d_naive(np.zeros((2, 2)), np.ones((3, 3)))
    with pytest.raises(TypeError, match="ganze Zahl"):
        conv2d_naive(np.zeros((4, 4)), np.ones((3, 3)), stride=1.5)
    with pytest.raises(ValueError, match="≥ 1"):
        max_pool_naive(np.zeros((4, 4)), size=0)


def test_to_gray():
    img = np.zeros((2, 3, 3), dtype=np.uint8)
    img[..., 1] = 255
    gray = to_gray(img)
    assert gray.shape == (2, 3)
    assert gray.dtype == np.float32
    np.testing.assert_allclose(gray, 0.587, atol=1e-6)
    with pytest.raises(ValueError, match="3-dimensional"):
        to_gray(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="RGB"):
        to_gray(np.zeros((4, 4, 4)))


def test_to_gray_scale_comes_from_dtype_not_from_values():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(4, 5, 3))
    weights = np.array([0.299, 0.587, 0.114])
    expected = (rgb / 255.0) @ weights                            # Referenz in float64
    np.testing.assert_allclose(to_gray(rgb.astype(np.uint8)), expected, atol=1e-6)
    np.testing.assert_allclose(to_gray(rgb / 255.0), expected, atol=1e-6)
    np.testing.assert_allclose(to_gray(rgb.astype(float), scale=255), expected, atol=1e-6)
    # Ein sehr dunkles uint8-Bild (Werte 0 und 1) ist 0…255 skaliert, nicht 0…1
    dark = np.ones((2, 2, 3), dtype=np.uint8)
    np.testing.assert_allclose(to_gray(dark), 1 / 255, atol=1e-7)


def test_to_gray_rejects_ambiguous_and_invalid_input():
    with pytest.raises(ValueError, match="scale=255"):
        to_gray(np.full((2, 2, 3), 200.0))                        # float mit Werten über 1
    with pytest.raises(ValueError, match="0 bis 255"):
        to_gray(np.full((2, 2, 3), 300, dtype=np.int64))
    with pytest.raises(ValueError, match="0 bis 1"):
        to_gray(np.full((2, 2, 3), -0.5))
    with pytest.raises(ValueError, match="scale"):
        to_gray(np.zeros((2, 2, 3)), scale=0)
    with pytest.raises(TypeError, match="scale"):
        to_gray(np.zeros((2, 2, 3)), scale="255")
    with pytest.raises(TypeError, match="Datentyp bool"):
        to_gray(np.zeros((2, 2, 3), dtype=bool))
    with pytest.raises(ValueError, match="NaN"):
        to_gray(np.full((2, 2, 3), np.nan))
    with pytest.raises(TypeError, match="image"):
        to_gray("foto.jpg")


# -------------------------------------------------------------- Formeln und Formen


@pytest.mark.parametrize("n,k,s,p", [(28, 5, 1, 0), (28, 5, 1, 2), (28, 3, 2, 1),
                                     (227, 11, 4, 0), (13, 3, 2, 0), (7, 7, 1, 0)])
def test_conv_output_size_matches_torch(n, k, s, p):
    out = torch.nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, n, n))
    assert conv_output_size(n, k, s, p) == out.shape[-1]


def test_conv_output_size_errors():
    with pytest.raises(ValueError, match="größer"):
        conv_output_size(3, 5)
    with pytest.raises(ValueError, match="stride"):
        conv_output_size(10, 3, stride=0)
    with pytest.raises(ValueError, match="padding"):
        conv_output_size(10, 3, padding=-1)
    with pytest.raises(TypeError):
        conv_output_size(True, 3)
    with pytest.raises(TypeError, match="kernel"):
        conv_output_size(10, "3")
    assert conv_output_size(np.int64(10), np.int32(3)) == 8  # NumPy-Zahlen sind erlaubt


@pytest.mark.parametrize("c_in,c_out,k,groups,bias", [(1, 6, 5, 1, True), (3, 96, 11, 1, True),
                                                      (96, 256, 5, 2, True), (4, 8, 3, 4, False)])
def test_conv_layer_params_matches_torch(c_in, c_out, k, groups, bias):
    layer = torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)
    assert conv_layer_params(c_in, c_out, k, groups=groups, bias=bias) == count_parameters(layer)


def test_dense_layer_params_matches_torch():
    assert dense_layer_params(784, 120) == count_parameters(torch.nn.Linear(784, 120))
    assert dense_layer_params(10, 3, bias=False) == 30
    with pytest.raises(ValueError):
        dense_layer_params(0, 3)
    with pytest.raises(ValueError, match="teilbar"):
        conv_layer_params(3, 8, 3, groups=2)
    with pytest.raises(TypeError, match="bias"):
        conv_layer_params(3, 8, 3, bias=1)
    with pytest.raises(TypeError, match="bias"):
        dense_layer_params(3, 8, bias="ja")
    with pytest.raises(TypeError, match="n_out"):
        dense_layer_params(3, 8.0)


def test_layer_table_and_errors():
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 5), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(16, 32, 3, stride=2, padding=1))
    rows = layer_table(net, (3, 64, 64))
    assert [r["ausgabe"] for r in rows] == [(16, 60, 60), (16, 30, 30), (32, 15, 15)]
    assert [r["parameter"] for r in rows] == [1216, 0, 4640]
    assert net.training  # Modus wiederhergestellt
    assert layer_table(net, [3, 64, 64]) == rows  # Liste statt Tupel ist in Ordnung
    with pytest.raises(TypeError, match="model"):
        layer_table("kein Modell", (3, 4, 4))
    with pytest.raises(ValueError, match=r"input_shape\[1\]"):
        layer_table(net, (3, 0, 64))
    with pytest.raises(TypeError, match="input_shape"):
        layer_table(net, "3x64x64")
    # ein Modell ohne Parameter (nur Pooling) geht auch
    pool_rows = layer_table(torch.nn.Sequential(torch.nn.MaxPool2d(2)), (1, 8, 8))
    assert pool_rows == [{"schicht": "0", "typ": "MaxPool2d", "ausgabe": (1, 4, 4),
                          "parameter": 0}]


# ------------------------------------------------------------------------- LeNet


@pytest.mark.parametrize("side,k", [(28, 5), (8, 3), (32, 3)])
def test_lenet_shapes(side, k):
    torch.manual_seed(0)
    model = LeNet(LeNetConfig(image_size=side, kernel_size=k))
    x = torch.rand(4, 1, side, side)
    assert model(x).shape == (4, 10)
    assert model.embed(x).shape == (4, 84)
    assert model.first_layer_filters().shape == (6, k, k)


def test_lenet5_parameter_count_by_hand():
    # conv1: 6·1·5·5+6, conv2: 16·6·5·5+16, fc: 784·120+120, 120·84+84, 84·10+10
    expected = 156 + 2416 + (16 * 7 * 7 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10)
    assert count_parameters(LeNet()) == expected


def test_lenet_errors():
    with pytest.raises(ValueError, match="durch 4"):
        LeNetConfig(image_size=10)
    with pytest.raises(ValueError, match="ungerade"):
        LeNetConfig(kernel_size=4)
    with pytest.raises(ValueError, match="dropout"):
        LeNetConfig(dropout=1.0)
    with pytest.raises(ValueError, match="channels braucht genau 2"):
        LeNetConfig(channels=(6,))
    with pytest.raises(ValueError, match=r"hidden\[1\]"):
        LeNetConfig(hidden=(120, 0))
    with pytest.raises(TypeError, match="channels"):
        LeNetConfig(channels=6)
    with pytest.raises(TypeError, match="image_size"):
        LeNetConfig(image_size=28.0)
    with pytest.raises(TypeError, match="n_classes"):
        LeNetConfig(n_classes=True)
    with pytest.raises(ValueError, match="dropout"):
        LeNetConfig(dropout=float("nan"))
    with pytest.raises(TypeError, match="config"):
        LeNet(AlexNetConfig())
    with pytest.raises(ValueError, match="Eingabe"):
        LeNet()(torch.zeros(2, 1, 8, 8))
    with pytest.raises(TypeError, match="x"):
        LeNet().embed(np.zeros((2, 1, 28, 28)))
    # NumPy-Zahlen werden zu int
    assert LeNetConfig(image_size=np.int64(8), kernel_size=3).image_size == 8


def test_training_on_mini_data_lowers_loss():
    rng = np.random.default_rng(0)
    # zwei leicht trennbare Muster: senkrechter bzw. waagerechter Strich plus Rauschen
    X = rng.normal(0, 0.1, size=(64, 8, 8)).astype(np.float32)
    y = np.arange(64) % 2
    X[y == 0, :, 3:5] += 1.0
    X[y == 1, 3:5, :] += 1.0
    torch.manual_seed(0)
    model = LeNet(LeNetConfig(image_size=8, kernel_size=3, n_classes=2))
    x = as_image_tensor(X)
    history = fit(model, *tensor_loaders(x, y, x, y, batch_size=16),
                  TrainConfig(epochs=15, lr=3e-3, progress=False))
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_acc[-1] == 1.0


def test_embeddings_and_probabilities():
    torch.manual_seed(0)
    model = LeNet(LeNetConfig(image_size=8, kernel_size=3))
    X = np.random.default_rng(1).random((5, 8, 8)).astype(np.float32)
    emb = extract_embeddings(model, X, batch_size=2)
    assert emb.shape == (5, 84)
    model.eval()
    with torch.no_grad():
        np.testing.assert_allclose(emb, model.embed(as_image_tensor(X)).numpy(), atol=1e-6)
        logits = model(as_image_tensor(X))
    proba = predict_proba(model, X, batch_size=3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(proba, torch.softmax(logits, 1).numpy(), atol=1e-6)
    with pytest.raises(TypeError, match="embed"):
        extract_embeddings(torch.nn.Linear(2, 2), X)
    with pytest.raises(TypeError, match="model"):
        extract_embeddings("LeNet", X)
    with pytest.raises(ValueError, match="batch_size"):
        predict_proba(model, X, batch_size=0)
    with pytest.raises(TypeError, match="batch_size"):
        predict_proba(model, X, batch_size=2.5)
    with pytest.raises(TypeError, match="model"):
        predict_proba(None, X)
    with pytest.raises(ValueError, match="Unbekanntes Gerät"):
        predict_proba(model, X, device="tpu")
    with pytest.raises(TypeError, match="device"):
        extract_embeddings(model, X, device=3.5)
    with pytest.raises(ValueError, match="Bildgröße"):
        as_image_tensor(X, image_size=28)
    with pytest.raises(TypeError, match="image_size"):
        as_image_tensor(X, image_size="8")
    with pytest.raises(ValueError, match="3 oder 4-dimensional"):
        as_image_tensor(np.zeros(5))
    with pytest.raises(ValueError, match="NaN"):
        as_image_tensor(np.full((2, 8, 8), np.nan))
    with pytest.raises(TypeError, match="X"):
        as_image_tensor(None)
    # Werte bleiben erhalten (float64 → float32 wie in PyTorch), Form (N, 1, H, W)
    X64 = np.random.default_rng(2).random((3, 8, 8))
    x = as_image_tensor(X64)
    assert x.shape == (3, 1, 8, 8) and x.dtype == torch.float32
    torch.testing.assert_close(x[:, 0], torch.as_tensor(X64, dtype=torch.float32),
                               rtol=0, atol=0)


# ------------------------------------------------------------------------ AlexNet


def _alexnet_params_by_hand(groups: int) -> int:
    conv = [
        (3, 96, 11, 1),
        (96, 256, 5, groups),
        (256, 384, 3, 1),
        (384, 384, 3, groups),
        (384, 256, 3, groups),
    ]
    total = sum(c_out * (c_in // g) * k * k + c_out for c_in, c_out, k, g in conv)
    fc = [(256 * 6 * 6, 4096), (4096, 4096), (4096, 1000)]
    return total + sum(n_in * n_out + n_out for n_in, n_out in fc)


def test_alexnet_parameter_count_by_hand():
    with torch.device("meta"):
        two = AlexNet()
        one = AlexNet(AlexNetConfig(two_gpus=False))
    assert count_parameters(two) == _alexnet_params_by_hand(2) == 60_965_224
    assert count_parameters(one) == _alexnet_params_by_hand(1) == 62_378_344


def test_alexnet_shapes():
    with torch.device("meta"):
        model = AlexNet()
        rows = layer_table(model, (3, 227, 227))
    convs = [r["ausgabe"] for r in rows if r["typ"] == "Conv2d"]
    assert convs == [(96, 55, 55), (256, 27, 27), (384, 13, 13), (384, 13, 13), (256, 13, 13)]
    assert rows[-1]["ausgabe"] == (1000,)
    assert [r["ausgabe"] for r in rows if r["typ"] == "MaxPool2d"][-1] == (256, 6, 6)


def test_alexnet_config_errors():
    with pytest.raises(ValueError, match="image_size"):
        AlexNetConfig(image_size=32)
    with pytest.raises(ValueError, match="dropout"):
        AlexNetConfig(dropout=-0.1)
    with pytest.raises(TypeError, match="two_gpus"):
        AlexNetConfig(two_gpus=1)
    with pytest.raises(TypeError, match="lrn"):
        AlexNetConfig(lrn="ja")
    with pytest.raises(TypeError, match="config"):
        AlexNet(LeNetConfig())


# ------------------------------------------------------------------- Abbildungen


def test_sliding_window_figure_steps_match_the_convolution():
    from kibuch.viz.nn_figures import sliding_window_figure

    image = np.arange(20.0).reshape(4, 5)
    kernel = KERNELS["vertikale Kanten"]
    result = conv2d_naive(image, kernel)                       # (2, 3)
    steps = list(iter_windows(image, kernel.shape))
    fig = sliding_window_figure(image, kernel, result, steps)
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == len(steps) == result.size
    last = np.asarray(slider.steps[-1].args[0]["z"][2], dtype=float)
    np.testing.assert_allclose(last, result)                  # am Ende vollständig
    first = np.asarray(slider.steps[0].args[0]["z"][2], dtype=float)
    assert np.isfinite(first).sum() == 1
    assert fig.layout.xaxis3.title.text == "Ausgabe (2 × 3)"
    rect = slider.steps[4].args[1]["shapes"][0]                # Zeile 1, Spalte 1
    assert (rect["x0"], rect["x1"], rect["y0"], rect["y1"]) == (0.5, 3.5, 0.5, 3.5)


def test_matplotlib_figures_for_cnn_chapter():
    import matplotlib.pyplot as plt
    import pandas as pd

    from kibuch.viz.nn_figures import (
        confusion_figure,
        feature_maps_figure,
        image_grid_figure,
        imagenet_figure,
        misclassified_figure,
    )

    cm = np.array([[5, 1], [0, 7]])
    fig = confusion_figure(cm)
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["1", "5", "7"]  # ohne Nullen
    plt.close(fig)
    fig = image_grid_figure({"RGB": np.zeros((4, 4, 3)), "grau": np.eye(4), "x": np.ones((4, 4))})
    assert [ax.get_title() for ax in fig.axes] == ["RGB", "grau", "x"]
    plt.close(fig)
    images = np.zeros((2, 8, 8))
    fig = misclassified_figure(images, np.array([3, 5]), np.array([8, 6]), [0.91, 0.5])
    assert len(fig.axes) == 12
    from kibuch.core.fmt import pct

    assert [ax.get_title() for ax in fig.axes[:2]] == [f"3 → 8\n{pct(0.91, 0)}",
                                                       f"5 → 6\n{pct(0.5, 0)}"]
    plt.close(fig)
    with pytest.raises(ValueError, match="Längen"):
        misclassified_figure(images, [3], [8, 6], [0.9, 0.5])
    rng = np.random.default_rng(0)
    fig = feature_maps_figure(np.eye(8), rng.normal(size=(6, 3, 3)), rng.random((6, 8, 8)),
                              rng.random((16, 4, 4)))
    assert fig.axes[1].get_title() == "Kern 1" and fig.axes[6].get_title() == "Kern 6"
    plt.close(fig)
    table = pd.DataFrame({"jahr": [2011, 2012], "sieger": ["XRCE", "AlexNet"],
                          "top5_fehler": [25.8, 16.4]})
    fig = imagenet_figure(table, 5.1)
    bars = fig.axes[0].patches
    assert [b.get_height() for b in bars] == [25.8, 16.4]
    assert bars[0].get_facecolor() != bars[1].get_facecolor()  # AlexNet hervorgehoben
    plt.close(fig)


def test_embedding_figure_buttons_switch_methods():
    from kibuch.viz.nn_figures import embedding_figure

    labels = np.array([0, 1, 2, 1])
    xy = np.arange(8.0).reshape(4, 2)
    fig = embedding_figure({"PCA": xy, "t-SNE": -xy}, labels)
    assert len(fig.data) == 2 * 3
    assert [t.visible for t in fig.data] == [True] * 3 + [False] * 3
    np.testing.assert_allclose(fig.data[4].x, -xy[labels == 1, 0])
    buttons = fig.layout.updatemenus[0].buttons
    assert list(buttons[1].args[0]["visible"]) == [False] * 3 + [True] * 3
    assert fig.layout.title.text == "Embeddings der Testbilder (PCA)"
