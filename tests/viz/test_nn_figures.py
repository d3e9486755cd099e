"""Tests für die Argumentprüfungen in kibuch.viz.nn_figures.

Das Aussehen der Figuren prüfen die Kapiteltests (tests/chapters, tests/nn, tests/scratch);
hier geht es darum, dass falsche Eingaben mit einer Meldung enden, die das Argument nennt,
und dass gültige Eingaben weiter dieselbe Figur ergeben.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kibuch.chapters.ch03_2_playground import PlaygroundConfig, run_playground  # noqa: E402
from kibuch.nn.cnn import KERNELS, conv2d_naive, iter_windows  # noqa: E402
from kibuch.viz import nn_figures as nf  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    cfg = PlaygroundConfig(dataset="gauss", epochs=2, n_train=20, n_test=20, resolution=4)
    return run_playground(cfg), run_playground(PlaygroundConfig(
        dataset="gauss", epochs=2, n_train=20, n_test=20, resolution=4, lr=0.3))


def _curve():
    return pd.DataFrame({"verfahren": ["a", "a", "b", "b"], "n": [1, 3, 1, 3],
                         "mittel": [0.5, 0.7, 0.4, 0.9], "streuung": [0.1, 0.05, 0.2, 0.0]})


def test_band_plot_checks_and_draws_percent():
    ax = plt.subplots()[1]
    nf.band_plot(ax, _curve(), "verfahren", labels={"a": "Verfahren A"})
    assert [line.get_label() for line in ax.get_lines()] == ["Verfahren A", "b"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [40.0, 90.0])
    for call, error, name in [
        (lambda: nf.band_plot(None, _curve(), "verfahren"), TypeError, "ax"),
        (lambda: nf.band_plot(ax, _curve().iloc[:0], "verfahren"), ValueError, "table"),
        (lambda: nf.band_plot(ax, _curve(), "gruppe"), ValueError, "gruppe"),
        (lambda: nf.band_plot(ax, _curve(), 3), TypeError, "group"),
        (lambda: nf.band_plot(ax, _curve(), "verfahren", x=None), TypeError, "x"),
        (lambda: nf.band_plot(ax, _curve(), "verfahren", labels=["a"]), TypeError, "labels"),
    ]:
        with pytest.raises(error, match=name):
            call()


def test_curves_figure_checks(runs):
    fig = nf.curves_figure(runs, ["a", "b"], which="train_loss", height=300)
    np.testing.assert_allclose(fig.data[0].y, np.round(runs[0].train_loss, 4))
    assert fig.layout.height == 300
    for kwargs, error, name in [
        ({"results": None}, TypeError, "results"),
        ({"results": [object(), object()]}, TypeError, r"results\[0\]"),
        ({"labels": [1, 2]}, TypeError, r"labels\[0\]"),
        ({"title_y": 3}, TypeError, "title_y"),
        ({"which": "val_loss"}, ValueError, "which"),
        ({"height": None}, TypeError, "height"),
    ]:
        args = {"results": list(runs), "labels": ["a", "b"], **kwargs}
        with pytest.raises(error, match=name):
            nf.curves_figure(**args)
    with pytest.raises(TypeError, match="height"):
        nf.train_test_figure({"a": runs[0]}, height="groß")


def test_noise_figure_checks(runs):
    with pytest.raises(ValueError, match="Längen"):
        nf.noise_figure([0.0, 0.3, 0.6], {"gauss": list(runs)})
    with pytest.raises(TypeError, match="noise_results"):
        nf.noise_figure([0.0, 0.3], {"gauss": runs[0]})
    with pytest.raises(TypeError, match="height"):
        nf.noise_figure([0.0, 0.3], {"gauss": list(runs)}, height=None)


def test_descent_figure_checks_ranges_and_learning_rates():
    paths = {"gut": np.array([[0.0, 0.0], [0.5, 0.2]])}
    fig = nf.descent_figure(lambda w, b: w**2 + b**2, paths, {"gut": 0.5}, w_range=(-1, 2),
                            b_range=[-3.0, 3.0])
    assert fig.axes[0].get_xlim() == pytest.approx((-1, 2))  # Höhenlinien über w_range
    for kwargs, error, name in [
        ({"loss_fn": None}, TypeError, "loss_fn"),
        ({"paths": {}}, ValueError, "paths"),
        ({"paths": {"gut": np.zeros((3, 3))}}, ValueError, "paths"),
        ({"learning_rates": {}}, ValueError, "learning_rates"),
        ({"learning_rates": {"gut": -0.5}}, ValueError, "learning_rates"),
        ({"learning_rates": [0.5]}, TypeError, "learning_rates"),
        ({"w_range": None}, TypeError, "w_range"),
        ({"w_range": (1, 1)}, ValueError, "w_range"),
        ({"w_range": (0, 1, 2)}, ValueError, "w_range"),
        ({"b_range": (math.nan, 1)}, ValueError, "b_range"),
        ({"b_range": ("a", "b")}, TypeError, "b_range"),
    ]:
        args = {"loss_fn": lambda w, b: w**2 + b**2, "paths": paths,
                "learning_rates": {"gut": 0.5}, **kwargs}
        with pytest.raises(error, match=name):
            nf.descent_figure(**args)


def test_embedding_figure_checks():
    xy = np.arange(8.0).reshape(4, 2)
    labels = np.array([0, 1, 2, 1])
    for args, kwargs, error, name in [
        (({}, labels), {}, ValueError, "projections"),
        (({"PCA": xy[:3]}, labels), {}, ValueError, "projections"),
        (({"PCA": xy}, labels - 1), {}, ValueError, "labels"),
        (({"PCA": xy}, labels * 0.5), {}, ValueError, "labels"),
        (({"PCA": xy}, labels), {"height": None}, TypeError, "height"),
    ]:
        with pytest.raises(error, match=name):
            nf.embedding_figure(*args, **kwargs)


def test_feature_maps_figure_checks():
    rng = np.random.default_rng(0)
    image, filters = np.eye(8), rng.normal(size=(6, 3, 3))
    maps1, maps2 = rng.random((6, 8, 8)), rng.random((16, 4, 4))
    bad_image = image.copy()
    bad_image[0, 0] = math.nan
    for args, error, name in [
        ((None, filters, maps1, maps2), TypeError, "image"),
        ((bad_image, filters, maps1, maps2), ValueError, "image"),
        ((image, filters[:0], maps1, maps2), ValueError, "filters"),
        ((image, filters[0], maps1, maps2), ValueError, "filters"),
        ((image, filters, maps1[:3], maps2), ValueError, "maps1"),
        ((image, filters, maps1, "abc"), TypeError, "maps2"),
    ]:
        with pytest.raises(error, match=name):
            nf.feature_maps_figure(*args)


def test_imagenet_figure_checks_highlight_and_human():
    table = pd.DataFrame({"jahr": [2011, 2012], "sieger": ["XRCE", "AlexNet"],
                          "top5_fehler": [25.8, 16.4]})
    bars = nf.imagenet_figure(table, 5.1, highlight="XRCE").axes[0].patches
    assert bars[0].get_facecolor() != bars[1].get_facecolor()
    for args, kwargs, error, name in [
        ((table, 5.1), {"highlight": "Alexnet"}, ValueError, "Meinten Sie 'AlexNet'"),
        ((table, 5.1), {"highlight": None}, TypeError, "highlight"),
        ((table, math.nan), {}, ValueError, "human_top5"),
        ((table, "5,1"), {}, TypeError, "human_top5"),
        ((table.iloc[:0], 5.1), {}, ValueError, "table"),
        ((table.drop(columns="sieger"), 5.1), {}, ValueError, "sieger"),
        ((None, 5.1), {}, TypeError, "table"),
    ]:
        with pytest.raises(error, match=name):
            nf.imagenet_figure(*args, **kwargs)


def test_sliding_window_figure_checks_steps():
    image = np.arange(20.0).reshape(4, 5)
    kernel = KERNELS["vertikale Kanten"]
    result = conv2d_naive(image, kernel)
    steps = list(iter_windows(image, kernel.shape))
    with pytest.raises(ValueError, match="steps"):
        nf.sliding_window_figure(image, kernel, result, steps[:-1])
    with pytest.raises(TypeError, match="steps"):
        nf.sliding_window_figure(image, kernel, result, None)
    with pytest.raises(TypeError, match=r"steps\[0\]"):
        nf.sliding_window_figure(image, kernel, result, [s[:2] for s in steps])
    with pytest.raises(TypeError, match="height"):
        nf.sliding_window_figure(image, kernel, result, iter(steps), height=None)


def test_transfer_and_teachable_figure_checks():
    with pytest.raises(ValueError, match="curve"):
        nf.transfer_figure(_curve().iloc[:0], (1, 3))
    with pytest.raises(TypeError, match="n_grid"):
        nf.transfer_figure(_curve(), None)
    with pytest.raises(ValueError, match="n_grid"):
        nf.transfer_figure(_curve(), [])
    with pytest.raises(ValueError, match="n_classes"):
        nf.transfer_figure(_curve(), (1, 3), n_classes=10**15)
    with pytest.raises(TypeError, match="title"):
        nf.transfer_figure(_curve(), (1, 3), title=None)
    q = _curve().rename(columns={"verfahren": "aufgabe"})
    q3 = _curve().rename(columns={"verfahren": "klasse", "n": "minderheit"})
    fig = nf.teachable_figure(q, q, q3, [1, 3], pair=[0, 8], third=9, major=20)
    assert fig.axes[2].get_xlabel() == "Bilder der Klasse 8"
    for kwargs, error, name in [
        ({"q1": q.iloc[:0]}, ValueError, "q1"),
        ({"q3": q}, ValueError, "q3"),
        ({"pair": (5,)}, ValueError, "pair"),
        ({"pair": "58"}, TypeError, "pair"),
        ({"pair": ("5", "8")}, TypeError, r"pair\[0\]"),
        ({"pair": (-1, 8)}, ValueError, r"pair\[0\]"),
        ({"third": 5}, ValueError, "third"),
        ({"third": True}, TypeError, "third"),
        ({"major": 0}, ValueError, "major"),
        ({"n_grid": None}, TypeError, "n_grid"),
    ]:
        args = {"q1": q, "q2": q, "q3": q3, "n_grid": (1, 3), "pair": (5, 8), "third": 9,
                "major": 20, **kwargs}
        with pytest.raises(error, match=name):
            nf.teachable_figure(**args)
