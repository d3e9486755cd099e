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
    with pytest.raises(ValueError, match="zweidimensional"):
        filter_image(np.zeros((5, 5, 3)), np.ones((3, 3)))


def test_iter_windows_positions_and_patches():
    image = np.arange(25.0).reshape(5, 5)
    windows = list(iter_windows(image, (3, 3), stride=2))
    assert [(i, j) for i, j, _ in windows] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    np.testing.assert_array_equal(windows[3][2], image[2:5, 2:5])
    padded = list(iter_windows(image, (3, 3), padding=1))
    assert len(padded) == 25
    assert padded[0][2][0, 0] == 0.0  # aufgefüllte Null


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
    with pytest.raises(ValueError, match="zweidimensional"):
        conv2d_naive(np.zeros((2, 4, 4)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="leer"):
        conv2d_naive(np.zeros((4, 4)), np.ones((0, 0)))
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
    np.testing.assert_allclose(gray, 0.587, atol=1e-6)
    with pytest.raises(ValueError, match="RGB"):
        to_gray(np.zeros((4, 4)))


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


def test_layer_table_and_errors():
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 5), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(16, 32, 3, stride=2, padding=1))
    rows = layer_table(net, (3, 64, 64))
    assert [r["ausgabe"] for r in rows] == [(16, 60, 60), (16, 30, 30), (32, 15, 15)]
    assert [r["parameter"] for r in rows] == [1216, 0, 4640]
    assert net.training  # Modus wiederhergestellt
    with pytest.raises(TypeError):
        layer_table("kein Modell", (3, 4, 4))
    with pytest.raises(ValueError, match="input_shape"):
        layer_table(net, [3, 64, 64])


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
    with pytest.raises(ValueError, match="zwei"):
        LeNetConfig(channels=(6,))
    with pytest.raises(TypeError):
        LeNet(AlexNetConfig())
    with pytest.raises(ValueError, match="Eingabe"):
        LeNet()(torch.zeros(2, 1, 8, 8))


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
    with pytest.raises(ValueError, match="batch_size"):
        predict_proba(model, X, batch_size=0)
    with pytest.raises(ValueError, match="Bildgröße"):
        as_image_tensor(X, image_size=28)
    with pytest.raises(ValueError, match="Form"):
        as_image_tensor(np.zeros(5))


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
    with pytest.raises(TypeError):
        AlexNet(LeNetConfig())
