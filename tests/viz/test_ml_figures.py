"""Tests für kibuch.viz.ml_figures: Die Abbildungen zeigen genau die übergebenen Daten."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from sklearn.metrics import confusion_matrix  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from kibuch.chapters.ch03_1_playground import depth_sweep  # noqa: E402
from kibuch.core.fmt import de  # noqa: E402
from kibuch.data.synthetic.curves import make_regression_1d, make_regression_2d  # noqa: E402
from kibuch.scratch.kmeans import KMeansConfig, elbow_and_silhouette, kmeans  # noqa: E402
from kibuch.scratch.qlearning import GridWorld, value_grid, value_iteration  # noqa: E402
from kibuch.viz import ml_figures as mf  # noqa: E402
from kibuch.viz.plotting import PALETTE  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax):
    return [(line.get_xdata(), line.get_ydata(), line.get_label()) for line in ax.get_lines()]


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[-3.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    return np.concatenate([c + rng.normal(0, 0.5, (20, 2)) for c in centers])


@pytest.fixture(scope="module")
def sweeps_1d():
    X, y = make_regression_1d(60, seed=1)
    X_test, y_test = make_regression_1d(40, seed=2)
    grid = np.linspace(0, 6, 25)[:, None]
    tree = depth_sweep(X, y, X_test, y_test, [1, 2, 4], grid=grid)
    forest = depth_sweep(X, y, X_test, y_test, [1, 2, 4], forest=True, n_estimators=5, grid=grid)
    return X, y, X_test, y_test, grid, tree, forest


# --- Kapitel 2 ------------------------------------------------------------------


def test_digit_figure_shows_every_value():
    image = np.arange(64, dtype=float).reshape(8, 8) / 63
    fig = mf.digit_figure(image, 7)
    ax_num, ax_img = fig.axes
    assert [t.get_text() for t in ax_num.texts] == [de(v, 1) for v in image.ravel()]
    np.testing.assert_array_equal(ax_img.images[0].get_array(), image)
    assert ax_img.get_title() == "Als Bild (Beschriftung: 7)"


def test_learning_curve_figure():
    curve = pd.DataFrame({0.0: [0.5, 0.8, 0.95], 0.2: [0.4, 0.6, 0.7]}, index=[20, 100, 500])
    ax = mf.learning_curve_figure(curve).axes[0]
    (x0, y0, l0), (x1, y1, l1) = _lines(ax)
    np.testing.assert_array_equal(x0, [20, 100, 500])
    np.testing.assert_array_equal(y0, curve[0.0])
    np.testing.assert_array_equal(y1, curve[0.2])
    assert (l0, l1) == ("korrekte Beschriftungen", "20 % falsche Beschriftungen")
    assert ax.get_xscale() == "log"


def test_date_trap_figure_marks_swapped_days():
    prices = pd.DataFrame({"datum": pd.date_range("2024-01-01", periods=6),
                           "preis": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    swapped = prices.assign(vertauscht=[True, False, True, False, False, True])
    ax_ok, ax_bad = mf.date_trap_figure(prices, swapped).axes
    np.testing.assert_array_equal(_lines(ax_ok)[0][1], prices["preis"])
    offsets = _scatters(ax_bad)[0].get_offsets()
    np.testing.assert_array_equal(offsets[:, 1], [1.0, 3.0, 6.0])


def test_class_recall_figure_bar_heights():
    recalls = pd.DataFrame({"alle": [0.9, 1.0, 0.8], "reduziert": [0.85, 0.2, 0.8]})
    ax = mf.class_recall_figure(recalls).axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [0.9, 1.0, 0.8, 0.85, 0.2, 0.8]
    centers = [p.get_x() + p.get_width() / 2 for p in ax.patches]
    assert centers[:3] == pytest.approx([-0.2, 0.8, 1.8])


def test_confusion_figure_matches_sklearn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 3000)
    preds = {"a": np.where(rng.random(3000) < 0.9, y, 1 - y), "b": np.zeros(3000, dtype=int)}
    fig = mf.confusion_figure(y, preds, ["nein", "ja"], names=["b", "a"])
    for ax, name in zip(fig.axes, ["b", "a"]):
        expected = [de(int(v), 0) for v in confusion_matrix(y, preds[name]).ravel()]
        assert [t.get_text() for t in ax.texts] == expected
        assert ax.get_title() == name
    assert any("." in t.get_text() for t in fig.axes[0].texts)  # Tausenderpunkt


# --- Kapitel 3.1: Grundbegriffe --------------------------------------------------


def test_kmeans_steps_figure(blobs):
    result = kmeans(blobs, KMeansConfig(k=3, seed=2))
    fig = mf.kmeans_steps_figure(blobs, result)
    assert len(fig.axes) == 6
    assert fig.axes[-1].get_title() == f"(f) Ende nach {result.n_iter} Runden"
    np.testing.assert_array_equal(_scatters(fig.axes[1])[1].get_offsets(),
                                  result.history[0].centers)
    np.testing.assert_array_equal(_scatters(fig.axes[5])[1].get_offsets(), result.centers)
    colors = _scatters(fig.axes[2])[0].get_facecolors()
    expected = matplotlib.colors.to_rgba_array([PALETTE[i] for i in result.history[0].labels])
    np.testing.assert_allclose(colors[:, :3], expected[:, :3])


def test_kmeans_slider_figure(blobs):
    result = kmeans(blobs, KMeansConfig(k=3, seed=2))
    fig = mf.kmeans_slider_figure(result.history, blobs)
    assert len(fig.data) == 2 * len(result.history)
    steps = fig.layout.sliders[0].steps
    assert len(steps) == len(result.history)
    last = steps[-1].args
    assert last[0]["visible"][-2:] == [True, True] and sum(last[0]["visible"]) == 2
    assert last[1]["title"] == f"Runde {len(steps) - 1}: Inertia {de(result.inertia, 1)}"
    np.testing.assert_array_equal(fig.data[-1].x, result.centers[:, 0])


def test_elbow_silhouette_figure(blobs):
    scores = elbow_and_silhouette(blobs, [1, 2, 3, 4], n_init=2)
    ax1, ax2 = mf.elbow_silhouette_figure(scores, 3).axes
    np.testing.assert_array_equal(_lines(ax1)[0][1], scores["inertia"])
    np.testing.assert_array_equal(_lines(ax2)[0][1], scores["silhouette"])
    assert list(_lines(ax2)[1][0]) == [3, 3]  # senkrechte Linie bei best_k


def test_curve_fits_figure():
    x = np.linspace(1, 5, 10)
    curves = {"gerade": 2 * x, "quadrat": x**2}
    ax = mf.curve_fits_figure(x, x, x + 0.1, x, x, curves).axes[0]
    lines = _lines(ax)
    assert [label for *_, label in lines] == ["gerade", "quadrat"]
    np.testing.assert_array_equal(lines[1][1], x**2)
    np.testing.assert_array_equal(_scatters(ax)[1].get_offsets()[:, 0], x)  # Trainingspunkte


# --- Kapitel 3.1: überwachtes Lernen ----------------------------------------------


def test_decision_tree_figure():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, X[:, 0] > 0)
    ax = mf.decision_tree_figure(tree, ["a", "b"], ["nein", "ja"]).axes[0]
    nodes = [t.get_text() for t in ax.texts if "samples" in t.get_text()]
    assert len(nodes) == tree.tree_.node_count
    assert nodes[0].startswith("a <=") and "class = " in nodes[-1]


def test_forecast_figure():
    dates = pd.Series(pd.date_range("2020-01-01", periods=12, freq="MS"))
    values = np.arange(12.0)
    forecasts = {"letzter Wert": values[7:11], "Modell": values[8:] + 0.5}
    ax = mf.forecast_figure(dates, values, forecasts).axes[0]
    lines = _lines(ax)
    np.testing.assert_array_equal(lines[0][1], values)
    np.testing.assert_array_equal(lines[2][1], values[8:] + 0.5)
    assert list(lines[1][0]) == list(dates.iloc[-4:])
    assert [label for *_, label in lines[:3]] == ["tatsächlich", "letzter Wert", "Modell"]


def test_tree_slider_1d(sweeps_1d):
    X, y, X_test, y_test, grid, tree, forest = sweeps_1d
    fig = mf.tree_slider_1d(X, y, X_test, y_test, grid, tree, forest)
    assert len(fig.data) == 2 + 2 * 3
    np.testing.assert_array_equal(fig.data[2 + 2 * 2].y, tree.grid_predictions[2])
    np.testing.assert_array_equal(fig.data[3 + 2 * 2].y, forest.grid_predictions[2])
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == ["1", "2", "4"]
    assert de(tree.rmse_test[1], 2) in steps[1].args[1]["title.text"]
    assert steps[1].args[0]["visible"] == [True, True, False, False, True, True, False, False]


def test_depth_error_figure(sweeps_1d):
    *_, tree, forest = sweeps_1d
    lines = _lines(mf.depth_error_figure(tree, forest).axes[0])
    assert [label for *_, label in lines] == ["Baum, Training", "Baum, Test",
                                              "Forest, Training", "Forest, Test"]
    np.testing.assert_array_equal(lines[1][1], tree.rmse_test)
    np.testing.assert_array_equal(lines[2][1], forest.rmse_train)


def test_validation_curve_figure():
    depths = np.array([1, 2, 3, 4])
    train = np.array([[0.5, 0.6], [0.4, 0.4], [0.3, 0.2], [0.1, 0.1]])  # (Tiefen, Falten)
    val = np.array([[0.6, 0.7], [0.5, 0.4], [0.45, 0.5], [0.6, 0.5]])
    ax = mf.validation_curve_figure(depths, train, val, 2).axes[0]
    lines = _lines(ax)
    labels = [label for *_, label in lines]
    assert labels[:2] == ["Training (Mittel der Falten)", "Validierung (Mittel der Falten)"]
    np.testing.assert_allclose(lines[0][1], train.mean(axis=1))
    np.testing.assert_allclose(lines[1][1], val.mean(axis=1))
    assert list(lines[2][0]) == [2, 2]  # senkrechte Linie bei der gewählten Tiefe
    assert len(ax.collections) == 2  # zwei schattierte Bänder ± Standardabweichung
    assert "gewählt: 2" in [t.get_text() for t in ax.texts]


def test_tree_slider_2d():
    X, y = make_regression_2d(80, seed=3)
    axis = np.linspace(-1, 1, 5)
    g1, g2 = np.meshgrid(axis, axis)
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    tree = depth_sweep(X, y, X, y, [1, 3], grid=grid)
    forest = depth_sweep(X, y, X, y, [1, 3], forest=True, n_estimators=4, grid=grid)
    fig = mf.tree_slider_2d(axis, X, y, tree, forest)
    heatmaps = [t for t in fig.data if isinstance(t, go.Heatmap)]
    assert len(heatmaps) == 4
    np.testing.assert_array_equal(np.array(heatmaps[2].z), tree.grid_predictions[1].reshape(5, 5))
    assert heatmaps[0].zmin == pytest.approx(y.min()) and heatmaps[0].zmax == pytest.approx(y.max())


def test_schema_figures():
    ax = mf.data_split_figure().axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert [t for t in texts if t.startswith("Runde")] == [f"Runde {i}" for i in range(1, 6)]
    assert len(ax.patches) == 3 + 5 * 6
    ax = mf.crisp_dm_figure().axes[0]
    assert [t.get_text() for t in ax.texts][1:] == list(mf.CRISP_DM_PHASES)


# --- Kapitel 3.1: unüberwachtes und bestärkendes Lernen ------------------------------


def test_cluster_scatter_figure():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 6.0, 7.0, 8.0],
                          "cluster": [1, 0, 1, 0]})
    ax = mf.cluster_scatter_figure(frame, "a", "b", xlabel="A").axes[0]
    scatters = _scatters(ax)
    assert [s.get_label() for s in scatters] == ["Cluster 0", "Cluster 1"]
    np.testing.assert_array_equal(scatters[1].get_offsets(), [[1.0, 5.0], [3.0, 7.0]])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("A", "b")


def test_sensor_anomaly_figure():
    sensors = pd.DataFrame({"zeit": pd.date_range("2026-01-01", periods=6, freq="min"),
                            "t": [1.0, 2, 3, 4, 5, 6], "score": [0.1, 0.2, 0.9, 0.1, 0.2, 0.8],
                            "anomalie": [0, 0, 1, 0, 0, 1]})
    fig = mf.sensor_anomaly_figure(sensors, ["t", "score"], ["T", "Score"])
    assert len(fig.axes) == 2
    x, y, _ = _lines(fig.axes[0])[0]
    np.testing.assert_allclose(x, np.arange(6) / 60)  # Stunden seit Beginn
    np.testing.assert_array_equal(_scatters(fig.axes[1])[0].get_offsets()[:, 1], [0.9, 0.8])
    assert fig.axes[-1].get_xlabel() == "Stunde des Tages"


def test_gridworld_figure():
    env = GridWorld(walls=((1, 1),))
    ax = mf.gridworld_figure(env).axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert len(ax.patches) == env.height * env.width
    assert labels.count("S") == 1
    assert sorted(x for x in labels if x and x != "S") == sorted(["+1,0", "+0,3", "−1,0"])


def test_q_value_slider_matches_value_iteration():
    env = GridWorld()
    q_tables = {g: value_iteration(env, g) for g in (0.5, 0.95)}
    fig = mf.q_value_slider(env, q_tables)
    assert len(fig.data) == 2
    for trace, q in zip(fig.data, q_tables.values()):
        np.testing.assert_array_equal(np.array(trace.z, dtype=float), value_grid(env, q))
    titles = [s.args[1]["title.text"] for s in fig.layout.sliders[0].steps]
    assert "kleiner Schatz" in titles[0] and "großer Schatz" in titles[1]
    assert de(q_tables[0.95][env.state(env.start)].max(), 3) in titles[1]


# --- Fehler ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: mf.digit_figure(np.zeros(64), 1), ValueError, "image"),
        (lambda: mf.digit_figure(np.zeros((8, 8)), "7"), TypeError, "label"),
        (lambda: mf.digit_figure(np.zeros((8, 8)), -1), ValueError, "label"),
        (lambda: mf.learning_curve_figure([[1]]), TypeError, "curve"),
        (lambda: mf.learning_curve_figure(pd.DataFrame({0.0: [np.nan]}, index=[10])), ValueError,
         "NaN"),
        (lambda: mf.learning_curve_figure(pd.DataFrame({1.5: [0.5]}, index=[10])), ValueError,
         "Anteile"),
        (lambda: mf.date_trap_figure(pd.DataFrame({"datum": [1]}), None), ValueError, "preis"),
        (lambda: mf.class_recall_figure(pd.DataFrame({"a": [1.0]})), ValueError, "zwei Spalten"),
        (lambda: mf.confusion_figure([0, 1], {"a": [0]}, ["x", "y"]), ValueError, "Längen"),
        (lambda: mf.confusion_figure([0, 1], {"a": [0, 1]}, ["x", "y"], names=["b"]), ValueError,
         "ohne Vorhersagen"),
        (lambda: mf.confusion_figure([0, 1], {"a": [0, 1]}, "xy"), TypeError, "labels"),
        (lambda: mf.kmeans_steps_figure(np.zeros((3, 2)), "ergebnis"), TypeError, "result"),
        (lambda: mf.kmeans_slider_figure([], np.zeros((3, 2))), ValueError, "history"),
        (lambda: mf.elbow_silhouette_figure({"k": [1]}, 1), ValueError, "inertia"),
        (lambda: mf.elbow_silhouette_figure({"k": [1, 2], "inertia": [1.0], "silhouette": [0.1]},
                                            2), ValueError, "Längen"),
        (lambda: mf.curve_fits_figure([1.0], [1.0], [1.0], [1.0], [1.0, 2.0], {"a": [1.0]}),
         ValueError, "erwartet sind 2"),
        (lambda: mf.curve_fits_figure([1.0], [1.0], [1.0], [1.0], [1.0], {}), ValueError, "leer"),
        (lambda: mf.decision_tree_figure(DecisionTreeClassifier(), ["a"], ["x", "y"]), ValueError,
         "trainiert"),
        (lambda: mf.forecast_figure([1, 2, 3], [1.0, 2.0, 3.0], {"a": [1.0]}), TypeError,
         "Zeitpunkte"),
        (lambda: mf.forecast_figure(pd.date_range("2020", periods=2), [1.0, 2.0],
                                    {"a": [1.0, 2.0, 3.0]}), ValueError, "länger"),
        (lambda: mf.depth_error_figure("baum", "forest"), TypeError, "depth_sweep"),
        (lambda: mf.validation_curve_figure([1, 2], np.zeros((3, 2)), np.zeros((3, 2)), 1),
         ValueError, "train_errors hat 3 Zeilen"),
        (lambda: mf.validation_curve_figure([1, 2], np.zeros((2, 2)), np.zeros((2, 3)), 1),
         ValueError, "dieselbe Form"),
        (lambda: mf.validation_curve_figure([1, 2], np.zeros((2, 2)), np.zeros(2), 1),
         ValueError, "val_errors"),
        (lambda: mf.validation_curve_figure([1, 2], np.zeros((2, 2)), np.zeros((2, 2)), 5),
         ValueError, "best"),
        (lambda: mf.validation_curve_figure([1, 2], np.zeros((2, 2)), np.zeros((2, 2)), "1"),
         TypeError, "best"),
        (lambda: mf.cluster_scatter_figure(pd.DataFrame({"a": [1.0], "b": [1.0],
                                                         "cluster": [0.5]}), "a", "b"),
         ValueError, "Clusternummern"),
        (lambda: mf.cluster_scatter_figure(pd.DataFrame({"a": [1.0]}), "a", "b"), ValueError,
         "fehlen"),
        (lambda: mf.sensor_anomaly_figure(pd.DataFrame(), ["t"], ["T", "U"]), ValueError,
         "Längen"),
        (lambda: mf.gridworld_figure("welt"), TypeError, "GridWorld"),
        (lambda: mf.q_value_slider(GridWorld(), {}), ValueError, "leer"),
        (lambda: mf.q_value_slider(GridWorld(), {0.9: np.zeros((3, 4))}), ValueError, "Form"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_sweep_errors(sweeps_1d):
    X, y, X_test, y_test, grid, tree, forest = sweeps_1d
    no_grid = depth_sweep(X, y, X_test, y_test, [1, 2, 4])
    other = depth_sweep(X, y, X_test, y_test, [1, 2, 3], grid=grid)
    with pytest.raises(ValueError, match="Gittervorhersagen"):
        mf.tree_slider_1d(X, y, X_test, y_test, grid, no_grid, forest)
    with pytest.raises(ValueError, match="dieselben Tiefen"):
        mf.tree_slider_1d(X, y, X_test, y_test, grid, tree, other)
    with pytest.raises(ValueError, match="Stellen"):
        mf.tree_slider_1d(X, y, X_test, y_test, grid[:5], tree, forest)
    with pytest.raises(ValueError, match="Stellen"):
        mf.tree_slider_2d(np.linspace(-1, 1, 4), X, y, tree, forest)
