// Goldtest: KibuchMLP (book/_static/widgets/lib/mlp.js) rechnet wie das NumPy-MLP des Buchs.
// Referenzwerte: tests/js/fixtures/nn_playground.json (make_fixtures_nn_playground.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, loadLib } from "./helpers.mjs";

const M = loadLib("mlp.js");
const FIX = loadFixture("nn_playground.json");

const TOL = 1e-6; // absolut, bei Werten über 1 relativ
// größte absolute Abweichung: Netz (float64 wie NumPy) und Daten (Python rundet auf float32)
const maxAbs = { netz: 0, daten: 0 };

function close(actual, expected, what, bucket = "netz") {
  assert.equal(actual.length, expected.length, `${what}: Länge`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    maxAbs[bucket] = Math.max(maxAbs[bucket], d);
    assert.ok(d <= TOL * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: JS ${actual[i]} gegen Python ${expected[i]} (Abweichung ${d})`);
  }
}

function label(c) { return `${c.sizes.join("-")} ${c.activation} ${c.head}`; }

for (const c of FIX.cases) {
  test(`Verlust, Gradienten und SGD-Schritt: ${label(c)}`, () => {
    const model = M.create({ sizes: c.sizes, activation: c.activation, head: c.head, params: c.params });
    const { loss, grads } = M.lossAndGrads(model, c.X, c.y, c.N);
    close([loss], [c.loss], "Verlust");
    close([M.loss(model, c.X, c.y, c.N)], [c.loss], "Verlust (nur vorwärts)");
    grads.forEach((g, i) => close(g, c.grads[i], `Gradient ${i}`));
    close(M.predictProba(model, c.X, c.N), c.proba, "Ausgabe");
    M.sgdStep(model, grads, c.lr);
    model.params.forEach((p, i) => close(p, c.params_after[i], `Parameter ${i} nach SGD`));
  });
}

test("eine Epoche Mini-Batch-Training wie train()", () => {
  const e = FIX.epoch;
  const model = M.create({ sizes: e.sizes, activation: e.activation, head: e.head, params: e.params });
  M.trainEpoch(model, e.X, e.y, e.N, { lr: e.lr, batchSize: e.batch_size, order: Int32Array.from(e.order) });
  model.params.forEach((p, i) => close(p, e.params_after[i], `Parameter ${i} nach der Epoche`));
  close([M.loss(model, e.X, e.y, e.N)], [e.loss_after], "Verlust nach der Epoche");
});

test("Merkmale wie toy2d.add_features (float32 in Python)", () => {
  const f = FIX.features;
  const F = M.toy2d.addFeatures(Float64Array.from(f.X), f.X.length / 2, f.names);
  assert.deepEqual(M.toy2d.FEATURES, f.names);
  close(F, f.F, "Merkmale", "daten");
});

test("Gitter wie toy2d.grid(50, 6)", () => {
  const g = M.toy2d.grid(50, 6);
  close(g.xs, FIX.grid_xs, "Gitter", "daten");
  assert.equal(g.X[2 * 51], g.xs[1]); // Zeile 1, Spalte 1
  assert.equal(g.X[2 * 50 + 1], g.xs[1]); // Zeile 1 → x₂
});

test("Spirale ohne Rauschen: dieselben Punkte wie in Python", () => {
  const s = FIX.spiral_exact;
  const d = M.toy2d.make("spirale", s.n, 0, 0);
  const pts = [];
  for (let i = 0; i < s.n; i++) pts.push([d.y[i], d.X[2 * i], d.X[2 * i + 1]]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  close(pts.flat(), s.points.flat(), "Spiralpunkte", "daten");
});

test("Spielzeugdaten: Kennzahlen je Klasse wie in Python (Zufall: 5 Standardfehler)", () => {
  const n = FIX.stats_n;
  for (const ref of FIX.toy_stats) {
    const d = M.toy2d.make(ref.name, n, ref.noise, 0);
    const sums = { r: 0, x1: 0, x2: 0, x1x2: 0 };
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (d.y[i] !== ref.cls) continue;
      const a = d.X[2 * i], b = d.X[2 * i + 1];
      sums.r += Math.hypot(a, b); sums.x1 += a; sums.x2 += b; sums.x1x2 += a * b;
      count++;
    }
    if (ref.count_fixed) assert.equal(count, ref.count, `${ref.name}: Punkte in Klasse ${ref.cls}`);
    else assert.ok(Math.abs(count - ref.count) <= 5 * Math.sqrt(n / 2), `${ref.name}: ${count} Punkte`);
    for (const key of Object.keys(sums)) {
      const mean = sums[key] / count, tol = 5 * Math.SQRT2 * ref[key + "_se"] + 1e-9;
      assert.ok(Math.abs(mean - ref[key]) <= tol,
        `${ref.name}, Rauschen ${ref.noise}, Klasse ${ref.cls}, ${key}: JS ${mean} gegen Python ${ref[key]}`);
    }
  }
});

test("Spielzeugdaten: Regeln der Datensätze", () => {
  const R = M.toy2d.RADIUS;
  const c = M.toy2d.make("kreise", 500, 0, 1);
  for (let i = 0; i < 500; i++) {
    const r = Math.hypot(c.X[2 * i], c.X[2 * i + 1]);
    assert.ok(c.y[i] === 1 ? r <= 0.5 * R + 1e-12 : r >= 0.7 * R - 1e-12 && r <= R + 1e-12);
  }
  const x = M.toy2d.make("xor", 500, 0, 1);
  for (let i = 0; i < 500; i++) {
    const a = x.X[2 * i], b = x.X[2 * i + 1];
    assert.equal(x.y[i], a * b > 0 ? 1 : 0);
    assert.ok(Math.abs(a) >= 0.3 && Math.abs(b) >= 0.3 && Math.abs(a) <= R + 0.3);
  }
  const a = M.toy2d.make("gauss", 101, 0.3, 7), b = M.toy2d.make("gauss", 101, 0.3, 7);
  assert.deepEqual(a.X, b.X); // gleicher Seed, gleiche Daten
  assert.equal(a.y.reduce((s, v) => s + v, 0), 50); // n // 2 Punkte in Klasse 1
});

test("Training senkt den Verlust (Kreise, 4-2 tanh)", () => {
  const d = M.toy2d.make("kreise", 200, 0, 0);
  const F = M.toy2d.addFeatures(d.X, 200, ["x1", "x2"]).map((v) => v / 5);
  const model = M.create({ sizes: [2, 4, 2, 2], activation: "tanh", seed: 0 });
  const rng = M.makeRng(0), before = M.loss(model, F, d.y, 200);
  for (let e = 0; e < 100; e++) M.trainEpoch(model, F, d.y, 200, { lr: 0.3, batchSize: 10, rng });
  const after = M.loss(model, F, d.y, 200);
  assert.ok(after < 0.25 * before, `Verlust ${before} → ${after}`);
});

test("Xavier-Initialisierung: Streuung √(2/(n+m)), Schwellwerte 0", () => {
  const model = M.create({ sizes: [400, 600, 2], seed: 5 });
  const W = model.params[0];
  const sd = Math.sqrt(W.reduce((s, v) => s + v * v, 0) / W.length);
  assert.ok(Math.abs(sd - Math.sqrt(2 / 1000)) < 0.01 * Math.sqrt(2 / 1000), `Streuung ${sd}`);
  assert.ok(model.params[1].every((v) => v === 0));
  assert.equal(M.nParams(model), 400 * 600 + 600 + 600 * 2 + 2);
});

test("klare Fehlermeldungen", () => {
  assert.throws(() => M.create({ sizes: [2] }), /sizes braucht mindestens zwei/);
  assert.throws(() => M.create({ sizes: [2, 3, 2], activation: "gelu" }), /activation muss eine von/);
  assert.throws(() => M.create({ sizes: [2, 1] }), /Softmax-Kopf/);
  const model = M.create({ sizes: [2, 2] });
  assert.throws(() => M.loss(model, [1, 2, 3], [0], 1), /X muss 2 Einträge/);
  assert.throws(() => M.loss(model, [1, 2], [2], 1), /Klassennummern/);
  assert.throws(() => M.trainEpoch(model, [1, 2], [0], 1, { lr: 0 }), /lr muss größer als 0/);
  assert.throws(() => M.toy2d.make("mond", 10), /name muss eine von/);
  assert.throws(() => M.toy2d.make("xor", 10, 1.5), /noise darf höchstens 1/);
  assert.equal(M.create({ sizes: [2, 2, 2], activation: "linear" }).activation, "identity");
});

test("größte Abweichung zu Python", () => {
  console.log(`größte absolute Abweichung JS – Python: Netz ${maxAbs.netz.toExponential(2)}, ` +
              `Daten ${maxAbs.daten.toExponential(2)}`);
  assert.ok(maxAbs.netz < 1e-12, "Verlust, Gradienten und Gewichte: float64-Genauigkeit");
  assert.ok(maxAbs.daten < TOL);
});
