// Golden-Test für lib/cnn.js: dieselben Zahlen wie PyTorch (kibuch.nn.convnet) und wie
// kibuch.web.models.mnist_preprocess. Die Fixture schreibt tests/js/make_fixtures_digit.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadFixture, loadLib } from "./helpers.mjs";

const C = loadLib("cnn.js");
const fixture = loadFixture("digit.json");

function maxDiff(a, b) {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

test("Logits und Wahrscheinlichkeiten wie das PyTorch-Modell (BatchNorm gefaltet)", (t) => {
  const model = C.fromData(fixture.model);
  assert.equal(fixture.model.batchnorm, "gefaltet");
  let worstLogit = 0, worstProb = 0;
  fixture.inputs.forEach((image, n) => {
    const out = model.forward(Float64Array.from(image));
    worstLogit = Math.max(worstLogit, maxDiff(out.logits, fixture.logits[n]));
    worstProb = Math.max(worstProb, maxDiff(out.probs, fixture.probs[n]));
  });
  t.diagnostic(`Logits: ${worstLogit.toExponential(2)}, Wahrscheinlichkeiten: ${worstProb.toExponential(2)}`);
  assert.ok(worstLogit < 1e-4);
  assert.ok(worstProb < 1e-4);
});

test("Merkmalskarten der ersten Faltung (nach BatchNorm und ReLU)", (t) => {
  const model = C.fromData(fixture.model);
  const out = model.forward(Float64Array.from(fixture.inputs[0]));
  assert.equal(out.maps.length, fixture.model.config.channels[0] * 28 * 28);
  const worst = maxDiff(out.maps, fixture.maps);
  t.diagnostic(`größte Abweichung: ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-4);
});

test("Vorverarbeitung wie mnist_preprocess (auf 1e-6)", (t) => {
  let worst = 0;
  for (const c of fixture.preprocess) {
    const bitmap = { width: c.width, height: c.height, data: c.pixels.map((v) => v / 255) };
    const out = C.preprocess(bitmap);
    if (c.output.every((v) => v === 0)) {
      assert.equal(out, null, `${c.name}: leere Zeichnung`);
      continue;
    }
    assert.equal(out.length, 28 * 28, c.name);
    const d = maxDiff(out, c.output);
    t.diagnostic(`${c.name}: ${d.toExponential(2)}`);
    worst = Math.max(worst, d);
  }
  assert.ok(worst < 1e-6);
});

test("Vorverarbeitung: Ziffer passt in 20 × 20, Schwerpunkt nahe (14, 14)", () => {
  const c = fixture.preprocess.find((p) => p.name === "sieben");
  const out = C.preprocess({ width: c.width, height: c.height, data: c.pixels.map((v) => v / 255) });
  let mass = 0, my = 0, mx = 0, rows = new Set(), cols = new Set();
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = out[y * 28 + x];
      if (v > 0) { rows.add(y); cols.add(x); }
      mass += v; my += v * y; mx += v * x;
    }
  }
  assert.ok(Math.max(rows.size, cols.size) <= 20);
  assert.ok(Math.abs(my / mass - 14) <= 0.5 && Math.abs(mx / mass - 14) <= 0.5);
});

test("Bausteine: Pooling wie torch", () => {
  // 7 × 7 → 3 × 3: Fenster [0, 3), [2, 5), [4, 7) überlappen
  const x = Float64Array.from({ length: 49 }, (_, i) => i);
  const p = C.adaptiveAvgPool(x, 1, 7, 7, 3);
  assert.equal(p[0], (0 + 1 + 2 + 7 + 8 + 9 + 14 + 15 + 16) / 9);
  assert.equal(p[8], (32 + 33 + 34 + 39 + 40 + 41 + 46 + 47 + 48) / 9);
  const m = C.maxPool2(Float64Array.from([1, 5, 2, 0, 3, 4, 9, 1, 7]), 1, 3, 3);  // 3 × 3 → 1 × 1
  assert.deepEqual(Array.from(m), [5]);
  const w = C.areaWeights(5, 2);  // jede Ausgabe mittelt 2,5 Pixel
  assert.deepEqual(Array.from(w), [0.4, 0.4, 0.2, 0, 0, 0, 0, 0.2, 0.4, 0.4]);
});

test("Daten prüfen: falsche Bildgröße und Base64", () => {
  const model = C.fromData(fixture.model);
  assert.throws(() => model.forward(new Float64Array(10)), /Größe/);
  assert.throws(() => C.base64Bytes("A?AA"), /Base64/);
  assert.throws(() => C.fromData({}), /Unvollständig/);
});
