// Goldener Test: book/_static/widgets/lib/kmeans.js rechnet wie kibuch.scratch.kmeans.
// Referenzwerte: tests/js/fixtures/kmeans.json (erzeugt von make_fixtures_kmeans.py).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, loadLib } from "./helpers.mjs";

const KM = loadLib("kmeans.js");
const fixture = loadFixture("kmeans.json");

const TOL = 1e-9;  // verlangt; erreicht wird Gleichheit Bit für Bit (siehe maxErr unten)
let maxErr = 0;

function close(actual, expected, what) {
  const err = Math.abs(actual - expected);
  maxErr = Math.max(maxErr, err);
  assert.ok(err <= TOL * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} statt ${expected} (Abweichung ${err})`);
}

function closeMatrix(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: Zeilenzahl`);
  expected.forEach((row, i) => row.forEach((v, j) => close(actual[i][j], v, `${what}[${i}][${j}]`)));
}

function scripted(uniforms) {
  let i = 0;
  return () => {
    assert.ok(i < uniforms.length, "mehr Zufallszahlen verbraucht als Python");
    return uniforms[i++];
  };
}

for (const run of fixture.runs) {
  test(`Schritt für Schritt wie Python: ${run.name}, k = ${run.k} (${run.how})`, () => {
    const r = new KM.Run(run.X, run.init, run.max_iter);
    const steps = [];
    let s;
    while ((s = r.step())) steps.push(s);
    const assigns = steps.filter((t) => t.kind === "assign");
    const updates = steps.filter((t) => t.kind === "update");
    assert.equal(assigns.length, run.history.length, "Zahl der Zuordnen-Schritte");
    assert.equal(updates.length, run.n_iter, "Zahl der Verschieben-Schritte (n_iter)");
    run.history.forEach((h, i) => {
      assert.deepEqual(assigns[i].labels, h.labels, `Zuordnung in Runde ${i}`);
      closeMatrix(assigns[i].centers, h.centers, `Zentren in Runde ${i}`);
      close(assigns[i].inertia, h.inertia, `Inertia nach dem Zuordnen, Runde ${i}`);
    });
    run.inertia_after_update.forEach((v, i) =>
      close(updates[i].inertia, v, `Inertia nach dem Verschieben, Runde ${i + 1}`));
    assert.equal(r.converged, run.converged, "konvergiert?");
    assert.equal(r.rounds, run.n_iter);
    assert.ok(r.finished());
    closeMatrix(r.centers, run.centers, "Endzentren");
    // Die Inertia fällt nie (Lloyd-Algorithmus).
    for (let i = 1; i < steps.length; i++) {
      assert.ok(steps[i].inertia <= steps[i - 1].inertia + 1e-12, `Inertia steigt bei ${i}`);
    }
  });

  test(`kmeans() liefert Endzustand und Verlauf wie Python: ${run.name}, k = ${run.k}`, () => {
    const res = KM.kmeans(run.X, run.init, run.max_iter);
    assert.equal(res.nIter, run.n_iter);
    assert.equal(res.converged, run.converged);
    assert.deepEqual(res.labels, run.labels);
    closeMatrix(res.centers, run.centers, "centers");
    close(res.inertia, run.inertia, "inertia");
    assert.equal(res.history.length, run.history.length);
  });
}

for (const ini of fixture.inits) {
  test(`Startzentren wie init_centers mit denselben Zufallszahlen: ${ini.name}, ${ini.method}`,
    () => {
      const rand = scripted(ini.uniforms);
      const centers = KM.initCenters(ini.X, ini.k, ini.method, rand);
      closeMatrix(centers, ini.centers, "Startzentren");
      assert.throws(rand, /mehr Zufallszahlen/, "genauso viele Zufallszahlen wie Python");
    });
}

test("Bausteine einzeln: assign, updateCenters, inertia, squaredDistances", () => {
  const run = fixture.runs[0];
  const h0 = run.history[0], h1 = run.history[1];
  const a = KM.assign(run.X, h0.centers);
  assert.deepEqual(a.labels, h0.labels);
  close(a.inertia, h0.inertia, "assign.inertia");
  closeMatrix(KM.updateCenters(run.X, h0.labels, h0.centers), h1.centers, "updateCenters");
  close(KM.inertia(run.X, h0.labels, h0.centers), h0.inertia, "inertia");
  const d2 = KM.squaredDistances(run.X, h0.centers);
  assert.equal(d2.length, run.X.length);
  assert.equal(d2[0].length, run.k);
});

test("paarweise Summe: gleich der einfachen Summe bis auf Rundung", () => {
  const rand = KM.makeRng(3);
  for (const n of [0, 1, 7, 8, 9, 127, 128, 129, 1000]) {
    const a = Array.from({ length: n }, () => rand());
    const naive = a.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(KM.pairwiseSum(a) - naive) < 1e-12 * Math.max(1, n));
  }
});

test("k-means++ streut die Startzentren; Zufallsgenerator ist reproduzierbar", () => {
  const X = KM.makeDataset("wolken", 150, KM.makeRng(1));
  const a = KM.initCenters(X, 3, "k-means++", KM.makeRng(7));
  const b = KM.initCenters(X, 3, "k-means++", KM.makeRng(7));
  assert.deepEqual(a, b);
  // D²-Gewichtung: ein zweites Zentrum ganz nah am ersten ist sehr unwahrscheinlich.
  let near = 0;
  for (let seed = 0; seed < 200; seed++) {
    const c = KM.initCenters(X, 2, "k-means++", KM.makeRng(seed));
    if (Math.hypot(c[0][0] - c[1][0], c[0][1] - c[1][1]) < 1.5) near++;
  }
  assert.ok(near < 40, `zu oft benachbarte Startzentren: ${near} von 200`);
  const r = KM.initCenters(X, 8, "random", KM.makeRng(2));
  const keys = new Set(r.map((p) => p.join(",")));
  assert.equal(keys.size, 8, "zufällige Startzentren sind verschiedene Datenpunkte");
});

test("Beispieldaten: richtige Größe, im Bild, reproduzierbar", () => {
  for (const { id } of KM.DATASETS) {
    const X = KM.makeDataset(id, 120, KM.makeRng(5));
    assert.equal(X.length, 120);
    for (const p of X) assert.ok(Math.abs(p[0]) <= 6 && Math.abs(p[1]) <= 6, id);
    assert.deepEqual(X, KM.makeDataset(id, 120, KM.makeRng(5)));
  }
});

test("Voronoi-Zellen: jede Zelle enthält ihr Zentrum und die Flächen füllen das Bild", () => {
  const centers = [[-2, -1], [3, 2], [0, 4], [1, -3]];
  const cells = KM.voronoiCells(centers, [-6, 6, -6, 6]);
  const area = (poly) => Math.abs(poly.reduce((s, p, i) => {
    const q = poly[(i + 1) % poly.length];
    return s + p[0] * q[1] - q[0] * p[1];
  }, 0)) / 2;
  const total = cells.reduce((s, c) => s + area(c), 0);
  assert.ok(Math.abs(total - 144) < 1e-9, `Gesamtfläche ${total}`);
  const dup = KM.voronoiCells([[0, 0], [0, 0], [1, 1]], [-1, 1, -1, 1]);
  assert.equal(dup[1].length, 0, "doppeltes Zentrum bekommt keine eigene Zelle");
});

test("Fehler nennen das Argument (auf Deutsch)", () => {
  assert.throws(() => KM.assign("abc", [[0, 0]]), /X muss ein Array/);
  assert.throws(() => KM.initCenters([[0, 0]], 2, "random", Math.random), /k muss zwischen/);
  assert.throws(() => KM.initCenters([[0, 0]], 1, "zufall", Math.random), /method muss/);
  assert.throws(() => KM.updateCenters([[0, 0]], [3], [[0, 0]]), /labels\[0\]/);
  assert.throws(() => KM.makeDataset("spirale", 10, Math.random), /name muss/);
  assert.throws(() => new KM.Run([[0, 0]], [[0, 0], [1, 1]]), /mehr Zentren/);
});

// Nach allen Tests: erreichte Genauigkeit (bisher 0, also Gleichheit Bit für Bit).
after(() => console.log(`# kmeans.js: größte Abweichung von Python ${maxErr}`));
