"""Tests für kibuch.chapters.ch06_workflow (Bereinigung, Kappa, Speichern/Laden im Subprozess,
Drift, Kosten) und die synthetischen Rohdaten aus kibuch.data.synthetic.raw_records."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score

from kibuch.chapters.ch06_workflow import (
    CostAssumptions,
    clean_records,
    cohens_kappa,
    drift_report,
    population_stability_index,
    predict_in_subprocess,
    project_costs,
    psi_noise_level,
    save_model,
)
from kibuch.chapters.ch06_workflow import add_wear_features as workflow_add
from kibuch.data.synthetic.raw_records import SITES, RawDataConfig, make_raw_records
from kibuch.data.synthetic.sensors import SENSORS, MaintenanceConfig, make_sensor_data


def test_raw_records_are_unchanged_by_the_move():
    """Dieselben Zahlen wie vor dem Umzug aus kibuch.chapters.ch06_workflow."""
    raw = make_raw_records(RawDataConfig(n_samples=6), seed=0)
    assert list(raw["messung_id"]) == [2, 1, 4, 0, 3, 5]
    assert list(raw["werk"]) == ["Süd", "Süd", "Nord", "Süd", "Nord", "Nord"]
    assert raw["temperatur"].iloc[2] == 160.36098117920508
    assert list(raw["typ"]) == ["A", "A", "Typ C", "B", " A", "c "]
    assert math.isnan(raw["oeldruck"].iloc[5])


def test_raw_records_have_the_announced_defects_and_cleaning_repairs_them():
    cfg = RawDataConfig(n_samples=1000)
    raw = make_raw_records(cfg, seed=0)
    assert raw["messung_id"].duplicated().sum() == round(0.04 * 1000)
    assert raw["oeldruck"].isna().any()
    assert (raw["vibration"] == 9999).any()
    assert raw["typ"].nunique() > 3
    clean, log = clean_records(raw)
    assert not clean["messung_id"].duplicated().any()
    assert set(clean["typ"]) == {"A", "B", "C"}
    assert not clean["oeldruck"].isna().any()
    assert clean["vibration"].max() < 50
    assert log["Rohzeilen"] == len(raw)
    assert log["saubere Zeilen"] == len(clean)
    assert log["Duplikate entfernt"] == raw["messung_id"].duplicated().sum()
    # Nach der Umrechnung passen die Temperaturen beider Werke zusammen
    means = clean.groupby("werk")["temperatur"].mean()
    assert abs(means["Nord"] - means["Süd"]) < 2
    # und stimmen mit den ursprünglichen (sauberen) Werten überein
    truth = make_sensor_data(MaintenanceConfig(n_samples=1000), seed=0)
    assert np.allclose(clean["temperatur"], truth.loc[clean["messung_id"], "temperatur"])


def test_clean_records_errors():
    with pytest.raises(TypeError):
        clean_records([1, 2])
    raw = make_raw_records(RawDataConfig(n_samples=50), seed=1)
    with pytest.raises(ValueError, match="fehlen"):
        clean_records(raw.drop(columns=["werk"]))
    broken = raw.copy()
    broken.loc[0, "typ"] = "Z"
    with pytest.raises(ValueError, match="Unbekannte"):
        clean_records(broken)
    with pytest.raises(ValueError):
        RawDataConfig(duplicate_share=0.7)
    with pytest.raises(ValueError, match="Meinten Sie 'Süd'"):
        RawDataConfig(fahrenheit_site="süd")
    with pytest.raises(TypeError):
        make_raw_records({"n_samples": 10})
    with pytest.raises(ValueError, match="raw ist leer"):
        clean_records(raw.iloc[:0])  # früher: „choices darf nicht leer sein“


def test_clean_records_rejects_unknown_site_with_suggestion():
    """Früher: ein unbekannter Werksname rechnete still nichts um."""
    raw = make_raw_records(RawDataConfig(n_samples=50), seed=1)
    with pytest.raises(ValueError, match="Meinten Sie 'Nord'"):
        clean_records(raw, fahrenheit_site="nord")
    with pytest.raises(ValueError, match="fahrenheit_site"):
        clean_records(raw, fahrenheit_site="Ost")
    with pytest.raises(TypeError, match="fahrenheit_site"):
        clean_records(raw, fahrenheit_site=None)
    # Das andere Werk umrechnen ist erlaubt und wirkt auf dessen Zeilen
    clean, log = clean_records(make_raw_records(RawDataConfig(n_samples=50,
                                                              fahrenheit_site="Süd"), seed=1),
                               fahrenheit_site="Süd")
    assert log["°F in °C umgerechnet"] == (clean["werk"] == "Süd").sum()
    for bad in (0, -1.0, math.nan):
        with pytest.raises(ValueError, match="max_vibration"):
            clean_records(raw, max_vibration=bad)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_samples": 0}, ValueError), ({"n_samples": 2.5}, TypeError),
    ({"missing_share": -0.1}, ValueError), ({"error_share": 0.5}, ValueError),
    ({"duplicate_share": "0.1"}, TypeError), ({"fahrenheit_site": 1}, TypeError),
])
def test_raw_data_config_errors(kwargs, error):
    with pytest.raises(error):
        RawDataConfig(**kwargs)
    assert SITES == ("Nord", "Süd")


def test_make_raw_records_seed_errors():
    with pytest.raises(ValueError, match="seed"):
        make_raw_records(seed=-1)
    with pytest.raises(TypeError, match="seed"):
        make_raw_records(seed="0")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kappa_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    a = rng.choice(["Lager", "Dichtung", "Elektrik", "kein Defekt"], size=60)
    b = np.where(rng.uniform(size=60) < 0.7, a, rng.choice(["Lager", "Dichtung"], size=60))
    assert cohens_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_edge_cases():
    assert cohens_kappa([0, 1, 0, 1], [0, 1, 0, 1]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cohens_kappa([1, 1], [1, 1])
    with pytest.raises(ValueError):
        cohens_kappa([0, 1], [0])
    with pytest.raises(ValueError):
        cohens_kappa([], [])


@pytest.mark.parametrize("labels", [[1.0, 2.0, np.nan, 1.0], ["A", "B", None, "A"],
                                    ["A", "B", np.nan, "A"], pd.Series(["A", None, "B", "A"])])
def test_kappa_rejects_missing_labels(labels):
    """Früher: identische Annotationen mit NaN ergaben still 0,571 statt eines Fehlers."""
    with pytest.raises(ValueError, match="fehlende Labels"):
        cohens_kappa(labels, labels)


@pytest.mark.parametrize("a, b, error", [("ABBA", "ABBA", TypeError), (None, [1], TypeError),
                                         ([[1, 2]], [[1, 2]], ValueError)])
def test_kappa_argument_errors(a, b, error):
    with pytest.raises(error, match="a"):
        cohens_kappa(a, b)


def test_save_and_predict_in_subprocess(tmp_path):
    data = make_sensor_data(MaintenanceConfig(n_samples=300), seed=0)
    X = data[["temperatur", "vibration", "oeldruck"]]
    model = LogisticRegression(max_iter=1000).fit(X, data["ausfall_7t"])
    path = save_model(model, tmp_path / "modell.joblib")
    proba = predict_in_subprocess(path, X.head(20))
    assert np.allclose(proba, model.predict_proba(X.head(20))[:, 1])
    with pytest.raises(RuntimeError, match="gescheitert"):
        predict_in_subprocess(path, X.head(5).drop(columns=["oeldruck"]))
    with pytest.raises(FileNotFoundError):
        predict_in_subprocess(tmp_path / "fehlt.joblib", X)
    with pytest.raises(ValueError):
        predict_in_subprocess(path, X.iloc[:0])
    with pytest.raises(ValueError):
        save_model(model, tmp_path / "modell.pkl")
    with pytest.raises(TypeError):
        save_model(object(), tmp_path / "x.joblib")
    with pytest.raises(TypeError, match="path"):
        save_model(model, None)
    with pytest.raises(TypeError, match="rows"):
        predict_in_subprocess(path, X.head(5).to_numpy())
    with pytest.raises(ValueError, match="timeout"):
        predict_in_subprocess(path, X.head(5), timeout=0)


def test_psi_properties():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=5000)
    assert population_stability_index(ref, rng.normal(size=5000)) < 0.02
    assert population_stability_index(ref, rng.normal(1.0, 1, size=5000)) > 0.25
    # Handrechnung mit zwei Klassen: Anteile 0,5/0,5 gegen 0,8/0,2
    e = np.array([0, 0, 1, 1] * 25, dtype=float)
    a = np.array([0] * 80 + [1] * 20, dtype=float)
    expected = (0.8 - 0.5) * np.log(0.8 / 0.5) + (0.2 - 0.5) * np.log(0.2 / 0.5)
    assert population_stability_index(e, a, n_bins=2) == pytest.approx(expected)
    for bad in ([1.0], [np.nan, 1.0]):
        with pytest.raises(ValueError):
            population_stability_index(bad, ref)
    with pytest.raises(ValueError):
        population_stability_index(ref, ref, n_bins=1)
    with pytest.raises(TypeError, match="n_bins"):
        population_stability_index(ref, ref, n_bins=2.0)
    with pytest.raises(ValueError, match="n_bins"):
        population_stability_index(ref, ref, n_bins=10**15)  # früher: MemoryError
    with pytest.raises(TypeError, match="expected"):
        population_stability_index("abc", ref)
    with pytest.raises(ValueError, match="actual"):
        population_stability_index(ref, [1.0, np.inf])


def test_psi_noise_level_shrinks_with_the_window():
    """Ohne Drift ist der PSI kleiner Fenster groß: die Faustregel kennt keine Stichprobengröße."""
    ref = np.random.default_rng(0).normal(size=3000)
    levels = [psi_noise_level(ref, n, seed=1) for n in (50, 300, 3000)]
    assert levels[0] > 0.25 > 0.1 > levels[1] > levels[2] > 0
    # Mittelwert ohne Drift ≈ (Klassen − 1) · (1/n + 1/N), hier der Median als grobe Probe
    median = psi_noise_level(ref, 300, level=0.5, n_rep=400, seed=2)
    assert median == pytest.approx(9 * (1 / 300 + 1 / 3000), rel=0.3)
    assert psi_noise_level(ref, 300, seed=5) == psi_noise_level(ref, 300, seed=5)
    assert psi_noise_level(ref, 300, level=0.99) > psi_noise_level(ref, 300, level=0.5)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"reference": [1.0]}, ValueError, "reference"),
    ({"reference": "abc"}, TypeError, "reference"),
    ({"n_current": 1}, ValueError, "n_current"),
    ({"n_current": 10**12}, ValueError, "n_current"),
    ({"n_current": 30.0}, TypeError, "n_current"),
    ({"n_rep": 5}, ValueError, "n_rep"),
    ({"n_rep": 10**9}, ValueError, "n_rep"),
    ({"n_bins": 1}, ValueError, "n_bins"),
    ({"level": 1.5}, ValueError, "level"),
    ({"seed": None}, TypeError, "seed"),
])
def test_psi_noise_level_errors(kwargs, error, name):
    args = {"reference": np.arange(100.0), "n_current": 30, **kwargs}
    with pytest.raises(error, match=name):
        psi_noise_level(args.pop("reference"), args.pop("n_current"), **args)


def test_drift_report_flags_shifted_window():
    ref = make_sensor_data(MaintenanceConfig(n_samples=1000), seed=0)
    ok = make_sensor_data(MaintenanceConfig(n_samples=500), seed=1).assign(woche=1)
    hot = make_sensor_data(MaintenanceConfig(n_samples=500, temp_offset=6), seed=2).assign(woche=2)
    report = drift_report(ref, pd.concat([ok, hot]), window="woche")
    assert len(report) == 2 * len(SENSORS)
    temp = report[report["merkmal"] == "temperatur"].set_index("fenster")
    assert temp.loc[1, "psi"] < 0.1 < 0.25 < temp.loc[2, "psi"]
    expected_p = ks_2samp(ref["temperatur"], hot["temperatur"]).pvalue
    assert temp.loc[2, "ks_p"] == pytest.approx(expected_p)
    with pytest.raises(ValueError):
        drift_report(ref, ok, window="monat")
    with pytest.raises(ValueError):
        drift_report(ref.drop(columns=["drehzahl"]), ok, window="woche")
    with pytest.raises(TypeError, match="columns"):
        drift_report(ref, ok, window="woche", columns="temperatur")
    with pytest.raises(TypeError, match="reference"):
        drift_report(ref.to_numpy(), ok, window="woche")


def test_drift_report_names_the_faulty_argument():
    ref = make_sensor_data(MaintenanceConfig(n_samples=200), seed=0)
    live = make_sensor_data(MaintenanceConfig(n_samples=100), seed=1).assign(woche=1)
    with pytest.raises(ValueError, match="current muss mindestens 2 Zeilen"):
        drift_report(ref, live.iloc[:0], window="woche")  # früher: leerer Bericht ohne Fehler
    with pytest.raises(ValueError, match="reference muss mindestens 2 Zeilen"):
        drift_report(ref.iloc[:0], live, window="woche")
    with pytest.raises(ValueError, match="window.*Meinten Sie 'woche'"):
        drift_report(ref, live, window="wochen")
    with pytest.raises(ValueError, match=r"woche=2 hat nur 1"):
        drift_report(ref, live.assign(woche=[1] * 99 + [2]), window="woche")
    report = drift_report(ref, live, window="woche", columns=["temperatur"])
    assert report["psi"].iloc[0] == pytest.approx(
        population_stability_index(ref["temperatur"].to_numpy(), live["temperatur"].to_numpy()))


def test_project_costs():
    a = CostAssumptions(team_days=10, day_rate_eur=1000, labeling_items=3600,
                        labeling_seconds=10, labeler_rate_eur_h=50, double_label_share=0.0,
                        cloud_eur_month=100, maintenance_days_year=1)
    costs = project_costs(a, years=2).set_index("posten")["euro"]
    assert costs["Projektteam (Aufbau)"] == 10000
    assert costs["Labeling durch Fachleute"] == pytest.approx(10 * 50)
    assert costs["Betrieb (Cloud, Monitoring)"] == 2400
    assert costs["Pflege und Nachtrainieren"] == 2000
    assert project_costs()["anteil"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        CostAssumptions(team_days=-1)
    with pytest.raises(ValueError):
        CostAssumptions(double_label_share=2)
    with pytest.raises(ValueError):
        project_costs(years=0)
    with pytest.raises(TypeError):
        project_costs({"team_days": 1})
    with pytest.raises(TypeError, match="years"):
        project_costs(years=1.5)
    with pytest.raises(TypeError, match="team_days"):
        CostAssumptions(team_days="60")
    with pytest.raises(TypeError, match="labeling_items"):
        CostAssumptions(labeling_items=10.5)
    with pytest.raises(ValueError, match="cloud_eur_month"):
        CostAssumptions(cloud_eur_month=math.inf)


def test_add_wear_features():
    frame = pd.DataFrame({"vibration": [0.0, np.e - 1], "betriebsstunden": [100.0, 200.0],
                          "typ": ["C", "A"]})
    out = workflow_add(frame)
    assert np.allclose(out["log_vibration"], [0.0, 1.0])
    assert list(out["stunden_typ_c"]) == [100.0, 0.0]
    assert "log_vibration" not in frame.columns  # Original unverändert
    with pytest.raises(ValueError):
        workflow_add(frame.drop(columns=["typ"]))
    with pytest.raises(TypeError):
        workflow_add(frame.to_numpy())
